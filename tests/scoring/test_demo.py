"""The scoring demo: pinned seed rubrics, candidates within quotas, a fact for every declared
fact, current snapshots for every candidate; idempotent; and the pages work on it."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.urls import reverse
from simple_history.utils import get_history_model_for_model

from campaigns.demo import load as load_campaigns_demo
from campaigns.models import Campaign
from scoring.demo import DEMO_SOURCE_REF, load_scoring_demo
from scoring.enums import RubricSubject
from scoring.models import CampaignRubric, Candidate, EvaluationRun, Fact, ScoreSnapshot
from scoring.services.rubrics import rubric_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def demo():
    load_campaigns_demo(today=dt.date(2025, 3, 1))
    out = io.StringIO()
    summaries = load_scoring_demo(stdout=out)
    return summaries, out.getvalue()


def pin_of(key):
    return CampaignRubric.objects.select_related("campaign", "version").get(rubric_key=key)


def state():
    fact_history = get_history_model_for_model(Fact)
    return (
        list(Fact.objects.order_by("pk").values_list("pk", "key", "value", "recorded_at")),
        list(ScoreSnapshot.objects.order_by("pk").values_list("pk", "total", "rank", "is_current")),
        list(Candidate.objects.order_by("pk").values_list("pk", "is_active")),
        list(CampaignRubric.objects.order_by("pk").values_list("pk", "version_id")),
        EvaluationRun.objects.count(),
        fact_history.objects.count(),
    )


def test_demo_pins_seed_rubrics_on_both_campaigns(demo):
    summaries, out = demo
    pins = {pin.rubric_key: pin for pin in CampaignRubric.objects.select_related("campaign")}
    assert set(pins) == {"s000-collective", "s000-individual", "s002-collective", "s002-individual"}
    assert pins["s000-collective"].campaign.document_number == "泰环境发〔2021〕11号"
    assert pins["s002-individual"].campaign.document_number == "通如东环〔2024〕27号"
    assert (pins["s000-collective"].shortlist_size, pins["s000-individual"].shortlist_size) == (
        3,
        5,
    )
    assert (pins["s002-individual"].shortlist_size, pins["s002-individual"].contest_group_size) == (
        10,
        2,
    )
    assert [s.candidates for s in summaries] == [
        {"s000-collective": 8, "s000-individual": 16},
        {"s002-collective": 3, "s002-individual": 6},
    ]
    assert "评分演示" in out and "s000-collective 8 个" in out


def test_demo_candidates_are_units_and_officers_within_quotas(demo):
    for campaign in Campaign.objects.filter(is_demo=True, year__in=(2021, 2024)):
        quotas = {p.unit_id: p.individual_quota for p in campaign.participations.all()}
        collective = Candidate.objects.filter(
            campaign_rubric__campaign=campaign,
            campaign_rubric__version__subject=RubricSubject.COLLECTIVE,
        )
        assert sorted(c.unit_id for c in collective) == sorted(quotas)
        individuals = Candidate.objects.filter(
            campaign_rubric__campaign=campaign,
            campaign_rubric__version__subject=RubricSubject.INDIVIDUAL,
        ).select_related("officer")
        per_unit = Counter(c.home_unit_id for c in individuals)
        assert set(per_unit) == set(quotas)
        for unit_id, n in per_unit.items():
            assert 2 <= n <= 3 and n <= quotas[unit_id]
        assert all(c.officer.unit_id == c.home_unit_id for c in individuals)


def test_demo_records_every_declared_fact_marked_as_demo(demo):
    for pin in CampaignRubric.objects.select_related("version"):
        rubric = rubric_of(pin.version)
        keys = set(Fact.objects.filter(campaign=pin.campaign).values_list("key", flat=True))
        assert set(rubric.facts) <= keys, (pin.rubric_key, set(rubric.facts) - keys)
    assert set(Fact.objects.values_list("source_ref", flat=True)) == {DEMO_SOURCE_REF}
    # The provincial average is one campaign-wide fact, not one per officer.
    assert Fact.objects.get(key="prov_avg_field_records").unit_id is None


def test_demo_every_candidate_has_a_current_snapshot_without_warnings(demo):
    candidates = Candidate.objects.filter(campaign_rubric__campaign__is_demo=True, is_active=True)
    assert candidates.count() == 33
    assert not candidates.exclude(snapshots__is_current=True).exists()
    assert not ScoreSnapshot.objects.filter(is_current=True).exclude(warnings=[]).exists()


def test_demo_s000_collective_ranks_or_excludes_all_eight_units_with_reasons(demo):
    snapshots = list(ScoreSnapshot.objects.ranking(pin_of("s000-collective")))
    assert len(snapshots) == 8
    for snapshot in snapshots:
        assert snapshot.rank is not None or (snapshot.veto_reasons or snapshot.ineligible_reasons)
    totals = [s.total for s in snapshots if s.rank]
    assert totals == sorted(totals, reverse=True) and len(set(totals)) > 4  # spread out


def test_demo_shows_a_veto_an_ineligibility_and_a_zeroing(demo):
    individual = list(ScoreSnapshot.objects.ranking(pin_of("s000-individual")))
    assert [s.veto_reasons for s in individual if s.vetoed] == [["出现违反廉洁纪律问题"]]
    assert len([s for s in individual if s.ineligible]) == 1
    rudong = list(ScoreSnapshot.objects.ranking(pin_of("s002-individual")))
    assert [s.ineligible_reasons for s in rudong if s.ineligible] == [
        ["与候选集体或其他候选个人共用同一份案卷"]
    ]
    collective = ScoreSnapshot.objects.ranking(pin_of("s002-collective"))
    zeroed = [
        s
        for s in collective
        if any(len(e) > 2 and e[2].get("zeroed") for e in s.breakdown.values())
    ]
    assert len(zeroed) == 1


def test_demo_second_run_changes_nothing(demo):
    before = state()
    out = io.StringIO()
    summaries = load_scoring_demo(stdout=out)
    assert state() == before
    assert [s.written for s in summaries] == [0, 0]
    assert not any(s.evaluated for s in summaries)
    assert "得分未变" in out.getvalue()


def test_demo_needs_the_campaigns_demo(db):
    with pytest.raises(LookupError, match="load_demo"):
        load_scoring_demo()


def test_demo_pages_render_on_the_seed_rubrics(demo, client):
    """Every fact type of the real rubrics goes through the sheet and the what-if form."""
    from accounts.models import User

    client.force_login(User.objects.get(username="admin"))
    pin = pin_of("s000-collective")
    body = client.get(reverse("scoring:ranking", args=[pin.pk])).content.decode()
    assert body.count('class="candidate-cell"') == 8
    assert "执法实战比武" in body and "附加分" in body  # 党建工作 is a bonus indicator
    individual = client.get(reverse("scoring:ranking", args=[pin_of("s000-individual").pk]))
    assert "附加分" not in individual.content.decode()  # no bonus parts: no bonus column
    for key in ("s000-individual", "s002-collective", "s002-individual"):
        candidate = Candidate.objects.filter(campaign_rubric=pin_of(key)).first()
        sheet = client.get(reverse("scoring:score_sheet", args=[candidate.pk]))
        assert sheet.status_code == 200
        html = sheet.content.decode()
        total = re.search(r'data-testid="total">([^<]+)<', html).group(1)
        # Submit the form as filled: the what-if reproduces the current total.
        data = dict(re.findall(r'name="(fact__[a-z0-9_]+)"[^>]*value="([^"]*)"', html))
        for name, text in re.findall(r'name="(fact__[a-z0-9_]+)"[^>]*>([^<]*)</textarea>', html):
            data[name] = text.replace("&quot;", '"')
        for name, chosen in re.findall(
            r'name="(fact__[a-z0-9_]+)"[^>]*>\s*(?:<option[^>]*>[^<]*</option>\s*)*?'
            r'<option value="([^"]*)" selected>',
            html,
        ):
            data[name] = chosen
        response = client.post(reverse("scoring:what_if", args=[candidate.pk]), data)
        html = response.content.decode()
        assert re.search(r'data-testid="whatif-total">([^<]+)<', html).group(1) == total, key
        assert "未改动任何事实" in html


def test_open_demo_campaign_is_ready_for_self_assessment_and_stays_so():
    from scoring.demo import prepare_open_demo_campaigns

    load_campaigns_demo(today=dt.date(2025, 3, 1))
    load_scoring_demo()
    first = prepare_open_demo_campaigns()
    second = prepare_open_demo_campaigns()

    open_campaign = Campaign.objects.get(is_demo=True, year=2025)
    pins = CampaignRubric.objects.filter(campaign=open_campaign)
    assert sorted(pins.values_list("rubric_key", flat=True)) == [
        "s000-collective",
        "s000-individual",
    ]
    # The 8 泰安 branches compete as collectives; no facts yet — the branches claim them.
    assert first[0].candidates == {"s000-collective": 8, "s000-individual": 0}
    assert not Fact.objects.filter(campaign=open_campaign).exists()
    assert second[0].written == 0
