"""Services of the publication app (STYLE.md #1).

approvals   submit_for_approval, approve, return_for_changes, is_stale, current_fingerprint
notices     publish_notice, public_rows, notice_state
objections  file_objection, record_investigation, veto_options
"""

from publication.services.approvals import (
    approve,
    current_fingerprint,
    is_stale,
    latest_approved,
    return_for_changes,
    submit_for_approval,
)
from publication.services.notices import notice_state, public_rows, publish_notice
from publication.services.objections import file_objection, record_investigation, veto_options

__all__ = [
    "approve",
    "current_fingerprint",
    "file_objection",
    "is_stale",
    "latest_approved",
    "notice_state",
    "public_rows",
    "publish_notice",
    "record_investigation",
    "return_for_changes",
    "submit_for_approval",
    "veto_options",
]
