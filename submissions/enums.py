"""States and kinds of the submissions app (STYLE.md #3)."""

from django.db import models


class ClaimStatus(models.TextChoices):
    """A claim's lifecycle; `submissions.services.workflow.transition` is its only mover.

    draft → submitted → accepted / adjusted / returned; returned → submitted again."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已认定"
    ADJUSTED = "adjusted", "已调整"
    RETURNED = "returned", "已退回"


# The editable states: the unit may change values only here.
EDITABLE_STATUSES = frozenset({ClaimStatus.DRAFT, ClaimStatus.RETURNED})
# Reviewed: the reviewer's verified values are facts now.
REVIEWED_STATUSES = frozenset({ClaimStatus.ACCEPTED, ClaimStatus.ADJUSTED})


class NominationStatus(models.TextChoices):
    ACTIVE = "active", "推荐中"
    WITHDRAWN = "withdrawn", "已撤回"


class ReportKind(models.TextChoices):
    """Monthly reports of seeds 003/004: statistics by the 3rd, briefing by the 25th."""

    STATISTICS = "statistics", "月度统计"
    BRIEFING = "briefing", "活动简报"
