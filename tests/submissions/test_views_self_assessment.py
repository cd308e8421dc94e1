"""The self-assessment page: the form from the rubric, draft saving that loses nothing,
submitting, double submit, deadlines, the preview endpoint."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from submissions.enums import ClaimStatus
from submissions.models import Claim
from submissions.services import save_claim, transition
from submissions.services.errors import DOUBLE_SUBMIT_MESSAGE
from tests.submissions.conftest import close_phase

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


def url(candidate):
    return reverse("submissions:self_assessment", args=[candidate.pk])


def form_data(**rows):
    """{"cases_pts": {"cases": "6"}} -> the page's POST fields (version 0 unless given)."""
    data = {}
    for item, values in rows.items():
        data[f"i-{item}-version"] = str(values.pop("_version", 0))
        for key, value in values.items():
            data[f"i-{item}-{key}"] = value
    return data


def test_page_shows_one_row_per_item_with_rule_cite_max_and_inputs(
    client_for, own_staff, own_candidate
):
    response = client_for(own_staff).get(url(own_candidate))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "执法装备",
        "执法终端配备比例",
        "配备比例 95% 以上的得 2 分",
        "满分 3.00",
        "配备比例达到 100% 得 3 分",
        "表彰奖励",
        "实战演练",
    ]:
        assert text in html
    assert 'name="i-equip_pts-equip_ratio"' in html
    assert 'name="i-cases_pts-cases"' in html
    assert 'name="i-honours_pts-honours__prov"' in html
    assert 'name="i-drill_pts-drill_done"' in html
    assert "js/submissions.js" in html
    assert "<script>" not in html  # no inline script


def test_save_draft_keeps_valid_rows_and_invalid_input(client_for, own_staff, own_candidate):
    data = form_data(
        cases_pts={"cases": "6"},
        equip_pts={"equip_ratio": "九十五"},
        honours_pts={"honours__prov": "1", "honours__city": "2"},
    )
    data["action"] = "save"
    response = client_for(own_staff).post(url(own_candidate), data)
    assert response.status_code == 200
    claims = {c.item_id: c for c in Claim.objects.filter(candidate=own_candidate)}
    assert set(claims) == {"cases_pts", "honours_pts"}
    assert claims["cases_pts"].values == {"cases": 6}
    assert claims["cases_pts"].claimed_points == Decimal(3)
    assert claims["honours_pts"].values == {"honours": {"prov": 1, "city": 2}}
    assert claims["honours_pts"].claimed_points == Decimal(3)
    html = response.content.decode()
    assert 'value="九十五"' in html  # the invalid input is shown back as typed
    assert "部分条目未保存" in html


def test_save_then_submit_locks_claims(client_for, own_staff, own_candidate):
    client = client_for(own_staff)
    data = form_data(cases_pts={"cases": "4"}, drill_pts={"drill_done": "true"})
    data["action"] = "submit"
    response = client.post(url(own_candidate), data)
    assert response.status_code == 302
    claims = Claim.objects.filter(candidate=own_candidate)
    assert {c.item_id: c.status for c in claims} == {
        "cases_pts": ClaimStatus.SUBMITTED,
        "drill_pts": ClaimStatus.SUBMITTED,
    }
    page = client.get(url(own_candidate)).content.decode()
    assert 'name="i-cases_pts-cases"' not in page  # locked rows show values, no inputs
    assert "已提交" in page


def test_double_submit_is_refused_with_message_not_duplicated(client_for, own_staff, own_candidate):
    client = client_for(own_staff)
    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 4},
        actor=own_staff,
        expected_version=0,
    )
    data = form_data(cases_pts={"cases": "4", "_version": 1})
    data["action"] = "submit"
    first = client.post(url(own_candidate), data)
    assert first.status_code == 302
    history = claim.history.count()
    second = client.post(url(own_candidate), data, follow=True)
    assert second.status_code == 200
    assert str(DOUBLE_SUBMIT_MESSAGE) in second.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.history.count() == history


def test_stale_draft_save_refused_and_input_kept(client_for, own_staff, own_candidate):
    save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 4},
        actor=own_staff,
        expected_version=0,
    )
    # Someone else saves first (version 1 -> 2).
    save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 9},
        actor=own_staff,
        expected_version=1,
    )
    data = form_data(cases_pts={"cases": "2", "_version": 1})
    data["action"] = "save"
    response = client_for(own_staff).post(url(own_candidate), data)
    html = response.content.decode()
    assert "该条目已被他人修改，请刷新后重试。" in html
    assert "当前已保存的内容" in html
    assert 'value="2"' in html
    assert Claim.objects.get(candidate=own_candidate).values == {"cases": 9}


def test_submit_after_deadline_refused(client_for, own_staff, own_candidate, campaign):
    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 4},
        actor=own_staff,
        expected_version=0,
    )
    close_phase(campaign)
    data = form_data(cases_pts={"cases": "4", "_version": 1})
    data["action"] = "submit"
    response = client_for(own_staff).post(url(own_candidate), data, follow=True)
    assert "已截止" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT


def test_editing_submitted_claim_by_post_changes_nothing(client_for, own_staff, own_candidate):
    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 4},
        actor=own_staff,
        expected_version=0,
    )
    transition(claim=claim, to=ClaimStatus.SUBMITTED, actor=own_staff, expected_version=1)
    data = form_data(cases_pts={"cases": "14", "_version": 2})
    data["action"] = "save"
    client_for(own_staff).post(url(own_candidate), data)
    claim.refresh_from_db()
    assert claim.values == {"cases": 4}
    assert claim.version == 2


def test_preview_computes_points_and_writes_nothing(client_for, own_staff, own_candidate):
    data = form_data(equip_pts={"equip_ratio": "96"}, cases_pts={"cases": "20"})
    response = client_for(own_staff).post(
        reverse("submissions:preview", args=[own_candidate.pk]), data
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert items["equip_pts"]["points"] == "2.00"
    assert items["cases_pts"]["points"] == "7.00"
    assert "96%" in items["equip_pts"]["explanation"]
    assert not Claim.objects.exists()


def test_preview_button_without_js_shows_points(client_for, own_staff, own_candidate):
    data = form_data(equip_pts={"equip_ratio": "100"})
    data["action"] = "preview"
    response = client_for(own_staff).post(url(own_candidate), data)
    assert response.status_code == 200
    assert 'data-testid="points-equip_pts">3.00<' in response.content.decode()
    assert not Claim.objects.exists()


@pytest.mark.parametrize("filled", [1, 4])
def test_form_query_count_does_not_grow_with_claims(
    filled, client_for, own_staff, own_candidate, django_assert_max_num_queries
):
    rows = [
        ("equip_pts", {"equip_ratio": "0.96"}),
        ("cases_pts", {"cases": 3}),
        ("honours_pts", {"honours": {"prov": 1}}),
        ("drill_pts", {"drill_done": True}),
    ][:filled]
    for item, values in rows:
        save_claim(
            candidate=own_candidate,
            item_id=item,
            values=values,
            actor=own_staff,
            expected_version=0,
        )
    client = client_for(own_staff)
    client.get(url(own_candidate))
    with django_assert_max_num_queries(14):
        response = client.get(url(own_candidate))
    assert response.status_code == 200


def test_reviewer_sees_form_read_only(client_for, reviewer, own_staff, own_candidate):
    save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 3},
        actor=own_staff,
        expected_version=0,
    )
    html = client_for(reviewer).get(url(own_candidate)).content.decode()
    assert 'name="i-cases_pts-cases"' not in html
    assert "3 件" in html
    assert "保存草稿" not in html
