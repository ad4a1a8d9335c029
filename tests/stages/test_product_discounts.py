"""Stage 4 — product discounts: ``TO_PRODUCT`` rules, line by line, in priority order.

Each rule takes its amount off each targeted line on what the rules before it left
(percentages rounded half up per line, fixed amounts per unit clamped to the line,
fixed prices per unit); a ``maxAmount`` over the rule's total is shared back over
its lines by largest remainder in proportion to their uncapped amounts (ties to the
earlier line). Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing._money import currency
from pricing._ruleset import CompiledRuleSet, compile_rule_set
from pricing._ruleset.catalog import key_of
from pricing._stages.product_discounts import apply_product_discounts
from pricing._stages.records import Line

# Product 1 at 40.00 × 2 (line 80.00), product 2 at 25.00 × 1 (line 25.00): 105.00.
CATALOG = [
    {"id": 1, "title": "A", "price": "40.00"},
    {"id": 2, "title": "B", "price": "25.00"},
]
LINES = ((1, 2), (2, 1))


def _compiled(catalog: list[dict[str, Any]], discounts: list[dict[str, Any]]) -> CompiledRuleSet:
    return compile_rule_set(
        currency("USD"),
        categories=[],
        catalog=catalog,
        discounts=discounts,
        settings=None,
        tax_rates=None,
        locale=None,
        storage_marker=None,
    )


def _lines(rs: CompiledRuleSet, cart: list[tuple[int, int]]) -> list[Line]:
    out = []
    for pos, (pid, qty) in enumerate(cart):
        item = rs.catalog.items[key_of(pid)]
        out.append(Line(pos, item, qty, item.price, False))
    return out


# ---------------------------------------------------------------------------
# the amount of each kind, line by line


def test_percentage_rounds_half_up_on_each_line(sb):
    """A percentage is rounded on each line, half up, not once on the lines' sum."""
    catalog = [{"id": 1, "price": "1.05"}, {"id": 2, "price": "2.25"}]
    d = sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT")
    result = sb.run(sb.scenario([(1, 1), (2, 1)], catalog=catalog, discounts=[d]))
    # line 1: 10 % of 1.05 = 0.105 → 0.11 (half up; half-even would give 0.10)
    # line 2: 10 % of 2.25 = 0.225 → 0.23 (half-even: 0.22)
    # 0.11 + 0.23 = 0.34, where 10 % of the sum 3.30 would be 0.33.
    assert sb.shares(result, "d1") == [D("0.11"), D("0.23")]
    assert result.explanation[0].amount == D("0.34")
    assert result.total_sum_with_discount == D("2.96")  # 3.30 − 0.34


def test_fixed_amount_is_per_unit_and_clamped_to_what_the_line_has_left(sb):
    """FIXED_AMOUNT v takes v off each unit, at most what is left of the line."""
    catalog = [{"id": 1, "price": "10.00"}, {"id": 2, "price": "20.00"}]
    half = sb.discount(1, "PERCENTAGE", 50, "TO_PRODUCT", position=1, identifier="half")
    six = sb.discount(2, "FIXED_AMOUNT", 6, "TO_PRODUCT", position=2, identifier="six")
    result = sb.run(sb.scenario([(1, 2), (2, 1)], catalog=catalog, discounts=[half, six]))
    # Lines 20.00 and 20.00. "half": 10.00 and 10.00 → 10.00 and 10.00 left.
    # "six": line 1 min(6 × 2, 10.00) = 10.00 (clamped to what is left, not to 20.00);
    #        line 2 min(6 × 1, 10.00) = 6.00.
    assert sb.shares(result, "half") == [D("10.00"), D("10.00")]
    assert sb.shares(result, "six") == [D("10.00"), D("6.00")]
    assert [line.total_with_discount for line in result.lines] == [D("0.00"), D("4.00")]
    assert result.total_sum_with_discount == D("4.00")  # 40.00 − 20.00 − 16.00


