"""Starting exports as background jobs, with the check of who may export what.

- Campaign admins: every export.
- Leadership: the recommendation list (it is what they sign off).
- Everyone else: nothing (the export panel is not theirs to see).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from accounts.access import writes_everything
from accounts.enums import Role
from jobs.services import start_job
from spreadsheets.exports.job_kinds import RANKING, RECOMMENDATION, SCORE_SHEET

if TYPE_CHECKING:
    from accounts.access import AnyUser
    from accounts.models import User
    from campaigns.models import Campaign
    from jobs.models import Job
    from scoring.models import Candidate


def may_export_all(user: AnyUser) -> bool:
    return writes_everything(user)


def may_export_recommendation(user: AnyUser) -> bool:
    return writes_everything(user) or (
        bool(user and user.is_authenticated and user.is_active) and user.role == Role.LEADERSHIP
    )


def may_open_export_panel(user: AnyUser) -> bool:
    return may_export_recommendation(user)


def start_ranking_export(*, campaign: Campaign, actor: User) -> Job:
    if not may_export_all(actor):
        raise PermissionDenied("只有活动管理员可以导出排名表。")
    return start_job(kind=RANKING, campaign=campaign, params={}, actor=actor)


def start_recommendation_export(*, campaign: Campaign, actor: User) -> Job:
    if not may_export_recommendation(actor):
        raise PermissionDenied("只有活动管理员和领导小组成员可以导出推荐名单。")
    return start_job(kind=RECOMMENDATION, campaign=campaign, params={}, actor=actor)


def start_score_sheet_export(*, candidate: Candidate, actor: User) -> Job:
    if not may_export_all(actor):
        raise PermissionDenied("只有活动管理员可以导出评分表。")
    return start_job(
        kind=SCORE_SHEET,
        campaign=candidate.campaign_rubric.campaign,
        params={"candidate_id": candidate.pk},
        actor=actor,
    )
