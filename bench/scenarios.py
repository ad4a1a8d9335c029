"""Deterministic scenario generation for the benchmark and the batch tests.

Everything here is driven by a seeded :class:`random.Random`, so the same size
and seed always give the same rule set and the same carts, on any machine (no
hypothesis: a benchmark must measure the same work every time).

A *rule set* is a scenario without ``order``/``customer``/``at`` (the what-if
file format, docs/whatif.md); a *cart* is ``{"order", "customer", "at"}``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

__all__ = ["AT", "SIZES", "Size", "make_carts", "make_ruleset"]

AT = "2026-11-22T12:00:00+00:00"
"""The instant every generated cart is priced at."""

ROOTS = 4
CHILDREN = 8
BRANDS = ("acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka")
TAGS = ("summer", "winter", "sale", "new", "classic")
GROUPS = (1, 2, 3, 4, 5)
TIERS = ("bronze", "silver", "gold", "platinum")


@dataclass(frozen=True)
class Size:
    """A benchmark size: lines per cart, discounts in the rule set, products in the catalog.

    The catalog is fixed per size, so doubling the lines or the discounts of a size
    varies one thing only.
    """

    name: str
    lines: int
    discounts: int
    catalog: int


SIZES = {
    "S": Size("S", 3, 5, 30),
    "M": Size("M", 20, 50, 200),
    "L": Size("L", 200, 500, 1000),
}


def _money(rng: random.Random, low: int, high: int) -> str:
    """A price in USD with cents, as a decimal string."""
    cents = rng.randint(low * 100, high * 100)
    return f"{cents // 100}.{cents % 100:02d}"


def _categories() -> list[dict[str, Any]]:
    cats: list[dict[str, Any]] = []
    for r in range(1, ROOTS + 1):
        cats.append({"id": r, "parentId": None})
        for c in range(CHILDREN):
            cats.append({"id": r * 100 + c, "parentId": r})
    return cats


def _catalog(rng: random.Random, size: int) -> list[dict[str, Any]]:
    items = []
    leaves = [r * 100 + c for r in range(1, ROOTS + 1) for c in range(CHILDREN)]
    for pid in range(1, size + 1):
        items.append(
            {
                "id": pid,
                "title": f"Product {pid}",
                "sku": f"SKU-{pid:05d}",
                "price": _money(rng, 2, 400),
                "categoryIds": rng.sample(leaves, rng.choice((1, 1, 2))),
                "attributes": {
                    "brand": rng.choice(BRANDS),
                    "tag": rng.choice(TAGS),
                    "rating": str(rng.randint(1, 5)),
                },
            }
        )
    return items


def _some_products(rng: random.Random, catalog: int, low: float, high: float) -> list[int]:
    """Between ``low`` and ``high`` (fractions) of the catalog's product ids."""
    count = rng.randint(max(1, int(catalog * low)), max(1, int(catalog * high)))
    return rng.sample(range(1, catalog + 1), count)


def _condition(rng: random.Random, to_product: bool, catalog: int) -> dict[str, Any]:
    """One condition; product-level kinds are likelier on product discounts."""
    line_kinds = ("PRODUCT", "CATEGORY", "CATEGORY", "ATTRIBUTE", "ATTRIBUTE")
    cart_kinds = (
        "PRODUCT_IN_CART",
        "CATEGORY_IN_CART",
        "MIN_CART_AMOUNT",
        "USER_LTV",
        "USER_ATTRIBUTE",
    )
    kind = rng.choice(line_kinds if rng.random() < (0.7 if to_product else 0.4) else cart_kinds)
    if kind == "PRODUCT":
        return {"conditionType": kind, "entityIds": _some_products(rng, catalog, 0.005, 0.06)}
    if kind == "PRODUCT_IN_CART":
        return {"conditionType": kind, "entityIds": _some_products(rng, catalog, 0.02, 0.2)}
    if kind in ("CATEGORY", "CATEGORY_IN_CART"):
        if rng.random() < 0.3:
            ref = {"id": rng.randint(1, ROOTS), "isNested": True}
        else:
            ref = {"id": rng.randint(1, ROOTS) * 100 + rng.randrange(CHILDREN), "isNested": False}
        return {"conditionType": kind, "entityIds": [ref]}
    if kind == "ATTRIBUTE":
        if rng.random() < 0.5:
            brand = rng.choice(BRANDS)
            return {"conditionType": kind, "entityIds": [{"id": "brand"}], "value": brand}
        op = rng.choice(("gte", "lte", "neq"))
        return {
            "conditionType": kind,
            "entityIds": [{"id": "rating"}],
            "value": {"value": rng.randint(2, 4), "condition": op},
        }
    if kind == "MIN_CART_AMOUNT":
        return {"conditionType": kind, "value": {"amount": _money(rng, 20, 2000)}}
    if kind == "USER_LTV":
        return {"conditionType": kind, "value": {"amount": _money(rng, 0, 3000)}}
    # USER_ATTRIBUTE
    return {"conditionType": kind, "entityIds": [{"id": "tier"}], "value": rng.choice(TIERS)}


