"""Benchmark: evaluate a national-scale campaign (not part of the test suite).

    .venv/bin/python bench/bench_evaluate.py --db both

2,900 collectives and 80,000 individuals with complete facts under the seed 002 rubrics
(scoring/rubrics/s002-collective.yaml, s002-individual.yaml), on a throw-away database: a temp
SQLite file, or a fresh PostgreSQL database that this script creates and drops (never the dev
database). Each measurement runs in its own process, so peak memory (ru_maxrss) is that of the
measured work alone:

  setup      migrate, generate units, officers, candidates and facts (not measured)
  floor      read the same facts from the database and nothing else (the evaluation's queries,
             rows iterated and JSON decoded, the garbage collector off as in the evaluation),
             best of three
  evaluate   evaluate_campaign on the fresh data: every snapshot written; peak memory of this
             process plus, per forked child that scores chunks, the memory it holds on its own
  recompute  evaluate_campaign again with no change (the steady-state full recompute); then one
             officer's fact changes and the eager task re-evaluates (record_fact → commit →
             task_evaluate_campaign → incremental run), end to end

Targets (2-core machine): engine + writes ≤ 2 × floor; whole recompute < 60 s; peak memory
< 1 GiB; one-fact re-evaluation < 5 s. "Engine + writes" is the full evaluation's wall time
minus the floor: the children score chunks while the parent reads, so the parts overlap and
only the whole can be compared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUBRICS = [
    ROOT / "scoring/rubrics/s002-collective.yaml",
    ROOT / "scoring/rubrics/s002-individual.yaml",
]
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds used so far by this process and, on PostgreSQL, by its server backend (read
    from /proc: the server runs on this machine). Less sensitive than wall time to other work
    on the machine."""
    from django.db import connection

    used = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return used


def _emit(data: dict) -> None:
    print("RESULT " + json.dumps(data), flush=True)


# --- phases (each in its own process) ---------------------------------------------------------


