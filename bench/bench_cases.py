"""Benchmark: a national cross-review of case files (not part of the test suite).

    .venv/bin/python bench/bench_cases.py            # 80,000 cases, 2,900 units, 3,000 candidates
    .venv/bin/python bench/bench_cases.py --small    # a quick run at 1/10 scale

On a throw-away SQLite file (DATABASE_URL points at a temp directory; never the dev database):

  setup       migrate; units, officers (= individual candidates under s002-individual), cases with
              both handler roles, reviewers (not measured)
  draw floor  read every candidate's pool for both slots (the draw's own pool queries), nothing else
  draw        cases.services.draw_plan for every candidate: 1 general + 1 supporting-measures
              file each, recorded with seed, pool hash, result and SampledFile rows
  assign floor read the sampled files (with their units) and the reviewers
  assign      cases.services.propose_assignments: the max-flow solver + the Assignment rows
  queue       queries of one reviewer's queue page with 50 files (must not depend on the count)

Appends a dated section to bench/RESULTS.md (re-read first, append only) unless --no-record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
# No collectstatic here: the page renders with plain static URLs (no manifest).
STATIC_PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    # As in production: DEBUG off (no query log slowing every query), a throw-away key.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-" + os.urandom(16).hex())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def setup_data(*, cases: int, units: int, candidates: int, reviewers: int, seed: int) -> dict:
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, skip_checks=True)
    from accounts.enums import Role
    from accounts.models import User
    from campaigns.enums import CampaignStatus, UnitKind
    from campaigns.models import Campaign, Officer, OrgUnit
    from cases import services
    from cases.enums import SUPPORTING_MEASURES, CaseType, HandlerRole
    from cases.models import CaseFile, CaseHandler
    from scoring.models import Candidate
    from scoring.services import load_rubric_version, pin_rubric

    rng = random.Random(seed)
    supporting = sorted(SUPPORTING_MEASURES)
    others = [CaseType.NO_PENALTY, CaseType.CRIME_TRANSFER, CaseType.COURT_ENFORCEMENT]
    with transaction.atomic():
        root = OrgUnit.objects.create(name="基准省厅", code="B-ROOT", kind=UnitKind.CITY_BUREAU)
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    name=f"机构{i:04d}",
                    code=f"B-U{i:05d}",
                    kind=UnitKind.COUNTY_BUREAU,
                    parent=root,
                )
                for i in range(units)
            ],
            batch_size=2000,
        )
        unit_ids = list(
            OrgUnit.objects.filter(code__startswith="B-U")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        campaign = Campaign.objects.create(
            title="全国案卷交叉评查基准",
            year=2024,
            issuing_unit=root,
            window_start=dt.date(2023, 11, 1),
            window_end=dt.date(2024, 10, 31),
            status=CampaignStatus.ACTIVE,
        )
        Officer.objects.bulk_create(
            [
                Officer(
                    name=f"执法员{i:05d}", unit_id=unit_ids[i % units], certificate_no=f"B{i:08d}"
                )
                for i in range(candidates)
            ],
            batch_size=2000,
        )
        officers = list(Officer.objects.order_by("pk").values_list("pk", "unit_id"))
        pin = pin_rubric(
            campaign=campaign,
            version=load_rubric_version(path_or_text=ROOT / "scoring/rubrics/s002-individual.yaml"),
            actor=None,
        )
        Candidate.objects.bulk_create(
            [Candidate(campaign_rubric=pin, officer_id=o, home_unit_id=u) for o, u in officers],
            batch_size=2000,
        )
        rows = []
        for j in range(cases):
            officer_id, unit_id = officers[j % len(officers)]
            roll = rng.random()
            case_type = (
                CaseType.GENERAL_PENALTY
                if roll < 0.6
                else rng.choice(supporting)
                if roll < 0.9
                else rng.choice(others)
            )
            decision = dt.date(2023, 9, 1) + dt.timedelta(days=rng.randrange(450))
            rows.append(
                CaseFile(
                    unit_id=unit_id,
                    case_number=f"B〔2024〕{j}号",
                    case_type=case_type,
                    decision_date=decision,
                )
            )
        CaseFile.objects.bulk_create(rows, batch_size=2000)
        handler_rows = []
        for index, (case_id,) in enumerate(CaseFile.objects.order_by("pk").values_list("pk")):
            officer_id = officers[index % len(officers)][0]
            handler_rows.append(
                CaseHandler(
                    case_file_id=case_id, officer_id=officer_id, role=HandlerRole.INSPECTION_RECORD
                )
            )
            handler_rows.append(
                CaseHandler(
                    case_file_id=case_id, officer_id=officer_id, role=HandlerRole.FILING_APPROVAL
                )
            )
        CaseHandler.objects.bulk_create(handler_rows, batch_size=5000)
        for r in range(reviewers):
            User.objects.create(
                username=f"bench-rev{r}", role=Role.REVIEWER, unit_id=unit_ids[(r * 7) % units]
            )
        checklist = services.load_checklist(actor=None)
        # Room for a 50-file queue (the page measured below), whatever the average load.
        per_reviewer = max(60, -(-2 * candidates // reviewers) + 10)
        services.configure_review(
            campaign=campaign, checklist=checklist, actor=None, max_load=per_reviewer
        )
        seed_row = services.announce_seed(
            campaign=campaign, value="基准种子 2024-11-05", actor=None
        )
    return {"campaign": campaign, "seed": seed_row}


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="1/10 scale")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    scale = 10 if args.small else 1
    sizes = {
        "cases": 80_000 // scale,
        "units": 2_900 // scale,
        "candidates": 3_000 // scale,
        "reviewers": 300 // scale,
    }
    tmp = Path(tempfile.mkdtemp(prefix="bench-cases-"))
    try:
        _django(tmp / "bench.sqlite3")
        setup_seconds, data = timed(lambda: setup_data(**sizes, seed=2024))
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        from cases import services
        from cases.enums import AssignmentStatus, SlotKind
        from cases.models import Assignment, SampledFile
        from scoring.models import Candidate

        campaign, seed = data["campaign"], data["seed"]
        candidates = list(
            Candidate.objects.select_related("campaign_rubric__campaign", "officer").order_by("pk")
        )

        def floor_draw():
            total = 0
            for c in candidates:
                for slot in (SlotKind.GENERAL, SlotKind.SUPPORTING):
                    total += len(services._case_facts(campaign=campaign, candidate=c, slot=slot))
            return total

        draw_floor, pool_rows = timed(floor_draw)

        def do_draws():
            return sum(
                len(services.draw_plan(candidate=c, seed=seed, actor=None)) for c in candidates
            )

        draw_seconds, draw_count = timed(do_draws)
        sampled = SampledFile.objects.count()

        def floor_assign():
            from accounts.models import User

            files = list(SampledFile.objects.values_list("pk", "case_file__unit_id"))
            people = list(User.objects.filter(role="reviewer").values_list("pk", "unit_id"))
            return len(files) + len(people)

        assign_floor, _ = timed(floor_assign)
        assign_seconds, assigned = timed(
            lambda: services.propose_assignments(campaign=campaign, actor=None)
        )
        services.approve_assignments(campaign=campaign, actor=None)

        # A reviewer's queue with exactly 50 files.
        reviewer_id = Assignment.objects.values_list("reviewer_id", flat=True).first()
        mine = list(
            Assignment.objects.filter(reviewer_id=reviewer_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(mine) > 50:
            Assignment.objects.filter(pk__in=mine[50:]).update(status=AssignmentStatus.PROPOSED)
        shown = Assignment.objects.filter(
            reviewer_id=reviewer_id, status=AssignmentStatus.ACTIVE
        ).count()
        setup_test_environment()
        from accounts.models import User

        client = Client()
        client.force_login(User.objects.get(pk=reviewer_id))
        from django.conf import settings
        from django.test import override_settings

        plain = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_PLAIN}}
        connection.queries_log.clear()  # a full log (9,000 entries) would count 0 new queries
        with override_settings(STORAGES=plain), CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/queue/", secure=True)
        assert response.status_code == 200, response.status_code
        figures = {
            **sizes,
            "setup": setup_seconds,
            "draw_floor": draw_floor,
            "pool_rows": pool_rows,
            "draw": draw_seconds,
            "draws": draw_count,
            "sampled": sampled,
            "assign_floor": assign_floor,
            "assign": assign_seconds,
            "assigned": assigned,
            "queue_files": shown,
            "queue_queries": len(queries),
        }
        for key, value in figures.items():
            print(f"{key:14} {value:.3f}" if isinstance(value, float) else f"{key:14} {value}")
        if not args.no_record:
            record(args, figures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def record(args, f: dict) -> None:
    command = ".venv/bin/python bench/bench_cases.py" + (" --small" if args.small else "")
    lines = [
        "",
        f"## Case-file cross-review — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command}` (SQLite, DEBUG off, {os.cpu_count()} cores). {f['cases']:,} cases, "
        f"{f['units']:,} units, {f['candidates']:,} candidates (s002-individual: 1 general + "
        f"1 supporting-measures file each), {f['reviewers']} reviewers.",
        "",
        "| measurement | result | floor |",
        "|---|---|---|",
        f"| draw: {f['draws']:,} recorded draws, {f['sampled']:,} files | {f['draw']:.1f} s | "
        f"reading every pool ({f['pool_rows']:,} rows): {f['draw_floor']:.1f} s |",
        f"| assignment: {f['assigned']:,} assignments (max-flow, never own unit, load cap) | "
        f"{f['assign']:.2f} s | reading files and reviewers: {f['assign_floor']:.2f} s |",
        f"| reviewer queue page with {f['queue_files']} files | {f['queue_queries']} queries | "
        "constant in the number of files |",
        "",
    ]
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if not RESULTS.exists():
        RESULTS.write_text(existing)
    with RESULTS.open("a") as out:  # append only: never rewrite what others recorded
        if not existing.endswith("\n"):
            out.write("\n")
        out.write("\n".join(lines))


if __name__ == "__main__":
    main()
