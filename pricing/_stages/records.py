"""The records the stages pass one another: one preview's data, in minor units.

Why mutable ``slots`` dataclasses: every record here is made per preview (several
per line or per rule), and a ``frozen`` dataclass is several times slower to
build, since each field goes through ``object.__setattr__``. They are still never
changed once made: a stage that changes something makes a new record
(:meth:`Line.with_quantity`; the cap makes new :class:`Applied`). Records made once
per rule set (catalog items, rules) are frozen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from .._money import Currency
from .._ruleset.catalog import CatalogItem
from .._ruleset.rules import Rule
from .._ruleset.settings import CompiledSettings
from .._schema import ShippingLine, Surcharge

if TYPE_CHECKING:
    from .eligibility import Eligibility

__all__ = [
    "Applied",
    "Bonus",
    "CustomerView",
    "GiftLine",
    "Gifts",
    "Line",
    "Outcome",
    "Request",
    "Shipping",
    "Target",
    "UsageCounts",
    "Verdict",
    "amounts_left",
]


@dataclass(slots=True)
class Line:
    """A paid line: one requested product, never merged with another."""

    position: int
    """Index in ``order.products``."""
    item: CatalogItem
    quantity: int
    unit_price: int
    price_locked: bool

    @property
    def total(self) -> int:
        """Unit price × quantity, in minor units."""
        return self.unit_price * self.quantity

    def with_quantity(self, quantity: int) -> Line:
        """The same line holding ``quantity`` units."""
        return replace(self, quantity=quantity)


@dataclass(slots=True)
class CustomerView:
    """The customer in minor units; ``None`` stands for a guest."""

    key: str
    groups: frozenset[str]
    attributes: dict[str, Any]
    ltv: int | None
    bonus_balance: int | None


class UsageCounts(NamedTuple):
    """One discount's counters from the ``usage`` input; ``spent`` in minor units."""

    uses: int
    customer_uses: int
    spent: int


@dataclass(slots=True)
class Request:
    """One cart request, read: paid lines, the customer, and what the order asks for."""

    lines: tuple[Line, ...]
    customer: CustomerView | None
    coupon_code: str | None
    markers: tuple[str, ...]
    bonus_requested: int | None
    """``order.bonusAmount`` in minor units."""
    shipping_lines: tuple[ShippingLine, ...]
    surcharges: tuple[Surcharge, ...]
    coupon_codes: tuple[str, ...] | None = None
    """``order.couponCodes`` as given (``None``: not given); ``coupon_code`` counts first."""
    usage: Mapping[str, UsageCounts] | None = None
    """The ``usage`` input by discount id (``None``: not given)."""


Target = tuple[Rule, tuple[int, ...]]
"""A discount that applies, and the positions of the lines it targets."""


Verdict = tuple[Rule, str | None]
"""One rule's outcome of the gates: ``(rule, reason)``, ``reason`` ``None`` when it
applies; on an applied tiered or buy-get discount, the rule the cart made. Made when a
result's explanation is read, one per rule (a plain pair: one allocation each)."""


@dataclass(slots=True)
class GiftLine:
    """A free line given by a discount."""

    item: CatalogItem
    quantity: int
    rule: Rule
    replaced: int
    """How many of its units were taken from paid lines."""


@dataclass(slots=True)
class Gifts:
    """The paid lines after replacement, the gift lines, and the gifts left out."""

    lines: tuple[Line, ...]
    gift_lines: tuple[GiftLine, ...]
    excluded_product_ids: tuple[str, ...]


@dataclass(slots=True)
class Applied:
    """One applied discount: its total and each targeted line's share.

    ``shares[k]`` is what the line at ``targets[k]`` gets, in minor units; the shares
    always sum to ``amount``.
    """

    rule: Rule
    targets: tuple[int, ...]
    """Positions of the targeted lines, in request order."""
    shares: list[int]
    amount: int
    capped: bool = False


@dataclass(slots=True)
class Shipping:
    """The order's shipping lines, and the ``TO_SHIPPING`` discounts applied to them.

    In each :class:`Applied` here, ``targets`` are positions of shipping lines.
    """

    lines: tuple[ShippingLine, ...]
    prices: list[int]
    """Each line's price as entered, in minor units."""
    applied: list[Applied]
    """The shipping discounts, in priority order (the order they applied in)."""

    @property
    def left(self) -> list[int]:
        """Each line's price after the shipping discounts."""
        return amounts_left(self.prices, self.applied)


def amounts_left(totals: Sequence[int], applied: Sequence[Applied]) -> list[int]:
    """Each line's amount after every applied discount's share."""
    left = list(totals)
    for a in applied:
        for pos, share in zip(a.targets, a.shares, strict=True):
            left[pos] -= share
    return left


@dataclass(slots=True)
class Bonus:
    """The bonus arithmetic of one preview, in minor units."""

    available_balance: int
    max_bonus_discount: int
    requested: int | None
    applied: int
    total_due: int
    """``totalSumWithDiscount`` − ``bonusApplied``, never below 0 (bonus may pay shipping)."""
    shown: bool
    """Whether ``discountConfig.bonus`` is an object (not a guest without a request)."""


class Outcome(NamedTuple):
    """What the stages decided, in minor units: the record the result's views are built from."""

    cur: Currency
    settings: CompiledSettings
    eligibility: Eligibility
    gifts: Gifts
    applied: Sequence[Applied]
    bonus: Bonus
    accrued: int
    markers: Sequence[str]
    extensions: Mapping[str, Any] | None
    total_raw: int
    total_with_discount: int
    money: Callable[[int], Decimal]
    """Minor units → ``Decimal`` in ``cur``."""
    shipping: Shipping | None = None
    """The shipping lines and their discounts (``None``: the order has no shipping lines)."""
    lists_shipping_discounts: bool = False
    """Whether some rule is ``TO_SHIPPING`` (``discountConfig.shippingDiscounts`` is shown)."""
    reports_usage: bool = False
    """Whether the ``usage`` output is shown (a rule has a limit or a budget, or usage is given)."""

    @property
    def every_applied(self) -> Sequence[Applied]:
        """The goods discounts, then the shipping ones: every discount, as applied."""
        if self.shipping is None or not self.shipping.applied:
            return self.applied
        return [*self.applied, *self.shipping.applied]
