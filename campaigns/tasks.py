"""Background work on campaigns. Tasks take ids, are safe to run twice and return quietly when
the object is gone (see ARCHITECTURE.md, "Background work goes through Celery")."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign


@shared_task
def task_sync_campaign_status(*, campaign_id: int) -> str | None:
    """Close an active campaign once its last phase has ended.

    Returns the campaign's status after the sync, or None when the campaign no longer exists.
    Drafts, closed and archived campaigns are left as they are; so is an active campaign with
    no phases yet, whose end is not known.
    """
    with transaction.atomic():
        # The row lock keeps a concurrent admin edit and this task from both writing the status.
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None:
            return None
        if campaign.status == CampaignStatus.ACTIVE:
            last_end = campaign.phases.aggregate(last_end=Max("ends_at"))["last_end"]
            if last_end is not None and last_end <= timezone.now():
                campaign.status = CampaignStatus.CLOSED
                campaign.save(update_fields=["status"])
        return campaign.status


@shared_task
def task_sync_all_campaign_statuses() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): sync every active campaign. Returns how many it checked."""
    campaign_ids = list(
        Campaign.objects.filter(status=CampaignStatus.ACTIVE).values_list("pk", flat=True)
    )
    for campaign_id in campaign_ids:
        task_sync_campaign_status(campaign_id=campaign_id)
    return len(campaign_ids)
