"""The charts' twelve colours stay apart for everyone: in normal vision and as people with
protanopia, deuteranopia or tritanopia (红色盲、绿色盲、蓝色盲) see them.

The thresholds are CIEDE2000 differences (ΔE00: about 1 is the smallest difference anyone
notices, 5 and more shows at a glance side by side). Twelve colours that a dichromat can
tell apart cannot all be far apart, so the minimums under the simulations are lower than
in normal vision; each is what the palette reaches, rounded down (the palette's closest
pairs: normal 14.9, protanopia 9.4, deuteranopia 9.3, tritanopia 10.1).
"""

from __future__ import annotations

import re

import pytest

from yishi.core.taxonomy import Category
from yishi.ledger.charts import BELOW_COLOUR, CATEGORY_COLOURS, MET_COLOUR, PALETTE

from .colour_vision import ciede2000, closest_pair, difference, hex_to_rgb, rgb_to_lab, simulate

NORMAL_MINIMUM = 14.0
SIMULATED_MINIMUM = {"protanopia": 9.0, "deuteranopia": 9.0, "tritanopia": 10.0}
# The consultations chart's two colours (达标 / 未达标) must be told apart at once.
PAIR_MINIMUM = 25.0

# Tableau's ten and two of its light tints: far enough apart in normal vision, but its
# orange and green are one colour to a protanope (ΔE00 1.2) and nearly so to a deuteranope.
TABLEAU = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78"]


def palette_problems(palette: list[str]) -> list[str]:
    """Each vision in which the palette's closest pair is closer than its minimum."""
    problems = []
    for deficiency, minimum in [(None, NORMAL_MINIMUM), *SIMULATED_MINIMUM.items()]:
        found, a, b = closest_pair(palette, deficiency)
        if found < minimum:
            problems.append(f"{deficiency or 'normal vision'}: {a} and {b} differ by "
                            f"ΔE00 {found:.1f}, less than {minimum}")
    return problems


def test_there_is_a_colour_for_each_category_and_no_two_are_the_same() -> None:
    assert len(PALETTE) == len(Category.values) == 12
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in PALETTE), PALETTE
    assert len(set(PALETTE)) == 12
    assert list(CATEGORY_COLOURS) == list(Category.values)
    assert CATEGORY_COLOURS[Category.OTHER] == "#BBBBBB"  # 其他 is the grey


def test_every_pair_of_the_palette_stays_apart_in_each_colour_vision() -> None:
    assert palette_problems(list(PALETTE)) == []


def test_the_met_and_below_colours_are_far_apart_for_everyone() -> None:
    for deficiency in [None, *SIMULATED_MINIMUM]:
        assert difference(MET_COLOUR, BELOW_COLOUR, deficiency) >= PAIR_MINIMUM, deficiency


@pytest.mark.parametrize(("palette", "failing"), [
    # Fine in normal vision, fails all three simulations.
    (TABLEAU, {"protanopia", "deuteranopia", "tritanopia"}),
    # One colour nudged next to another: fails in normal vision (and so in the others).
    ([*PALETTE[:11], "#0078BC"], {"normal vision", "protanopia", "deuteranopia", "tritanopia"}),
    # Red for green: the classic pair a deuteranope cannot tell apart.
    (["#B22222", "#228B22"], {"deuteranopia"}),
])
def test_a_palette_that_is_not_safe_fails_the_check(palette: list[str], failing: set[str]) -> None:
    problems = palette_problems(palette)
    assert {p.split(":")[0] for p in problems} == failing, problems


def test_the_colour_difference_is_ciede2000() -> None:
    """Pairs from Sharma, Wu and Dalal's (2005) test data, to four decimals."""
    pairs = [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0000),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ]
    for lab1, lab2, expected in pairs:
        assert round(ciede2000(lab1, lab2), 4) == expected
        assert round(ciede2000(lab2, lab1), 4) == expected
    white = rgb_to_lab(hex_to_rgb("#FFFFFF"))
    assert white == pytest.approx((100.0, 0.0, 0.0), abs=0.01)


def test_the_simulation_keeps_greys_and_confuses_what_each_dichromat_confuses() -> None:
    for deficiency in SIMULATED_MINIMUM:
        assert simulate((0.5, 0.5, 0.5), deficiency) == pytest.approx((0.5, 0.5, 0.5), abs=1e-4)
    # A red and a green of about the same lightness: far apart, except to a deuteranope.
    assert difference("#B22222", "#228B22") > 60
    assert difference("#B22222", "#228B22", "deuteranopia") < 6
    # A blue and a green that a tritanope sees nearly alike, others not.
    assert difference("#0072B2", "#009E73", "tritanopia") < difference("#0072B2", "#009E73") / 2
