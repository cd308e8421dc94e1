"""Small server-side SVG chart builders: no JavaScript, no CDN, nothing to download.

Each builder returns a `Chart`: the SVG markup (safe: every label is escaped here), its title,
and the same numbers as a table, which the template shows in a <details> fallback. The SVG
scales to its container through its viewBox, so one drawing serves 1366×768 and a phone.
Bars carry `data-value` (the number drawn) and a <title> (hover text, read by screen readers).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

WIDTH = 640
LABEL_WIDTH = 150
ROW_HEIGHT = 22
BAR_HEIGHT = 14
TOP = 8
# Series colours for grouped bars (colour-blind friendly, Okabe–Ito), and the heat map's hue.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")
HEAT = "#0b6e4f"

_ids = itertools.count(1)


def fmt(value: Number | None) -> str:
    """A number as people read it: at most two decimals, no trailing zeros; "—" when unknown."""
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _num(value: float) -> str:
    """Coordinates with one decimal: small markup, exact enough for a screen."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _short(label: str, limit: int = 9) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


@dataclass
class Chart:
    title: str
    svg: SafeString
    columns: list[str]
    rows: list[list[str]]
    empty: bool = False


def _open(title: str, height: float, kind: str) -> str:
    uid = f"svg{next(_ids)}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {_num(height)}" aria-labelledby="{uid}-title" '
        f'preserveAspectRatio="xMinYMin meet"><title id="{uid}-title">{escape(title)}</title>'
    )


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, Number]],
    *,
    maximum: Number = 100,
    suffix: str = "%",
    value_label: str = "",
) -> Chart:
    """Horizontal bars, one per label (units: long Chinese names read better on the left)."""
    top = float(maximum) or 1.0
    plot = WIDTH - LABEL_WIDTH - 60
    height = TOP * 2 + ROW_HEIGHT * max(len(bars), 1)
    svg = _open(title, height, "bar")
    parts = [svg]
    for index, (label, value) in enumerate(bars):
        y = TOP + index * ROW_HEIGHT
        width = max(0.0, min(float(value), top)) / top * plot
        shown = f"{fmt(value)}{suffix}"
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{_num(y + 12)}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{_num(y + 2)}" width="{_num(width)}" '
            f'height="{BAR_HEIGHT}" data-value="{fmt(value)}"><title>{escape(label)}：'
            f"{escape(shown)}</title></rect>"
            f'<text class="chart-value" x="{_num(LABEL_WIDTH + width + 4)}" '
            f'y="{_num(y + 12)}">{escape(shown)}</text>'
        )
    parts.append(
        f'<line class="chart-axis" x1="{LABEL_WIDTH}" y1="{TOP}" x2="{LABEL_WIDTH}" '
        f'y2="{_num(height - TOP)}"/></svg>'
    )
    return Chart(
        title=title,
        svg=mark_safe("".join(parts)),  # noqa: S308 — every label above is escaped
        columns=["", value_label or title],
        rows=[[label, f"{fmt(value)}{suffix}"] for label, value in bars],
        empty=not bars,
    )


def histogram(
    title: str, bins: Sequence[tuple[Number, Number, int]], *, value_label: str = ""
) -> Chart:
    """Vertical bars over equal bins [low, high); the last bin includes its upper bound."""
    height = 220.0
    left, bottom, plot_h = 40.0, 40.0, 160.0
    plot_w = WIDTH - left - 10
    step = plot_w / max(len(bins), 1)
    peak = max((n for _lo, _hi, n in bins), default=0) or 1
    svg = _open(title, height, "histogram")
    parts = [svg]
    labels = []
    for index, (low, high, count) in enumerate(bins):
        label = f"{fmt(low)}–{fmt(high)}"
        labels.append(label)
        bar_h = count / peak * plot_h
        x = left + index * step
        y = height - bottom - bar_h
        parts.append(
            f'<rect class="bar" x="{_num(x + 2)}" y="{_num(y)}" width="{_num(step - 4)}" '
            f'height="{_num(bar_h)}" data-value="{count}"><title>{escape(label)}：{count}'
            f"</title></rect>"
            f'<text class="chart-value" x="{_num(x + step / 2)}" y="{_num(y - 4)}" '
            f'text-anchor="middle">{count}</text>'
            f'<text class="chart-label" x="{_num(x + step / 2)}" '
            f'y="{_num(height - bottom + 14)}" text-anchor="middle">{escape(fmt(low))}</text>'
        )
    parts.append(
        f'<line class="chart-axis" x1="{_num(left)}" y1="{_num(height - bottom)}" '
        f'x2="{_num(WIDTH - 10)}" y2="{_num(height - bottom)}"/>'
        f'<text class="chart-label" x="{_num(WIDTH - 10)}" y="{_num(height - 6)}" '
        f'text-anchor="end">{escape(value_label)}</text></svg>'
    )
    return Chart(
        title=title,
        svg=mark_safe("".join(parts)),  # noqa: S308 — every label above is escaped
        columns=[value_label, "人数/个数"],
        rows=[[label, str(n)] for label, (_lo, _hi, n) in zip(labels, bins, strict=True)],
        empty=not any(n for _lo, _hi, n in bins),
    )


