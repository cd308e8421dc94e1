"""The assignment solver: own unit never, loads respected, N per file, clear failures."""

from __future__ import annotations

from collections import Counter

import pytest

from cases.assignment import AssignmentError, FileSlot, Reviewer, assign, reassign


def files_of(units_and_counts):
    out, next_id = [], 1
    for unit, n in units_and_counts:
        for _ in range(n):
            out.append(FileSlot(next_id, unit))
            next_id += 1
    return out


def test_assignment_never_places_a_file_with_its_own_unit():
    files = files_of([(1, 5), (2, 5), (3, 5)])
    reviewers = [Reviewer(r, (r % 3) + 1) for r in range(100, 106)]
    unit_of = {r.id: r.unit_id for r in reviewers}
    plan = assign(files, reviewers, per_file=2, max_load=5)
    for f in files:
        assert len(plan[f.id]) == 2 and len(set(plan[f.id])) == 2
        assert all(unit_of[r] != f.unit_id for r in plan[f.id])


def test_assignment_respects_max_load():
    files = files_of([(1, 6), (2, 6)])
    reviewers = [Reviewer(10, 3), Reviewer(11, 3), Reviewer(12, 4), Reviewer(13, 1)]
    plan = assign(files, reviewers, per_file=1, max_load=3)
    loads = Counter(r for rs in plan.values() for r in rs)
    assert max(loads.values()) <= 3 and sum(loads.values()) == 12


def test_assignment_respects_remaining_room():
    files = files_of([(1, 2)])
    plan = assign(files, [Reviewer(10, 2, room=1), Reviewer(11, 3)], per_file=1, max_load=5)
    assert Counter(r for rs in plan.values() for r in rs) == {10: 1, 11: 1}


def test_assignment_is_deterministic():
    files = files_of([(1, 4), (2, 3)])
    reviewers = [Reviewer(r, r % 2 + 1) for r in range(20, 26)]
    assert assign(files, reviewers, max_load=3) == assign(
        list(reversed(files)), reviewers, max_load=3
    )


def test_assignment_fails_with_a_clear_message_when_capacity_is_short():
    with pytest.raises(AssignmentError, match="需要 6 人次评查，2 名评查人员每人最多 2 份"):
        assign(files_of([(1, 6)]), [Reviewer(10, 2), Reviewer(11, 3)], max_load=2)


def test_assignment_fails_when_only_own_unit_reviewers_could_take_a_file():
    # Capacity is enough overall, but unit 1's files can only go to reviewer 11.
    with pytest.raises(AssignmentError, match="无法满足约束：需要 4 人次评查"):
        assign(files_of([(1, 3), (2, 1)]), [Reviewer(10, 1), Reviewer(11, 2)], max_load=2)
    with pytest.raises(AssignmentError, match="需要 2 名外单位评查人员，但只有 1 名"):
        assign(files_of([(1, 1)]), [Reviewer(10, 1), Reviewer(11, 2)], per_file=2, max_load=2)


def test_no_reciprocal_pairs_gives_a_rotation():
    files = files_of([(1, 2), (2, 2), (3, 2)])
    reviewers = [Reviewer(10, 1), Reviewer(20, 2), Reviewer(30, 3)]
    plan = assign(files, reviewers, max_load=2, no_reciprocal=True)
    unit_of = {r.id: r.unit_id for r in reviewers}
    directed = {(unit_of[r], f.unit_id) for f in files for r in plan[f.id]}
    assert all((b, a) not in directed for a, b in directed)


def test_no_reciprocal_pairs_impossible_with_two_units():
    with pytest.raises(AssignmentError, match="不允许单位之间互评"):
        assign(
            files_of([(1, 1), (2, 1)]),
            [Reviewer(10, 1), Reviewer(20, 2)],
            max_load=2,
            no_reciprocal=True,
        )


def test_reassign_picks_the_least_loaded_outsider():
    reviewers = [Reviewer(10, 1), Reviewer(11, 2), Reviewer(12, 3), Reviewer(13, 3)]
    got = reassign(FileSlot(1, 1), reviewers, exclude={11}, loads={12: 2, 13: 1}, max_load=3)
    assert got == 13
    with pytest.raises(AssignmentError, match="没有可改派的评查人员"):
        reassign(FileSlot(1, 1), reviewers, exclude={11, 12, 13}, loads={}, max_load=3)


def test_rotation_sends_each_units_files_to_the_unit_before_it():
    files = files_of([(1, 2), (2, 2), (3, 2)])
    reviewers = [Reviewer(10, 1), Reviewer(20, 2), Reviewer(30, 3)]
    plan = assign(files, reviewers, max_load=2, rotation=[1, 2, 3])
    unit_of = {r.id: r.unit_id for r in reviewers}
    pairs = {(unit_of[r], f.unit_id) for f in files for r in plan[f.id]}
    assert pairs == {(3, 1), (1, 2), (2, 3)}
    # Capacity suffices overall (6 ≥ 5), but unit 1's three files may only go to unit 3.
    with pytest.raises(AssignmentError, match="且按轮换顺序评查"):
        assign(files_of([(1, 3), (2, 1), (3, 1)]), reviewers, max_load=2, rotation=[1, 2, 3])
