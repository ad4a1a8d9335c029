"""After gate 7: the tier a cart reaches, the sets a buy-get makes (_stages/quantities.py).

Both are measured on the cart as requested, over the lines the discount targets:
a tier by the total quantity (``minQuantity``) or the amount before any discount
(``minAmount``) of those lines, the last tier reached being used; none reached →
``tier_not_reached``. A buy-get makes k = min(maxSets, ⌊(|Bo|+|O|)/X⌋,
⌊(|Go|+|O|)/Y⌋, ⌊(|Bo|+|Go|+|O|)/(X+Y)⌋) sets; none → ``buy_quantity_not_met``.
Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

# 10 % off from 3 units, 15 % off from 5 (by quantity of the targeted lines).
BY_QUANTITY = [{"minQuantity": 3, "value": 10}, {"minQuantity": 5, "value": 15}]


def _tiered(sb, tiers, applicability="TO_PRODUCT", kind="PERCENTAGE", **fields: Any):
    d = sb.discount(5, kind, None, applicability, identifier="tiered", **fields)
    d["discountValue"]["tiers"] = tiers
    return d


@pytest.mark.parametrize(
    ("quantity", "tier", "off"),
    [
        (2, None, D("0.00")),  # below the first threshold: tier_not_reached
        (3, 0, D("3.00")),  # exactly at 3: tier 0, 10 % of 30.00
        (4, 0, D("4.00")),  # 10 % of 40.00
        (5, 1, D("7.50")),  # exactly at 5: tier 1, 15 % of 50.00
        (9, 1, D("13.50")),  # the last tier reached: 15 % of 90.00
    ],
)
def test_the_last_tier_reached_by_quantity_is_used(sb, quantity, tier, off):
    catalog = [sb.product(1, "10.00")]
    result = sb.run(
        sb.scenario([(1, quantity)], catalog=catalog, discounts=[_tiered(sb, BY_QUANTITY)])
    )
    (e,) = result.explanation
    assert e.tier == tier
    assert e.amount == off
    entry = result.document["explanation"][0]
    if tier is None:
        assert (e.status, e.reason) == ("not_applied", "tier_not_reached")
        assert "tier" not in entry
    else:
        assert (e.status, entry["tier"]) == ("applied", tier)


def test_the_tier_is_measured_over_the_targeted_lines_only(sb):
    catalog = [sb.product(1, "10.00"), sb.product(2, "1.00")]
    d = _tiered(sb, BY_QUANTITY, conditions=[{"conditionType": "PRODUCT", "entityIds": [1]}])
    # 2 units of product 1 are targeted; the 6 units of product 2 are not counted.
    result = sb.run(sb.scenario([(1, 2), (2, 6)], catalog=catalog, discounts=[d]))
    assert sb.status(result)["tiered"] == ("not_applied", "tier_not_reached")
    # 3 units of product 1: tier 0, 10 % of 30.00 = 3.00 off line 1 alone.
    result = sb.run(sb.scenario([(1, 3), (2, 6)], catalog=catalog, discounts=[d]))
    assert sb.shares(result, "tiered") == [D("3.00"), None]


def test_a_min_amount_tier_is_measured_before_any_discount(sb):
    """Even when an earlier product discount took half off, the tier sees 100.00."""
    catalog = [sb.product(1, "50.00")]
    half = sb.discount(1, "PERCENTAGE", 50, "TO_PRODUCT", position=1, identifier="half")
    tiers = [{"minAmount": "80.00", "value": "5.00"}, {"minAmount": 100, "value": "10.00"}]
    tiered = _tiered(sb, tiers, "TO_ORDER", "FIXED_AMOUNT", position=2)
    result = sb.run(sb.scenario([(1, 2)], catalog=catalog, discounts=[half, tiered]))
    # Requested: 2 × 50.00 = 100.00 ≥ 100 → tier 1 (FIXED_AMOUNT 10.00), although
    # "half" leaves 50.00 (which would reach no tier). 10.00 off the 50.00 left: 40.00.
    (_, e) = result.explanation
    assert (e.status, e.tier, e.amount) == ("applied", 1, D("10.00"))
    assert result.total_sum_with_discount == D("40.00")


def test_a_tier_and_max_amount(sb):
    catalog = [sb.product(1, "20.00")]
    d = _tiered(sb, BY_QUANTITY, max_amount="12.00")
    result = sb.run(sb.scenario([(1, 6)], catalog=catalog, discounts=[d]))
    # Tier 1: 15 % of 120.00 = 18.00, over maxAmount 12.00 → 12.00.
    assert (result.explanation[0].tier, result.explanation[0].amount) == (1, D("12.00"))


def test_tiers_on_a_fixed_price(sb):
    catalog = [sb.product(1, "10.00")]
    tiers = [{"minQuantity": 2, "value": "9.00"}, {"minQuantity": 4, "value": "8.00"}]
    d = _tiered(sb, tiers, kind="FIXED_PRICE")
    result = sb.run(sb.scenario([(1, 4)], catalog=catalog, discounts=[d]))
    # Tier 1: each unit costs 8.00: max(0, 40.00 − 8.00 × 4) = 8.00 off.
    assert sb.shares(result, "tiered") == [D("8.00")]


@pytest.mark.parametrize(
    ("cart", "sets"),
    [
        # Buy 2 of product 1 (Bo), get 1 of product 2 (Go); nothing is both (O = 0).
        ([(1, 1), (2, 3)], 0),  # ⌊1/2⌋ = 0: buy_quantity_not_met
        ([(1, 2), (2, 3)], 1),  # min(⌊2/2⌋, ⌊3/1⌋, ⌊5/3⌋) = 1
        ([(1, 5), (2, 1)], 1),  # min(2, 1, 2) = 1: one unit to get
        ([(1, 6), (2, 3)], 3),  # min(3, 3, 3) = 3
    ],
)
def test_sets_of_separate_buy_and_get_lines(sb, cart, sets):
    catalog = [sb.product(1, "9.00"), sb.product(2, "2.00")]
    d = sb.discount(
        5, "PERCENTAGE", 100, "TO_PRODUCT", identifier="bogo",
        conditions=[{"conditionType": "PRODUCT", "entityIds": [2]}],
    )  # fmt: skip
    d["discountValue"]["buyGet"] = {
        "buyQuantity": 2,
        "getQuantity": 1,
        "buyConditions": [{"conditionType": "PRODUCT", "entityIds": [1]}],
    }
    result = sb.run(sb.scenario(cart, catalog=catalog, discounts=[d]))
    (e,) = result.explanation
    if not sets:
        assert (e.status, e.reason, e.sets) == ("not_applied", "buy_quantity_not_met", None)
        assert "sets" not in result.document["explanation"][0]
        return
    # k units of product 2 free, 2.00 each.
    assert (e.status, e.sets, e.amount) == ("applied", sets, D("2.00") * sets)


def test_buy_conditions_share_the_discount_s_exclusions(sb):
    catalog = [sb.product(1, "9.00"), sb.product(2, "2.00")]
    d = sb.discount(5, "PERCENTAGE", 100, "TO_PRODUCT", identifier="bogo")
    d["exclusions"] = [{"id": 1, "isNested": False}]
    d["discountValue"]["buyGet"] = {"buyQuantity": 1, "getQuantity": 1}
    # Product 1 is excluded: its 4 units count neither as bought nor got; the 1 unit of
    # product 2 alone: min(⌊1/1⌋, ⌊1/1⌋, ⌊1/2⌋ = 0) = 0.
    result = sb.run(sb.scenario([(1, 4), (2, 1)], catalog=catalog, discounts=[d]))
    assert sb.status(result)["bogo"] == ("not_applied", "buy_quantity_not_met")


def test_a_coupon_of_a_tiered_discount_is_applied(sb):
    catalog = [sb.product(1, "10.00")]
    d = _tiered(sb, BY_QUANTITY, coupons=["BULK"])
    result = sb.run(sb.scenario([(1, 3)], catalog=catalog, discounts=[d], coupon="bulk"))
    # Tier 0: 10 % of 30.00 = 3.00; the coupon's discount applied.
    assert result.document["discountConfig"]["coupon"]["applied"] is True
    assert result.document["discountConfig"]["productDiscounts"][0]["coupon"]["code"] == "BULK"
    assert result.total_sum_with_discount == D("27.00")
