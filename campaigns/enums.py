from django.db import models


class UnitKind(models.TextChoices):
    CITY_BUREAU = "city_bureau", "市局"
    DETACHMENT = "detachment", "综合执法支队"
    BRANCH = "branch", "分局"
    COUNTY_BUREAU = "county_bureau", "县区局"
    REGIONAL_BUREAU = "regional_bureau", "区域性执法局"
    DEPARTMENT = "department", "科室"
    TEAM = "team", "执法大队/中队"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"
    ARCHIVED = "archived", "已归档"


class PhaseKind(models.TextChoices):
    """The phases of a campaign, in the order they run (seed 000 三、时间安排; seed 003 四)."""

    MOBILISATION = "mobilisation", "动员部署"
    IMPLEMENTATION = "implementation", "活动实施"
    SELF_ASSESSMENT = "self_assessment", "自评推选"
    REVIEW = "review", "复审"
    PUBLIC_NOTICE = "public_notice", "公示"
    COMMENDATION = "commendation", "总结表扬"

    @classmethod
    def order(cls, kind: str) -> int:
        return list(cls.values).index(kind)


class LeaderRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


class WorkingGroupKind(models.TextChoices):
    WORKING_GROUP = "working_group", "工作组"
    MEMBER_UNIT = "member_unit", "成员单位分工"


class GroupMemberRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"
