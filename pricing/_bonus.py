"""Stage 7 — bonus: loyalty points paying part of the order, and points accrued (SPEC §8).

One point is one unit of the currency, so points are minor units here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._compile import CompiledSettings, Rule
from ._lines import CustomerView

__all__ = ["Bonus", "accrual", "settle_bonus"]


@dataclass(slots=True)
class Bonus:
    """The bonus arithmetic of one preview, in minor units.

    Never changed once made; not ``frozen`` because one is made per preview and a
    frozen dataclass is several times slower to build.
    """

    available_balance: int
    max_bonus_discount: int
    requested: int | None
    applied: int
    total_due: int
    """``totalSumWithDiscount`` − ``bonusApplied``, never below 0 (bonus may pay shipping)."""
    shown: bool
    """Whether ``discountConfig.bonus`` is an object (not a guest without a request)."""


def settle_bonus(
    total_with_discount: int,
    customer: CustomerView | None,
    requested: int | None,
    settings: CompiledSettings,
    *,
    shipping: int = 0,
) -> Bonus:
    """How much the customer's points may pay, and how much they do.

    The payable total is ``totalSumWithDiscount`` plus shipping (SPEC §11: bonus
    may pay shipping; without shipping inputs it is just the former).
    """
    payable = total_with_discount + shipping
    balance = 0
    if customer is not None and customer.bonus_balance is not None:
        balance = customer.bonus_balance
    limit = 0
    below_order = (
        settings.min_order_amount_for_bonus is not None
        and payable < settings.min_order_amount_for_bonus
    )
    below_balance = settings.min_bonus_amount is not None and balance < settings.min_bonus_amount
    if not (below_order or below_balance):
        limit = min(balance, payable)
        if settings.bonus_rate is not None:
            limit = min(limit, settings.bonus_rate.of_floor(payable))
    applied = min(requested or 0, limit)
    return Bonus(
        available_balance=balance,
        max_bonus_discount=limit,
        requested=requested,
        applied=applied,
        total_due=max(0, total_with_discount - applied),
        shown=customer is not None or requested is not None,
    )


def accrual(programs: Sequence[Rule], total_due: int) -> int:
    """Points the passing ``BONUS`` programs credit on payment (percentages rounded down)."""
    points = 0
    for rule in programs:
        if rule.kind == "PERCENTAGE":
            earned = rule.rate.of_floor(total_due)
        elif rule.kind == "FIXED_AMOUNT":
            earned = rule.value
        else:
            earned = 0
        if rule.max_amount is not None:
            earned = min(earned, rule.max_amount)
        points += earned
    return points
