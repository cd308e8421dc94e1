"""Fetch-and-check helpers for competitions (STYLE.md #5): 404 for outsiders, 403 for
read-only roles, and a Chinese refusal for judges of other events."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.access import campaigns_visible_to, writes_everything
from competitions.models import Competition, Event
from competitions.services import check_judge


def _visible(user: Any, competition: Competition) -> bool:
    if campaigns_visible_to(user).filter(pk=competition.campaign_id).exists():
        return True
    # A judge from outside the campaign's units still sees the competition they judge.
    return bool(user.is_authenticated) and competition.events.filter(judges=user).exists()


def get_competition_for_user(user: Any, pk: int, *, write: bool = False) -> Competition:
    competition = Competition.objects.select_related("campaign__issuing_unit").filter(pk=pk).first()
    if competition is None or not _visible(user, competition):
        raise Http404
    if write and not writes_everything(user):
        raise PermissionDenied("只有活动管理员可以管理比武。")
    return competition


def get_event_for_user(user: Any, pk: int, *, judge: bool = False, write: bool = False) -> Event:
    """The event `pk` if the user sees its competition; with `judge`, only for its judges;
    with `write`, only for campaign admins."""
    event = Event.objects.select_related("competition__campaign").filter(pk=pk).first()
    if event is None or not _visible(user, event.competition):
        raise Http404
    if write and not writes_everything(user):
        raise PermissionDenied("只有活动管理员可以管理比武。")
    if judge:
        check_judge(user, event)
    return event
