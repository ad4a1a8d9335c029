"""Shared scenario builders for the example tests (exposed as the ``sb`` fixture)."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

import pricing

AT = "2026-11-22T12:00:00Z"
"""The instant every built scenario is priced at unless told otherwise."""

_REGISTERED = object()


def product(
    pid: int | str,
    price: str,
    *,
    categories: tuple[int | str, ...] | list[int | str] = (),
    attributes: dict[str, Any] | None = None,
    available: bool = True,
) -> dict[str, Any]:
    """A catalog entry."""
    return {
        "id": pid,
        "title": f"Product {pid}",
        "sku": None,
        "price": price,
        "categoryIds": list(categories),
        "attributes": attributes or {},
        "available": available,
    }


def discount(
    did: int | str,
    discount_type: str | None = "PERCENTAGE",
    value: Any = 10,
    applicability: str | None = "TO_ORDER",
    *,
    max_amount: Any = None,
    position: int | None = None,
    identifier: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A OneEntry discount object; extra OneEntry fields are given by their camelCase name."""
    d: dict[str, Any] = {
        "id": did,
        "identifier": identifier if identifier is not None else f"d{did}",
        "type": "DISCOUNT",
        "position": position,
        "discountValue": {
            "value": value,
            "maxAmount": max_amount,
            "discountType": discount_type,
            "applicability": applicability,
        },
    }
    d.update(fields)
    return d


def customer(
    cid: int | str = 42,
    *,
    groups: tuple[int | str, ...] | list[int | str] = (3,),
    attributes: dict[str, Any] | None = None,
    ltv: Any = None,
    bonus_balance: Any = None,
) -> dict[str, Any]:
    """A registered customer."""
    return {
        "id": cid,
        "groupIds": list(groups),
        "attributes": attributes or {},
        "ltv": ltv,
        "bonusBalance": bonus_balance,
    }


def scenario(
    lines: Any = ((1, 1),),
    *,
    catalog: list[dict[str, Any]] | None = None,
    discounts: list[dict[str, Any]] | tuple[()] = (),
    settings: dict[str, Any] | None = None,
    buyer: Any = _REGISTERED,
    currency: str = "USD",
    at: Any = AT,
    categories: list[dict[str, Any]] | tuple[()] = (),
    coupon: str | None = None,
    markers: list[str] | tuple[()] = (),
    bonus_amount: Any = None,
) -> dict[str, Any]:
    """A whole scenario; ``lines`` is ``[(productId, quantity)]``; ``buyer=None``: a guest."""
    return {
        "at": at,
        "currency": currency,
        "storageMarker": "orders",
        "categories": list(categories),
        "catalog": catalog if catalog is not None else [product(1, "100.00")],
        "customer": customer() if buyer is _REGISTERED else buyer,
        "discounts": list(discounts),
        "settings": settings if settings is not None else {},
        "order": {
            "products": [{"productId": p, "quantity": q} for p, q in lines],
            "couponCode": coupon,
            "additionalDiscountsMarkers": list(markers),
            "bonusAmount": bonus_amount,
        },
    }


def run(scn: dict[str, Any]) -> pricing.PreviewResult:
    """Preview a deep copy of ``scn`` (so a test may reuse and alter it)."""
    return pricing.preview(copy.deepcopy(scn))


def status(result: pricing.PreviewResult) -> dict[str | None, tuple[str, str | None]]:
    """``{identifier: (status, reason)}`` from the explanation."""
    return {e.identifier: (e.status, e.reason) for e in result.explanation}


def shares(result: pricing.PreviewResult, identifier: str) -> list[Any]:
    """Each line's share of one discount, ``None`` for lines it did not target."""
    out: list[Any] = []
    for line in result.lines:
        found = [d.amount for d in line.discounts if d.identifier == identifier]
        out.append(found[0] if found else None)
    return out


def targeted(result: pricing.PreviewResult, identifier: str) -> set[int | str]:
    """Product ids of the lines a discount targeted (its share may be 0)."""
    return {
        line.product_id
        for line in result.lines
        if any(d.identifier == identifier for d in line.discounts)
    }


_BUILDERS = SimpleNamespace(
    AT=AT,
    product=product,
    discount=discount,
    customer=customer,
    scenario=scenario,
    run=run,
    status=status,
    shares=shares,
    targeted=targeted,
)


@pytest.fixture
def sb() -> SimpleNamespace:
    """The scenario builders: ``sb.product``, ``sb.discount``, ``sb.scenario``, ``sb.run``…"""
    return _BUILDERS
