"""rank in its four modes, from the pool or from an external list (catalogue 9)."""

from __future__ import annotations

from scoring.engine import evaluate, fmt_points

from .builders import D, one_rule, outcome, pool_points

DRILL_FACTS = {"drill": {"type": "number", "label": "比武成绩"}}
# 000: "根据成绩排名得 1—30 分" → rank 1 → 30, last rank → 1, linear between
DRILL = {
    "type": "rank",
    "fact": "drill",
    "source": "pool",
    "mode": "linear",
    "best": 30,
    "worst": 1,
}


def test_rank_linear_in_pool_of_thirty():
    # 30 participants: points = 30 − 29 × (r − 1) / 29 = 31 − r → rank 3 gets 28
    pool = {f"u{n:02d}": {"drill": 100 - n} for n in range(30)}
    points = pool_points(one_rule(DRILL_FACTS, DRILL), pool)
    assert points["u00"] == D(30)
    assert points["u02"] == D(28)
    assert points["u29"] == D(1)


def test_rank_linear_explanation():
    pool = {"a": {"drill": 90}, "b": {"drill": 80}, "c": {"drill": 70}}
    rub = one_rule(DRILL_FACTS, DRILL)

    result = evaluate(rub, pool).candidates["b"].nodes["x"]
    # 3 ranked: rank 2 → 30 − 29 × 1/2 = 15.5
    assert result.points == D("15.5")
    assert result.explanation == "比武成绩 80，第 2 名（共 3 名） → 15.5 分"


def test_rank_ties_share_a_rank():
    # 90, 90, 70: ranks 1, 1, 3 → 30, 30, 1
    pool = {"a": {"drill": 90}, "b": {"drill": 90}, "c": {"drill": 70}}
    assert pool_points(one_rule(DRILL_FACTS, DRILL), pool) == {"a": D(30), "b": D(30), "c": D(1)}


def test_rank_without_value_gets_nothing():
    pool = {"a": {"drill": 90}, "b": {}}
    points = pool_points(one_rule(DRILL_FACTS, DRILL), pool)
    assert points == {"a": D(30), "b": D(0)}
    assert outcome(one_rule(DRILL_FACTS, DRILL), {}) == (D(0), "比武成绩：无名次 → 0 分")


def test_rank_single_candidate_is_first():
    assert outcome(one_rule(DRILL_FACTS, DRILL), {"drill": 5})[0] == D(30)


def test_rank_external_linear_with_list_length():
    # an external rank among K = 10: rank 4 → 30 − 29 × 3/9; beyond K → 0
    rub = one_rule(
        {"r": {"type": "rank", "label": "名次"}},
        {"type": "rank", "fact": "r", "source": "external", "mode": "linear", "best": 10,
         "worst": 1, "of": 10},
    )  # fmt: skip
    # 10 − 9 × 3/9 = 7
    assert outcome(rub, {"r": 4}) == (D(7), "名次第 4 名（共 10 名） → 7 分")
    assert outcome(rub, {"r": 11}) == (D(0), "名次第 11 名，在前 10 名之外 → 0 分")


TOP_K = {"type": "rank", "fact": "r", "source": "external", "mode": "top_k", "k": 200, "best": 5,
         "worst": 1}  # fmt: skip


def test_rank_top_k_bounds():
    # 000: "候选人学习积分位列全省前 200 名的，根据排名得 1—5 分"
    rub = one_rule({"r": {"type": "rank", "label": "学习积分全省排名"}}, TOP_K)
    assert outcome(rub, {"r": 1})[0] == D(5)
    assert outcome(rub, {"r": 200})[0] == D(1)  # "前 200 名" includes 200
    assert outcome(rub, {"r": 201}) == (D(0), "学习积分全省排名第 201 名，未进入前 200 名 → 0 分")


def test_rank_top_k_in_between():
    # rank 100: 5 − 4 × 99/199 = 3.0100502... → shown 3.01
    rub = one_rule({"r": "rank"}, TOP_K)
    points, _ = outcome(rub, {"r": 100})
    assert fmt_points(points) == "3.01"
    assert abs(points - (D(5) - D(4) * 99 / 199)) < D("1e-20")


BANDS = {"type": "rank", "fact": "team", "source": "pool", "mode": "bands", "best": 8,
         "band": 0.1, "decrement": 0.8}  # fmt: skip


def test_rank_bands_ten_teams():
    # 000: "其中集体排名第一的参赛队员得 8 分，之后每 10%依次递减 0.8 分"
    # 10 teams: rank 1 → 8; rank 2 is 10% down → 7.2; rank 4 → 30% → 8 − 2.4 = 5.6
    pool = {f"t{n}": {"team": 100 - n} for n in range(10)}
    points = pool_points(one_rule({"team": "number"}, BANDS), pool)
    assert (points["t0"], points["t1"], points["t3"]) == (D(8), D("7.2"), D("5.6"))


def test_rank_bands_boundary_of_a_band():
    # 20 teams: rank 3 is exactly 10% down → one band → 7.2; rank 4 is 15% → two bands → 6.4
    pool = {f"t{n:02d}": {"team": 100 - n} for n in range(20)}
    points = pool_points(one_rule({"team": "number"}, BANDS), pool)
    assert (points["t02"], points["t03"]) == (D("7.2"), D("6.4"))


def test_rank_bands_never_below_min():
    # 10 teams, decrement 2: rank 10 → 8 − 9 × 2 < 0 → min 0
    pool = {f"t{n}": {"team": 100 - n} for n in range(10)}
    points = pool_points(one_rule({"team": "number"}, {**BANDS, "decrement": 2}), pool)
    assert points["t9"] == D(0)


def test_rank_table():
    rub = one_rule(
        {"r": "rank"},
        {"type": "rank", "fact": "r", "source": "external", "mode": "table",
         "table": {1: 8, 2: D("7.2"), 3: D("6.4")}, "default": 1},
    )  # fmt: skip
    assert outcome(rub, {"r": 2})[0] == D("7.2")
    assert outcome(rub, {"r": 9}) == (D(1), "r第 9 名，不在名次表中 → 1 分")
