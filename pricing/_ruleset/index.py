"""The rule index, built once: which rules a cart can possibly touch, found by masks.

Sets of rules are masks, as sets of products are: bit ``k`` stands for the rule of
priority ``k``. A preview intersects the masks of the gates (:mod:`.gates`) with
the rules that can reach a product of the cart, and matches only those against it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .catalog import CompiledCatalog
from .gates import Gates, UsageGates, Windows
from .quantity import BuyGet
from .rules import Rule

__all__ = ["RuleIndex", "bits_of", "index_rules"]


def bits_of(mask: int) -> Iterable[int]:
    """The positions of the bits set in ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """The rules in priority order, indexed so that a cart touches only those that can apply."""

    rules: tuple[Rule, ...]
    windows: Windows
    """Gate 2."""
    gates: Gates
    """Gates 3–6."""
    reach_all: int
    """Rules that may target any product."""
    reach: tuple[int, ...]
    """Per catalog product (by position), the other rules that may target it."""
    coupon_owners: Mapping[str, int]
    """Normalised coupon code → the position of the first (highest-priority) rule defining it."""
    identifiers: frozenset[str]
    """Every rule identifier (to tell unknown markers)."""
    warnings: tuple[Mapping[str, Any], ...]
    """What compiling found to say (``unknown_field``): the first warnings of every preview."""
    usage_gates: UsageGates | None
    """The gates between 6 and 7: usage limits and budgets (``None``: no rule has any)."""
    usage_keys: frozenset[str]
    """Every rule's key in the ``usage`` input (to tell ``unknown_usage``)."""
    ships: bool
    """Whether some rule is ``TO_SHIPPING``."""
    line_quantities: bool = False
    """Whether some rule (or buy-get's buy side) has a ``LINE_QUANTITY`` condition: only
    then does matching a cart look at each line's quantity."""
    before_cart: dict[Hashable, tuple[str | None, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Memo of the eligibility stage: every rule's reason decided before the cart is
    matched, per stretch of dates and audience (a handful per rule set in practice)."""


def index_rules(
    rules: tuple[Rule, ...],
    catalog: CompiledCatalog,
    warnings: tuple[Mapping[str, Any], ...] = (),
) -> RuleIndex:
    """Index compiled rules by date window, gate and reachable product (done once)."""
    reach_all = 0
    reach = [0] * len(catalog.order)
    owners: dict[str, int] = {}
    for k, rule in enumerate(rules):
        for code in rule.coupons:
            owners.setdefault(code, k)
        if rule.reach_mask == catalog.all_mask:
            reach_all |= 1 << k
        else:
            for pos in bits_of(rule.reach_mask):
                reach[pos] |= 1 << k
    return RuleIndex(
        rules=rules,
        windows=Windows.build(rules),
        gates=Gates.build(rules),
        reach_all=reach_all,
        reach=tuple(reach),
        coupon_owners=owners,
        identifiers=frozenset(r.identifier for r in rules if r.identifier is not None),
        warnings=warnings,
        usage_gates=UsageGates.build(rules) if any(r.limited for r in rules) else None,
        usage_keys=frozenset(r.usage_key for r in rules),
        ships=any(r.to_shipping for r in rules),
        line_quantities=any(_counts_lines(rule) for rule in rules),
    )


def _counts_lines(rule: Rule) -> bool:
    """Whether ``rule`` (or its buy side) has a ``LINE_QUANTITY`` condition."""
    buy = rule.measure.buy if isinstance(rule.measure, BuyGet) else None
    return bool(rule.line_quantity or (buy is not None and buy.line_quantity))
