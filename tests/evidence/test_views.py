"""Evidence URLs with three personas (own unit staff, another unit's staff, a reviewer) and
more: upload JSON and refusals, download and preview headers, withdraw, the unit's list."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import EvidenceFile
from evidence.services import withdraw_evidence
from evidence.sniff import WRONG_CONTENT, ZIP_BOMB
from evidence.storage import path_for
from tests.evidence.conftest import files_under
from tests.evidence.samples import (
    docx_bytes,
    html_bytes,
    pdf_bytes,
    png_bytes,
    sample_upload,
    zip_bomb_docx,
)
from tests.evidence.samples import (
    exe_bytes as exe,
)

UPLOAD = reverse("evidence:upload")


def post_upload(client, unit, upload, **extra):
    return client.post(UPLOAD, {"unit": unit.pk, "file": upload}, **extra)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- upload -----------------------------------------------------------------------------------


def test_upload_by_own_staff_returns_json_and_stores(
    client_for, own_staff, own_unit, evidence_root
):
    response = post_upload(
        client_for(own_staff), own_unit, sample_upload("pdf", name="检查记录.pdf")
    )
    assert response.status_code == 201
    data = response.json()
    evidence = EvidenceFile.objects.get()
    assert data == {
        "id": evidence.pk,
        "name": "检查记录.pdf",
        "size": len(pdf_bytes()),
        "kind": "pdf",
        "sha256": hashlib.sha256(pdf_bytes()).hexdigest(),
        "duplicate_of": None,
        "download_url": f"/evidence/{evidence.pk}/download/",
        "preview_url": f"/evidence/{evidence.pk}/preview/",
    }
    assert evidence.owner_unit == own_unit and evidence.uploaded_by == own_staff
    assert files_under(evidence_root) == [path_for(evidence.stored_name)]
    assert evidence.history.get().history_user == own_staff


def test_upload_docx_has_no_preview_url_and_flags_duplicates(client_for, own_staff, own_unit):
    client = client_for(own_staff)
    first = post_upload(client, own_unit, sample_upload("docx")).json()
    second = post_upload(client, own_unit, sample_upload("docx", name="again.docx")).json()
    assert first["preview_url"] is None
    assert second["duplicate_of"] == first["id"]


def test_upload_is_csrf_protected(own_staff, own_unit, evidence_root):
    client = Client(enforce_csrf_checks=True)
    client.force_login(own_staff)
    refused = post_upload(client, own_unit, sample_upload("pdf"))
    assert refused.status_code == 403
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []
    # With the token (as the uploader script sends it) the same upload goes through.
    client.get(reverse("evidence:unit_files", args=[own_unit.pk]))
    token = client.cookies["csrftoken"].value
    accepted = post_upload(client, own_unit, sample_upload("pdf"), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", exe(), WRONG_CONTENT),
        ("page.png", html_bytes(), WRONG_CONTENT),
        ("情况说明.docx", zip_bomb_docx(16 * 1024 * 1024), ZIP_BOMB),
        ("空.pdf", b"", "文件为空。"),
    ],
)
def test_upload_refusals_answer_400_with_chinese_message_and_store_nothing(
    client_for, own_staff, own_unit, evidence_root, name, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = post_upload(client_for(own_staff), own_unit, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_upload_oversize_refused_through_the_view(
    settings, client_for, own_staff, own_unit, evidence_root
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    content = pdf_bytes() + b"0" * (3 * 1024 * 1024)
    response = post_upload(client_for(own_staff), own_unit, SimpleUploadedFile("大.pdf", content))
    assert response.status_code == 400
    assert response.json() == {"error": "文件超过 2 MB 上限。"}
    assert files_under(evidence_root) == []


def test_upload_over_quota_refused_through_the_view(settings, client_for, own_staff, own_unit):
    settings.EVIDENCE_UNIT_QUOTA_BYTES = 10
    response = post_upload(client_for(own_staff), own_unit, sample_upload("png"))
    assert response.json() == {"error": "本单位佐证材料已达配额上限。"}
    assert response.status_code == 400


def test_upload_name_with_backslashes_and_controls_is_cleaned(client_for, own_staff, own_unit):
    upload = sample_upload("pdf", name="..\\..\\evil\x07\x1b.pdf")
    response = post_upload(client_for(own_staff), own_unit, upload)
    assert response.json()["name"] == "evil.pdf"


def test_upload_without_file_or_unit(client_for, own_staff, own_unit):
    client = client_for(own_staff)
    assert client.post(UPLOAD, {"unit": own_unit.pk}).json() == {"error": "请选择要上传的文件。"}
    response = client.post(UPLOAD, {"file": sample_upload("pdf")})
    assert (response.status_code, response.json()) == (400, {"error": "未指定所属单位。"})


def test_upload_for_another_unit_is_404(client_for, other_staff, own_unit, evidence_root):
    response = post_upload(client_for(other_staff), own_unit, sample_upload("pdf"))
    assert response.status_code == 404
    assert "error" in response.json()
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_upload_by_reviewer_is_403(client_for, reviewer, own_unit, evidence_root):
    response = post_upload(client_for(reviewer), own_unit, sample_upload("pdf"))
    assert response.status_code == 403
    assert EvidenceFile.objects.count() == 0
    assert files_under(evidence_root) == []


def test_upload_needs_login_and_post(client, own_unit, own_staff):
    response = post_upload(client, own_unit, sample_upload("pdf"))
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(own_staff)
    assert client.get(UPLOAD).status_code == 405
    assert EvidenceFile.objects.count() == 0


# --- download ---------------------------------------------------------------------------------


@pytest.fixture
def pdf_file(stored):
    return stored("pdf", name="检查记录 2024.pdf")


def test_download_by_own_staff_is_an_attachment_with_safe_headers(client_for, own_staff, pdf_file):
    response = client_for(own_staff).get(reverse("evidence:download", args=[pdf_file.pk]))
    assert response.status_code == 200
    assert body(response) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E6%A3%80%E6%9F%A5%E8%AE%B0%E5%BD%95%202024.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


def test_download_by_reviewer_includes_withdrawn_files(client_for, own_staff, reviewer, pdf_file):
    withdraw_evidence(evidence=pdf_file, actor=own_staff, reason="重复", expected_version=1)
    response = client_for(reviewer).get(reverse("evidence:download", args=[pdf_file.pk]))
    assert response.status_code == 200
    assert body(response) == pdf_bytes()
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_by_other_unit_staff_is_404(client_for, other_staff, pdf_file):
    response = client_for(other_staff).get(reverse("evidence:download", args=[pdf_file.pk]))
    assert response.status_code == 404
    assert not hasattr(response, "streaming_content")


def test_download_anonymous_goes_to_login(client, pdf_file):
    response = client.get(reverse("evidence:download", args=[pdf_file.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_download_of_missing_stored_file_is_404(client_for, own_staff, pdf_file):
    path_for(pdf_file.stored_name).unlink()
    response = client_for(own_staff).get(reverse("evidence:download", args=[pdf_file.pk]))
    assert response.status_code == 404


# --- preview ----------------------------------------------------------------------------------


def test_preview_pdf_inline_with_restrictive_csp(client_for, own_staff, pdf_file):
    response = client_for(own_staff).get(reverse("evidence:preview", args=[pdf_file.pk]))
    assert response.status_code == 200
    assert body(response) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_preview_image_inline_in_a_sandbox(client_for, reviewer, stored):
    image = stored("png")
    response = client_for(reviewer).get(reverse("evidence:preview", args=[image.pk]))
    assert response.status_code == 200
    assert body(response) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )


@pytest.mark.parametrize("kind", ["docx", "xlsx", "mp4"])
def test_preview_of_other_kinds_redirects_to_download(client_for, own_staff, stored, kind):
    evidence = stored(kind)
    response = client_for(own_staff).get(reverse("evidence:preview", args=[evidence.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:download", args=[evidence.pk])


def test_preview_by_other_unit_staff_is_404(client_for, other_staff, stored):
    for kind in ("pdf", "docx"):
        evidence = stored(kind)
        response = client_for(other_staff).get(reverse("evidence:preview", args=[evidence.pk]))
        assert response.status_code == 404


# --- withdraw ---------------------------------------------------------------------------------


def withdraw_url(evidence):
    return reverse("evidence:withdraw", args=[evidence.pk])


def test_withdraw_by_own_staff(client_for, own_staff, pdf_file):
    response = client_for(own_staff).post(
        withdraw_url(pdf_file), {"version": 1, "reason": "上传错了"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:unit_files", args=[pdf_file.owner_unit_id])
    row = EvidenceFile.objects.get(pk=pdf_file.pk)
    assert (row.version, row.withdrawn_by, row.withdraw_reason) == (2, own_staff, "上传错了")
    assert [h.history_type for h in row.history.order_by("history_id")] == ["+", "~"]


def test_withdraw_with_stale_version_refused_json_409(client_for, own_staff, pdf_file):
    client = client_for(own_staff)
    client.post(withdraw_url(pdf_file), {"version": 1, "reason": "第一次"})
    response = client.post(
        withdraw_url(pdf_file), {"version": 1, "reason": "第二次"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert "已被他人修改" in response.json()["error"]
    row = EvidenceFile.objects.get(pk=pdf_file.pk)
    assert (row.version, row.withdraw_reason) == (2, "第一次")


def test_withdraw_with_stale_version_html_shows_message(client_for, own_staff, pdf_file):
    client = client_for(own_staff)
    response = client.post(withdraw_url(pdf_file), {"version": 5, "reason": "x"}, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert EvidenceFile.objects.get(pk=pdf_file.pk).withdrawn_at is None


def test_withdraw_by_reviewer_is_403_and_changes_nothing(client_for, reviewer, pdf_file):
    response = client_for(reviewer).post(withdraw_url(pdf_file), {"version": 1, "reason": "x"})
    assert response.status_code == 403
    assert EvidenceFile.objects.get(pk=pdf_file.pk).version == 1


def test_withdraw_by_other_unit_staff_is_404(client_for, other_staff, pdf_file):
    response = client_for(other_staff).post(withdraw_url(pdf_file), {"version": 1, "reason": "x"})
    assert response.status_code == 404
    assert EvidenceFile.objects.get(pk=pdf_file.pk).withdrawn_at is None


def test_withdraw_is_post_only(client_for, own_staff, pdf_file):
    assert client_for(own_staff).get(withdraw_url(pdf_file)).status_code == 405


# --- the unit's list --------------------------------------------------------------------------


def test_unit_files_for_own_staff_with_uploader_and_withdraw_forms(client_for, own_staff, stored):
    live = stored("pdf", name="有效材料.pdf")
    gone = stored("png", name="撤回材料.png")
    withdraw_evidence(evidence=gone, actor=own_staff, reason="模糊不清", expected_version=1)
    response = client_for(own_staff).get(reverse("evidence:unit_files", args=[live.owner_unit_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "有效材料.pdf" in html and "撤回材料.png" in html
    assert 'class="evidence-withdrawn"' in html and "模糊不清" in html
    assert "data-evidence-uploader" in html
    assert 'data-input-name="uploaded_evidence"' in html
    assert f'action="{withdraw_url(live)}"' in html
    assert f'action="{withdraw_url(gone)}"' not in html
    assert "js/evidence-upload.js" in html and "<script>" not in html


def test_unit_files_for_reviewer_read_only_with_withdrawn_marked(
    client_for, own_staff, reviewer, stored
):
    gone = stored("pdf")
    withdraw_evidence(evidence=gone, actor=own_staff, reason="重复", expected_version=1)
    response = client_for(reviewer).get(reverse("evidence:unit_files", args=[gone.owner_unit_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "已撤回" in html and 'class="evidence-withdrawn"' in html
    assert "data-evidence-uploader" not in html
    assert "evidence-withdraw-form" not in html


def test_unit_files_for_other_unit_staff_is_404(client_for, other_staff, own_unit):
    response = client_for(other_staff).get(reverse("evidence:unit_files", args=[own_unit.pk]))
    assert response.status_code == 404


def test_unit_files_query_count_same_for_1_and_3_files(client_for, own_staff, own_unit, stored):
    """The same number of queries for 1 and 3 files (session, user, unit tree, unit, files,
    quota sum, and whatever the base template reads), compared rather than hard-coded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(own_staff)
    url = reverse("evidence:unit_files", args=[own_unit.pk])
    counts = []
    for seeds in ([0], [1, 2]):
        for seed in seeds:
            stored("png", content=png_bytes(seed=seed))
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["files"]) == 3
    assert counts[0] == counts[1]


def test_uploader_include_renders_for_another_form(rf, own_staff, own_unit):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = own_staff
    html = render_to_string(
        "evidence/_uploader.html",
        {"unit": own_unit, "input_name": "claim_evidence"},
        request=request,
    )
    assert f'data-unit="{own_unit.pk}"' in html
    assert 'data-input-name="claim_evidence"' in html
    assert f'data-upload-url="{UPLOAD}"' in html
    assert 'data-max-bytes="20971520"' in html
    assert 'type="file"' in html and 'name="' not in html.split('type="file"')[1].split(">")[0]


def test_docx_sample_is_real(tmp_path):
    import zipfile

    path = tmp_path / "x.docx"
    path.write_bytes(docx_bytes())
    with zipfile.ZipFile(path) as archive:
        assert "word/document.xml" in archive.namelist()
