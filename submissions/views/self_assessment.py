"""A unit's self-assessment (自评) pages: the campaign overview and the form per candidate.

The form is one HTML form with one row form per rubric item. "保存草稿" saves every changed
valid row (each version-checked on its own) and keeps the invalid rows' raw input with their
errors; "提交" does the same and, when no row has an error, submits every draft or returned
claim. "计算得分" (and, with JavaScript, static/js/submissions.js on every change) asks the
engine for the claimed points without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import get_campaign_for_user, own_unit_ids, reads_everything
from scoring.engine import fmt_points
from scoring.enums import RubricSubject
from scoring.models import Candidate
from submissions import access, services
from submissions.enums import EDITABLE_STATUSES, ClaimStatus
from submissions.forms import ClaimRowForm
from submissions.models import Claim
from submissions.rubric import ItemSpec, preview
from submissions.selectors import CandidateForm, candidate_form, claimed_values, claims_of
from submissions.services import ClaimConflict
from submissions.services.errors import DOUBLE_SUBMIT_MESSAGE


@dataclass
class Row:
    spec: ItemSpec
    claim: Claim | None
    form: ClaimRowForm | None
    points: Any = None
    explanation: str = ""
    conflict: Claim | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.form is not None


def _row_form(spec: ItemSpec, claim: Claim | None, data: Any = None) -> ClaimRowForm | None:
    if claim is not None and claim.status not in EDITABLE_STATUSES:
        return None
    return ClaimRowForm(
        data=data,
        spec=spec,
        values=claim.values if claim else None,
        version=claim.version if claim else 0,
    )


def _rows(
    form: CandidateForm, claims: dict[str, Claim], *, data: Any = None, writable: bool
) -> list[Row]:
    rows = []
    for spec in form.specs.values():
        claim = claims.get(spec.id)
        row_form = _row_form(spec, claim, data) if writable else None
        rows.append(Row(spec=spec, claim=claim, form=row_form))
    return rows


def _fill_points(form: CandidateForm, rows: list[Row], claims: dict[str, Claim]) -> None:
    """Claimed points by the engine: stored claims, overlaid with the rows' valid input."""
    claimed = claimed_values(claims)
    for row in rows:
        if row.form is not None and row.form.is_bound and row.form.is_valid():
            claimed.update(row.form.claim_values())
    result = preview(form.rubric, base_facts=form.base_facts, claimed=claimed, others=form.others)
    for row in rows:
        found = result.get(row.spec.id)
        if found is not None:
            row.points, row.explanation = found.points, found.explanation


def _context(
    request: HttpRequest, candidate: Candidate, form: CandidateForm, rows: list[Row]
) -> dict[str, Any]:
    by_item = {row.spec.id: row for row in rows}
    sections = [(section, [by_item[s.id] for s in section.items]) for section in form.sections]
    claims = [row.claim for row in rows if row.claim is not None]
    return {
        "candidate": candidate,
        "pin": candidate.campaign_rubric,
        "campaign": candidate.campaign_rubric.campaign,
        "rubric": form.rubric,
        "sections": sections,
        "writable": any(row.editable for row in rows),
        "can_fill": access.may_fill(request.user),
        "pending": sum(1 for c in claims if c.status in EDITABLE_STATUSES),
        "submitted": sum(1 for c in claims if c.status == ClaimStatus.SUBMITTED),
    }


@require_GET
@login_required
def campaign_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidates of the user's units in a campaign, each linking to its form."""
    campaign = get_campaign_for_user(request.user, pk)
    candidates = (
        access.candidates_visible_to(request.user)
        .filter(campaign_rubric__campaign=campaign, is_active=True)
        .select_related("campaign_rubric__version", "unit", "officer", "home_unit")
        .order_by("home_unit__sort_order", "home_unit__code", "campaign_rubric__rubric_key", "pk")
    )
    if reads_everything(request.user):
        unit_id = request.GET.get("unit")
        candidates = (
            candidates.filter(home_unit_id=unit_id) if unit_id and unit_id.isdigit() else candidates
        )
    pins = campaign.rubric_pins.select_related("version").order_by("rubric_key")
    individual_pins = [p for p in pins if p.version.subject == RubricSubject.INDIVIDUAL]
    return render(
        request,
        "submissions/campaign_overview.html",
        {
            "campaign": campaign,
            "candidates": candidates,
            "individual_pins": individual_pins,
            "is_unit_staff": bool(own_unit_ids(request.user)),
            "can_review": access.may_review(request.user),
            "reads_all": reads_everything(request.user),
        },
    )


def _save_rows(
    request: HttpRequest, candidate: Candidate, form: CandidateForm, rows: list[Row]
) -> tuple[int, bool]:
    """Save each changed, valid row; returns (rows saved, whether any row has an error)."""
    saved = 0
    failed = False
    for row in rows:
        if row.form is None:
            continue
        if not row.form.is_valid():
            failed = True
            continue
        values = row.form.claim_values()
        if not row.form.has_changed() or (row.claim is None and not values):
            continue
        try:
            row.claim = services.save_claim(
                candidate=candidate,
                item_id=row.spec.id,
                values=values,
                actor=request.user,
                expected_version=row.form.posted_version(),
                form=form,
            )
        except ClaimConflict as exc:
            failed = True
            row.conflict = exc.current
            row.form.add_error(None, exc.messages[0])
            if exc.current is not None:
                row.claim = exc.current
                # Keep the user's input, but let a deliberate second save go ahead.
                data = row.form.data.copy()
                data[row.form.add_prefix("version")] = exc.current.version
                row.form.data = data
        except ValidationError as exc:
            failed = True
            for message in exc.messages:
                row.form.add_error(None, message)
        else:
            saved += 1
            row.form = _row_form(row.spec, row.claim)  # fresh: new version, stored values
    for row in rows:
        if row.form is not None:
            try:
                saved += _save_evidence(request, candidate, form, row)
            except ValidationError as exc:
                failed = True
                row.notes.extend(exc.messages)
    return saved, failed


