"""Stage 5 — order discounts: ``TO_ORDER`` rules on their targeted base (SPEC §6)."""

from __future__ import annotations

from collections.abc import Sequence

from ._applied import Applied
from ._compile import Rule
from ._eligibility import Target
from ._money import allocate

__all__ = ["apply_order_discounts", "order_amount"]


def order_amount(rule: Rule, base: int) -> int:
    """What one ``TO_ORDER`` rule takes off a base ``base``, ``maxAmount`` included.

    Never less for a larger base (each formula of SPEC §6 grows with B).
    """
    kind = rule.kind
    if kind == "PERCENTAGE":
        amount = rule.rate.of_half_up(base)
    elif kind == "FIXED_AMOUNT":
        amount = min(rule.value, base)
    elif kind == "FIXED_PRICE":
        amount = max(0, base - rule.value)
    else:
        return 0
    if rule.max_amount is not None and amount > rule.max_amount:
        return rule.max_amount
    return amount


def apply_order_discounts(
    chosen: Sequence[Target],
    current: list[int],
    *,
    spent: int = 0,
    budget: int | None = None,
) -> list[Applied]:
    """Apply each rule in order; its amount is shared over its lines by current amount.

    ``current`` is brought up to date as rules apply (see the product stage).
    ``budget`` is the cap's limit on the total discount (``None``: no cap) and
    ``spent`` what the discounts before these took. Once ``spent`` reaches the
    budget, the cap takes back all that the rules left take (it reduces the last
    applied first), so they are settled as the cap stage would leave them, without
    sharing (:func:`_beyond_cap`).
    """
    applied = []
    n = len(current)
    for k, (rule, targets) in enumerate(chosen):
        if budget is not None and spent >= budget:
            settled = _beyond_cap(chosen[k:], current)
            if settled is not None:
                applied += settled
                break
            budget = None  # left open: apply the rest in full; the cap stage settles them
        # Every line is common (no product-level condition); targets are distinct
        # positions, so as many as there are lines means all of them, in order.
        everything = len(targets) == n
        weights = current.copy() if everything else [current[i] for i in targets]
        base = sum(weights)
        total = order_amount(rule, base)
        shares = allocate(total, weights, base)
        if total:
            if everything:
                current[:] = [c - a for c, a in zip(current, shares, strict=True)]
            else:
                for i, a in zip(targets, shares, strict=True):
                    current[i] -= a
        applied.append(Applied(rule, targets, shares, total))
        spent += total
    return applied


def _beyond_cap(rest: Sequence[Target], current: Sequence[int]) -> list[Applied] | None:
    """The rules applied after the cap is reached, as the cap stage would leave them.

    Each would be capped out (SPEC §6) if it took anything, and stays applied with 0
    if not. Which, follows from bounds on its base: at most what its lines hold
    now, at least that less the most the rules before it here could take, as amounts
    never shrink with the base. ``None`` when the bounds leave one undecided.
    """
    settled = []
    most_taken = 0
    for rule, targets in rest:
        high = sum([current[i] for i in targets])
        most = order_amount(rule, high)
        if most == 0:
            settled.append(Applied(rule, targets, [0] * len(targets), 0))
        elif order_amount(rule, max(0, high - most_taken)) > 0:
            settled.append(Applied(rule, (), [], 0, True))  # capped out
        else:
            return None
        most_taken += most
    return settled
