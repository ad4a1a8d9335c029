"""The cart as the conditions see it: its products as a mask, its units, its totals.

Made once per preview by the eligibility stage, and asked by every rule it matches
(gate 7) and by the tiers and buy-get sets measured after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from operator import or_

from .._ruleset.conditions import Targeting
from .._ruleset.rules import Rule
from .records import CustomerView, Line

__all__ = ["Cart", "LineQuantityCart"]


class Cart:
    """What the conditions ask of a cart, computed once per preview (a ``CartFacts``)."""

    __slots__ = (
        "_total_raw",
        "_units",
        "all_positions",
        "attributes",
        "bits",
        "line_of",
        "lines",
        "ltv",
        "mask",
    )

    def __init__(self, lines: Sequence[Line], customer: CustomerView | None) -> None:
        self.lines = lines
        self._total_raw: int | None = None
        self._units: int | None = None
        self.ltv = None if customer is None else customer.ltv
        self.attributes = None if customer is None else customer.attributes
        self.bits = [line.item.bit for line in lines]
        """Each line's product bit (see :class:`CompiledCatalog`)."""
        self.mask = reduce(or_, self.bits, 0)
        """The products in the cart, as a mask."""
        self.all_positions = positions = tuple(range(len(lines)))
        line_of = dict(zip(self.bits, positions, strict=True))
        self.line_of = line_of if len(line_of) == len(lines) else None
        """A product's bit → the position of its line, when no product is on two lines."""

    def total_raw(self) -> int:
        """Σ unit price × quantity (for ``MIN_CART_AMOUNT``), worked out when first asked."""
        if self._total_raw is None:
            self._total_raw = sum([line.unit_price * line.quantity for line in self.lines])
        return self._total_raw

    def units(self, mask: int) -> int:
        """Σ quantity of the lines whose product is in ``mask`` (quantity conditions)."""
        if mask & self.mask == self.mask:  # every line: the cart's units, worked out once
            if self._units is None:
                self._units = sum([line.quantity for line in self.lines])
            return self._units
        return sum(
            [line.quantity for line, bit in zip(self.lines, self.bits, strict=True) if bit & mask]
        )

    def lines_of(self, hits: int) -> tuple[int, ...]:
        """Positions, in request order, of the lines holding one of ``hits`` (a mask of
        products in the cart)."""
        if hits == self.mask:
            return self.all_positions
        line_of = self.line_of
        if line_of is not None:  # each product on one line (the common cart)
            if hits & (hits - 1) == 0:
                return (line_of[hits],)
            if hits.bit_count() * 4 < len(line_of):
                found = []
                while hits:
                    bit = hits & -hits  # the lowest product left
                    found.append(line_of[bit])
                    hits ^= bit
                found.sort()
                return tuple(found)
        return tuple([i for i, bit in enumerate(self.bits) if bit & hits])

    def targets_of(self, rule: Rule | Targeting) -> tuple[int, ...]:
        """Positions of the lines ``rule`` targets, not excluded and conditions true
        (docs/eligibility.md)."""
        mask = self.mask
        if not rule.has_conditions:
            hits = rule.allowed_mask & mask
        elif rule.logic_or:  # some condition true: a cart-level one true for every line
            products = rule.or_mask
            for cond in rule.cart_conditions:
                if cond.test(self):
                    products = rule.allowed_mask
                    break
            hits = products & mask
        else:  # every condition true: a cart-level one false for every line
            hits = rule.and_mask & mask
            if not hits:
                return ()  # no line passes the product-level conditions
            for cond in rule.cart_conditions:
                if not cond.test(self):
                    return ()
        return self.lines_of(hits) if hits else ()


class LineQuantityCart(Cart):
    """The cart of a rule set with ``LINE_QUANTITY`` conditions: the one condition that
    depends on the line itself (its quantity). Rule sets without them use :class:`Cart`,
    whose matching has no such check to make."""

    __slots__ = ()

    def targets_of(self, rule: Rule | Targeting) -> tuple[int, ...]:
        """The lines the other conditions give, and the rule's least line quantity:
        under AND a line needs it too; under OR it is enough (for a line not excluded)."""
        found = Cart.targets_of(self, rule)
        least = rule.line_quantity
        if not least:
            return found
        lines = self.lines
        if not rule.logic_or:
            return tuple([i for i in found if lines[i].quantity >= least])
        allowed, given = rule.allowed_mask, frozenset(found)
        return tuple(
            [
                i
                for i, bit in enumerate(self.bits)
                if i in given or (bit & allowed and lines[i].quantity >= least)
            ]
        )