def test_fixed_price_sets_each_unit_price_on_what_is_left(sb):
    """FIXED_PRICE v takes what the line has above v per unit (0 for a line below it)."""
    catalog = [{"id": 1, "price": "12.00"}, {"id": 2, "price": "8.00"}]
    ten_off = sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT", position=1, identifier="pct")
    price = sb.discount(2, "FIXED_PRICE", 10, "TO_PRODUCT", position=2, identifier="fp")
    result = sb.run(sb.scenario([(1, 3), (2, 2)], catalog=catalog, discounts=[ten_off, price]))
    # Lines 36.00 and 16.00 (52.00). "pct": 3.60 and 1.60 → 32.40 and 14.40 left.
    # "fp": line 1 max(0, 32.40 − 10 × 3) = 2.40; line 2 max(0, 14.40 − 10 × 2) = 0.
    assert sb.shares(result, "pct") == [D("3.60"), D("1.60")]
    assert sb.shares(result, "fp") == [D("2.40"), D("0.00")]
    # The line it takes nothing from is still targeted (its share is listed as 0).
    assert sb.targeted(result, "fp") == {1, 2}
    assert result.total_sum_with_discount == D("44.40")  # 52.00 − 3.60 − 1.60 − 2.40


def test_only_targeted_lines_are_touched(sb):
    """A rule whose conditions name one product takes nothing off the other lines."""
    d = sb.discount(
        1,
        "PERCENTAGE",
        25,
        "TO_PRODUCT",
        conditions=[{"conditionType": "PRODUCT", "entityIds": [2]}],
    )
    result = sb.run(sb.scenario(LINES, catalog=CATALOG, discounts=[d]))
    # Only line 2: 25 % of 25.00 = 6.25; line 1 keeps 80.00.
    assert sb.shares(result, "d1") == [None, D("6.25")]
    assert [line.product_discount for line in result.lines] == [D("0.00"), D("6.25")]
    assert result.total_sum_with_discount == D("98.75")


def test_rules_compound_on_the_amounts_left_by_earlier_ones(sb):
    """Each rule sees what the earlier ones left, whatever their order in the list."""
    catalog = [{"id": 1, "price": "100.00"}]
    a = sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT", position=2, identifier="a")
    b = sb.discount(2, "FIXED_AMOUNT", 30, "TO_PRODUCT", position=1, identifier="b")
    result = sb.run(sb.scenario([(1, 1)], catalog=catalog, discounts=[a, b]))
    # "b" (position 1) first: min(30, 100) = 30 → 70 left; then "a": 10 % of 70 = 7.
    # (The other way round: 10 then min(30, 90) = 30, 60 left instead of 63.)
    assert sb.shares(result, "b") == [D("30.00")]
    assert sb.shares(result, "a") == [D("7.00")]
    assert result.total_sum_with_discount == D("63.00")


# ---------------------------------------------------------------------------
# maxAmount


def test_max_amount_caps_to_product_shared_by_uncapped_amounts(sb):
    """A capped TO_PRODUCT discount is shared in proportion to the uncapped line amounts."""
    # FIXED_AMOUNT 10 per unit: line 1 min(10×2, 80) = 20, line 2 min(10×1, 25) = 10
    # → uncapped 30, ratio 2 : 1. maxAmount 6 → 6×2/3 = 4.00, 6×1/3 = 2.00.
    # (In proportion to the line amounts 80 : 25 it would be 4.57 / 1.43.)
    d = sb.discount(1, "FIXED_AMOUNT", 10, "TO_PRODUCT", max_amount=6)
    result = sb.run(sb.scenario(LINES, catalog=CATALOG, discounts=[d]))
    assert sb.shares(result, "d1") == [D("4.00"), D("2.00")]
    assert result.explanation[0].amount == D("6.00")
    assert result.total_sum_with_discount == D("99.00")


def test_max_amount_to_product_largest_remainder(sb):
    """The capped TO_PRODUCT sharing rounds by largest remainder and sums exactly."""
    # uncapped 20 : 10 (as above), maxAmount 10.00 = 1000 cents:
    # 1000×20/30 = 666.67 → 666 (rem .67); 1000×10/30 = 333.33 → 333 (rem .33);
    # 999 handed out, 1 cent left → the larger remainder (line 1) → 6.67, 3.33.
    d = sb.discount(1, "FIXED_AMOUNT", 10, "TO_PRODUCT", max_amount=10)
    result = sb.run(sb.scenario(LINES, catalog=CATALOG, discounts=[d]))
    assert sb.shares(result, "d1") == [D("6.67"), D("3.33")]
    assert result.total_sum_with_discount == D("95.00")


