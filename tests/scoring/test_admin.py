"""The scoring admin: results read-only, facts and pins written through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from scoring.models import Fact, PendingChange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, city):
    user = UserFactory(
        username="root", unit=city, role="campaign_admin", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize(
    "model",
    ["rubricversion", "campaignrubric", "candidate", "fact", "evaluationrun", "scoresnapshot"],
)
def test_changelists_open(admin_client, collective_pin, model):
    response = admin_client.get(reverse(f"admin:scoring_{model}_changelist"))
    assert response.status_code == 200


def test_rubric_versions_are_read_only(admin_client, collective_version):
    assert admin_client.get(reverse("admin:scoring_rubricversion_add")).status_code == 403
    page = admin_client.get(
        reverse("admin:scoring_rubricversion_change", args=[collective_version.pk])
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "测试集体评选细则" in content and "equip_ratio" in content
    assert 'name="_save"' not in content


def _fact_form(campaign, unit, value):
    return {
        "campaign": campaign.pk,
        "unit": unit.pk,
        "officer": "",
        "key": "cases",
        "value": value,
        "source": "panel",
        "source_ref": "评审会 2024-10-12",
    }


def test_fact_added_in_admin_goes_through_record_fact(
    admin_client, campaign, collective_pin, own_unit
):
    response = admin_client.post(
        reverse("admin:scoring_fact_add"), _fact_form(campaign, own_unit, "7")
    )
    assert response.status_code == 302
    fact = Fact.objects.get()
    assert (fact.value, fact.recorded_by, fact.history.get().history_user) == (
        7,
        admin_client.user,
        admin_client.user,
    )
    assert PendingChange.objects.filter(unit=own_unit, key="cases").exists()


def test_fact_admin_shows_validation_errors(admin_client, campaign, collective_pin, own_unit):
    response = admin_client.post(
        reverse("admin:scoring_fact_add"), _fact_form(campaign, own_unit, "-3")
    )
    assert response.status_code == 200
    assert "应为非负整数" in response.content.decode()
    assert not Fact.objects.exists()
