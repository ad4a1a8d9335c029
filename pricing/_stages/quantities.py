"""Eligibility, after gate 7: the tier a cart reaches, and the sets of a buy-get.

Both are measured on the cart as requested, over the lines the discount targets,
and decide which rule applies (docs/quantity-promotions.md): a tiered discount is
one compiled rule per tier, of which the cart's is used; a buy-get's rule is made
for the cart, with the units it may discount. A discount that reaches no tier
(``tier_not_reached``) or makes no set (``buy_quantity_not_met``) does not apply.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import replace

from .._ruleset.conditions import Targeting
from .._ruleset.quantity import BuyGet, Tiers
from .._ruleset.rules import Rule
from .._ruleset.units import buy_get_taker
from .records import Line

__all__ = ["measure", "unmet_reason"]

TargetsOf = Callable[[Targeting], tuple[int, ...]]
"""The lines of the cart a list of conditions targets (the eligibility stage's)."""


def measure(
    rule: Rule, targets: tuple[int, ...], lines: Sequence[Line], targets_of: TargetsOf
) -> Rule | None:
    """The rule that applies for this cart: its tier's, or its buy-get's for the sets the
    cart makes; ``None`` when no tier is reached or no set made."""
    spec = rule.measure
    if isinstance(spec, Tiers):
        return _tier(spec, targets, lines)
    if isinstance(spec, BuyGet):
        return _buy_get(rule, spec, targets, lines, targets_of(spec.buy))
    return rule


def unmet_reason(rule: Rule) -> str:
    """Why a rule that :func:`measure` turned down does not apply."""
    return "tier_not_reached" if isinstance(rule.measure, Tiers) else "buy_quantity_not_met"


def _tier(tiers: Tiers, targets: tuple[int, ...], lines: Sequence[Line]) -> Rule | None:
    """The last tier whose threshold the targeted lines reach (units, or their amount
    before any discount)."""
    if tiers.by_amount:
        reached = sum([lines[i].unit_price * lines[i].quantity for i in targets])
    else:
        reached = sum([lines[i].quantity for i in targets])
    j = bisect_right(tiers.thresholds, reached) - 1
    return tiers.rules[j] if j >= 0 else None


def _buy_get(
    rule: Rule,
    spec: BuyGet,
    got: tuple[int, ...],
    lines: Sequence[Line],
    bought: tuple[int, ...],
) -> Rule | None:
    """The rule for the k sets the cart makes, k = min(maxSets, ⌊(|Bo|+|O|)/X⌋,
    ⌊(|Go|+|O|)/Y⌋, ⌊(|Bo|+|Go|+|O|)/(X+Y)⌋), with Bo the units that may only be bought,
    Go those that may only be got, and O those that may be both."""
    may_buy = frozenset(bought)
    shared = frozenset(i for i in got if i in may_buy)
    both = sum([lines[i].quantity for i in shared])
    only_got = sum([lines[i].quantity for i in got if i not in shared])
    only_bought = sum([lines[i].quantity for i in bought if i not in shared])
    x, y = spec.buy_quantity, spec.get_quantity
    sets = min((only_bought + both) // x, (only_got + both) // y)
    sets = min(sets, (only_bought + only_got + both) // (x + y))
    if spec.max_sets is not None:
        sets = min(sets, spec.max_sets)
    if not sets:
        return None
    take = buy_get_taker(spec.take, sets * y, only_bought + both - sets * x, shared)
    return replace(rule, take_lines=take, sets=sets)
