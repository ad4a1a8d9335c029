"""Stage 4 — product discounts: ``TO_PRODUCT`` rules, line by line (SPEC §6)."""

from __future__ import annotations

from collections.abc import Sequence

from ._applied import Applied
from ._eligibility import Verdict
from ._lines import Line
from ._money import allocate

__all__ = ["apply_product_discounts", "line_amount"]


def line_amount(kind: str, verdict: Verdict, current: int, line: Line) -> int:
    """What one rule takes off one line whose current amount is ``current``."""
    rule = verdict.rule
    if kind == "PERCENTAGE":
        return rule.rate.of_half_up(current)
    if kind == "FIXED_AMOUNT":
        return min(rule.value * line.quantity, current)
    if kind == "FIXED_PRICE":
        return max(0, current - rule.value * line.quantity)
    return 0


def apply_product_discounts(
    verdicts: Sequence[Verdict], lines: Sequence[Line], current: list[int]
) -> list[Applied]:
    """Apply each rule in order on the amounts left by the ones before it.

    ``current`` (each line's amount so far) is this stage's own working copy and is
    brought up to date as rules apply.
    """
    applied = []
    for verdict in verdicts:
        rule = verdict.rule
        amounts = [line_amount(rule.kind, verdict, current[i], lines[i]) for i in verdict.targets]
        total = sum(amounts)
        if rule.max_amount is not None and total > rule.max_amount:
            total = rule.max_amount
            amounts = allocate(total, amounts)
        for i, a in zip(verdict.targets, amounts, strict=True):
            current[i] -= a
        applied.append(Applied(rule, tuple(zip(verdict.targets, amounts, strict=True)), total))
    return applied
