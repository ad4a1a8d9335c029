"""The readable summary explains the bonus arithmetic (issue: CLI shows the bonus limits)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing._cli import render_summary


def _scenario(settings: dict[str, Any]) -> dict[str, Any]:
    # One line of 100.00, no discount; the customer has 50.00 of points and asks for 40.00.
    return {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "catalog": [{"id": 1, "price": "100.00"}],
        "customer": {"id": 9, "bonusBalance": "50.00"},
        "settings": settings,
        "order": {"products": [{"productId": 1, "quantity": 1}], "bonusAmount": "40.00"},
    }


def test_summary_names_the_three_limits_of_the_bonus() -> None:
    # max = min(balance 50.00, payable 100.00, floor(100.00 × 30 %) = 30.00) = 30.00;
    # applied = min(requested 40.00, 30.00) = 30.00.
    text = render_summary(pricing.preview(_scenario({"maxBonusPaymentPercent": 30})))
    assert "max bonus discount  30.00" in text
    assert "balance 50.00, payable 100.00, 30% of 100.00, rounded down" in text
    assert "applied             30.00" in text


def test_summary_says_why_the_bonus_is_zero_below_the_minimum_order() -> None:
    # payable 100.00 < minOrderAmountForBonus 150 → maxBonusDiscount 0.
    text = render_summary(pricing.preview(_scenario({"minOrderAmountForBonus": 150})))
    assert "max bonus discount  0.00" in text
    assert "below minOrderAmountForBonus 150" in text


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _example(name: str) -> str:
    return render_summary(pricing.preview(pricing.loads_json((EXAMPLES / name).read_text("utf-8"))))


def test_the_totals_say_which_is_net_and_what_the_shopper_pays() -> None:
    """Tax exclusive: totalDue is net goods; the shopper pays total with tax − bonus."""
    text = _example("tax-exclusive-us.json")
    totals = text.split("\n\n")[0].splitlines()
    assert totals[-2].split() == ["total", "due", "(goods,", "before", "tax)", "104.98"]
    assert totals[-1].split() == ["to", "pay", "(with", "tax,", "after", "bonus)", "120.51"]
    assert "shopper pays" not in text  # one figure for it, labelled once


def test_what_the_shopper_pays_is_never_below_zero() -> None:
    """Goods 10.00 at 10 % (tax 1.00), a −10.50 untaxed surcharge: total 0, with tax 1.00.
    The bonus limits see the goods (10.00), not the surcharge: 10.00 of bonus is applied,
    and 1.00 − 10.00 would be −9.00: the shopper pays 0.00."""
    scenario = {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "taxRates": [{"id": "a", "name": "A", "rate": 10}],
        "catalog": [{"id": 1, "price": "10.00", "taxRateId": "a"}],
        "customer": {"id": 1, "bonusBalance": "50.00"},
        "order": {
            "products": [{"productId": 1, "quantity": 1}],
            "surcharges": [{"description": "x", "amount": "-10.50", "taxRateId": None}],
            "bonusAmount": "10.00",
        },
    }
    result = pricing.preview(scenario)
    assert (result.document["taxes"]["totalWithTax"], result.bonus_applied) == (
        Decimal("1.00"),
        Decimal("10.00"),
    )
    totals = render_summary(result).split("\n\n")[0].splitlines()
    assert totals[-1].split()[-1] == "0.00"


def test_prices_with_tax_say_total_due_includes_it() -> None:
    totals = _example("tax-inclusive-eu.json").split("\n\n")[0].splitlines()
    assert "total due (goods, with tax)" in totals[-2]
    assert totals[-1].split()[-1] == "242.48"  # with shipping: taxes.totalWithTax − bonus 0


def test_without_tax_total_due_is_what_is_paid() -> None:
    totals = _example("bonus.json").split("\n\n")[0].splitlines()
    assert totals[-1].split() == ["total", "due", "141.63"]


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_summary_line_fits_80_columns(example: str) -> None:
    lines = _example(example).splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(lines)


@pytest.mark.parametrize(
    ("example", "shown"),
    [("tiered.json", "applied (tier 1)"), ("three-for-two.json", "applied (2 sets)")],
)
def test_summary_shows_the_tier_used_and_the_sets_made(example: str, shown: str) -> None:
    text = render_summary(pricing.preview(pricing.loads_json((EXAMPLES / example).read_text())))
    assert shown in text


def test_summary_shows_shipping_discounts_usage_and_every_code() -> None:
    """Free shipping by code SHIP on a 5.99 line, 10 % by code TEN within its budget;
    couponCodes presents both, and a third code whose discount fails its group gate."""
    scenario = {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "catalog": [{"id": 1, "price": "100.00"}],
        "customer": {"id": 9},
        "discounts": [
            {"id": 1, "identifier": "free-ship", "coupons": ["SHIP"],
             "discountValue": {"value": 100, "discountType": "PERCENTAGE",
                               "applicability": "TO_SHIPPING"}},
            {"id": 2, "identifier": "ten", "coupons": ["TEN"], "budget": {"amount": "50.00"},
             "discountValue": {"value": 10, "discountType": "PERCENTAGE"}},
            {"id": 3, "identifier": "vip", "coupons": ["VIP"], "userGroups": [7],
             "discountValue": {"value": 5, "discountType": "PERCENTAGE"}},
        ],
        "order": {
            "products": [{"productId": 1, "quantity": 1}],
            "couponCodes": ["ship", "ten", "vip"],
            "shippingLines": [{"id": "std", "name": "Standard", "price": "5.99"}],
        },
        "usage": {"2": {"uses": 3, "spent": "45.00"}},
    }  # fmt: skip
    text = render_summary(pricing.preview(scenario))
    assert "Coupon SHIP: valid, applied (discount free-ship)" in text
    assert "Coupon TEN: valid, applied (discount ten)" in text
    assert "Coupon VIP: valid, not applied (discount vip)" in text
    shipping = text.split("\nShipping\n")[1].split("\n\n")[0].splitlines()
    assert shipping[2].split() == ["std", "Standard", "5.99", "5.99", "0.00"]
    assert shipping[3] == "  shipping discounts: free-ship -5.99"
    usage = text.split("\nUsage (add to the counters when the order is placed)\n")[1]
    # ten: 10 % of 100.00 = 10.00, but only 50.00 − 45.00 = 5.00 of its budget is left.
    assert [row.split() for row in usage.splitlines()[2:4]] == [
        ["1", "free-ship", "1", "5.99"],
        ["2", "ten", "1", "5.00"],
    ]


def test_a_discount_without_identifier_is_named_by_its_id() -> None:
    """No identifier: the coupon line names the discount's id, a line share says so."""
    scenario = {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "catalog": [{"id": 1, "price": "10.00"}],
        "discounts": [
            {
                "id": 7,
                "coupons": ["A"],
                "discountValue": {
                    "value": 10,
                    "discountType": "PERCENTAGE",
                    "applicability": "TO_ORDER",
                },
            }
        ],
        "order": {"products": [{"productId": 1, "quantity": 1}], "couponCode": "a"},
    }
    text = render_summary(pricing.preview(scenario))
    # 10 % of 10.00 = 1.00
    assert "Coupon A: valid, applied (discount 7)" in text
    assert "unnamed: -1.00" in text
    assert "None" not in text


def test_text_a_terminal_would_act_on_is_shown_escaped() -> None:
    """An identifier or title is input: a newline in it would break the table, and an
    escape sequence would clear or recolour the reader's terminal."""
    scenario = _scenario({})
    scenario["discounts"] = [
        {
            "id": 2,
            "identifier": "id\nx\x1b[2J\u202e\u2028\u061c\u200b\ufeff",
            "discountValue": {"value": 10, "discountType": "PERCENTAGE"},
        }
    ]
    text = render_summary(pricing.preview(scenario))
    assert "id\\nx\\x1b[2J\\u202e\\u2028\\u061c\\u200b\\ufeff" in text
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert all(line.isprintable() for line in text.splitlines())
    assert text.splitlines() == text.split("\n")[:-1]  # (no other line break)
    rules = text.split("Rules (priority order)\n")[1].splitlines()
    status_column = [m.start() for m in re.finditer("-+", rules[1])][2]
    assert rules[2].index("applied") == status_column  # (the columns still aligned)
