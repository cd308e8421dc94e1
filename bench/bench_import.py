"""Benchmark: import 80,000 monthly rows on PostgreSQL (not part of the test suite).

    .venv/bin/python bench/bench_import.py [--rows 80000] [--shape year|wide] [--no-append]

A fresh PostgreSQL database is created (and dropped at the end) on 127.0.0.1:5432; the dev
database is never touched. The file is a real .xlsx of the "officer_monthly" kind
(执法证件号, 月份, 上传检查记录数), written with openpyxl before timing starts.

  shape year  rows / 12 officers × 12 months (the usual yearly file: one fact per officer)
  shape wide  one month for each of `rows` officers (one fact per row: the worst case)

Measured, in this order:
  copy floor   COPY of the same rows into a plain table (cert text, month text, n int)
  read floor   openpyxl read-only parse of the file (what any .xlsx import must pay)
  preview      run_import(dry_run=True): read, check every row, diff with the stored facts
  import       run_import(dry_run=False) into an empty campaign: every fact written through
               scoring.services.facts.record_facts (history rows, re-score queue) and committed
  re-import    the same file again: 0 new, 0 changed (idempotence), nothing written
Target: import < 120 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
MONTHS = [f"2023-{m:02d}" for m in (11, 12)] + [f"2024-{m:02d}" for m in range(1, 11)]


def _pg_admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(PG_ADMIN_URL)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _rows(total: int, shape: str) -> list[tuple[str, str, int]]:
    if shape == "year":
        return [(f"CERT{i // 12:07d}", MONTHS[i % 12], (i * 7) % 60) for i in range(total)]
    return [(f"CERT{i:07d}", MONTHS[i % 12], (i * 7) % 60) for i in range(total)]


def _setup(rows: list[tuple[str, str, int]]):
    from django.core.management import call_command

    from campaigns.enums import CampaignStatus, UnitKind
    from campaigns.models import Campaign, Officer, OrgUnit
    from scoring.services import load_rubric_version, pin_rubric

    try:
        call_command("migrate", verbosity=0, skip_checks=True)
    except Exception as exc:  # another app's migrations may be mid-edit in a shared tree
        from django.apps import apps
        from django.conf import settings

        print(
            f"migrate failed ({exc}); creating the tables from the models instead", file=sys.stderr
        )
        settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
        call_command("migrate", verbosity=0, skip_checks=True, run_syncdb=True)
    city = OrgUnit.objects.create(name="基准市生态环境局", code="CITY", kind=UnitKind.CITY_BUREAU)
    units = OrgUnit.objects.bulk_create(
        OrgUnit(name=f"第{i}分局", code=f"BR{i:03d}", kind=UnitKind.BRANCH, parent=city)
        for i in range(40)
    )
    certs = sorted({cert for cert, _m, _n in rows})
    Officer.objects.bulk_create(
        (
            Officer(name=f"执法员{i}", unit=units[i % len(units)], certificate_no=cert)
            for i, cert in enumerate(certs)
        ),
        batch_size=5000,
    )
    campaign = Campaign.objects.create(
        title="导入基准活动",
        year=2024,
        issuing_unit=city,
        window_start=dt.date(2023, 11, 1),
        window_end=dt.date(2024, 10, 31),
        status=CampaignStatus.ACTIVE,
    )
    version = load_rubric_version(path_or_text=ROOT / "scoring/rubrics/s002-individual.yaml")
    pin_rubric(campaign=campaign, version=version, actor=None)
    return campaign, len(certs)


def _write_xlsx(rows: list[tuple[str, str, int]], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("导入数据")
    sheet.append(["执法证件号", "月份", "上传检查记录数"])
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)


def _copy_floor(rows: list[tuple[str, str, int]]) -> float:
    from django.db import connection

    buffer = io.StringIO("".join(f"{c},{m},{n}\n" for c, m, n in rows))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_copy_floor (cert text, month text, n integer)")
        raw = cursor.cursor  # the psycopg2 cursor under Django's wrapper
        started = time.perf_counter()
        raw.copy_expert(
            "COPY bench_copy_floor (cert, month, n) FROM STDIN WITH (FORMAT csv)", buffer
        )
        connection.commit() if not connection.get_autocommit() else None
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_copy_floor")
        assert cursor.fetchone()[0] == len(rows)
    return elapsed


def _roundtrip_ms() -> float:
    """One trivial query's round trip: how busy the database server is right now."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        for _ in range(500):
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return (time.perf_counter() - started) * 1000 / 500


def _read_floor(path: Path) -> float:
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert count > 0
    return time.perf_counter() - started


