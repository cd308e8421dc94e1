"""Before/after CPU time of the pure engine: the committed engine (HEAD) against the working tree.

    .venv/bin/python bench/ab_engine.py [--individuals N] [--collectives N] [--rounds R]

Copies HEAD's scoring/engine (git show, read only) into a temporary package, generates one set of
benchmark facts (bench/scoring_datagen.py, stored as JSON values as the database returns them),
and evaluates them in chunks of SCORING_EVALUATION_CHUNK with both engines, alternating, R rounds;
prints the CPU time (time.process_time) of each round and checks that both give identical results.
Alternating in one process keeps the comparison fair on a shared, busy machine.
"""

from __future__ import annotations

import argparse
import importlib
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _head_engine(directory: Path) -> object:
    files = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "HEAD", "scoring/engine/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if name.endswith(".py"):
            target = directory / "headengine" / name.removeprefix("scoring/engine/")
            target.parent.mkdir(parents=True, exist_ok=True)
            text = subprocess.run(
                ["git", "show", f"HEAD:{name}"], cwd=ROOT, capture_output=True, check=True
            ).stdout
            target.write_bytes(text)
    sys.path.insert(0, str(directory))
    return importlib.import_module("headengine")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--individuals", type=int, default=20000)
    parser.add_argument("--collectives", type=int, default=2900)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.scoring_datagen import fact_value
    from scoring import engine as new

    chunk = 5000  # settings.SCORING_EVALUATION_CHUNK
    with tempfile.TemporaryDirectory() as directory:
        old = _head_engine(Path(directory))
        rng = random.Random(2024)
        jobs = []
        for name, size in (
            ("s002-collective", args.collectives),
            ("s002-individual", args.individuals),
        ):
            path = ROOT / f"scoring/rubrics/{name}.yaml"
            rubric_new, rubric_old = new.load_rubric(path), old.load_rubric(path)  # type: ignore[attr-defined]
            specs = list(rubric_new.facts.items())
            coerce = {key: new.facts.coercer(spec) for key, spec in specs}
            pool = {
                str(n): {k: _json(coerce[k](fact_value(rng, k, s))) for k, s in specs}
                for n in range(1, size + 1)
            }
            ids = sorted(pool, key=int)
            chunks = [{c: pool[c] for c in ids[i : i + chunk]} for i in range(0, len(ids), chunk)]
            jobs.append((rubric_old, rubric_new, chunks))
        for round_ in range(args.rounds):
            spent = {}
            results = {}
            for label, engine, which in (("head", old, 0), ("new", new, 1)):
                started = time.process_time()
                results[label] = [
                    engine.evaluate(job[which], part)  # type: ignore[attr-defined]
                    for job in jobs
                    for part in job[2]
                ]
                spent[label] = time.process_time() - started
            for before, after in zip(results["head"], results["new"], strict=True):
                for cid, candidate in after.candidates.items():
                    previous = before.candidates[cid]
                    assert repr(previous.nodes) == repr(candidate.nodes), cid
                    assert (previous.total, previous.vetoes) == (candidate.total, candidate.vetoes)
            total = args.collectives + args.individuals
            print(
                f"round {round_ + 1}: {total} candidates, engine cpu: HEAD {spent['head']:.2f} s, "
                f"working tree {spent['new']:.2f} s ({spent['new'] / spent['head']:.0%}); "
                "results identical",
                flush=True,
            )


def _json(value: object) -> object:
    """As scoring.services.facts.to_json stores a coerced value (without importing Django)."""
    from decimal import Decimal

    if isinstance(value, bool | str) or value is None or isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return int(value)
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    raise TypeError(type(value).__name__)


if __name__ == "__main__":
    main()
