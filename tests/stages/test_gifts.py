"""Gifts (docs/gifts.md, docs/decisions.md "Gifts"): gift lines, gift stacking, unavailable
gifts, gifts replacing cart items, and gift-only discounts under stacking.

Every expected figure is worked out by hand in the comments; amounts are in USD.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import pricing

AT = "2026-11-22T12:00:00Z"

# id: price (USD). 4 exists but is unavailable; 999 is not in the catalog at all.
CATALOG: list[dict[str, Any]] = [
    {"id": 1, "title": "Grinder", "sku": "GR-1", "price": "60.00"},
    {"id": 2, "title": "Mug", "sku": "MUG-2", "price": "12.00"},
    {"id": 3, "title": "Beans", "sku": "BN-3", "price": "18.00"},
    {"id": 4, "title": "Tote", "sku": "TOTE-4", "price": "8.00", "available": False},
    {"id": 5, "title": "Sample", "sku": "SMP-5", "price": "5.00"},
]


def discount(did: int, position: int | None, **fields: Any) -> dict[str, Any]:
    """A DISCOUNT object; ``value``/``kind``/``applies`` build its discountValue."""
    value = fields.pop("value", None)
    kind = fields.pop("kind", "NONE")
    applies = fields.pop("applies", "TO_ORDER")
    d: dict[str, Any] = {"id": did, "identifier": f"d{did}", "type": "DISCOUNT"}
    d["position"] = position
    if value is not None or kind != "NONE":
        d["discountValue"] = {
            "value": value if value is not None else 0,
            "maxAmount": fields.pop("max_amount", None),
            "discountType": kind,
            "applicability": applies,
        }
    d.update(fields)
    return d


def scenario(
    discounts: list[dict[str, Any]],
    products: list[tuple[int, int]],
    **settings: Any,
) -> dict[str, Any]:
    """A USD scenario over CATALOG; ``products`` is ``[(productId, quantity), ...]``."""
    return {
        "at": AT,
        "currency": "USD",
        "catalog": CATALOG,
        "customer": {"id": 42},
        "discounts": discounts,
        "settings": settings,
        "order": {"products": [{"productId": p, "quantity": q} for p, q in products]},
    }


def run(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return dict(pricing.preview(scenario(*args, **kwargs)).document)


def preview_rows(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    """orderPreview as ``(productId, price, quantity, isGift)``."""
    return [(r["productId"], r["price"], r["quantity"], r["isGift"]) for r in doc["orderPreview"]]


def line_rows(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
    """lines as ``(productId, quantity, isGift, unitPrice, total, totalWithDiscount)``."""
    return [
        (
            r["productId"],
            r["quantity"],
            r["isGift"],
            r["unitPrice"],
            r["total"],
            r["totalWithDiscount"],
        )
        for r in doc["lines"]
    ]


def status(doc: dict[str, Any]) -> dict[Any, tuple[str, str | None]]:
    return {e["id"]: (e["status"], e["reason"]) for e in doc["explanation"]}


D = Decimal


# ---------------------------------------------------------------------------
# gift lines


def test_gift_lines_come_after_paid_lines_with_price_zero() -> None:
    # Gift-only discount (no discountValue → NONE, TO_ORDER) giving product 5.
    # Paid: grinder 60.00 + beans 18.00 = 78.00 = totalRaw; the gift adds nothing.
    doc = run([discount(1, 1, gifts=[5])], [(1, 1), (3, 1)])
    assert preview_rows(doc) == [
        (1, D("60.00"), 1, False),
        (3, D("18.00"), 1, False),
        (5, D("0.00"), 1, True),
    ]
    assert line_rows(doc) == [
        (1, 1, False, D("60.00"), D("60.00"), D("60.00")),
        (3, 1, False, D("18.00"), D("18.00"), D("18.00")),
        (5, 1, True, D("0.00"), D("0.00"), D("0.00")),
    ]
    gift = doc["lines"][2]
    assert gift["discounts"] == []
    assert gift["productDiscount"] == 0
    assert gift["orderDiscount"] == 0
    assert doc["orderPreview"][2]["title"] == "Sample"
    assert doc["orderPreview"][2]["sku"] == "SMP-5"
    # No price discount: totalSum (after discounts) is totalRaw.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("78.00")
    assert doc["totalSumWithDiscount"] == D("78.00")
    assert doc["totalDue"] == D("78.00")
    # A gift-only discount is applied with amount 0.
    assert doc["explanation"] == [
        {
            "id": 1,
            "identifier": "d1",
            "status": "applied",
            "reason": None,
            "amount": D("0.00"),
            "capped": False,
        }
    ]
    assert doc["discountConfig"]["excludedGiftProductIds"] == []


def test_gift_lines_in_typed_result() -> None:
    result = pricing.preview(scenario([discount(1, 1, gifts=[5])], [(1, 1)]))
    assert [(x.product_id, x.is_gift, x.quantity) for x in result.lines] == [
        (1, False, 1),
        (5, True, 1),
    ]
    gift = result.lines[1]
    assert gift.unit_price == gift.total == gift.total_with_discount == D("0.00")
    assert gift.discounts == ()


def test_gift_as_product_id_and_quantity() -> None:
    # {productId: 5, quantity: 3} → one gift line of 3 units at price 0;
    # {productId: 2} → quantity defaults to 1. Lines follow the gifts list order.
    doc = run(
        [discount(1, 1, gifts=[{"productId": 5, "quantity": 3}, {"productId": 2}])],
        [(3, 2)],
    )
    assert preview_rows(doc) == [
        (3, D("18.00"), 2, False),
        (5, D("0.00"), 3, True),
        (2, D("0.00"), 1, True),
    ]
    # totalRaw = 18.00 × 2 = 36.00; the 4 gift units cost nothing.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("36.00")


def test_gifts_of_a_discount_that_does_not_apply_are_not_given() -> None:
    # d1 needs product 2 in the cart (it is not) → conditions_not_met, no gift.
    doc = run(
        [
            discount(
                1,
                1,
                gifts=[5],
                conditions=[{"conditionType": "PRODUCT_IN_CART", "entityIds": [2]}],
            )
        ],
        [(1, 1)],
    )
    assert preview_rows(doc) == [(1, D("60.00"), 1, False)]
    assert status(doc) == {1: ("not_applied", "conditions_not_met")}


def test_gifts_ride_along_with_a_price_discount() -> None:
    # d1: 10 % TO_ORDER with gift 5. Grinder 60.00: 10 % = 6.00 → 54.00.
    # The gift line takes no share of the order discount.
    doc = run([discount(1, 1, value=10, kind="PERCENTAGE", gifts=[5])], [(1, 1)])
    assert doc["totalSumWithDiscount"] == D("54.00")
    assert line_rows(doc) == [
        (1, 1, False, D("60.00"), D("60.00"), D("54.00")),
        (5, 1, True, D("0.00"), D("0.00"), D("0.00")),
    ]


# ---------------------------------------------------------------------------
# gift stacking


def two_givers() -> list[dict[str, Any]]:
    # Listed in reverse priority: position decides, not list order.
    return [
        discount(2, 2, value="5.00", kind="FIXED_AMOUNT", gifts=[{"productId": 2}]),
        discount(1, 1, value=10, kind="PERCENTAGE", gifts=[5]),
    ]


def test_gift_stacking_off_gives_only_the_top_priority_discounts_gifts() -> None:
    # Stacking on (both price discounts apply), gift stacking off (default).
    # Grinder 60.00: d1 10 % = 6.00 → 54.00; d2 5.00 → 49.00.
    # Gifts: only d1's (position 1) product 5; d2's mug is not given.
    doc = run(two_givers(), [(1, 1)])
    assert doc["totalSumWithDiscount"] == D("49.00")
    assert status(doc) == {1: ("applied", None), 2: ("applied", None)}
    assert preview_rows(doc) == [(1, D("60.00"), 1, False), (5, D("0.00"), 1, True)]
    assert doc["discountConfig"]["settings"]["allowGiftStacking"] is False


def test_gift_stacking_on_gives_every_applied_discounts_gifts_in_priority_order() -> None:
    # Same as above with allowGiftStacking: d1's gift 5 first, then d2's mug.
    doc = run(two_givers(), [(1, 1)], allowGiftStacking=True)
    assert doc["totalSumWithDiscount"] == D("49.00")
    assert preview_rows(doc) == [
        (1, D("60.00"), 1, False),
        (5, D("0.00"), 1, True),
        (2, D("0.00"), 1, True),
    ]


def test_gift_stacking_off_skips_applied_discounts_without_gifts() -> None:
    # d1 (position 1) applies but has no gifts; the highest-priority applied
    # discount *that has gifts* is d2, so its gift 5 is given.
    doc = run(
        [
            discount(1, 1, value=10, kind="PERCENTAGE"),
            discount(2, 2, gifts=[5]),
            discount(3, 3, gifts=[2]),
        ],
        [(1, 1)],
    )
    assert preview_rows(doc) == [(1, D("60.00"), 1, False), (5, D("0.00"), 1, True)]


def test_gift_stacking_off_a_discount_whose_gifts_are_all_unavailable_still_has_gifts() -> None:
    # decisions.md: a discount "has gifts" when its list is non-empty, even if all are
    # unavailable. d1 (gift 4, unavailable) is the giver; d2's gift 5 is not given.
    doc = run([discount(1, 1, gifts=[4]), discount(2, 2, gifts=[5])], [(1, 1)])
    assert preview_rows(doc) == [(1, D("60.00"), 1, False)]
    assert doc["discountConfig"]["excludedGiftProductIds"] == ["4"]


# ---------------------------------------------------------------------------
# unavailable or missing gifts


def test_missing_and_unavailable_gifts_are_listed_as_strings() -> None:
    # Gift 4 is available: false, 999 is not in the catalog, 5 is fine.
    doc = run([discount(1, 1, gifts=[4, 999, {"productId": 5, "quantity": 2}])], [(1, 1)])
    assert preview_rows(doc) == [(1, D("60.00"), 1, False), (5, D("0.00"), 2, True)]
    excluded = doc["discountConfig"]["excludedGiftProductIds"]
    assert excluded == ["4", "999"]
    assert all(isinstance(x, str) for x in excluded)
    # Neither an unavailable gift nor a missing one is an error, and totals ignore them.
    # No price discount: totalSum (after discounts) is totalRaw.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("60.00")
    assert (
        '"excludedGiftProductIds": [\n      "4",\n      "999"\n    ]'
        in pricing.preview(scenario([discount(1, 1, gifts=[4, 999])], [(1, 1)])).to_json()
    )


# ---------------------------------------------------------------------------
# giftsReplaceCartItems


def replacing_mug(**fields: Any) -> dict[str, Any]:
    """Buy a grinder, one mug in the cart becomes the gift."""
    return discount(
        1,
        1,
        gifts=fields.pop("gifts", [2]),
        giftsReplaceCartItems=True,
        conditions=[{"conditionType": "PRODUCT_IN_CART", "entityIds": [1]}],
        **fields,
    )


def test_replacing_gift_takes_a_paid_unit_and_lowers_total_raw() -> None:
    # Requested: grinder 60.00 + 2 mugs 24.00 + beans 18.00 = 102.00.
    # One mug becomes the gift: 60.00 + 1 × 12.00 + 18.00 = 90.00 = totalRaw.
    doc = run([replacing_mug()], [(1, 1), (2, 2), (3, 1)])
    assert preview_rows(doc) == [
        (1, D("60.00"), 1, False),
        (2, D("12.00"), 1, False),
        (3, D("18.00"), 1, False),
        (2, D("0.00"), 1, True),
    ]
    assert doc["totalSum"] == D("90.00")
    assert doc["discountConfig"]["totalRaw"] == D("90.00")
    assert doc["totalSumWithDiscount"] == D("90.00")


def test_without_replace_the_gift_is_an_extra_unit() -> None:
    # Same cart, giftsReplaceCartItems false: the mug line keeps 2 units,
    # totalRaw stays 60.00 + 24.00 + 18.00 = 102.00, gift added on top.
    d = replacing_mug()
    d["giftsReplaceCartItems"] = False
    doc = run([d], [(1, 1), (2, 2), (3, 1)])
    assert preview_rows(doc)[1] == (2, D("12.00"), 2, False)
    assert preview_rows(doc)[-1] == (2, D("0.00"), 1, True)
    # No price discount: totalSum (after discounts) is totalRaw.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("102.00")


def test_replace_eligibility_on_requested_cart_totals_on_result() -> None:
    # d2: 10 % TO_ORDER when the cart is ≥ 100.00. Requested cart 102.00 → eligible,
    # even though after the mug is replaced totalRaw is 90.00.
    # d2 = 10 % of 90.00 = 9.00 → totalSumWithDiscount 81.00, and totalSum (the sum
    # after discounts) is the same 81.00; totalRaw stays 90.00.
    # Shares in proportion to 60 : 12 : 18 → 6.00, 1.20, 1.80 (exact).
    d2 = discount(
        2,
        2,
        value=10,
        kind="PERCENTAGE",
        conditions=[{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": "100.00"}}],
    )
    doc = run([replacing_mug(), d2], [(1, 1), (2, 2), (3, 1)])
    assert status(doc) == {1: ("applied", None), 2: ("applied", None)}
    assert doc["discountConfig"]["totalRaw"] == D("90.00")
    assert doc["totalSum"] == D("81.00")
    assert doc["totalSumWithDiscount"] == D("81.00")
    assert [(r["productId"], r["orderDiscount"]) for r in doc["lines"]] == [
        (1, D("6.00")),
        (2, D("1.20")),
        (3, D("1.80")),
        (2, D("0.00")),
    ]


def test_paid_line_reduced_to_zero_units_disappears() -> None:
    # Grinder + 1 mug; the only mug becomes the gift → the paid mug line is gone.
    # totalRaw = 60.00.
    doc = run([replacing_mug()], [(1, 1), (2, 1)])
    assert preview_rows(doc) == [(1, D("60.00"), 1, False), (2, D("0.00"), 1, True)]
    assert [(r["productId"], r["isGift"]) for r in doc["lines"]] == [(1, False), (2, True)]
    # No price discount: totalSum (after discounts) is totalRaw.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("60.00")


def test_replace_takes_what_the_cart_holds_then_adds_the_rest() -> None:
    # Gift of 3 mugs, the cart holds 1 paid mug: that unit is taken (line gone),
    # the other 2 are added. One gift line of 3 units; totalRaw = 60.00.
    doc = run(
        [replacing_mug(gifts=[{"productId": 2, "quantity": 3}])],
        [(1, 1), (2, 1)],
    )
    assert preview_rows(doc) == [(1, D("60.00"), 1, False), (2, D("0.00"), 3, True)]
    # No price discount: totalSum (after discounts) is totalRaw.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("60.00")


def test_replace_takes_several_units_from_one_line() -> None:
    # Gift of 2 mugs, one paid line of 3 mugs: 2 units become the gift, 1 stays paid.
    # totalRaw = 60.00 + 1 × 12.00 = 72.00.
    doc = run(
        [replacing_mug(gifts=[{"productId": 2, "quantity": 2}])],
        [(1, 1), (2, 3)],
    )
    assert preview_rows(doc) == [
        (1, D("60.00"), 1, False),
        (2, D("12.00"), 1, False),
        (2, D("0.00"), 2, True),
    ]
    # No price discount: totalSum (after discounts) is totalRaw.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("72.00")


def test_replace_takes_units_from_paid_lines_in_request_order() -> None:
    # Two separate paid mug lines (lines are not merged): 1 and 2 units.
    # Gift of 2 mugs: the first line gives its 1 unit (and disappears), the second
    # gives 1 of its 2. totalRaw = 60.00 + 12.00 = 72.00.
    doc = run(
        [replacing_mug(gifts=[{"productId": 2, "quantity": 2}])],
        [(2, 1), (1, 1), (2, 2)],
    )
    assert preview_rows(doc) == [
        (1, D("60.00"), 1, False),
        (2, D("12.00"), 1, False),
        (2, D("0.00"), 2, True),
    ]
    # No price discount: totalSum (after discounts) is totalRaw.
    assert doc["discountConfig"]["totalRaw"] == doc["totalSum"] == D("72.00")


# ---------------------------------------------------------------------------
# gift-only discounts and stacking off


def test_gift_only_discount_is_the_one_applied_when_stacking_is_off() -> None:
    # allowStacking false: the highest-priority eligible discount is d1, a gift-only
    # (NONE) discount, so it is the one that applies — d2's 10 % does not.
    # totalSumWithDiscount = totalRaw = 60.00; gift 5 given.
    doc = run(
        [
            discount(1, 1, value=0, kind="NONE", gifts=[5]),
            discount(2, 2, value=10, kind="PERCENTAGE"),
            discount(3, 3, value="1.00", kind="FIXED_AMOUNT", applies="TO_PRODUCT"),
        ],
        [(1, 1)],
        allowStacking=False,
    )
    assert status(doc) == {
        1: ("applied", None),
        2: ("not_applied", "stacking_disabled"),
        3: ("not_applied", "stacking_disabled"),
    }
    assert doc["totalSumWithDiscount"] == D("60.00")
    assert preview_rows(doc) == [(1, D("60.00"), 1, False), (5, D("0.00"), 1, True)]
    assert [d["id"] for d in doc["discountConfig"]["orderDiscounts"]] == [1]
    assert doc["discountConfig"]["productDiscounts"] == []


def test_stacking_off_gifts_of_discounts_not_chosen_are_not_given() -> None:
    # allowStacking false, allowGiftStacking true: d2 is stacking_disabled, so its
    # gift is not given even with gift stacking on (only applied discounts give).
    # d1 10 % of 60.00 = 6.00 → 54.00.
    doc = run(
        [
            discount(1, 1, value=10, kind="PERCENTAGE", gifts=[5]),
            discount(2, 2, gifts=[2]),
        ],
        [(1, 1)],
        allowStacking=False,
        allowGiftStacking=True,
    )
    assert status(doc)[2] == ("not_applied", "stacking_disabled")
    assert doc["totalSumWithDiscount"] == D("54.00")
    assert preview_rows(doc) == [(1, D("60.00"), 1, False), (5, D("0.00"), 1, True)]


def test_discount_capped_out_keeps_its_gifts() -> None:
    # decisions.md: the cap limits money, not gifts.
    # Grinder 60.00, maxDiscountValue 10 → cap floor(6000 × 10/100) = 600 = 6.00.
    # d1 10 % = 6.00 (cap reached); d2 FIXED 5.00 applied last → reduced to 0:
    # not_applied / capped_out, but its gift (5) is still given.
    doc = run(
        [
            discount(1, 1, value=10, kind="PERCENTAGE"),
            discount(2, 2, value="5.00", kind="FIXED_AMOUNT", gifts=[5]),
        ],
        [(1, 1)],
        maxDiscountValue=10,
    )
    assert status(doc) == {1: ("applied", None), 2: ("not_applied", "capped_out")}
    assert doc["totalSumWithDiscount"] == D("54.00")
    assert preview_rows(doc)[-1] == (5, D("0.00"), 1, True)


@pytest.mark.parametrize("gift", [5, {"productId": 5}])
def test_a_gift_is_an_id_or_an_object_naming_one(gift: Any) -> None:
    # Either form names product 5; the gift line carries the catalog's id (int 5).
    doc = run([discount(1, 1, gifts=[gift])], [(1, 1)])
    assert preview_rows(doc)[-1] == (5, D("0.00"), 1, True)


@pytest.mark.parametrize(
    ("gift", "path"),
    [
        ("5", "discounts[0].gifts[0]"),
        ({"productId": "5"}, "discounts[0].gifts[0].productId"),
        ({"productId": 5, "quantity": "2"}, "discounts[0].gifts[0].quantity"),
        ({"productId": 5, "qty": 2}, "discounts[0].gifts[0].qty"),
    ],
)
def test_a_gift_id_or_quantity_that_is_not_an_integer_is_refused(gift: Any, path: str) -> None:
    # A string no longer names product 5; an unknown key in a gift object is a typo.
    with pytest.raises(pricing.ScenarioError) as info:
        run([discount(1, 1, gifts=[gift])], [(1, 1)])
    assert path in [p for p, _ in info.value.problems]
