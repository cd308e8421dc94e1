"""南通市如东生态环境局 2024 campaign, from seed 002 (docs/seeds/002_8f44051f6a2aebe3.txt):
通如东环〔2024〕27号, its 领导组 with four working groups (附件1) and the task breakdown (附件2).

The seed names no 区域性执法局; the three here are demo units, labelled （演示）.
"""

from __future__ import annotations

import datetime as dt

from campaigns.demo.base import Tally, at, participate, prune, schedule_phases, unit, upsert
from campaigns.enums import (
    CampaignStatus,
    GroupMemberRole,
    LeaderRole,
    PhaseKind,
    UnitKind,
    WorkingGroupKind,
)
from campaigns.models import (
    Campaign,
    LeadershipGroup,
    LeadershipMember,
    OrgUnit,
    TaskPlanEntry,
    WorkingGroup,
    WorkingGroupMember,
)

TITLE = "2024年南通市如东生态环境保护执法大练兵活动"
DOCUMENT_NUMBER = "通如东环〔2024〕27号"

DEPARTMENTS = [
    ("RD-ZHZF", "综合执法科"),
    ("RD-ZF", "执法科"),
    ("RD-FX", "法宣科"),
    ("RD-BGS", "办公室"),
]
# Demo units: the seed addresses "区域性执法局" without naming them.
REGIONAL_BUREAUS = [
    ("RD-DEMO-1", "如东县第一区域性执法局", "第一区域局（演示）"),
    ("RD-DEMO-2", "如东县第二区域性执法局", "第二区域局（演示）"),
    ("RD-DEMO-3", "如东县第三区域性执法局", "第三区域局（演示）"),
]
# The seed sets no quota (its top 10 officers become contestants); 3 per bureau is demo data.
DEMO_INDIVIDUAL_QUOTA = 3

# 三、时间安排. The seed's periods touch or overlap (活动实施 runs "to mid-October" while the
# branches self-assess by 10-10 and the 综合执法科 by 10-15); phases may not overlap, so the
# self-assessment is carved out of the end of 活动实施, and 评选上报 (10月下旬—11月初) is the
# review phase, starting where self-assessment ends. Each note quotes the seed.
PHASES = [
    (
        PhaseKind.MOBILISATION,
        at(2024, 1, 1),
        at(2024, 7, 1),
        "（一）动员部署阶段（1月—6月）。制定方案，成立领导小组；6月20日前将方案、领导小组和联络员名单报送市局。",
    ),
    (
        PhaseKind.IMPLEMENTATION,
        at(2024, 7, 1),
        at(2024, 10, 1),
        "（二）活动实施阶段（7月—10月中旬）。持续开展“五个一”活动；10月起为自评推选阶段。",
    ),
    (
        PhaseKind.SELF_ASSESSMENT,
        at(2024, 10, 1),
        at(2024, 10, 16),
        "各分局于10月10日前完成表现突出集体和个人的自评；10月15日前综合执法科完成我局自评并报送市局。",
    ),
    (
        PhaseKind.REVIEW,
        at(2024, 10, 16),
        at(2024, 11, 11),
        "（三）评选上报阶段（10月下旬—11月初）。参加省厅和生态环境部的评比，开展执法尖兵评比。",
    ),
]

LEADER = "邵向锋"
DEPUTIES = ["季桂林", "何爱明", "穆雨兵", "唐宝清", "姚丽华"]
MEMBERS = [
    "夏慧敏",
    "高琳",
    "沈利娟",
    "徐天宇",
    "于艳婷",
    "冯丽妍",
    "季本华",
    "王艾文",
    "陈卫华",
    "石相梅",
    "杨新雨",
    "朱朋朋",
    "刘旭",
    "李硕",
    "李卫",
    "卢意",
]
RESPONSIBILITIES = (
    "经研究，决定成立南通市如东生态环境保护执法大练兵活动领导组。"
    "（原文称“组委会下设五个工作组”，但只列出以下四个。）"
)

