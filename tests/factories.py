"""Factories for the portal's models. Defaults are plain and valid; tests state what matters."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from campaigns.enums import CampaignStatus, PhaseKind, UnitKind
from campaigns.models import Campaign, Officer, OrgUnit, Participation, Phase


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"第{n}分局")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    kind = UnitKind.BRANCH
    parent = None


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    name = factory.Sequence(lambda n: f"执法员{n}")
    unit = factory.SubFactory(OrgUnitFactory)
    certificate_no = factory.Sequence(lambda n: f"3709{n:08d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    role = Role.BRANCH_STAFF
    unit = factory.SubFactory(OrgUnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"执法大练兵活动{n}")
    year = 2024
    issuing_unit = factory.SubFactory(OrgUnitFactory, kind=UnitKind.CITY_BUREAU)
    document_number = factory.Sequence(lambda n: f"测环〔2024〕{n}号")
    window_start = dt.date(2023, 11, 1)
    window_end = dt.date(2024, 10, 31)
    status = CampaignStatus.ACTIVE


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    campaign = factory.SubFactory(CampaignFactory)
    kind = PhaseKind.SELF_ASSESSMENT
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    campaign = factory.SubFactory(CampaignFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    competes_as_collective = True
    individual_quota = 2


# Leadership groups, working groups and the task plan. Models named by label, so that this
# appended block needs no imports of its own.


class LeadershipGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.LeadershipGroup"

    campaign = factory.SubFactory(CampaignFactory)
    name = "执法大练兵活动领导小组"


class LeadershipMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.LeadershipMember"

    group = factory.SubFactory(LeadershipGroupFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    role = "member"  # LeaderRole.MEMBER
    sort_order = factory.Sequence(lambda n: n)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.WorkingGroup"

    group = factory.SubFactory(LeadershipGroupFactory)
    name = factory.Sequence(lambda n: f"工作组{n}")
    duties = "负责大练兵的组织、协调工作。"


class WorkingGroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.WorkingGroupMember"

    working_group = factory.SubFactory(WorkingGroupFactory)
    name = factory.Sequence(lambda n: f"组员{n}")
    role = "member"  # GroupMemberRole.MEMBER


class TaskPlanEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "campaigns.TaskPlanEntry"

    campaign = factory.SubFactory(CampaignFactory)
    seq = factory.Sequence(lambda n: n + 1)
    indicator = factory.Sequence(lambda n: f"指标{n}")
    content = "具体内容"
