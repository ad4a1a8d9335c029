"""Stage 6 — cap: ``maxDiscountValue`` limits the total discount (docs/stacking-and-cap.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .._money import Rate, allocate, pick
from .._ruleset.rules import Rule
from .._ruleset.settings import CompiledSettings
from .records import Applied, Target

__all__ = [
    "apply_cap",
    "budget_left",
    "cap_discounts",
    "cap_limit",
    "settle_past_cap",
]

Share = Callable[[Rule, tuple[int, ...], list[int]], object]
"""The order stage's sharing of one rule over its lines (``current`` brought up to date)."""

_SCALE = 62
_ONE = 1 << _SCALE


def cap_limit(total_raw: int, cap_rate: Rate) -> int:
    """floor(totalRaw × maxDiscountValue / 100) in minor units."""
    return cap_rate.of_floor(total_raw)


def budget_left(
    settings: CompiledSettings, total_raw: int, applied: Sequence[Applied]
) -> int | None:
    """What the cap still allows once ``applied`` are in (``None``: no cap applies)."""
    if not settings.allow_stacking or settings.cap_rate is None:
        return None
    return cap_limit(total_raw, settings.cap_rate) - sum([a.amount for a in applied])


def cap_discounts(
    settings: CompiledSettings, total_raw: int, applied: Sequence[Applied]
) -> list[Applied]:
    """The cap of the settings (it holds only with stacking on) applied to ``applied``."""
    if not settings.allow_stacking:
        return list(applied)
    return apply_cap(applied, total_raw, settings.cap_rate)


def apply_cap(applied: Sequence[Applied], total_raw: int, cap_rate: Rate | None) -> list[Applied]:
    """Reduce the last-applied discounts first until the total fits under the cap.

    A reduced discount keeps its lines' proportions (largest remainder over its
    previous shares); one reduced to 0 is no longer applied (``capped_out``).
    Discounts already at 0 (gift-only ones) are passed over.
    """
    result = list(applied)
    if cap_rate is None:
        return result
    excess = sum([a.amount for a in applied]) - cap_limit(total_raw, cap_rate)
    for k in range(len(result) - 1, -1, -1):
        if excess <= 0:
            break
        a = result[k]
        if a.amount == 0:
            continue
        cut = min(excess, a.amount)
        new_total = a.amount - cut
        if new_total == 0:
            # Capped out: no longer applied, so no line keeps a share of it.
            result[k] = Applied(a.rule, (), [], 0, True)
        else:
            result[k] = Applied(a.rule, a.targets, allocate(new_total, a.shares), new_total, True)
        excess -= cut
    return result


def settle_past_cap(chosen: Sequence[Target], current: list[int], share: Share) -> list[Applied]:
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
            most, least = sum(pick(current, targets)), sum(pick(low, targets))
        least = (g * least >> _SCALE) - len(pending) * len(targets)
        if least <= 0 or rule.take(least) == 0:
            if rule.take(most) > 0:
                # Undecided (only while rules are pending: else least == most). Share
                # them, and the base is exact.
                for rule_, targets_ in pending:
                    share(rule_, targets_, current)
                pending.clear()
                low, g = current.copy(), _ONE
                least = most = sum(pick(current, targets))
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
