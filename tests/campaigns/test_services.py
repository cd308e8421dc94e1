"""The campaign services: phases, participation and unit deletion. Each test asserts the rows
in the database afterwards, not just the return value."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from accounts.enums import Role
from campaigns.enums import PhaseKind
from campaigns.models import Officer, OrgUnit, Participation, Phase
from campaigns.services import (
    UnitInUse,
    check_phase_set,
    delete_unit,
    schedule_phase,
    set_participation,
)
from campaigns.services.units import (
    HAS_CHILDREN,
    HAS_OFFICERS,
    HAS_PARTICIPATIONS,
    HAS_USERS,
    STILL_REFERENCED,
)
from tests.factories import (
    CampaignFactory,
    LeadershipGroupFactory,
    OfficerFactory,
    OrgUnitFactory,
    ParticipationFactory,
    PhaseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2024, month, day, tzinfo=SHANGHAI)


def _phases(campaign) -> list[tuple[str, dt.datetime, dt.datetime]]:
    return list(campaign.phases.order_by("starts_at").values_list("kind", "starts_at", "ends_at"))


# --- schedule_phase ---------------------------------------------------------------------


def test_schedule_phase_creates_the_phase():
    campaign = CampaignFactory()

    phase = schedule_phase(
        campaign=campaign,
        kind=PhaseKind.SELF_ASSESSMENT,
        starts_at=at(10, 1),
        ends_at=at(10, 16),
        note="  10月15日前完成自评  ",
    )

    assert _phases(campaign) == [(PhaseKind.SELF_ASSESSMENT, at(10, 1), at(10, 16))]
    assert Phase.objects.get(pk=phase.pk).note == "10月15日前完成自评"


def test_schedule_phase_moves_an_existing_phase_in_place():
    campaign = CampaignFactory()
    existing = PhaseFactory(
        campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(10, 16), ends_at=at(11, 1)
    )

    moved = schedule_phase(
        campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(10, 20), ends_at=at(11, 11)
    )

    assert moved.pk == existing.pk
    assert _phases(campaign) == [(PhaseKind.REVIEW, at(10, 20), at(11, 11))]


def test_schedule_phase_twice_with_the_same_dates_writes_nothing(django_assert_num_queries):
    campaign = CampaignFactory()
    schedule_phase(
        campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(10, 16), ends_at=at(11, 1)
    )

    # savepoint, lock the campaign, read the phase, release: no UPDATE
    with django_assert_num_queries(4):
        schedule_phase(
            campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(10, 16), ends_at=at(11, 1)
        )
    assert Phase.objects.filter(campaign=campaign).count() == 1


def test_schedule_phase_rejects_an_overlap_and_keeps_the_phases():
    campaign = CampaignFactory()
    schedule_phase(
        campaign=campaign, kind=PhaseKind.IMPLEMENTATION, starts_at=at(7, 1), ends_at=at(10, 1)
    )

    with pytest.raises(ValidationError) as excinfo:
        schedule_phase(
            campaign=campaign,
            kind=PhaseKind.SELF_ASSESSMENT,
            starts_at=at(9, 15),
            ends_at=at(10, 16),
        )

    assert excinfo.value.messages == ["“自评推选”阶段与“活动实施”阶段时间重叠。"]
    assert _phases(campaign) == [(PhaseKind.IMPLEMENTATION, at(7, 1), at(10, 1))]


def test_schedule_phase_rejects_a_move_into_a_sibling_and_keeps_the_old_dates():
    campaign = CampaignFactory()
    schedule_phase(
        campaign=campaign, kind=PhaseKind.MOBILISATION, starts_at=at(1, 1), ends_at=at(7, 1)
    )
    schedule_phase(
        campaign=campaign, kind=PhaseKind.IMPLEMENTATION, starts_at=at(7, 1), ends_at=at(10, 1)
    )

    with pytest.raises(ValidationError, match="时间重叠"):
        schedule_phase(
            campaign=campaign, kind=PhaseKind.MOBILISATION, starts_at=at(1, 1), ends_at=at(7, 2)
        )

    assert _phases(campaign) == [
        (PhaseKind.MOBILISATION, at(1, 1), at(7, 1)),
        (PhaseKind.IMPLEMENTATION, at(7, 1), at(10, 1)),
    ]


def test_schedule_phase_rejects_a_phase_running_backwards():
    campaign = CampaignFactory()

    with pytest.raises(ValidationError) as excinfo:
        schedule_phase(
            campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(11, 1), ends_at=at(10, 16)
        )

    assert excinfo.value.message_dict["ends_at"] == ["阶段结束时间必须晚于开始时间。"]
    assert not campaign.phases.exists()


def test_schedule_phase_rejects_phases_out_of_order():
    campaign = CampaignFactory()
    schedule_phase(campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(7, 1), ends_at=at(8, 1))

    with pytest.raises(ValidationError) as excinfo:
        schedule_phase(
            campaign=campaign, kind=PhaseKind.MOBILISATION, starts_at=at(9, 1), ends_at=at(10, 1)
        )

    assert excinfo.value.messages == ["“动员部署”阶段不能与“复审”阶段顺序颠倒。"]
    assert _phases(campaign) == [(PhaseKind.REVIEW, at(7, 1), at(8, 1))]


def test_schedule_phase_rejects_naive_datetimes_and_unknown_kinds():
    campaign = CampaignFactory()
    naive = dt.datetime(2024, 10, 1)  # noqa: DTZ001 — the point of the test

    with pytest.raises(ValidationError) as excinfo:
        schedule_phase(
            campaign=campaign, kind=PhaseKind.REVIEW, starts_at=naive, ends_at=at(10, 16)
        )
    assert excinfo.value.message_dict == {"starts_at": ["阶段时间必须带时区。"]}

    with pytest.raises(ValidationError, match="未知的阶段"):
        schedule_phase(campaign=campaign, kind="party", starts_at=at(10, 1), ends_at=at(10, 16))
    assert not campaign.phases.exists()


def test_check_phase_set_compares_unsaved_phases_with_each_other():
    campaign = CampaignFactory()
    first = Phase(campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(10, 16), ends_at=at(11, 1))
    second = Phase(
        campaign=campaign, kind=PhaseKind.PUBLIC_NOTICE, starts_at=at(10, 30), ends_at=at(11, 5)
    )

    with pytest.raises(ValidationError) as excinfo:
        check_phase_set([first, second])

    assert excinfo.value.messages == ["“复审”阶段与“公示”阶段时间重叠。"]
    second.starts_at = at(11, 1)
    check_phase_set([first, second])


# --- set_participation ------------------------------------------------------------------


def test_set_participation_enters_a_unit_once_and_then_updates_it():
    campaign = CampaignFactory()
    unit = OrgUnitFactory()

    first = set_participation(
        campaign=campaign, unit=unit, competes_as_collective=True, individual_quota=2
    )
    second = set_participation(
        campaign=campaign,
        unit=unit,
        competes_as_collective=False,
        individual_quota=3,
        officers_on_post=12,
        key_enterprises=40,
    )

    assert first.pk == second.pk
    assert list(
        Participation.objects.filter(campaign=campaign).values_list(
            "unit",
            "competes_as_collective",
            "individual_quota",
            "officers_on_post",
            "key_enterprises",
        )
    ) == [(unit.pk, False, 3, 12, 40)]


def test_set_participation_rejects_a_negative_quota():
    campaign = CampaignFactory()
    unit = OrgUnitFactory()

    with pytest.raises(ValidationError) as excinfo:
        set_participation(
            campaign=campaign, unit=unit, competes_as_collective=True, individual_quota=-1
        )

    assert "individual_quota" in excinfo.value.message_dict
    assert not Participation.objects.filter(campaign=campaign).exists()


# --- delete_unit ------------------------------------------------------------------------


def test_delete_unit_deletes_an_unused_unit():
    unit = OrgUnitFactory()

    delete_unit(unit=unit)

    assert not OrgUnit.objects.filter(pk=unit.pk).exists()


def test_delete_unit_with_officers_is_refused_and_nothing_is_deleted():
    unit = OrgUnitFactory()
    officer = OfficerFactory(unit=unit)

    with pytest.raises(UnitInUse) as excinfo:
        delete_unit(unit=unit)

    assert excinfo.value.messages == ["该单位下仍有执法人员，不能删除。"]
    assert isinstance(excinfo.value, ValidationError)
    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert list(Officer.objects.filter(unit=unit)) == [officer]


@pytest.mark.parametrize(
    ("make_dependant", "message"),
    [
        (lambda unit: UserFactory(role=Role.BRANCH_STAFF, unit=unit), HAS_USERS),
        (lambda unit: OrgUnitFactory(parent=unit), HAS_CHILDREN),
        (lambda unit: ParticipationFactory(unit=unit), HAS_PARTICIPATIONS),
        (lambda unit: CampaignFactory(issuing_unit=unit), STILL_REFERENCED),
        (lambda unit: LeadershipGroupFactory(office_unit=unit), STILL_REFERENCED),
    ],
    ids=["users", "children", "participations", "issued-campaign", "leadership-office"],
)
def test_delete_unit_in_use_is_refused(make_dependant, message):
    unit = OrgUnitFactory()
    make_dependant(unit)

    with pytest.raises(UnitInUse) as excinfo:
        delete_unit(unit=unit)

    assert excinfo.value.messages == [message]
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_delete_unit_lists_every_reason():
    unit = OrgUnitFactory()
    OfficerFactory(unit=unit)
    OrgUnitFactory(parent=unit)

    with pytest.raises(UnitInUse) as excinfo:
        delete_unit(unit=unit)

    assert excinfo.value.messages == [HAS_OFFICERS, HAS_CHILDREN]


def test_delete_unit_twice_is_not_an_error():
    unit = OrgUnitFactory()
    delete_unit(unit=unit)

    delete_unit(unit=unit)

    assert not OrgUnit.objects.filter(pk=unit.pk).exists()