def test_max_amount_ties_go_to_the_earlier_line(sb):
    """Equal remainders: the cents left over go to the earlier lines first."""
    catalog = [
        {"id": 1, "price": "10.00"},
        {"id": 2, "price": "10.00"},
        {"id": 3, "price": "10.00"},
    ]
    d = sb.discount(1, "FIXED_AMOUNT", 5, "TO_PRODUCT", max_amount="0.05")
    result = sb.run(sb.scenario([(1, 1), (2, 1), (3, 1)], catalog=catalog, discounts=[d]))
    # Uncapped 5.00 on each line (15.00) > maxAmount 0.05 = 5 cents.
    # 5 × 500/1500 = 1.67 each → 1 each (3 handed out), equal remainders;
    # the 2 cents left go to lines 1 and 2.
    assert sb.shares(result, "d1") == [D("0.02"), D("0.02"), D("0.01")]
    assert result.explanation[0].amount == D("0.05")


def test_max_amount_gives_nothing_to_a_line_the_rule_took_nothing_from(sb):
    """A line whose uncapped amount is 0 gets no part of the capped total."""
    catalog = [{"id": 1, "price": "50.00"}, {"id": 2, "price": "5.00"}]
    d = sb.discount(1, "FIXED_PRICE", 10, "TO_PRODUCT", max_amount=4)
    result = sb.run(sb.scenario([(1, 1), (2, 1)], catalog=catalog, discounts=[d]))
    # Uncapped: max(0, 50 − 10) = 40 and max(0, 5 − 10) = 0 → 40 > 4: all 4 to line 1.
    # (In proportion to the line amounts 50 : 5 line 2 would get 0.36.)
    assert sb.shares(result, "d1") == [D("4.00"), D("0.00")]


def test_later_rules_see_the_capped_amounts(sb):
    """The amounts a capped rule leaves are the capped shares, not the uncapped ones."""
    capped = sb.discount(1, "FIXED_AMOUNT", 10, "TO_PRODUCT", max_amount=6, position=1)
    half = sb.discount(2, "PERCENTAGE", 50, "TO_PRODUCT", position=2)
    result = sb.run(sb.scenario(LINES, catalog=CATALOG, discounts=[capped, half]))
    # d1: 4.00 and 2.00 (as above) → 76.00 and 23.00 left; d2: 38.00 and 11.50.
    # (On the uncapped 20 and 10 it would have seen 60.00 and 15.00.)
    assert sb.shares(result, "d1") == [D("4.00"), D("2.00")]
    assert sb.shares(result, "d2") == [D("38.00"), D("11.50")]
    assert result.total_sum_with_discount == D("49.50")  # 105 − 6 − 49.50


# ---------------------------------------------------------------------------
# the stage function itself


def test_stage_brings_current_up_to_date_and_reports_each_rule():
    """``current`` is lowered by each share; every chosen rule gets its ``Applied``."""
    rs = _compiled(
        CATALOG,
        [
            {"id": 1, "discountValue": {"value": 10, "discountType": "PERCENTAGE"}},
            {"id": 2, "discountValue": {"discountType": "NONE"}},
            {"id": 3, "discountValue": {"value": 5, "discountType": "FIXED_AMOUNT"}},
        ],
    )
    lines = _lines(rs, [(1, 2), (2, 1)])
    current = [8000, 2500]
    r1, r2, r3 = rs.index.rules
    applied = apply_product_discounts([(r1, (0, 1)), (r2, (0, 1)), (r3, (1,))], lines, current)
    # r1: 10 % of 80.00 and 25.00 = 800 and 250 → 7200, 2250.
    # r2 (NONE): 0 and 0, still reported.
    # r3 on line 2 only: min(500 × 1, 2250) = 500 → 1750.
    assert [(a.rule.id, a.targets, a.shares, a.amount) for a in applied] == [
        (1, (0, 1), [800, 250], 1050),
        (2, (0, 1), [0, 0], 0),
        (3, (1,), [500], 500),
    ]
    assert current == [7200, 1750]
    assert not any(a.capped for a in applied)


@settings(max_examples=50, deadline=None)
@given(
    cart=st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 4)), min_size=1, max_size=5),
    per_unit=st.integers(1, 3000),
    max_amount=st.integers(0, 6000),
)
def test_max_amount_shares_sum_to_the_cap_and_never_exceed_the_uncapped(cart, per_unit, max_amount):
    """With maxAmount m: the shares sum to min(uncapped total, m), each between 0 and its
    uncapped amount, and ``current`` goes down by exactly the shares."""
    catalog = [{"id": i, "price": f"{p // 100}.{p % 100:02d}"} for i, (p, _) in enumerate(cart)]
    discount = {
        "id": 1,
        "discountValue": {
            "value": f"{per_unit // 100}.{per_unit % 100:02d}",
            "maxAmount": f"{max_amount // 100}.{max_amount % 100:02d}",
            "discountType": "FIXED_AMOUNT",
            "applicability": "TO_PRODUCT",
        },
    }
    rs = _compiled(catalog, [discount])
    lines = _lines(rs, [(i, q) for i, (_, q) in enumerate(cart)])
    before = [line.total for line in lines]
    current = before.copy()
    targets = tuple(range(len(lines)))
    (a,) = apply_product_discounts([(rs.index.rules[0], targets)], lines, current)
    uncapped = [min(per_unit * line.quantity, line.total) for line in lines]
    assert a.amount == min(sum(uncapped), max_amount)
    assert sum(a.shares) == a.amount
    assert all(0 <= s <= u for s, u in zip(a.shares, uncapped, strict=True))
    assert current == [b - s for b, s in zip(before, a.shares, strict=True)]


