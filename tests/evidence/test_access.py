"""get_evidence_for_user: who sees and who changes a unit's evidence files."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.enums import Role
from evidence.access import evidence_visible_to, get_evidence_for_user
from evidence.services import withdraw_evidence
from tests.factories import OrgUnitFactory, UserFactory


@pytest.fixture
def evidence(stored):
    return stored("pdf")


def test_owner_unit_staff_read_and_write(evidence, own_staff):
    assert get_evidence_for_user(own_staff, evidence.pk) == evidence
    assert get_evidence_for_user(own_staff, evidence.pk, write=True) == evidence


def test_staff_of_the_unit_above_read_and_write(evidence, city):
    city_staff = UserFactory(username="city_staff", role=Role.BRANCH_STAFF, unit=city)
    assert get_evidence_for_user(city_staff, evidence.pk, write=True) == evidence


def test_staff_of_a_unit_below_do_not_see_the_parent_units_files(stored, own_unit):
    team = OrgUnitFactory(name="甲分局一中队", code="BR-A-1", parent=own_unit)
    team_staff = UserFactory(username="team_staff", role=Role.BRANCH_STAFF, unit=team)
    evidence = stored("pdf")
    with pytest.raises(Http404):
        get_evidence_for_user(team_staff, evidence.pk)


def test_other_unit_staff_get_404_for_read_and_write(evidence, other_staff):
    with pytest.raises(Http404):
        get_evidence_for_user(other_staff, evidence.pk)
    with pytest.raises(Http404):
        get_evidence_for_user(other_staff, evidence.pk, write=True)
    assert list(evidence_visible_to(other_staff)) == []


def test_missing_id_is_404_like_a_hidden_one(other_staff, reviewer):
    with pytest.raises(Http404):
        get_evidence_for_user(reviewer, 999_999)


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_read_only_roles_read_but_may_not_write(evidence, persona, request):
    user = request.getfixturevalue(persona)
    assert get_evidence_for_user(user, evidence.pk) == evidence
    with pytest.raises(PermissionDenied):
        get_evidence_for_user(user, evidence.pk, write=True)


def test_campaign_admin_reads_and_writes(evidence, campaign_admin):
    assert get_evidence_for_user(campaign_admin, evidence.pk, write=True) == evidence


def test_anonymous_sees_nothing(evidence):
    with pytest.raises(Http404):
        get_evidence_for_user(AnonymousUser(), evidence.pk)


def test_reviewer_sees_withdrawn_file_marked_withdrawn(evidence, own_staff, reviewer):
    withdraw_evidence(evidence=evidence, actor=own_staff, reason="重复上传", expected_version=1)
    seen = get_evidence_for_user(reviewer, evidence.pk)
    assert seen.is_withdrawn
    assert seen.withdraw_reason == "重复上传"
    assert list(evidence_visible_to(reviewer)) == [seen]
