"""Stage 7 — bonus: loyalty points paying part of the order, and points accrued (docs/bonus.md).

One point is one unit of the currency, so points are minor units here too.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._ruleset.rules import Rule
from .._ruleset.settings import CompiledSettings
from .records import Bonus, Request
from .usage import Budgets

__all__ = ["accrual", "settle_bonus"]


def settle_bonus(
    total_with_discount: int, request: Request, settings: CompiledSettings, *, shipping: int = 0
) -> Bonus:
    """How much the customer's points may pay, and how much they do.

    The payable total is ``totalSumWithDiscount`` plus shipping (docs/taxes.md: bonus
    may pay shipping; without shipping inputs it is just the former).
    """
    customer, requested = request.customer, request.bonus_requested
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


def accrual(programs: Sequence[Rule], total_due: int, budgets: Budgets | None = None) -> int:
    """Points the passing ``BONUS`` programs credit on payment (percentages rounded down),
    each at most its ``maxAmount`` and what its budget has left."""
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
        if budgets is not None:
            earned, _ = budgets.cut(rule, earned)
        points += earned
    return points
