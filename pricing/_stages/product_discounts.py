"""Stage 4 — product discounts: ``TO_PRODUCT`` rules, line by line (docs/stacking-and-cap.md)."""

from __future__ import annotations

from collections.abc import Sequence

from .._money import allocate
from .records import Applied, Line, Target
from .usage import Budgets

__all__ = ["apply_product_discounts"]


def apply_product_discounts(
    chosen: Sequence[Target],
    lines: Sequence[Line],
    current: list[int],
    budgets: Budgets | None = None,
) -> list[Applied]:
    """Apply each rule in order on the amounts left by the ones before it.

    What a rule takes off each line is its ``take_lines`` (the amount table, built
    per rule in :mod:`pricing._ruleset.formulas`); a ``maxAmount`` over their sum, or
    a budget with less left (``budgets``: ``None`` when no rule has one), is shared
    back over them once, in proportion to the uncapped amounts.

    ``current`` (each line's amount so far) is this stage's own working copy and is
    brought up to date as rules apply.
    """
    applied = []
    for rule, targets in chosen:
        amounts = rule.take_lines(current, targets, lines)
        total = most = sum(amounts)
        if rule.max_amount is not None and total > rule.max_amount:
            most = rule.max_amount
        capped = False
        if budgets is not None:
            most, capped = budgets.cut(rule, most)
        if most < total:
            total = most
            amounts = allocate(total, amounts)
        if total:
            for i, a in zip(targets, amounts, strict=False):  # as long: see the order stage
                current[i] -= a
        applied.append(Applied(rule, targets, amounts, total, capped))
    return applied
