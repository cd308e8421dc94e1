"""Model-level rules: phase order and overlap, PROTECT on units, unique certificates, and the
"branch staff need a unit" constraint. Each test checks the message and what is in the
database afterwards."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from accounts.enums import Role
from accounts.models import User
from campaigns.enums import PhaseKind
from campaigns.models import Officer, OrgUnit, Phase
from tests.factories import CampaignFactory, OfficerFactory, OrgUnitFactory, PhaseFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2024, month, day, tzinfo=SHANGHAI)


def test_phase_overlapping_a_sibling_is_rejected_with_the_chinese_message():
    campaign = CampaignFactory()
    PhaseFactory(
        campaign=campaign, kind=PhaseKind.IMPLEMENTATION, starts_at=at(7, 1), ends_at=at(10, 1)
    )
    overlapping = Phase(
        campaign=campaign, kind=PhaseKind.SELF_ASSESSMENT, starts_at=at(9, 20), ends_at=at(10, 16)
    )

    with pytest.raises(ValidationError) as excinfo:
        overlapping.full_clean()

    assert excinfo.value.messages == ["“自评推选”阶段与“活动实施”阶段时间重叠。"]
    assert list(campaign.phases.values_list("kind", flat=True)) == [PhaseKind.IMPLEMENTATION]


def test_phase_touching_the_previous_one_is_accepted():
    campaign = CampaignFactory()
    PhaseFactory(
        campaign=campaign, kind=PhaseKind.IMPLEMENTATION, starts_at=at(7, 1), ends_at=at(10, 1)
    )
    adjacent = Phase(
        campaign=campaign, kind=PhaseKind.SELF_ASSESSMENT, starts_at=at(10, 1), ends_at=at(10, 16)
    )

    adjacent.full_clean()  # the end is exclusive: one phase may start where the other ends


def test_phase_running_backwards_is_rejected_by_clean_and_by_the_database():
    campaign = CampaignFactory()
    backwards = Phase(
        campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(11, 10), ends_at=at(10, 16)
    )

    with pytest.raises(ValidationError) as excinfo:
        backwards.full_clean()
    assert excinfo.value.message_dict["ends_at"] == ["阶段结束时间必须晚于开始时间。"]

    with pytest.raises(IntegrityError), transaction.atomic():
        backwards.save()
    assert not Phase.objects.filter(campaign=campaign).exists()


def test_phases_out_of_the_order_of_kinds_are_rejected():
    campaign = CampaignFactory()
    PhaseFactory(campaign=campaign, kind=PhaseKind.REVIEW, starts_at=at(7, 1), ends_at=at(8, 1))
    earlier_kind_later = Phase(
        campaign=campaign, kind=PhaseKind.SELF_ASSESSMENT, starts_at=at(9, 1), ends_at=at(10, 1)
    )

    with pytest.raises(ValidationError) as excinfo:
        earlier_kind_later.full_clean()

    assert excinfo.value.messages == ["“自评推选”阶段不能与“复审”阶段顺序颠倒。"]


def test_deleting_a_unit_with_officers_is_refused_and_nothing_is_deleted():
    unit = OrgUnitFactory()
    officers = OfficerFactory.create_batch(2, unit=unit)

    with pytest.raises(ProtectedError), transaction.atomic():
        unit.delete()

    assert OrgUnit.objects.filter(pk=unit.pk).exists()
    assert set(Officer.objects.filter(unit=unit)) == set(officers)


def test_duplicate_certificate_number_is_refused():
    first = OfficerFactory(certificate_no="370900000001")
    duplicate = Officer(name="张三", unit=first.unit, certificate_no="370900000001")

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert excinfo.value.messages == ["该执法证件号已登记给另一名执法人员。"]

    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert list(Officer.objects.filter(certificate_no="370900000001")) == [first]


def test_blank_certificate_numbers_may_repeat():
    unit = OrgUnitFactory()
    first = OfficerFactory(unit=unit, certificate_no="")
    second = Officer(name="李四", unit=unit, certificate_no="")

    second.full_clean()
    second.save()

    assert set(Officer.objects.filter(certificate_no="")) == {first, second}


def test_branch_staff_without_unit_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nounit", role=Role.BRANCH_STAFF, unit=None)

    assert not User.objects.filter(username="nounit").exists()


def test_branch_staff_without_unit_fails_validation_with_the_chinese_message():
    user = User(username="nounit", role=Role.BRANCH_STAFF, unit=None, password="x")

    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()

    assert "单位填报员必须绑定所属单位。" in excinfo.value.messages


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.CAMPAIGN_ADMIN, Role.LEADERSHIP])
def test_other_roles_need_no_unit(role):
    User.objects.create(username="free", role=role, unit=None)

    assert User.objects.get(username="free").unit is None
