"""Who sees which notice (STYLE.md #5): a notice to a user is theirs alone; a notice to a unit is
seen by the branch staff of that unit. Anyone else gets 404 for it, whatever their role:
notices are personal mail, not campaign records, so not even the office reads other people's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import is_scoped_to_unit
from notifications.models import Notice

if TYPE_CHECKING:
    from accounts.access import AnyUser


def notices_visible_to(user: AnyUser) -> QuerySet[Notice]:
    if not (user and user.is_authenticated and user.is_active):
        return Notice.objects.none()
    condition = Q(user_id=user.pk)
    if is_scoped_to_unit(user) and user.unit_id is not None:
        condition |= Q(unit_id=user.unit_id)
    return Notice.objects.filter(condition)


def get_notice_for_user(user: AnyUser, pk: int) -> Notice:
    """The notice `pk` if it is addressed to `user` (or their unit); 404 otherwise."""
    notice = notices_visible_to(user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice
