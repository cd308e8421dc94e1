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
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 — factory_boy passes the object
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
