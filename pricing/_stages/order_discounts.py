"""Stage 5 — order discounts: ``TO_ORDER`` rules on their base (docs/stacking-and-cap.md)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from operator import sub

from .._money import allocate, pick
from .._ruleset.rules import Rule
from .cap import settle_past_cap
from .records import Applied, Target
from .usage import Budgets

__all__ = ["apply_order_discounts", "take_and_share"]


def apply_order_discounts(
    chosen: Sequence[Target],
    current: list[int],
    budget: int | None = None,
    budgets: Budgets | None = None,
) -> list[Applied]:
    """Apply each rule in order; its amount is shared over its lines by current amount.

    A rule's amount on a base is its ``take`` (the amount table, ``maxAmount``
    included, built per rule in :mod:`pricing._ruleset.formulas`).

    ``current`` is brought up to date as rules apply (see the product stage).
    ``budget`` is how much more discount the cap allows (``None``: no cap). Once the
    rules applied have used it up, the cap stage will take every later rule back
    whole (it reduces the last applied first), so those are settled without
    being shared (:func:`pricing._stages.cap.settle_past_cap`). ``budgets`` are the
    discounts' own budgets (``None``: no rule has one).
    """
    applied = []
    spent = 0
    for k, (rule, targets) in enumerate(chosen):
        if budget is not None and spent >= budget:
            share = partial(take_and_share, budgets=budgets)
            applied += settle_past_cap(chosen[k:], current, share)
            break
        total, shares, capped = take_and_share(rule, targets, current, budgets)
        spent += total
        applied.append(Applied(rule, targets, shares, total, capped))
    return applied


def take_and_share(
    rule: Rule, targets: tuple[int, ...], current: list[int], budgets: Budgets | None = None
) -> tuple[int, list[int], bool]:
    """``rule``'s amount on the current amounts of ``targets`` (within its budget), each
    one's share (largest remainder, in proportion to them), and whether the budget cut
    it; ``current`` is brought up to date."""
    # Every line is common (no product-level condition); targets are distinct
    # positions, so as many as there are lines means all of them, in order.
    everything = len(targets) == len(current)
    weights = current.copy() if everything else pick(current, targets)
    base = sum(weights)
    total = rule.take(base)
    capped = False
    if budgets is not None:
        total, capped = budgets.cut(rule, total)
    if not total:
        return 0, [0] * len(targets), capped
    shares = allocate(total, weights, base)
    # (shares are as long as targets by construction; a strict zip costs a fifth
    # more in this, the hottest loop of a preview)
    if everything:
        current[:] = map(sub, current, shares)
    else:
        for i, a in zip(targets, shares, strict=False):
            current[i] -= a
    return total, shares, capped
