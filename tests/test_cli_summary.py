"""The readable summary explains the bonus arithmetic (issue: CLI shows the bonus limits)."""

from __future__ import annotations

from typing import Any

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
