"""The public notice page: no login, no personal data, no unpublished candidate; the objection
form with its honeypot, minimum fill time and per-address throttle."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from publication import services, throttle
from publication.models import Objection
from tests.publication.conftest import selected_entry
from tests.publication.test_objections import PDF


@pytest.fixture(autouse=True)
def _no_min_fill_time(settings):
    settings.PUBLICATION_OBJECTION_MIN_SECONDS = 0


def _url(notice):
    return reverse("publication:notice_public", args=[notice.pk])


def _post(client, notice, *, address="10.0.0.1", **overrides):
    data = {
        "entry": selected_entry(notice).pk,
        "objector_name": "王反映",
        "objector_phone": "13900000000",
        "objector_email": "",
        "content": "该候选人所办案件存在弄虚作假情况，请核查。",
        "website": "",
        "token": throttle.issue_token(),
    }
    data.update(overrides)
    return client.post(_url(notice), data, REMOTE_ADDR=address)


def test_public_page_shows_the_list_without_login(client, notice):
    response = client.get(_url(notice))
    html = response.content.decode()
    assert response.status_code == 200
    assert [r.name for r in response.context["rows"]] == ["张一", "张二"]
    assert "张一" in html and "张二" in html and "甲分局" in html and "乙分局" in html
    assert "举报电话：0745-1234567" in html
    assert 'name="website"' in html and 'name="token"' in html


def test_public_page_leaks_no_personal_data_and_no_unpublished_candidate(
    client, notice, officers, campaign_admin, leader, pin, approval
):
    services.file_objection(
        notice=notice,
        entry_id=selected_entry(notice).pk,
        objector_name="赵秘密",
        objector_phone="13712345678",
        objector_email="secret@example.com",
        content="反映内容不应公开：具体线索若干条。",
        client_address="10.9.9.9",
    )
    html = client.get(_url(notice)).content.decode()
    # Not selected (rank 3 and 4): never on the public page.
    assert "张三" not in html and "张四" not in html
    # No certificate numbers, objector data, client addresses, snapshot ids or digests.
    for officer in officers:
        assert officer.certificate_no not in html
    for secret in ("赵秘密", "13712345678", "secret@example.com", "10.9.9.9", "反映内容不应公开"):
        assert secret not in html
    for entry in approval.entries.all():
        assert entry.result_digest not in html
    # No scoring detail: only the total.
    assert "办理案件" not in html and "9" in html


def test_unknown_notice_is_404_and_an_approved_unpublished_list_has_no_public_page(
    client, approved
):
    assert client.get(reverse("publication:notice_public", args=[999])).status_code == 404
    index = client.get(reverse("publication:notice_index")).content.decode()
    assert "张一" not in index and "候选名单公示" in index


def test_objection_is_filed_from_the_public_page(client, notice):
    pdf = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
    response = _post(client, notice, attachments=[pdf])
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    objection = Objection.objects.get()
    assert (objection.objector_name, objection.entry_id, str(objection.client_address)) == (
        "王反映",
        selected_entry(notice).pk,
        "10.0.0.1",
    )
    assert objection.attachments.get().original_name == "材料.pdf"
    page = client.get(response["Location"]).content.decode()
    assert "您反映的情况已收到" in page


def test_forbidden_attachment_keeps_the_form_with_a_message(client, notice):
    exe = SimpleUploadedFile("a.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    response = _post(client, notice, attachments=[exe])
    html = response.content.decode()
    assert response.status_code == 400
    assert "附件“a.pdf”的类型不被接受" in html
    assert "王反映" in html and "该候选人所办案件存在弄虚作假情况" in html  # nothing lost
    assert not Objection.objects.exists()


def test_request_body_too_large_is_refused_before_reading(client, notice, settings):
    settings.PUBLICATION_OBJECTION_MAX_BYTES = 1024
    settings.PUBLICATION_OBJECTION_MAX_FILES = 1
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 400_000, content_type="application/pdf")
    response = _post(client, notice, attachments=[big])
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert not Objection.objects.exists()


def test_objection_after_the_period_is_refused_with_a_message(client, notice):
    notice.ends_at = timezone.now() - dt.timedelta(minutes=1)
    notice.starts_at = notice.ends_at - dt.timedelta(days=7)
    notice.save(update_fields=["starts_at", "ends_at"])
    response = _post(client, notice)
    html = response.content.decode()
    assert response.status_code == 400
    assert "公示期已于" in html and "不再受理异议" in html
    assert 'id="objection-form"' not in html
    assert not Objection.objects.exists()


def test_honeypot_pretends_success_and_stores_nothing(client, notice):
    response = _post(client, notice, website="http://spam.example")
    assert response.status_code == 302
    assert not Objection.objects.exists()


def test_form_posted_too_fast_is_refused_and_kept(client, notice, settings):
    settings.PUBLICATION_OBJECTION_MIN_SECONDS = 30
    response = _post(client, notice)
    html = response.content.decode()
    assert response.status_code == 400 and "提交过快" in html and "王反映" in html
    assert not Objection.objects.exists()
    # A token issued long enough ago passes.
    settings.PUBLICATION_OBJECTION_MIN_SECONDS = 0.05
    token = throttle.issue_token()
    time.sleep(0.1)
    assert _post(client, notice, token=token).status_code == 302


def test_tampered_token_is_refused(client, notice):
    response = _post(client, notice, token="forged")
    assert response.status_code == 400 and "表单已过期" in response.content.decode()
    assert not Objection.objects.exists()


def test_flood_from_one_address_is_throttled_without_losing_others(client, notice, settings):
    settings.PUBLICATION_OBJECTION_RATE = 3
    for n in range(3):
        assert _post(client, notice, objector_name=f"刷屏{n}").status_code == 302
    response = _post(client, notice, objector_name="刷屏3")
    html = response.content.decode()
    assert response.status_code == 429
    assert "同一网络地址提交过于频繁" in html and "刷屏3" in html  # the form comes back filled
    # Another address is not held back.
    assert _post(client, notice, address="10.0.0.2", objector_name="正常群众").status_code == 302
    assert sorted(Objection.objects.values_list("objector_name", flat=True)) == sorted(
        ["刷屏0", "刷屏1", "刷屏2", "正常群众"]
    )


def test_public_page_query_count(client, notice, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(_url(notice)).status_code == 200
