"""Stage 5 — order discounts: ``TO_ORDER`` rules on their base (docs/stacking-and-cap.md)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import sub

from .._money import allocate, pick
from .._ruleset.rules import Rule
from .cap import settle_past_cap
from .records import Applied, Target

__all__ = ["apply_order_discounts"]


def apply_order_discounts(
    chosen: Sequence[Target], current: list[int], budget: int | None = None
) -> list[Applied]:
    """Apply each rule in order; its amount is shared over its lines by current amount.

    A rule's amount on a base is its ``take`` (the amount table, ``maxAmount``
    included, built per rule in :mod:`pricing._ruleset.formulas`).

    ``current`` is brought up to date as rules apply (see the product stage).
    ``budget`` is how much more discount the cap allows (``None``: no cap). Once the
    rules applied have used it up, the cap stage will take every later rule back
    whole (it reduces the last applied first), so those are settled without
    being shared (:func:`pricing._stages.cap.settle_past_cap`).
    """
    applied = []
    spent = 0
    for k, (rule, targets) in enumerate(chosen):
        if budget is not None and spent >= budget:
            applied += settle_past_cap(chosen[k:], current, _share)
            break
        total, shares = _share(rule, targets, current)
        spent += total
        applied.append(Applied(rule, targets, shares, total))
    return applied


def _share(rule: Rule, targets: tuple[int, ...], current: list[int]) -> tuple[int, list[int]]:
    """``rule``'s amount on the current amounts of ``targets``, and each one's share
    (largest remainder, in proportion to them); ``current`` is brought up to date."""
    # Every line is common (no product-level condition); targets are distinct
    # positions, so as many as there are lines means all of them, in order.
    everything = len(targets) == len(current)
    weights = current.copy() if everything else pick(current, targets)
    base = sum(weights)
    total = rule.take(base)
    if not total:
        return 0, [0] * len(targets)
    shares = allocate(total, weights, base)
    # (shares are as long as targets by construction; a strict zip costs a fifth
    # more in this, the hottest loop of a preview)
    if everything:
        current[:] = map(sub, current, shares)
    else:
        for i, a in zip(targets, shares, strict=False):
            current[i] -= a
    return total, shares
