"""`manage.py load_demo`: the seeds' campaigns as the seeds write them, and idempotent."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.enums import Role
from accounts.models import User
from campaigns.demo import load, taian_current
from campaigns.enums import CampaignStatus, LeaderRole, PhaseKind, WorkingGroupKind
from campaigns.management.commands import load_demo
from campaigns.models import Campaign, LeadershipGroup, Officer, Phase, WorkingGroup
from campaigns.phases import is_open

pytestmark = pytest.mark.django_db

TAIAN_DOC = "泰环境发〔2021〕11号"
RUDONG_DOC = "通如东环〔2024〕27号"


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("accounts", "campaigns")
        for model in apps.get_app_config(app).get_models()
    }


def _run() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_load_demo_twice_creates_and_changes_nothing_the_second_time():
    first_output = _run()
    after_one = _counts()

    second_output = _run()

    assert _counts() == after_one
    assert "新建 created 0, 更新 updated 0" not in first_output
    assert "新建 created 0, 更新 updated 0, " in second_output
    assert after_one["campaigns.Campaign"] == 3
    assert after_one["accounts.User"] == 5


def test_load_demo_on_a_later_day_moves_the_open_campaign_without_duplicates():
    load(today=dt.date(2026, 11, 22))
    before = _counts()

    load(today=dt.date(2026, 11, 29))

    assert _counts() == before
    campaign = Campaign.objects.get(title=taian_current.title(2026))
    assert is_open(
        campaign,
        PhaseKind.SELF_ASSESSMENT,
        at=dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC),
    )


def test_load_demo_taian_2021_follows_seed_000():
    load()
    campaign = Campaign.objects.get(document_number=TAIAN_DOC)

    assert (campaign.year, campaign.issuing_unit.name) == (2021, "泰安市生态环境局")
    assert campaign.status == CampaignStatus.ARCHIVED and campaign.is_demo
    assert list(campaign.phases.values_list("kind", flat=True)) == [
        PhaseKind.MOBILISATION,
        PhaseKind.IMPLEMENTATION,
        PhaseKind.SELF_ASSESSMENT,
        PhaseKind.COMMENDATION,
    ]
    assert all(phase.note for phase in campaign.phases.all())
    self_assessment = campaign.phases.get(kind=PhaseKind.SELF_ASSESSMENT)
    assert "11月5日前" in self_assessment.note
    assert sorted(p.unit.short_name for p in campaign.participations.all()) == sorted(
        f"{place}分局"
        for place in ["泰山", "岱岳", "新泰", "肥城", "宁阳", "东平", "开发区", "景区"]
    )
    assert all(p.competes_as_collective for p in campaign.participations.all())


def test_load_demo_taian_leadership_group_has_its_16_people():
    load()
    group = LeadershipGroup.objects.get(campaign__document_number=TAIAN_DOC)

    # 附件1: 组长 1, 副组长 1, 成员 14 (许西成 … 张晓辉).
    assert group.members.count() == 16
    assert list(group.members.filter(role=LeaderRole.LEADER).values_list("name", "post")) == [
        ("戴先锋", "市生态环境局党组书记、局长")
    ]
    assert list(group.members.filter(role=LeaderRole.DEPUTY).values_list("name", flat=True)) == [
        "庞英元"
    ]
    assert group.members.filter(role=LeaderRole.MEMBER).count() == 14
    assert all(member.post for member in group.members.all())
    assert (group.office_unit.name, group.office_director) == (
        "泰安市生态环境保护综合执法支队",
        "许西成",
    )
    duties = group.working_groups.filter(kind=WorkingGroupKind.MEMBER_UNIT)
    assert list(duties.values_list("name", flat=True)) == [
        "办公室",
        "人事科",
        "机关党委",
        "财务与审计科",
        "法宣科",
        "支队",
        "指挥调度中心",
        "各分局",
    ]


def test_load_demo_taian_task_plan_has_six_indicators_and_three_rows_for_the_first():
    load()
    plan = Campaign.objects.get(document_number=TAIAN_DOC).task_plan.all()

    assert sorted({row.seq for row in plan}) == [1, 2, 3, 4, 5, 6]
    first = [row for row in plan if row.seq == 1]
    assert [row.lead_department for row in first] == [
        "支队执法一科",
        "支队执法二科",
        "支队核与辐射科",
    ]
    assert {row.indicator for row in first} == {"分行业现场比武"}
    assert plan.get(seq=6).points_label == "附加项"


def test_load_demo_rudong_2024_follows_seed_002():
    load()
    campaign = Campaign.objects.get(document_number=RUDONG_DOC)

    assert campaign.issuing_unit.name == "南通市如东生态环境局"
    assert (campaign.window_start, campaign.window_end) == (
        dt.date(2023, 11, 1),
        dt.date(2024, 10, 31),
    )
    assert campaign.status == CampaignStatus.CLOSED
    assert {unit.name for unit in campaign.issuing_unit.children.all()} >= {
        "综合执法科",
        "执法科",
        "法宣科",
        "办公室",
    }
    assert campaign.participations.count() == 3
    tasks = list(campaign.task_plan.values_list("indicator", "lead_department", "schedule"))
    assert len(tasks) == 5
    assert ("参赛人员确认任务", "执法科", "8月15日前") in tasks


def test_load_demo_rudong_has_the_four_working_groups_named_as_the_seed():
    load()
    group = LeadershipGroup.objects.get(campaign__document_number=RUDONG_DOC)

    assert list(group.working_groups.values_list("name", flat=True)) == [
        "综合协调组",
        "考核评价组",
        "宣传报道组",
        "后勤保障组",
    ]
    assert group.members.get(role=LeaderRole.LEADER).name == "邵向锋"
    assert list(group.members.filter(role=LeaderRole.DEPUTY).values_list("name", flat=True)) == [
        "季桂林",
        "何爱明",
        "穆雨兵",
        "唐宝清",
        "姚丽华",
    ]
    assert group.members.count() == 1 + 5 + 16
    publicity = WorkingGroup.objects.get(group=group, name="宣传报道组")
    assert [(m.name, m.role) for m in publicity.members.all()] == [
        ("穆雨兵", "leader"),
        ("夏慧敏", "deputy"),
        ("沈利娟", "deputy"),
        ("李华鹏", "member"),
        ("张琪", "member"),
        ("各分局联络员", "member"),
    ]


def test_load_demo_open_campaign_is_in_its_self_assessment_today():
    load(today=dt.date(2026, 11, 22))
    campaign = Campaign.objects.get(status=CampaignStatus.ACTIVE)
    noon = dt.datetime(2026, 11, 22, 4, tzinfo=dt.UTC)  # 12:00 in Shanghai

    assert campaign.is_demo
    assert is_open(campaign, PhaseKind.SELF_ASSESSMENT, at=noon)
    assert not is_open(campaign, PhaseKind.REVIEW, at=noon)
    # Contiguous: each phase starts where the previous one ends.
    phases = list(Phase.objects.filter(campaign=campaign).order_by("starts_at"))
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(phases))


def test_load_demo_gives_every_branch_officers():
    load()

    for campaign in Campaign.objects.exclude(status=CampaignStatus.ACTIVE):
        for participation in campaign.participations.all():
            assert Officer.objects.filter(unit=participation.unit).count() >= 2
    assert Officer.objects.filter(certificate_no="").count() == 1


def test_load_demo_users_one_per_role_with_the_printed_password():
    output = _run()
    users = {user.username: user for user in User.objects.select_related("unit")}

    assert set(users) == {"branch", "branch2", "reviewer", "admin", "leader"}
    assert all(user.check_password(load_demo.DEMO_PASSWORD) for user in users.values())
    assert {users[name].role for name in users} == set(Role.values)
    assert users["branch"].unit.short_name == "泰山分局"
    assert users["branch2"].unit.short_name == "岱岳分局"
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert not users["branch"].is_staff
    assert load_demo.DEMO_PASSWORD in output
    for username in users:
        assert username in output