def measure(total: int, shape: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    import django

    django.setup()
    from scoring.models import Fact
    from spreadsheets.imports.services import run_import

    rows = _rows(total, shape)
    campaign, officers = _setup(rows)
    directory = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = directory / "移动执法月度统计.xlsx"
    _write_xlsx(rows, path)
    result = {"rows": total, "shape": shape, "officers": officers}
    result["roundtrip_ms"] = _roundtrip_ms()
    result["load"] = os.getloadavg()[0]
    result["copy_floor_s"] = _copy_floor(rows)
    result["read_floor_s"] = _read_floor(path)

    def timed(**kwargs):
        started = time.perf_counter()
        report = run_import(
            kind="officer_monthly", path=path, filename=path.name, campaign=campaign, **kwargs
        )
        return time.perf_counter() - started, report

    result["preview_s"], preview = timed(dry_run=True)
    assert preview.new == total and preview.rejected == 0, preview.summary_lines()[:5]
    result["import_s"], report = timed(dry_run=False)
    assert report.saved and report.new == total, report.summary_lines()[:5]
    result["facts"] = Fact.objects.filter(campaign=campaign).count()
    result["reimport_s"], again = timed(dry_run=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, total)
    path.unlink()
    directory.rmdir()
    return result


def _print(r: dict) -> list[str]:
    per_fact_ms = r["import_s"] * 1000 / r["facts"]
    if r["rows"] >= 80_000:
        verdict = "target < 120 s: " + ("ok" if r["import_s"] < 120 else "MISSED")
    else:  # a smaller run: say what 80,000 rows of this shape would take
        estimate = r["import_s"] * 80_000 / r["rows"]
        verdict = f"≈ {estimate:.0f} s for 80,000 rows of this shape (extrapolated)"
    lines = [
        f"{r['rows']:,} rows ({r['shape']}: {r['officers']:,} officers → {r['facts']:,} facts),"
        f" PostgreSQL; load average {r['load']:.1f},"
        f" SELECT 1 round trip {r['roundtrip_ms']:.2f} ms",
        f"floor: COPY into a plain table     {r['copy_floor_s']:8.2f} s",
        f"floor: openpyxl read-only parse    {r['read_floor_s']:8.2f} s",
        f"preview (dry run)                  {r['preview_s']:8.2f} s",
        f"import (all new, committed)        {r['import_s']:8.2f} s   {verdict}"
        f"   ({r['import_s'] / r['copy_floor_s']:.0f} × COPY, {per_fact_ms:.1f} ms per fact)",
        f"re-import same file (0 changed)    {r['reimport_s']:8.2f} s",
    ]
    for line in lines:
        print(line)
    return lines


def _append(lines: list[str], command: str) -> None:
    results = ROOT / "bench" / "RESULTS.md"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        machine = subprocess.run(
            ["nproc"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        machine = "?"
    section = (
        f"\n## Import of monthly rows (spreadsheets.imports) — {stamp}\n\n"
        f"`{command}` ({machine} CPUs)\n\n```\n" + "\n".join(lines) + "\n```\n"
    )
    with results.open("a", encoding="utf-8") as out:  # append only: others write here too
        out.write(section)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=80_000)
    parser.add_argument("--shape", choices=["year", "wide", "both"], default="both")
    parser.add_argument(
        "--no-append", action="store_true", help="do not append to bench/RESULTS.md"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import json

        print("RESULT " + json.dumps(measure(args.rows, args.shape)), flush=True)
        return
    shapes = ["year", "wide"] if args.shape == "both" else [args.shape]
    lines: list[str] = []
    for shape in shapes:
        name = f"bench_import_{uuid.uuid4().hex[:8]}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        try:
            env = {
                **os.environ,
                "DATABASE_URL": PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
                "DB_CONN_MAX_AGE": "0",
                "DEBUG": "0",
                "SECRET_KEY": "benchmark-only-not-a-secret",
                "LOG_LEVEL": "WARNING",
            }
            command = [
                sys.executable,
                __file__,
                "--child",
                "--rows",
                str(args.rows),
                "--shape",
                shape,
            ]
            output = subprocess.run(
                command, env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
            if output.returncode != 0:
                sys.stderr.write(output.stdout[-5000:] + output.stderr[-5000:])
                raise SystemExit(f"benchmark ({shape}) failed")
            import json

            result = json.loads(
                next(x for x in output.stdout.splitlines() if x.startswith("RESULT "))[7:]
            )
        finally:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print()
        lines += [*_print(result), ""]
    if not args.no_append:
        _append(lines[:-1], ".venv/bin/python bench/bench_import.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
