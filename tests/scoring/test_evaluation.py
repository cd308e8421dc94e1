"""Facts → engine → snapshots, end to end, with hand-computed points."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from scoring.enums import FactSource, RunKind
from scoring.models import EvaluationRun, PendingChange, ScoreSnapshot
from scoring.services import (
    evaluate_campaign,
    evaluate_pending_changes,
    expand_breakdown,
    load_rubric_version,
    pin_rubric,
    record_fact,
    register_candidate,
    sync_collective_candidates,
    withdraw_candidate,
)
from tests.factories import CampaignFactory, OfficerFactory, OrgUnitFactory, ParticipationFactory
from tests.scoring.conftest import COLLECTIVE, edited

pytestmark = pytest.mark.django_db

IMPORT = FactSource.IMPORT


def _facts(campaign, subject, **values):
    for key, value in values.items():
        record_fact(campaign=campaign, subject=subject, key=key, value=value, source=IMPORT)


def _current(pin):
    return {
        s.candidate.unit_id or s.candidate.officer_id: s for s in ScoreSnapshot.objects.ranking(pin)
    }


@pytest.fixture
def scored(campaign, collective_pin, own_unit, other_unit):
    """Two units with facts, evaluated once.

    own:   equip 96% → 2; 9 cases × 0.5 = 4.5; 3 reports × 0.5 = 1.5 bonus → bonus_cap 1
           base 6.5, bonus 1, total 7.5
    other: equip 100% → 3; 20 cases × 0.5 = 10 → capped 7; no reports
           base 10, bonus 0, total 10
    """
    sync_collective_candidates(campaign_rubric=collective_pin)
    _facts(campaign, own_unit, equip_ratio="0.96", cases=9, publicity=3)
    _facts(campaign, other_unit, equip_ratio=1, cases=20)
    evaluate_campaign(campaign=campaign)
    return collective_pin


def test_evaluate_campaign_end_to_end(scored, own_unit, other_unit):
    current = _current(scored)
    own, other = current[own_unit.pk], current[other_unit.pk]
    assert (own.base, own.bonus, own.total, own.rank) == (
        Decimal("6.5"),
        Decimal("1"),
        Decimal("7.5"),
        2,
    )
    assert (other.base, other.bonus, other.total, other.rank) == (
        Decimal("10"),
        Decimal("0"),
        Decimal("10"),
        1,
    )
    assert own.breakdown["equip_pts"][0] == "2"
    assert "96%" in own.breakdown["equip_pts"][1]
    assert own.breakdown["cases_pts"][0] == "4.5"
    assert other.breakdown["cases_pts"][:1] == ["7"]  # 20 × 0.5 = 10, the rule's cap is 7
    assert "封顶" in other.breakdown["cases_pts"][1]
    assert not own.vetoed and not own.ineligible and own.warnings == []


def test_snapshot_records_version_and_run(scored):
    run = EvaluationRun.objects.get(campaign_rubric=scored)
    assert run.kind == RunKind.FULL
    assert (run.candidates_evaluated, run.snapshots_written) == (2, 2)
    assert set(ScoreSnapshot.objects.values_list("rubric_version", flat=True)) == {
        scored.version_id
    }
    assert set(ScoreSnapshot.objects.values_list("run", flat=True)) == {run.pk}


def test_evaluate_campaign_again_with_same_facts_writes_nothing(scored):
    before = list(ScoreSnapshot.objects.order_by("pk").values())
    (run,) = evaluate_campaign(campaign=scored.campaign)
    assert (run.candidates_evaluated, run.snapshots_written, run.ranks_changed) == (2, 0, 0)
    assert list(ScoreSnapshot.objects.order_by("pk").values()) == before


def test_identical_facts_give_identical_snapshots(campaign_admin, collective_version):
    results = []
    for _ in range(2):
        campaign = CampaignFactory()
        unit = OrgUnitFactory()
        ParticipationFactory(campaign=campaign, unit=unit)
        pin = pin_rubric(campaign=campaign, version=collective_version, actor=campaign_admin)
        sync_collective_candidates(campaign_rubric=pin)
        _facts(campaign, unit, equip_ratio="0.9", cases=3, cases_log=[{"score": "88.5"}])
        evaluate_campaign(campaign=campaign)
        (snapshot,) = ScoreSnapshot.objects.filter(campaign_rubric=pin)
        results.append(snapshot)
    first, second = results
    for name in ("total", "base", "bonus", "rank", "breakdown", "result_digest", "veto_reasons"):
        assert getattr(first, name) == getattr(second, name)


def test_vetoed_and_ineligible_are_scored_but_not_ranked(scored, campaign, own_unit, other_unit):
    _facts(campaign, own_unit, integrity_violation=True)
    _facts(campaign, other_unit, cases=0)
    evaluate_campaign(campaign=campaign)
    current = _current(scored)
    own, other = current[own_unit.pk], current[other_unit.pk]
    assert (own.vetoed, own.rank, own.veto_reasons) == (True, None, ["本单位出现违反廉洁纪律问题"])
    assert own.total == Decimal("7.5")  # a veto removes the rank, not the scores
    # other: 0 cases → 0 points for cases; 3 for equipment; ineligible (需至少 1 件)
    assert (other.ineligible, other.rank, other.total) == (True, None, Decimal("3"))
    assert other.ineligible_reasons == ["评审期内未办理案件"]


def test_editing_rubric_makes_new_version_and_old_snapshots_keep_old(
    scored, campaign, campaign_admin, own_unit
):
    old_version = scored.version
    old_ids = set(ScoreSnapshot.objects.values_list("pk", flat=True))
    # Each case now worth 1 point: own 9 cases → 7 (cap); total 2 + 7 + 1 = 10.
    new_version = load_rubric_version(
        path_or_text=edited(COLLECTIVE, "fact: cases, each: 0.5", "fact: cases, each: 1")
    )
    assert new_version.pk != old_version.pk and new_version.key == old_version.key
    pin = pin_rubric(campaign=campaign, version=new_version, actor=campaign_admin)
    assert pin.pk == scored.pk and pin.history.count() == 2
    evaluate_campaign(campaign=campaign)
    old = ScoreSnapshot.objects.filter(pk__in=old_ids)
    assert set(old.values_list("rubric_version", flat=True)) == {old_version.pk}
    assert not old.filter(is_current=True).exists()
    current = _current(pin)
    assert {s.rubric_version_id for s in current.values()} == {new_version.pk}
    assert current[own_unit.pk].total == Decimal("10")
    # the score sheet of an old snapshot explains it with the rubric it was computed with
    old_own = old.get(candidate__unit=own_unit)
    line = next(li for li in expand_breakdown(snapshot=old_own) if li.id == "cases_pts")
    assert (line.points, line.max, line.cite_quote) == (
        Decimal("4.5"),
        Decimal(7),
        "每办理 1 件得 0.5 分",
    )


def test_facts_of_one_campaign_never_leak_into_another(
    scored, campaign_admin, collective_version, own_unit
):
    other_campaign = CampaignFactory()
    ParticipationFactory(campaign=other_campaign, unit=own_unit)
    pin = pin_rubric(campaign=other_campaign, version=collective_version, actor=campaign_admin)
    sync_collective_candidates(campaign_rubric=pin)
    _facts(other_campaign, own_unit, cases=2)  # and nothing else
    evaluate_campaign(campaign=other_campaign)
    snapshot = ScoreSnapshot.objects.get(campaign_rubric=pin)
    # 2 cases × 0.5 = 1; no equipment ratio, no reports in this campaign
    assert (snapshot.total, snapshot.breakdown["equip_pts"][0]) == (Decimal("1"), "0")
    assert _current(scored)[own_unit.pk].total == Decimal("7.5")  # the first is untouched


def test_incremental_run_after_one_fact_matches_full_run(scored, campaign, own_unit, other_unit):
    third = OrgUnitFactory()
    register_candidate(campaign_rubric=scored, unit=third)
    _facts(campaign, third, equip_ratio="0.91", cases=1)  # 1 + 0.5 = 1.5
    PendingChange.objects.all().delete()
    evaluate_campaign(campaign=campaign)
    # own gets 12 cases: 12 × 0.5 = 6 → total 2 + 6 + 1 = 9, still behind other (10)
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=12, source=IMPORT)
    (run,) = evaluate_pending_changes(campaign=campaign)
    assert (run.kind, run.candidates_evaluated, run.snapshots_written) == (
        RunKind.INCREMENTAL,
        1,
        1,
    )
    assert not PendingChange.objects.exists()
    incremental = {k: (s.total, s.rank) for k, s in _current(scored).items()}
    assert incremental == {
        other_unit.pk: (Decimal("10"), 1),
        own_unit.pk: (Decimal("9"), 2),
        third.pk: (Decimal("1.5"), 3),
    }
    (full,) = evaluate_campaign(campaign=campaign)
    assert (full.snapshots_written, full.ranks_changed) == (0, 0)  # nothing left to correct


@pytest.mark.parametrize("max_steps", [50, 0])  # 0: the CASE-per-batch path for reshuffles
def test_incremental_run_moves_the_ranks_it_passes(
    scored, campaign, own_unit, other_unit, max_steps, monkeypatch
):
    monkeypatch.setattr("scoring.services.evaluation.MAX_RANK_STEPS", max_steps)
    # own: 14 cases → 7 (cap) → 2 + 7 + 1 = 10, tied with other on total and on the
    # tie-breaker (cases_ind 7 = 7) → both rank 1
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=14, source=IMPORT)
    evaluate_pending_changes(campaign=campaign)
    assert {k: s.rank for k, s in _current(scored).items()} == {own_unit.pk: 1, other_unit.pk: 1}
    # own: a 100% ratio → 3 + 7 + 1 = 11 → alone first; other drops to second
    record_fact(campaign=campaign, subject=own_unit, key="equip_ratio", value=1, source=IMPORT)
    (run,) = evaluate_pending_changes(campaign=campaign)
    assert run.ranks_changed == 1  # other moved from 1 to 2 without a new snapshot
    assert {k: s.rank for k, s in _current(scored).items()} == {own_unit.pk: 1, other_unit.pk: 2}


def test_incremental_runs_agree_with_full_runs(campaign, collective_pin):
    """After every burst of changes, a full run finds nothing to correct."""
    rng = random.Random(7)
    units = [OrgUnitFactory() for _ in range(12)]
    for unit in units:
        register_candidate(campaign_rubric=collective_pin, unit=unit)
    evaluate_campaign(campaign=campaign)
    for _round in range(6):
        for unit in rng.sample(units, 3):
            key, value = rng.choice(
                [
                    ("cases", rng.randint(0, 16)),
                    ("equip_ratio", f"0.{rng.randint(85, 99)}"),
                    ("publicity", rng.randint(0, 4)),
                    ("integrity_violation", rng.random() < 0.2),
                ]
            )
            record_fact(campaign=campaign, subject=unit, key=key, value=value, source=IMPORT)
        if _round == 3:
            withdraw_candidate(candidate=collective_pin.candidates.get(unit=units[0]))
        (incremental,) = evaluate_pending_changes(campaign=campaign)
        assert incremental.kind == RunKind.INCREMENTAL
        (full,) = evaluate_campaign(campaign=campaign)
        assert (full.snapshots_written, full.ranks_changed) == (0, 0)
    ranks = sorted(s.rank for s in ScoreSnapshot.objects.ranking(collective_pin) if s.rank)
    assert ranks[0] == 1 and len(ranks) <= 11


def test_tie_breaker_separates_equal_totals(scored, campaign, own_unit, other_unit):
    # own: equip 100% → 3, 13 cases → 6.5, bonus 1 → 10.5; other: 100% → 3, 7 → 10, reports 1
    # → 0.5 bonus → 10.5. Equal totals; tie-breaker cases_ind: own 6.5 < other 7 → other first.
    _facts(campaign, own_unit, equip_ratio=1, cases=13)
    _facts(campaign, other_unit, publicity=1)
    evaluate_campaign(campaign=campaign)
    current = _current(scored)
    assert current[own_unit.pk].total == current[other_unit.pk].total == Decimal("10.5")
    assert (current[other_unit.pk].rank, current[own_unit.pk].rank) == (1, 2)


def test_withdrawn_candidate_loses_its_current_snapshot(scored, campaign, own_unit, other_unit):
    candidate = scored.candidates.get(unit=other_unit)
    withdraw_candidate(candidate=candidate)
    (run,) = evaluate_pending_changes(campaign=campaign)
    assert run.kind == RunKind.INCREMENTAL
    assert list(_current(scored)) == [own_unit.pk]
    assert _current(scored)[own_unit.pk].rank == 1
    assert ScoreSnapshot.objects.filter(candidate=candidate, is_current=False).count() == 1


def test_pool_rubric_is_evaluated_in_full_with_campaign_facts(campaign, individual_pin, own_unit):
    a, b = OfficerFactory(unit=own_unit), OfficerFactory(unit=own_unit)
    for officer in (a, b):
        register_candidate(campaign_rubric=individual_pin, officer=officer)
    record_fact(campaign=campaign, subject=None, key="province_avg", value=10, source=IMPORT)
    # a: 20 weighted = best → 10; story 5 → 5; records 12.5 = 25% above 10 → 2 full steps × 2 = 4
    # b: 15 weighted = 25% below best → 10 − 0.2 × 25 = 5; story 7 → capped 6; records 10 → 0
    _facts(campaign, a, weighted_cases=20, story=5, records="12.5")
    _facts(campaign, b, weighted_cases=15, story=7, records=10)
    evaluate_campaign(campaign=campaign)
    current = _current(individual_pin)
    assert (current[a.pk].total, current[a.pk].rank) == (Decimal("19"), 1)
    assert (current[b.pk].total, current[b.pk].rank) == (Decimal("11"), 2)
    # b's count now beats a's: a is no longer the best, so a's points change too → full run
    record_fact(campaign=campaign, subject=b, key="weighted_cases", value=25, source=IMPORT)
    (run,) = evaluate_pending_changes(campaign=campaign)
    assert (run.kind, run.candidates_evaluated, run.snapshots_written) == (RunKind.FULL, 2, 2)
    current = _current(individual_pin)
    # a: 20 is 20% below 25 → 10 − 4 = 6 → 6 + 5 + 4 = 15; b: 10 + 6 + 0 = 16
    assert (current[b.pk].total, current[b.pk].rank) == (Decimal("16"), 1)
    assert (current[a.pk].total, current[a.pk].rank) == (Decimal("15"), 2)


def test_campaign_fact_change_triggers_full_run(campaign, individual_pin, own_unit):
    officer = OfficerFactory(unit=own_unit)
    register_candidate(campaign_rubric=individual_pin, officer=officer)
    evaluate_campaign(campaign=campaign)
    record_fact(campaign=campaign, subject=None, key="province_avg", value=5, source=IMPORT)
    (run,) = evaluate_pending_changes(campaign=campaign)
    assert run.kind == RunKind.FULL


def test_change_to_undeclared_rubric_makes_no_run(scored, campaign, individual_pin, own_unit):
    evaluate_campaign(campaign=campaign)
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=3, source=IMPORT)
    runs = evaluate_pending_changes(campaign=campaign)
    assert [run.campaign_rubric for run in runs] == [scored]  # the individual rubric is idle


def _campaign_with_candidates(count, campaign_admin, version):
    campaign = CampaignFactory()
    pin = pin_rubric(campaign=campaign, version=version, actor=campaign_admin)
    for index in range(count):
        unit = OrgUnitFactory()
        register_candidate(campaign_rubric=pin, unit=unit)
        _facts(campaign, unit, equip_ratio="0.95", cases=index, publicity=index % 3)
    return campaign


@pytest.mark.parametrize("count", [3, 30])
def test_evaluate_campaign_query_count_does_not_grow_with_candidates(
    count, campaign_admin, collective_version, django_assert_max_num_queries
):
    campaign = _campaign_with_candidates(count, campaign_admin, collective_version)
    # savepoint, pins, pending, last runs, candidates, campaign facts, unit facts, run insert,
    # current snapshots, supersede, snapshot insert, rank moves, run update, pending delete,
    # release: fifteen, for 3 candidates as for 30
    with django_assert_max_num_queries(15):
        (run,) = evaluate_campaign(campaign=campaign)
    assert run.snapshots_written == count
    # and again after one change, incrementally
    unit = run.campaign_rubric.candidates.first().unit
    record_fact(campaign=campaign, subject=unit, key="cases", value=99, source=IMPORT)
    with django_assert_max_num_queries(15):
        (run,) = evaluate_pending_changes(campaign=campaign)
    assert run.snapshots_written == 1


def _snapshots(campaign):
    fields = ("candidate_id", "total", "base", "bonus", "rank", "breakdown", "result_digest")
    return sorted(
        ScoreSnapshot.objects.filter(
            campaign_rubric__campaign=campaign, is_current=True
        ).values_list(*fields)
    )


def test_chunks_scored_in_forked_processes_give_the_serial_snapshots(
    campaign_admin, collective_version, monkeypatch, settings
):
    """Nine units in chunks of two: five chunks, scored in forked children, must give the same
    snapshots (points, ranks, explanations, digests) as one serial pass."""
    from scoring.services import evaluation, forked

    campaign = _campaign_with_candidates(9, campaign_admin, collective_version)
    settings.SCORING_EVALUATION_CHUNK = 2
    settings.SCORING_EVALUATION_PROCESSES = 1
    evaluate_campaign(campaign=campaign)
    serial = _snapshots(campaign)
    ScoreSnapshot.objects.filter(campaign_rubric__campaign=campaign).update(is_current=False)

    used = []

    class Recorded(forked.ForkedChunks):
        def __exit__(self, *exc):
            super().__exit__(*exc)
            used.append(self.stats)

    monkeypatch.setattr(evaluation, "ForkedChunks", Recorded)
    settings.SCORING_EVALUATION_PROCESSES = 2
    (run,) = evaluate_campaign(campaign=campaign)

    assert run.snapshots_written == 9
    assert _snapshots(campaign) == serial
    assert [(s.chunks_in_children, s.chunks_in_parent, s.children_failed) for s in used] == [
        (5, 0, 0)
    ]
