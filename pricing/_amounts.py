"""The amount formulas of SPEC §6, made into one function per rule when it is compiled.

A preview applies each rule's formula once per line or per order, so the kind of
discount is looked at once, here, rather than on every call: :func:`order_taker`
and :func:`line_taker` return functions specialised to one rule's kind and values.
The stages (``_product_discounts``, ``_order_discounts``) decide *where* a rule
applies and share its amount; these functions only say *how much*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ._money import Rate

__all__ = ["LineTaker", "OrderTaker", "line_taker", "order_taker"]


class _Quantity(Protocol):
    @property
    def quantity(self) -> int: ...


OrderTaker = Callable[[int], int]
"""``take(base)``: what a ``TO_ORDER`` rule takes off a base (minor units, ≥ 0)."""

LineTaker = Callable[[Sequence[int], Sequence[int], Sequence[_Quantity]], list[int]]
"""``take(current, targets, lines)``: what a ``TO_PRODUCT`` rule takes off each targeted
line, ``current[i]`` being line ``i``'s amount so far (before ``maxAmount``)."""


def order_taker(kind: str, rate: Rate, value: int, max_amount: int | None) -> OrderTaker:
    """What a ``TO_ORDER`` rule takes off its base, ``maxAmount`` included.

    PERCENTAGE v: round(base·v/100) half up; FIXED_AMOUNT v: min(v, base);
    FIXED_PRICE v: max(0, base − v); NONE: 0; then at most ``maxAmount``.
    """
    cap = max_amount
    if kind == "PERCENTAGE":
        if rate.num < 0 or rate.den <= 0:  # (validation refuses these; kept exact anyway)
            of = rate.of_half_up
            return of if cap is None else lambda base: min(of(base), cap)
        # half up of base·num/den for base ≥ 0: ⌊(2·base·num + den) / 2·den⌋
        num2, den, den2 = 2 * rate.num, rate.den, 2 * rate.den
        if cap is None:
            return lambda base: (base * num2 + den) // den2
        return lambda base: min((base * num2 + den) // den2, cap)
    if kind == "FIXED_AMOUNT":
        fixed = value if cap is None else min(value, cap)
        return lambda base: fixed if fixed < base else base
    if kind == "FIXED_PRICE":
        if cap is None:
            return lambda base: base - value if base > value else 0
        return lambda base: min(base - value, cap) if base > value else 0
    return lambda base: 0


def line_taker(kind: str, rate: Rate, value: int) -> LineTaker:
    """What a ``TO_PRODUCT`` rule takes off each targeted line (before ``maxAmount``).

    With n the line's current amount and q its quantity: PERCENTAGE v:
    round(n·v/100) half up; FIXED_AMOUNT v: min(v·q, n); FIXED_PRICE v:
    max(0, n − v·q); NONE: 0.
    """
    # (conditional expressions: quicker than min() and max() calls, in the hot loop)
    if kind == "PERCENTAGE":
        if rate.num < 0 or rate.den <= 0:  # (as in order_taker)
            of = rate.of_half_up
            return lambda current, targets, lines: [of(current[i]) for i in targets]
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
