"""The case-file import kind: registered through cases.services.import_cases, natural key unit
code + case number, unknown officers and types named by row and column, nothing saved then."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import CaseFile, CaseHandler
from cases.services import IMPORT_COLUMNS
from spreadsheets.imports.kinds import KINDS
from spreadsheets.imports.templates import build_template
from tests.factories import OfficerFactory
from tests.spreadsheets.test_imports import counts, run, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_officers(own_unit, other_unit):
    return {
        number: OfficerFactory(unit=unit, certificate_no=number)
        for number, unit in (("K001", own_unit), ("K002", own_unit), ("K003", other_unit))
    }


ROWS = [
    # 单位代码, 案件编号, 案卷类型, 决定日期, 当事人, 检查人, 立案审批承办人, 主办人, 公开, 仅决定书
    ("BR-A", "甲罚〔2024〕1号", "一般行政处罚", dt.date(2024, 3, 15), "某化工公司",
     "K001", "K001、K002", "K002", "是", "否"),
    ("BR-B", "乙罚〔2024〕7号", "查封扣押", "2024-05-02", "", "K003", "", "K003", "否", ""),
]  # fmt: skip


def test_headers_are_what_import_cases_reads():
    assert KINDS["case_files"].headers == list(IMPORT_COLUMNS)


def test_case_files_register_with_handlers_and_reimport_changes_nothing(
    tmp_path, case_officers, own_unit, other_unit
):
    path = xlsx(tmp_path, "case_files", ROWS, name="案卷.xlsx")
    preview = run("case_files", path)
    assert counts(preview) == (2, 0, 0, 0) and not CaseFile.objects.exists()

    report = run("case_files", path, dry_run=False)
    assert report.saved and counts(report) == (2, 0, 0, 0)
    first = CaseFile.objects.get(unit=own_unit, case_number="甲罚〔2024〕1号")
    assert (first.case_type, first.decision_date, first.party_name, first.decision_published) == (
        "general_penalty",
        dt.date(2024, 3, 15),
        "某化工公司",
        True,
    )
    assert sorted(
        CaseHandler.objects.filter(case_file=first).values_list("officer__certificate_no", "role")
    ) == [
        ("K001", "filing_approval"),
        ("K001", "inspection_record"),
        ("K002", "filing_approval"),
        ("K002", "presiding"),
    ]
    second = CaseFile.objects.get(unit=other_unit)
    assert (second.case_type, second.decision_date) == ("seal_seize", dt.date(2024, 5, 2))

    again = run("case_files", path, dry_run=False)
    assert counts(again) == (0, 0, 2, 0) and again.saved
    assert CaseFile.objects.count() == 2 and CaseHandler.objects.count() == 6


def test_unknown_officers_types_and_text_dates_are_named_and_nothing_is_saved(
    tmp_path, case_officers
):
    rows = [
        ROWS[0],
        ("BR-A", "甲罚〔2024〕2号", "罚款", "2024-04-01", "", "K001", "", "K009、K001", "是", ""),
        ("BR-A", "甲罚〔2024〕3号", "限产停产", "2024年4月", "", "", "", "X7", "否", ""),
        ("BR-A", "甲罚〔2024〕1号", "一般行政处罚", "", "", "", "", "", "", ""),
    ]
    report = run("case_files", xlsx(tmp_path, "case_files", rows), dry_run=False)
    assert [(r.row, r.column, r.message) for r in report.rejections] == [
        (3, "案卷类型", "“罚款”不是可选值（一般行政处罚、不予行政处罚决定、按日连续处罚、查封扣押、"
         "限产停产、移送行政拘留、涉嫌犯罪移送、申请法院强制执行）"),
        (3, "主办人证件号", "未登记的执法证件号“K009”"),
        (4, "决定日期", "日期应为日期格式或 YYYY-MM-DD 文本（如 2024-03-15），实际为“2024年4月”"),
        (4, "主办人证件号", "未登记的执法证件号“X7”"),
        (5, "案件编号", "与第2行重复（单位代码、案件编号相同）"),
    ]  # fmt: skip
    assert counts(report) == (1, 0, 0, 3)
    assert not report.saved and "未保存任何数据" in report.summary_lines()[-1]
    assert not CaseFile.objects.exists()


def test_a_registered_case_is_not_changed_by_an_import(tmp_path, case_officers, own_unit):
    run("case_files", xlsx(tmp_path, "case_files", ROWS[:1]), dry_run=False)
    changed = [(*ROWS[0][:4], "另一当事人", *ROWS[0][5:])]
    report = run("case_files", xlsx(tmp_path, "case_files", changed, name="b.xlsx"), dry_run=False)
    assert [(r.row, r.column) for r in report.rejections] == [(2, "案件编号")]
    assert "导入不修改已登记的案卷" in report.rejections[0].message
    assert CaseFile.objects.get().party_name == "某化工公司"


def test_case_template_offers_the_type_list(city, own_unit):
    workbook = load_workbook(io.BytesIO(build_template(KINDS["case_files"])))
    validations = workbook["导入数据"].data_validations.dataValidation
    by_range = {str(dv.sqref).split(":")[0]: dv for dv in validations}
    assert by_range["C2"].type == "list" and "查封扣押" in by_range["C2"].formula1
    assert by_range["D2"].type == "date"
    example = workbook["填写示例"]
    assert example["B2"].value == "泰环罚〔2024〕12号"


def test_command_imports_case_files(tmp_path, case_officers):
    out = io.StringIO()
    call_command("import_data", "case_files", str(xlsx(tmp_path, "case_files", ROWS)), stdout=out)
    assert "新增 2 行" in out.getvalue() and CaseFile.objects.count() == 2


def test_page_previews_case_files(client_for, tmp_path, campaign, case_officers, campaign_admin):
    client = client_for(campaign_admin)
    url = reverse("spreadsheets:imports", args=[campaign.pk])
    with xlsx(tmp_path, "case_files", ROWS).open("rb") as fh:
        response = client.post(url, {"action": "preview", "kind": "case_files", "file": fh})
    assert counts(response.context["report"]) == (2, 0, 0, 0)
    assert not CaseFile.objects.exists()
    token = response.context["confirm_form"].initial["token"]
    saved = client.post(url, {"action": "confirm", "token": token})
    assert saved.context["report"].saved and CaseFile.objects.count() == 2
