"""Bonus points (docs/bonus.md, docs/decisions.md "Bonus"): what the balance may pay, and
what the BONUS programs accrue.

1 point = 1 unit of currency. Every expected figure is worked out by hand in the
comments, in minor units where rounding matters.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

import pricing

AT = "2026-11-22T12:00:00Z"
D = Decimal
_UNSET: Any = object()


def scenario(
    price: str | int = "100.00",
    *,
    balance: str | int | None = "0.00",
    request: str | int | None = None,
    settings: dict[str, Any] | None = None,
    discounts: list[dict[str, Any]] | None = None,
    customer: Any = _UNSET,
    currency: str = "USD",
) -> dict[str, Any]:
    """One product (id 1) at ``price``, quantity 1, customer 42 in group 3."""
    if customer is _UNSET:
        customer = {"id": 42, "groupIds": [3], "bonusBalance": balance}
    return {
        "at": AT,
        "currency": currency,
        "catalog": [{"id": 1, "title": "Thing", "price": price}],
        "customer": customer,
        "discounts": discounts or [],
        "settings": settings or {},
        "order": {"products": [{"productId": 1, "quantity": 1}], "bonusAmount": request},
    }


def run(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return dict(pricing.preview(scenario(*args, **kwargs)).document)


def bonus_of(doc: dict[str, Any]) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """``(availableBalance, maxBonusDiscount, bonusApplied, totalDue)``, checked consistent."""
    b = doc["discountConfig"]["bonus"]
    assert doc["bonusApplied"] == doc["discountConfig"]["bonusApplied"] == b["bonusApplied"]
    assert doc["totalDue"] == doc["discountConfig"]["totalDue"]
    return b["availableBalance"], b["maxBonusDiscount"], b["bonusApplied"], doc["totalDue"]


def percent_off(value: int, did: int = 1) -> dict[str, Any]:
    return {
        "id": did,
        "identifier": f"pct-{did}",
        "position": did,
        "discountValue": {
            "value": value,
            "discountType": "PERCENTAGE",
            "applicability": "TO_ORDER",
        },
    }


def program(did: int, kind: str, value: str | int, **fields: Any) -> dict[str, Any]:
    """A BONUS program."""
    return {
        "id": did,
        "identifier": f"bonus-{did}",
        "type": "BONUS",
        "position": did,
        "discountValue": {
            "value": value,
            "maxAmount": fields.pop("max_amount", None),
            "discountType": kind,
            "applicability": "TO_ORDER",
        },
        **fields,
    }


# ---------------------------------------------------------------------------
# paying with points


def test_request_above_the_balance_is_clamped_to_the_balance() -> None:
    # total 100.00, balance 30.00, no limits: max = min(30.00, 100.00) = 30.00.
    # Request 50.00 → applied min(50.00, 30.00) = 30.00; totalDue 100.00 − 30.00 = 70.00.
    doc = run(balance="30.00", request="50.00")
    assert bonus_of(doc) == (D("30.00"), D("30.00"), D("30.00"), D("70.00"))
    assert doc["totalSumWithDiscount"] == D("100.00")


def test_request_above_the_payment_percent_limit_is_clamped_and_floored() -> None:
    # total 33.33 = 3333 cents, maxBonusPaymentPercent 30:
    # 3333 × 30 / 100 = 999.9 → floor 999 = 9.99 (rounding half up would give 10.00).
    # max = min(500.00, 33.33, 9.99) = 9.99; request 50.00 → applied 9.99;
    # totalDue 33.33 − 9.99 = 23.34.
    doc = run("33.33", balance="500.00", request="50.00", settings={"maxBonusPaymentPercent": 30})
    assert bonus_of(doc) == (D("500.00"), D("9.99"), D("9.99"), D("23.34"))


def test_request_below_every_limit_is_applied_as_asked() -> None:
    # total 100.00, balance 30.00, percent 50 → max min(30, 100, 50) = 30.00; request 12.34.
    doc = run(balance="30.00", request="12.34", settings={"maxBonusPaymentPercent": 50})
    assert bonus_of(doc) == (D("30.00"), D("30.00"), D("12.34"), D("87.66"))


def test_limits_use_the_total_after_discounts() -> None:
    # 100.00 − 10 % = 90.00; percent 50 → floor(9000 × 50/100) = 4500 = 45.00.
    # balance 100.00, request 100.00 → applied 45.00; totalDue 90.00 − 45.00 = 45.00.
    doc = run(
        balance="100.00",
        request="100.00",
        settings={"maxBonusPaymentPercent": 50},
        discounts=[percent_off(10)],
    )
    assert doc["totalSumWithDiscount"] == D("90.00")
    assert bonus_of(doc) == (D("100.00"), D("45.00"), D("45.00"), D("45.00"))


def test_without_a_percent_limit_the_total_bounds_the_bonus() -> None:
    # balance 500.00 > total 100.00: max = min(500, 100) = 100.00, totalDue 0 (never negative).
    doc = run(balance="500.00", request="400.00")
    assert bonus_of(doc) == (D("500.00"), D("100.00"), D("100.00"), D("0.00"))


def test_order_below_min_order_amount_gets_no_bonus() -> None:
    # total 49.99 < minOrderAmountForBonus 50.00 → max 0, applied 0, totalDue 49.99.
    doc = run(
        "49.99", balance="100.00", request="10.00", settings={"minOrderAmountForBonus": "50.00"}
    )
    assert bonus_of(doc) == (D("100.00"), D("0.00"), D("0.00"), D("49.99"))
    assert doc["discountConfig"]["bonus"]["minOrderAmountForBonus"] == D("50.00")


def test_order_at_min_order_amount_gets_bonus() -> None:
    # total 50.00 is not < 50.00: max = min(100.00, 50.00) = 50.00; request 10.00 applied.
    doc = run(
        "50.00", balance="100.00", request="10.00", settings={"minOrderAmountForBonus": "50.00"}
    )
    assert bonus_of(doc) == (D("100.00"), D("50.00"), D("10.00"), D("40.00"))


def test_min_order_amount_compares_the_discounted_total() -> None:
    # totalRaw 55.00 ≥ 50.00, but 55.00 − 10 % (5.50) = 49.50 < 50.00 → max 0.
    doc = run(
        "55.00",
        balance="100.00",
        request="10.00",
        settings={"minOrderAmountForBonus": "50.00"},
        discounts=[percent_off(10)],
    )
    assert bonus_of(doc) == (D("100.00"), D("0.00"), D("0.00"), D("49.50"))


def test_balance_below_min_bonus_amount_gets_no_bonus() -> None:
    # balance 9.99 < minBonusAmount 10.00 → max 0, applied 0.
    doc = run(balance="9.99", request="5.00", settings={"minBonusAmount": "10.00"})
    assert bonus_of(doc) == (D("9.99"), D("0.00"), D("0.00"), D("100.00"))
    assert doc["discountConfig"]["bonus"]["minBonusAmount"] == D("10.00")


def test_balance_at_min_bonus_amount_gets_bonus() -> None:
    # balance 10.00 is not < 10.00: max = min(10.00, 100.00) = 10.00; request 20.00 → 10.00.
    doc = run(balance="10.00", request="20.00", settings={"minBonusAmount": "10.00"})
    assert bonus_of(doc) == (D("10.00"), D("10.00"), D("10.00"), D("90.00"))


def test_guest_with_a_request_gets_the_bonus_object_with_zero_balance() -> None:
    # A guest has no balance: availableBalance 0 → max 0 → applied 0; the object is
    # shown because a bonusAmount was requested.
    doc = run(customer=None, request="5.00")
    assert doc["discountConfig"]["bonus"] == {
        "availableBalance": D("0.00"),
        "maxBonusDiscount": D("0.00"),
        "minBonusAmount": None,
        "minOrderAmountForBonus": None,
        "bonusApplied": D("0.00"),
    }
    assert doc["totalDue"] == D("100.00")


def test_guest_without_a_request_has_bonus_null() -> None:
    doc = run(customer=None, request=None)
    assert doc["discountConfig"]["bonus"] is None
    assert doc["bonusApplied"] == D("0.00")
    assert doc["totalDue"] == D("100.00")
    assert '"bonus": null' in pricing.preview(scenario(customer=None)).to_json()


def test_known_customer_without_a_request_gets_the_bonus_object() -> None:
    # Not a guest → the object, with max = min(30.00, 100.00) = 30.00 and nothing applied.
    doc = run(balance="30.00", request=None)
    assert bonus_of(doc) == (D("30.00"), D("30.00"), D("0.00"), D("100.00"))


def test_unknown_balance_means_zero() -> None:
    # bonusBalance null → availableBalance 0 → max 0 → a 10.00 request applies 0.
    doc = run(balance=None, request="10.00")
    assert bonus_of(doc) == (D("0.00"), D("0.00"), D("0.00"), D("100.00"))


def test_jpy_has_no_decimals_and_the_percent_limit_is_floored() -> None:
    # JPY exponent 0. total ¥999, balance ¥1000, maxBonusPaymentPercent 33.5:
    # 999 × 33.5 / 100 = 334.665 → floor 334 (half up would be 335).
    # request ¥500 → applied ¥334; totalDue 999 − 334 = ¥665.
    result = pricing.preview(
        scenario(
            999,
            currency="JPY",
            balance=1000,
            request=500,
            settings={"maxBonusPaymentPercent": "33.5"},
        )
    )
    doc = dict(result.document)
    assert bonus_of(doc) == (D("1000"), D("334"), D("334"), D("665"))
    # Decimals with the currency's exponent (0) and JSON integers.
    assert result.total_due.as_tuple().exponent == 0
    assert '"maxBonusDiscount": 334,' in result.to_json()
    assert '"totalDue": 665,' in result.to_json()


def test_jpy_request_with_decimals_is_an_error() -> None:
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.preview(scenario(999, currency="JPY", balance=1000, request="1.5"))
    assert err.value.path == "order.bonusAmount"


@pytest.mark.parametrize("request_", ["-0.01", -5, "-100.00"])
def test_negative_request_is_a_scenario_error_naming_order_bonus_amount(request_: Any) -> None:
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.preview(scenario(balance="100.00", request=request_))
    assert err.value.path == "order.bonusAmount"
    assert "order.bonusAmount" in str(err.value)
    assert isinstance(err.value, pricing.PricingError)


def test_negative_request_through_the_engine_names_order_bonus_amount() -> None:
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "10.00"}])
    with pytest.raises(pricing.ScenarioError) as err:
        engine.preview(
            {"products": [{"productId": 1, "quantity": 1}], "bonusAmount": "-1.00"},
            at=datetime(2026, 11, 22, tzinfo=UTC),
            customer={"id": 1, "bonusBalance": "5.00"},
        )
    assert err.value.path == "order.bonusAmount"


def test_zero_request_applies_nothing() -> None:
    doc = run(balance="30.00", request="0")
    assert bonus_of(doc) == (D("30.00"), D("30.00"), D("0.00"), D("100.00"))


# ---------------------------------------------------------------------------
# bonusAccrual


def test_percentage_accrual_is_of_total_due_rounded_down() -> None:
    # total 99.99, bonus 30.00 applied (balance 30, no limits) → totalDue 69.99 = 6999.
    # 5 % of 6999 = 349.95 → floor 349 = 3.49 (half up would give 3.50).
    result = pricing.preview(
        scenario("99.99", balance="30.00", request="30.00", discounts=[program(9, "PERCENT", 5)])
    )
    assert result.total_due == D("69.99")
    assert result.bonus_accrual == D("3.49")
    assert result.document["bonusAccrual"] == D("3.49")
    assert '"bonusAccrual": 3.49,' in result.to_json()


def test_accrual_follows_discounts_and_bonus() -> None:
    # 100.00 − 10 % = 90.00; bonus 20.00 → totalDue 70.00; 5 % of 70.00 = 3.50.
    doc = run(
        balance="20.00",
        request="20.00",
        discounts=[percent_off(10), program(9, "PERCENTAGE", 5)],
    )
    assert doc["totalDue"] == D("70.00")
    assert doc["bonusAccrual"] == D("3.50")


def test_fixed_and_percentage_programs_add_up() -> None:
    # 6999 × 5 % → 3.49 (as above) plus a FIXED_AMOUNT program of 3.00 → 6.49.
    doc = run(
        "99.99",
        balance="30.00",
        request="30.00",
        discounts=[program(8, "PERCENTAGE", 5), program(9, "FIXED_AMOUNT", "3.00")],
    )
    assert doc["bonusAccrual"] == D("6.49")


def test_max_amount_caps_a_programs_accrual() -> None:
    # 10 % of 100.00 = 10.00, maxAmount 4.00 → 4.00.
    doc = run(discounts=[program(9, "PERCENTAGE", 10, max_amount="4.00")])
    assert doc["bonusAccrual"] == D("4.00")


def test_fixed_price_and_none_programs_accrue_nothing() -> None:
    doc = run(discounts=[program(8, "FIXED_PRICE", "1.00"), program(9, "NONE", 0)])
    assert doc["bonusAccrual"] == D("0.00")


def test_jpy_accrual_rounds_down_to_a_yen() -> None:
    # ¥999, no bonus: 5 % of 999 = 49.95 → floor ¥49.
    doc = run(999, currency="JPY", balance=0, discounts=[program(9, "PERCENTAGE", 5)])
    assert doc["bonusAccrual"] == D("49")


def test_programs_date_windows_are_respected() -> None:
    # at = 2026-11-22T12:00Z. Start inclusive, end exclusive (gate 2, docs/eligibility.md).
    programs = [
        program(1, "FIXED_AMOUNT", "1.00", startDate="2026-12-01T00:00:00Z"),  # not started
        program(2, "FIXED_AMOUNT", "2.00", endDate="2026-11-22T12:00:00Z"),  # ended at `at`
        program(
            3,
            "FIXED_AMOUNT",
            "4.00",
            startDate="2026-11-01T00:00:00Z",
            endDate="2026-12-01T00:00:00Z",
        ),  # running
        program(4, "FIXED_AMOUNT", "8.00", startDate=AT),  # starts exactly at `at`
        program(5, "PERCENTAGE", 10, endDate="2026-01-01T00:00:00Z"),  # long over
    ]
    doc = run(discounts=programs)
    # 4.00 + 8.00 = 12.00.
    assert doc["bonusAccrual"] == D("12.00")
    # In the explanation every BONUS program is not_applied / bonus_program (gate 1),
    # whatever its dates.
    assert [(e["id"], e["status"], e["reason"]) for e in doc["explanation"]] == [
        (i, "not_applied", "bonus_program") for i in range(1, 6)
    ]


def test_programs_user_targeting_is_respected() -> None:
    # Customer 42 in group 3.
    programs = [
        program(1, "FIXED_AMOUNT", "1.00", userGroups=[7]),  # not in group 7
        program(2, "FIXED_AMOUNT", "2.00", userGroups=[{"id": 3}]),  # in group 3
        program(3, "FIXED_AMOUNT", "4.00", userExclusions=[42]),  # 42 excluded
        program(4, "FIXED_AMOUNT", "8.00", userExclusions=[{"id": 43}]),  # someone else
    ]
    # 2.00 + 8.00 = 10.00.
    assert run(discounts=programs)["bonusAccrual"] == D("10.00")
    # A guest fails every userGroups gate (reason guest) but is in no userExclusions
    # list: programs 3 and 4 accrue, 4.00 + 8.00 = 12.00.
    assert run(discounts=programs, customer=None)["bonusAccrual"] == D("12.00")


def test_programs_conditions_are_respected() -> None:
    # MIN_CART_AMOUNT 200.00 against a 100.00 cart → nothing; 50.00 → 1.00.
    programs = [
        program(
            1,
            "FIXED_AMOUNT",
            "5.00",
            conditions=[{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": "200.00"}}],
        ),
        program(
            2,
            "FIXED_AMOUNT",
            "1.00",
            conditions=[{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": "50.00"}}],
        ),
    ]
    assert run(discounts=programs)["bonusAccrual"] == D("1.00")


def tiered_program(did: int, kind: str, tiers: list[dict[str, Any]]) -> dict[str, Any]:
    """A BONUS program whose accrual is picked by tiers (``value`` left out)."""
    made = program(did, kind, 0)
    del made["discountValue"]["value"]
    made["discountValue"]["tiers"] = tiers
    return made


LOYALTY = [{"minAmount": "50.00", "value": 5}, {"minAmount": "100.00", "value": 10}]


@pytest.mark.parametrize(
    ("price", "accrual"),
    [
        # 40.00 reaches no tier (50.00 is the first): nothing accrues.
        ("40.00", D("0.00")),
        # 60.00 reaches tier 0: 5 % of totalDue 60.00 = 3.00.
        ("60.00", D("3.00")),
        # 100.00 reaches tier 1 exactly (a threshold is reached when met): 10 % of 100.00.
        ("100.00", D("10.00")),
        # 155.55 → tier 1: 10 % of 15555 = 1555.5 → floor 1555 = 15.55.
        ("155.55", D("15.55")),
    ],
)
def test_a_tiered_program_accrues_at_the_tier_the_cart_reaches(price, accrual) -> None:
    doc = run(price, discounts=[tiered_program(9, "PERCENTAGE", LOYALTY)])
    assert doc["bonusAccrual"] == accrual
    (entry,) = doc["explanation"]  # still a program: never applied, no tier shown
    assert (entry["status"], entry["reason"]) == ("not_applied", "bonus_program")
    assert "tier" not in entry


def test_a_tiered_program_measures_the_cart_before_discounts() -> None:
    # The cart is 100.00 before the 10 % discount, 90.00 after: tiers measure the
    # targeted lines before any discount, so 100.00 ≥ 95.00 reaches tier 1 (4.00), not
    # tier 0 (1.00) as 90.00 would. Bonus 20.00 paid: totalDue 90.00 − 20.00 = 70.00.
    tiers = [{"minAmount": "50.00", "value": "1.00"}, {"minAmount": "95.00", "value": "4.00"}]
    doc = run(
        balance="20.00",
        request="20.00",
        discounts=[percent_off(10), tiered_program(9, "FIXED_AMOUNT", tiers)],
    )
    assert doc["totalDue"] == D("70.00")
    assert doc["bonusAccrual"] == D("4.00")


def test_bonus_programs_never_discount_and_are_reported_as_bonus_program() -> None:
    # A 50 % BONUS program takes nothing off the price: totals stay 100.00, and it is
    # not echoed in orderDiscounts/productDiscounts. 50 % of totalDue 100.00 = 50.00 accrues.
    doc = run(discounts=[program(1, "PERCENTAGE", 50)])
    assert doc["totalSumWithDiscount"] == D("100.00")
    assert doc["totalDue"] == D("100.00")
    assert doc["discountConfig"]["orderDiscounts"] == []
    assert doc["discountConfig"]["productDiscounts"] == []
    assert doc["explanation"] == [
        {
            "id": 1,
            "identifier": "bonus-1",
            "status": "not_applied",
            "reason": "bonus_program",
            "amount": D("0.00"),
            "capped": False,
        }
    ]
    assert doc["lines"][0]["discounts"] == []
    assert doc["bonusAccrual"] == D("50.00")


def test_a_bonus_program_does_not_take_the_single_slot_when_stacking_is_off() -> None:
    # allowStacking false: the BONUS program (position 1) is never a price discount
    # (gate 1), so the 10 % discount (position 2) is the one applied: 100.00 → 90.00.
    # The program still accrues 5 % of 90.00 = 4.50.
    doc = run(
        discounts=[program(1, "PERCENTAGE", 5), percent_off(10, did=2)],
        settings={"allowStacking": False},
    )
    assert [(e["id"], e["status"], e["reason"]) for e in doc["explanation"]] == [
        (1, "not_applied", "bonus_program"),
        (2, "applied", None),
    ]
    assert doc["totalSumWithDiscount"] == D("90.00")
    assert doc["bonusAccrual"] == D("4.50")


def test_no_programs_no_accrual() -> None:
    assert run(balance="30.00", request="10.00")["bonusAccrual"] == D("0.00")
