"""Refusals of the submissions services that carry the claim's current state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from submissions.models import Claim

STALE_MESSAGE = _("该条目已被他人修改，请刷新后重试。")
DOUBLE_SUBMIT_MESSAGE = _("该条目已提交，请勿重复提交。")
EVIDENCE_CHANGED_MESSAGE = _("该条目的佐证材料已变更（例如被撤回），请刷新后重新核对。")


class ClaimConflict(ValidationError):
    """The claim changed since the user loaded it (version mismatch), or the requested change
    was already made (a double click). `current` is the claim as it is now, to show."""

    def __init__(self, message: str, *, current: Claim | None) -> None:
        super().__init__(message, code="conflict")
        self.current = current