def _ids(request: HttpRequest, name: str) -> list[int]:
    return [int(v) for v in request.POST.getlist(name) if v.isdigit()]


def _save_evidence(
    request: HttpRequest, candidate: Candidate, form: CandidateForm, row: Row
) -> int:
    """Attach the files uploaded into this row and detach the ticked ones — whatever the
    validity of the row's values, so that an upload is never lost to a typo elsewhere."""
    from evidence.access import evidence_visible_to
    from submissions.services.claim_evidence import attach_evidence, detach_evidence

    attach = _ids(request, f"ev-{row.spec.id}")
    detach = _ids(request, f"detach-{row.spec.id}")
    if not attach and not detach:
        return 0
    if row.claim is None:
        row.claim = services.save_claim(
            candidate=candidate,
            item_id=row.spec.id,
            values={},
            actor=request.user,
            expected_version=0,
            form=form,
        )
    claim = row.claim
    if attach:
        files = list(evidence_visible_to(request.user).filter(pk__in=attach))
        if len(files) != len(set(attach)):
            raise ValidationError(_("有文件不存在或无权使用。"))
        claim = attach_evidence(
            claim=claim, files=files, actor=request.user, expected_version=claim.version
        )
    if detach:
        claim = detach_evidence(
            claim=claim, link_ids=detach, actor=request.user, expected_version=claim.version
        )
    row.claim = claims_of(candidate).get(row.spec.id, claim)
    if not row.form.errors:
        row.form = _row_form(row.spec, row.claim)
    else:
        data = row.form.data.copy()
        data[row.form.add_prefix("version")] = row.claim.version
        row.form.data = data
    return 1


def _submit_rows(request: HttpRequest, rows: list[Row]) -> tuple[int, list[str]]:
    submitted = 0
    problems: list[str] = []
    for row in rows:
        claim = row.claim
        if claim is None:
            continue
        if claim.status == ClaimStatus.SUBMITTED:
            posted = request.POST.get(f"i-{row.spec.id}-version")
            if posted and posted.isdigit() and int(posted) != claim.version:
                problems.append(
                    _("%(item)s：%(problem)s")
                    % {"item": row.spec.item.title, "problem": DOUBLE_SUBMIT_MESSAGE}
                )
            continue
        if claim.status not in EDITABLE_STATUSES or not claim.values:
            continue
        try:
            row.claim = services.transition(
                claim=claim,
                to=ClaimStatus.SUBMITTED,
                actor=request.user,
                expected_version=claim.version,
            )
            row.form = None
            submitted += 1
        except (ValidationError, PermissionDenied) as exc:
            problems.append(
                _("%(item)s：%(problem)s")
                % {
                    "item": row.spec.item.title,
                    "problem": " ".join(getattr(exc, "messages", [str(exc)])),
                }
            )
    return submitted, problems


@require_http_methods(["GET", "POST"])
@login_required
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    write = request.method == "POST"
    candidate = access.get_candidate_for_user(request.user, pk, write=write)
    form = candidate_form(candidate)
    claims = claims_of(candidate)
    writable = access.may_fill(request.user)
    if request.method == "GET":
        rows = _rows(form, claims, writable=writable)
        _fill_points(form, rows, claims)
        return render(
            request, "submissions/self_assessment.html", _context(request, candidate, form, rows)
        )

    action = request.POST.get("action", "save")
    rows = _rows(form, claims, data=request.POST, writable=True)
    if action == "preview":
        for row in rows:
            if row.form is not None:
                row.form.is_valid()
        _fill_points(form, rows, claims)
        return render(
            request, "submissions/self_assessment.html", _context(request, candidate, form, rows)
        )
    saved, failed = _save_rows(request, candidate, form, rows)
    if saved:
        messages.success(request, _("已保存 %(n)s 个条目的草稿。") % {"n": saved})
    if failed:
        messages.error(request, _("部分条目未保存：请查看标红的条目并修改；其他条目的输入已保留。"))
    elif action == "submit":
        submitted, problems = _submit_rows(request, rows)
        for problem in problems:
            messages.warning(request, problem)
        if submitted:
            messages.success(request, _("已提交 %(n)s 个条目，等待复核。") % {"n": submitted})
        elif not problems:
            messages.info(request, _("没有需要提交的条目。"))
    if failed:
        claims = {row.spec.id: row.claim for row in rows if row.claim is not None}
        _fill_points(form, rows, claims)
        return render(
            request,
            "submissions/self_assessment.html",
            _context(request, candidate, form, rows),
            status=200,
        )
    return redirect("submissions:self_assessment", pk=candidate.pk)


@require_POST
@login_required
def preview_points(request: HttpRequest, pk: int) -> JsonResponse:
    """The engine's claimed points for the page's current input. Writes nothing."""
    candidate = access.get_candidate_for_user(request.user, pk)
    form = candidate_form(candidate)
    claims = claims_of(candidate)
    rows = _rows(form, claims, data=request.POST, writable=True)
    errors = {}
    for row in rows:
        if row.form is not None and not row.form.is_valid():
            errors[row.spec.id] = [
                e for field_errors in row.form.errors.values() for e in field_errors
            ]
    _fill_points(form, rows, claims)
    return JsonResponse(
        {
            "items": {
                row.spec.id: {
                    "points": fmt_points(row.points) if row.points is not None else None,
                    "explanation": row.explanation,
                    "provisional": row.spec.pooled,
                }
                for row in rows
            },
            "errors": errors,
        }
    )
