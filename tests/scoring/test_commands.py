"""The thin commands: check_rubric, load_rubrics, evaluate."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from scoring.enums import FactSource
from scoring.models import RubricVersion
from scoring.services import record_fact, sync_collective_candidates
from tests.scoring.conftest import COLLECTIVE, INDIVIDUAL, edited

BROKEN = edited(COLLECTIVE, "type: per_occurrence, fact: cases,", "type: per_case, fact: cases,")
# Stated 10 points; the rule reaches 4 (like seed 000 着装演练): a warning, not an error.
WARNED = edited(
    COLLECTIVE,
    "rule: {type: per_occurrence, fact: publicity, each: 0.5, cap: 2}",
    "rule: {type: manual, fact: publicity, min: 0, max: 1}",
)


def _call(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_check_rubric_reports_file_path_and_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(COLLECTIVE, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("check_rubric", str(bad), str(good), stdout=out)
    assert excinfo.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith(f"{bad}: indicators[1].items[0].rule") and "per_case" in line
        for line in lines
    ), lines
    assert f"{good}: 通过（0 条警告）" in lines


def test_check_rubric_exit_codes(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nindicators: [", encoding="utf-8")
    warned = tmp_path / "warned.yaml"
    warned.write_text(WARNED, encoding="utf-8")
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "check_rubric"]
    failed = subprocess.run([*manage, str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert f"{bad}: （顶层）: YAML 语法错误" in failed.stdout
    passed = subprocess.run([*manage, str(warned)], capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "警告" in passed.stdout and f"{warned}: 通过（" in passed.stdout


@pytest.mark.django_db
def test_load_rubrics_loads_each_file_once(tmp_path):
    (tmp_path / "a.yaml").write_text(COLLECTIVE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(INDIVIDUAL, encoding="utf-8")
    first = _call("load_rubrics", "--dir", str(tmp_path))
    assert first.count("新版本") == 2
    second = _call("load_rubrics", "--dir", str(tmp_path))
    assert second.count("已存在") == 2
    assert RubricVersion.objects.count() == 2
    (tmp_path / "c.yaml").write_text(BROKEN, encoding="utf-8")
    with pytest.raises(CommandError):
        _call("load_rubrics", "--dir", str(tmp_path))
    assert RubricVersion.objects.count() == 2


@pytest.mark.django_db
def test_load_rubrics_ships_the_seed_rubrics():
    # A rubric still being written may not load yet (exit 1); the others must.
    with contextlib.suppress(CommandError):
        call_command("load_rubrics", stdout=io.StringIO())
    assert RubricVersion.objects.filter(key__startswith="s00").count() >= 2


@pytest.mark.django_db
def test_evaluate_prints_ranking_and_json(campaign, collective_pin, own_unit, other_unit):
    sync_collective_candidates(campaign_rubric=collective_pin)
    # own: 4 cases → 2; other: equip 95% → 2, 6 cases → 3 → 5
    record_fact(campaign=campaign, subject=own_unit, key="cases", value=4, source=FactSource.IMPORT)
    record_fact(
        campaign=campaign, subject=other_unit, key="cases", value=6, source=FactSource.IMPORT
    )
    record_fact(
        campaign=campaign,
        subject=other_unit,
        key="equip_ratio",
        value="0.95",
        source=FactSource.IMPORT,
    )
    table = _call("evaluate", str(campaign.pk))
    rows = [line.split() for line in table.splitlines() if line.strip()[:1].isdigit()]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("1", "5.00", "乙分局（乙分局）"),
        ("2", "2.00", "甲分局（甲分局）"),
    ]
    data = json.loads(_call("evaluate", str(campaign.pk), "--json"))
    (rubric,) = data["rubrics"]
    assert rubric["rubric"] == "t-collective"
    assert [(r["rank"], r["candidate"], r["total"]) for r in rubric["ranking"]] == [
        (1, "乙分局", "5.000000"),
        (2, "甲分局", "2.000000"),
    ]


@pytest.mark.django_db
def test_evaluate_unknown_campaign():
    with pytest.raises(CommandError, match="不存在"):
        _call("evaluate", "999999")
