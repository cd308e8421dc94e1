"""Evidence attached to claims from the self-assessment page: attach, detach (never delete),
another unit's file refused, version bumps that refuse a stale review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.services import store_upload
from submissions.enums import ClaimStatus
from submissions.models import Claim, ClaimEvidence
from submissions.services import ClaimConflict, save_claim, transition
from tests.evidence.samples import sample_upload

pytestmark = pytest.mark.filterwarnings("ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    root = tmp_path / "evidence"
    root.mkdir()
    settings.EVIDENCE_ROOT = root
    return root


def url(candidate):
    return reverse("submissions:self_assessment", args=[candidate.pk])


def test_uploaded_ids_attach_to_the_row_even_if_its_values_are_invalid(
    client_for, own_staff, own_unit, own_candidate
):
    pdf = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    png = store_upload(unit=own_unit, upload=sample_upload("png"), actor=own_staff)
    data = {
        "action": "save",
        "i-cases_pts-version": "0",
        "i-cases_pts-cases": "-3",
        "ev-cases_pts": [str(pdf.pk), str(png.pk)],
    }
    response = client_for(own_staff).post(url(own_candidate), data)
    assert response.status_code == 200
    claim = Claim.objects.get(candidate=own_candidate, item_id="cases_pts")
    assert claim.values == {}
    assert sorted(
        ClaimEvidence.objects.filter(claim=claim).values_list("file_id", flat=True)
    ) == sorted([pdf.pk, png.pk])
    html = response.content.decode()
    assert 'value="-3"' in html
    assert pdf.original_name in html
    last = claim.history.order_by("-history_date", "-history_id").first()
    assert last.history_change_reason.startswith("附加佐证")


def test_detach_keeps_the_link_stamped(client_for, own_staff, own_unit, own_candidate):
    pdf = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    client = client_for(own_staff)
    client.post(
        url(own_candidate),
        {
            "action": "save",
            "i-cases_pts-version": "0",
            "i-cases_pts-cases": "2",
            "ev-cases_pts": [str(pdf.pk)],
        },
    )
    claim = Claim.objects.get(candidate=own_candidate, item_id="cases_pts")
    link = ClaimEvidence.objects.get(claim=claim)
    client.post(
        url(own_candidate),
        {
            "action": "save",
            "i-cases_pts-version": str(claim.version),
            "i-cases_pts-cases": "2",
            "detach-cases_pts": [str(link.pk)],
        },
    )
    link.refresh_from_db()
    assert link.detached_at is not None
    assert link.detached_by == own_staff
    assert ClaimEvidence.objects.count() == 1


def test_another_units_file_is_not_attached(
    client_for, own_staff, other_staff, other_unit, own_candidate
):
    foreign = store_upload(unit=other_unit, upload=sample_upload("pdf"), actor=other_staff)
    response = client_for(own_staff).post(
        url(own_candidate),
        {
            "action": "save",
            "i-cases_pts-version": "0",
            "i-cases_pts-cases": "2",
            "ev-cases_pts": [str(foreign.pk)],
        },
    )
    assert "有文件不存在或无权使用" in response.content.decode()
    assert not ClaimEvidence.objects.exists()


def test_attaching_bumps_version_so_a_stale_review_is_refused(
    own_staff, own_unit, own_candidate, reviewer
):
    from submissions.services.claim_evidence import attach_evidence

    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 2},
        actor=own_staff,
        expected_version=0,
    )
    pdf = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    attached = attach_evidence(claim=claim, files=[pdf], actor=own_staff, expected_version=1)
    assert attached.version == 2
    with pytest.raises(ClaimConflict):
        transition(claim=claim, to=ClaimStatus.SUBMITTED, actor=own_staff, expected_version=1)


def test_review_refused_when_a_file_was_withdrawn_after_the_reviewer_loaded_it(
    client_for, own_staff, own_unit, own_candidate, reviewer
):
    from evidence.services import withdraw_evidence
    from submissions.services.claim_evidence import attach_evidence

    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 2},
        actor=own_staff,
        expected_version=0,
    )
    pdf = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    claim = attach_evidence(claim=claim, files=[pdf], actor=own_staff, expected_version=1)
    claim = transition(
        claim=claim, to=ClaimStatus.SUBMITTED, actor=own_staff, expected_version=claim.version
    )
    client = client_for(reviewer)
    page = client.get(reverse("submissions:claim_review", args=[claim.pk]))
    shown = page.context["evidence_state"]
    withdraw_evidence(evidence=pdf, actor=own_staff, reason="传错文件", expected_version=1)
    response = client.post(
        reverse("submissions:claim_review", args=[claim.pk]),
        {"action": "accept", "version": claim.version, "evidence_state": shown},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "佐证材料已变更" in html
    assert "已撤回" in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_bulk_accept_refuses_claim_whose_file_was_withdrawn(
    client_for, own_staff, own_unit, own_candidate, reviewer
):
    from evidence.services import withdraw_evidence
    from submissions.services.claim_evidence import attach_evidence

    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 2},
        actor=own_staff,
        expected_version=0,
    )
    pdf = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    claim = attach_evidence(claim=claim, files=[pdf], actor=own_staff, expected_version=1)
    claim = transition(
        claim=claim, to=ClaimStatus.SUBMITTED, actor=own_staff, expected_version=claim.version
    )
    client = client_for(reviewer)
    queue = client.get(reverse("submissions:review_queue"))
    shown = queue.context["claims"][0].shown
    withdraw_evidence(evidence=pdf, actor=own_staff, reason="传错文件", expected_version=1)
    response = client.post(
        reverse("submissions:bulk_accept"),
        {"claims": [claim.pk], "evidence_checked": [claim.pk], f"shown-{claim.pk}": shown},
        follow=True,
    )
    assert "佐证材料已变更" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_every_change_of_a_claim_and_its_files_is_in_the_history(
    own_staff, reviewer, own_unit, own_candidate
):
    """Who, when, old → new and why for each change of one claim's life, the attached file's
    link and the file itself; nothing overwritten, nothing deleted."""
    from evidence.services import withdraw_evidence
    from submissions.selectors import claim_history
    from submissions.services.claim_evidence import attach_evidence, detach_evidence

    pdf = store_upload(unit=own_unit, upload=sample_upload("pdf"), actor=own_staff)
    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 6},
        actor=own_staff,
        expected_version=0,
    )
    claim = save_claim(
        candidate=own_candidate,
        item_id="cases_pts",
        values={"cases": 8},
        actor=own_staff,
        expected_version=claim.version,
    )
    claim = attach_evidence(
        claim=claim, files=[pdf], actor=own_staff, expected_version=claim.version
    )
    link = ClaimEvidence.objects.get(claim=claim)
    claim = detach_evidence(
        claim=claim, link_ids=[link.pk], actor=own_staff, expected_version=claim.version
    )
    claim = transition(
        claim=claim, to=ClaimStatus.SUBMITTED, actor=own_staff, expected_version=claim.version
    )
    claim = transition(
        claim=claim,
        to=ClaimStatus.RETURNED,
        actor=reviewer,
        expected_version=claim.version,
        comment="请附台账",
    )
    claim = transition(
        claim=claim, to=ClaimStatus.SUBMITTED, actor=own_staff, expected_version=claim.version
    )
    claim = transition(
        claim=claim, to=ClaimStatus.ACCEPTED, actor=reviewer, expected_version=claim.version
    )
    withdraw_evidence(evidence=pdf, actor=own_staff, reason="扫描不清", expected_version=1)

    rows = list(
        claim.history.order_by("history_date", "history_id").values_list(
            "status", "history_user", "history_change_reason", "version"
        )
    )
    assert rows == [
        (ClaimStatus.DRAFT, own_staff.pk, None, 1),
        (ClaimStatus.DRAFT, own_staff.pk, "保存草稿", 2),
        (ClaimStatus.DRAFT, own_staff.pk, f"附加佐证：{pdf.original_name}", 3),
        (ClaimStatus.DRAFT, own_staff.pk, f"移除佐证：{pdf.original_name}", 4),
        (ClaimStatus.SUBMITTED, own_staff.pk, "提交", 5),
        (ClaimStatus.RETURNED, reviewer.pk, "退回：请附台账", 6),
        (ClaimStatus.SUBMITTED, own_staff.pk, "重新提交", 7),
        (ClaimStatus.ACCEPTED, reviewer.pk, "认定", 8),
    ]
    # What the review page shows: old → new of the fields that changed, newest first.
    entries = claim_history(claim)
    assert entries[0].who == reviewer
    assert ("状态", "已提交", "已认定") in entries[0].changes
    assert ("认定取值", None, {"cases": 8}) in entries[0].changes
    assert ("状态", "已提交", "已退回") in entries[2].changes
    assert ("申报取值", {"cases": 6}, {"cases": 8}) in entries[-2].changes
    # The link: attached, then stamped detached — one row, two history entries, both by staff.
    link.refresh_from_db()
    assert link.detached_by == own_staff
    assert list(
        link.history.order_by("history_id").values_list("history_type", "history_user")
    ) == [("+", own_staff.pk), ("~", own_staff.pk)]
    # The file: uploaded, then withdrawn with the reason; still there.
    assert list(
        pdf.history.order_by("history_id").values_list(
            "history_type", "history_user", "withdraw_reason"
        )
    ) == [("+", own_staff.pk, ""), ("~", own_staff.pk, "扫描不清")]
