"""Stage 5 — order discounts: ``TO_ORDER`` rules on their targeted base (SPEC §6)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter, sub

from ._applied import Applied
from ._compile import Rule
from ._eligibility import Target
from ._money import allocate

__all__ = ["apply_order_discounts"]

_SCALE = 62
_ONE = 1 << _SCALE


def apply_order_discounts(
    chosen: Sequence[Target], current: list[int], budget: int | None = None
) -> list[Applied]:
    """Apply each rule in order; its amount is shared over its lines by current amount.

    A rule's amount on a base is its ``take`` (SPEC §6's table, ``maxAmount``
    included, built per rule in ``_amounts.py``).

    ``current`` is brought up to date as rules apply (see the product stage).
    ``budget`` is how much more discount the cap allows (``None``: no cap). Once the
    rules applied have used it up, the cap stage will take every later rule back
    whole (SPEC §6 reduces the last applied first), so those are settled without
    being shared (:func:`_beyond_cap`).
    """
    applied = []
    spent = 0
    for k, (rule, targets) in enumerate(chosen):
        if budget is not None and spent >= budget:
            applied += _beyond_cap(chosen[k:], current)
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
    weights = current.copy() if everything else _pick(current, targets)
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


def _pick(amounts: list[int], targets: tuple[int, ...]) -> Sequence[int]:
    """``amounts`` at ``targets`` (not empty), in order (``itemgetter`` loops in C)."""
    return itemgetter(*targets)(amounts) if len(targets) > 1 else [amounts[targets[0]]]


def _beyond_cap(chosen: Sequence[Target], current: list[int]) -> list[Applied]:
    """The rules applied after the cap is used up: each one capped out or applied with 0.

    The cap stage would reduce each of these to 0, so no share of theirs is ever
    seen; what tells the two outcomes apart is only whether the amount before the
    cap is above 0 (capped out) or is 0 (applied with 0, passed over by the cap).
    Yet each amount still depends on the shares of the ones before it (they lower
    its base), so those shares are put off for as long as bounds on the base decide:

    - ``current`` stays exact up to the rules already shared, and bounds each line
      from above (amounts only go down);
    - a *pending* rule (capped out, not shared) whose base lies in ``[least, most]``
      leaves at least a fraction ``K`` of each line it touches (``rule.keep``, per
      kind of rule), less one minor unit (a largest-remainder share is below its
      quota + 1); so each line now holds at least ``G·low − k``: ``low`` is the
      line's amount when last exact times ``K`` of each pending rule on some of the
      lines that touched it, ``G`` the product of ``K`` of those on all the lines,
      and ``k`` the number of pending rules;
    - every amount grows with its base (``take`` is monotone).

    A rule whose amount is above 0 on the lower bound is capped out (and pending);
    one whose amount is 0 on the upper bound is applied with 0; otherwise the
    pending rules are shared first, and its base is exact. The outcome is the same,
    exactly, as sharing every rule (a property test holds the two to it).
    """
    settled = []
    pending: list[Target] = []
    low = current.copy()
    g = _ONE  # G in fixed point, rounded down (a lower bound stays one)
    n = len(current)
    for target in chosen:
        rule, targets = target
        if len(targets) == n:
            most, least = sum(current), sum(low)
        else:
            most, least = sum(_pick(current, targets)), sum(_pick(low, targets))
        least = (g * least >> _SCALE) - len(pending) * len(targets)
        if least <= 0 or rule.take(least) == 0:
            if rule.take(most) > 0:
                # Undecided (only while rules are pending: else least == most). Share
                # them, and the base is exact.
                for rule_, targets_ in pending:
                    _share(rule_, targets_, current)
                pending.clear()
                low, g = current.copy(), _ONE
                least = most = sum(_pick(current, targets))
            if least <= 0 or rule.take(least) == 0:
                settled.append(Applied(rule, targets, [0] * len(targets), 0))
                continue
        # Above 0: capped out, and pending. Each line it touches keeps at least a
        # fraction of its amount (less a minor unit of rounding, counted in k).
        num, den = rule.keep(least, most)
        if len(targets) == n:
            g = g * num // den
        else:
            for i in targets:
                low[i] = low[i] * num // den
        pending.append(target)
        settled.append(Applied(rule, (), [], 0, True))
    return settled
