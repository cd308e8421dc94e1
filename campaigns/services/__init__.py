"""Services of the campaigns app: every write goes through a function here (STYLE.md #1)."""

from campaigns.services.officers import create_officer, update_officer
from campaigns.services.participation import set_participation
from campaigns.services.phases import check_phase_set, schedule_phase
from campaigns.services.units import UnitInUse, delete_unit, unit_in_use_reasons

__all__ = [
    "UnitInUse",
    "check_phase_set",
    "create_officer",
    "delete_unit",
    "schedule_phase",
    "set_participation",
    "unit_in_use_reasons",
    "update_officer",
]
