"""The records the stages pass one another: lines, applied discounts, what is left."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from pricing._money import currency
from pricing._ruleset import CompiledRuleSet, compile_rule_set
from pricing._stages.records import Applied, Line, amounts_left


def _compiled() -> CompiledRuleSet:
    return compile_rule_set(
        currency("USD"),
        categories=[],
        catalog=[{"id": 1, "price": "2.50"}, {"id": 2, "price": "10.00"}],
        discounts=[{"id": 1}, {"id": 2}],
        settings=None,
        tax_rates=None,
        locale=None,
        storage_marker=None,
    )


RS = _compiled()
R1, R2 = RS.index.rules


def _line(position: int, key: str, quantity: int) -> Line:
    item = RS.catalog.items[key]
    return Line(position, item, quantity, item.price, False)


# ---------------------------------------------------------------------------
# Line


def test_line_total_is_unit_price_times_quantity():
    # 2.50 × 3 = 7.50 = 750 cents
    assert _line(0, "1", 3).total == 750


def test_with_quantity_is_a_new_line_and_leaves_the_old_one_as_it_was():
    line = _line(4, "2", 5)
    fewer = line.with_quantity(2)
    assert (line.quantity, line.total) == (5, 5000)
    assert (fewer.quantity, fewer.total) == (2, 2000)  # 10.00 × 2
    assert fewer is not line
    # Everything but the quantity is kept.
    assert (fewer.position, fewer.item, fewer.unit_price, fewer.price_locked) == (
        4,
        line.item,
        1000,
        False,
    )


def test_records_take_no_new_attributes():
    """Slots: a misspelt field is an error, not a silent new attribute."""
    line = _line(0, "1", 1)
    with pytest.raises(AttributeError):
        line.quantiy = 2  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# amounts_left


def test_amounts_left_takes_each_share_off_its_own_line():
    totals = [1000, 500, 300]
    applied = [
        Applied(R1, (0, 2), [100, 30], 130),
        Applied(R2, (1,), [50], 50),
        Applied(R1, (2, 1), [20, 5], 25),  # targets in any order: each share to its line
    ]
    # line 0: 1000 − 100 = 900; line 1: 500 − 50 − 5 = 445; line 2: 300 − 30 − 20 = 250
    assert amounts_left(totals, applied) == [900, 445, 250]
    assert totals == [1000, 500, 300]  # not changed


def test_amounts_left_ignores_a_capped_out_discount():
    """A discount the cap took to 0 targets nothing and takes nothing."""
    applied = [Applied(R1, (0,), [40], 40), Applied(R2, (), [], 0, True)]
    assert amounts_left([100, 200], applied) == [60, 200]


def test_amounts_left_refuses_shares_that_do_not_match_the_targets():
    with pytest.raises(ValueError, match="shorter"):
        amounts_left([100, 200], [Applied(R1, (0, 1), [10], 10)])


def test_amounts_left_of_a_preview_are_its_lines_totals_with_discount(sb):
    """On a real preview's records: what each line has left is its ``totalWithDiscount``."""
    catalog = [{"id": 1, "price": "30.00"}, {"id": 2, "price": "20.00"}]
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT", position=1),
        sb.discount(2, "FIXED_AMOUNT", 7, "TO_ORDER", position=2),
    ]
    result = sb.run(sb.scenario([(1, 2), (2, 1)], catalog=catalog, discounts=discounts))
    o = result._outcome
    left = amounts_left([line.total for line in o.gifts.lines], o.applied)
    # 60.00 and 20.00; d1: 6.00 and 2.00 → 54.00, 18.00 (72.00);
    # d2 7.00 shared 54 : 18 = 3 : 1 → 5.25, 1.75 → 48.75, 16.25.
    assert left == [4875, 1625]
    assert [line.total_with_discount for line in result.lines] == [D("48.75"), D("16.25")]


# ---------------------------------------------------------------------------
# Shipping, and every applied discount of an Outcome


def test_shipping_left_is_each_line_after_the_shipping_discounts():
    """Two lines of 6.99 and 1.00: R1 takes 3.00 + 0.50, R2 1.00 off the first."""
    from pricing._schema import ShippingLine
    from pricing._stages.records import Shipping

    lines = (ShippingLine(id="a", price=D("6.99")), ShippingLine(id="b", price=D("1.00")))
    applied = [Applied(R1, (0, 1), [300, 50], 350), Applied(R2, (0, 1), [100, 0], 100)]
    assert Shipping(lines, [699, 100], applied).left == [299, 50]


def test_every_applied_puts_the_shipping_discounts_after_the_goods_ones(sb):
    """Goods first (product, then order), then shipping: the order they applied in."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 100, "TO_SHIPPING", position=1),
        sb.discount(2, "PERCENTAGE", 10, "TO_ORDER", position=2),
    ]
    scn = sb.scenario(discounts=discounts)
    scn["order"]["shippingLines"] = [{"id": 1, "price": "5.00"}]
    o = sb.run(scn)._outcome
    assert [a.rule.id for a in o.every_applied] == [2, 1]
    assert sb.run(scn).applied_ids == (2, 1)
    del scn["order"]["shippingLines"]
    o = sb.run(scn)._outcome
    assert o.shipping is None
    assert o.every_applied is o.applied