def _discount(rng: random.Random, did: int, conditions: int, catalog: int) -> dict[str, Any]:
    to_product = did % 2 == 0  # half of them product-level
    roll = rng.random()
    if roll < 0.55:
        dv: dict[str, Any] = {
            "value": rng.choice((2, 3, 5, 7.5, 10, 12.5, 15)),
            "discountType": "PERCENTAGE",
        }
    elif roll < 0.85:
        dv = {"value": _money(rng, 1, 20), "discountType": "FIXED_AMOUNT"}
    else:
        dv = {"value": _money(rng, 1, 300), "discountType": "FIXED_PRICE"}
    dv["applicability"] = "TO_PRODUCT" if to_product else "TO_ORDER"
    dv["maxAmount"] = _money(rng, 5, 80) if rng.random() < 0.3 else None
    d: dict[str, Any] = {
        "id": did,
        "identifier": f"d{did}",
        "type": "PERSONAL_DISCOUNT" if rng.random() < 0.05 else "DISCOUNT",
        "localizeInfos": {"title": f"Discount {did}"},
        "startDate": "2026-01-01T00:00:00Z" if rng.random() < 0.9 else "2027-01-01T00:00:00Z",
        "endDate": None if rng.random() < 0.9 else "2026-06-01T00:00:00Z",
        "position": did if rng.random() < 0.8 else None,
        "discountValue": dv,
        "conditions": [_condition(rng, to_product, catalog) for _ in range(conditions)],
        "conditionLogic": "OR" if rng.random() < 0.3 else "AND",
        "exclusions": [{"id": rng.randint(1, catalog), "isNested": False}]
        if rng.random() < 0.3
        else None,
        "userGroups": rng.sample(GROUPS, 2) if rng.random() < 0.2 else None,
        "userExclusions": [rng.randint(1, 50)] if rng.random() < 0.1 else None,
        "gifts": [],
    }
    if d["endDate"] is not None and d["endDate"] <= d["startDate"]:
        d["startDate"] = "2025-01-01T00:00:00Z"  # an end not after the start is refused
    if rng.random() < 0.08:
        d["coupons"] = [f"CODE{did}"]
    if rng.random() < 0.05:
        d["activation"] = "ON_REQUEST"
    return d


def make_ruleset(
    discounts: int, catalog: int, *, seed: int = 1, conditions: int = 2
) -> dict[str, Any]:
    """A rule set (scenario without order/customer/at): ``discounts`` discounts, two
    conditions each, half of them product-level, over a ``catalog``-product catalog.

    The catalog does not depend on ``discounts``, and the first ``n`` discounts of a
    larger rule set are those of the smaller one, so doubling varies one thing.
    """
    rng = random.Random(seed)
    products = _catalog(rng, catalog)
    drng = random.Random(seed * 7919 + 1)
    return {
        "currency": "USD",
        "categories": _categories(),
        "catalog": products,
        "discounts": [_discount(drng, i + 1, conditions, catalog) for i in range(discounts)],
        "settings": {
            "allowStacking": True,
            "maxDiscountValue": 40,
            "maxBonusPaymentPercent": 30,
            "minBonusAmount": "5.00",
        },
    }


def make_carts(
    ruleset: dict[str, Any], lines: int, count: int, *, seed: int = 2
) -> list[dict[str, Any]]:
    """``count`` carts of ``lines`` lines each, with customers, coupons and markers."""
    rng = random.Random(seed)
    catalog_ids = [p["id"] for p in ruleset["catalog"]]
    # Only codes whose discount is within its dates: the others raise CouponError.
    codes = [
        c
        for d in ruleset["discounts"]
        if d["startDate"] <= AT[:10] and d["endDate"] is None
        for c in d.get("coupons") or ()
    ]
    markers = [d["identifier"] for d in ruleset["discounts"] if d.get("activation") == "ON_REQUEST"]
    carts = []
    for n in range(count):
        customer: dict[str, Any] | None = None
        if rng.random() < 0.8:
            customer = {
                "id": rng.randint(1, 500),
                "groupIds": rng.sample(GROUPS, rng.randint(0, 2)),
                "attributes": {"tier": rng.choice(TIERS)},
                "ltv": _money(rng, 0, 3000),
                "bonusBalance": _money(rng, 0, 200),
            }
        order: dict[str, Any] = {
            "products": [
                {"productId": pid, "quantity": rng.choice((1, 1, 1, 2, 3, 5))}
                for pid in rng.sample(catalog_ids, lines)
            ],
        }
        if codes and rng.random() < 0.2:
            order["couponCode"] = rng.choice(codes)
        if markers and rng.random() < 0.2:
            order["additionalDiscountsMarkers"] = [rng.choice(markers)]
        if customer is not None and rng.random() < 0.3:
            order["bonusAmount"] = _money(rng, 0, 50)
        carts.append({"id": n, "order": order, "customer": customer, "at": AT})
    return carts
