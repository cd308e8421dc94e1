"""Who sees which part of the progress dashboard (STYLE.md #5), in the style of accounts.access.

- Campaign admins (the office) and leadership see every unit's row, the charts and the current
  ranking. Leadership only reads: the dashboard has nothing to change, and the one action on it
  (sending the reminders now) is the office's: 403 for them.
- Reviewers see their review queue's progress, not the units' rows or the ranking.
- Branch staff see only their own units' rows: no other unit, no ranking, no charts drawn from
  other units' numbers. Staff of a unit outside the campaign get 404 (get_campaign_for_user).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.access import own_unit_ids, role_key

if TYPE_CHECKING:
    from accounts.access import AnyUser

# The keys of accounts.access.role_key, which also picks the user's home page.
OFFICE, LEADERSHIP, REVIEWER, STAFF = "admin", "leadership", "reviewer", "staff"


def sees_all_units(user: AnyUser) -> bool:
    """The per-unit table of every unit, the charts and the ranking."""
    return role_key(user) in (OFFICE, LEADERSHIP)


def visible_unit_ids(user: AnyUser) -> frozenset[int] | None:
    """None: every unit's row; otherwise only these units' rows (empty for reviewers)."""
    if sees_all_units(user):
        return None
    if role_key(user) == REVIEWER:
        return frozenset()
    return own_unit_ids(user)


def may_send_reminders(user: AnyUser) -> bool:
    return role_key(user) == OFFICE
