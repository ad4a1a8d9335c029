"""The d-unit formulas and the choice of units (pricing/_ruleset/units.py), by hand.

When d of a line's q units are discounted, their base is b = round(n·d/q) half up
(b = n when d = q); PERCENTAGE v takes round(b·v/100), FIXED_AMOUNT v min(v·d, b),
FIXED_PRICE v max(0, b − v·d). Units are ranked by their line's current unit amount
n/q, exactly, ties to the earlier line. Amounts are in minor units (cents).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing._money import Rate
from pricing._ruleset.formulas import line_taker
from pricing._ruleset.units import (
    buy_get_taker,
    max_quantity_taker,
    per_line_taker,
    ranked,
    unit_taker,
)


@dataclass
class _Line:
    quantity: int


def _lines(*quantities: int) -> list[_Line]:
    return [_Line(q) for q in quantities]


def _percent(p: int) -> Rate:
    return Rate.from_percent(Decimal(p))


PERCENT_10 = unit_taker("PERCENTAGE", _percent(10), 0)


# ---------------------------------------------------------------------------
# the d-unit formulas


def test_the_base_of_d_units_is_rounded_half_up():
    # 5 cents over 2 units, 1 discounted: b = round(5 × 1/2) = round(2.5) = 3 (half up;
    # half-even would give 2, rounding down 2). 100 % of b = 3.
    free = unit_taker("PERCENTAGE", _percent(100), 0)
    assert free(5, 2, 1) == 3


def test_percentage_of_d_units():
    # 10.00 over 3 units, 1 discounted: b = round(1000/3) = round(333.3) = 333;
    # 10 % of 333 = 33.3 → 33.
    assert PERCENT_10(1000, 3, 1) == 33
    # 2 of them: b = round(666.7) = 667; 10 % = 66.7 → 67.
    assert PERCENT_10(1000, 3, 2) == 67


def test_fixed_amount_of_d_units_is_at_most_their_base():
    take = unit_taker("FIXED_AMOUNT", Rate(0, 1), 400)
    # 1 of 3 units of 10.00: b = 333; min(4.00 × 1, 3.33) = 3.33.
    assert take(1000, 3, 1) == 333
    # 2 of 3: b = 667; min(8.00, 6.67) = 6.67. 1 of 4 of 40.00: min(4.00, 10.00) = 4.00.
    assert take(1000, 3, 2) == 667
    assert take(4000, 4, 1) == 400


def test_fixed_price_of_d_units():
    take = unit_taker("FIXED_PRICE", Rate(0, 1), 100)
    # 2 of 3 units of 10.00: b = 667; each of the 2 costs 1.00: max(0, 6.67 − 2.00) = 4.67.
    assert take(1000, 3, 2) == 467
    # A price above the base takes nothing: 1 of 10 units of 5.00, b = 50; max(0, 50 − 100).
    assert take(500, 10, 1) == 0


def test_no_units_take_nothing():
    for kind in ("PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE", "NONE"):
        take = unit_taker(kind, _percent(50), 300)
        assert take(1000, 3, 0) == 0
        assert take(0, 0, 0) == 0  # a line whose every unit became a gift


@given(
    st.sampled_from(["PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE", "NONE"]),
    st.integers(0, 100),
    st.integers(0, 10**6),
    st.integers(1, 50),
    st.integers(0, 10**4),
)
def test_every_unit_is_the_amount_table(kind, percent, n, q, value):
    """With d = q the d-unit formulas are the amount table's line formulas."""
    rate = _percent(percent)
    whole = line_taker(kind, rate, value)([n], [0], _lines(q))
    assert unit_taker(kind, rate, value)(n, q, q) == whole[0]


@given(st.integers(0, 10**9), st.integers(1, 100), st.data())
def test_the_base_never_exceeds_the_line(n, q, data):
    d = data.draw(st.integers(0, q))
    free = unit_taker("PERCENTAGE", _percent(100), 0)
    assert 0 <= free(n, q, d) <= n


# ---------------------------------------------------------------------------
# per: LINE