# ---------------------------------------------------------------------------
# units: per, maxQuantity, buy X get Y (docs/quantity-promotions.md)
#
# When d of a line's q units are discounted, their base is b = round(n·d/q) half up
# (n when d = q); PERCENTAGE v: round(b·v/100), FIXED_AMOUNT v: min(v·d, b),
# FIXED_PRICE v: max(0, b − v·d).


def _units_discount(sb, kind, value, **fields):
    """A TO_PRODUCT discount "u" (id 9) with ``fields`` added to its ``discountValue``."""
    d = sb.discount(9, kind, value, "TO_PRODUCT", identifier="u")
    conditions = fields.pop("conditions", None)
    if conditions is not None:
        d["conditions"] = conditions
    d["discountValue"].update(fields)
    return d


def test_per_line_fixed_amount_takes_v_off_each_line_once(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "3.00")]
    d = _units_discount(sb, "FIXED_AMOUNT", "5.00", per="LINE")
    result = sb.run(sb.scenario([(1, 3), (2, 1)], catalog=catalog, discounts=[d]))
    # Lines 30.00 and 3.00: min(5.00, 30.00) = 5.00; min(5.00, 3.00) = 3.00.
    # (per UNIT: min(5.00 × 3, 30.00) = 15.00 and 3.00.)
    assert sb.shares(result, "u") == [D("5.00"), D("3.00")]
    assert result.total_sum_with_discount == D("25.00")  # 33.00 − 8.00


def test_per_line_fixed_price_makes_each_line_cost_v_in_all(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "3.00")]
    d = _units_discount(sb, "FIXED_PRICE", "25.00", per="LINE")
    result = sb.run(sb.scenario([(1, 3), (2, 1)], catalog=catalog, discounts=[d]))
    # Line 1: max(0, 30.00 − 25.00) = 5.00 (it costs 25.00); line 2: 3.00 < 25.00 → 0.
    # (per UNIT: max(0, 30.00 − 25.00 × 3) = 0.)
    assert sb.shares(result, "u") == [D("5.00"), D("0.00")]
    assert result.total_sum_with_discount == D("28.00")


def test_max_quantity_per_line_discounts_that_many_units_of_each_line(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "7.00")]
    d = _units_discount(sb, "PERCENTAGE", 50, maxQuantity=2)
    result = sb.run(sb.scenario([(1, 3), (2, 1)], catalog=catalog, discounts=[d]))
    # Line 1: 2 of 3 units, b = round(30.00 × 2/3) = 20.00, 50 % = 10.00.
    # Line 2: 1 unit (all of it): b = 7.00, 50 % = 3.50.
    assert sb.shares(result, "u") == [D("10.00"), D("3.50")]
    assert result.explanation[0].amount == D("13.50")


@pytest.mark.parametrize(
    ("order", "want"),
    [
        # MOST_EXPENSIVE_FIRST: units of 25.00 (line 2), then 10.00 (line 1), then 5.00.
        # 2 units: line 2 its one: min(3.00, 25.00) = 3.00; line 1 one of two:
        # b = round(20.00 × 1/2) = 10.00, min(3.00, 10.00) = 3.00; line 3 none.
        ("MOST_EXPENSIVE_FIRST", [D("3.00"), D("3.00"), D("0.00")]),
        # CHEAPEST_FIRST (the default): two of line 3's three 5.00 units:
        # b = round(15.00 × 2/3) = 10.00, min(3.00 × 2, 10.00) = 6.00.
        ("CHEAPEST_FIRST", [D("0.00"), D("0.00"), D("6.00")]),
        (None, [D("0.00"), D("0.00"), D("6.00")]),
    ],
)
def test_max_quantity_over_the_order_by_unit_order(sb, order, want):
    catalog = [sb.product(1, "10.00"), sb.product(2, "25.00"), sb.product(3, "5.00")]
    fields = {"maxQuantity": 2, "quantityScope": "ORDER"}
    if order is not None:
        fields["unitOrder"] = order
    d = _units_discount(sb, "FIXED_AMOUNT", "3.00", **fields)
    result = sb.run(sb.scenario([(1, 2), (2, 1), (3, 3)], catalog=catalog, discounts=[d]))
    assert sb.shares(result, "u") == want
    assert result.explanation[0].amount == sum(want)


