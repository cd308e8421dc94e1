"""`{% unread_notice_count as n %}`: the nav badge, computed once per request (cached on it).

The header shows the user's unit (`user.unit.label`), which costs a query on every page. The
badge rides along in that query: the unit is loaded here with the unread counts annotated as
subqueries, and put in the user's relation cache, so the header's unit costs nothing more and
the badge adds no query to any page. Without a unit (or with it already loaded by the view),
the count is one COUNT query of its own.
"""

from __future__ import annotations

from django import template
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.access import is_scoped_to_unit
from accounts.models import User
from campaigns.models import OrgUnit
from notifications.access import notices_visible_to
from notifications.models import Notice

register = template.Library()

_CACHE_ATTR = "_unread_notice_count"


def _count(queryset: QuerySet[Notice]) -> Coalesce:
    """COUNT(*) of `queryset` as a scalar subquery (0 when empty)."""
    counted = (
        queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted[:1], output_field=IntegerField()), 0)


def _count_with_unit(user) -> int:
    unread = Notice.objects.filter(read_at__isnull=True)
    annotations = {"own_unread": _count(unread.filter(user_id=user.pk))}
    if is_scoped_to_unit(user):
        annotations["unit_unread"] = _count(unread.filter(unit_id=OuterRef("pk")))
    unit = OrgUnit.objects.filter(pk=user.unit_id).annotate(**annotations).first()
    if unit is None:
        return 0
    user.unit = unit  # the header's `user.unit.label` now reads this row
    return unit.own_unread + getattr(unit, "unit_unread", 0)


@register.simple_tag(takes_context=True)
def unread_notice_count(context: template.Context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return 0
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        unit_loaded = user.unit_id is None or User.unit.is_cached(user)
        if unit_loaded:
            cached = notices_visible_to(user).filter(read_at__isnull=True).count()
        else:
            cached = _count_with_unit(user)
        setattr(request, _CACHE_ATTR, cached)
    return cached
