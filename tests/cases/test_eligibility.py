"""Each sampling rule, one at a time (issue 5 §2; seeds 000 and 002)."""

from __future__ import annotations

import datetime as dt

from cases.eligibility import CaseFacts, PoolRule, eligible_ids, exclusion_reason

WINDOW = {"window_start": dt.date(2023, 11, 1), "window_end": dt.date(2024, 10, 31)}
OFFICER = 7


def case(case_id=1, case_type="general_penalty", decision=dt.date(2024, 3, 1), **kw):
    base = {
        "unit_id": 10,
        "inspection_officer_ids": frozenset({OFFICER}),
        "approval_officer_ids": frozenset({OFFICER}),
    }
    return CaseFacts(id=case_id, case_type=case_type, decision_date=decision, **{**base, **kw})


def rule(slot="general", **kw):
    return PoolRule(slot=slot, officer_id=OFFICER, **{**WINDOW, **kw})


def test_eligible_file_passes_every_rule():
    assert exclusion_reason(case(), rule()) is None


def test_type_must_fit_the_slot():
    assert (
        exclusion_reason(case(case_type="seal_seize"), rule("general")) == "案卷类型不符合抽取类别"
    )
    assert exclusion_reason(case(case_type="seal_seize"), rule("supporting")) is None
    assert exclusion_reason(case(case_type="restrict_production"), rule("supporting")) is None
    assert exclusion_reason(case(case_type="crime_transfer"), rule("supporting")) is not None
    assert exclusion_reason(case(case_type="crime_transfer"), rule("any")) is None


def test_decision_date_inside_the_window_inclusive():
    assert exclusion_reason(case(decision=dt.date(2023, 11, 1)), rule()) is None
    assert exclusion_reason(case(decision=dt.date(2024, 10, 31)), rule()) is None
    assert exclusion_reason(case(decision=dt.date(2023, 10, 31)), rule()) == "决定日期不在评审期内"
    assert exclusion_reason(case(decision=None), rule()) == "决定日期不在评审期内"


def test_individual_must_be_on_the_inspection_record():
    got = exclusion_reason(case(inspection_officer_ids=frozenset({8})), rule())
    assert got == "候选人不是笔录中的检查人或调查询问人"


def test_individual_must_be_on_the_filing_approval_form():
    got = exclusion_reason(case(approval_officer_ids=frozenset({8})), rule())
    assert got == "候选人不是立案审批表的承办人"


def test_collective_draws_from_its_own_unit():
    collective = PoolRule(slot="general", unit_id=10, **WINDOW)
    assert exclusion_reason(case(unit_id=10), collective) is None
    assert exclusion_reason(case(unit_id=11), collective) == "不是候选集体本单位的案卷"


def test_not_sampled_in_an_earlier_draw():
    got = exclusion_reason(case(), rule(sampled_before=frozenset({1})))
    assert got == "已在此前的抽取中被抽查"


def test_no_file_serves_two_candidates():
    got = exclusion_reason(
        case(), rule(sampled_before=frozenset({1}), serving_others=frozenset({1}))
    )
    assert got == "已为其他候选对象抽取（不得共用同一份案卷）"


def test_eligible_ids_are_canonical():
    cases = [case(5), case(2), case(9, case_type="seal_seize"), case(1)]
    assert eligible_ids(cases, rule()) == [1, 2, 5]
