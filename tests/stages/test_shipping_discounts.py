"""Stage 7 — shipping discounts: ``TO_SHIPPING`` rules on the order's shipping lines.

Every case is worked by hand in its docstring. Unless a test says otherwise the
cart is one line of product 1 at 100.00 for customer 42, priced at sb.AT.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

import pricing
from tests.conftest import discount


def ship(did: int, kind: str = "PERCENTAGE", value: Any = 100, **fields: Any) -> dict[str, Any]:
    """A ``TO_SHIPPING`` discount (free shipping by default)."""
    return discount(did, kind, value, "TO_SHIPPING", identifier=f"ship{did}", **fields)


def with_shipping(scn: dict[str, Any], *prices: str) -> dict[str, Any]:
    """``scn`` with one shipping line per price (ids s1, s2, …)."""
    scn["order"]["shippingLines"] = [
        {"id": f"s{i}", "name": f"Line {i}", "price": p} for i, p in enumerate(prices, start=1)
    ]
    return scn


def shipping(result: pricing.PreviewResult) -> list[tuple[D, D, D]]:
    """Each shipping line's (price, discount, priceWithDiscount)."""
    return [
        (s["price"], s["discount"], s["priceWithDiscount"]) for s in result.document["shipping"]
    ]


def test_two_shipping_lines_share_a_percentage_by_largest_remainder(sb):
    """Insurance 3.01 and ground 7.00: base 10.01, 25 % = round(250.25 cents) = 2.50.
    Shared 301 : 700: quotas 250·301/1001 = 75.17 and 250·700/1001 = 174.83, floors 75
    and 174 (249), and the spare cent goes to the larger remainder (.83), the second
    line: 0.75 and 1.75, leaving 2.26 and 5.25. Goods are untouched."""
    scn = with_shipping(sb.scenario(discounts=[ship(1, value=25)]), "3.01", "7.00")
    result = sb.run(scn)
    assert shipping(result) == [
        (D("3.01"), D("0.75"), D("2.26")),
        (D("7.00"), D("1.75"), D("5.25")),
    ]
    assert sb.status(result) == {"ship1": ("applied", None)}
    assert result.explanation[0].amount == D("2.50")
    assert (result.total_raw, result.total_sum_with_discount) == (D("100.00"), D("100.00"))
    assert result.lines[0].discounts == ()  # a shipping discount has no share of a goods line
    assert result.shipping_discount == D("2.50")


def test_each_shipping_discount_works_on_what_the_ones_before_left(sb):
    """Shipping 9.00: ship1 (priority 1) takes 50 % = 4.50, ship2 then min(2.00, 4.50)
    = 2.00 of what is left: 2.50 to pay. ship3, a fixed price of 3.00 on a base of
    2.50, takes max(0, 2.50 − 3.00) = 0 and is applied with 0."""
    discounts = [
        ship(2, "FIXED_AMOUNT", "2.00", position=2),
        ship(1, value=50, position=1),
        ship(3, "FIXED_PRICE", "3.00", position=3),
    ]
    result = sb.run(with_shipping(sb.scenario(discounts=discounts), "9.00"))
    assert [(e.identifier, e.amount) for e in result.explanation] == [
        ("ship1", D("4.50")),
        ("ship2", D("2.00")),
        ("ship3", D("0.00")),
    ]
    assert shipping(result) == [(D("9.00"), D("6.50"), D("2.50"))]


def test_max_amount_caps_a_shipping_discount(sb):
    """Free shipping (100 %) of 9.00 with maxAmount 4.00 takes 4.00; capped stays false
    (maxAmount is part of the amount, as for goods)."""
    d = ship(1, max_amount="4.00")
    result = sb.run(with_shipping(sb.scenario(discounts=[d]), "9.00"))
    assert shipping(result) == [(D("9.00"), D("4.00"), D("5.00"))]
    assert (result.explanation[0].amount, result.explanation[0].capped) == (D("4.00"), False)


def test_goods_discounts_at_the_cap_leave_the_shipping_discount_whole(sb):
    """maxDiscountValue 10 % of 100.00 = 10.00. The goods discount takes 20 % = 20.00
    and is capped to 10.00. Free shipping then takes all 5.00: it is not counted
    against the cap (which limits discounts on goods), so the total discount on goods
    is 10.00 = the cap and totalSumWithDiscount is 90.00, shipping 0."""
    discounts = [sb.discount(1, "PERCENTAGE", 20, position=1), ship(2, position=2)]
    scn = with_shipping(sb.scenario(discounts=discounts, settings={"maxDiscountValue": 10}), "5.00")
    result = sb.run(scn)
    explained = [(e.identifier, e.status, e.amount, e.capped) for e in result.explanation]
    assert explained == [
        ("d1", "applied", D("10.00"), True),
        ("ship2", "applied", D("5.00"), False),
    ]
    assert result.total_sum_with_discount == D("90.00")
    assert shipping(result) == [(D("5.00"), D("5.00"), D("0.00"))]
    assert result.document["taxes"]["shipping"] == D("0.00")


