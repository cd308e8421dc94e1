"""青浦 2020 (seed 004) defines process only: scoring/rubrics/s004-process.yaml scores nothing."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from scoring.engine import RubricError, check_rubric, evaluate, load_rubric

RUBRIC_PATH = Path(__file__).resolve().parents[3] / "scoring" / "rubrics" / "s004-process.yaml"

# SCHEMA.md sets no minimum number of indicators, but the engine (model.Rubric.indicators,
# Field(min_length=1)) refuses an empty list. The rubric encodes the seed as written: no
# indicators. Until the engine allows that, the tests that need a loaded rubric xfail.
EMPTY_REFUSED = "engine refuses a rubric with no indicators (SCHEMA.md does not require one)"


def _load():
    try:
        return load_rubric(RUBRIC_PATH)
    except RubricError as exc:
        if [p.path for p in exc.problems] == ["indicators"]:
            pytest.xfail(f"{EMPTY_REFUSED}: {exc}")
        raise


@pytest.fixture(scope="module")
def rubric():
    return _load()


def test_the_empty_indicator_list_is_the_only_load_problem() -> None:
    # everything else in the file is valid: at most the one "indicators" problem
    try:
        load_rubric(RUBRIC_PATH)
    except RubricError as exc:
        assert [p.path for p in exc.problems] == ["indicators"], str(exc)


def test_loads_with_no_indicators(rubric) -> None:
    assert list(rubric.indicators) == []


def test_check_rubric_is_clean(rubric) -> None:
    assert check_rubric(rubric) == []


def test_notes_say_it_scores_nothing() -> None:
    data = yaml.safe_load(RUBRIC_PATH.read_text(encoding="utf-8"))
    notes = "\n".join(data["notes"])
    assert "不计分" in notes
    # the process it does define: statistics by the 3rd, briefing by the 25th, nomination by 11-20
    for fact in ("每月3日前", "每月25日前", "11月20日前"):
        assert fact in notes
    assert not data.get("vetoes") and not data.get("eligibility")


def test_everyone_scores_zero(rubric) -> None:
    result = evaluate(rubric, {"执法大队": {}, "污染防治科": {"anything": 3}})
    for r in result.candidates.values():
        assert r.total == D("0") and r.base == D("0") and r.bonus == D("0")
        assert r.nodes == {} and r.vetoes == [] and r.ineligible == []
    assert result.excluded == []
    # nothing distinguishes them: a tie at rank 1
    assert sorted(r.rank for r in result.candidates.values()) == [1, 1]


def test_empty_pool(rubric) -> None:
    result = evaluate(rubric, {})
    assert result.candidates == {} and result.ranking == [] and result.excluded == []
