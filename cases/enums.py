"""States and kinds of the case-file review (案卷评查) lifecycle."""

from django.db import models


class CaseType(models.TextChoices):
    """The eight case types of issue 5. Values are the keys the checklist data file uses."""

    GENERAL_PENALTY = "general_penalty", "一般行政处罚"
    NO_PENALTY = "no_penalty", "不予行政处罚决定"
    DAILY_PENALTY = "daily_penalty", "按日连续处罚"
    SEAL_SEIZE = "seal_seize", "查封扣押"
    RESTRICT_PRODUCTION = "restrict_production", "限产停产"
    DETENTION_TRANSFER = "detention_transfer", "移送行政拘留"
    CRIME_TRANSFER = "crime_transfer", "涉嫌犯罪移送"
    COURT_ENFORCEMENT = "court_enforcement", "申请法院强制执行"


# 四个配套办法 (DOMAIN "Case file"): the "supporting measures" slot of seeds 000 and 002.
SUPPORTING_MEASURES = frozenset(
    {
        CaseType.DAILY_PENALTY,
        CaseType.SEAL_SEIZE,
        CaseType.RESTRICT_PRODUCTION,
        CaseType.DETENTION_TRANSFER,
    }
)


class HandlerRole(models.TextChoices):
    INSPECTION_RECORD = "inspection_record", "笔录检查人/调查询问人"
    FILING_APPROVAL = "filing_approval", "立案审批表承办人"
    PRESIDING = "presiding", "主办人"


class SlotKind(models.TextChoices):
    """What a draw slot accepts (seed 000 collective: 2 general + 1 supporting measures)."""

    GENERAL = "general", "一般行政处罚案卷"
    SUPPORTING = "supporting", "四个配套办法案卷"
    ANY = "any", "任意类型案卷"
    # One case type exactly (seed 003's files submitted by type); values are CaseType values.
    NO_PENALTY = "no_penalty", "不予行政处罚决定案卷"
    DAILY_PENALTY = "daily_penalty", "按日连续处罚案卷"
    SEAL_SEIZE = "seal_seize", "查封扣押案卷"
    RESTRICT_PRODUCTION = "restrict_production", "限产停产案卷"
    DETENTION_TRANSFER = "detention_transfer", "移送行政拘留材料"
    CRIME_TRANSFER = "crime_transfer", "涉嫌犯罪移送材料"
    COURT_ENFORCEMENT = "court_enforcement", "申请法院强制执行材料"


class DrawMethod(models.TextChoices):
    """How a set of files was chosen: drawn at random with an announced seed, or submitted by
    the candidate unit by type (seed 003: "各单位自行组织筛选优秀案卷")."""

    RANDOM = "random", "随机抽取"
    SUBMITTED = "submitted", "单位按类型提交"


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", "待批准"
    ACTIVE = "active", "评查中"
    SUBMITTED = "submitted", "已提交"
    CONFLICT = "conflict", "已申报回避"
    REPLACED = "replaced", "抽取已被取代"


# Assignments that no longer count (loads, matrix, progress, combining): the reviewer stepped
# aside, or a redraw replaced the file's draw.
ENDED_ASSIGNMENT_STATUSES = (AssignmentStatus.CONFLICT, AssignmentStatus.REPLACED)


class ItemState(models.TextChoices):
    SCORED = "scored", "评分"
    MISSING = "missing", "缺失（0 分）"
    NOT_APPLICABLE = "na", "不适用"


class Aggregation(models.TextChoices):
    MEAN = "mean", "平均值"
    MEDIAN = "median", "中位数"
