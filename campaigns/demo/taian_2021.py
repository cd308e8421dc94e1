"""泰安市生态环境局 2021 campaign, from seed 000 (docs/seeds/000_624614c78872d090.txt):
泰环境发〔2021〕11号, its leadership group and duties (附件1) and its task plan (附件2).

Names, posts and duties are the seed's words. What the seed leaves out (unit codes, quotas) is
marked as demo data where it is set.
"""

from __future__ import annotations

import datetime as dt

from campaigns.demo.base import Tally, at, participate, prune, schedule_phases, unit, upsert
from campaigns.enums import (
    CampaignStatus,
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
)

TITLE = "2021年全市生态环境保护执法大练兵活动"
DOCUMENT_NUMBER = "泰环境发〔2021〕11号"

# The eight branches (各分局), each a collective in the campaign: (code, place, 局长/负责人).
BRANCHES = [
    ("TA-TS", "泰山", "孙业存", "局长"),
    ("TA-DY", "岱岳", "马林", "局长"),
    ("TA-XT", "新泰", "范纯学", "局长"),
    ("TA-FC", "肥城", "赵衍军", "局长"),
    ("TA-NY", "宁阳", "于志大", "局长"),
    ("TA-DP", "东平", "李传科", "局长"),
    ("TA-KFQ", "开发区", "陈良", "局长"),
    ("TA-JQ", "景区", "张晓辉", "负责人"),
]
# The seed sets no per-branch quota (附件4: the bureau recommends 5 people in all); two
# nominations per branch is demo data.
DEMO_INDIVIDUAL_QUOTA = 2

# Departments of the bureau named in 附件1 (code, name, short name).
DEPARTMENTS = [
    ("TA-BGS", "办公室（生态环境保护督查办公室）", "办公室"),
    ("TA-RSK", "人事科", ""),
    ("TA-JGDW", "机关党委", ""),
    ("TA-CWSJ", "财务与审计科", ""),
    ("TA-KJJC", "科技与监测科", ""),
    ("TA-ZHDD", "指挥调度中心", ""),
    ("TA-FXK", "法制与宣传科（应急科）", "法宣科"),
]
# The 支队's sections that lead rows of the task plan (附件2).
DETACHMENT_SECTIONS = [
    ("TA-ZD-ZF1", "支队执法一科"),
    ("TA-ZD-ZF2", "支队执法二科"),
    ("TA-ZD-HFS", "支队核与辐射科"),
    ("TA-ZD-ZH", "支队综合科"),
]

# 三、时间安排. Phases may not overlap, so where the seed's periods share a month the later
# phase starts where the earlier one ends; each note quotes the seed.
PHASES = [
    (
        PhaseKind.MOBILISATION,
        at(2021, 3, 1),
        at(2021, 4, 1),
        "（一）动员部署阶段（2021年3月）。成立领导小组，制定方案，开展动员部署。",
    ),
    (
        PhaseKind.IMPLEMENTATION,
        at(2021, 4, 1),
        at(2021, 11, 1),
        "（二）活动实施阶段（2021年3月—11月）。动员部署占3月，自评推选占11月初，故此处为4月至10月。",
    ),
    (
        PhaseKind.SELF_ASSESSMENT,
        at(2021, 11, 1),
        at(2021, 11, 6),
        "各分局于2021年11月5日前完成自评，并将总结报告、表现突出集体和个人候选名单报送市局。",
    ),
    (
        PhaseKind.COMMENDATION,
        at(2021, 11, 6),
        at(2022, 1, 1),
        "（三）总结表扬阶段（2021年11月—12月）。综合评比，将表现突出的县级集体和个人推荐至省厅。",
    ),
]

# 附件1 一、领导小组名单: (name, role, post, unit code). 16 people.
LEADERSHIP = [
    ("戴先锋", LeaderRole.LEADER, "市生态环境局党组书记、局长", "TA"),
    ("庞英元", LeaderRole.DEPUTY, "市生态环境局党组成员、副局长", "TA"),
    ("许西成", LeaderRole.MEMBER, "综合执法支队负责人", "TA-ZD"),
    ("柴峰", LeaderRole.MEMBER, "办公室（生态环境保护督查办公室）负责人", "TA-BGS"),
    ("赵燕", LeaderRole.MEMBER, "人事科科长、机关党委专职副书记", "TA-RSK"),
    ("宋梦龙", LeaderRole.MEMBER, "财务与审计科副科长（主持工作）", "TA-CWSJ"),
    ("张成", LeaderRole.MEMBER, "科技与监测科负责人（指挥调度中心主任）", "TA-KJJC"),
    ("姬长文", LeaderRole.MEMBER, "法制与宣传科（应急科）科长", "TA-FXK"),
    *(
        (person, LeaderRole.MEMBER, f"泰安市生态环境局{place}分局{post}", code)
        for code, place, person, post in BRANCHES
    ),
]

