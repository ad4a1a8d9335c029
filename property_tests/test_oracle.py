"""The engine agrees with the reference oracle on every generated scenario."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import pricing
from pricing import strategies as ps
from pricing._money import allocate

from . import oracle
from .support import canon, discounted_shipping, project, unit_counting


def assert_matches(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Compare part by part, so that a failure names the first part that differs."""
    got = project(got, want)
    for key in ("totalSum", "totalSumWithDiscount", "bonusApplied", "totalDue"):
        assert canon(got[key]) == canon(want[key]), key
    assert canon(got["explanation"]) == canon(want["explanation"])
    assert canon(got["lines"]) == canon(want["lines"])
    assert canon(got["orderPreview"]) == canon(want["orderPreview"])
    assert canon(got["discountConfig"]) == canon(want["discountConfig"])
    assert canon(got) == canon(want)


def predict(scenario: dict[str, Any]) -> dict[str, Any] | str:
    """The oracle's document, or the reason of the CouponError it says is raised."""
    try:
        return oracle.expected(scenario)
    except oracle.OracleCouponError as error:
        return error.reason


def check(scenario: dict[str, Any]) -> None:
    want = predict(scenario)
    if isinstance(want, str):
        with pytest.raises(pricing.CouponError) as raised:
            pricing.preview(scenario)
        assert raised.value.reason == want
        return
    assert_matches(dict(pricing.preview(scenario).document), want)


@given(ps.scenarios(min_lines=0, coupon_errors=True))
def test_engine_matches_oracle(scenario: dict[str, Any]) -> None:
    check(scenario)


@given(
    ps.scenarios(
        features={"conditions", "exclusions", "max_amount", "cap", "input_variants"},
        max_lines=8,
    )
)
def test_engine_matches_oracle_on_amounts(scenario: dict[str, Any]) -> None:
    """Amount-heavy scenarios: every discount passes the gates, only the maths differs."""
    check(scenario)


@given(
    ps.scenarios(
        features={"gifts", "bonus", "coupons", "markers", "audience", "dates", "unavailable"},
        coupon_errors=True,
    )
)
def test_engine_matches_oracle_on_gates_gifts_and_bonus(scenario: dict[str, Any]) -> None:
    check(scenario)


@given(
    ps.scenarios(
        features={"max_amount", "cap", "no_stacking"},
        discount_types={"PERCENTAGE"},
        max_lines=6,
    )
)
def test_engine_matches_oracle_on_percentages(scenario: dict[str, Any]) -> None:
    """Compounding percentages: rounding half-up on every line, then sharing."""
    check(scenario)


@given(
    ps.scenarios(
        features={"quantity", "conditions", "exclusions", "max_amount", "cap"},
        applicabilities={"TO_PRODUCT"},
        max_lines=6,
        max_quantity=12,
    )
)
def test_engine_matches_oracle_on_quantities(scenario: dict[str, Any]) -> None:
    """Quantity conditions, per, maxQuantity, tiers and buy-get on product discounts:
    the units each discount takes its amount off, unit by unit in the oracle."""
    check(scenario)


@given(
    ps.scenarios(
        features={"quantity", "conditions", "gifts", "no_stacking", "coupons"},
        max_lines=6,
        max_quantity=12,
    )
)
def test_engine_matches_oracle_on_quantities_with_gifts_and_stacking(
    scenario: dict[str, Any],
) -> None:
    """Tiers and buy-get measured on the cart as requested, before the stacking pick;
    units a replacing gift takes are no longer there to discount."""
    check(scenario)


# docs/quantity-promotions.md, "the cap on shared units skips a cheaper unit": buy 1 get 1
# free, product 2 both bought and got. Of the two units to get, at most |Bo| + |O| − k·X = 1
# may come from product 2, so the second is product 3's (5.00 off, not 4.00). Generated
# scenarios reach this cap only now and then: this one always does.
SHARED_UNITS_CAPPED = {
    "at": "2026-01-01T00:00:00Z",
    "currency": "USD",
    "catalog": [
        {"id": 1, "title": "Product 1", "price": "20.00"},
        {"id": 2, "title": "Product 2", "price": "2.00"},
        {"id": 3, "title": "Product 3", "price": "3.00"},
    ],
    "discounts": [
        {
            "id": 1,
            "identifier": "b1g1",
            "type": "DISCOUNT",
            "discountValue": {
                "value": 100,
                "discountType": "PERCENTAGE",
                "applicability": "TO_PRODUCT",
                "buyGet": {
                    "buyQuantity": 1,
                    "getQuantity": 1,
                    "buyConditions": [{"conditionType": "PRODUCT", "entityIds": [1, 2]}],
                },
            },
            "conditions": [{"conditionType": "PRODUCT", "entityIds": [2, 3]}],
        }
    ],
    "order": {
        "products": [
            {"productId": 1, "quantity": 1},
            {"productId": 2, "quantity": 2},
            {"productId": 3, "quantity": 1},
        ]
    },
}


@example(SHARED_UNITS_CAPPED)
@given(unit_counting())
def test_engine_matches_oracle_on_units(scenario: dict[str, Any]) -> None:
    """Every product discount counts units: the d-unit bases, the order of units, the
    sets of a buy-get and the units it may take from those both bought and got."""
    check(scenario)


@given(
    ps.scenarios(
        features={
            "shipping",
            "usage",
            "coupon_codes",
            "coupons",
            "audience",
            "max_amount",
            "cap",
            "no_stacking",
            "gifts",
        },
        max_discounts=8,
        coupon_errors=True,
    )
)
def test_engine_matches_oracle_on_shipping_usage_and_codes(scenario: dict[str, Any]) -> None:
    """Shipping discounts after the cap, usage gates and budgets near their limits,
    several coupon codes (some refused): the extensions' arithmetic and gates."""
    check(scenario)


@given(
    discounted_shipping(
        frozenset({"shipping", "bonus", "usage", "max_amount", "cap", "conditions", "gifts"})
    )
)
def test_engine_matches_oracle_on_discounted_shipping_and_bonus(scenario: dict[str, Any]) -> None:
    """A shipping discount that takes something off the shipping (nearly always), with
    the bonus in play: its limits are on the goods and the shipping, each after its
    discounts."""
    check(scenario)


@given(st.integers(0, 60), st.lists(st.integers(0, 9), min_size=1, max_size=7))
def test_sharing_is_the_oracles_largest_remainder(total: int, weights: list[int]) -> None:
    """Every sharing of the engine is the largest-remainder method, ties to the earlier
    line: small weights tie often, and several units are often left to hand out."""
    if not any(weights):
        total = 0  # nothing to be proportional to: only ever with nothing to share
    want = oracle.largest_remainder(Fraction(total), [Fraction(w) for w in weights], Fraction(1))
    assert allocate(total, weights) == [int(share) for share in want]
