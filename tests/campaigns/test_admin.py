"""The Django admin: every page renders, phase inlines surface the Chinese phase messages, and
a unit still in use is refused with a Chinese message (never a 500), keeping the unit."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from campaigns.enums import CampaignStatus, PhaseKind
from campaigns.models import (
    Campaign,
    LeadershipGroup,
    LeadershipMember,
    Officer,
    OrgUnit,
    Participation,
    Phase,
    TaskPlanEntry,
    WorkingGroup,
    WorkingGroupMember,
)
from tests.factories import (
    CampaignFactory,
    LeadershipGroupFactory,
    LeadershipMemberFactory,
    OfficerFactory,
    OrgUnitFactory,
    ParticipationFactory,
    PhaseFactory,
    TaskPlanEntryFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkingGroupMemberFactory,
)

# WhiteNoise warns when STATIC_ROOT (var/static) has not been collected, and the suite turns
# warnings into errors; the admin pages' static files are not what these tests check.
pytestmark = [
    pytest.mark.django_db,
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

FACTORIES = {
    OrgUnit: OrgUnitFactory,
    Officer: OfficerFactory,
    Campaign: CampaignFactory,
    Phase: PhaseFactory,
    Participation: ParticipationFactory,
    LeadershipGroup: LeadershipGroupFactory,
    LeadershipMember: LeadershipMemberFactory,
    WorkingGroup: WorkingGroupFactory,
    WorkingGroupMember: WorkingGroupMemberFactory,
    TaskPlanEntry: TaskPlanEntryFactory,
    User: UserFactory,
}


@pytest.fixture
def superuser(city):
    return UserFactory(
        username="root", role=Role.CAMPAIGN_ADMIN, unit=city, is_staff=True, is_superuser=True
    )


def _url(model, page: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


@pytest.mark.parametrize("page", ["changelist", "add", "change"])
@pytest.mark.parametrize("model", list(FACTORIES), ids=lambda m: m.__name__)
def test_admin_pages_render_for_an_admin(client_for, superuser, model, page):
    obj = FACTORIES[model]()
    args = [obj.pk] if page == "change" else []

    response = client_for(superuser).get(_url(model, page, *args))

    assert response.status_code == 200
    assert response.context["opts"].verbose_name == model._meta.verbose_name
    if page == "changelist":
        assert obj in response.context["cl"].result_list


@pytest.mark.parametrize("model", [m for m in FACTORIES if m is not User], ids=lambda m: m.__name__)
def test_campaign_admin_role_manages_campaign_models_without_django_permissions(
    client_for, campaign_admin, model
):
    obj = FACTORIES[model]()
    client = client_for(campaign_admin)

    assert not campaign_admin.is_superuser
    assert client.get(_url(model, "changelist")).status_code == 200
    assert client.get(_url(model, "change", obj.pk)).status_code == 200


def test_campaign_admin_role_does_not_reach_the_user_admin(client_for, campaign_admin):
    response = client_for(campaign_admin).get(_url(User, "changelist"))

    assert response.status_code == 403


def test_reviewer_is_sent_to_the_admin_login(client_for, reviewer):
    response = client_for(reviewer).get(_url(Campaign, "changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- deleting units ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_delete_of_a_unit_with_officers_shows_the_message_and_keeps_the_unit(
    client_for, superuser, method
):
    unit = OrgUnitFactory(name="甲分局")
    officers = OfficerFactory.create_batch(2, unit=unit)
    client = client_for(superuser)

    response = getattr(client, method)(_url(OrgUnit, "delete", unit.pk), follow=True)

    assert response.redirect_chain == [(_url(OrgUnit, "change", unit.pk), 302)]
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["“甲分局”：该单位下仍有执法人员，不能删除。"]
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert set(Officer.objects.filter(unit=unit)) == set(officers)


def test_admin_delete_of_an_unused_unit_deletes_it(client_for, superuser):
    unit = OrgUnitFactory()

    response = client_for(superuser).post(_url(OrgUnit, "delete", unit.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()


def test_admin_bulk_delete_of_a_unit_with_officers_shows_djangos_protected_page(
    client_for, superuser
):
    """The bulk action keeps Django's confirmation page, which lists the protected officers
    and offers no delete button; confirming anyway deletes nothing."""
    unit = OrgUnitFactory()
    officer = OfficerFactory(unit=unit, name="王建华")
    client = client_for(superuser)
    data = {"action": "delete_selected", helpers.ACTION_CHECKBOX_NAME: [unit.pk]}

    listing = client.post(_url(OrgUnit, "changelist"), data)
    confirmed = client.post(_url(OrgUnit, "changelist"), {**data, "post": "yes"})

    assert listing.status_code == 200
    [protected] = listing.context["protected"]
    assert protected.startswith("执法人员: <a href=") and str(officer) in protected
    assert confirmed.status_code == 200
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert Officer.objects.filter(pk=officer.pk).exists()


# --- phases in the campaign inline ------------------------------------------------------


def _campaign_form(campaign: Campaign, phases: list[dict], existing: list[Phase] = ()) -> dict:
    """The POST of the campaign change page with `phases` in its phase inline."""
    data = {
        "title": campaign.title,
        "year": campaign.year,
        "issuing_unit": campaign.issuing_unit_id,
        "document_number": campaign.document_number,
        "window_start": campaign.window_start.isoformat(),
        "window_end": campaign.window_end.isoformat(),
        "status": campaign.status,
        "summary": campaign.summary,
    }
    for prefix, total, initial in [
        ("phases", len(phases), len(existing)),
        ("participations", 0, 0),
        ("task_plan", 0, 0),
    ]:
        data |= {
            f"{prefix}-TOTAL_FORMS": total,
            f"{prefix}-INITIAL_FORMS": initial,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    for index, phase in enumerate(phases):
        row = f"phases-{index}-"
        local_start = phase["starts_at"].astimezone(SHANGHAI)
        local_end = phase["ends_at"].astimezone(SHANGHAI)
        data |= {
            f"{row}kind": phase["kind"],
            f"{row}starts_at_0": local_start.date().isoformat(),
            f"{row}starts_at_1": local_start.time().isoformat(),
            f"{row}ends_at_0": local_end.date().isoformat(),
            f"{row}ends_at_1": local_end.time().isoformat(),
            f"{row}note": phase.get("note", ""),
            f"{row}campaign": campaign.pk,
            f"{row}id": existing[index].pk if index < len(existing) else "",
        }
    return data


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2024, month, day, tzinfo=SHANGHAI)


def test_admin_campaign_saves_contiguous_phases(client_for, superuser):
    campaign = CampaignFactory(status=CampaignStatus.DRAFT)
    phases = [
        {"kind": PhaseKind.SELF_ASSESSMENT, "starts_at": at(10, 1), "ends_at": at(10, 16)},
        {"kind": PhaseKind.REVIEW, "starts_at": at(10, 16), "ends_at": at(11, 11)},
    ]

    response = client_for(superuser).post(
        _url(Campaign, "change", campaign.pk), _campaign_form(campaign, phases)
    )

    assert response.status_code == 302
    assert list(campaign.phases.values_list("kind", "starts_at", "ends_at")) == [
        (PhaseKind.SELF_ASSESSMENT, at(10, 1), at(10, 16)),
        (PhaseKind.REVIEW, at(10, 16), at(11, 11)),
    ]


def test_admin_campaign_refuses_two_new_overlapping_phases_with_the_message(client_for, superuser):
    campaign = CampaignFactory()
    phases = [
        {"kind": PhaseKind.REVIEW, "starts_at": at(10, 16), "ends_at": at(11, 1)},
        {"kind": PhaseKind.PUBLIC_NOTICE, "starts_at": at(10, 25), "ends_at": at(11, 5)},
    ]

    response = client_for(superuser).post(
        _url(Campaign, "change", campaign.pk), _campaign_form(campaign, phases)
    )

    assert response.status_code == 200
    assert "“复审”阶段与“公示”阶段时间重叠。" in response.content.decode()
    assert not campaign.phases.exists()


def test_admin_campaign_refuses_a_phase_overlapping_a_saved_one_with_the_message(
    client_for, superuser
):
    campaign = CampaignFactory()
    saved = PhaseFactory(
        campaign=campaign, kind=PhaseKind.IMPLEMENTATION, starts_at=at(7, 1), ends_at=at(10, 1)
    )
    phases = [
        {"kind": PhaseKind.IMPLEMENTATION, "starts_at": at(7, 1), "ends_at": at(10, 1)},
        {"kind": PhaseKind.SELF_ASSESSMENT, "starts_at": at(9, 20), "ends_at": at(10, 16)},
    ]

    response = client_for(superuser).post(
        _url(Campaign, "change", campaign.pk), _campaign_form(campaign, phases, [saved])
    )

    assert response.status_code == 200
    assert "“自评推选”阶段与“活动实施”阶段时间重叠。" in response.content.decode()
    assert list(campaign.phases.all()) == [saved]


def test_admin_phase_page_refuses_a_backwards_phase_with_the_message(client_for, superuser):
    campaign = CampaignFactory()
    data = {
        "campaign": campaign.pk,
        "kind": PhaseKind.REVIEW,
        "starts_at_0": "2024-11-01",
        "starts_at_1": "00:00:00",
        "ends_at_0": "2024-10-16",
        "ends_at_1": "00:00:00",
        "note": "",
    }

    response = client_for(superuser).post(_url(Phase, "add"), data)

    assert response.status_code == 200
    assert "阶段结束时间必须晚于开始时间。" in response.content.decode()
    assert not Phase.objects.exists()


# --- users ------------------------------------------------------------------------------


def test_admin_user_add_requires_a_unit_for_branch_staff(client_for, superuser):
    data = {
        "username": "newstaff",
        "display_name": "新填报员",
        "role": Role.BRANCH_STAFF,
        "unit": "",
        "usable_password": "true",
        "password1": "a-Long-pass-2024",
        "password2": "a-Long-pass-2024",
    }

    response = client_for(superuser).post(_url(User, "add"), data)

    assert response.status_code == 200
    assert "单位填报员必须绑定所属单位。" in response.content.decode()
    assert not User.objects.filter(username="newstaff").exists()


def test_admin_user_add_saves_role_unit_and_display_name(client_for, superuser, own_unit):
    data = {
        "username": "newstaff",
        "display_name": "新填报员",
        "role": Role.BRANCH_STAFF,
        "unit": own_unit.pk,
        "usable_password": "true",
        "password1": "a-Long-pass-2024",
        "password2": "a-Long-pass-2024",
    }

    response = client_for(superuser).post(_url(User, "add"), data)

    assert response.status_code == 302
    user = User.objects.get(username="newstaff")
    assert (user.role, user.unit, user.display_name) == (Role.BRANCH_STAFF, own_unit, "新填报员")
    assert user.check_password("a-Long-pass-2024")


@pytest.mark.parametrize("model", ["orgunit", "officer"])
def test_admin_offers_spreadsheet_import_for_units_and_officers(client, campaign_admin, model):
    client.force_login(campaign_admin)

    changelist = client.get(reverse(f"admin:campaigns_{model}_changelist"))
    import_page = client.get(reverse(f"admin:campaigns_{model}_import"))

    assert reverse(f"admin:campaigns_{model}_import") in changelist.content.decode()
    assert import_page.status_code == 200
    assert "xlsx" in import_page.content.decode()
