"""get_evidence_for_user: who sees and who changes a unit's evidence files."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.enums import Role
from evidence.access import evidence_visible_to, get_evidence_for_user
from evidence.services import withdraw_evidence
from tests.factories import OrgUnitFactory, UserFactory


@pytest.fixture
def evidence(stored):
    return stored("pdf")


def test_owner_unit_staff_read_and_write(evidence, own_staff):
    assert get_evidence_for_user(own_staff, evidence.pk) == evidence
    assert get_evidence_for_user(own_staff, evidence.pk, write=True) == evidence


def test_staff_of_the_unit_above_read_and_write(evidence, city):
    city_staff = UserFactory(username="city_staff", role=Role.BRANCH_STAFF, unit=city)
    assert get_evidence_for_user(city_staff, evidence.pk, write=True) == evidence


def test_staff_of_a_unit_below_do_not_see_the_parent_units_files(stored, own_unit):
    team = OrgUnitFactory(name="甲分局一中队", code="BR-A-1", parent=own_unit)
    team_staff = UserFactory(username="team_staff", role=Role.BRANCH_STAFF, unit=team)
    evidence = stored("pdf")
    with pytest.raises(Http404):
        get_evidence_for_user(team_staff, evidence.pk)


def test_other_unit_staff_get_404_for_read_and_write(evidence, other_staff):
    with pytest.raises(Http404):
        get_evidence_for_user(other_staff, evidence.pk)
    with pytest.raises(Http404):
        get_evidence_for_user(other_staff, evidence.pk, write=True)
    assert list(evidence_visible_to(other_staff)) == []


def test_missing_id_is_404_like_a_hidden_one(other_staff, reviewer):
    with pytest.raises(Http404):
        get_evidence_for_user(reviewer, 999_999)


@pytest.mark.parametrize("persona", ["reviewer", "leader"])
def test_read_only_roles_read_but_may_not_write(evidence, persona, request):
    user = request.getfixturevalue(persona)
    assert get_evidence_for_user(user, evidence.pk) == evidence
    with pytest.raises(PermissionDenied):
        get_evidence_for_user(user, evidence.pk, write=True)


def test_campaign_admin_reads_and_writes(evidence, campaign_admin):
    assert get_evidence_for_user(campaign_admin, evidence.pk, write=True) == evidence


def test_anonymous_sees_nothing(evidence):
    with pytest.raises(Http404):
        get_evidence_for_user(AnonymousUser(), evidence.pk)


def test_reviewer_sees_withdrawn_file_marked_withdrawn(evidence, own_staff, reviewer):
    withdraw_evidence(evidence=evidence, actor=own_staff, reason="重复上传", expected_version=1)
    seen = get_evidence_for_user(reviewer, evidence.pk)
    assert seen.is_withdrawn
    assert seen.withdraw_reason == "重复上传"
    assert list(evidence_visible_to(reviewer)) == [seen]


# --- every evidence URL for the personas, through the views --------------------------------

PERSONAS = ["own_staff", "reviewer", "other_staff", "leader"]
# own unit's staff, a reviewer, another unit's staff, leadership (reads everything, writes
# nothing). Outsiders get 404 (the file or unit is not theirs to know of); read-only roles 403.
EXPECTED = {
    "upload": (201, 403, 404, 403),
    "download": (200, 200, 404, 200),
    "preview_pdf": (200, 200, 404, 200),
    "preview_png": (200, 200, 404, 200),
    "preview_docx": (302, 302, 404, 302),  # no inline preview: sent to the download
    "withdraw": (302, 403, 404, 403),
    "unit_files": (200, 200, 404, 200),
}


def _evidence_state() -> dict:
    from evidence.models import EvidenceFile

    return {e.pk: (e.version, e.withdrawn_at) for e in EvidenceFile.objects.all()}


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("persona_index", range(4), ids=PERSONAS)
def test_every_evidence_url_for_three_personas(
    name, persona_index, request, client_for, stored, own_unit, evidence_root
):
    from django.urls import reverse

    from tests.evidence.conftest import files_under
    from tests.evidence.samples import sample_upload

    files = {kind: stored(kind) for kind in ("pdf", "png", "docx")}
    user = request.getfixturevalue(PERSONAS[persona_index])
    urls = {
        "upload": ("post", reverse("evidence:upload"), None),
        "download": ("get", reverse("evidence:download", args=[files["pdf"].pk]), {}),
        "preview_pdf": ("get", reverse("evidence:preview", args=[files["pdf"].pk]), {}),
        "preview_png": ("get", reverse("evidence:preview", args=[files["png"].pk]), {}),
        "preview_docx": ("get", reverse("evidence:preview", args=[files["docx"].pk]), {}),
        "withdraw": (
            "post",
            reverse("evidence:withdraw", args=[files["pdf"].pk]),
            {"version": 1, "reason": "重复上传"},
        ),
        "unit_files": ("get", reverse("evidence:unit_files", args=[own_unit.pk]), {}),
    }
    method, url, data = urls[name]
    if data is None:
        data = {"unit": own_unit.pk, "file": sample_upload("pdf", name="新.pdf")}
    before, on_disk = _evidence_state(), files_under(evidence_root)
    response = getattr(client_for(user), method)(url, data)
    if getattr(response, "streaming", False):
        # Read to the end: the test client then closes the file (warnings are errors here).
        # Not response.close(): that would also close the database connection on PostgreSQL.
        b"".join(response.streaming_content)
    expected = EXPECTED[name][persona_index]
    assert response.status_code == expected
    if expected >= 400 or method == "get":
        assert _evidence_state() == before
        assert files_under(evidence_root) == on_disk
    if name == "download" and expected == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
    if name.startswith("preview_p") and expected == 200:
        assert response["Content-Disposition"].startswith("inline")
    if name == "upload" and expected == 201:
        assert response.json()["name"] == "新.pdf"
    if name == "withdraw" and expected == 302:
        assert _evidence_state()[files["pdf"].pk][0] == 2
