"""Case import (all or nothing, bad rows listed) and the per-rubric draw plans."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.enums import HandlerRole
from cases.models import CaseFile, CaseHandler
from scoring.services.candidates import register_candidate
from tests.cases.conftest import pin
from tests.factories import OfficerFactory


def row(**overrides):
    base = {
        "单位代码": "BR-A",
        "案件编号": "甲环罚〔2024〕8号",
        "案卷类型": "一般行政处罚",
        "决定日期": "2024-04-02",
        "当事人": "某化工有限公司",
        "检查人证件号": "",
        "立案审批承办人证件号": "",
        "主办人证件号": "",
        "门户网站公开": "是",
        "仅录入决定书": "否",
    }
    return {**base, **overrides}


def test_import_registers_cases_with_handlers(own_unit, officer, campaign_admin):
    cert = officer.certificate_no
    cases = services.import_cases(
        rows=[
            row(检查人证件号=cert, 立案审批承办人证件号=cert),
            row(案件编号="X-2", 案卷类型="seal_seize"),
        ],
        actor=campaign_admin,
    )
    assert [c.case_type for c in cases] == ["general_penalty", "seal_seize"]
    assert cases[0].decision_date == dt.date(2024, 4, 2) and cases[0].decision_published
    assert set(CaseHandler.objects.values_list("role", flat=True)) == {
        HandlerRole.INSPECTION_RECORD,
        HandlerRole.FILING_APPROVAL,
    }


def test_import_with_unknown_officers_or_types_lists_rows_and_saves_nothing(
    own_unit, officer, campaign_admin
):
    rows = [
        row(检查人证件号=officer.certificate_no),
        row(案件编号="X-2", 案卷类型="罚款"),
        row(案件编号="X-3", 检查人证件号="99999999", 单位代码="NOPE"),
    ]
    with pytest.raises(ValidationError) as caught:
        services.import_cases(rows=rows, actor=campaign_admin)
    assert caught.value.messages == [
        "第 3 行：未知的案卷类型“罚款”",
        "第 4 行：未知的单位代码“NOPE”；检查人证件号：未登记的执法证件号“99999999”",
    ]
    assert not CaseFile.objects.exists()


def test_import_refuses_duplicates_and_bad_flags(own_unit, campaign_admin):
    with pytest.raises(ValidationError) as caught:
        services.import_cases(rows=[row(), row(门户网站公开="也许")], actor=campaign_admin)
    assert caught.value.messages == [
        "第 3 行：门户网站公开应填“是”或“否”，实际为“也许”；与前面的行案件编号重复"
    ]


def test_import_refuses_a_case_number_already_registered(own_unit, other_unit, campaign_admin):
    services.import_cases(rows=[row()], actor=campaign_admin)
    # The same number again for the same unit is refused; for another unit it is a new case.
    with pytest.raises(ValidationError) as caught:
        services.import_cases(
            rows=[row(单位代码=other_unit.code), row(案件编号=" 甲环罚〔2024〕8号 ")],
            actor=campaign_admin,
        )
    assert caught.value.messages == ["第 3 行：本单位已登记该案件编号"]
    assert CaseFile.objects.count() == 1


def test_seed000_collective_plan_draws_two_general_and_one_supporting(
    campaign, own_unit, campaign_admin, seed
):
    pin_ = pin(campaign, "s000-collective", campaign_admin)
    candidate = register_candidate(campaign_rubric=pin_, unit=own_unit, actor=campaign_admin)
    officer = OfficerFactory(unit=own_unit)
    for n, case_type in enumerate(["general_penalty"] * 3 + ["seal_seize", "crime_transfer"]):
        services.register_case(
            unit=own_unit,
            case_number=f"P-{n}",
            case_type=case_type,
            decision_date=dt.date(2024, 2, 1),
            handlers=[(officer, HandlerRole.INSPECTION_RECORD)],
            actor=None,
        )
    draws = services.draw_plan(candidate=candidate, seed=seed, actor=campaign_admin)
    assert [(d.slot, d.count, len(d.result_ids)) for d in draws] == [
        ("general", 2, 2),
        ("supporting", 1, 1),
    ]
    supporting = CaseFile.objects.get(pk=draws[1].result_ids[0])
    assert supporting.case_type == "seal_seize"


def test_plan_for_a_rubric_whose_files_are_submitted_not_drawn(
    campaign, own_unit, campaign_admin, seed
):
    # Seed 003: "各单位自行组织筛选优秀案卷" — the 7 files are submitted by type (see
    # test_submission.py), so the office's draw refuses with the reason.
    pin_ = pin(campaign, "s003-collective", campaign_admin)
    candidate = register_candidate(campaign_rubric=pin_, unit=own_unit, actor=campaign_admin)
    with pytest.raises(ValidationError, match="由参评单位按类型提交，不随机抽取"):
        services.draw_plan(candidate=candidate, seed=seed, actor=campaign_admin)