# 附件1 工作组: (name, duties, leaders, deputies, members), as the seed lists them.
WORKING_GROUPS = [
    (
        "综合协调组",
        "主要负责大练兵的组织、协调、调度、实施等工作。",
        ["姚丽华"],
        [],
        ["高琳", "沈利娟", "徐天宇", "于艳婷", "冯丽妍", "季本华", "王艾文", "陈卫华", "石相梅"],
    ),
    (
        "考核评价组",
        "主要负责大练兵的考核评价等工作。",
        ["姚丽华"],
        [],
        ["季本华", "沈利娟", "李华鹏", "顾勇"],
    ),
    (
        "宣传报道组",
        "主要负责大练兵的宣传报道和信息汇总报送、简报编印等工作。",
        ["穆雨兵"],
        ["夏慧敏", "沈利娟"],
        ["李华鹏", "张琪", "各分局联络员"],
    ),
    (
        "后勤保障组",
        "主要负责大练兵的后勤保障工作。",
        ["何爱明"],
        ["夏慧敏"],
        ["朱蕾", "吴立新"],
    ),
]

# 附件2 任务分解: (seq, task, content, lead, supporting, schedule, remarks). The seed dates only
# task 5; the others run through the year (三、时间安排: "2024年执法大练兵活动贯穿全年").
ALL_YEAR = "贯穿全年"
TASKS = [
    (
        1,
        "执法任务",
        "执法大练兵以各区域性执法局为环境执法主体，局各科室（单位）配合，形成合力。将大练兵与双随机"
        "抽查、水环境专项执法、危废专项、废气专项、环境应急专项等执法重点工作结合起来；注重非现场"
        "执法、四个配套办法的使用，重点打击涉危险废物、篡改伪造自动监测数据或干扰自动监控设施等"
        "环境违法犯罪案件，同时关注生态环境综合执法新增领域案件。",
        "执法科",
        "法宣科；各分局组织实施",
        ALL_YEAR,
        "",
    ),
    (
        2,
        "宣传报道任务",
        "宣传报道组充分运用电视、广播、报纸、新媒体、微信等渠道开展多种形式的宣传；对新增领域、"
        "科技执法及典型环境违法犯罪案例组织专项宣传；定期向市局报送活动简报，在“铁军风采”专栏"
        "投稿不少于3篇。",
        "法宣科",
        "办公室、执法科、各分局",
        ALL_YEAR,
        "各区域性执法局每周向宣传报道组提供1条大练兵工作报道线索。",
    ),
    (
        3,
        "考核评价任务",
        "考核评价组定期对各执法主体上报案件进行汇总、审阅、把关；对推送至省市参评的案卷提前组织"
        "业务骨干审查；局执法科、法宣科牵头开展县级案卷评查工作，做好执法案卷质量评分工作；建立"
        "考核奖惩制度，实行立功表彰奖励机制。",
        "执法科",
        "法宣科、各分局",
        ALL_YEAR,
        "",
    ),
    (
        4,
        "后勤保障任务",
        "后勤保障组做好办公及执法采样装备、工作餐、车辆、奖励措施等后勤保障工作；出台给予执法"
        "人员人身安全保障的措施，如购买人身意外伤害保险等。",
        "办公室",
        "执法科、各分局",
        ALL_YEAR,
        "",
    ),
    (
        5,
        "参赛人员确认任务",
        "领导组对照个人评审细则对所有一线执法人员评估打分，前10名为参赛候选人，分为5个小组参加"
        "小组赛；组织参赛人员集训（学习法律、法规，模拟测试）。",
        "执法科",
        "法宣科、各分局",
        "8月15日前",
        "集训：8月15日至9月30日（根据市局通知的执法大比武时间调整）。",
    ),
]


def build_units(tally: Tally) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    bureau = units["RD"] = unit(
        tally,
        code="RD",
        name="南通市如东生态环境局",
        short_name="如东局",
        kind=UnitKind.COUNTY_BUREAU,
    )
    for order, (code, name) in enumerate(DEPARTMENTS, start=1):
        units[code] = unit(
            tally, code=code, name=name, kind=UnitKind.DEPARTMENT, parent=bureau, sort_order=order
        )
    for order, (code, name, short) in enumerate(REGIONAL_BUREAUS, start=10):
        units[code] = unit(
            tally,
            code=code,
            name=name,
            short_name=short,
            kind=UnitKind.REGIONAL_BUREAU,
            parent=bureau,
            sort_order=order,
        )
    return units


