"""Imports: each kind, idempotence, preview counts, rejected rows, valid-only, malformed files,
provenance, templates, the command and access."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook, load_workbook

from campaigns.models import Officer, OrgUnit
from scoring.models import Fact
from scoring.services import load_rubric_version, pin_rubric
from spreadsheets.imports.kinds import KINDS
from spreadsheets.imports.services import run_import
from spreadsheets.imports.templates import build_template
from tests.factories import CampaignFactory, OfficerFactory

RUBRICS = Path(__file__).resolve().parents[2] / "scoring" / "rubrics"


def pin(campaign, *keys):
    for key in keys:
        version = load_rubric_version(path_or_text=RUBRICS / f"{key}.yaml")
        pin_rubric(campaign=campaign, version=version, actor=None)


@pytest.fixture
def fact_campaign(campaign):
    pin(campaign, "s002-individual", "s002-collective", "s000-individual")
    return campaign


@pytest.fixture
def unit_campaign(city):
    campaign = CampaignFactory(issuing_unit=city, title="单位指标活动")
    pin(campaign, "s000-collective")
    return campaign


@pytest.fixture
def officers(own_unit, other_unit):
    return [
        OfficerFactory(name="张三", unit=own_unit, certificate_no="C001"),
        OfficerFactory(name="李四", unit=own_unit, certificate_no="C002"),
        OfficerFactory(name="王五", unit=other_unit, certificate_no="C003"),
    ]


def xlsx(tmp_path, kind, rows, name="data.xlsx", headers=None, title_rows=()):
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append(title)
    sheet.append(headers if headers is not None else KINDS[kind].headers)
    for row in rows:
        sheet.append(list(row))
    path = tmp_path / name
    workbook.save(path)
    return path


def run(kind, path, campaign=None, **kwargs):
    return run_import(kind=kind, path=path, filename=path.name, campaign=campaign, **kwargs)


def counts(report):
    return (report.new, report.changed, report.unchanged, report.rejected)


MONTHLY_ROWS = [
    ("C001", "2024-01", 12),
    ("C001", "2024-02", 9),
    ("C002", "2024-01", 30),
]


# --- each kind imports ---------------------------------------------------------------------


def test_units_import_creates_with_parent_by_code(tmp_path, city):
    path = xlsx(
        tmp_path,
        "units",
        [
            ("BR-C", "丙分局", "丙", "分局", "CITY", 3),
            ("T-C1", "丙一中队", "", "执法大队/中队", "BR-C", ""),
        ],
    )
    report = run("units", path, dry_run=False)
    assert counts(report) == (2, 0, 0, 0) and report.saved
    team = OrgUnit.objects.get(code="T-C1")
    assert team.parent.code == "BR-C" and team.kind == "team" and team.sort_order == 0
    assert OrgUnit.objects.get(code="BR-C").parent == city


def test_officers_import_creates_and_updates_only_what_differs(
    tmp_path, officers, own_unit, campaign_admin
):
    path = xlsx(
        tmp_path,
        "officers",
        [
            ("C001", "张三", "BR-A", "队长", "是"),
            ("C009", "赵六", "BR-B", "", "否"),
            ("C002", "李四", "BR-A", "", ""),
        ],
    )
    report = run("officers", path, actor=campaign_admin, dry_run=False)
    assert counts(report) == (1, 1, 1, 0)
    assert Officer.objects.get(certificate_no="C001").post == "队长"
    new = Officer.objects.get(certificate_no="C009")
    assert (new.name, new.unit.code, new.is_active) == ("赵六", "BR-B", False)


def test_officer_monthly_merges_months_into_one_fact(tmp_path, fact_campaign, officers):
    path = xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS, name="月报.xlsx")
    report = run("officer_monthly", path, fact_campaign, dry_run=False)
    assert counts(report) == (3, 0, 0, 0) and report.facts_written == 2
    fact = Fact.objects.get(campaign=fact_campaign, officer=officers[0], key="monthly_uploads")
    assert fact.value == {"2024-01": 12, "2024-02": 9}
    assert (fact.source, fact.source_ref) == ("import", "月报.xlsx 第2-3行")


def test_unit_monthly_accepts_percent_and_decimal(tmp_path, fact_campaign, own_unit):
    path = xlsx(
        tmp_path, "unit_monthly", [("BR-A", "2024-03", "96%", "3.5"), ("BR-A", "2024-04", 1, 4)]
    )
    report = run("unit_monthly", path, fact_campaign, dry_run=False)
    assert counts(report) == (2, 0, 0, 0)
    facts = dict(Fact.objects.filter(unit=own_unit).values_list("key", "value"))
    assert facts["monthly_officer_entry_ratio"] == {"2024-03": "0.96", "2024-04": 1}
    assert facts["monthly_records_per_officer"] == {"2024-03": "3.5", "2024-04": 4}


@pytest.mark.parametrize(
    ("kind", "row", "expected"),
    [
        (
            "learning_officers",
            ("C001", 35, 120),
            {"learning_points_rank": 35, "theory_exam_rank": 120},
        ),
        ("competition_officers", ("C001", 8, ""), {"prov_drill_rank": 8}),
    ],
)
def test_officer_fact_kinds_import(tmp_path, fact_campaign, officers, kind, row, expected):
    report = run(kind, xlsx(tmp_path, kind, [row]), fact_campaign, dry_run=False)
    assert counts(report) == (1, 0, 0, 0)
    assert dict(Fact.objects.filter(officer=officers[0]).values_list("key", "value")) == expected


@pytest.mark.parametrize(
    ("kind", "row", "expected"),
    [
        (
            "learning_units",
            ("BR-A", "98%", 0.85, 86.5),
            {
                "learning_participation_ratio": "0.98",
                "learning_points_ratio": "0.85",
                "exam_avg_score": "86.5",
            },
        ),
        ("competition_units", ("BR-A", 2), {"drill_rank": 2}),
        (
            "panel_scores",
            ("BR-A", 1.5, 4, ""),
            {"learning_activities_score": "1.5", "uniform_drill_score": 4},
        ),
    ],
)
def test_unit_fact_kinds_import(tmp_path, unit_campaign, own_unit, kind, row, expected):
    report = run(kind, xlsx(tmp_path, kind, [row]), unit_campaign, dry_run=False)
    assert counts(report) == (1, 0, 0, 0), report.rejections
    assert dict(Fact.objects.filter(unit=own_unit).values_list("key", "value")) == expected


# --- idempotence and updates ---------------------------------------------------------------


def test_reimport_same_file_changes_nothing(tmp_path, fact_campaign, officers):
    path = xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS)
    run("officer_monthly", path, fact_campaign, dry_run=False)
    history = Fact.history.count()
    again = run("officer_monthly", path, fact_campaign, dry_run=False)
    assert counts(again) == (0, 0, 3, 0) and again.facts_written == 0
    assert Fact.history.count() == history


def test_reimport_units_and_officers_changes_nothing(tmp_path, officers, campaign_admin):
    units = xlsx(tmp_path, "units", [("BR-C", "丙分局", "", "分局", "CITY", 3)], name="u.xlsx")
    people = xlsx(tmp_path, "officers", [("C001", "张三", "BR-A", "", "是")], name="o.xlsx")
    run("units", units, dry_run=False)
    run("officers", people, actor=campaign_admin, dry_run=False)
    assert counts(run("units", units, dry_run=False)) == (0, 0, 1, 0)
    assert counts(run("officers", people, actor=campaign_admin, dry_run=False)) == (0, 0, 1, 0)


def test_update_changes_only_the_differing_month_and_keeps_provenance(
    tmp_path, fact_campaign, officers
):
    run(
        "officer_monthly",
        xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS, name="一月.xlsx"),
        fact_campaign,
        dry_run=False,
    )
    rows = [("C001", "2024-01", 12), ("C001", "2024-02", 10), ("C002", "2024-01", 30)]
    report = run(
        "officer_monthly",
        xlsx(tmp_path, "officer_monthly", rows, name="更正.xlsx"),
        fact_campaign,
        dry_run=False,
    )
    assert counts(report) == (0, 1, 2, 0) and report.facts_written == 1
    changed = Fact.objects.get(officer=officers[0], key="monthly_uploads")
    assert changed.value == {"2024-01": 12, "2024-02": 10}
    assert changed.source_ref == "更正.xlsx 第3行"
    untouched = Fact.objects.get(officer=officers[1], key="monthly_uploads")
    assert untouched.source_ref == "一月.xlsx 第4行"


# --- preview and rejected rows -------------------------------------------------------------


def test_preview_counts_and_saves_nothing(tmp_path, fact_campaign, officers):
    run(
        "officer_monthly",
        xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS[:1]),
        fact_campaign,
        dry_run=False,
    )
    report = run(
        "officer_monthly",
        xlsx(tmp_path, "officer_monthly", [*MONTHLY_ROWS, ("C003", "2024-01", 1)], name="b.xlsx"),
        fact_campaign,
    )
    assert counts(report) == (3, 0, 1, 0)
    assert report.dry_run and not report.saved
    assert Fact.objects.count() == 1


BAD_ROWS = [
    ("C001", "2024-01", 12),  # row 2 ok
    ("C404", "2024-01", 1),  # row 3 unknown officer
    ("C002", "2024/01", 1),  # row 4 bad month
    ("C002", "2024-02", "十二"),  # row 5 bad number
    ("C002", "2024-03", -1),  # row 6 out of range
    ("C001", "2024-01", 5),  # row 7 duplicate of row 2
    ("C003", "2024-01", 7),  # row 8 ok
]


def test_rejected_rows_name_row_column_and_reason(tmp_path, fact_campaign, officers):
    report = run("officer_monthly", xlsx(tmp_path, "officer_monthly", BAD_ROWS), fact_campaign)
    assert counts(report) == (2, 0, 0, 5)
    got = [(r.row, r.column, r.message) for r in report.rejections]
    assert got == [
        (3, "执法证件号", "未找到执法证件号为“C404”的执法人员"),
        (4, "月份", "月份应为 YYYY-MM 格式（如 2024-03），实际为“2024/01”"),
        (5, "上传检查记录数", "“十二”不是有效的数字"),
        (6, "上传检查记录数", "取值 -1 超出范围：应不小于 0"),
        (7, "月份", "与第2行重复（执法证件号、月份相同）"),
    ]


def test_unknown_unit_code_is_rejected(tmp_path, city):
    path = xlsx(tmp_path, "officers", [("C100", "某人", "NOPE", "", "")])
    report = run("officers", path, dry_run=False)
    assert [(r.row, r.column, r.message) for r in report.rejections] == [
        (2, "所属单位代码", "未知的单位代码“NOPE”")
    ]
    assert not report.saved and not Officer.objects.exists()


def test_confirm_with_rejected_rows_saves_nothing(tmp_path, fact_campaign, officers):
    report = run(
        "officer_monthly", xlsx(tmp_path, "officer_monthly", BAD_ROWS), fact_campaign, dry_run=False
    )
    assert not report.saved and "只导入有效行" in report.notice
    assert not Fact.objects.exists()


def test_confirm_master_data_with_rejected_rows_saves_nothing(tmp_path, city):
    rows = [
        ("BR-C", "丙分局", "", "分局", "CITY", 1),
        ("BR-D", "丁分局", "", "不存在的类型", "CITY", 2),
    ]
    report = run("units", xlsx(tmp_path, "units", rows), dry_run=False)
    assert report.rejected == 1 and not report.saved
    assert not OrgUnit.objects.filter(code="BR-C").exists()


def test_valid_only_saves_the_valid_rows(tmp_path, fact_campaign, officers):
    report = run(
        "officer_monthly",
        xlsx(tmp_path, "officer_monthly", BAD_ROWS),
        fact_campaign,
        dry_run=False,
        valid_only=True,
    )
    assert report.saved and counts(report) == (2, 0, 0, 5)
    assert dict(Fact.objects.values_list("officer__certificate_no", "value")) == {
        "C001": {"2024-01": 12},
        "C003": {"2024-01": 7},
    }


def test_fact_not_declared_by_pinned_rubrics_is_rejected(tmp_path, campaign, officers):
    report = run("officer_monthly", xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS[:1]), campaign)
    assert report.rejected == 1
    assert "未在本活动启用的个人评分细则中声明" in report.rejections[0].message


# --- malformed files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"not a spreadsheet at all", "x.xlsx", "不是有效的 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "locked.xlsx", "设置了打开密码"),
        (b"", "empty.xlsx", "文件是空的"),
        (b"a,b\n1,2\n", "x.txt", "只能导入 .xlsx"),
    ],
)
def test_unreadable_files_get_a_clear_message(tmp_path, fact_campaign, content, name, expected):
    path = tmp_path / name
    path.write_bytes(content)
    report = run("officer_monthly", path, fact_campaign, dry_run=False)
    assert expected in report.file_error and not report.saved
    assert not Fact.objects.exists()


def test_password_protected_workbook_saved_by_an_office_tool(tmp_path, fact_campaign, officers):
    """A real encrypted workbook (what Excel writes with “用密码进行加密”), not just its magic."""
    plain = xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS)
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("密码123", target)

    report = run("officer_monthly", locked, fact_campaign, dry_run=False)

    assert "设置了打开密码" in report.file_error and not report.saved
    assert not Fact.objects.exists()


def test_wrong_headers_empty_sheet_and_header_only(tmp_path, fact_campaign, officers):
    wrong = run(
        "officer_monthly",
        xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS, headers=["证件", "月", "数"]),
        fact_campaign,
    )
    assert "表头不符合" in wrong.file_error and "缺少列" in wrong.file_error
    empty = tmp_path / "empty-sheet.xlsx"
    Workbook().save(empty)
    assert "工作表是空的" in run("officer_monthly", empty, fact_campaign).file_error
    only = run(
        "officer_monthly", xlsx(tmp_path, "officer_monthly", [], name="h.xlsx"), fact_campaign
    )
    assert "没有数据行" in only.file_error


def test_merged_cells_in_data_are_refused_but_title_rows_are_fine(
    tmp_path, fact_campaign, officers
):
    path = xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS, title_rows=[("2024 年移动执法统计",)])
    workbook = load_workbook(path)
    workbook.active.merge_cells("A1:C1")
    workbook.save(path)
    assert counts(run("officer_monthly", path, fact_campaign)) == (3, 0, 0, 0)
    workbook.active.merge_cells("A3:A4")
    workbook.save(path)
    report = run("officer_monthly", path, fact_campaign, dry_run=False)
    assert "合并单元格" in report.file_error and not Fact.objects.exists()


def test_csv_in_gb18030_and_utf8_bom(tmp_path, fact_campaign, officers):
    text = "执法证件号,月份,上传检查记录数\nC001,2024-01,12\n"
    for encoding, name in (("gb18030", "gbk.csv"), ("utf-8-sig", "bom.csv")):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        assert counts(run("officer_monthly", path, fact_campaign)) == (1, 0, 0, 0), encoding


def test_zip_bomb_is_refused(tmp_path, fact_campaign):
    path = xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings2.xml", b"\0" * (310 * 1024 * 1024))
    assert "体积异常" in run("officer_monthly", path, fact_campaign).file_error


def test_excel_date_in_month_column_is_read_as_its_month(tmp_path, fact_campaign, officers):
    import datetime as dt

    path = xlsx(tmp_path, "officer_monthly", [("C001", dt.date(2024, 3, 1), 4)])
    run("officer_monthly", path, fact_campaign, dry_run=False)
    assert Fact.objects.get().value == {"2024-03": 4}


# --- templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_template_opens_with_headers_example_and_validations(kind, city, own_unit):
    workbook = load_workbook(io.BytesIO(build_template(KINDS[kind])))
    data = workbook["导入数据"]
    assert [c.value for c in data[1]] == KINDS[kind].headers
    example = workbook["填写示例"]
    assert example.max_row == 2 and example.cell(2, 1).value not in (None, "")
    types = {dv.type for dv in data.data_validations.dataValidation}
    expected = {
        "units": {"list", "whole"},
        "officers": {"list"},
        "officer_monthly": {"textLength", "whole"},
        "unit_monthly": {"list", "textLength", "decimal"},
        "learning_units": {"list", "decimal"},
        "panel_scores": {"list", "decimal"},
        "case_files": {"list", "date"},
    }.get(kind, {"whole"})
    assert expected <= types
    assert workbook["单位代码"].sheet_state == "hidden"
    assert [r[0] for r in workbook["单位代码"].iter_rows(min_row=2, values_only=True)] == [
        "BR-A",
        "CITY",
    ]


def test_filled_template_imports(tmp_path, fact_campaign, officers):
    workbook = load_workbook(io.BytesIO(build_template(KINDS["officer_monthly"])))
    workbook["导入数据"].append(["C001", "2024-05", 6])
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    assert counts(run("officer_monthly", path, fact_campaign)) == (1, 0, 0, 0)


# --- command --------------------------------------------------------------------------------


def test_command_prints_preview_summary_and_saves(tmp_path, fact_campaign, officers):
    path = xlsx(tmp_path, "officer_monthly", BAD_ROWS)
    out = io.StringIO()
    call_command(
        "import_data",
        "officer_monthly",
        str(path),
        "--campaign",
        str(fact_campaign.pk),
        "--dry-run",
        stdout=out,
    )
    text = out.getvalue()
    assert "新增 2 行，变更 0 行，未变 0 行，拒绝 5 行" in text
    assert "第3行 [执法证件号] 未找到执法证件号为“C404”的执法人员" in text
    assert "预览：未保存任何数据。" in text
    with pytest.raises(CommandError):
        call_command(
            "import_data",
            "officer_monthly",
            str(path),
            "--campaign",
            str(fact_campaign.pk),
            stdout=io.StringIO(),
        )
    assert not Fact.objects.exists()
    out = io.StringIO()
    call_command(
        "import_data",
        "officer_monthly",
        str(path),
        "--campaign",
        str(fact_campaign.pk),
        "--valid-only",
        stdout=out,
    )
    assert "已保存" in out.getvalue() and Fact.objects.count() == 2


# --- access ---------------------------------------------------------------------------------


def test_service_refuses_non_admin_actor(tmp_path, fact_campaign, reviewer):
    with pytest.raises(PermissionDenied):
        run(
            "officer_monthly",
            xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS),
            fact_campaign,
            actor=reviewer,
        )


def test_page_access_by_persona(
    client_for, fact_campaign, own_staff, other_staff, reviewer, campaign_admin, django_user_model
):
    url = reverse("spreadsheets:imports", args=[fact_campaign.pk])
    template = reverse("spreadsheets:import_template", args=[fact_campaign.pk, "officers"])
    assert client_for(campaign_admin).get(url).status_code == 200
    assert client_for(reviewer).get(url).status_code == 403
    assert client_for(own_staff).get(url).status_code == 403  # sees the campaign, may not write
    outsider = django_user_model.objects.create_user(
        "outsider",
        role="branch_staff",
        unit=OrgUnit.objects.create(name="外", code="X", kind="branch"),
    )
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(reviewer).get(template).status_code == 403


def test_page_preview_then_confirm(client_for, tmp_path, fact_campaign, officers, campaign_admin):
    client = client_for(campaign_admin)
    url = reverse("spreadsheets:imports", args=[fact_campaign.pk])
    path = xlsx(tmp_path, "officer_monthly", BAD_ROWS, name="月报.xlsx")
    with path.open("rb") as fh:
        response = client.post(url, {"action": "preview", "kind": "officer_monthly", "file": fh})
    assert response.status_code == 200
    report = response.context["report"]
    assert counts(report) == (2, 0, 0, 5) and not Fact.objects.exists()
    assert "只导入有效行" in response.content.decode()
    token = response.context["confirm_form"].initial["token"]
    refused = client.post(url, {"action": "confirm", "token": token})
    assert not refused.context["report"].saved and not Fact.objects.exists()
    saved = client.post(url, {"action": "confirm", "token": token, "valid_only": "on"})
    assert saved.context["report"].saved and Fact.objects.count() == 2
    assert Fact.objects.filter(source="import", source_ref="月报.xlsx 第2行").count() == 1


def test_page_template_download(client_for, fact_campaign, campaign_admin):
    response = client_for(campaign_admin).get(
        reverse("spreadsheets:import_template", args=[fact_campaign.pk, "unit_monthly"])
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["导入数据"][1]] == KINDS["unit_monthly"].headers


def test_big_file_runs_as_a_job_with_progress(
    client_for,
    tmp_path,
    fact_campaign,
    officers,
    campaign_admin,
    django_capture_on_commit_callbacks,
):
    from jobs.models import Job, JobStatus
    from spreadsheets.imports.kinds import BACKGROUND_ROWS

    rows = [
        (f"C00{1 + i % 3}", f"{2000 + i // 36:04d}-{1 + (i // 3) % 12:02d}", i % 50)
        for i in range(BACKGROUND_ROWS + 1)
    ]
    path = xlsx(tmp_path, "officer_monthly", rows, name="大文件.xlsx")
    client = client_for(campaign_admin)
    url = reverse("spreadsheets:imports", args=[fact_campaign.pk])
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as fh:
        started = client.post(url, {"action": "preview", "kind": "officer_monthly", "file": fh})
    preview_job = Job.objects.get(kind="import_preview")
    assert started.url == f"{url}?preview={preview_job.pk}"
    assert (preview_job.status, preview_job.progress) == (JobStatus.DONE, 100)
    from accounts.enums import Role
    from tests.factories import UserFactory

    other_admin = UserFactory(username="admin2", role=Role.CAMPAIGN_ADMIN, unit=officers[0].unit)
    other_client = Client()
    other_client.force_login(other_admin)
    assert other_client.get(started.url).status_code == 404  # not their preview
    preview = client.get(started.url)
    assert preview.context["report"].new == BACKGROUND_ROWS + 1 and not Fact.objects.exists()
    token = preview.context["confirm_form"].initial["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "confirm", "token": token})
    job = Job.objects.get(kind="import_data")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.status, job.progress) == ("import_data", JobStatus.DONE, 100)
    assert job.result["new"] == BACKGROUND_ROWS + 1 and job.result["saved"]
    assert Fact.objects.filter(key="monthly_uploads").count() == 3
    assert len(Fact.objects.get(officer=officers[0]).value) == 667


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_file_saved_by_libreoffice_imports(tmp_path, fact_campaign, officers):
    source = xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS, name="source.xlsx")
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    report = run("officer_monthly", out / "source.xlsx", fact_campaign, dry_run=False)
    assert counts(report) == (3, 0, 0, 0)
    assert Fact.objects.get(officer=officers[0]).value == {"2024-01": 12, "2024-02": 9}


def test_workbook_with_a_million_rows_is_refused(tmp_path, fact_campaign):
    path = xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS)
    workbook = load_workbook(path)
    workbook.active.cell(row=1_048_576, column=1, value="C001")
    workbook.save(path)
    assert "超过上限" in run("officer_monthly", path, fact_campaign).file_error


def test_duplicate_unit_codes_in_a_file_are_rejected(tmp_path, city):
    rows = [("BR-C", "丙分局", "", "分局", "CITY", 1), ("BR-C", "丙分局二", "", "分局", "CITY", 2)]
    report = run("units", xlsx(tmp_path, "units", rows), dry_run=False)
    assert [(r.row, r.column, r.message) for r in report.rejections] == [
        (3, "单位代码", "与第2行重复（单位代码相同）")
    ]
    assert not report.saved and not OrgUnit.objects.filter(code="BR-C").exists()


def test_closed_campaign_refuses_facts_and_saves_nothing(tmp_path, fact_campaign, officers):
    fact_campaign.status = "closed"
    fact_campaign.save(update_fields=["status"])
    report = run(
        "officer_monthly",
        xlsx(tmp_path, "officer_monthly", MONTHLY_ROWS),
        fact_campaign,
        dry_run=False,
    )
    assert "活动已结束" in report.file_error and not report.saved
    assert not Fact.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_import_job_progress_is_visible_while_the_import_runs(
    tmp_path, fact_campaign, officers, campaign_admin, monkeypatch
):
    """The import saves all or nothing in one transaction, yet the polled progress endpoint
    (another request, another database connection) sees the progress move meanwhile."""
    import threading

    from django.db import connection

    from jobs.models import Job, JobStatus
    from spreadsheets.imports import jobs as import_jobs
    from spreadsheets.imports import services

    rows = [(f"C00{1 + i % 3}", f"{2020 + i // 36}-{1 + (i // 3) % 12:02d}", i) for i in range(60)]
    path = xlsx(tmp_path, "officer_monthly", rows, name="月度.xlsx")
    token = services.store_upload(path, path.name)
    poller = Client()
    poller.force_login(campaign_admin)
    polled: list[dict] = []
    facts_seen: list[int] = []
    real_record_facts = services.record_facts

    def record_facts_then_poll(**kwargs):
        written = real_record_facts(**kwargs)
        job = Job.objects.get(kind=import_jobs.JOB_KIND)

        def poll() -> None:
            try:
                url = reverse("jobs:status", args=[job.pk])
                polled.append(poller.get(url).json())
                if connection.vendor == "postgresql":
                    facts_seen.append(Fact.objects.count())
            finally:
                connection.close()

        thread = threading.Thread(target=poll)
        thread.start()
        thread.join()
        return written

    monkeypatch.setattr(services, "FACT_BATCH", 1)  # three facts: three batches, three polls
    monkeypatch.setattr(services, "record_facts", record_facts_then_poll)
    job = import_jobs.start_import_job(
        campaign=fact_campaign,
        actor=campaign_admin,
        params={"kind": "officer_monthly", "token": token, "filename": path.name},
    )
    job.refresh_from_db()
    assert (job.status, job.progress) == (JobStatus.DONE, 100)
    assert [p["status"] for p in polled] == ["running"] * 3
    progress = [p["progress"] for p in polled]
    assert 50 <= progress[0] < progress[1] < progress[2] < 100
    assert [p["message"] for p in polled[1:]] == ["已写入 1/3 项评分事实", "已写入 2/3 项评分事实"]
    assert facts_seen in ([], [0, 0, 0])  # meanwhile nothing of the import was visible
    assert Fact.objects.filter(key="monthly_uploads").count() == 3
