"""The amount formulas (docs/stacking-and-cap.md), as the per-rule functions the stages call.

Amounts are in minor units (cents for USD). The hand-worked cases pin the table of
docs/stacking-and-cap.md one cell at a time; the properties hold every kind to a plain ``Decimal``
restatement of the same table, over bases and rates that hit the rounding edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricing._money import Rate
from pricing._ruleset.formulas import line_taker, order_keeper, order_taker


@dataclass
class _L:
    quantity: int


def _rate(percent: str) -> Rate:
    return Rate.from_percent(Decimal(percent))


NO_RATE = _rate("0")

# ---------------------------------------------------------------------------
# TO_ORDER, base B


def test_order_percentage_rounds_half_up():
    # 12.5 % of 4.20 = 0.525 → 0.53 (half up, not to even); of 4.00 = 0.50 exactly
    take = order_taker("PERCENTAGE", _rate("12.5"), 0, None)
    assert take(420) == 53
    assert take(400) == 50
    # 10 % of 0.05 = 0.005 → 0.01; of 0.04 = 0.004 → 0.00
    take = order_taker("PERCENTAGE", _rate("10"), 0, None)
    assert (take(5), take(4)) == (1, 0)


def test_order_fixed_amount_is_at_most_the_base():
    # min(v, B): 5.00 off 12.00 = 5.00; off 3.00 only 3.00; off nothing 0
    take = order_taker("FIXED_AMOUNT", NO_RATE, 500, None)
    assert (take(1200), take(300), take(0)) == (500, 300, 0)


def test_order_fixed_price_is_what_lies_above_it():
    # max(0, B − v): a 50.00 order priced at 30.00 loses 20.00; one under 30.00 loses 0
    take = order_taker("FIXED_PRICE", NO_RATE, 3000, None)
    assert (take(5000), take(3000), take(2999)) == (2000, 0, 0)


def test_order_max_amount_caps_every_kind():
    # 50 % of 100.00 = 50.00 → capped at 20.00; 30.00 off → 20.00; 100.00 − 10.00 → 20.00
    assert order_taker("PERCENTAGE", _rate("50"), 0, 2000)(10000) == 2000
    assert order_taker("FIXED_AMOUNT", NO_RATE, 3000, 2000)(10000) == 2000
    assert order_taker("FIXED_PRICE", NO_RATE, 1000, 2000)(10000) == 2000
    # under the cap, untouched: 10 % of 100.00 = 10.00; and a base under v still gives 0
    assert order_taker("PERCENTAGE", _rate("10"), 0, 2000)(10000) == 1000
    assert order_taker("FIXED_AMOUNT", NO_RATE, 3000, 2000)(1500) == 1500
    assert order_taker("FIXED_PRICE", NO_RATE, 1000, 2000)(900) == 0


def test_none_takes_nothing():
    assert order_taker("NONE", NO_RATE, 0, None)(12345) == 0
    assert line_taker("NONE", NO_RATE, 0)([100, 200, 300], (0, 2), [_L(1)] * 3) == [0, 0]


# ---------------------------------------------------------------------------
# TO_PRODUCT, each targeted line (n its current amount, q its quantity)


def test_line_percentage_rounds_each_line():
    # 15 % of 0.99 = 0.1485 → 0.15; of 1.10 = 0.165 → 0.17; line 1 is not targeted
    take = line_taker("PERCENTAGE", _rate("15"), 0)
    assert take([99, 5000, 110], (0, 2), [_L(1)] * 3) == [15, 17]


def test_line_fixed_amount_is_per_unit_and_at_most_the_line():
    # 2.00 off each unit: q 3 → 6.00 off 30.00; q 4 → 8.00 but the line holds 5.00
    take = line_taker("FIXED_AMOUNT", NO_RATE, 200)
    assert take([3000, 500], (0, 1), [_L(3), _L(4)]) == [600, 500]


def test_line_fixed_price_sets_the_unit_price():
    # unit becomes 4.00: q 3 at 30.00 → 30.00 − 12.00 = 18.00; q 2 at 7.00 → below 8.00: 0
    take = line_taker("FIXED_PRICE", NO_RATE, 400)
    assert take([3000, 700], (0, 1), [_L(3), _L(2)]) == [1800, 0]


# ---------------------------------------------------------------------------
# every kind against a Decimal restatement of the table

KINDS = st.sampled_from(["PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE", "NONE"])
PERCENTS = st.decimals(min_value=0, max_value=100, places=3)
MINORS = st.integers(min_value=0, max_value=10**9)


def _half_up(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _order_by_spec(kind: str, percent: Decimal, v: int, b: int, max_amount: int | None) -> int:
    amount = {
        "PERCENTAGE": _half_up(Decimal(b) * percent / 100),
        "FIXED_AMOUNT": min(v, b),
        "FIXED_PRICE": max(0, b - v),
        "NONE": 0,
    }[kind]
    return amount if max_amount is None else min(amount, max_amount)


@given(KINDS, PERCENTS, MINORS, MINORS, st.none() | MINORS)
def test_order_taker_is_the_spec_table(kind, percent, v, b, max_amount):
    take = order_taker(kind, Rate.from_percent(percent), v, max_amount)
    assert take(b) == _order_by_spec(kind, percent, v, b, max_amount)


@given(
    KINDS,
    PERCENTS,
    MINORS,
    st.lists(st.tuples(MINORS, st.integers(1, 50)), min_size=1, max_size=6),
    st.data(),
)
def test_line_taker_is_the_spec_table(kind, percent, v, lines, data):
    current = [n for n, _ in lines]
    quantities = [_L(q) for _, q in lines]
    targets = tuple(sorted(data.draw(st.sets(st.integers(0, len(lines) - 1), min_size=1))))
    expected = []
    for i in targets:
        n, q = lines[i]
        expected.append(
            {
                "PERCENTAGE": _half_up(Decimal(n) * percent / 100),
                "FIXED_AMOUNT": min(v * q, n),
                "FIXED_PRICE": max(0, n - v * q),
                "NONE": 0,
            }[kind]
        )
    take = line_taker(kind, Rate.from_percent(percent), v)
    assert take(current, targets, quantities) == expected


@pytest.mark.parametrize("kind", ["PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE"])
def test_takers_never_take_more_than_the_base(kind):
    """A 100 % / huge fixed discount takes everything and no more (shares stay ≥ 0)."""
    big = 10**12
    rate = _rate("100")
    assert order_taker(kind, rate, 0 if kind == "FIXED_PRICE" else big, None)(777) == 777
    value = 0 if kind == "FIXED_PRICE" else big
    assert line_taker(kind, rate, value)([777, 5], (0, 1), [_L(2), _L(1)]) == [777, 5]


# ---------------------------------------------------------------------------
# what a TO_ORDER rule leaves of its base, at least, over a range of bases


@given(KINDS, PERCENTS, MINORS, st.none() | MINORS, st.data())
def test_order_keeper_is_a_lower_bound_on_every_base_in_the_range(
    kind, percent, v, max_amount, data
):
    """For every base B in [least, most], B − take(B) ≥ keep · B (the fraction is sure)."""
    least = data.draw(st.integers(1, 10**6))
    most = data.draw(st.integers(least, least + 10**6))
    base = data.draw(st.integers(least, most) | st.sampled_from([least, most]))
    rate = Rate.from_percent(percent)
    num, den = order_keeper(kind, rate, v, max_amount)(least, most)
    assert 0 <= num <= den
    left = base - order_taker(kind, rate, v, max_amount)(base)
    assert left * den >= num * base


def test_order_keeper_examples():
    # 10 % of a base of at least 1.00: takes at most 10 % + half a cent (rounding):
    # keeps (2·100·90 − 100) / (2·100·100) = 17,900/20,000 = 89.5 %
    num, den = order_keeper("PERCENTAGE", _rate("10"), 0, None)(100, 500)
    assert (num, den) == (17_900, 20_000)
    # 2.00 off a base of at least 8.00 keeps 6/8; a fixed price of 30.00 on a base of at
    # most 120.00 keeps 30/120 of it; a maxAmount of 1.00 on at least 5.00 keeps 4/5
    assert order_keeper("FIXED_AMOUNT", NO_RATE, 200, None)(800, 900) == (600, 800)
    assert order_keeper("FIXED_PRICE", NO_RATE, 3000, None)(6000, 12000) == (3000, 12000)
    assert order_keeper("FIXED_PRICE", NO_RATE, 0, 100)(500, 900) == (400, 500)
    # taking more than the least base: nothing is sure
    assert order_keeper("FIXED_AMOUNT", NO_RATE, 900, None)(800, 900) == (0, 1)
