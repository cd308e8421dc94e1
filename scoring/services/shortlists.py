"""Shortlists: the current ranking of a pinned rubric cut down by its quotas.

Read-only: a shortlist is derived from the current snapshots whenever it is asked for. The
published list (public notice, approval) will store what was published when that exists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from scoring.enums import ContestGrouping
from scoring.models import CampaignRubric, Candidate, PendingChange, ScoreSnapshot

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(slots=True)
class ShortlistEntry:
    """A place in the shortlist, read lean: what the quotas need, for every candidate.

    `snapshot` (with candidate, unit and officer, without the breakdown) is loaded for the
    selected and the excluded candidates only; load it for others with Shortlist.attach()."""

    snapshot_id: int
    candidate_id: int
    rank: int | None
    total: Decimal
    unit_id: int  # the candidate's home unit
    category: str
    reasons: list[str]  # why an excluded candidate is not ranked (vetoes first)
    selected: bool = False
    note: str = ""  # why a ranked candidate was passed over, or that it got in on a tie
    snapshot: ScoreSnapshot | None = None

    @property
    def candidate(self) -> Candidate:
        if self.snapshot is None:
            raise LookupError("snapshot not loaded: call Shortlist.attach() with this entry")
        return self.snapshot.candidate


@dataclass(slots=True)
class Shortlist:
    campaign_rubric: CampaignRubric
    ranked: list[ShortlistEntry] = field(default_factory=list)  # rank order, selected or not
    excluded: list[ShortlistEntry] = field(default_factory=list)  # vetoed / ineligible
    groups: list[list[ShortlistEntry]] = field(default_factory=list)  # contest groups
    warnings: list[str] = field(default_factory=list)

    @property
    def selected(self) -> list[ShortlistEntry]:
        return [entry for entry in self.ranked if entry.selected]

    def attach(self, entries: Iterable[ShortlistEntry]) -> None:
        """Load the snapshots of `entries` (e.g. one page of `ranked`) in one query."""
        missing = {entry.snapshot_id: entry for entry in entries if entry.snapshot is None}
        if not missing:
            return
        snapshots = (
            ScoreSnapshot.objects.filter(pk__in=list(missing))
            .select_related("candidate__unit", "candidate__officer__unit", "candidate__home_unit")
            .defer("breakdown", "warnings")  # most of a snapshot's bytes; not shown here
        )
        for snapshot in snapshots:
            missing[snapshot.pk].snapshot = snapshot


class _Bucket:
    """A quota (overall, per unit, per category) and the rank of the last one let in."""

    __slots__ = ("last_rank", "limit", "taken")

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.taken = 0
        self.last_rank: int | None = None

    def full(self, rank: int) -> bool:
        """Full, unless `rank` ties with the last one let in (ties share a place: 并列)."""
        return self.limit is not None and self.taken >= self.limit and rank != self.last_rank

    def over(self) -> bool:
        return self.limit is not None and self.taken > self.limit

    def take(self, rank: int) -> None:
        self.taken += 1
        self.last_rank = rank


def _groups(selected: list[ShortlistEntry], size: int, how: str) -> list[list[ShortlistEntry]]:
    count = len(selected) // size
    if how == ContestGrouping.ADJACENT:
        return [selected[i * size : (i + 1) * size] for i in range(count)]
    groups: list[list[ShortlistEntry]] = [[] for _ in range(count)]
    for round_no in range(size):  # snake: 1..5 forward, 6..10 backward → 1&10, 2&9, …
        order = range(count) if round_no % 2 == 0 else range(count - 1, -1, -1)
        for position, group in enumerate(order):
            groups[group].append(selected[round_no * count + position])
    return groups


def build_shortlist(*, campaign_rubric: CampaignRubric) -> Shortlist:
    """Rank, exclude and select under the pin's quotas.

    - Ranks come from the current snapshots: ties share a rank (1, 1, 3) unless the rubric's
      tie-breakers tell them apart.
    - Vetoed and ineligible candidates are listed apart with their reasons.
    - Quotas are applied walking down the ranking: per-category counts (a candidate of a
      category without a quota is not selected), at most K per unit, then the top N. A
      candidate tied with the last one let into a full quota is let in too, with a warning:
      the office decides such ties, the software does not drop one of two equal candidates.
    - Contest groups (seed 002: top 10 in 5 pairs) are formed from the selected list when its
      size divides evenly; see ContestGrouping for the pairing read from the seed.
    Four queries, whatever the number of candidates; the selected and excluded entries come
    with their snapshots (and candidates), the others can be loaded a page at a time with
    Shortlist.attach()."""
    pin = campaign_rubric
    shortlist = Shortlist(pin)
    quotas: dict[str, Any] = pin.category_quotas or {}
    overall = _Bucket(pin.shortlist_size)
    units: dict[int, _Bucket] = {}
    categories = {name: _Bucket(int(limit)) for name, limit in quotas.items()}
    tied_in: list[ShortlistEntry] = []
    # Lean: a national pool has 80,000 officers, and the quotas need five columns of each.
    rows = ScoreSnapshot.objects.ranking(pin).values_list(
        "id",
        "candidate_id",
        "rank",
        "total",
        "vetoed",
        "ineligible",
        "veto_reasons",
        "ineligible_reasons",
        "candidate__home_unit_id",
        "candidate__category",
    )
    for sid, cid, rank, total, vetoed, ineligible, vetoes, failed, unit_id, category_name in rows:
        entry = ShortlistEntry(sid, cid, rank, total, unit_id, category_name, [*vetoes, *failed])
        if vetoed or ineligible:
            shortlist.excluded.append(entry)
            continue
        shortlist.ranked.append(entry)
        unit = units.setdefault(unit_id, _Bucket(pin.per_unit_limit))
        category = categories.get(category_name) if quotas else None
        if quotas and category is None:
            entry.note = f"类别“{category_name or '未分类'}”没有名额"
        elif category is not None and category.full(rank):
            entry.note = f"类别“{category_name}”名额已满（{category.limit} 名）"
        elif unit.full(rank):
            entry.note = f"本单位已入选 {unit.limit} 名"
        elif overall.full(rank):
            entry.note = f"超出推荐名额（{overall.limit} 名）"
        else:
            entry.selected = True
            buckets = [b for b in (overall, unit, category) if b is not None]
            for bucket in buckets:
                bucket.take(rank)
            if any(bucket.over() for bucket in buckets):
                entry.note = f"与第 {rank} 名并列，超出名额入选，请领导小组确定"
                tied_in.append(entry)
    shortlist.attach([*shortlist.selected, *shortlist.excluded])
    for entry in tied_in:
        shortlist.warnings.append(
            f"{entry.candidate} 与已入选者并列第 {entry.rank} 名，入选人数超过名额，需人工确定。"
        )
    selected = shortlist.selected
    size = pin.contest_group_size
    if size:
        if selected and len(selected) % size == 0:
            shortlist.groups = _groups(selected, size, pin.contest_grouping)
        else:
            shortlist.warnings.append(
                f"入选 {len(selected)} 人，不能按每组 {size} 人平均分组，请先处理并列或名额。"
            )
    unscored = (
        Candidate.objects.filter(campaign_rubric=pin, is_active=True)
        .exclude(snapshots__is_current=True)
        .count()
    )
    if unscored:
        shortlist.warnings.append(f"{unscored} 个参评对象尚未计算得分，未列入名单。")
    if PendingChange.objects.filter(campaign_id=pin.campaign_id).exists():
        shortlist.warnings.append("有尚未计算的事实变更，名单可能不是最新结果。")
    return shortlist


def clean_shortlist_rules(
    *,
    shortlist_size: int | None,
    per_unit_limit: int | None,
    category_quotas: dict[str, Any] | None,
    contest_group_size: int | None,
    contest_grouping: str,
) -> dict[str, Any]:
    """The quota settings checked and normalised (ValidationError per field otherwise)."""
    errors: dict[str, str] = {}
    for name, value, least in (
        ("shortlist_size", shortlist_size, 1),
        ("per_unit_limit", per_unit_limit, 1),
        ("contest_group_size", contest_group_size, 2),
    ):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < least
        ):
            errors[name] = f"须为不小于 {least} 的整数。"
    quotas: dict[str, int] = {}
    if not isinstance(category_quotas or {}, dict):
        errors["category_quotas"] = "须为“类别: 名额”的映射。"
    else:
        for name, limit in (category_quotas or {}).items():
            if not str(name).strip():
                errors["category_quotas"] = "类别名称不能为空。"
            elif isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                errors["category_quotas"] = f"类别“{name}”的名额须为正整数。"
            else:
                quotas[str(name).strip()] = limit
    if contest_grouping not in ContestGrouping.values:
        errors["contest_grouping"] = "未知的分组方式。"
    if contest_group_size and not errors.get("contest_group_size"):
        if not shortlist_size:
            errors["contest_group_size"] = "分组参赛须同时设置推荐名额。"
        elif shortlist_size % contest_group_size:
            errors["contest_group_size"] = (
                f"推荐名额 {shortlist_size} 不能按每组 {contest_group_size} 人平均分组。"
            )
    if errors:
        raise ValidationError(errors)
    return {
        "shortlist_size": shortlist_size,
        "per_unit_limit": per_unit_limit,
        "category_quotas": quotas,
        "contest_group_size": contest_group_size,
        "contest_grouping": contest_grouping,
    }


@transaction.atomic
def set_shortlist_rules(
    *,
    campaign_rubric: CampaignRubric,
    actor: User | None,
    shortlist_size: int | None = None,
    per_unit_limit: int | None = None,
    category_quotas: dict[str, int] | None = None,
    contest_group_size: int | None = None,
    contest_grouping: str = ContestGrouping.BALANCED,
) -> CampaignRubric:
    """Set the pin's quotas (all of them: a value left out is cleared); history keeps the old."""
    if actor is not None and not actor.is_campaign_admin:
        raise PermissionDenied("只有活动管理员可以设置推荐名额。")
    values = clean_shortlist_rules(
        shortlist_size=shortlist_size,
        per_unit_limit=per_unit_limit,
        category_quotas=category_quotas,
        contest_group_size=contest_group_size,
        contest_grouping=contest_grouping,
    )
    pin = campaign_rubric
    if all(getattr(pin, name) == value for name, value in values.items()):
        return pin
    for name, value in values.items():
        setattr(pin, name, value)
    pin._history_user = actor
    pin.save(update_fields=list(values))
    return pin
