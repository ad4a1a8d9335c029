"""Stage 4 — product discounts: ``TO_PRODUCT`` rules, line by line (docs/stacking-and-cap.md)."""

from __future__ import annotations

from collections.abc import Sequence

from .._money import allocate
from .records import Applied, Line, Target

__all__ = ["apply_product_discounts"]


def apply_product_discounts(
    chosen: Sequence[Target], lines: Sequence[Line], current: list[int]
) -> list[Applied]:
    """Apply each rule in order on the amounts left by the ones before it.

    What a rule takes off each line is its ``take_lines`` (the amount table, built
    per rule in :mod:`pricing._ruleset.formulas`); a ``maxAmount`` over their sum is
    shared back over them.

    ``current`` (each line's amount so far) is this stage's own working copy and is
    brought up to date as rules apply.
    """
    applied = []
    for rule, targets in chosen:
        amounts = rule.take_lines(current, targets, lines)
        total = sum(amounts)
        if rule.max_amount is not None and total > rule.max_amount:
            total = rule.max_amount
            amounts = allocate(total, amounts)
        if total:
            for i, a in zip(targets, amounts, strict=False):  # as long: see the order stage
                current[i] -= a
        applied.append(Applied(rule, targets, amounts, total))
    return applied
