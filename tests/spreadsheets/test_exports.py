"""Exports: the ranking workbook, the score sheet and the recommendation list, opened with
openpyxl (values, merges, formats, panes, print setup) and converted by LibreOffice."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from openpyxl import load_workbook

from scoring.models import Candidate
from spreadsheets.exports.cells import FORMULA_TRIGGERS, user_text
from spreadsheets.exports.errors import ExportError
from spreadsheets.exports.files import atomic_target, download_name
from spreadsheets.exports.ranking import EXCLUDED_SHEET, write_ranking
from spreadsheets.exports.recommendation import write_recommendation
from spreadsheets.exports.score_sheet import write_score_sheet
from tests.spreadsheets.exports_data import EVIL, build_scored_campaign

pytestmark = pytest.mark.django_db

COLLECTIVE_SHEET = "测试集体评选细则"
INDIVIDUAL_SHEET = "测试个人评选细则"


@pytest.fixture
def pins(campaign, campaign_admin):
    return build_scored_campaign(campaign, campaign_admin, individual=True)


@pytest.fixture
def ranking_book(campaign, pins, tmp_path):
    path = tmp_path / "ranking.xlsx"
    write_ranking(campaign=campaign, target=path)
    return load_workbook(path)


def _rows(ws, first=5):
    return [list(row) for row in ws.iter_rows(min_row=first, values_only=True)]


def _candidate(pin, unit_name):
    return Candidate.objects.get(campaign_rubric=pin, unit__name=unit_name)


# --- ranking workbook ----------------------------------------------------------------------------


def test_ranking_workbook_has_a_sheet_per_rubric_and_the_excluded_sheet(ranking_book):
    assert ranking_book.sheetnames == [COLLECTIVE_SHEET, INDIVIDUAL_SHEET, EXCLUDED_SHEET]


def test_ranking_title_rows_name_the_campaign_and_document_number(ranking_book, campaign):
    ws = ranking_book[COLLECTIVE_SHEET]
    assert ws["A1"].value == f"{campaign.title} {COLLECTIVE_SHEET}排名表"
    assert ws["A2"].value.startswith(f"文号：{campaign.document_number}")
    assert "评分细则：测试集体评选细则" in ws["A2"].value


def test_ranking_header_follows_the_rubric_tree(ranking_book):
    ws = ranking_book[COLLECTIVE_SHEET]
    top = [c.value for c in ws[3]]
    second = [c.value for c in ws[4]]
    assert top == [
        "参评单位",
        "执法装备（4分）", None, None,
        "案件办理（6分）", None,
        "宣传报道（2分）", None,
        "加分", "总分", "名次", "否决或不符合条件理由", "是否推荐",
    ]  # fmt: skip
    # the nested item (应急演练 → 开展演练) shows under its level-1 indicator
    assert second == [
        None,
        "开展演练（1分）", "执法终端配备比例（3分）", "小计",
        "办理案件（6分）", "小计",
        "宣传报道加分（2分）", "小计",
        None, None, None, None, None,
    ]  # fmt: skip
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:M1", "A2:M2", "B3:D3", "E3:F3", "G3:H3"} <= merged
    assert {"A3:A4", "I3:I4", "J3:J4", "K3:K4", "L3:L4", "M3:M4"} <= merged
    assert "B4:B4" not in merged


def test_ranking_rows_read_the_snapshots(ranking_book):
    rows = _rows(ranking_book[COLLECTIVE_SHEET])
    assert rows == [
        ["甲分局", 0.5, 3, 3.5, 4, 4, 1.5, 1.5, 1, 8.5, 1, None, "是"],
        ["乙分局", 1, 2, 3, 4, 4, 0, 0, 0, 7, 2, None, "是"],
        [EVIL, 1, 2, 3, 4, 4, 0, 0, 0, 7, 2, None, "是"],
        ["丙分局", 0, 3, 3, 5, 5, 0, 0, 0, 8, None, "本单位出现违反廉洁纪律问题", None],
        ["丁分局", 0, 3, 3, 0, 0, 0, 0, 0, 3, None, "评审期内未办理案件", None],
    ]


def test_ranking_formats_points_and_marks_ties(ranking_book):
    ws = ranking_book[COLLECTIVE_SHEET]
    for column in "BCDEFGHIJ":
        assert ws[f"{column}5"].number_format == "0.00"
    assert ws["K5"].number_format == "0"  # rank 1, alone
    assert ws["K6"].value == 2
    assert ws["K6"].number_format == '"并列 "0'  # ranks stay numbers, shown as 并列 2
    assert ws["K7"].number_format == '"并列 "0'


def test_ranking_individual_sheet_has_unit_and_name(ranking_book):
    ws = ranking_book[INDIVIDUAL_SHEET]
    assert [c.value for c in ws[3]][:3] == ["单位", "姓名", "个人事迹（6分）"]
    assert _rows(ws) == [
        ["甲分局", "张三", 5, 5, 0, 5, 1, None, "是"],
        ["甲分局", "-李四", 4, 4, 0, 4, 2, None, "是"],
    ]
    assert ws.freeze_panes == "C5"


def test_ranking_freezes_headers_and_prints_a4_landscape(ranking_book):
    ws = ranking_book[COLLECTIVE_SHEET]
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$4"
    assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页"
    assert ws.column_dimensions["A"].width == 24
    assert ws.column_dimensions["L"].width == 30


def test_ranking_excluded_sheet_lists_reasons(ranking_book):
    ws = ranking_book[EXCLUDED_SHEET]
    assert [c.value for c in ws[3]] == ["评分细则", "单位", "姓名", "总分", "情形", "理由"]
    assert _rows(ws, first=4) == [
        [COLLECTIVE_SHEET, "丙分局", None, 8, "否决", "本单位出现违反廉洁纪律问题"],
        [COLLECTIVE_SHEET, "丁分局", None, 3, "不符合参评条件", "评审期内未办理案件"],
    ]
    assert ws["D4"].number_format == "0.00"
    assert ws.print_title_rows == "$1:$3"


def test_ranking_reports_progress(campaign, pins, tmp_path):
    seen = []
    write_ranking(
        campaign=campaign, target=tmp_path / "r.xlsx", progress=lambda p, m: seen.append(p)
    )
    assert seen
    assert seen == sorted(seen)
    assert all(0 <= p < 100 for p in seen)


# --- formula injection ---------------------------------------------------------------------------


def test_formula_like_unit_name_stays_text(ranking_book):
    cell = ranking_book[COLLECTIVE_SHEET]["A7"]
    assert cell.value == EVIL
    assert cell.data_type == "s"
    assert cell.quotePrefix is True
    officer = ranking_book[INDIVIDUAL_SHEET]["B6"]
    assert (officer.value, officer.data_type, officer.quotePrefix) == ("-李四", "s", True)
    plain = ranking_book[COLLECTIVE_SHEET]["A5"]
    assert plain.quotePrefix is False


@pytest.mark.parametrize("start", FORMULA_TRIGGERS)
def test_user_text_quotes_every_formula_trigger(start, tmp_path):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("t")
    value = f"{start}SUM(A1:A2)"
    ws.append([user_text(ws, value), user_text(ws, "普通文字"), user_text(ws, None)])
    wb.save(tmp_path / "t.xlsx")
    cells = load_workbook(tmp_path / "t.xlsx")["t"][1]
    # XML turns a stored CR into LF on reading; the point is that it stays text.
    assert cells[0].value == value.replace("\r", "\n")
    assert (cells[0].data_type, cells[0].quotePrefix) == ("s", True)
    assert (cells[1].value, cells[1].quotePrefix) == ("普通文字", False)


# --- score sheet ---------------------------------------------------------------------------------


def test_score_sheet_lists_every_item_with_explanation_and_source(pins, tmp_path):
    candidate = _candidate(pins[0], "甲分局")
    claim_model = _claim_model()
    if claim_model is not None:
        claim_model.objects.create(
            candidate=candidate,
            campaign=candidate.campaign_rubric.campaign,
            owner_unit=candidate.home_unit,
            item_id="equip_pts",
            claimed_points=Decimal("3.5"),
            review_comment="=1+1 配备比例核减",
        )
    path = tmp_path / "sheet.xlsx"
    assert write_score_sheet(candidate=candidate, target=path) == 8
    ws = load_workbook(path)["评分表"]
    assert ws["A1"].value.endswith("评分表")
    assert "参评单位：甲分局" in ws["A2"].value
    assert ws["A3"].value.startswith("总分：8.5")
    assert [c.value for c in ws[4]] == [
        "编号", "评价指标及评分项", "分值", "自评得分",
        "认定得分", "计分说明", "依据原文", "复核意见",
    ]  # fmt: skip
    rows = {row[0]: row for row in ws.iter_rows(min_row=5, values_only=True)}
    assert list(rows) == [
        "equip", "drills_node", "drills_pts", "equip_pts", "cases_ind", "cases_pts",
        "publicity_ind", "publicity_pts",
    ]  # fmt: skip
    equip = rows["equip_pts"]
    assert equip[1] == "　执法终端配备比例"
    assert equip[2] == 3
    assert equip[4] == 3
    assert "→ 3 分" in equip[5]
    assert equip[6] == "配备比例 95% 以上的得 2 分"
    assert rows["drills_pts"][1] == "　　开展演练"
    assert rows["publicity_ind"][1] == "宣传报道（加分项）"
    if claim_model is not None:
        assert equip[3] == 3.5
        assert equip[7] == "=1+1 配备比例核减"
        assert ws["H8"].data_type == "s"
    assert ws["E6"].number_format == "0.00"
    assert ws.freeze_panes == "C5"
    assert ws.print_title_rows == "$1:$4"


def _claim_model():
    try:
        return apps.get_model("submissions", "Claim")
    except LookupError:
        return None


def test_score_sheet_without_snapshot_is_refused(campaign, campaign_admin, pins, tmp_path):
    from scoring.services import register_candidate
    from tests.factories import OrgUnitFactory

    fresh = register_candidate(campaign_rubric=pins[0], unit=OrgUnitFactory(name="新单位"))
    with pytest.raises(ExportError, match="尚未计算得分"):
        write_score_sheet(candidate=fresh, target=tmp_path / "x.xlsx")


# --- recommendation list -------------------------------------------------------------------------


def test_recommendation_lists_the_shortlist_with_an_empty_achievements_column(
    campaign, pins, tmp_path
):
    path = tmp_path / "rec.xlsx"
    assert write_recommendation(campaign=campaign, target=path) == 5
    wb = load_workbook(path)
    ws = wb[f"{COLLECTIVE_SHEET}推荐名单"]
    assert ws["A1"].value == f"{campaign.title} {COLLECTIVE_SHEET}推荐名单"
    assert ws["A2"].value == f"文号：{campaign.document_number}"
    assert [c.value for c in ws[3]] == ["序号", "名次", "推荐单位", "总分", "主要事迹", "备注"]
    rows = [list(r) for r in ws.iter_rows(min_row=4, max_row=6, values_only=True)]
    assert [r[:5] for r in rows] == [
        [1, 1, "甲分局", 8.5, None],
        [2, 2, "乙分局", 7, None],
        [3, 2, EVIL, 7, None],
    ]
    assert "并列" in rows[2][5]  # the tie let in over the quota of 2
    assert ws["B5"].number_format == '"并列 "0'
    assert ws["E4"].border.left.style == "thin"  # the empty column is ruled for writing in
    assert ws["A7"].value.startswith("说明：")
    assert ws.page_setup.orientation == "portrait"
    ind = wb[f"{INDIVIDUAL_SHEET}推荐名单"]
    assert [c.value for c in ind[3]][:4] == ["序号", "名次", "单位", "姓名"]


def test_recommendation_without_rubrics_is_refused(tmp_path):
    from tests.factories import CampaignFactory

    with pytest.raises(ExportError, match="尚未启用评分细则"):
        write_recommendation(campaign=CampaignFactory(), target=tmp_path / "x.xlsx")


# --- files and commands --------------------------------------------------------------------------


def test_atomic_target_leaves_nothing_when_the_export_fails(tmp_path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(RuntimeError), atomic_target(target) as partial:
        partial.write_bytes(b"half")
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_download_name_drops_unsafe_characters():
    assert download_name('a/b:c"d', "排名表") == "a_b_c_d-排名表.xlsx"


def test_commands_write_files(campaign, pins, tmp_path):
    ranking, rec, sheet = tmp_path / "r.xlsx", tmp_path / "t.xlsx", tmp_path / "s.xlsx"
    call_command("export_ranking", str(campaign.pk), str(ranking))
    call_command("export_recommendation", str(campaign.pk), str(rec))
    call_command("export_score_sheet", str(_candidate(pins[0], "乙分局").pk), str(sheet))
    assert load_workbook(ranking).sheetnames[0] == COLLECTIVE_SHEET
    assert load_workbook(rec)[f"{COLLECTIVE_SHEET}推荐名单"]["C4"].value == "甲分局"
    assert "乙分局" in load_workbook(sheet)["评分表"]["A2"].value
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.xlsx", "s.xlsx", "t.xlsx"]


def test_command_rejects_unknown_campaign(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不存在"):
        call_command("export_ranking", "999999", str(tmp_path / "r.xlsx"))
    assert not (tmp_path / "r.xlsx").exists()


# --- LibreOffice ---------------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# UTF-8 (76), comma, double quotes, every sheet (-1): Chinese survives, each sheet its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def _soffice(tmp_path: Path, target: str, *sources: Path) -> Path:
    out = tmp_path / "lo"
    out.mkdir(exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
         "--outdir", str(out), *map(str, sources)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out


# CI installs LibreOffice and sets REQUIRE_LIBREOFFICE=1, so there a missing soffice fails.
@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("REQUIRE_LIBREOFFICE"),
    reason="LibreOffice (soffice) is not installed",
)
def test_libreoffice_converts_every_export(campaign, pins, tmp_path):
    files = {
        "ranking": tmp_path / "ranking.xlsx",
        "rec": tmp_path / "rec.xlsx",
        "sheet": tmp_path / "sheet.xlsx",
    }
    write_ranking(campaign=campaign, target=files["ranking"])
    write_recommendation(campaign=campaign, target=files["rec"])
    write_score_sheet(candidate=_candidate(pins[0], "甲分局"), target=files["sheet"])
    out = _soffice(tmp_path, "pdf", *files.values())
    for path in files.values():
        pdf = out / f"{path.stem}.pdf"
        assert pdf.stat().st_size > 1000
        assert pdf.read_bytes().startswith(b"%PDF")
    out = _soffice(tmp_path, CSV_FILTER, *files.values())
    with (out / f"ranking-{COLLECTIVE_SHEET}.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[2][:2] == ["参评单位", "执法装备（4分）"]
    assert rows[4][:4] == ["甲分局", "0.5", "3", "3.5"]
    assert rows[4][9:13] == ["8.5", "1", "", "是"]
    assert rows[6][0] == EVIL  # text, not a formula LibreOffice evaluated
    with (out / f"ranking-{EXCLUDED_SHEET}.csv").open(encoding="utf-8") as handle:
        excluded = list(csv.reader(handle))
    assert [row[1] for row in excluded[3:]] == ["丙分局", "丁分局"]
    with (out / f"rec-{COLLECTIVE_SHEET}推荐名单.csv").open(encoding="utf-8") as handle:
        listed = list(csv.reader(handle))
    assert [row[:4] for row in listed[3:6]] == [
        ["1", "1", "甲分局", "8.5"],
        ["2", "2", "乙分局", "7"],
        ["3", "2", EVIL, "7"],
    ]
    with (out / "sheet-评分表.csv").open(encoding="utf-8") as handle:
        sheet = {row[0]: row for row in csv.reader(handle)}
    assert sheet["equip_pts"][2:5] == ["3", "", "3"]  # maximum, no claim, verified


# --- recommended flag: the lean read selects what the shortlist service selects -----------------


@pytest.mark.parametrize(
    "rules",
    [
        {},
        {"shortlist_size": 1},
        {"shortlist_size": 2},
        {"shortlist_size": 3, "per_unit_limit": 1},
        {"category_quotas": {"县市区": 1, "直属": 2}},
        {"shortlist_size": 2, "category_quotas": {"县市区": 5}},
    ],
)
def test_recommended_column_matches_the_shortlist_service(
    campaign, campaign_admin, rules, tmp_path
):
    from scoring.enums import FactSource
    from scoring.services import (
        build_shortlist,
        evaluate_campaign,
        load_rubric_version,
        pin_rubric,
        record_fact,
        register_candidate,
        set_shortlist_rules,
    )
    from tests.factories import OfficerFactory, OrgUnitFactory
    from tests.spreadsheets.exports_data import INDIVIDUAL

    pin = pin_rubric(
        campaign=campaign,
        version=load_rubric_version(path_or_text=INDIVIDUAL),
        actor=campaign_admin,
    )
    units = [OrgUnitFactory(name=f"单位{i}") for i in range(3)]
    stories = [6, 5, 5, 4, 4, 4, 3, 2, 2, 1]
    for index, story in enumerate(stories):
        officer = OfficerFactory(unit=units[index % 3])
        register_candidate(
            campaign_rubric=pin,
            officer=officer,
            category="县市区" if index % 2 else "直属",
        )
        record_fact(
            campaign=campaign, subject=officer, key="story", value=story, source=FactSource.IMPORT
        )
    evaluate_campaign(campaign=campaign)
    set_shortlist_rules(campaign_rubric=pin, actor=campaign_admin, **rules)
    pin.refresh_from_db()
    expected = {e.candidate.officer.name for e in build_shortlist(campaign_rubric=pin).selected}
    path = tmp_path / "ranking.xlsx"
    write_ranking(campaign=campaign, target=path)
    ws = load_workbook(path).worksheets[0]
    recommended = {row[1] for row in _rows(ws) if row[-1] == "是"}
    assert recommended == expected
