"""Benchmark: the ranking workbook of an 80,000-officer campaign (not part of the test suite).

    .venv/bin/python bench/bench_export.py

A throw-away SQLite database (temp file) holds 80,000 officers scored under the seed 002
individual rubric (scoring/rubrics/s002-individual.yaml): current snapshots are generated
directly with bulk_create (plausible points and explanations for every node, ranks with ties,
about 1 in 200 vetoed), not evaluated. Each measurement runs in its own process, so peak memory
(ru_maxrss) is that of the measured work alone:

  setup    migrate, units, officers, candidates, one run and its snapshots (not measured)
  export   spreadsheets.exports.ranking.write_ranking to a temp file: the whole export, from
           the database reads to the saved workbook; time and peak memory
  floor    the same cells (same values, same styles, same merges and print setup) written with
           bare openpyxl write-only from rows already in memory; only the writing is timed.
           The rows are read from the database first, untimed (so this process's memory is
           not a target)
  xlsxwriter  the same cells with XlsxWriter in constant-memory mode, when it is installed

Targets: export ≤ 1.5 × floor; export peak memory < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = ROOT / "scoring/rubrics/s002-individual.yaml"


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(data: dict) -> None:
    print("RESULT " + json.dumps(data), flush=True)


# --- phases (each in its own process) -----------------------------------------------------------


def phase_setup(officers: int, units: int, seed: int) -> None:
    _django()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    call_command("migrate", verbosity=0, skip_checks=True)

    from campaigns.enums import CampaignStatus, UnitKind
    from campaigns.models import Campaign, Officer, OrgUnit
    from scoring.engine.model import Item
    from scoring.enums import RunKind
    from scoring.models import Candidate, EvaluationRun, PendingChange, ScoreSnapshot
    from scoring.services import load_rubric_version, pin_rubric

    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        root = OrgUnit.objects.create(
            name="基准测试省厅", code="BENCH-ROOT", kind=UnitKind.CITY_BUREAU
        )
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    name=f"基准执法机构{i:04d}",
                    code=f"BENCH-U{i:05d}",
                    kind=UnitKind.COUNTY_BUREAU,
                    parent=root,
                )
                for i in range(units)
            ],
            batch_size=2000,
        )
        unit_ids = list(
            OrgUnit.objects.filter(code__startswith="BENCH-U")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        campaign = Campaign.objects.create(
            title="全国执法大练兵基准测试",
            year=2024,
            issuing_unit=root,
            document_number="基准〔2024〕1号",
            window_start="2023-11-01",
            window_end="2024-10-31",
            status=CampaignStatus.ACTIVE,
        )
        Officer.objects.bulk_create(
            [
                Officer(
                    name=f"执法员{i:05d}",
                    unit_id=unit_ids[i % len(unit_ids)],
                    certificate_no=f"B{i:08d}",
                )
                for i in range(officers)
            ],
            batch_size=5000,
        )
        officer_rows = list(
            Officer.objects.filter(certificate_no__startswith="B")
            .order_by("pk")
            .values_list("pk", "unit_id")
        )
        version = load_rubric_version(path_or_text=RUBRIC)
        pin = pin_rubric(campaign=campaign, version=version, actor=None)
        pin.shortlist_size = 100
        pin.save(update_fields=["shortlist_size"])
        Candidate.objects.bulk_create(
            [Candidate(campaign_rubric=pin, officer_id=o, home_unit_id=u) for o, u in officer_rows],
            batch_size=5000,
        )
        candidate_ids = list(
            Candidate.objects.filter(campaign_rubric=pin)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        run = EvaluationRun.objects.create(
            campaign_rubric=pin,
            rubric_version=version,
            kind=RunKind.FULL,
            finished_at=timezone.now(),
        )
        rubric = version.rubric()
        walk = list(rubric.walk())
        results = []
        for candidate_id in candidate_ids:
            breakdown = {}
            total = Decimal(0)
            # items get random points within their max; nodes get the sum of what is beneath
            for path, node in reversed(walk):
                if isinstance(node, Item):
                    top = node.max if node.max is not None else Decimal(2)
                    points = (Decimal(rng.randint(0, int(top * 4))) / 4).min(top)
                    breakdown[node.id] = [
                        str(points),
                        f"{node.title} 记录 {rng.randint(0, 40)} 条 → {points} 分",
                    ]
                else:
                    below = sum(
                        (
                            Decimal(breakdown[child.id][0])
                            for child in [*node.children, *node.items]
                        ),
                        Decimal(0),
                    )
                    if node.max is not None:
                        below = below.min(node.max)
                    breakdown[node.id] = [str(below), f"合计 {below} 分"]
                    if path.count(".") == 0:
                        total += below
            vetoed = rng.random() < 0.005
            ordered = {node.id: breakdown[node.id] for _path, node in walk}
            results.append((candidate_id, total, vetoed, ordered))
        ranked = sorted((r for r in results if not r[2]), key=lambda r: -r[1])
        ranks, previous, rank = {}, None, 0
        for position, (candidate_id, total, _v, _b) in enumerate(ranked, 1):
            if total != previous:
                rank, previous = position, total
            ranks[candidate_id] = rank
        batch = []
        for candidate_id, total, vetoed, breakdown in results:
            batch.append(
                ScoreSnapshot(
                    run=run,
                    candidate_id=candidate_id,
                    campaign_rubric=pin,
                    rubric_version=version,
                    total=total,
                    base=total,
                    bonus=Decimal(0),
                    rank=ranks.get(candidate_id),
                    vetoed=vetoed,
                    veto_reasons=["本人出现违反廉洁纪律问题"] if vetoed else [],
                    breakdown=breakdown,
                    result_digest=f"{candidate_id:032d}",
                )
            )
            if len(batch) >= 5000:
                ScoreSnapshot.objects.bulk_create(batch, batch_size=5000)
                batch = []
        ScoreSnapshot.objects.bulk_create(batch, batch_size=5000)
        # pin_rubric queued a full evaluation on commit: the snapshots above are the data
        PendingChange.objects.filter(campaign=campaign).delete()
    _emit(
        {
            "campaign_id": campaign.pk,
            "officers": len(officer_rows),
            "setup_s": time.perf_counter() - started,
        }
    )


def phase_export(campaign_id: int, out: str) -> None:
    _django()
    from campaigns.models import Campaign
    from spreadsheets.exports.ranking import write_ranking

    campaign = Campaign.objects.get(pk=campaign_id)
    started = time.perf_counter()
    summary = write_ranking(campaign=campaign, target=out)
    elapsed = time.perf_counter() - started
    _emit(
        {
            "export_s": elapsed,
            "export_rows": summary.rows,
            "export_maxrss_mib": _maxrss_mib(),
            "export_bytes": Path(out).stat().st_size,
        }
    )


def _same_cells(campaign_id: int) -> tuple:
    """The rubric sheet's layout and body rows, and the excluded rows, as the export writes
    them (values only), read from the database."""
    from campaigns.models import Campaign
    from scoring.models import CampaignRubric
    from spreadsheets.exports.ranking import _RubricSheet, indicator_groups, snapshot_rows

    campaign = Campaign.objects.get(pk=campaign_id)
    pin = CampaignRubric.objects.select_related("version").get(campaign=campaign)
    from openpyxl import Workbook

    sheet = _RubricSheet(
        Workbook(write_only=True).create_sheet("x"), pin, indicator_groups(pin.version.rubric())
    )
    rows, excluded = [], []
    for _cid, _u, name, unit, total, bonus, rank, vetoed, inel, vr, ir, breakdown in snapshot_rows(
        pin
    ):
        reasons = "；".join([*vr, *ir]) or None
        points = [float(breakdown[n][0]) if n in breakdown else None for n in sheet.node_ids]
        rows.append(
            (
                unit,
                name,
                *points,
                float(bonus),
                float(total),
                rank,
                reasons,
                "是" if rank and rank <= 100 else None,
            )
        )
        if vetoed or inel:
            excluded.append((pin.version.title, unit, name, float(total), "否决", reasons))
    return sheet.layout(), sheet, rows, excluded


def phase_floor(campaign_id: int, out: str) -> None:
    _django()
    from openpyxl import Workbook

    from spreadsheets.exports import cells as c

    layout, sheet, rows, excluded = _same_cells(campaign_id)
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("排名")
    c.set_up_sheet(ws, layout)
    c.title_rows(ws, title="标题", subtitle="文号", width=sheet.width)
    ws.append(c.header_row(ws, ["h"] * sheet.width))
    ws.append(c.header_row(ws, ["h"] * sheet.width))
    for col in range(1, sheet.width + 1):
        c.merge(ws, 3, col, 4, col)
    n_points = len(sheet.node_ids) + 2
    columns = [c.Column(ws), c.Column(ws)]
    columns += [
        c.Column(ws, number_format=c.POINTS_FORMAT, alignment=c.CENTER) for _ in range(n_points)
    ]
    columns += [
        c.Column(ws, number_format=c.RANK_FORMAT),
        c.Column(ws, alignment=c.WRAP),
        c.Column(ws),
    ]
    for row in rows:
        ws.append([column.put(value) for column, value in zip(columns, row, strict=True)])
    ws2 = wb.create_sheet("否决")
    c.set_up_sheet(ws2, c.Layout(widths=[26, 24, 10, 9, 14, 50], header_rows=3, freeze="A4"))
    c.title_rows(ws2, title="标题", subtitle="文号", width=6)
    ws2.append(c.header_row(ws2, ["h"] * 6))
    ex_columns = [c.Column(ws2) for _ in range(6)]
    for row in excluded:
        ws2.append([column.put(value) for column, value in zip(ex_columns, row, strict=True)])
    wb.save(out)
    _emit({"floor_s": time.perf_counter() - started, "floor_bytes": Path(out).stat().st_size})


def phase_xlsxwriter(campaign_id: int, out: str) -> None:
    _django()
    try:
        import xlsxwriter
    except ImportError:
        _emit({"xlsxwriter_s": None})
        return
    layout, sheet, rows, _excluded = _same_cells(campaign_id)
    started = time.perf_counter()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    border = {"border": 1, "font_size": 10, "font_name": "宋体"}
    text = wb.add_format(border)
    number = wb.add_format({**border, "num_format": "0.00", "align": "center"})
    head = wb.add_format({**border, "bold": True, "bg_color": "#DDE4EE", "align": "center"})
    ws = wb.add_worksheet("排名")
    for index, width in enumerate(layout.widths):
        ws.set_column(index, index, width)
    ws.freeze_panes(4, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, 3)
    ws.set_footer("&C第 &P 页 / 共 &N 页")
    ws.merge_range(0, 0, 0, sheet.width - 1, "标题", head)
    ws.merge_range(1, 0, 1, sheet.width - 1, "文号", head)
    for col in range(sheet.width):
        ws.merge_range(2, col, 3, col, "h", head)
    formats = [text, text] + [number] * (len(sheet.node_ids) + 2) + [text, text, text]
    for r, row in enumerate(rows, 4):
        for col, (value, fmt) in enumerate(zip(row, formats, strict=True)):
            if value is None:
                ws.write_blank(r, col, None, fmt)
            else:
                ws.write(r, col, value, fmt)
    wb.close()
    _emit(
        {
            "xlsxwriter_s": time.perf_counter() - started,
            "xlsxwriter_version": xlsxwriter.__version__,
        }
    )


# --- driver ---------------------------------------------------------------------------------------


def _run_phase(database_url: str, phase: str, *extra: str) -> dict:
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=80000)
    parser.add_argument("--units", type=int, default=2900)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--runs", type=int, default=2, help="export and floor runs (best is kept)")
    parser.add_argument(
        "--phase", choices=["setup", "export", "floor", "xlsxwriter"], help=argparse.SUPPRESS
    )
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "setup":
        return phase_setup(args.officers, args.units, args.seed)
    if args.phase == "export":
        return phase_export(args.campaign, args.out)
    if args.phase == "floor":
        return phase_floor(args.campaign, args.out)
    if args.phase == "xlsxwriter":
        return phase_xlsxwriter(args.campaign, args.out)

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{time.strftime('%Y-%m-%d %H:%M')}  python {sys.version.split()[0]}"
        f"  cores {os.cpu_count()}  load average at start {load}"
    )
    directory = tempfile.mkdtemp(prefix="bench-export-")
    url = f"sqlite:///{directory}/bench.sqlite3"
    try:
        setup = _run_phase(
            url,
            "setup",
            "--officers",
            str(args.officers),
            "--units",
            str(args.units),
            "--seed",
            str(args.seed),
        )
        campaign = str(setup["campaign_id"])
        exports, floors = [], []
        for i in range(args.runs):
            exports.append(
                _run_phase(
                    url, "export", "--campaign", campaign, "--out", f"{directory}/export{i}.xlsx"
                )
            )
            floors.append(
                _run_phase(
                    url, "floor", "--campaign", campaign, "--out", f"{directory}/floor{i}.xlsx"
                )
            )
        xw = _run_phase(url, "xlsxwriter", "--campaign", campaign, "--out", f"{directory}/xw.xlsx")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    export = min(exports, key=lambda r: r["export_s"])
    floor = min(r["floor_s"] for r in floors)
    peak = max(r["export_maxrss_mib"] for r in exports)
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    ratio = export["export_s"] / floor
    export_runs = ", ".join(f"{r['export_s']:.2f}" for r in exports)
    floor_runs = ", ".join(f"{r['floor_s']:.2f}" for r in floors)
    print(
        f"\n== sqlite: {setup['officers']:,} officers, one individual rubric (s002),"
        f" setup {setup['setup_s']:.0f} s (not measured)"
    )
    print(
        f"export_ranking (DB → saved xlsx)   {export['export_s']:7.2f} s   runs: {export_runs}"
        f"   {export['export_bytes'] / 2**20:.1f} MiB file"
    )
    print(f"floor: bare openpyxl write-only     {floor:7.2f} s   runs: {floor_runs}")
    if xw.get("xlsxwriter_s") is not None:
        print(
            f"XlsxWriter constant_memory {xw['xlsxwriter_version']:8s} {xw['xlsxwriter_s']:7.2f} s"
        )
    else:
        print("XlsxWriter constant_memory          (not installed)")
    print(
        f"export / floor                      {ratio:7.2f} ×   target ≤ 1.5 ×: {ok(ratio <= 1.5)}"
    )
    print(
        f"peak memory (export process)        {peak:7.0f} MiB target < 300 MB"
        f" ({300e6 / 2**20:.0f} MiB): {ok(peak * 2**20 < 300e6)}"
    )


if __name__ == "__main__":
    main()
