"""Discounts on some units of a line: the d-unit formulas and the choice of units.

When only d of a line's q units are discounted (a ``maxQuantity``, or the units a
buy-get gives), the amount table applies to those d units alone: their base is
b = round(n·d/q), half up (b = n when d = q), and PERCENTAGE v takes round(b·v/100),
FIXED_AMOUNT v min(v·d, b), FIXED_PRICE v max(0, b − v·d)
(docs/quantity-promotions.md). With d = q these are the amount table's line
formulas. Units are ranked by their line's current unit amount n/q, compared
exactly (by cross-multiplication), ties to the earlier line.

Everything here is built once per rule (:func:`unit_taker`, :func:`per_line_taker`,
:func:`max_quantity_taker`) except the buy-get's choice (:func:`buy_get_taker`),
which the eligibility stage builds per cart from the sets the cart makes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import cmp_to_key

from .._money import Rate
from .formulas import LineTaker, Quantified, line_taker

__all__ = [
    "UnitTaker",
    "buy_get_taker",
    "max_quantity_taker",
    "per_line_taker",
    "ranked",
    "unit_taker",
]

UnitTaker = Callable[[int, int, int], int]
"""``take(n, q, d)``: what a rule takes off ``d`` of the ``q`` units of a line worth ``n``."""


def _base(n: int, q: int, d: int) -> int:
    """The d units' share of the line: round(n·d/q) half up, n when d = q."""
    if d == q:
        return n
    return (2 * n * d + q) // (2 * q)


def unit_taker(kind: str, rate: Rate, value: int) -> UnitTaker:
    """The amount table on d units of a line (before ``maxAmount``)."""
    if kind == "PERCENTAGE":
        num2, den, den2 = 2 * rate.num, rate.den, 2 * rate.den
        return lambda n, q, d: (_base(n, q, d) * num2 + den) // den2
    if kind == "FIXED_AMOUNT":
        return lambda n, q, d: min(value * d, _base(n, q, d))
    if kind == "FIXED_PRICE":
        return lambda n, q, d: max(0, _base(n, q, d) - value * d)
    return lambda n, q, d: 0


def per_line_taker(kind: str, rate: Rate, value: int) -> LineTaker:
    """``per: LINE``: FIXED_AMOUNT v takes min(v, n) off each line, FIXED_PRICE v leaves
    each line v in all, max(0, n − v) off; a percentage is the same per line or unit."""
    if kind == "FIXED_AMOUNT":
        return lambda current, targets, lines: [min(value, current[i]) for i in targets]
    if kind == "FIXED_PRICE":
        return lambda current, targets, lines: [max(0, current[i] - value) for i in targets]
    return line_taker(kind, rate, value)


def ranked(
    current: Sequence[int],
    lines: Sequence[Quantified],
    positions: Collection[int],
    most_expensive_first: bool = False,
) -> list[int]:
    """The lines at ``positions`` that hold units, by unit amount n/q: cheapest first
    (or most expensive first), ties to the earlier line. Exact: n₁/q₁ < n₂/q₂ is
    n₁·q₂ < n₂·q₁ (quantities are positive)."""
    sign = -1 if most_expensive_first else 1

    def compare(i: int, j: int) -> int:
        left = current[i] * lines[j].quantity
        right = current[j] * lines[i].quantity
        if left != right:
            return sign if left > right else -sign
        return i - j

    holding = [i for i in positions if lines[i].quantity]
    return sorted(holding, key=cmp_to_key(compare))


def _priced(
    take: UnitTaker,
    current: Sequence[int],
    targets: Sequence[int],
    lines: Sequence[Quantified],
    counts: dict[int, int],
) -> list[int]:
    """Each target's amount for the units ``counts`` gives it (none: 0)."""
    return [take(current[i], lines[i].quantity, counts[i]) if i in counts else 0 for i in targets]


def max_quantity_taker(
    take: UnitTaker, most: int, order_scope: bool, most_expensive_first: bool
) -> LineTaker:
    """``maxQuantity``: at most ``most`` units of each targeted line (``LINE`` scope), or
    over all of them together, the cheapest (or most expensive) units first (``ORDER``)."""
    if not order_scope:
        return lambda current, targets, lines: [
            take(current[i], lines[i].quantity, min(lines[i].quantity, most)) for i in targets
        ]

    def take_order(
        current: Sequence[int], targets: Sequence[int], lines: Sequence[Quantified]
    ) -> list[int]:
        counts = {}
        left = most
        for i in ranked(current, lines, targets, most_expensive_first):
            if not left:
                break
            counts[i] = d = min(lines[i].quantity, left)
            left -= d
        return _priced(take, current, targets, lines, counts)

    return take_order


def buy_get_taker(
    take: UnitTaker, wanted: int, shared_most: int, shared: Collection[int]
) -> LineTaker:
    """A buy-get's discounted units in one cart: the ``wanted`` (k·Y) cheapest units of the
    targeted lines, at most ``shared_most`` (|Bo| + |O| − k·X) of them from the lines
    that may be both bought and got (``shared``); past that, their units are skipped."""

    def take_units(
        current: Sequence[int], targets: Sequence[int], lines: Sequence[Quantified]
    ) -> list[int]:
        counts = {}
        left, shared_left = wanted, shared_most
        for i in ranked(current, lines, targets):
            if not left:
                break
            d = min(lines[i].quantity, left)
            if i in shared:
                d = min(d, shared_left)
                shared_left -= d
            if d:
                counts[i] = d
                left -= d
        return _priced(take, current, targets, lines, counts)

    return take_units