RESPONSIBILITIES = "负责活动的组织领导、建立完善工作机制、明确职责分工、审定考核结果等。"
OFFICE_DUTIES = "负责信息调度、工作督办、先进集体和先进个人初审、督查调研等工作。"

# 附件1 二、领导小组成员科室（单位）分工, in the seed's order.
DUTIES = [
    ("办公室", "办公室负责大练兵活动的后勤保障工作，完成领导小组安排的其他工作。"),
    (
        "人事科",
        "人事科负责与人社局对接，联合执法支队出台执法人员考核奖惩制度；争取对大练兵表现突出集体和"
        "个人、在污染防治攻坚战中作出突出贡献的集体和个人，采取记功、表彰等措施；将大练兵成绩列入"
        "对分局考核；完成领导小组安排的其他工作。",
    ),
    (
        "机关党委",
        "机关党委负责指导执法支队党支部制定创新措施，加强党建与业务融合；完成领导小组安排的其他工作。",
    ),
    ("财务与审计科", "财务与审计科负责大练兵活动开展的资金保障工作；完成领导小组安排的其他工作。"),
    (
        "法宣科",
        "法宣科负责指导重大执法决定法制审核管理制度落实，负责宣传工作，在微信公众号、微博开设大练兵"
        "专栏，积极组织电视、广播、报纸、网络等新闻媒体做好宣传报道，实时宣传我市大练兵活动进展和"
        "动态；完成领导小组安排的其他工作。",
    ),
    (
        "支队",
        "支队负责牵头组织活动的开展，具体负责制定方案、定期调度、材料收集、报送信息、案卷评审等，将"
        "日常执法任务与大练兵相结合。大力推广用电监控、远程执法等非现场执法手段，优化执法方式，提高"
        "练兵成效；将各分局大练兵组织情况纳入执法稽查内容；组织全市案卷评查活动；完成领导小组安排的"
        "其他工作。",
    ),
    (
        "指挥调度中心",
        "指挥调度中心负责确保全市重点排污单位自动监测数据有效传输率达到90%以上，完成领导小组安排的"
        "其他工作。",
    ),
    (
        "各分局",
        "各分局负责落实好大练兵活动实施，优化执法方式，加强制度建设，夯实执法基础，发动全体执法人员"
        "积极参加网络知识竞赛，择优推荐表现突出集体和个人，做好宣传报道，营造浓厚练兵氛围。引导执法"
        "机构全员参与练兵，将大练兵活动贯穿于全年执法工作；完成领导小组安排的其他工作。",
    ),
]

# 附件2 推进计划: (seq, indicator, points, content, lead department, lead leader, schedule,
# remarks). In the seed, indicator 1's leader and deadline cells span its three rows, and row
# 4's cells are shifted one column; they are read as noted in the remarks.
MERGED = "牵头领导、开展时间为原表合并单元格，三行共用。"
TASK_PLAN = [
    (
        1,
        "分行业现场比武",
        "30 分",
        "组织分局执法机构开展涉气行业执法比武活动，具体活动方案另行通知。",
        "支队执法一科",
        "靳启茂",
        "8 月底前",
        MERGED,
    ),
    (
        1,
        "分行业现场比武",
        "30 分",
        "组织分局执法机构开展涉水行业执法比武活动，具体活动方案另行通知。",
        "支队执法二科",
        "靳启茂",
        "8 月底前",
        MERGED,
    ),
    (
        1,
        "分行业现场比武",
        "30 分",
        "组织分局执法机构开展涉固废行业执法比武活动，具体活动方案另行通知。",
        "支队核与辐射科",
        "靳启茂",
        "8 月底前",
        MERGED,
    ),
    (
        2,
        "移动执法系统建设与运用",
        "20 分",
        "执法系统基础数据信息及时更新完善，执法人员 100% 配备使用便携式手持移动执法终端且与省厅"
        "联网，上报的检查数据满足要求。",
        "支队执法一科",
        "",
        "贯穿全程",
        "",
    ),
    (
        3,
        "执法业务学习活动",
        "20 分",
        "组织开展“人人上讲台，个个当标兵”活动，在参与省厅执法业务学习活动的基础上，组织业务骨干"
        "适时开展形式多样的集中授课、经验交流等活动。",
        "支队综合科",
        "",
        "贯穿全程",
        "",
    ),
    (
        4,
        "执法案卷质量",
        "20 分",
        "采用各级生态环境部门自查与交叉评查相结合的方式，对环境行政处罚案卷制作规范性进行检查",
        "邢涛",
        "房光居",
        "贯穿全程",
        "原表此行单元格错位一列，按“牵头人员、牵头领导、开展时间”读取。",
    ),
    (
        5,
        "铁军风采着装演练",
        "10 分",
        "视着装情况，组织全市执法人员开展不少于 1 周军训，录制着装队列演练视频",
        "支队综合科",
        "",
        "视着装情况",
        "",
    ),
    (6, "党建工作", "附加项", "加强党建工作，争取组织部门表扬", "支队综合科", "", "贯穿全程", ""),
]