def test_max_quantity_order_ties_go_to_the_earlier_line(sb):
    catalog = [sb.product(1, "20.00"), sb.product(2, "10.00"), sb.product(3, "10.00")]
    d = _units_discount(
        sb,
        "PERCENTAGE",
        100,
        maxQuantity=1,
        quantityScope="ORDER",
        unitOrder="MOST_EXPENSIVE_FIRST",
    )
    cart = [(2, 2), (3, 1), (1, 1)]
    result = sb.run(sb.scenario(cart, catalog=catalog, discounts=[d]))
    # Units: line 1 (product 2) 20.00/2 = 10.00, line 2 (product 3) 10.00, line 3
    # (product 1) 20.00. Most expensive first: line 3's unit (20.00), all of it.
    assert sb.shares(result, "u") == [D("0.00"), D("0.00"), D("20.00")]
    # Without line 3, lines 1 and 2 tie at 10.00: the earlier line (1) gets the unit:
    # b = round(20.00 × 1/2) = 10.00, 100 % = 10.00.
    result = sb.run(sb.scenario(cart[:2], catalog=catalog, discounts=[d]))
    assert sb.shares(result, "u") == [D("10.00"), D("0.00")]
    # Cheapest first, the same tie: line 1 too.
    d["discountValue"]["unitOrder"] = "CHEAPEST_FIRST"
    result = sb.run(sb.scenario(cart[:2], catalog=catalog, discounts=[d]))
    assert sb.shares(result, "u") == [D("10.00"), D("0.00")]


def test_max_amount_caps_a_d_unit_discount(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "6.00")]
    d = _units_discount(sb, "FIXED_AMOUNT", "4.00", maxQuantity=2)
    d["discountValue"]["maxAmount"] = "10.00"
    result = sb.run(sb.scenario([(1, 3), (2, 5)], catalog=catalog, discounts=[d]))
    # Line 1: 2 of 3, b = round(30.00 × 2/3) = 20.00, min(8.00, 20.00) = 8.00.
    # Line 2: 2 of 5, b = round(30.00 × 2/5) = 12.00, min(8.00, 12.00) = 8.00.
    # 16.00 > maxAmount 10.00: shared 8 : 8 → 5.00 and 5.00.
    assert sb.shares(result, "u") == [D("5.00"), D("5.00")]
    assert result.explanation[0].amount == D("10.00")
    assert result.explanation[0].capped is False  # a maxAmount cut alone is not "capped"


def test_buy_two_get_one_free(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "4.00")]
    d = _units_discount(sb, "PERCENTAGE", 100, buyGet={"buyQuantity": 2, "getQuantity": 1})
    result = sb.run(sb.scenario([(1, 2), (2, 1)], catalog=catalog, discounts=[d]))
    # Every unit may be bought and got: |O| = 3, k = min(3/2, 3/1, 3/3) = 1; the cheapest
    # unit (4.00) is free, taking 1 ≤ |O| − k·X = 1 from O.
    assert sb.shares(result, "u") == [D("0.00"), D("4.00")]
    assert result.explanation[0].sets == 1
    assert result.document["explanation"][0]["sets"] == 1
    assert result.total_sum_with_discount == D("20.00")


