"""The bulk snapshot write (executemany on SQLite, COPY on PostgreSQL) stores text exactly."""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest

from scoring.enums import RunKind
from scoring.models import EvaluationRun, ScoreSnapshot
from scoring.services import evaluate_campaign, sync_collective_candidates
from scoring.services.evaluation import _insert_snapshots, _Row

pytestmark = pytest.mark.django_db

# Every character COPY's text format treats specially, and its NULL marker spelt out.
AWKWARD = 'a\\b\tc\nd\re "引号" \\N 结束\\'


def test_awkward_text_is_stored_exactly(campaign, collective_pin, own_unit):
    sync_collective_candidates(campaign_rubric=collective_pin)
    evaluate_campaign(campaign=campaign)
    old = ScoreSnapshot.objects.get(candidate__unit=own_unit, is_current=True)
    ScoreSnapshot.objects.filter(pk=old.pk).update(is_current=False)
    run = EvaluationRun.objects.create(
        campaign_rubric=collective_pin, rubric_version=collective_pin.version, kind=RunKind.FULL
    )
    breakdown = {"equip_pts": ["2", AWKWARD, {"zeroed": AWKWARD}], "反\\斜": ["0", ""]}
    row = _Row(
        candidate_id=old.candidate_id,
        total=Decimal("12.500000"),
        base=Decimal("10.000000"),
        bonus=Decimal("2.500000"),
        vetoes=(AWKWARD,),
        ineligible=(),
        warnings=(AWKWARD, "\\"),
        breakdown=orjson.dumps(breakdown),
        digest="d" * 32,
        tie_break=(),
    )

    _insert_snapshots(run=run, pin=collective_pin, rows=[row], ranks={old.candidate_id: None})

    new = ScoreSnapshot.objects.get(run=run)
    assert new.breakdown == breakdown
    assert (new.veto_reasons, new.vetoed) == ([AWKWARD], True)
    assert (new.ineligible_reasons, new.ineligible) == ([], False)
    assert new.warnings == [AWKWARD, "\\"]
    assert (new.total, new.base, new.bonus, new.rank) == (Decimal("12.5"), 10, Decimal("2.5"), None)
    assert (new.is_current, new.result_digest, new.rubric_version_id) == (
        True,
        "d" * 32,
        collective_pin.version_id,
    )
