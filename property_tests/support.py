"""Helpers shared by the property tests (not by the oracle, which stands alone)."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from pricing import strategies as ps

EXPONENT = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}


@dataclass(frozen=True)
class Num:
    """A JSON number, compared by value but never equal to a bool or a string."""

    value: Decimal

    def __repr__(self) -> str:
        return format(self.value.normalize(), "f") if self.value else "0"


def canon(value: Any) -> Any:
    """``value`` with numbers made :class:`Num`, so that ``==`` is type-strict.

    Python thinks ``True == 1 == Decimal("1.0")``; JSON does not.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Decimal):
        return Num(Decimal(value))
    if isinstance(value, Mapping):
        return {str(k): canon(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canon(v) for v in value]
    raise TypeError(f"not JSON-shaped: {type(value).__name__}")


def project(got: Any, want: Any) -> Any:
    """``got`` cut down to the keys ``want`` has, on the result's structural objects only.

    Extensions (tax, signed prices) may add keys to the top level, to
    ``discountConfig`` and to lines; echoed discount objects must match exactly.
    """
    if not isinstance(got, Mapping) or not isinstance(want, Mapping):
        return got
    missing = set(want) - set(got)
    assert not missing, f"keys missing from the engine's output: {sorted(missing)}"
    result = {k: got[k] for k in want}
    if "discountConfig" in want:
        result["discountConfig"] = project(got["discountConfig"], want["discountConfig"])
        result["lines"] = [project(g, w) for g, w in zip(got["lines"], want["lines"], strict=False)]
        result["lines"] += got["lines"][len(want["lines"]) :]
        result["orderPreview"] = [
            project(g, w) for g, w in zip(got["orderPreview"], want["orderPreview"], strict=False)
        ] + list(got["orderPreview"][len(want["orderPreview"]) :])
    return result


# -- money fields of the result document ---------------------------------------------

TOP_MONEY = ("totalSum", "totalSumWithDiscount", "bonusApplied", "totalDue", "bonusAccrual")
CONFIG_MONEY = ("totalRaw", "totalSumWithDiscount", "bonusApplied", "totalDue")
BONUS_MONEY = ("availableBalance", "maxBonusDiscount", "bonusApplied")
BONUS_ECHO = ("minBonusAmount", "minOrderAmountForBonus")
LINE_MONEY = ("unitPrice", "total", "productDiscount", "orderDiscount", "totalWithDiscount")


def computed_money(doc: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """``(path, value)`` of every amount the preview computes (not the echoed inputs)."""
    for k in TOP_MONEY:
        yield k, doc[k]
    config = doc["discountConfig"]
    for k in CONFIG_MONEY:
        yield f"discountConfig.{k}", config[k]
    if config["bonus"] is not None:
        for k in BONUS_MONEY:
            yield f"discountConfig.bonus.{k}", config["bonus"][k]
    for i, row in enumerate(doc["orderPreview"]):
        yield f"orderPreview[{i}].price", row["price"]
    for i, line in enumerate(doc["lines"]):
        for k in LINE_MONEY:
            yield f"lines[{i}].{k}", line[k]
        for j, d in enumerate(line["discounts"]):
            yield f"lines[{i}].discounts[{j}].amount", d["amount"]
    for i, e in enumerate(doc["explanation"]):
        yield f"explanation[{i}].amount", e["amount"]


def all_money(doc: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every money amount of the document, the echoed bonus settings included."""
    yield from computed_money(doc)
    config = doc["discountConfig"]
    for holder, prefix in ((config["settings"], "settings"), (config["bonus"], "bonus")):
        if holder is not None:
            for k in BONUS_ECHO:
                if holder[k] is not None:
                    yield f"discountConfig.{prefix}.{k}", holder[k]


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def discount_by_id(scenario: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(d["id"]): d for d in scenario.get("discounts") or ()}


def mutate_everything(value: Any) -> None:
    """Clear every list and dict reachable from ``value`` (to test for aliasing)."""
    if isinstance(value, dict):
        for v in list(value.values()):
            mutate_everything(v)
        value.clear()
        value["poisoned"] = True
    elif isinstance(value, list):
        for v in value:
            mutate_everything(v)
        value.clear()
        value.append("poisoned")


def with_settings(scenario: Mapping[str, Any], **overrides: Any) -> dict[str, Any]:
    """A copy of ``scenario`` with some settings replaced."""
    result = copy.deepcopy(dict(scenario))
    result["settings"] = {**(result.get("settings") or {}), **overrides}
    return result


def cap_percentages() -> st.SearchStrategy[int | str]:
    return st.one_of(
        st.integers(0, 100),
        st.integers(0, 100_000).map(lambda n: str(Decimal(n).scaleb(-3))),
    )


@st.composite
def unit_counting(draw: st.DrawFn) -> dict[str, Any]:
    """Scenarios whose product discounts all discount some units: ``maxQuantity`` (either
    scope, either order) or a buy-get whose buy and get sides are drawn apart, so that
    units only bought, only got and both (and the cap on the latter) all occur."""
    scenario = draw(
        ps.scenarios(
            features={"conditions", "exclusions"},
            applicabilities={"TO_PRODUCT"},
            discount_types={"PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE"},
            max_lines=6,
            max_quantity=8,
        )
    )
    ids = [p["id"] for p in scenario["catalog"]]
    some_ids = st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)
    for d in scenario["discounts"]:
        value = d.get("discountValue")
        if value is None or d["type"] == "BONUS":
            continue
        if draw(st.booleans(), label="maxQuantity"):
            value["maxQuantity"] = draw(st.integers(1, 5))
            value["quantityScope"] = draw(st.sampled_from(["LINE", "ORDER"]))
            value["unitOrder"] = draw(st.sampled_from(["CHEAPEST_FIRST", "MOST_EXPENSIVE_FIRST"]))
            continue
        d["conditions"] = [{"conditionType": "PRODUCT", "entityIds": draw(some_ids)}]
        d.pop("conditionLogic", None)
        value["buyGet"] = {
            "buyQuantity": draw(st.integers(1, 3)),
            "getQuantity": draw(st.integers(1, 3)),
            "buyConditions": [{"conditionType": "PRODUCT", "entityIds": draw(some_ids)}],
        }
    return scenario


# -- shipping discounts and usage (docs/shipping-discounts.md, docs/usage-limits.md) ---------


def applied_entries(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``explanation`` entries of the applied discounts."""
    return [e for e in doc["explanation"] if e["status"] == "applied"]


def shipping_ids(doc: Mapping[str, Any]) -> set[str]:
    """Ids (as text) of the applied ``TO_SHIPPING`` discounts."""
    return {str(d["id"]) for d in doc["discountConfig"].get("shippingDiscounts", [])}


def goods_applied(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The applied discounts on goods: all but the shipping ones."""
    shipping = shipping_ids(doc)
    return [e for e in applied_entries(doc) if str(e["id"]) not in shipping]


def shipping_after_discounts(doc: Mapping[str, Any]) -> Decimal:
    """What the shipping lines cost after the shipping discounts (0 without any)."""
    return sum((s["priceWithDiscount"] for s in doc.get("shipping", [])), Decimal(0))


def budget_left(scenario: Mapping[str, Any], discount_id: Any) -> Decimal | None:
    """``budget.amount − spent`` of a discount before this preview (None: no budget)."""
    budget = discount_by_id(scenario)[str(discount_id)].get("budget")
    if budget is None:
        return None
    entry = (scenario.get("usage") or {}).get(str(discount_id)) or {}
    return dec(budget["amount"]) - dec(entry.get("spent", 0))


_SHIPPING_RULE_ID = 31
"""The id of the shipping discount :func:`discounted_shipping` adds (generated ids are 1–30)."""


@st.composite
def discounted_shipping(
    draw: st.DrawFn, features: frozenset[str] = frozenset({"shipping"})
) -> dict[str, Any]:
    """Scenarios whose shipping lines a shipping discount does reach: shipping lines
    always, and a plain ``TO_SHIPPING`` discount that passes every gate (no conditions,
    dates, codes or limits; a percentage from 1 % or a fixed amount from one unit) at a
    random priority among the generated rules.

    The generated rules alone rarely take anything off the shipping (an unmet gate, a
    fixed price above the shipping, a ``maxAmount`` of 0, a guest...): without this,
    "the shipping after its discounts" is nearly always the shipping as entered, and
    nothing tells the two apart. ``features`` must not hold ``no_stacking`` (the added
    discount could lose the one place) or ``input_variants``.
    """
    assert not features & {"no_stacking", "input_variants"}
    scenario = draw(ps.scenarios(features=features | {"shipping"}, max_discounts=4))
    currency = scenario["currency"]
    order = scenario["order"]
    if not order.get("shippingLines"):
        prices = draw(
            st.lists(ps.money(currency, max_value=50), min_size=1, max_size=3),
            label="shipping prices",
        )
        order["shippingLines"] = [{"id": f"ship-{i + 1}", "price": p} for i, p in enumerate(prices)]
    lines = order["shippingLines"]
    if all(Decimal(str(line["price"])) == 0 for line in lines):  # some free, not all
        lines[0]["price"] = draw(ps.money(currency, min_value=1, max_value=50), label="a price")
    kind = draw(st.sampled_from(["PERCENTAGE", "FIXED_AMOUNT"]), label="shipping discount")
    value = draw(
        ps.percentages(min_value=1)
        if kind == "PERCENTAGE"
        else ps.money(currency, min_value=1, max_value=50),
        label="its value",
    )
    scenario["discounts"].append(
        {
            "id": _SHIPPING_RULE_ID,
            "identifier": f"d{_SHIPPING_RULE_ID}",
            "type": "DISCOUNT",
            "position": draw(st.none() | st.integers(1, 4), label="its position"),
            "localizeInfos": {"title": "Shipping discount"},
            "discountValue": {
                "value": value,
                "maxAmount": None,
                "discountType": kind,
                "applicability": "TO_SHIPPING",
            },
        }
    )
    return scenario


# -- taxes (docs/taxes.md) --------------------------------------------------------------

_TAX_RATE_IDS = ("vat", 7, "reduced")


@st.composite
def taxed(draw: st.DrawFn, scenarios: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """``scenarios`` with tax inputs added (the shipped strategies draw none): one to
    three rates (0–100 %, up to three decimals), a rate or none on each product and
    each shipping line, ``pricesIncludeTax`` either way, and sometimes surcharges
    (negative ones too), each with a rate or none."""
    scenario = draw(scenarios)
    currency = scenario["currency"]
    n = draw(st.integers(1, len(_TAX_RATE_IDS)), label="tax rates")
    rates = [
        {"id": rid, "name": f"Tax {rid}", "rate": draw(ps.percentages(), label="rate")}
        for rid in _TAX_RATE_IDS[:n]
    ]
    scenario["taxRates"] = rates
    some_rate = st.sampled_from([None, *(r["id"] for r in rates)])
    for product in scenario["catalog"]:
        product["taxRateId"] = draw(some_rate, label="product rate")
    for line in scenario["order"].get("shippingLines") or ():
        line["taxRateId"] = draw(some_rate, label="shipping rate")
    scenario["settings"] = {
        **(scenario.get("settings") or {}),
        "pricesIncludeTax": draw(st.booleans(), label="pricesIncludeTax"),
    }
    if draw(st.booleans(), label="surcharges"):
        amounts = st.tuples(st.booleans(), ps.money(currency, max_value=30))
        scenario["order"]["surcharges"] = [
            {
                "description": f"Surcharge {i + 1}",
                "amount": _negated(amount) if negative else amount,
                "taxRateId": draw(some_rate, label="surcharge rate"),
            }
            for i, (negative, amount) in enumerate(
                draw(st.lists(amounts, min_size=1, max_size=2), label="surcharge amounts")
            )
        ]
    return scenario


def _negated(amount: str | int) -> str | int:
    """``-amount``, as JSON money of the same form (0 stays 0)."""
    if isinstance(amount, int):
        return -amount
    return amount if Decimal(amount) == 0 else f"-{amount}"


def _round_half_away(amount: Fraction, unit: Fraction) -> Fraction:
    """``amount`` to a whole number of ``unit``, halves away from zero (ROUND_HALF_UP)."""
    units = math.floor(abs(amount) / unit + Fraction(1, 2))
    return units * unit if amount >= 0 else -units * unit


def tax_split(
    amount: Decimal, rate: Decimal | None, inclusive: bool, exponent: int
) -> tuple[Decimal, Decimal]:
    """``(net, tax)`` of one amount as docs/taxes.md states it: exclusive, ``net`` is the
    amount and ``tax = round(amount · r/100)``; inclusive, ``net = round(amount · 100 /
    (100 + r))`` and ``tax`` the rest; untaxed (``rate`` None), no tax."""
    if rate is None:
        return amount, Decimal(0)
    unit, r = Fraction(1, 10**exponent), Fraction(rate)
    if inclusive:
        net = _round_half_away(Fraction(amount) * 100 / (100 + r), unit)
        return _decimal(net, exponent), amount - _decimal(net, exponent)
    return amount, _decimal(_round_half_away(Fraction(amount) * r / 100, unit), exponent)


def _decimal(amount: Fraction, exponent: int) -> Decimal:
    """A whole number of minor units, as a Decimal with the currency's exponent."""
    return Decimal(int(amount * 10**exponent)).scaleb(-exponent)
