"""Stage 1 — lines: the requested cart as paid lines with unit prices (SPEC §2, §7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from ._compile import CatalogItem, CompiledCatalog, key_of, to_minor
from ._errors import ScenarioError, SignedPriceError
from ._models import Customer, OrderProduct
from ._money import Currency

__all__ = ["CustomerView", "Line", "PriceVerifierLike", "build_customer", "build_lines"]


class _SignedPriceLike(Protocol):
    @property
    def price(self) -> Any: ...


class PriceVerifierLike(Protocol):
    """What the engine needs of a verifier (see :class:`pricing.PriceVerifier`)."""

    def verify(
        self,
        token: str,
        *,
        product_id: int,
        currency: str,
        storage_marker: str,
        at: datetime,
    ) -> _SignedPriceLike: ...


@dataclass(slots=True)
class Line:
    """A paid line: one requested product, never merged with another.

    Never changed once made (:meth:`with_quantity` makes a new one); not ``frozen``
    because lines are made per preview and a frozen dataclass is slow to build.
    """

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
    """The customer in minor units; ``None`` stands for a guest (never changed once made)."""

    key: str
    groups: frozenset[str]
    attributes: dict[str, Any]
    ltv: int | None
    bonus_balance: int | None


def build_customer(cur: Currency, customer: Customer | None) -> CustomerView | None:
    """The customer ready for the gates and conditions."""
    if customer is None:
        return None
    return CustomerView(
        key=key_of(customer.id),
        groups=frozenset(map(key_of, customer.group_ids)),
        attributes=dict(customer.attributes),
        ltv=None if customer.ltv is None else to_minor(cur, customer.ltv, "customer.ltv"),
        bonus_balance=None
        if customer.bonus_balance is None
        else to_minor(cur, customer.bonus_balance, "customer.bonusBalance"),
    )


def build_lines(
    cur: Currency,
    catalog: CompiledCatalog,
    products: Sequence[OrderProduct],
    *,
    storage_marker: str | None,
    verifier: PriceVerifierLike | None,
    at: datetime,
) -> tuple[Line, ...]:
    """One paid line per requested product, priced from a verified token or the catalog."""
    lines = []
    items = catalog.items
    for i, req in enumerate(products):
        item = items.get(key_of(req.product_id))
        if item is not None and item.available and req.signed_price is None:
            lines.append(Line(i, item, req.quantity, item.price, False))  # the common case
            continue
        path = f"order.products[{i}]"
        if item is None:
            raise ScenarioError(f"{path}.productId", f"unknown product {req.product_id}")
        if not item.available:
            raise ScenarioError(f"{path}.productId", f"product {req.product_id} is not available")
        unit_price = item.price
        locked = False
        if req.signed_price is not None:
            if verifier is None:
                raise ScenarioError(
                    f"{path}.signedPrice",
                    "a signedPrice needs a price verifier; none is configured",
                )
            try:
                signed = verifier.verify(
                    req.signed_price,
                    product_id=item.id,  # type: ignore[arg-type]
                    currency=cur.code,
                    storage_marker=storage_marker or "",
                    at=at,
                )
            except SignedPriceError as exc:
                raise SignedPriceError(exc.reason, str(exc), path=f"{path}.signedPrice") from None
            unit_price = to_minor(cur, signed.price, f"{path}.signedPrice")
            locked = True
        lines.append(Line(i, item, req.quantity, unit_price, locked))
    return tuple(lines)