def test_without_stacking_free_shipping_at_the_top_takes_the_one_place(sb):
    """allowStacking false: free shipping (position 1) is the highest-priority eligible
    discount, so it is the one that applies; 10 % off goods (position 2) is
    stacking_disabled. Goods stay at 100.00, shipping 6.00 → 0."""
    discounts = [ship(1, position=1), sb.discount(2, position=2)]
    scn = sb.scenario(discounts=discounts, settings={"allowStacking": False})
    result = sb.run(with_shipping(scn, "6.00"))
    assert sb.status(result) == {
        "ship1": ("applied", None),
        "d2": ("not_applied", "stacking_disabled"),
    }
    assert result.total_sum_with_discount == D("100.00")
    assert shipping(result) == [(D("6.00"), D("6.00"), D("0.00"))]
    doc = result.document["discountConfig"]
    assert [d["id"] for d in doc["shippingDiscounts"]] == [1]
    assert doc["orderDiscounts"] == doc["productDiscounts"] == []


def test_without_shipping_lines_it_is_no_shipping_and_does_not_take_the_place(sb):
    """The same rules without shipping lines: free shipping is not applied, reason
    no_shipping, decided before the allowStacking pick, so 10 % off goods wins it:
    100.00 − 10.00 = 90.00. There is no `shipping` output, but shippingDiscounts is
    listed (empty) because a discount is TO_SHIPPING."""
    discounts = [ship(1, position=1), sb.discount(2, position=2)]
    result = sb.run(sb.scenario(discounts=discounts, settings={"allowStacking": False}))
    assert sb.status(result) == {
        "ship1": ("not_applied", "no_shipping"),
        "d2": ("applied", None),
    }
    assert result.total_sum_with_discount == D("90.00")
    doc = result.document
    assert "shipping" not in doc
    assert doc["discountConfig"]["shippingDiscounts"] == []


def test_it_is_eligible_as_an_order_discount_is(sb):
    """A goods line must be targeted: with a MIN_CART_AMOUNT of 200.00 on a 100.00 cart,
    gate 7 fails (conditions_not_met) whether or not there is shipping; it is reported
    before no_shipping. The coupon gate applies to it as to any discount."""
    needs_200 = ship(1, conditions=[{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": 200}}])
    scn = sb.scenario(discounts=[needs_200])
    assert sb.status(sb.run(scn)) == {"ship1": ("not_applied", "conditions_not_met")}
    assert sb.status(sb.run(with_shipping(scn, "5.00"))) == {
        "ship1": ("not_applied", "conditions_not_met")
    }
    coded = ship(2, coupons=["SHIPFREE"])
    scn = with_shipping(sb.scenario(discounts=[coded]), "5.00")
    assert sb.status(sb.run(scn)) == {"ship2": ("not_applied", "coupon_required")}
    scn["order"]["couponCode"] = "shipfree"
    result = sb.run(scn)
    assert sb.status(result) == {"ship2": ("applied", None)}
    (echo,) = result.document["discountConfig"]["shippingDiscounts"]
    assert echo["coupon"] == result.document["discountConfig"]["coupon"]
    assert echo["coupon"]["applied"] is True


def test_the_outputs_appear_only_with_their_inputs(sb):
    """No TO_SHIPPING discount: no shippingDiscounts key. Shipping lines without a
    shipping discount: `shipping` lists them with a discount of 0."""
    plain = sb.run(sb.scenario(discounts=[sb.discount(1)])).document
    assert "shippingDiscounts" not in plain["discountConfig"]
    assert "shipping" not in plain
    lines = sb.run(with_shipping(sb.scenario(discounts=[sb.discount(1)]), "4.99"))
    assert "shippingDiscounts" not in lines.document["discountConfig"]
    assert lines.document["shipping"] == [
        {"id": "s1", "name": "Line 1", "price": D("4.99"), "discount": D("0.00"),
         "priceWithDiscount": D("4.99")}
    ]  # fmt: skip
    assert list(lines.document["discountConfig"])[:3] == [
        "orderDiscounts",
        "productDiscounts",
        "coupon",
    ]
    shipped = sb.run(with_shipping(sb.scenario(discounts=[ship(1)]), "4.99")).document
    assert list(shipped["discountConfig"])[:4] == [
        "orderDiscounts",
        "productDiscounts",
        "shippingDiscounts",
        "coupon",
    ]
    assert list(shipped)[-3:] == ["shipping", "taxes", "displayPrice"]


def test_the_bonus_payable_total_uses_the_discounted_shipping(sb):
    """Goods 20.00, shipping 10.00 half off → 5.00. Payable 20.00 + 5.00 = 25.00, so a
    request of 30.00 against a balance of 50.00 is clamped to 25.00 (it would be
    30.00 on the undiscounted shipping); totalDue = max(0, 20.00 − 25.00) = 0."""
    scn = sb.scenario(
        catalog=[sb.product(1, "20.00")],
        discounts=[ship(1, value=50)],
        buyer=sb.customer(bonus_balance="50.00"),
        bonus_amount="30.00",
    )
    doc = sb.run(with_shipping(scn, "10.00")).document
    bonus = doc["discountConfig"]["bonus"]
    assert (bonus["maxBonusDiscount"], doc["bonusApplied"], doc["totalDue"]) == (
        D("25.00"),
        D("25.00"),
        D("0.00"),
    )


@pytest.mark.parametrize("price", ["0", "0.00"])
def test_free_shipping_lines_take_nothing_and_are_still_applied(sb, price):
    """Shipping that costs 0: the discount applies (there are shipping lines) with 0."""
    result = sb.run(with_shipping(sb.scenario(discounts=[ship(1)]), price))
    assert [(e.status, e.amount) for e in result.explanation] == [("applied", D("0.00"))]
