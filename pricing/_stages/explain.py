"""Explain: each line's share of each discount, and each rule's status and reason.

What the result's lines and explanation are written from, in minor units. The
per-line sums (:func:`line_shares`) and each rule's status (:func:`judged`,
:func:`judged_in_cart`) have their one home here; the value objects
(:mod:`pricing._result.views`) read them as rows, the document
(:mod:`pricing._result.document`) and the compact text (:mod:`pricing._result.text`)
straight, and properties hold all three equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from .._ruleset.catalog import CatalogItem
from .._ruleset.rules import Rule
from .records import Applied, Outcome

__all__ = [
    "ExplanationRow",
    "LineRow",
    "capped_out",
    "explanation_rows",
    "judged",
    "judged_in_cart",
    "line_rows",
    "line_shares",
]


def capped_out(a: Applied) -> bool:
    """A discount the cap reduced to 0: no longer applied."""
    return a.capped and a.amount == 0


class LineRow(NamedTuple):
    """One line of the result in minor units: what :attr:`PreviewResult.lines` is
    written from."""

    item: CatalogItem
    quantity: int
    is_gift: bool
    unit_price: int
    total: int
    product_discount: int
    order_discount: int
    discounts: list[tuple[Rule, int]]
    """``(rule, share)`` of each applied discount that targeted the line."""
    price_locked: bool


# Rows are made with ``tuple.__new__``: a named tuple's own constructor is a Python
# function, several times slower, and a result has a row per line and per rule.
_new = tuple.__new__


def line_shares(
    o: Outcome,
    heads: Sequence[str] | None = None,
    ends: Mapping[int, str] | None = None,
    *,
    amounts: Mapping[int, Any] | None = None,
) -> tuple[list[int], list[int], list[list[Any]]]:
    """Each paid line's product discount, order discount and shares, by position.

    A share is ``(rule, amount)``; with ``amounts`` (minor units → the document's
    amount) it is the document's object for it; with ``heads`` (a share's JSON text
    before its amount, by rule index) and ``ends`` (minor units → the rest of it: the
    amount's JSON number and ``}``) it is the share's JSON text. Made here where each
    share is met: a pair per share only to be written out again cost the writers of a
    large cart a fifth of their time.
    """
    lines = o.gifts.lines
    product_off = [0] * len(lines)
    order_off = [0] * len(lines)
    per_line: list[list[Any]] = [[] for _ in lines]
    for a in o.applied:
        if capped_out(a):
            continue
        bucket = product_off if a.rule.to_product else order_off
        rule = a.rule
        if amounts is not None:
            identifier = rule.identifier
            for pos, share in zip(a.targets, a.shares, strict=True):
                bucket[pos] += share
                per_line[pos].append({"identifier": identifier, "amount": amounts[share]})
        elif heads is None or ends is None:
            for pos, share in zip(a.targets, a.shares, strict=True):
                bucket[pos] += share
                per_line[pos].append((rule, share))
        else:
            head = heads[rule.index]
            for pos, share in zip(a.targets, a.shares, strict=True):
                bucket[pos] += share
                per_line[pos].append(head + ends[share])
    return product_off, order_off, per_line


def line_rows(o: Outcome) -> list[LineRow]:
    """The result's lines: paid ones still holding units, then gifts at price 0 (the
    text writer writes the same lines from :func:`line_shares`)."""
    rows = [
        _new(
            LineRow,
            (
                line.item,
                line.quantity,
                False,
                line.unit_price,
                line.unit_price * line.quantity,
                product_off,
                order_off,
                shares,
                line.price_locked,
            ),
        )
        for line, product_off, order_off, shares in zip(o.gifts.lines, *line_shares(o), strict=True)
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


def applied_by_rule(o: Outcome) -> dict[int, Applied]:
    """Every applied discount by ``id`` of its rule."""
    return {id(a.rule): a for a in o.every_applied}


def judged(o: Outcome) -> Iterator[tuple[Rule, str | None, Applied | None]]:
    """Each rule in priority order: ``(rule, reason, applied)``.

    ``reason`` is why it did not apply (``None``: it applied); ``applied`` is what it
    took, ``None`` when it did not apply. A discount the cap took to 0 comes with
    reason ``capped_out`` and its (capped) ``Applied``. With :func:`judged_in_cart`,
    the one home of a rule's status, which the rows below, the document and the text
    writer read.
    """
    verdicts = o.eligibility.verdicts
    for _, rule, reason, done in _with_applied(o, [(k, *v) for k, v in enumerate(verdicts)]):
        yield rule, reason, done


def judged_in_cart(o: Outcome) -> list[tuple[int, Rule, str | None, Applied | None]]:
    """As :func:`judged`, with each rule's position, for the rules that matched the cart
    only: every other rule's reason is ``o.eligibility.before_cart()``'s."""
    verdicts = o.eligibility.in_cart()
    return _with_applied(o, verdicts) if verdicts else []


def _with_applied(
    o: Outcome, verdicts: Iterable[tuple[int, Rule, str | None]]
) -> list[tuple[int, Rule, str | None, Applied | None]]:
    get = applied_by_rule(o).get
    judged: list[tuple[int, Rule, str | None, Applied | None]] = []
    for k, rule, reason in verdicts:
        done = None if reason is not None else get(id(rule))
        if done is None:
            judged.append((k, rule, reason, None))
        elif done.capped and done.amount == 0:  # capped out
            judged.append((k, rule, "capped_out", done))
        else:
            judged.append((k, rule, None, done))
    return judged


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
