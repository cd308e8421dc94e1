"""Background evaluation. Tasks take ids, are safe to run twice and return quietly when the
campaign is gone (ARCHITECTURE.md, "Background work goes through Celery")."""

from __future__ import annotations

from celery import shared_task

from campaigns.models import Campaign
from scoring.models import PendingChange
from scoring.services.evaluation import clear_queued_flag, evaluate_pending_changes


@shared_task
def task_evaluate_campaign(*, campaign_id: int) -> int | None:
    """Evaluate what changed in a campaign since the last run (services.evaluate_pending_changes).

    Queued by record_fact & co. on commit, debounced: the flag is cleared first, so a change
    committed while this runs queues another task, and its PendingChange row is not lost either
    way. Returns the number of runs made, or None when the campaign no longer exists."""
    clear_queued_flag(campaign_id=campaign_id)
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return None
    return len(evaluate_pending_changes(campaign=campaign))


@shared_task
def task_evaluate_pending() -> int:
    """Periodic sweep (beat): evaluate every campaign with pending changes, in case a queued
    task was lost (worker killed, broker restarted). Returns how many campaigns it evaluated."""
    campaign_ids = sorted(set(PendingChange.objects.values_list("campaign_id", flat=True)))
    for campaign_id in campaign_ids:
        task_evaluate_campaign(campaign_id=campaign_id)
    return len(campaign_ids)