def build(tally: Tally, units: dict[str, OrgUnit]) -> Campaign:
    campaign = upsert(
        Campaign,
        tally,
        lookup={"issuing_unit": units["RD"], "year": 2024, "title": TITLE},
        values={
            "document_number": DOCUMENT_NUMBER,
            # "评审我局2023年11月-2024年10月练兵情况"
            "window_start": dt.date(2023, 11, 1),
            "window_end": dt.date(2024, 10, 31),
            # Its last phase ended in November 2024: closed, as the daily status sync leaves it.
            "status": CampaignStatus.CLOSED,
            "summary": (
                "聚焦大气监督帮扶、重点专项行动、科技手段运用、执法质量提升、队伍能力建设、助力企业"
                "发展六个方面开展大练兵。（演示数据，依据通如东环〔2024〕27号。）"
            ),
            "is_demo": True,
        },
    )
    schedule_phases(campaign, tally, PHASES)
    participate(
        campaign,
        tally,
        [units[code] for code, *_ in REGIONAL_BUREAUS],
        quota=DEMO_INDIVIDUAL_QUOTA,
    )
    _build_leadership(campaign, tally)
    _build_tasks(campaign, tally)
    return campaign


def _build_leadership(campaign: Campaign, tally: Tally) -> None:
    group = upsert(
        LeadershipGroup,
        tally,
        lookup={"campaign": campaign},
        values={
            "name": "南通市如东生态环境保护执法大练兵活动领导组",
            "responsibilities": RESPONSIBILITIES,
            # The seed names no office; the 综合执法科 gathers the self-assessments (三).
            "office_unit": None,
            "office_director": "",
            "office_duties": "",
        },
    )
    people = [
        (LEADER, LeaderRole.LEADER),
        *((name, LeaderRole.DEPUTY) for name in DEPUTIES),
        *((name, LeaderRole.MEMBER) for name in MEMBERS),
    ]
    members = [
        upsert(
            LeadershipMember,
            tally,
            lookup={"group": group, "name": name},
            values={"role": role, "post": "", "unit": None, "sort_order": order},
        )
        for order, (name, role) in enumerate(people, start=1)
    ]
    prune(group.members.all(), members, tally)

    groups = []
    for order, (name, duties, leaders, deputies, rank_and_file) in enumerate(
        WORKING_GROUPS, start=1
    ):
        working_group = upsert(
            WorkingGroup,
            tally,
            lookup={"group": group, "name": name},
            values={"kind": WorkingGroupKind.WORKING_GROUP, "duties": duties, "sort_order": order},
        )
        groups.append(working_group)
        roster = [
            *((person, GroupMemberRole.LEADER) for person in leaders),
            *((person, GroupMemberRole.DEPUTY) for person in deputies),
            *((person, GroupMemberRole.MEMBER) for person in rank_and_file),
        ]
        seats = [
            upsert(
                WorkingGroupMember,
                tally,
                lookup={"working_group": working_group, "name": person},
                values={"role": role, "sort_order": seat},
            )
            for seat, (person, role) in enumerate(roster, start=1)
        ]
        prune(working_group.members.all(), seats, tally)
    prune(group.working_groups.all(), groups, tally)


def _build_tasks(campaign: Campaign, tally: Tally) -> None:
    rows = [
        upsert(
            TaskPlanEntry,
            tally,
            lookup={"campaign": campaign, "seq": seq, "lead_department": lead},
            values={
                "indicator": task,
                "points_label": "",
                "content": content,
                "supporting_departments": supporting,
                "lead_leader": "",
                "schedule": schedule,
                "remarks": remarks,
            },
        )
        for seq, task, content, lead, supporting, schedule, remarks in TASKS
    ]
    prune(campaign.task_plan.all(), rows, tally)
