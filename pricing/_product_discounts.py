"""Stage 4 — product discounts: ``TO_PRODUCT`` rules, line by line (SPEC §6)."""

from __future__ import annotations

from collections.abc import Sequence

from ._applied import Applied
from ._compile import Rule
from ._eligibility import Target
from ._lines import Line
from ._money import allocate

__all__ = ["apply_product_discounts", "line_amounts"]


def line_amounts(
    rule: Rule, targets: Sequence[int], lines: Sequence[Line], current: Sequence[int]
) -> list[int]:
    """What ``rule`` takes off each targeted line, ``current`` being the amounts so far.

    PERCENTAGE v: round(n·v/100); FIXED_AMOUNT v: min(v·q, n); FIXED_PRICE v:
    max(0, n − v·q); NONE: 0 (SPEC §6, with n the line's current amount, q its
    quantity).
    """
    kind = rule.kind
    if kind == "PERCENTAGE":
        return rule.rate.of_half_up_at(current, targets)
    value = rule.value
    # (conditional expressions: quicker than min() and max() calls, in the hot loop)
    if kind == "FIXED_AMOUNT":
        return [
            off if (off := value * lines[i].quantity) < current[i] else current[i] for i in targets
        ]
    if kind == "FIXED_PRICE":
        return [
            rest if (rest := current[i] - value * lines[i].quantity) > 0 else 0 for i in targets
        ]
    return [0] * len(targets)


def apply_product_discounts(
    chosen: Sequence[Target], lines: Sequence[Line], current: list[int]
) -> list[Applied]:
    """Apply each rule in order on the amounts left by the ones before it.

    ``current`` (each line's amount so far) is this stage's own working copy and is
    brought up to date as rules apply.
    """
    applied = []
    for rule, targets in chosen:
        amounts = line_amounts(rule, targets, lines, current)
        total = sum(amounts)
        if rule.max_amount is not None and total > rule.max_amount:
            total = rule.max_amount
            amounts = allocate(total, amounts)
        if total:
            for i, a in zip(targets, amounts, strict=False):  # as long: see the order stage
                current[i] -= a
        applied.append(Applied(rule, targets, amounts, total))
    return applied
