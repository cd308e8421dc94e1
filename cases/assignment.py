"""Cross-review assignment as a small constraint solver. Pure: no Django, no database.

Constraints: each file gets exactly ``per_file`` distinct reviewers; never a reviewer of the
file's own unit; no reviewer above ``max_load`` files; optionally no reciprocal pairs of units
(if unit A reviews unit B, B does not review A); (file, reviewer) conflicts are excluded.

Method. Files of one unit are interchangeable for these constraints, so the solver works on
units, not files: a max-flow (Dinic) over source → file-unit (capacity per_file × its files)
→ reviewer (capacity = its files: a reviewer sees each file at most once) → sink (max_load).
The flow is exact: if it cannot carry every slot, no assignment exists and ``AssignmentError``
says so in Chinese, with the numbers. Each unit's flow is then dealt to its files: the
reviewer "tokens" in reviewer order, file j taking tokens j, j+m, j+2m… (m files), which gives
every file distinct reviewers because no reviewer has more than m tokens in a unit.

With ``rotation`` (A→B→C→A) only those unit pairs carry flow. With ``no_reciprocal`` the
solver forbids, for each pair of units carrying flow both ways, the direction carrying less,
and solves again (deterministic; at most one round per unit pair). That is a heuristic: it
can fail where a cleverer orientation would succeed, and then says so.
Files with conflicts are placed one by one after the flow (``reassign``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class AssignmentError(ValueError):
    """No assignment satisfies the constraints; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class FileSlot:
    id: int
    unit_id: int


@dataclass(frozen=True, slots=True)
class Reviewer:
    id: int
    unit_id: int | None
    room: int | None = None  # remaining capacity if below max_load (earlier assignments)


class _Flow:
    """Dinic's max-flow on integer capacities."""

    def __init__(self, n: int) -> None:
        self.graph: list[list[int]] = [[] for _ in range(n)]
        self.to: list[int] = []
        self.cap: list[int] = []

    def add(self, u: int, v: int, cap: int) -> int:
        self.graph[u].append(len(self.to))
        self.to.append(v)
        self.cap.append(cap)
        self.graph[v].append(len(self.to))
        self.to.append(u)
        self.cap.append(0)
        return len(self.to) - 2

    def run(self, s: int, t: int) -> int:
        total = 0
        n = len(self.graph)
        while True:
            level = [-1] * n
            level[s] = 0
            queue = [s]
            for u in queue:
                for e in self.graph[u]:
                    if self.cap[e] > 0 and level[self.to[e]] < 0:
                        level[self.to[e]] = level[u] + 1
                        queue.append(self.to[e])
            if level[t] < 0:
                return total
            pointer = [0] * n
            while True:
                pushed = self._push(s, t, level, pointer)
                if not pushed:
                    break
                total += pushed

    def _push(self, s: int, t: int, level: list[int], pointer: list[int]) -> int:
        # Iterative DFS for one augmenting path in the level graph.
        path: list[int] = []
        u = s
        while True:
            if u == t:
                amount = min(self.cap[e] for e in path)
                for e in path:
                    self.cap[e] -= amount
                    self.cap[e ^ 1] += amount
                return amount
            edges = self.graph[u]
            advanced = False
            while pointer[u] < len(edges):
                e = edges[pointer[u]]
                v = self.to[e]
                if self.cap[e] > 0 and level[v] == level[u] + 1:
                    path.append(e)
                    u = v
                    advanced = True
                    break
                pointer[u] += 1
            if not advanced:
                if not path:
                    return 0
                level[u] = -1  # dead end: prune
                e = path.pop()
                u = self.to[e ^ 1]
                pointer[u] += 1


def _solve_units(
    files_by_unit: Mapping[int, list[int]],
    reviewers: list[Reviewer],
    per_file: int,
    max_load: int,
    forbidden: set[tuple[int | None, int]],
) -> tuple[int, dict[int, dict[int, int]]]:
    units = sorted(files_by_unit)
    n = 2 + len(units) + len(reviewers)
    source, sink = 0, 1
    flow = _Flow(n)
    edges: dict[tuple[int, int], int] = {}
    for ui, unit in enumerate(units):
        m = len(files_by_unit[unit])
        flow.add(source, 2 + ui, per_file * m)
        for ri, reviewer in enumerate(reviewers):
            if reviewer.unit_id == unit or (reviewer.unit_id, unit) in forbidden:
                continue
            edges[(unit, reviewer.id)] = flow.add(2 + ui, 2 + len(units) + ri, m)
    for ri, reviewer in enumerate(reviewers):
        cap = max_load if reviewer.room is None else min(max_load, reviewer.room)
        flow.add(2 + len(units) + ri, sink, cap)
    carried = flow.run(source, sink)
    used: dict[int, dict[int, int]] = defaultdict(dict)
    for (unit, reviewer_id), e in edges.items():
        amount = flow.cap[e ^ 1]
        if amount:
            used[unit][reviewer_id] = amount
    return carried, used


