"""States of the approval (审定) and of an objection (异议) raised during the public notice."""

from django.db import models


class ApprovalStatus(models.TextChoices):
    """submitted → approved | returned; a submission replaced by a newer one is superseded."""

    SUBMITTED = "submitted", "待审定"
    APPROVED = "approved", "已审定"
    RETURNED = "returned", "已退回"
    SUPERSEDED = "superseded", "已被新报送取代"


class ObjectionStatus(models.TextChoices):
    """received → investigating → upheld | dismissed (seed 003: 举报线索 … 调查 … 经查确实)."""

    RECEIVED = "received", "已受理"
    INVESTIGATING = "investigating", "调查中"
    UPHELD = "upheld", "经查属实"
    DISMISSED = "dismissed", "经查不属实"


DECIDED_OBJECTION_STATUSES = (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED)
