"""One demo user per role, all with the same known password (never for production data)."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.enums import Role
from accounts.models import User
from campaigns.demo.base import CREATED, UNCHANGED, UPDATED, Tally
from campaigns.models import OrgUnit

DEMO_PASSWORD = "demo-pass-2024"  # noqa: S105 — printed by load_demo; demo users only


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    unit_code: str
    display_name: str
    role_en: str
    is_staff: bool = False
    is_superuser: bool = False


# `branch` and `branch2` sit in two different 泰安 branches, so that access scoping shows.
DEMO_USERS = [
    DemoUser("branch", Role.BRANCH_STAFF, "TA-TS", "泰山分局填报员（演示）", "branch staff"),
    DemoUser("branch2", Role.BRANCH_STAFF, "TA-DY", "岱岳分局填报员（演示）", "branch staff"),
    DemoUser("reviewer", Role.REVIEWER, "TA-ZD", "支队评审员（演示）", "reviewer"),
    DemoUser(
        "admin",
        Role.CAMPAIGN_ADMIN,
        "TA-ZD",
        "领导小组办公室管理员（演示）",
        "campaign admin",
        is_staff=True,
        is_superuser=True,
    ),
    DemoUser("leader", Role.LEADERSHIP, "TA", "领导小组成员（演示）", "leadership"),
]


def build(tally: Tally, units: dict[str, OrgUnit]) -> list[User]:
    return [_upsert_user(tally, spec, units[spec.unit_code]) for spec in DEMO_USERS]


def _upsert_user(tally: Tally, spec: DemoUser, unit: OrgUnit) -> User:
    values = {
        "role": spec.role,
        "unit": unit,
        "display_name": spec.display_name,
        "is_staff": spec.is_staff,
        "is_superuser": spec.is_superuser,
        "is_active": True,
    }
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        user = User(username=spec.username, **values)
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
        tally.add(User, CREATED)
        return user
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    # Hashing again would change the stored hash (a new salt) on every run: only reset the
    # password when it is not the demo one.
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.full_clean()
        user.save(update_fields=changed)
    tally.add(User, UPDATED if changed else UNCHANGED)
    return user