def test_per_line_fixed_amount_and_fixed_price():
    # Lines of 30.00 (3 units) and 3.00 (1 unit).
    current, lines = [3000, 300], _lines(3, 1)
    # FIXED_AMOUNT 5.00 per line: min(5.00, 30.00) = 5.00; min(5.00, 3.00) = 3.00.
    assert per_line_taker("FIXED_AMOUNT", Rate(0, 1), 500)(current, [0, 1], lines) == [500, 300]
    # FIXED_PRICE 25.00 per line: the line costs 25.00 in all: 30.00 − 25.00 = 5.00;
    # 3.00 is below it: 0.
    assert per_line_taker("FIXED_PRICE", Rate(0, 1), 2500)(current, [0, 1], lines) == [500, 0]
    # A percentage is the same per line or per unit: 10 % → 3.00 and 0.30.
    percent = per_line_taker("PERCENTAGE", _percent(10), 0)
    assert percent(current, [0, 1], lines) == [300, 30]


# ---------------------------------------------------------------------------
# ranking units


def test_ties_go_to_the_earlier_line_whichever_the_order():
    # Unit amounts: 6.00/2 = 3.00, 3.00/1 = 3.00, 9.00/3 = 3.00: all equal.
    current, lines = [600, 300, 900], _lines(2, 1, 3)
    assert ranked(current, lines, [0, 1, 2]) == [0, 1, 2]
    assert ranked(current, lines, [0, 1, 2], most_expensive_first=True) == [0, 1, 2]
    # Only the ties keep the line order: 1.00, 3.00, 3.00 (lines 2, 0, 1).
    current = [600, 300, 100]
    lines = _lines(2, 1, 1)
    assert ranked(current, lines, [0, 1, 2]) == [2, 0, 1]
    assert ranked(current, lines, [0, 1, 2], most_expensive_first=True) == [0, 1, 2]


def test_ranking_is_exact_where_floats_are_not():
    # (3·10¹⁶ + 1)/3 and 10¹⁶ are the same float; exactly, the first is dearer.
    current, lines = [3 * 10**16 + 1, 10**16], _lines(3, 1)
    assert (current[0] / 3) == float(current[1])
    assert ranked(current, lines, [0, 1]) == [1, 0]
    assert ranked(current, lines, [0, 1], most_expensive_first=True) == [0, 1]


def test_lines_without_units_are_not_ranked():
    assert ranked([0, 500], _lines(0, 1), [0, 1]) == [1]


# ---------------------------------------------------------------------------
# maxQuantity


def test_max_quantity_per_line():
    # 2 units at most of each line: 10.00 × 3 → b = round(3000 × 2/3) = 2000; 10 % = 200.
    # 5.00 × 1 → 1 unit, b = 500; 10 % = 50.
    take = max_quantity_taker(PERCENT_10, 2, False, False)
    assert take([3000, 500], [0, 1], _lines(3, 1)) == [200, 50]


@pytest.mark.parametrize(
    ("most_expensive_first", "want"),
    [
        # cheapest first: line 2 (5.00 a unit) gives 2 units: b = round(1500 × 2/3) = 1000,
        # 10 % = 100; the others none.
        (False, [0, 0, 100]),
        # most expensive first: line 1 (25.00) its unit: 10 % of 2500 = 250; then line 0
        # (10.00) one of its 2: b = round(2000/2) = 1000, 10 % = 100.
        (True, [100, 250, 0]),
    ],
)
def test_max_quantity_over_the_order(most_expensive_first, want):
    take = max_quantity_taker(PERCENT_10, 2, True, most_expensive_first)
    assert take([2000, 2500, 1500], [0, 1, 2], _lines(2, 1, 3)) == want


# ---------------------------------------------------------------------------
# buy-get's units


def test_buy_get_skips_shared_units_past_their_cap():
    # Got lines 1 (2 units of 2.00, may also be bought) and 2 (1 unit of 3.00). Two units
    # wanted, at most 1 from the shared line: the first 2.00 unit is taken, the second
    # is skipped (cap reached) although cheaper than 3.00, which is taken.
    free = unit_taker("PERCENTAGE", _percent(100), 0)
    take = buy_get_taker(free, 2, 1, {1})
    # line 1: 1 of 2 units, b = round(400/2) = 200, all of it; line 2: 300.
    assert take([2000, 400, 300], [1, 2], _lines(1, 2, 1)) == [200, 300]
    # Without the cap both units of line 1 would be taken: 400 and 0.
    assert buy_get_taker(free, 2, 2, {1})([2000, 400, 300], [1, 2], _lines(1, 2, 1)) == [400, 0]
