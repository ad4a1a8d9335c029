"""Stage 5 — order discounts: ``TO_ORDER`` rules on their targeted base (SPEC §6)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import sub

from ._applied import Applied
from ._eligibility import Target
from ._money import allocate

__all__ = ["apply_order_discounts"]


def apply_order_discounts(chosen: Sequence[Target], current: list[int]) -> list[Applied]:
    """Apply each rule in order; its amount is shared over its lines by current amount.

    ``current`` is brought up to date as rules apply (see the product stage).
    """
    applied = []
    n = len(current)
    for rule, targets in chosen:
        # Every line is common (no product-level condition); targets are distinct
        # positions, so as many as there are lines means all of them, in order.
        everything = len(targets) == n
        weights = current.copy() if everything else [current[i] for i in targets]
        base = sum(weights)
        total = rule.take(base)
        if total:
            shares = allocate(total, weights, base)
            # (shares are as long as targets by construction; a strict zip costs a
            # fifth more in this, the hottest loop of a preview)
            if everything:
                current[:] = map(sub, current, shares)
            else:
                for i, a in zip(targets, shares, strict=False):
                    current[i] -= a
        else:
            shares = [0] * len(targets)
        applied.append(Applied(rule, targets, shares, total))
    return applied
