"""The reviewers' pages: the queue of claims (filters, bulk accept) and one claim's review.

Reviewers and campaign admins only: branch staff and leadership get 403 (they read claims on
the self-assessment pages); the service refuses a reviewer their own unit's claims.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.models import Campaign, OrgUnit
from scoring.models import CampaignRubric
from scoring.services.rubrics import rubric_of
from submissions import access, services
from submissions.enums import ClaimStatus
from submissions.forms import REVIEW_ACTIONS, BulkAcceptForm, ClaimRowForm, ReviewForm
from submissions.models import Claim
from submissions.rubric import ItemSpec, item_specs
from submissions.selectors import claim_history, review_queue
from submissions.services import ClaimConflict
from submissions.services.workflow import evidence_state

ACTION_TARGET = {
    "accept": ClaimStatus.ACCEPTED,
    "adjust": ClaimStatus.ADJUSTED,
    "return": ClaimStatus.RETURNED,
}


def _require_reviewer(request: HttpRequest) -> None:
    if not access.may_review(request.user):
        raise PermissionDenied


def _spec_of(claim: Claim, cache: dict[int, dict[str, ItemSpec]]) -> ItemSpec | None:
    version = claim.candidate.campaign_rubric.version
    if version.pk not in cache:
        cache[version.pk] = item_specs(rubric_of(version))
    return cache[version.pk].get(claim.item_id)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest) -> dict[str, Any]:
    status = request.GET.get("status", ClaimStatus.SUBMITTED)
    return {
        "campaign_id": _int(request.GET.get("campaign")),
        "unit_id": _int(request.GET.get("unit")),
        "indicator_id": request.GET.get("indicator", "")[:64],
        "status": status if status in ClaimStatus.values else "",
    }


@require_http_methods(["GET"])
@login_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    filters = _filters(request)
    claims = list(review_queue(claims=access.claims_visible_to(request.user), **filters))
    cache: dict[int, dict[str, ItemSpec]] = {}
    for claim in claims:
        claim.spec = _spec_of(claim, cache)
        claim.shown = f"{claim.version}|{evidence_state(claim)}"
    pins = CampaignRubric.objects.select_related("version", "campaign").order_by(
        "campaign_id", "rubric_key"
    )
    if filters["campaign_id"]:
        pins = pins.filter(campaign_id=filters["campaign_id"])
    indicators: dict[str, str] = {}
    for pin in pins:
        for node in rubric_of(pin.version).indicators:
            indicators.setdefault(node.id, node.title)
    return render(
        request,
        "submissions/review_queue.html",
        {
            "claims": claims,
            "filters": filters,
            "campaigns": Campaign.objects.filter(status="active").order_by("-year", "title"),
            "units": OrgUnit.objects.filter(claims__isnull=False)
            .distinct()
            .order_by("sort_order", "code"),
            "indicators": sorted(indicators.items()),
            "statuses": ClaimStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@require_POST
@login_required
def bulk_accept(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    ids = [int(v) for v in request.POST.getlist("claims") if v.isdigit()]
    form = BulkAcceptForm(request.POST, claim_ids=ids)
    back = reverse("submissions:review_queue") + (
        "?" + request.POST["query"] if request.POST.get("query") else ""
    )
    if not form.is_valid() or not ids:
        messages.warning(request, _("请先勾选要批量认定的条目。"))
        return redirect(back)
    claims = list(
        access.claims_visible_to(request.user)
        .filter(pk__in=form.cleaned_data["claims"])
        .order_by("pk")
    )
    shown = {}
    for claim in claims:
        version, _sep, state = request.POST.get(f"shown-{claim.pk}", "").partition("|")
        if version.isdigit():
            shown[claim.pk] = (int(version), state)
    accepted, refused = services.bulk_accept(
        claims=claims,
        evidence_checked=set(form.cleaned_data["evidence_checked"]),
        actor=request.user,
        shown=shown,
    )
    if accepted:
        messages.success(request, _("已认定 %(n)s 个条目。") % {"n": len(accepted)})
    for claim, reason in refused:
        messages.warning(
            request, _("条目 %(id)s 未认定：%(reason)s") % {"id": claim.pk, "reason": reason}
        )
    return redirect(back)


@require_http_methods(["GET", "POST"])
@login_required
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access.get_claim_for_user(request.user, pk, review=True)
    spec = _spec_of(claim, {})
    form = ReviewForm(
        initial={"version": claim.version, "evidence_checked": claim.evidence_checked}
    )
    values_form = (
        ClaimRowForm(spec=spec, values=claim.verified_values or claim.values, prefix="v")
        if spec is not None
        else None
    )
    conflict = None
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if spec is not None:
            values_form = ClaimRowForm(request.POST, spec=spec, values=claim.values, prefix="v")
        if form.is_valid():
            action = form.cleaned_data["action"]
            details: dict[str, Any] = {
                "comment": form.cleaned_data["comment"],
                "evidence_checked": form.cleaned_data["evidence_checked"],
                # The evidence the reviewer was shown (absent from old pages: not checked).
                "evidence_state": request.POST.get("evidence_state"),
            }
            ok = True
            if action == "adjust":
                if values_form is None or not values_form.is_valid():
                    ok = False
                else:
                    details["values"] = values_form.claim_values()
            if ok:
                try:
                    services.transition(
                        claim=claim,
                        to=ACTION_TARGET[action],
                        actor=request.user,
                        expected_version=form.cleaned_data["version"],
                        **details,
                    )
                except ClaimConflict as exc:
                    conflict = exc.current
                    form.add_error(None, exc.messages[0])
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                except PermissionDenied as exc:
                    form.add_error(None, str(exc) or _("无权复核该条目。"))
                else:
                    messages.success(
                        request,
                        _("条目已%(action)s。") % {"action": dict(REVIEW_ACTIONS)[action]},
                    )
                    return redirect(reverse("submissions:review_queue"))
    links = list(claim.evidence_links.select_related("file").order_by("attached_at", "pk"))
    return render(
        request,
        "submissions/claim_review.html",
        {
            "claim": claim,
            "current": conflict or claim,
            "conflict": conflict,
            "spec": spec,
            "form": form,
            "values_form": values_form,
            "links": links,
            "own_unit": access.reviews_own_unit(request.user, claim),
            "reviewable": claim.status == ClaimStatus.SUBMITTED,
            "evidence_state": evidence_state(conflict or claim),
            "history": claim_history(claim),
        },
        status=409 if conflict else 200,
    )
