"""Services of the submissions app: every write goes through a function here (STYLE.md #1).

workflow        transition (the one mover of a claim's status), bulk_accept, evidence_state
claims          save_claim (draft values, version-checked), preview_points (writes nothing)
claim_evidence  attach_evidence, detach_evidence (links are stamped, never deleted)
nominations     nominate, withdraw_nomination (quota, certificate, rubric eligibility)
reports         submit_report, late_reports, remind_late_units (monthly reports)
"""

from submissions.services.claims import clean_values, preview_points, save_claim
from submissions.services.errors import ClaimConflict
from submissions.services.workflow import bulk_accept, transition

__all__ = [
    "ClaimConflict",
    "bulk_accept",
    "clean_values",
    "preview_points",
    "save_claim",
    "transition",
]
