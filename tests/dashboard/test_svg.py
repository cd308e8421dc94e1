"""The SVG builders draw what they are given: hand-made data, exact bars and values."""

from __future__ import annotations

import re
from decimal import Decimal

from dashboard import svg


def _bars(chart: svg.Chart, cls: str = "bar") -> list[dict[str, str]]:
    return [
        dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m))
        for m in re.findall(rf'<rect class="{cls}"([^>]*)>', str(chart.svg))
    ]


def test_bar_chart_draws_one_bar_per_unit_scaled_to_100():
    chart = svg.bar_chart("完成率", [("甲分局", 100), ("乙分局", 50), ("丙分局", 0)])
    bars = _bars(chart)
    assert [b["data-value"] for b in bars] == ["100", "50", "0"]
    widths = [float(b["width"]) for b in bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert widths[0] == svg.WIDTH - svg.LABEL_WIDTH - 60
    assert "<title" in str(chart.svg) and "完成率" in str(chart.svg)
    assert chart.rows == [["甲分局", "100%"], ["乙分局", "50%"], ["丙分局", "0%"]]


def test_bar_chart_escapes_labels():
    chart = svg.bar_chart("t", [("<script>x</script>", 10)])
    assert "<script>" not in str(chart.svg)
    assert "&lt;script&gt;" in str(chart.svg)


def test_histogram_heights_follow_counts():
    bins = [(Decimal(0), Decimal(10), 1), (Decimal(10), Decimal(20), 4), (Decimal(20), 30, 2)]
    chart = svg.histogram("总分分布", bins, value_label="总分")
    bars = _bars(chart)
    assert [b["data-value"] for b in bars] == ["1", "4", "2"]
    heights = [float(b["height"]) for b in bars]
    assert heights[1] == 160 and heights[0] == 40 and heights[2] == 80
    assert chart.rows == [["0–10", "1"], ["10–20", "4"], ["20–30", "2"]]
    assert not chart.empty
    assert svg.histogram("空", [(0, 10, 0)]).empty


def test_heat_map_shades_by_share_of_indicator_maximum():
    chart = svg.heat_map(
        "指标平均得分",
        ["甲分局", "乙分局"],
        [("执法装备", Decimal(3)), ("案件办理", Decimal(12))],
        [[Decimal(3), Decimal(6)], [Decimal("1.5"), None]],
    )
    cells = _bars(chart, "cell")
    assert [(c["data-value"], c["fill-opacity"]) for c in cells] == [
        ("3", "1.00"),
        ("6", "0.50"),
        ("1.5", "0.50"),
        ("—", "0.00"),
    ]
    assert chart.columns == ["", "执法装备（满分 3）", "案件办理（满分 12）"]
    assert chart.rows == [["甲分局", "3", "6"], ["乙分局", "1.5", "—"]]


def test_grouped_bars_one_bar_per_year_and_unit():
    chart = svg.grouped_bars(
        "历年集体总分",
        ["甲分局", "乙分局"],
        ["2023 年", "2024 年"],
        [[Decimal(80), Decimal(90)], [Decimal(45), None]],
    )
    bars = _bars(chart)
    assert [b["data-value"] for b in bars] == ["80", "90", "45", "—"]
    assert float(bars[1]["width"]) == svg.WIDTH - svg.LABEL_WIDTH - 60  # the peak is full width
    assert float(bars[2]["width"]) == float(bars[1]["width"]) / 2
    assert bars[0]["fill"] != bars[1]["fill"]  # one colour per year
    assert chart.rows == [["甲分局", "80", "90"], ["乙分局", "45", "—"]]


def test_fmt_numbers():
    assert svg.fmt(Decimal("12.500000")) == "12.5"
    assert svg.fmt(Decimal("3.14159")) == "3.14"
    assert svg.fmt(None) == "—"
    assert svg.fmt(0) == "0"
