"""Explain: each line's share of each discount, and each rule's status and reason.

What the result's lines and explanation are written from, in minor units; the value
objects (:mod:`pricing._result.views`), the document (:mod:`pricing._result.document`)
and its text (:mod:`pricing._result.text`) all read these, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import repeat
from typing import Generic, NamedTuple, TypeVar

from .._ruleset.catalog import CatalogItem
from .._ruleset.rules import Rule
from .records import Applied, Outcome

__all__ = [
    "ExplanationRow",
    "LineRow",
    "RuleShare",
    "capped_out",
    "explanation_rows",
    "judged",
    "line_rows",
    "pairs",
]


def capped_out(a: Applied) -> bool:
    """A discount the cap reduced to 0: no longer applied."""
    return a.capped and a.amount == 0


S = TypeVar("S")


class LineRow(NamedTuple, Generic[S]):
    """One line of the result in minor units: what :attr:`PreviewResult.lines` and the
    document's ``lines`` are both written from."""

    item: CatalogItem
    quantity: int
    is_gift: bool
    unit_price: int
    total: int
    product_discount: int
    order_discount: int
    discounts: list[S]
    """Each applied discount that targeted the line, as ``line_rows`` was asked to give
    it: ``(rule, share)`` by default."""
    price_locked: bool


# Rows are made with ``tuple.__new__``: a named tuple's own constructor is a Python
# function, several times slower, and a result has a row per line and per rule.
_new = tuple.__new__


RuleShare = tuple[Rule, int]
"""A line's discount as :func:`pairs` gives it: ``(rule, share)``."""


def pairs(rule: Rule, shares: list[int]) -> list[RuleShare]:
    """``(rule, share)`` of each share: a line's discounts as :func:`line_rows` gives them."""
    return list(zip(repeat(rule), shares))


def line_rows(
    o: Outcome,
    entries: Callable[[Rule, list[int]], list[S]] = pairs,  # type: ignore[assignment]
) -> list[LineRow[S]]:
    """Each line with its totals and its discounts, each made by ``entries`` from a
    discount's shares (all of one discount's at once: a call per share would cost more
    than the rest of the loop)."""
    lines = o.gifts.lines
    product_off = [0] * len(lines)
    order_off = [0] * len(lines)
    per_line: list[list[S]] = [[] for _ in lines]
    for a in o.applied:
        if capped_out(a):
            continue
        rule = a.rule
        bucket = product_off if rule.to_product else order_off
        for pos, share, entry in zip(a.targets, a.shares, entries(rule, a.shares), strict=True):
            bucket[pos] += share
            per_line[pos].append(entry)
    rows = [
        _new(
            LineRow,
            (
                line.item,
                line.quantity,
                False,
                line.unit_price,
                line.unit_price * line.quantity,
                product_off[pos],
                order_off[pos],
                per_line[pos],
                line.price_locked,
            ),
        )
        for pos, line in enumerate(lines)
        if line.quantity  # a line whose every unit became a gift is gone
    ]
    rows += [
        _new(LineRow, (g.item, g.quantity, True, 0, 0, 0, 0, [], False)) for g in o.gifts.gift_lines
    ]
    return rows


class ExplanationRow(NamedTuple):
    """One discount's entry in minor units (see :class:`LineRow`)."""

    rule: Rule
    """The rule (the tier's or the cart's own, on an applied tiered or buy-get one)."""
    status: str
    reason: str | None
    amount: int
    capped: bool
    tier: int | None = None
    """The tier used, on an applied tiered discount."""
    sets: int | None = None
    """The sets made, on an applied buy-get discount."""


def judged(o: Outcome) -> Iterator[tuple[Rule, str | None, Applied | None]]:
    """Each rule in priority order: ``(rule, reason, applied)``.

    ``reason`` is why it did not apply (``None``: it applied); ``applied`` is what it
    took, ``None`` when it did not apply. A discount the cap took to 0 comes with
    reason ``capped_out`` and its (capped) ``Applied``. The one home of a rule's status,
    which the rows below and the text writer both read.
    """
    get = {id(a.rule): a for a in o.every_applied}.get
    for rule, reason in o.eligibility.verdicts:
        done = None if reason is not None else get(id(rule))
        if done is None:
            yield rule, reason, None
        elif done.capped and done.amount == 0:  # capped out
            yield rule, "capped_out", done
        else:
            yield rule, None, done


def explanation_rows(o: Outcome) -> list[ExplanationRow]:
    return [
        _new(
            ExplanationRow,
            (rule, "not_applied", reason, 0, False, None, None)
            if done is None
            else (rule, "not_applied", reason, 0, True, None, None)
            if reason is not None
            else (rule, "applied", None, done.amount, done.capped, rule.tier, rule.sets),
        )
        for rule, reason, done in judged(o)
    ]
