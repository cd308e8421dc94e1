"""campaigns.tasks, run eagerly as the test settings do (tests/test_celery_worker.py runs one
in a real worker)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.models import Campaign
from campaigns.tasks import task_sync_all_campaign_statuses, task_sync_campaign_status
from portal.celery import app
from tests.factories import CampaignFactory, PhaseFactory

pytestmark = pytest.mark.django_db


def _with_last_phase_ending(ends_at: dt.datetime, **campaign_fields) -> Campaign:
    campaign = CampaignFactory(**campaign_fields)
    PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.MOBILISATION,
        starts_at=ends_at - dt.timedelta(days=60),
        ends_at=ends_at - dt.timedelta(days=30),
    )
    PhaseFactory(
        campaign=campaign,
        kind=PhaseKind.COMMENDATION,
        starts_at=ends_at - dt.timedelta(days=10),
        ends_at=ends_at,
    )
    return campaign


def _status(campaign: Campaign) -> str:
    return Campaign.objects.values_list("status", flat=True).get(pk=campaign.pk)


def test_sync_campaign_status_closes_active_campaign_after_last_phase():
    campaign = _with_last_phase_ending(timezone.now() - dt.timedelta(hours=1))

    result = task_sync_campaign_status.delay(campaign_id=campaign.pk)

    assert result.get() == CampaignStatus.CLOSED
    assert _status(campaign) == CampaignStatus.CLOSED


def test_sync_campaign_status_keeps_campaign_active_while_last_phase_runs():
    campaign = _with_last_phase_ending(timezone.now() + dt.timedelta(days=1))

    task_sync_campaign_status.delay(campaign_id=campaign.pk)

    assert _status(campaign) == CampaignStatus.ACTIVE


def test_sync_campaign_status_keeps_active_campaign_without_phases():
    campaign = CampaignFactory(status=CampaignStatus.ACTIVE)

    task_sync_campaign_status.delay(campaign_id=campaign.pk)

    assert _status(campaign) == CampaignStatus.ACTIVE


@pytest.mark.parametrize("status", [CampaignStatus.DRAFT, CampaignStatus.ARCHIVED])
def test_sync_campaign_status_leaves_non_active_campaign_alone(status):
    campaign = _with_last_phase_ending(timezone.now() - dt.timedelta(days=1), status=status)

    task_sync_campaign_status.delay(campaign_id=campaign.pk)

    assert _status(campaign) == status


def test_sync_campaign_status_twice_is_harmless():
    campaign = _with_last_phase_ending(timezone.now() - dt.timedelta(days=1))

    task_sync_campaign_status.delay(campaign_id=campaign.pk)
    result = task_sync_campaign_status.delay(campaign_id=campaign.pk)

    assert result.get() == CampaignStatus.CLOSED
    assert _status(campaign) == CampaignStatus.CLOSED


def test_sync_campaign_status_returns_quietly_when_campaign_is_gone():
    campaign = CampaignFactory()
    campaign_id = campaign.pk
    campaign.delete()

    assert task_sync_campaign_status.delay(campaign_id=campaign_id).get() is None


def test_sync_all_campaign_statuses_closes_only_finished_active_campaigns():
    finished = _with_last_phase_ending(timezone.now() - dt.timedelta(days=1))
    running = _with_last_phase_ending(timezone.now() + dt.timedelta(days=1))
    draft = _with_last_phase_ending(
        timezone.now() - dt.timedelta(days=1), status=CampaignStatus.DRAFT
    )

    assert task_sync_all_campaign_statuses.delay().get() == 2

    assert _status(finished) == CampaignStatus.CLOSED
    assert _status(running) == CampaignStatus.ACTIVE
    assert _status(draft) == CampaignStatus.DRAFT


def test_beat_schedule_names_only_registered_tasks():
    # A renamed task would otherwise only show as an error in the production worker's log.
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "campaigns.tasks.task_sync_all_campaign_statuses" in scheduled
    assert scheduled <= set(app.tasks)
