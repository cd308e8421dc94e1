"""Objections: filing (period, size, type), and the office upholding one into a veto fact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from publication import services
from publication.enums import ObjectionStatus
from publication.models import Objection, ObjectionAttachment
from publication.services.objections import open_attachment, veto_options
from scoring.models import Fact, ScoreSnapshot
from scoring.services import build_shortlist
from tests.publication.conftest import selected_entry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64


def _file(notice, *, files=(), at=None, **overrides):
    fields = {
        "notice": notice,
        "entry_id": selected_entry(notice).pk,
        "objector_name": "李举报",
        "objector_phone": "13800000000",
        "objector_email": "li@example.com",
        "content": "该候选人在2024年某次检查中收受企业礼品，有照片为证。",
        "files": files,
        "client_address": "10.0.0.1",
        "at": at,
    }
    fields.update(overrides)
    return services.file_objection(**fields)


def test_objection_with_attachment_is_stored(notice):
    objection = _file(notice, files=[SimpleUploadedFile("照片说明.pdf", PDF)])
    attachment = objection.attachments.get()
    assert (objection.status, objection.objector_name, str(objection.client_address)) == (
        ObjectionStatus.RECEIVED,
        "李举报",
        "10.0.0.1",
    )
    assert (attachment.kind, attachment.original_name, attachment.size) == (
        "pdf",
        "照片说明.pdf",
        len(PDF),
    )
    with open_attachment(attachment) as fh:
        assert fh.read() == PDF


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (dt.timedelta(days=7), "公示期已于"),
        (dt.timedelta(days=-2), "公示尚未开始"),
    ],
)
def test_objection_outside_the_notice_period_is_refused(notice, at, message):
    with pytest.raises(ValidationError) as exc:
        _file(notice, at=timezone.now() + at)
    assert message in exc.value.messages[0]
    assert not Objection.objects.exists()


def test_oversize_attachment_is_refused_and_nothing_kept(notice, settings):
    settings.PUBLICATION_OBJECTION_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        _file(notice, files=[SimpleUploadedFile("ok.pdf", PDF), big])
    assert exc.value.messages == ["附件“big.pdf”：文件超过 1 MB 上限。"]
    assert not Objection.objects.exists() and not ObjectionAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("视频.mp4", MP4),  # a valid evidence type, not accepted with objections
        ("scan.pdf", b"MZ\x90\x00 this is a windows program"),  # name says PDF, bytes do not
        ("note.txt", "纯文本内容".encode()),
    ],
)
def test_forbidden_attachment_type_is_refused(notice, name, content):
    with pytest.raises(ValidationError) as exc:
        _file(notice, files=[SimpleUploadedFile(name, content)])
    assert exc.value.messages == [
        f"附件“{name}”的类型不被接受：只接受 PDF、JPEG、PNG 图片和 Word（DOCX）文档。"
    ]
    assert not Objection.objects.exists()


def test_objection_fields_and_candidate_are_checked(notice, approval):
    unselected = approval.entries.get(selected=False, rank=3)
    with pytest.raises(ValidationError) as exc:
        _file(notice, entry_id=unselected.pk, objector_phone=" ", content="太短")
    assert exc.value.message_dict == {
        "entry": ["请从公示名单中选择被反映的候选对象。"],
        "objector_phone": ["请填写联系电话，便于核实情况。"],
        "content": ["请具体说明反映的问题（至少 10 个字）。"],
    }


def test_veto_options_are_the_boolean_vetoes(pin):
    options = veto_options(pin.version.rubric())
    assert [(o.key, o.reason) for o in options] == [
        ("integrity_violation_found", "经查确实存在不廉洁行为，直接移出候选名单")
    ]


def test_upheld_objection_becomes_a_veto_fact_and_the_shortlist_updates(
    notice, pin, campaign_admin, django_capture_on_commit_callbacks
):
    objection = _file(notice)
    services.record_investigation(
        objection=objection,
        actor=campaign_admin,
        status=ObjectionStatus.INVESTIGATING,
        investigation="已转市局监察室调查。",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.record_investigation(
            objection=objection,
            actor=campaign_admin,
            status=ObjectionStatus.UPHELD,
            investigation="监察室核实：收受礼品属实。",
            outcome="经查确实存在不廉洁行为，移出候选名单。",
            veto_key="integrity_violation_found",
        )
    objection.refresh_from_db()
    candidate = objection.entry.candidate
    fact = Fact.objects.get(officer=candidate.officer, key="integrity_violation_found")
    assert objection.veto_fact == fact and fact.value is True
    assert fact.source_ref.startswith(f"公示异议 #{objection.pk} 经查属实")
    assert "移出候选名单" in fact.source_ref and fact.recorded_by == campaign_admin
    snapshot = ScoreSnapshot.objects.get(candidate=candidate, is_current=True)
    assert snapshot.vetoed and snapshot.rank is None
    assert snapshot.veto_reasons == ["经查确实存在不廉洁行为，直接移出候选名单"]
    names = [e.candidate.officer.name for e in build_shortlist(campaign_rubric=pin).selected]
    assert names == ["张二", "张三"]
    rows, removed = services.public_rows(notice)
    assert [row.name for row in rows] == ["张二"] and removed == 1
    assert services.is_stale(notice.approval)  # the office submits the new list for approval
    assert [h.status for h in objection.history.order_by("history_date")] == [
        "received",
        "investigating",
        "upheld",
    ]


def test_decided_objection_cannot_be_changed_and_upholding_needs_a_veto(notice, campaign_admin):
    objection = _file(notice)
    with pytest.raises(ValidationError) as exc:
        services.record_investigation(
            objection=objection,
            actor=campaign_admin,
            status=ObjectionStatus.UPHELD,
            investigation="核实",
            outcome="属实",
        )
    assert exc.value.message_dict == {"veto_key": ["认定属实时须选择对应的否决项。"]}
    services.record_investigation(
        objection=objection,
        actor=campaign_admin,
        status=ObjectionStatus.DISMISSED,
        investigation="核实无此事。",
        outcome="不属实。",
    )
    with pytest.raises(ValidationError, match="已办结"):
        services.record_investigation(
            objection=objection,
            actor=campaign_admin,
            status=ObjectionStatus.INVESTIGATING,
            investigation="再查",
        )
    assert not Fact.objects.filter(key="integrity_violation_found").exists()


def test_only_the_office_records_investigations(notice, leader):
    objection = _file(notice)
    with pytest.raises(PermissionDenied):
        services.record_investigation(
            objection=objection,
            actor=leader,
            status=ObjectionStatus.DISMISSED,
            investigation="x",
            outcome="y",
        )


def test_veto_options_of_the_seed_rubrics():
    """s003-collective's vetoes are air and water quality comparisons: no objection makes them;
    s000 and s003 individuals have the integrity vetoes an investigation establishes."""
    from pathlib import Path

    from scoring.engine import load_rubric

    def keys(name):
        return [o.key for o in veto_options(load_rubric(Path("scoring/rubrics") / name))]

    assert keys("s003-collective.yaml") == []
    assert keys("s000-individual.yaml") == ["integrity_violation"]
    # "not integrity_certificate_attached" is the missing certificate, not an objection's finding.
    assert keys("s003-individual.yaml") == ["integrity_violation_found"]
    assert keys("s002-individual.yaml") == [
        "integrity_issue",
        "serious_falsification",
        "lost_lawsuit_or_revoked",
    ]