def phase_setup(collectives: int, individuals: int, seed: int) -> None:
    _django()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, skip_checks=True)

    from bench.scoring_datagen import fact_value
    from campaigns.enums import CampaignStatus, UnitKind
    from campaigns.models import Campaign, Officer, OrgUnit, Participation
    from scoring.engine.facts import coercer
    from scoring.models import CampaignRubric, Candidate, Fact, PendingChange
    from scoring.services import load_rubric_version, pin_rubric
    from scoring.services.facts import to_json

    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        city = OrgUnit.objects.create(
            name="基准测试省厅", code="BENCH-ROOT", kind=UnitKind.CITY_BUREAU
        )
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    name=f"基准执法机构{i:04d}",
                    code=f"BENCH-U{i:05d}",
                    kind=UnitKind.COUNTY_BUREAU,
                    parent=city,
                )
                for i in range(collectives)
            ],
            batch_size=2000,
        )
        units = list(
            OrgUnit.objects.filter(code__startswith="BENCH-U")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        campaign = Campaign.objects.create(
            title="全国执法大练兵基准测试",
            year=2024,
            issuing_unit=city,
            window_start="2023-11-01",
            window_end="2024-10-31",
            status=CampaignStatus.ACTIVE,
        )
        Participation.objects.bulk_create(
            [Participation(campaign=campaign, unit_id=u) for u in units], batch_size=2000
        )
        Officer.objects.bulk_create(
            [
                Officer(
                    name=f"执法员{i:05d}",
                    unit_id=units[i % len(units)],
                    certificate_no=f"BENCH{i:08d}",
                )
                for i in range(individuals)
            ],
            batch_size=5000,
        )
        officers = list(
            Officer.objects.filter(certificate_no__startswith="BENCH")
            .order_by("pk")
            .values_list("pk", "unit_id")
        )
        pins = {}
        for path in RUBRICS:
            version = load_rubric_version(path_or_text=path)
            pins[version.subject] = pin_rubric(campaign=campaign, version=version, actor=None)
        Candidate.objects.bulk_create(
            [
                Candidate(campaign_rubric=pins["collective"], unit_id=u, home_unit_id=u)
                for u in units
            ],
            batch_size=5000,
        )
        Candidate.objects.bulk_create(
            [
                Candidate(campaign_rubric=pins["individual"], officer_id=o, home_unit_id=u)
                for o, u in officers
            ],
            batch_size=5000,
        )
        fact_count = 0
        for subject, ids in (("collective", units), ("individual", [o for o, _u in officers])):
            rubric = pins[subject].version.rubric()
            plan = [(key, spec, coercer(spec)) for key, spec in rubric.facts.items()]
            column = "unit_id" if subject == "collective" else "officer_id"
            batch = []
            for subject_id in ids:
                for key, spec, coerce in plan:
                    value = to_json(coerce(fact_value(rng, key, spec)))
                    batch.append(
                        Fact(
                            campaign=campaign,
                            key=key,
                            value=value,
                            source="import",
                            source_ref="基准数据",
                            **{column: subject_id},
                        )
                    )
                if len(batch) >= 20000:
                    Fact.objects.bulk_create(batch, batch_size=5000)
                    fact_count += len(batch)
                    batch = []
            Fact.objects.bulk_create(batch, batch_size=5000)
            fact_count += len(batch)
        PendingChange.objects.filter(campaign=campaign).delete()  # the benchmark evaluates itself
    # Planner statistics, as autovacuum would have gathered them on a live database.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert CampaignRubric.objects.filter(campaign=campaign).count() == 2
    _emit(
        {
            "campaign_id": campaign.pk,
            "collectives": len(units),
            "individuals": len(officers),
            "facts": fact_count,
            "setup_s": time.perf_counter() - started,
        }
    )


def _read_facts_raw(campaign) -> int:
    """The evaluation's fact queries, rows iterated and decoded, nothing built from them."""
    from scoring.models import CampaignRubric
    from scoring.services.evaluation import (
        _SUBJECT_COLUMN,
        FACT_STREAM_CHUNK,
        _facts_queryset,
        load_campaign_facts,
    )

    rows = len(load_campaign_facts(campaign=campaign))
    for subject in sorted(
        set(
            CampaignRubric.objects.filter(campaign=campaign).values_list(
                "version__subject", flat=True
            )
        )
    ):
        column = _SUBJECT_COLUMN[subject]
        queryset = _facts_queryset(campaign, subject).order_by(column)
        for _row in queryset.values_list(column, "key", "value").iterator(
            chunk_size=FACT_STREAM_CHUNK
        ):
            rows += 1
    return rows


def phase_floor(campaign_id: int) -> None:
    _django()
    from django.db import transaction

    from campaigns.models import Campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    times, cpu = [], []
    for _ in range(3):
        # As in evaluate_campaign: one transaction (PostgreSQL: a server-side cursor), and the
        # cyclic garbage collector off while the facts are read.
        with transaction.atomic():
            gc.disable()
            started, started_cpu = time.perf_counter(), _cpu()
            rows = _read_facts_raw(campaign)
            times.append(time.perf_counter() - started)
            cpu.append(_cpu() - started_cpu)
            gc.enable()
            gc.collect()
    _emit(
        {
            "floor_s": min(times),
            "floor_cpu_s": min(cpu),
            "floor_all_s": times,
            "fact_rows": rows,
            "floor_maxrss_mib": _maxrss_mib(),
        }
    )


class _Timer:
    """Accumulates the time spent inside a wrapped function."""

    def __init__(self, module, name):
        self.module, self.name, self.seconds, self.calls = module, name, 0.0, 0
        self.inner = getattr(module, name)

        def wrapped(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        setattr(module, name, wrapped)


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def phase_evaluate(campaign_id: int) -> None:
    _django()
    from campaigns.models import Campaign
    from scoring.services import evaluation, forked

    campaign = Campaign.objects.get(pk=campaign_id)
    # The engine's work runs in forked children: it is counted by their CPU time
    # (RUSAGE_CHILDREN) and by ForkedChunks' own statistics. The writes stay in this process.
    write = _Timer(evaluation, "_write")
    stats = []
    leave = forked.ForkedChunks.__exit__

    def record_stats(self, *exc):
        leave(self, *exc)
        stats.append((self.processes, self.stats))

    forked.ForkedChunks.__exit__ = record_stats
    started, started_cpu = time.perf_counter(), _cpu()
    runs = evaluation.evaluate_campaign(campaign=campaign)
    total = time.perf_counter() - started
    processes = max((n for n, _ in stats), default=1)
    _emit(
        {
            "evaluate_s": total,
            "evaluate_cpu_s": _cpu() - started_cpu,
            "children_cpu_s": _children_cpu(),
            "processes": processes,
            "chunks_in_children": sum(st.chunks_in_children for _, st in stats),
            "chunks_in_parent": sum(st.chunks_in_parent for _, st in stats),
            "children_failed": sum(st.children_failed for _, st in stats),
            "child_private_peak_mib": max((st.child_private_peak_kib for _, st in stats), default=0)
            / 1024,
            "write_s": write.seconds,
            "snapshots_written": sum(run.snapshots_written for run in runs),
            "evaluated": sum(run.candidates_evaluated for run in runs),
            "maxrss_mib": _maxrss_mib(),
        }
    )


def phase_recompute(campaign_id: int) -> None:
    _django()
    from django.db import transaction

    from campaigns.models import Campaign
    from scoring.enums import FactSource
    from scoring.models import Candidate, EvaluationRun, ScoreSnapshot
    from scoring.services import evaluation, record_fact

    campaign = Campaign.objects.get(pk=campaign_id)
    started, started_cpu = time.perf_counter(), _cpu()
    runs = evaluation.evaluate_campaign(campaign=campaign)
    again = time.perf_counter() - started
    again_cpu = _cpu() - started_cpu
    written_again = sum(run.snapshots_written for run in runs)

    # One officer from the lower middle of the ranking gets two perfect case files: the case
    # quality points rise, the officer climbs and every candidate passed moves down one rank.
    current = ScoreSnapshot.objects.filter(
        campaign_rubric__rubric_key="s002-individual", is_current=True
    )
    ranked = (
        current.exclude(rank=None)
        .order_by("rank", "candidate_id")  # the same officer on both databases
        .values_list("candidate_id", "rank")
    )
    candidate_id, old_rank = ranked[ranked.count() * 3 // 4]
    officer = Candidate.objects.get(pk=candidate_id).officer
    perfect = [{"score": "100", "grave_defect": False}, {"score": "100", "grave_defect": False}]
    before_runs = set(EvaluationRun.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    with transaction.atomic():
        record_fact(
            campaign=campaign,
            subject=officer,
            key="sampled_case_files",
            value=perfect,
            source=FactSource.CASE_REVIEW,
            source_ref="基准：一项事实变更",
        )
    one_fact = time.perf_counter() - started  # the eager task ran on commit
    (run,) = EvaluationRun.objects.exclude(pk__in=before_runs)
    new_rank = current.get(candidate_id=candidate_id).rank
    _emit(
        {
            "recompute_unchanged_s": again,
            "recompute_unchanged_cpu_s": again_cpu,
            "recompute_unchanged_written": written_again,
            "one_fact_s": one_fact,
            "one_fact_run_kind": run.kind,
            "one_fact_evaluated": run.candidates_evaluated,
            "one_fact_written": run.snapshots_written,
            "one_fact_ranks_moved": run.ranks_changed,
            "one_fact_rank": [old_rank, new_rank],
            "maxrss_mib": _maxrss_mib(),
        }
    )


# --- driver -----------------------------------------------------------------------------------


def _run_phase(database_url: str, phase: str, *extra: str) -> dict:
    # As in production: DEBUG off (no query log), persistent settings from the environment.
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "0",
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, *extra]
    output = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if output.returncode != 0:
        sys.stderr.write(output.stdout + output.stderr)
        raise SystemExit(f"phase {phase} failed")
    lines = [line for line in output.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(lines[-1][len("RESULT ") :])


def _pg_admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(PG_ADMIN_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _verdict(good: bool) -> str:
    return "ok" if good else "MISSED"


def _report(name: str, r: dict) -> None:
    """One line per figure: wall time (CPU time), then its floor or target."""
    floor = r["floor_s"]
    beyond = r["evaluate_s"] - floor  # engine + writes: everything but reading the facts
    full, unchanged, one = r["evaluate_s"], r["recompute_unchanged_s"], r["one_fact_s"]
    floor_runs = ", ".join(f"{t:.2f}" for t in r["floor_all_s"])
    rank_from, rank_to = r["one_fact_rank"]
    all_cpu = r["evaluate_cpu_s"] + r["children_cpu_s"]
    memory = r["maxrss_mib"] + r["processes"] * r["child_private_peak_mib"]
    lines = [
        f"== {name}: {r['collectives']:,} collectives, {r['individuals']:,} individuals, "
        f"{r['facts']:,} facts",
        f"setup (not measured)             {r['setup_s']:8.1f} s",
        f"floor: read the facts            {floor:8.2f} s (cpu {r['floor_cpu_s']:.2f}); "
        f"runs {floor_runs}",
        f"full evaluate_campaign           {full:8.2f} s; target < 60 s: {_verdict(full < 60)}; "
        f"{r['snapshots_written']:,} snapshots written",
        f"  chunks scored                  {r['chunks_in_children']} in forked children, "
        f"{r['chunks_in_parent']} in the parent ({r['processes']} processes, "
        f"{r['children_failed']} failed)",
        f"  writes (snapshots, ranks)      {r['write_s']:8.2f} s (parent)",
        f"  cpu: parent (+ PG backend)     {r['evaluate_cpu_s']:8.2f} s; children "
        f"{r['children_cpu_s']:.2f} s; all {all_cpu:.2f} s",
        f"engine + writes (full − floor)   {beyond:8.2f} s = {beyond / floor:.2f} × floor; "
        f"target ≤ 2 × floor ({2 * floor:.2f} s): {_verdict(beyond <= 2 * floor)}",
        f"peak memory                      {memory:8.0f} MiB = parent {r['maxrss_mib']:.0f} + "
        f"{r['processes']} × child's own {r['child_private_peak_mib']:.0f}; target < 1024 MiB: "
        f"{_verdict(memory < 1024)}",
        f"full recompute, nothing changed  {unchanged:8.2f} s (cpu "
        f"{r['recompute_unchanged_cpu_s']:.2f}); target < 60 s: {_verdict(unchanged < 60)}; "
        f"{r['recompute_unchanged_written']} written",
        f"one fact changed → re-evaluated  {one:8.2f} s; target < 5 s: {_verdict(one < 5)}; "
        f"{r['one_fact_run_kind']} run: {r['one_fact_evaluated']} evaluated, "
        f"{r['one_fact_written']} written, {r['one_fact_ranks_moved']:,} ranks moved "
        f"(rank {rank_from} → {rank_to})",
    ]
    print("\n" + "\n".join(lines))


def bench(db: str, collectives: int, individuals: int, seed: int) -> dict:
    if db == "sqlite":
        directory = tempfile.mkdtemp(prefix="bench-scoring-")
        url = f"sqlite:///{directory}/bench.sqlite3"
        cleanup = lambda: shutil.rmtree(directory, ignore_errors=True)  # noqa: E731
    else:
        name = f"bench_scoring_{uuid.uuid4().hex[:8]}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        cleanup = lambda: _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # noqa: E731
    try:
        result = _run_phase(
            url,
            "setup",
            "--collectives",
            str(collectives),
            "--individuals",
            str(individuals),
            "--seed",
            str(seed),
        )
        campaign = str(result["campaign_id"])
        result |= _run_phase(url, "floor", "--campaign", campaign)
        evaluate = _run_phase(url, "evaluate", "--campaign", campaign)
        result |= evaluate
        recompute = _run_phase(url, "recompute", "--campaign", campaign)
        result |= {k: v for k, v in recompute.items() if k != "maxrss_mib"}
    finally:
        cleanup()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--collectives", type=int, default=2900)
    parser.add_argument("--individuals", type=int, default=80000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", action="store_true", help="also print the raw figures as JSON")
    parser.add_argument(
        "--phase", choices=["setup", "floor", "evaluate", "recompute"], help=argparse.SUPPRESS
    )
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "setup":
        return phase_setup(args.collectives, args.individuals, args.seed)
    if args.phase == "floor":
        return phase_floor(args.campaign)
    if args.phase == "evaluate":
        return phase_evaluate(args.campaign)
    if args.phase == "recompute":
        return phase_recompute(args.campaign)
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    python = sys.version.split()[0]
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  python {python}  cores {os.cpu_count()}")
    print(f"load average at start {load} (other work on the machine slows every figure)")
    for db in databases:
        result = bench(db, args.collectives, args.individuals, args.seed)
        _report(db, result)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
