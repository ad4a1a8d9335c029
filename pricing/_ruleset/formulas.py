"""The amount formulas (docs/stacking-and-cap.md), made into one function per rule when compiled.

A preview applies each rule's formula once per line or per order, so the kind of
discount is looked at once, here, rather than on every call: :func:`order_taker`
and :func:`line_taker` return functions specialised to one rule's kind and values.
The stages (``_product_discounts``, ``_order_discounts``) decide *where* a rule
applies and share its amount; these functions only say *how much*.

Rates are 0–100 % and values ≥ 0 (validated), so every amount grows with its base:
the order stage relies on it past the cap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from .._money import Rate

__all__ = [
    "LineTaker",
    "OrderKeeper",
    "OrderTaker",
    "Quantified",
    "line_taker",
    "order_keeper",
    "order_taker",
]


class Quantified(Protocol):
    """A line, as far as the formulas read it: its quantity."""

    @property
    def quantity(self) -> int: ...


OrderTaker = Callable[[int], int]
"""``take(base)``: what a ``TO_ORDER`` rule takes off a base (minor units, ≥ 0)."""

OrderKeeper = Callable[[int, int], tuple[int, int]]
"""``keep(least, most)``: a fraction ``num / den`` of each line a ``TO_ORDER`` rule leaves
at least, whatever its base in ``[least, most]`` (``least`` > 0), before the rounding
of shares (see ``_order_discounts._beyond_cap``)."""

LineTaker = Callable[[Sequence[int], Sequence[int], Sequence[Quantified]], list[int]]
"""``take(current, targets, lines)``: what a ``TO_PRODUCT`` rule takes off each targeted
line, ``current[i]`` being line ``i``'s amount so far (before ``maxAmount``)."""


def order_taker(kind: str, rate: Rate, value: int, max_amount: int | None) -> OrderTaker:
    """What a ``TO_ORDER`` rule takes off its base, ``maxAmount`` included.

    PERCENTAGE v: round(base·v/100) half up; FIXED_AMOUNT v: min(v, base);
    FIXED_PRICE v: max(0, base − v); NONE: 0; then at most ``maxAmount``.
    """
    cap = max_amount
    if kind == "PERCENTAGE":
        # half up of base·num/den for base ≥ 0: ⌊(2·base·num + den) / 2·den⌋
        num2, den, den2 = 2 * rate.num, rate.den, 2 * rate.den

        def half_up(base: int) -> int:
            return (base * num2 + den) // den2

        return half_up if cap is None else lambda base: min(half_up(base), cap)
    if kind == "FIXED_AMOUNT":
        fixed = value if cap is None else min(value, cap)
        return lambda base: fixed if fixed < base else base
    if kind == "FIXED_PRICE":
        if cap is None:
            return lambda base: base - value if base > value else 0
        return lambda base: min(base - value, cap) if base > value else 0
    return lambda base: 0


def order_keeper(kind: str, rate: Rate, value: int, max_amount: int | None) -> OrderKeeper:
    """The least a ``TO_ORDER`` rule leaves of each line, as a fraction, for a base in a range.

    A rule taking ``t`` of a base ``B`` shares it in proportion, so each line keeps
    about ``1 − t/B`` of itself (a share's rounding aside). Over ``B`` in
    ``[least, most]``: PERCENTAGE p takes at most ``B·p + ½`` (rounded half up), so
    keeps ``1 − p − 1/(2·least)``; FIXED_AMOUNT v takes at most ``v``, so keeps
    ``1 − v/least``; FIXED_PRICE v leaves ``v`` of ``B``, so keeps ``v/most``; a
    ``maxAmount`` m keeps ``1 − m/least`` too. Below 0 means nothing is sure: 0;
    above 1 (a fixed price over the base), 1.
    """
    # (the fractions are compared and returned unreduced: n/d with d > 0)
    if kind == "PERCENTAGE":
        num, den = rate.num, rate.den

        def keep(least: int, most: int) -> tuple[int, int]:
            return _best((2 * least * (den - num) - den, 2 * least * den), max_amount, least)

    elif kind == "FIXED_AMOUNT":

        def keep(least: int, most: int) -> tuple[int, int]:
            return _best((least - value, least), max_amount, least)

    elif kind == "FIXED_PRICE":

        def keep(least: int, most: int) -> tuple[int, int]:
            return _best((value, most), max_amount, least)

    else:

        def keep(least: int, most: int) -> tuple[int, int]:
            return (1, 1)

    return keep


def _best(keep: tuple[int, int], max_amount: int | None, least: int) -> tuple[int, int]:
    """The larger of ``keep`` and what a ``maxAmount`` leaves (``1 − m/least``), in [0, 1]."""
    num, den = keep
    if max_amount is not None and (least - max_amount) * den > num * least:
        num, den = least - max_amount, least
    if num >= den:
        return (1, 1)  # (a fixed price above every base takes nothing)
    return (num, den) if num > 0 else (0, 1)


def line_taker(kind: str, rate: Rate, value: int) -> LineTaker:
    """What a ``TO_PRODUCT`` rule takes off each targeted line (before ``maxAmount``).

    With n the line's current amount and q its quantity: PERCENTAGE v:
    round(n·v/100) half up; FIXED_AMOUNT v: min(v·q, n); FIXED_PRICE v:
    max(0, n − v·q); NONE: 0.
    """
    # (conditional expressions: quicker than min() and max() calls, in the hot loop)
    if kind == "PERCENTAGE":
        num2, den, den2 = 2 * rate.num, rate.den, 2 * rate.den
        return lambda current, targets, lines: [(current[i] * num2 + den) // den2 for i in targets]
    if kind == "FIXED_AMOUNT":
        return lambda current, targets, lines: [
            off if (off := value * lines[i].quantity) < current[i] else current[i] for i in targets
        ]
    if kind == "FIXED_PRICE":
        return lambda current, targets, lines: [
            rest if (rest := current[i] - value * lines[i].quantity) > 0 else 0 for i in targets
        ]
    return lambda current, targets, lines: [0] * len(targets)