def build_units(tally: Tally) -> dict[str, OrgUnit]:
    """The bureau, its 支队 with the sections of the task plan, its departments and branches.
    Returns the units by code."""
    units: dict[str, OrgUnit] = {}
    city = units["TA"] = unit(
        tally, code="TA", name="泰安市生态环境局", short_name="泰安市局", kind=UnitKind.CITY_BUREAU
    )
    detachment = units["TA-ZD"] = unit(
        tally,
        code="TA-ZD",
        name="泰安市生态环境保护综合执法支队",
        short_name="执法支队",
        kind=UnitKind.DETACHMENT,
        parent=city,
        sort_order=1,
    )
    for order, (code, name) in enumerate(DETACHMENT_SECTIONS, start=1):
        units[code] = unit(
            tally,
            code=code,
            name=name,
            kind=UnitKind.DEPARTMENT,
            parent=detachment,
            sort_order=order,
        )
    for order, (code, name, short) in enumerate(DEPARTMENTS, start=20):
        units[code] = unit(
            tally,
            code=code,
            name=name,
            short_name=short,
            kind=UnitKind.DEPARTMENT,
            parent=city,
            sort_order=order,
        )
    for order, (code, place, _person, _post) in enumerate(BRANCHES, start=10):
        units[code] = unit(
            tally,
            code=code,
            name=f"泰安市生态环境局{place}分局",
            short_name=f"{place}分局",
            kind=UnitKind.BRANCH,
            parent=city,
            sort_order=order,
        )
    return units


def build(tally: Tally, units: dict[str, OrgUnit]) -> Campaign:
    campaign = upsert(
        Campaign,
        tally,
        lookup={"issuing_unit": units["TA"], "year": 2021, "title": TITLE},
        values={
            "document_number": DOCUMENT_NUMBER,
            # The rubrics count what happened in 2021 ("2021年印发处罚决定书").
            "window_start": dt.date(2021, 1, 1),
            "window_end": dt.date(2021, 12, 31),
            # Its last phase ended on 2021-12-31, so the campaign is over: archived, as the
            # daily status sync would leave it. The demo's open campaign is taian_current.
            "status": CampaignStatus.ARCHIVED,
            "summary": (
                "按照“全年、全员、全过程”的原则开展实战大练兵，以排污许可执法和危险废物、饮用水"
                "水源地、南水北调等涉及环境安全执法为重点内容。（演示数据，依据泰环境发〔2021〕11号。）"
            ),
            "is_demo": True,
        },
    )
    schedule_phases(campaign, tally, PHASES)
    participate(
        campaign, tally, [units[code] for code, *_ in BRANCHES], quota=DEMO_INDIVIDUAL_QUOTA
    )
    _build_leadership(campaign, tally, units)
    _build_task_plan(campaign, tally)
    return campaign


def _build_leadership(campaign: Campaign, tally: Tally, units: dict[str, OrgUnit]) -> None:
    group = upsert(
        LeadershipGroup,
        tally,
        lookup={"campaign": campaign},
        values={
            "name": "泰安市生态环境局生态环境保护执法大练兵活动领导小组",
            "responsibilities": RESPONSIBILITIES,
            "office_unit": units["TA-ZD"],
            "office_director": "许西成",
            "office_duties": OFFICE_DUTIES,
        },
    )
    members = [
        upsert(
            LeadershipMember,
            tally,
            lookup={"group": group, "name": name},
            values={"role": role, "post": post, "unit": units[code], "sort_order": order},
        )
        for order, (name, role, post, code) in enumerate(LEADERSHIP, start=1)
    ]
    prune(group.members.all(), members, tally)
    duties = [
        upsert(
            WorkingGroup,
            tally,
            lookup={"group": group, "name": name},
            values={"kind": WorkingGroupKind.MEMBER_UNIT, "duties": text, "sort_order": order},
        )
        for order, (name, text) in enumerate(DUTIES, start=1)
    ]
    prune(group.working_groups.all(), duties, tally)


def _build_task_plan(campaign: Campaign, tally: Tally) -> None:
    rows = [
        upsert(
            TaskPlanEntry,
            tally,
            # Indicator 1 has three rows, told apart by their lead department.
            lookup={"campaign": campaign, "seq": seq, "lead_department": lead},
            values={
                "indicator": indicator,
                "points_label": points,
                "content": content,
                "lead_leader": leader,
                "schedule": schedule,
                "remarks": remarks,
            },
        )
        for seq, indicator, points, content, lead, leader, schedule, remarks in TASK_PLAN
    ]
    prune(campaign.task_plan.all(), rows, tally)
