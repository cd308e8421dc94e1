"""The score sheet (评分表) of a candidate: every indicator and item with points, maximum,
explanation and the seed sentence it comes from; vetoes, ineligibility and zeroing with their
reasons; the facts used with their provenance; the rubric version; who may see it.

Facts (tests/scoring/conftest.py COLLECTIVE):
    甲分局 equip 96% → 2, 9 cases × 0.5 → 4.5, 3 reports × 0.5 = 1.5 → bonus_cap 1: 7.50, rank 2
    乙分局 equip 100% → 3, 9 cases → 4.5, integrity violation: vetoed (7.50, no rank)
    丙分局 equip 100% → 3, 20 cases → 7 (capped): 10.00, rank 1
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from scoring.enums import FactSource
from scoring.models import Candidate, Fact, ScoreSnapshot
from scoring.services import (
    FactEntry,
    evaluate_campaign,
    load_rubric_version,
    pin_rubric,
    record_fact,
    record_facts,
    register_candidate,
    sync_collective_candidates,
)
from tests.factories import OfficerFactory, OrgUnitFactory, ParticipationFactory, UserFactory
from tests.scoring.conftest import COLLECTIVE, edited

pytestmark = [
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

IMPORT = FactSource.IMPORT


@pytest.fixture
def third(city, campaign):
    unit = OrgUnitFactory(name="丙分局", code="BR-C", parent=city)
    ParticipationFactory(campaign=campaign, unit=unit)
    return unit


@pytest.fixture
def scored(campaign, collective_pin, own_unit, other_unit, third):
    sync_collective_candidates(campaign_rubric=collective_pin)
    facts = {
        own_unit: {"equip_ratio": "0.96", "cases": 9, "publicity": 3},
        other_unit: {"equip_ratio": 1, "cases": 9, "integrity_violation": True},
        third: {"equip_ratio": 1, "cases": 20},
    }
    record_facts(
        campaign=campaign,
        entries=[FactEntry(u, k, v, "表1第3行") for u, f in facts.items() for k, v in f.items()],
        source=IMPORT,
    )
    evaluate_campaign(campaign=campaign)
    return collective_pin


def candidate_of(pin, unit):
    return Candidate.objects.get(campaign_rubric=pin, unit=unit)


def sheet_url(candidate):
    return reverse("scoring:score_sheet", args=[candidate.pk])


def body_of(response):
    assert response.status_code == 200
    return response.content.decode()


def line(body, title):
    """The cells of the breakdown row titled `title` (tags stripped, whitespace collapsed)."""
    table = body.split('class="table sheet-table"')[1].split("</table>")[0]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0].startswith(title):
            return cells
    raise AssertionError(f"no line {title}")


def fact_row(body, key):
    table = body.split('class="table facts-table"')[1].split("</table>")[0]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        if f">{key}</code>" in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no fact {key}")


# --- what the sheet shows ----------------------------------------------------------------


def test_score_sheet_shows_totals_rank_and_version(scored, own_unit, reviewer, client_for):
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(scored, own_unit))))
    assert "甲分局" in body and "评分表" in body
    total = re.search(r'data-testid="total">([^<]+)<', body).group(1)
    assert total == "7.50"
    assert "基础分 6.50 + 附加分 1.00" in body
    assert re.search(r'data-testid="rank">第 2 名', body)
    assert "共 2 个参评对象参加排名" in body  # 乙 is vetoed
    version = scored.version
    assert f"t-collective @ {version.short_hash}" in body
    assert "正常参评" in body


def test_score_sheet_lists_every_indicator_and_item_with_explanation_and_cite(
    scored, own_unit, reviewer, client_for
):
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(scored, own_unit))))
    _title, points, maximum, explanation, cite = line(body, "执法终端配备比例")
    assert (points, maximum) == ("2.00", "3.00")
    assert "96%" in explanation and "2 分" in explanation
    assert "配备比例 95% 以上的得 2 分" in cite and "test.txt" in cite
    assert line(body, "执法装备")[1:3] == ["2.00", "3.00"]
    assert line(body, "办理案件")[1:3] == ["4.50", "7.00"]
    assert "每办理 1 件得 0.5 分" in line(body, "办理案件")[4]
    publicity = line(body, "宣传报道加分")
    assert publicity[1] == "1.50" and "附加项" in line(body, "宣传报道")[0]
    # Rubric order: indicators each followed by their items.
    order = [
        t for t in ("执法装备", "执法终端配备比例", "案件办理", "办理案件", "宣传报道") if t in body
    ]
    positions = [body.index(f">{t}") if f">{t}" in body else body.index(t) for t in order]
    assert positions == sorted(positions)


def test_score_sheet_shows_capped_items(scored, third, reviewer, client_for):
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(scored, third))))
    cells = line(body, "办理案件")
    assert cells[1] == "7.00"
    assert "20 个 × 0.5 = 10，封顶 7 分" in cells[3]
    assert re.search(r'data-testid="rank">第 1 名', body)


def test_score_sheet_shows_veto_with_reason_and_keeps_scores(
    scored, other_unit, reviewer, client_for
):
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(scored, other_unit))))
    assert "一票否决" in body
    assert "本单位出现违反廉洁纪律问题" in body
    assert "不参加排名" in body
    assert re.search(r'data-testid="total">7.50<', body)  # 3 + 4.5: scored all the same


def test_score_sheet_shows_zeroing_reason(campaign, scored, own_unit, reviewer, client_for):
    text = edited(COLLECTIVE, "id: t-collective", "id: t-zeroing")
    cite = "cite: {seed: test.txt, quote: 配备比例 95% 以上的得 2 分}"
    indent = re.search(rf"\n( *){re.escape(cite)}", text).group(1)
    zero_if = 'zero_if: [{when: "publicity > 2", reason: 宣传报道超过两篇（测试归零）}]'
    text = edited(text, cite, f"{zero_if}\n{indent}{cite}")
    pin = pin_rubric(campaign=campaign, version=load_rubric_version(path_or_text=text), actor=None)
    sync_collective_candidates(campaign_rubric=pin)
    evaluate_campaign(campaign=campaign)
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(pin, own_unit))))
    cells = line(body, "执法终端配备比例")
    assert cells[1] == "0.00"
    assert "归零：宣传报道超过两篇（测试归零）" in cells[3]


def test_score_sheet_lists_facts_with_provenance(scored, own_unit, reviewer, client_for):
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(scored, own_unit))))
    equip = fact_row(body, "equip_ratio")
    assert "执法终端配备比例" in equip and "96%" in equip
    assert "导入" in equip and "表1第3行" in equip
    fact = Fact.objects.get(unit=own_unit, key="equip_ratio")
    assert fact.recorded_at.astimezone().strftime("%Y-%m") in equip
    assert "待接入" in equip  # evidence link placeholder (issue 4)
    assert "9 个" in fact_row(body, "cases")
    assert "未提供" in fact_row(body, "integrity_violation")
    assert "未提供" in fact_row(body, "cases_log")


def test_score_sheet_marks_a_fact_changed_since_the_evaluation(
    scored, campaign, own_unit, campaign_admin, reviewer, client_for
):
    # The re-evaluation is queued on commit, which a test transaction never reaches.
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=10, source=IMPORT)
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(scored, own_unit))))
    assert "待重算" in fact_row(body, "cases")
    assert "待重算" not in fact_row(body, "equip_ratio")


def test_score_sheet_shows_campaign_wide_facts_and_records(
    campaign, individual_pin, own_unit, reviewer, client_for
):
    officer = OfficerFactory(name="演示人员甲", unit=own_unit)
    candidate = register_candidate(campaign_rubric=individual_pin, officer=officer)
    record_fact(campaign=campaign, subject=None, key="province_avg", value=10, source=IMPORT)
    record_fact(campaign=campaign, subject=officer, key="records", value=13, source=IMPORT)
    record_fact(campaign=campaign, subject=officer, key="story", value="4.5", source=IMPORT)
    evaluate_campaign(campaign=campaign)
    body = body_of(client_for(reviewer).get(sheet_url(candidate)))
    assert "演示人员甲" in body and own_unit.name in body
    avg = fact_row(body, "province_avg")
    assert "10" in avg and "全局" in avg
    # 13 is 30% above 10: three full 10% steps × 2 = 6, capped at 4.
    assert line(body, "高于全省人均")[1] == "4.00"
    assert line(body, "事迹评审")[1] == "4.50"


def test_score_sheet_before_any_evaluation(
    campaign, collective_pin, own_unit, reviewer, client_for
):
    sync_collective_candidates(campaign_rubric=collective_pin)
    body = body_of(client_for(reviewer).get(sheet_url(candidate_of(collective_pin, own_unit))))
    assert "该参评对象尚未计算得分" in body
    assert "未提供" in fact_row(body, "cases")


# --- who sees it ---------------------------------------------------------------------------


def test_score_sheet_own_staff_see_their_sheet_without_rank(
    scored, own_unit, own_staff, client_for
):
    body = body_of(client_for(own_staff).get(sheet_url(candidate_of(scored, own_unit))))
    assert re.search(r'data-testid="total">7.50<', body)
    assert 'data-testid="rank"' not in body and "参加排名" not in body
    assert "试算" not in body  # no what-if panel


def test_score_sheet_other_staff_get_404_and_nothing_changes(
    scored, own_unit, other_staff, client_for
):
    before = list(ScoreSnapshot.objects.values_list("id", "total", "rank", "is_current"))
    facts = list(Fact.objects.values_list("id", "value"))
    response = client_for(other_staff).get(sheet_url(candidate_of(scored, own_unit)))
    assert response.status_code == 404
    assert list(ScoreSnapshot.objects.values_list("id", "total", "rank", "is_current")) == before
    assert list(Fact.objects.values_list("id", "value")) == facts


def test_score_sheet_staff_see_sheets_of_officers_their_unit_nominated(
    campaign, individual_pin, own_unit, own_staff, other_staff, client_for
):
    officer = OfficerFactory(name="演示人员乙", unit=own_unit)
    candidate = register_candidate(campaign_rubric=individual_pin, officer=officer)
    evaluate_campaign(campaign=campaign)
    assert "演示人员乙" in body_of(client_for(own_staff).get(sheet_url(candidate)))
    assert client_for(other_staff).get(sheet_url(candidate)).status_code == 404


def test_score_sheet_reviewer_and_leadership_read_without_what_if(
    scored, own_unit, reviewer, leader, client_for
):
    for user in (reviewer, leader):
        body = body_of(client_for(user).get(sheet_url(candidate_of(scored, own_unit))))
        assert "执法终端配备比例" in body
        assert 'id="what-if"' not in body


def test_score_sheet_admin_gets_what_if_form_with_current_values(
    scored, own_unit, campaign_admin, client_for
):
    body = body_of(client_for(campaign_admin).get(sheet_url(candidate_of(scored, own_unit))))
    assert 'id="what-if"' in body
    assert re.search(r'name="fact__equip_ratio"[^>]*value="96"', body)  # a ratio as a percentage
    assert re.search(r'name="fact__cases"[^>]*value="9"', body)
    assert 'src="/static/js/scoring-whatif.js"' in body


def test_score_sheet_unknown_candidate_is_404(scored, reviewer, client_for):
    assert client_for(reviewer).get(reverse("scoring:score_sheet", args=[9999])).status_code == 404


def test_score_sheet_requires_login(scored, own_unit, client):
    response = client.get(sheet_url(candidate_of(scored, own_unit)))
    assert response.status_code == 302


@pytest.mark.parametrize("n", [1, 30])
def test_score_sheet_query_count_does_not_grow_with_pool(
    n, campaign, collective_pin, city, own_unit, reviewer, client_for, django_assert_max_num_queries
):
    units = [own_unit] + [OrgUnitFactory(parent=city) for _ in range(n - 1)]
    for unit in units[1:]:
        ParticipationFactory(campaign=campaign, unit=unit)
    sync_collective_candidates(campaign_rubric=collective_pin)
    record_facts(
        campaign=campaign,
        entries=[FactEntry(u, "cases", i + 1) for i, u in enumerate(units)],
        source=IMPORT,
    )
    evaluate_campaign(campaign=campaign)
    client = client_for(reviewer)
    with django_assert_max_num_queries(9):
        body_of(client.get(sheet_url(candidate_of(collective_pin, own_unit))))


def test_score_sheet_staff_of_a_unit_outside_the_campaign_get_404(
    scored, own_unit, city, client_for
):
    outsider = UserFactory(
        username="outsider", role=Role.BRANCH_STAFF, unit=OrgUnitFactory(parent=city)
    )
    assert client_for(outsider).get(sheet_url(candidate_of(scored, own_unit))).status_code == 404


def test_score_sheet_says_when_a_new_version_is_pinned_but_not_yet_evaluated(
    campaign, scored, own_unit, campaign_admin, client_for
):
    old = scored.version
    text = edited(COLLECTIVE, "title: 测试集体评选细则", "title: 测试集体评选细则（修订）")
    new = load_rubric_version(path_or_text=text)
    pin_rubric(campaign=campaign, version=new, actor=campaign_admin)  # evaluation runs on commit
    body = body_of(client_for(campaign_admin).get(sheet_url(candidate_of(scored, own_unit))))
    assert f"t-collective @ {old.short_hash}" in body
    assert f"本表按旧版本计算；活动现已启用 t-collective @ {new.short_hash}" in body
    assert re.search(r'name="fact__cases"[^>]*value="9"', body)  # the form reads the new pin
