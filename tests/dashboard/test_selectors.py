"""Per-unit progress counts, the histogram and indicator averages from the database."""

from __future__ import annotations

import datetime as dt

from campaigns.models import Participation
from dashboard import selectors
from scoring.models import Candidate
from submissions.enums import ClaimStatus as S
from submissions.models import MonthlyReport
from tests.dashboard.helpers import ITEMS, claim, evaluate, score


def _candidates(pin, *units):
    return [Candidate.objects.get(campaign_rubric=pin, unit=u) for u in units]


def test_unit_progress_counts_claims_by_state(campaign, pin, own_unit, other_unit, campaign_admin):
    from scoring.services import register_candidate

    own = register_candidate(campaign_rubric=pin, unit=own_unit, actor=campaign_admin)
    register_candidate(campaign_rubric=pin, unit=other_unit, actor=campaign_admin)
    claim(own, ITEMS[0], S.ACCEPTED)
    claim(own, ITEMS[1], S.SUBMITTED)
    claim(own, ITEMS[2], S.RETURNED)
    claim(own, ITEMS[3], S.DRAFT)
    rows = {r.unit.pk: r for r in selectors.unit_progress(campaign)}
    mine, theirs = rows[own_unit.pk], rows[other_unit.pk]
    assert (mine.expected, mine.claimed, mine.submitted, mine.reviewed) == (5, 4, 2, 1)
    assert (mine.draft, mine.returned, mine.unsubmitted) == (1, 1, 2)
    assert (mine.claimed_pct, mine.submitted_pct, mine.reviewed_pct) == (80, 40, 20)
    assert (theirs.expected, theirs.claimed, theirs.submitted_pct) == (5, 0, 0)


def test_unit_progress_limited_to_given_units(campaign, pin, own_unit, other_unit):
    rows = selectors.unit_progress(campaign, unit_ids={own_unit.pk})
    assert [r.unit for r in rows] == [own_unit]


def test_unit_progress_late_reports_reuse_submissions(campaign, own_unit, other_unit):
    """Late monthly reports come from submissions.services.reports.late_reports."""
    today = dt.date(2024, 4, 10)
    MonthlyReport.objects.create(
        campaign=campaign,
        unit=own_unit,
        kind="statistics",
        period=dt.date(2024, 3, 1),
        content="x",
    )
    rows = {r.unit.pk: r for r in selectors.unit_progress(campaign, today=today)}
    assert rows[own_unit.pk].late_count == 1  # the briefing only
    assert rows[other_unit.pk].late_count == 2


def test_histogram_and_averages(campaign, pin, own_unit, other_unit, campaign_admin):
    from scoring.services import register_candidate

    register_candidate(campaign_rubric=pin, unit=own_unit, actor=campaign_admin)
    register_candidate(campaign_rubric=pin, unit=other_unit, actor=campaign_admin)
    score(campaign, own_unit, cases=14, drill=True)  # 7 + 2 = 9 points
    score(campaign, other_unit, cases=2)  # 1 point
    evaluate(campaign)
    (scores,) = selectors.pin_scores(campaign, unit_ids=[own_unit.pk, other_unit.pk])
    assert scores.max == 19
    counts = [n for _lo, _hi, n in scores.bins]
    # Bins of 1.9 points: 1 point → bin 0, 9 points → bin 4.
    assert counts == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert scores.averages[own_unit.pk]["cases_ind"] == 9
    assert scores.averages[other_unit.pk]["cases_ind"] == 1
    assert [s.candidate.unit for s in scores.top] == [own_unit, other_unit]


def test_year_over_year_keeps_units_present_in_two_years(
    campaign, pin, own_unit, other_unit, city, campaign_admin
):
    from scoring.services import register_candidate
    from tests.dashboard.helpers import pin_collective
    from tests.factories import CampaignFactory, ParticipationFactory

    earlier = CampaignFactory(issuing_unit=city, year=2023, title="2023年练兵")
    ParticipationFactory(campaign=earlier, unit=own_unit)
    old_pin = pin_collective(earlier, campaign_admin)
    register_candidate(campaign_rubric=old_pin, unit=own_unit, actor=campaign_admin)
    score(earlier, own_unit, cases=4)  # 2 points in 2023
    evaluate(earlier)
    for unit in (own_unit, other_unit):
        register_candidate(campaign_rubric=pin, unit=unit, actor=campaign_admin)
    score(campaign, own_unit, cases=10)  # 5 points in 2024
    score(campaign, other_unit, cases=10)
    evaluate(campaign)
    units = [p.unit for p in Participation.objects.filter(campaign=campaign)]
    yoy = selectors.year_over_year(campaign, units)
    assert yoy.years == [2023, 2024]
    assert yoy.units == [own_unit]  # the other unit has no earlier total
    assert yoy.totals[own_unit.pk] == {2023: 2, 2024: 5}
