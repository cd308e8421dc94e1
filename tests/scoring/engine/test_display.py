"""Display helpers: rounding happens only here."""

from __future__ import annotations

import pytest

from scoring.engine import fmt_points
from scoring.engine.display import fmt_num, fmt_pct

from .builders import D


@pytest.mark.parametrize(
    ("points", "shown"),
    [
        (D("2.5"), "2.50"),
        (D("2.005"), "2.01"),  # half-up, not banker's rounding
        (D("2.015"), "2.02"),
        (D("-1.5"), "-1.50"),
        (D("-0.001"), "0.00"),  # no "-0.00"
        (D("23.5555555555555555555555556"), "23.56"),
        (D(30), "30.00"),
    ],
)
def test_display_fmt_points(points, shown):
    assert fmt_points(points) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("1.50"), "1.5"),
        (D(2), "2"),
        (D("2.005"), "2.01"),
        (D("1E+2"), "100"),
        (3, "3"),
        (D("-0"), "0"),
    ],
)
def test_display_fmt_num(value, shown):
    assert fmt_num(value) == shown


def test_display_fmt_pct():
    assert (fmt_pct(D("0.955")), fmt_pct(D(1)), fmt_pct(D("0.9"))) == ("95.5%", "100%", "90%")
