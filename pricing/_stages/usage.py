"""Usage limits and budgets (docs/usage-limits.md): what a budget still allows, and the
``usage`` output the caller adds to its counters when the order is placed.

The engine keeps no state: the counters come in with the cart (``usage``), are
read by the usage gates (:mod:`pricing._ruleset.gates`) and by :class:`Budgets`,
and go out again as the increments of this order (:func:`usage_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from .._ruleset import CompiledRuleSet
from .._ruleset.rules import Rule
from .explain import capped_out
from .records import Outcome, Request, UsageCounts

__all__ = ["Budgets", "UsageRow", "budgets_for", "usage_rows"]


class Budgets:
    """What each discount's budget still allows in this preview: ``budget.amount − spent``."""

    __slots__ = ("_usage",)

    def __init__(self, usage: Mapping[str, UsageCounts] | None) -> None:
        self._usage = usage or {}

    def cut(self, rule: Rule, total: int) -> tuple[int, bool]:
        """``min(total, what the budget has left)`` and whether the budget is what cut it.

        ``total`` is already within ``maxAmount``, so the budget cuts only when it is
        below both the uncapped total and ``maxAmount`` (equal to either: it did not).
        """
        if rule.budget is None:
            return total, False
        counts = self._usage.get(rule.usage_key)
        left = rule.budget - (0 if counts is None else counts.spent)
        return (total, False) if total <= left else (left, True)


def budgets_for(rs: CompiledRuleSet, request: Request) -> Budgets | None:
    """The budgets of this preview, or ``None`` when no rule of the rule set has one."""
    return Budgets(request.usage) if rs.budgeted else None


class UsageRow(NamedTuple):
    """One entry of the ``usage`` output, in minor units."""

    discount_id: int | str
    identifier: str | None
    spent: int


def usage_rows(o: Outcome) -> list[UsageRow]:
    """One row per discount this order uses, in priority order: applied with an amount
    above 0 (after every cap), or whose gifts became gift lines (a discount capped out
    whose gifts were given counts too, with 0)."""
    spent = {id(a.rule): a.amount for a in o.applied if not capped_out(a)}
    if o.shipping is not None:
        spent.update((id(a.rule), a.amount) for a in o.shipping.applied)
    givers = {id(g.rule) for g in o.gifts.gift_lines}
    rows = []
    for rule, _ in o.eligibility.verdicts:
        amount = spent.get(id(rule), 0)
        if amount > 0 or id(rule) in givers:
            rows.append(UsageRow(rule.id, rule.identifier, amount))
    return rows
