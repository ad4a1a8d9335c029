"""Deterministic rule sets and carts for the batch tests, and the one-cart reference.

The carts and rule sets are generated with a seeded ``random.Random`` (no
hypothesis): the same every run, and varied enough to reach gifts, coupons,
markers, bonus, caps, stacking off and refused carts.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pricing
from pricing import batch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AT = "2026-11-22T12:00:00+00:00"
AT_DT = datetime.fromisoformat(AT)


def ruleset(seed: int, *, discounts: int = 14, stacking: bool = True) -> dict[str, Any]:
    rng = random.Random(seed)
    catalog = [
        {
            "id": pid,
            "title": f"P{pid}",
            "price": f"{rng.randint(1, 300)}.{rng.randint(0, 99):02d}",
            "categoryIds": [rng.choice([10, 11, 20])],
            "attributes": {"brand": rng.choice(["acme", "globex"]), "rating": rng.randint(1, 5)},
            "available": pid != 7,
        }
        for pid in range(1, 25)
    ]
    kinds = ["PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE"]
    rules = []
    for did in range(1, discounts + 1):
        kind = rng.choice(kinds)
        value = rng.choice([5, 10, 12.5]) if kind == "PERCENTAGE" else f"{rng.randint(1, 40)}.50"
        rule: dict[str, Any] = {
            "id": did,
            "identifier": f"r{did}",
            "position": rng.choice([None, did, 3]),
            "discountValue": {
                "value": value,
                "discountType": kind,
                "applicability": rng.choice(["TO_PRODUCT", "TO_ORDER"]),
                "maxAmount": rng.choice([None, "25.00"]),
            },
            "conditionLogic": rng.choice(["AND", "OR"]),
            "conditions": rng.choice(
                [
                    [],
                    [{"conditionType": "CATEGORY", "entityIds": [{"id": 1, "isNested": True}]}],
                    [
                        {
                            "conditionType": "ATTRIBUTE",
                            "entityIds": [{"id": "brand"}],
                            "value": "acme",
                        }
                    ],
                    [{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": "150"}}],
                    [{"conditionType": "PRODUCT_IN_CART", "entityIds": [3, 4, 5]}],
                    [
                        {
                            "conditionType": "USER_ATTRIBUTE",
                            "entityIds": [{"id": "tier"}],
                            "value": "gold",
                        }
                    ],
                ]
            ),
        }
        roll = rng.random()
        if roll < 0.1:
            rule["coupons"] = [f"CODE{did}"]
        elif roll < 0.2:
            rule["activation"] = "ON_REQUEST"
        elif roll < 0.3:
            rule["gifts"] = [{"productId": rng.randint(1, 24), "quantity": 1}]
            rule["giftsReplaceCartItems"] = rng.random() < 0.5
        elif roll < 0.35:
            rule["type"] = "BONUS"
        elif roll < 0.45:
            rule["userGroups"] = [1]
        rules.append(rule)
    return {
        "currency": "USD",
        "categories": [{"id": 1}, {"id": 10, "parentId": 1}, {"id": 11, "parentId": 1}, {"id": 20}],
        "catalog": catalog,
        "discounts": rules,
        "settings": {
            "allowStacking": stacking,
            "maxDiscountValue": 45,
            "allowGiftStacking": rng.random() < 0.5,
            "maxBonusPaymentPercent": 50,
        },
    }


def carts(seed: int, count: int, codes: list[str]) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    carts = []
    for n in range(count):
        order: dict[str, Any] = {
            "products": [
                {"productId": rng.randint(1, 24), "quantity": rng.randint(1, 4)}
                for _ in range(rng.randint(1, 6))
            ]
        }
        if rng.random() < 0.2:
            order["couponCode"] = rng.choice([*codes, "NOPE"])
        if rng.random() < 0.2:
            order["additionalDiscountsMarkers"] = [f"r{rng.randint(1, 16)}"]
        if rng.random() < 0.3:
            order["bonusAmount"] = "20"
        customer = None
        if rng.random() < 0.7:
            customer = {
                "id": n,
                "groupIds": rng.choice([[], [1]]),
                "attributes": {"tier": rng.choice(["gold", "silver"])},
                "bonusBalance": "50.00",
            }
        cart: dict[str, Any] = {"id": f"c{n}", "order": order, "customer": customer}
        if rng.random() < 0.5:
            cart["at"] = AT
        carts.append(cart)
    return carts


BASELINE = ruleset(1)
CANDIDATE = ruleset(2, stacking=False)
CANDIDATE["catalog"] = BASELINE["catalog"]  # the same shop, other rules
CODES = ["CODE1", "code2", "CODE5", "CODE9"]
CARTS = carts(3, 160, CODES)
PRICED_CART = {
    "order": {"products": [{"productId": 3, "quantity": 2}, {"productId": 11, "quantity": 1}]},
    "customer": {"id": 1, "groupIds": [1], "attributes": {"tier": "gold"}, "bonusBalance": "50"},
}


def scenario_of(ruleset: dict[str, Any], cart: dict[str, Any]) -> dict[str, Any]:
    """The whole scenario of one cart under ``ruleset``."""
    return {
        **copy.deepcopy(ruleset),
        "order": cart["order"],
        "customer": cart["customer"],
        "at": cart.get("at", AT),
    }


def one_preview(ruleset: dict[str, Any], cart: dict[str, Any]) -> pricing.PreviewResult | str:
    """The one-call preview of the cart alone, or the error it raises."""
    try:
        return pricing.preview(scenario_of(ruleset, cart))
    except pricing.PricingError as exc:
        return type(exc).__name__


def assert_same(priced: batch.Priced, single: pricing.PreviewResult | str) -> None:
    """``priced`` carries exactly the figures (or the refusal) of the single preview."""
    if isinstance(single, str):
        assert priced.error is not None
        assert priced.error.startswith(single)
        assert priced.total_due is None
        return
    assert priced.error is None
    for name in ("total_raw", "total_sum_with_discount", "bonus_applied", "total_due"):
        mine, theirs = getattr(priced, name), getattr(single, name)
        # Equal, and written the same (same exponent): exact, not merely close.
        assert (mine, str(mine)) == (theirs, str(theirs)), name
    assert priced.total_discount == single.total_discount
    applied = [e.id for e in single.explanation if e.status == "applied"]
    assert sorted(map(str, priced.applied)) == sorted(map(str, applied))
