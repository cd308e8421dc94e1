"""Who may do what with approvals, notices and objections (STYLE.md #5), on top of
``accounts.access``:

- The office (campaign admins, superusers) submits lists, publishes notices and handles
  objections; only it sees objectors' personal data and attachments.
- Leadership approves or returns submitted lists; it reads approvals and results.
- Reviewers read approvals and results (read-only: 403 on any action).
- Branch staff never see approvals, objections or the internal results pages: 404, like
  outsiders. What is public is the notice page, which needs no login.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.access import reads_everything, writes_everything
from accounts.enums import Role
from publication.models import Notice, Objection, ShortlistApproval

if TYPE_CHECKING:
    from accounts.access import AnyUser


def is_office(user: AnyUser) -> bool:
    return writes_everything(user)


def may_decide(user: AnyUser) -> bool:
    """Leadership approves (superusers may act for it)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.role == Role.LEADERSHIP or user.is_superuser)
    )


def check_reader(user: AnyUser) -> None:
    """Approvals and results: readers of everything; anyone else gets 404."""
    if not reads_everything(user):
        raise Http404


def check_office(user: AnyUser) -> None:
    check_reader(user)
    if not is_office(user):
        raise PermissionDenied("只有活动管理员（领导小组办公室）可以执行此操作。")


def check_decider(user: AnyUser) -> None:
    check_reader(user)
    if not may_decide(user):
        raise PermissionDenied("只有领导小组成员可以审定名单。")


def get_approval_for_user(user: AnyUser, pk: int) -> ShortlistApproval:
    check_reader(user)
    approval = (
        ShortlistApproval.objects.select_related(
            "campaign_rubric__campaign", "campaign_rubric__version", "submitted_by", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )
    if approval is None:
        raise Http404
    return approval


def get_notice_for_office(user: AnyUser, pk: int) -> Notice:
    """Objections of a notice: the office only (404 for branch staff, 403 for other readers)."""
    check_office(user)
    notice = (
        Notice.objects.select_related("approval__campaign_rubric__campaign").filter(pk=pk).first()
    )
    if notice is None:
        raise Http404
    return notice


def get_objection_for_office(user: AnyUser, pk: int) -> Objection:
    check_office(user)
    objection = (
        Objection.objects.select_related(
            "notice__approval__campaign_rubric__campaign",
            "notice__approval__campaign_rubric__version",
            "entry__candidate__unit",
            "entry__candidate__officer__unit",
            "handled_by",
        )
        .filter(pk=pk)
        .first()
    )
    if objection is None:
        raise Http404
    return objection