def test_buy_get_skips_a_cheaper_unit_past_the_cap_on_shared_units(sb):
    catalog = [sb.product(1, "20.00"), sb.product(2, "2.00"), sb.product(3, "3.00")]
    d = _units_discount(
        sb,
        "PERCENTAGE",
        100,
        conditions=[{"conditionType": "PRODUCT", "entityIds": [2, 3]}],  # may be got
        buyGet={
            "buyQuantity": 1,
            "getQuantity": 1,
            "buyConditions": [{"conditionType": "PRODUCT", "entityIds": [1, 2]}],  # bought
        },
    )
    result = sb.run(sb.scenario([(1, 1), (2, 2), (3, 1)], catalog=catalog, discounts=[d]))
    # Bo = product 1 (1 unit), O = product 2 (2 units), Go = product 3 (1 unit).
    # k = min(⌊(1+2)/1⌋ = 3, ⌊(1+2)/1⌋ = 3, ⌊(1+1+2)/2⌋ = 2) = 2: 2 units to get, at most
    # |Bo| + |O| − k·X = 1 + 2 − 2 = 1 of them from O. Cheapest first: a 2.00 unit of
    # product 2 (from O: 1, the cap); the other 2.00 unit is skipped (O is used up);
    # the 3.00 unit of product 3. Product 2: 1 of 2 units, b = round(4.00/2) = 2.00.
    assert sb.shares(result, "u") == [None, D("2.00"), D("3.00")]
    assert result.explanation[0].sets == 2
    assert result.total_sum_with_discount == D("22.00")  # 27.00 − 5.00


@pytest.mark.parametrize(("max_sets", "free"), [(None, 2), (1, 1)])
def test_buy_get_max_sets(sb, max_sets, free):
    catalog = [sb.product(1, "5.00")]
    d = _units_discount(
        sb, "PERCENTAGE", 100, buyGet={"buyQuantity": 2, "getQuantity": 1, "maxSets": max_sets}
    )
    result = sb.run(sb.scenario([(1, 7)], catalog=catalog, discounts=[d]))
    # 7 units, all in O: k = min(⌊7/2⌋ = 3, ⌊7/1⌋ = 7, ⌊7/3⌋ = 2) = 2, or maxSets 1.
    # k free units of 5.00: b = round(35.00 × k/7) = 5.00·k.
    assert result.explanation[0].sets == free
    assert sb.shares(result, "u") == [D("5.00") * free]


def test_buy_get_fixed_price_prices_the_got_units(sb):
    catalog = [sb.product(1, "10.00")]
    d = _units_discount(sb, "FIXED_PRICE", "1.00", buyGet={"buyQuantity": 1, "getQuantity": 1})
    result = sb.run(sb.scenario([(1, 2)], catalog=catalog, discounts=[d]))
    # k = min(2, 2, ⌊2/2⌋ = 1) = 1: one unit for 1.00: b = round(20.00/2) = 10.00,
    # max(0, 10.00 − 1.00 × 1) = 9.00.
    assert sb.shares(result, "u") == [D("9.00")]


def test_buy_get_ranks_units_by_their_amount_when_its_turn_comes(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "8.00")]
    half = sb.discount(
        1, "PERCENTAGE", 50, "TO_PRODUCT", position=1, identifier="half",
        conditions=[{"conditionType": "PRODUCT", "entityIds": [1]}],
    )  # fmt: skip
    d = _units_discount(sb, "PERCENTAGE", 100, buyGet={"buyQuantity": 1, "getQuantity": 1})
    d["position"] = 2
    result = sb.run(sb.scenario([(1, 1), (2, 1)], catalog=catalog, discounts=[half, d]))
    # "half" leaves product 1 at 5.00. k = min(2, 2, 1) = 1: the cheapest unit now is
    # product 1's (5.00 < 8.00), free: 5.00 (by list price it would be product 2's).
    assert sb.shares(result, "u") == [D("5.00"), D("0.00")]
    assert result.total_sum_with_discount == D("8.00")


def test_buy_get_discounts_fewer_units_when_gifts_took_them(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "4.00")]
    gift = sb.discount(
        1, "NONE", 0, position=1, identifier="gift",
        gifts=[{"productId": 2, "quantity": 1}], giftsReplaceCartItems=True,
    )  # fmt: skip
    d = _units_discount(
        sb,
        "PERCENTAGE",
        100,
        conditions=[{"conditionType": "PRODUCT", "entityIds": [2]}],
        buyGet={
            "buyQuantity": 1,
            "getQuantity": 1,
            "buyConditions": [{"conditionType": "PRODUCT", "entityIds": [1]}],
        },
    )
    d["position"] = 2
    result = sb.run(sb.scenario([(1, 2), (2, 2)], catalog=catalog, discounts=[gift, d]))
    # As requested: Bo = 2 units of product 1, Go = 2 of product 2: k = min(2, 2, 2) = 2.
    # The gift took one unit of product 2: one is left to discount, 4.00.
    assert result.explanation[1].sets == 2
    assert sb.shares(result, "u") == [None, D("4.00"), None]
    assert result.total_sum_with_discount == D("20.00")  # 24.00 − 4.00
