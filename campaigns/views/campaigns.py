"""Campaign list and detail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import access
from campaigns.enums import LeaderRole, WorkingGroupKind
from campaigns.models import LeadershipGroup, LeadershipMember, WorkingGroup
from campaigns.views.common import mark_phases


@require_GET
@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(
        access.campaigns_visible_to(request.user)
        .select_related("issuing_unit")
        .prefetch_related("phases")
        .annotate(unit_count=Count("participations"))
        # Django leaves Meta.ordering out of GROUP BY queries: state it again.
        .order_by("-year", "title")
    )
    mark_phases(campaigns, timezone.now())
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns})


@require_GET
@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for_user(request.user, pk)
    # One query per related table, whatever the number of rows in each.
    prefetch_related_objects([campaign], "phases")
    phases = list(campaign.phases.all())
    mark_phases([campaign], timezone.now())

    group = (
        LeadershipGroup.objects.filter(campaign=campaign)
        .select_related("office_unit")
        .prefetch_related(
            Prefetch("members", queryset=LeadershipMember.objects.select_related("unit")),
            Prefetch("working_groups", queryset=WorkingGroup.objects.prefetch_related("members")),
        )
        .first()
    )
    members = list(group.members.all()) if group else []
    working_groups = list(group.working_groups.all()) if group else []
    participations = list(campaign.participations.select_related("unit"))
    visible_unit_ids = (
        None if access.reads_everything(request.user) else access.own_unit_ids(request.user)
    )
    for participation in participations:
        participation.linkable = (
            visible_unit_ids is None or participation.unit_id in visible_unit_ids
        )
    context = {
        "campaign": campaign,
        "can_edit": access.can_edit_campaigns(request.user),
        "phases": phases,
        "group": group,
        "leaders": [m for m in members if m.role == LeaderRole.LEADER],
        "deputies": [m for m in members if m.role == LeaderRole.DEPUTY],
        "members": [m for m in members if m.role == LeaderRole.MEMBER],
        "working_groups": [g for g in working_groups if g.kind == WorkingGroupKind.WORKING_GROUP],
        "member_unit_duties": [g for g in working_groups if g.kind == WorkingGroupKind.MEMBER_UNIT],
        "task_plan": list(campaign.task_plan.all()),
        "participations": participations,
        "quota_total": sum(p.individual_quota for p in participations),
    }
    return render(request, "campaigns/campaign_detail.html", context)
