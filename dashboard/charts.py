"""The dashboard's charts, built from the selectors' rows with the SVG builders."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dashboard import svg
from dashboard.selectors import PinScores, UnitProgress, YearTotals


def completion_by_unit(rows: list[UnitProgress]) -> svg.Chart:
    return svg.bar_chart(
        _("各单位自评完成率（已提交条目占应报条目）"),
        [(row.unit.label, row.submitted_pct) for row in rows],
        value_label=_("完成率"),
    )


def score_distribution(scores: PinScores) -> svg.Chart:
    return svg.histogram(
        _("%(title)s：总分分布") % {"title": scores.title},
        scores.bins,
        value_label=_("总分区间"),
    )


def indicator_heat_map(scores: PinScores, rows: list[UnitProgress]) -> svg.Chart:
    units = [row.unit for row in rows if row.unit.pk in scores.averages]
    return svg.heat_map(
        _("%(title)s：各单位指标平均得分") % {"title": scores.title},
        [unit.label for unit in units],
        [(title, maximum) for _id, title, maximum in scores.indicators],
        [
            [scores.averages[unit.pk].get(node_id) for node_id, _t, _m in scores.indicators]
            for unit in units
        ],
    )


def year_over_year(totals: YearTotals) -> svg.Chart:
    return svg.grouped_bars(
        _("历年集体总分对比"),
        [unit.label for unit in totals.units],
        [_("%(year)s 年") % {"year": year} for year in totals.years],
        [[totals.totals[unit.pk].get(year) for year in totals.years] for unit in totals.units],
    )
