"""Export a ranking's facts (in the import kinds' layout) and import them again: into the
same campaign nothing changes; into a twin campaign with the same rubrics and candidates the
snapshots come out identical."""

from __future__ import annotations

import pytest

from scoring.models import CampaignRubric, Fact, ScoreSnapshot
from scoring.services import evaluate_campaign, register_candidate
from spreadsheets.exports.facts import write_facts
from tests.factories import CampaignFactory, OfficerFactory
from tests.spreadsheets.test_imports import counts, pin, run, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(own_unit, other_unit):
    return [
        OfficerFactory(unit=unit, certificate_no=number)
        for number, unit in (("C001", own_unit), ("C002", own_unit), ("C003", other_unit))
    ]


KINDS_AND_ROWS = {
    "officer_monthly": [
        ("C001", "2024-01", 12),
        ("C001", "2024-02", 9),
        ("C002", "2024-01", 30),
        ("C003", "2023-12", 4),
    ],
    "learning_officers": [("C001", 35, 120), ("C002", 2, 7), ("C003", 900, "")],
    "competition_officers": [("C001", 8, 1), ("C003", "", 3)],
}
RUBRICS = ("s002-individual", "s000-individual")


def _campaign_with_candidates(campaign, people):
    pin(campaign, *RUBRICS)
    for campaign_rubric in CampaignRubric.objects.filter(campaign=campaign):
        for officer in people:
            register_candidate(campaign_rubric=campaign_rubric, officer=officer)
    return campaign


def _snapshots(campaign):
    return {
        (s.campaign_rubric.rubric_key, s.candidate.officer.certificate_no): (
            s.result_digest,
            s.breakdown,
            s.rank,
            s.vetoed,
            s.veto_reasons,
            s.ineligible,
            s.ineligible_reasons,
        )
        for s in ScoreSnapshot.objects.filter(
            campaign_rubric__campaign=campaign, is_current=True
        ).select_related("campaign_rubric", "candidate__officer")
    }


def test_exported_facts_reimport_to_identical_snapshots(tmp_path, campaign, city, people):
    _campaign_with_candidates(campaign, people)
    for kind, rows in KINDS_AND_ROWS.items():
        report = run(kind, xlsx(tmp_path, kind, rows, name=f"{kind}.xlsx"), campaign, dry_run=False)
        assert report.saved, report.summary_lines()
    evaluate_campaign(campaign=campaign)
    original = _snapshots(campaign)
    assert len(original) == 6

    exported = {}
    for kind in KINDS_AND_ROWS:
        exported[kind] = tmp_path / "out" / f"{kind}-导出.xlsx"
        exported[kind].parent.mkdir(exist_ok=True)
        assert write_facts(campaign=campaign, kind=kind, target=exported[kind]) == len(
            KINDS_AND_ROWS[kind]
        )
        again = run(kind, exported[kind], campaign, dry_run=False)
        assert counts(again) == (0, 0, len(KINDS_AND_ROWS[kind]), 0)  # same campaign: no-op

    twin = _campaign_with_candidates(CampaignFactory(issuing_unit=city, title="对照活动"), people)
    for kind, path in exported.items():
        assert run(kind, path, twin, dry_run=False).saved
    evaluate_campaign(campaign=twin)

    def facts(c):
        return sorted(Fact.objects.filter(campaign=c).values_list("officer", "key", "value"))

    assert facts(twin) == facts(campaign)
    assert _snapshots(twin) == original


def test_export_facts_command_writes_the_import_layout(tmp_path, campaign, people):
    import io

    from django.core.management import call_command
    from openpyxl import load_workbook

    pin(campaign, *RUBRICS)
    rows = KINDS_AND_ROWS["officer_monthly"]
    run("officer_monthly", xlsx(tmp_path, "officer_monthly", rows), campaign, dry_run=False)
    target = tmp_path / "导出.xlsx"
    out = io.StringIO()
    call_command("export_facts", campaign.pk, "officer_monthly", str(target), stdout=out)
    assert "已导出 4 行" in out.getvalue()
    sheet = load_workbook(target)["导入数据"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["执法证件号", "月份", "上传检查记录数"],
        ["C001", "2024-01", 12],
        ["C001", "2024-02", 9],
        ["C002", "2024-01", 30],
        ["C003", "2023-12", 4],
    ]