def assign(
    files: Iterable[FileSlot],
    reviewers: Iterable[Reviewer],
    *,
    per_file: int = 1,
    max_load: int,
    no_reciprocal: bool = False,
    rotation: list[int] | None = None,
) -> dict[int, list[int]]:
    """file id → sorted reviewer ids. AssignmentError (Chinese) when impossible.

    `rotation` (unit ids in order, e.g. [A, B, C]) allows only A→B, B→C, C→A: the files of
    each unit go to reviewers of the unit before it."""
    files = sorted(files, key=lambda f: f.id)
    reviewers = sorted(reviewers, key=lambda r: r.id)
    if per_file < 1:
        raise AssignmentError("每份案卷的评查人数至少为 1。")
    if max_load < 1:
        raise AssignmentError("每名评查人员的最大评查份数至少为 1。")
    if not files:
        return {}
    if len(reviewers) < per_file:
        raise AssignmentError(
            f"评查人员只有 {len(reviewers)} 名，不足每份案卷所需的 {per_file} 名。"
        )
    needed = per_file * len(files)
    capacity = sum(max_load if r.room is None else min(max_load, r.room) for r in reviewers)
    if needed > capacity:
        raise AssignmentError(
            f"需要 {needed} 人次评查，{len(reviewers)} 名评查人员每人最多 {max_load} 份，"
            f"合计只能承担 {capacity} 人次，请增加评查人员或提高每人上限。"
        )
    files_by_unit: dict[int, list[int]] = defaultdict(list)
    for f in files:
        files_by_unit[f.unit_id].append(f.id)
    for unit in files_by_unit:
        outside = sum(1 for r in reviewers if r.unit_id != unit)
        if outside < per_file:
            raise AssignmentError(
                f"单位 {unit} 的案卷需要 {per_file} 名外单位评查人员，但只有 {outside} 名"
                f"（评查人员不得评查本单位案卷）。"
            )
    forbidden: set[tuple[int | None, int]] = set()
    if rotation:
        allowed = {(rotation[i - 1], rotation[i]) for i in range(len(rotation))}
        missing = sorted(set(files_by_unit) - set(rotation))
        if missing:
            raise AssignmentError(f"轮换顺序中缺少单位 {', '.join(map(str, missing))}。")
        forbidden = {
            (r.unit_id, unit)
            for r in reviewers
            for unit in files_by_unit
            if (r.unit_id, unit) not in allowed
        }
    for _round in range(len(files_by_unit) ** 2 + 1):
        carried, used = _solve_units(files_by_unit, reviewers, per_file, max_load, forbidden)
        if carried < needed:
            extra = "且不允许单位之间互评，" if no_reciprocal else ""
            if rotation:
                extra += "且按轮换顺序评查，"
            raise AssignmentError(
                f"无法满足约束：需要 {needed} 人次评查，在“不评本单位、每人最多 {max_load} 份、"
                f"{extra}每份 {per_file} 人”的条件下最多只能安排 {carried} 人次。"
            )
        if not no_reciprocal:
            break
        unit_of = {r.id: r.unit_id for r in reviewers}
        directed: dict[tuple[int | None, int], int] = defaultdict(int)
        for unit, by_reviewer in used.items():
            for reviewer_id, amount in by_reviewer.items():
                directed[(unit_of[reviewer_id], unit)] += amount
        clash = sorted(
            (a, b) for (a, b) in directed if a is not None and (b, a) in directed and a < b
        )
        if not clash:
            break
        a, b = clash[0]
        # Forbid the lighter direction; ties forbid B → A (deterministic).
        if directed[(a, b)] < directed[(b, a)]:
            forbidden.add((a, b))
        else:
            forbidden.add((b, a))
    return _deal(files_by_unit, used, per_file)


def _deal(
    files_by_unit: Mapping[int, list[int]], used: Mapping[int, Mapping[int, int]], per_file: int
) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for unit, file_ids in files_by_unit.items():
        m = len(file_ids)
        tokens = [rid for rid in sorted(used.get(unit, {})) for _ in range(used[unit][rid])]
        for j, file_id in enumerate(file_ids):
            result[file_id] = sorted(tokens[j + k * m] for k in range(per_file))
    return result


def reassign(
    file: FileSlot,
    reviewers: Iterable[Reviewer],
    *,
    exclude: set[int],
    loads: Mapping[int, int],
    max_load: int,
) -> int:
    """A replacement reviewer for one file (after a declared conflict): the least-loaded one
    outside the file's unit and `exclude` (current and conflicted reviewers), lowest id first."""
    options = [
        r
        for r in reviewers
        if r.unit_id != file.unit_id and r.id not in exclude and loads.get(r.id, 0) < max_load
    ]
    if not options:
        raise AssignmentError(
            "没有可改派的评查人员：其余评查人员均属本单位、已回避、已在评查该案卷或已达评查上限。"
        )
    return min(options, key=lambda r: (loads.get(r.id, 0), r.id)).id
