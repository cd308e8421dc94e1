"""Evidence views: upload (JSON for the uploader script), download, preview, withdraw, list.

Each view fetches through `evidence.access` (or `accounts.access` for the unit), calls one
service and answers. Files leave the server only through `download` and `preview`.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from accounts import access as unit_access
from evidence import access, services
from evidence.enums import PREVIEWABLE, EvidenceKind
from evidence.models import EvidenceFile
from evidence.storage import EvidenceUploadHandler

logger = logging.getLogger(__name__)

NO_FILE = gettext_lazy("请选择要上传的文件。")
NO_UNIT = gettext_lazy("未指定所属单位。")
NOT_FOUND = gettext_lazy("找不到该单位，或您无权为其上传材料。")
FORBIDDEN = gettext_lazy("您的角色只能查看佐证材料，不能上传或撤回。")
# Downloads: never rendered by the browser, whatever it guesses.
DOWNLOAD_CSP = "default-src 'none'; sandbox"
# Images preview in a fully sandboxed document that can load nothing else.
IMAGE_PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
# PDFs: no `sandbox`, because Chromium refuses to run its PDF viewer in a sandboxed document
# (crbug.com/413851) and shows "blocked" instead. The bytes were checked to be a PDF and are
# sent as application/pdf with nosniff, so they cannot be read as HTML; the viewer runs PDF
# scripts in its own process without access to this origin.
PDF_PREVIEW_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def evidence_json(evidence: EvidenceFile) -> dict:
    return {
        "id": evidence.pk,
        "name": evidence.original_name,
        "size": evidence.size,
        "kind": evidence.kind,
        "sha256": evidence.sha256,
        "duplicate_of": evidence.duplicate_of_id,
        "download_url": reverse("evidence:download", args=[evidence.pk]),
        "preview_url": (
            reverse("evidence:preview", args=[evidence.pk]) if evidence.is_previewable else None
        ),
    }


# --- upload -----------------------------------------------------------------------------------


@csrf_exempt  # checked below, after our upload handler is installed (Django's documented way)
@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """POST multipart ``file`` and ``unit``; JSON in return, ``{error}`` with 400 on refusal."""
    if not access.can_upload(request.user):
        # Refused before the body is read: a read-only role cannot make us spool anything.
        return JsonResponse({"error": FORBIDDEN}, status=403)
    # Installed before anything reads request.POST (the CSRF check does), so the file is
    # streamed to EVIDENCE_ROOT/.incoming while being hashed, never held in memory.
    handler = EvidenceUploadHandler(request)
    request.upload_handlers = [handler]
    try:
        return _upload(request)
    finally:
        handler.discard()  # whatever the service did not take (refusal, 404, CSRF failure)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    upload_file = request.FILES.get("file")
    raw_unit = request.POST.get("unit", "")
    if not raw_unit.isdigit():
        return JsonResponse({"error": NO_UNIT}, status=400)
    try:
        unit = unit_access.get_unit_for_user(request.user, int(raw_unit), write=True)
    except Http404:
        return JsonResponse({"error": NOT_FOUND}, status=404)
    except PermissionDenied:
        return JsonResponse({"error": FORBIDDEN}, status=403)
    if upload_file is None:
        return JsonResponse({"error": NO_FILE}, status=400)
    try:
        evidence = services.store_upload(unit=unit, upload=upload_file, actor=request.user)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(evidence_json(evidence), status=201)


# --- download and preview ---------------------------------------------------------------------


def _file_response(evidence: EvidenceFile, *, inline: bool) -> FileResponse:
    try:
        stream = services.open_for_reading(evidence)
    except (OSError, ValueError):
        logger.error("evidence %s: stored file %s missing", evidence.pk, evidence.stored_name)
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = access.get_evidence_for_user(request.user, pk)
    response = _file_response(evidence, inline=False)
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


@never_cache
@login_required
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_evidence_for_user(request.user, pk)
    if evidence.kind not in PREVIEWABLE:
        return redirect("evidence:download", pk=evidence.pk)
    response = _file_response(evidence, inline=True)
    response["Content-Security-Policy"] = (
        PDF_PREVIEW_CSP if evidence.kind == EvidenceKind.PDF else IMAGE_PREVIEW_CSP
    )
    return response


# --- withdraw ---------------------------------------------------------------------------------


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """POST ``version`` and ``reason``. JSON for scripts (Accept: application/json), else a
    redirect back to the unit's list with a message. A stale version is refused (409)."""
    evidence = access.get_evidence_for_user(request.user, pk, write=True)
    raw_version = request.POST.get("version", "")
    try:
        if not raw_version.isdigit():
            raise ValidationError(_("缺少版本号，请刷新页面后重试。"), code="version_required")
        evidence = services.withdraw_evidence(
            evidence=evidence,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            expected_version=int(raw_version),
        )
    except ValidationError as exc:
        message = " ".join(exc.messages)
        status = 409 if exc.code in ("stale_version", "already_withdrawn") else 400
        if _wants_json(request):
            current = EvidenceFile.objects.get(pk=pk)
            return JsonResponse({"error": message, "version": current.version}, status=status)
        messages.error(request, message)
    else:
        if _wants_json(request):
            return JsonResponse({"id": evidence.pk, "version": evidence.version})
        messages.success(request, _("已撤回“%(name)s”。") % {"name": evidence.original_name})
    return redirect("evidence:unit_files", unit_pk=evidence.owner_unit_id)


# --- a unit's files ---------------------------------------------------------------------------


@login_required
@require_GET
def unit_files(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = unit_access.get_unit_for_user(request.user, unit_pk)
    files = list(
        access.evidence_visible_to(request.user)
        .filter(owner_unit=unit)
        .select_related("uploaded_by", "withdrawn_by")
        .order_by("-uploaded_at", "-pk")
    )
    context = {
        "unit": unit,
        "files": files,
        "can_write": access.can_write_unit_evidence(request.user, unit.pk),
        "bytes_used": services.unit_bytes_used(unit),
    }
    return render(request, "evidence/unit_files.html", context)
