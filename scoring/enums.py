from django.db import models


class RubricSubject(models.TextChoices):
    """Who a rubric scores (the YAML `subject`)."""

    COLLECTIVE = "collective", "集体"
    INDIVIDUAL = "individual", "个人"


class FactSource(models.TextChoices):
    """Where a fact came from. Every source lands as a Fact; scores never read anything else."""

    SELF_ASSESSMENT_REVIEW = "self_review", "自评复核"
    IMPORT = "import", "导入"
    CASE_REVIEW = "case_review", "案卷评查"
    PANEL = "panel", "评审打分"
    COMPETITION = "competition", "比武"
    SYSTEM = "system", "系统"


class RunKind(models.TextChoices):
    """A full run evaluates every candidate of a pinned rubric; an incremental run evaluates only
    the candidates whose facts changed (possible when no rule of the rubric looks at the pool)."""

    FULL = "full", "全量重算"
    INCREMENTAL = "incremental", "增量重算"


class ContestGrouping(models.TextChoices):
    """How the shortlisted contestants are split into groups (seed 002: "前10名同志为…参赛候选人，
    将10名同志分为5个小组参加小组赛").

    The seed does not say who goes with whom. Our reading: the groups are teams that compete
    against each other, so each should be about as strong as the others — snake order, which for
    pairs is 1 & 10, 2 & 9, … 5 & 6. Campaigns that read it as neighbours (1 & 2, 3 & 4, …) pick
    ADJACENT on the pinned rubric.
    """

    BALANCED = "balanced", "首尾搭配（1与10、2与9…）"
    ADJACENT = "adjacent", "名次相邻（1与2、3与4…）"