def heat_map(
    title: str,
    row_labels: Sequence[str],
    columns: Sequence[tuple[str, Number | None]],
    values: Sequence[Sequence[Number | None]],
) -> Chart:
    """Rows (units) × columns (indicators, each with its maximum): a cell's shade is its value
    as a share of the column's maximum (or of the column's best value when it has none)."""
    cell_w = max(40.0, min(90.0, (WIDTH - LABEL_WIDTH) / max(len(columns), 1)))
    head_h = 28.0
    height = head_h + ROW_HEIGHT * max(len(row_labels), 1) + 4
    width_used = LABEL_WIDTH + cell_w * len(columns)
    svg = _open(title, height, "heatmap")
    parts = [svg]
    scale: list[float] = []
    for col, (name, maximum) in enumerate(columns):
        column_values = [float(row[col]) for row in values if row[col] is not None]
        top = float(maximum) if maximum else max(column_values, default=0.0)
        scale.append(top or 1.0)
        parts.append(
            f'<text class="chart-label" x="{_num(LABEL_WIDTH + col * cell_w + cell_w / 2)}" '
            f'y="18" text-anchor="middle">{escape(_short(name, 5))}<title>{escape(name)}'
            f"</title></text>"
        )
    for index, label in enumerate(row_labels):
        y = head_h + index * ROW_HEIGHT
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{_num(y + 15)}" '
            f'text-anchor="end">{escape(_short(label))}</text>'
        )
        for col, value in enumerate(values[index]):
            x = LABEL_WIDTH + col * cell_w
            opacity = 0.0 if value is None else max(0.0, min(float(value) / scale[col], 1.0))
            text_class = "chart-value on-dark" if opacity > 0.55 else "chart-value"
            parts.append(
                f'<rect class="cell" x="{_num(x + 1)}" y="{_num(y + 1)}" '
                f'width="{_num(cell_w - 2)}" height="{ROW_HEIGHT - 2}" fill="{HEAT}" '
                f'fill-opacity="{opacity:.2f}" data-value="{fmt(value)}"><title>'
                f"{escape(label)} · {escape(columns[col][0])}：{fmt(value)}</title></rect>"
                f'<text class="{text_class}" x="{_num(x + cell_w / 2)}" y="{_num(y + 15)}" '
                f'text-anchor="middle">{fmt(value)}</text>'
            )
    parts.append("</svg>")
    svg_text = "".join(parts)
    if width_used > WIDTH:  # many indicators: widen the drawing rather than squeeze the cells
        svg_text = svg_text.replace(
            f'viewBox="0 0 {WIDTH} ', f'viewBox="0 0 {_num(width_used)} ', 1
        )
    return Chart(
        title=title,
        svg=mark_safe(svg_text),  # noqa: S308 — every label above is escaped
        columns=["", *(f"{name}（满分 {fmt(m)}）" if m else name for name, m in columns)],
        rows=[[label, *(fmt(v) for v in values[i])] for i, label in enumerate(row_labels)],
        empty=not row_labels or not columns,
    )


def grouped_bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[str],
    values: Sequence[Sequence[Number | None]],
) -> Chart:
    """Horizontal bars per group (unit), one per series (year), with a legend."""
    peak = max((float(v) for row in values for v in row if v is not None), default=0.0) or 1.0
    plot = WIDTH - LABEL_WIDTH - 60
    group_h = BAR_HEIGHT * len(series) + 10
    legend_h = 24.0
    height = legend_h + group_h * max(len(groups), 1) + TOP
    svg = _open(title, height, "grouped")
    parts = [svg]
    for s, name in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        x = LABEL_WIDTH + s * 80
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text class="chart-label" x="{x + 16}" y="16">{escape(name)}</text>'
        )
    for g, label in enumerate(groups):
        y0 = legend_h + g * group_h
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" '
            f'y="{_num(y0 + group_h / 2 + 3)}" text-anchor="end">{escape(_short(label))}</text>'
        )
        for s, value in enumerate(values[g]):
            y = y0 + s * BAR_HEIGHT
            width = 0.0 if value is None else max(0.0, float(value)) / peak * plot
            parts.append(
                f'<rect class="bar" x="{LABEL_WIDTH}" y="{_num(y)}" width="{_num(width)}" '
                f'height="{BAR_HEIGHT - 2}" fill="{PALETTE[s % len(PALETTE)]}" '
                f'data-value="{fmt(value)}"><title>{escape(label)} · {escape(series[s])}：'
                f"{fmt(value)}</title></rect>"
                f'<text class="chart-value" x="{_num(LABEL_WIDTH + width + 4)}" '
                f'y="{_num(y + 10)}">{fmt(value)}</text>'
            )
    parts.append("</svg>")
    return Chart(
        title=title,
        svg=mark_safe("".join(parts)),  # noqa: S308 — every label above is escaped
        columns=["", *series],
        rows=[[label, *(fmt(v) for v in values[g])] for g, label in enumerate(groups)],
        empty=not groups,
    )
