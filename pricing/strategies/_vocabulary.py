"""What a rule set talks about, so that generated customers and carts hit its rules.

The groups, customer ids, attributes, money thresholds, unit counts, coupon codes,
markers and dates the discounts mention (and the bonus thresholds of the settings),
gathered in order of first mention (dicts serve as
ordered sets, so the same rules always give the same vocabulary).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._basics import (
    _CUSTOMER_ATTRIBUTES,
    _CUSTOMER_IDS,
    _GROUP_IDS,
    QUANTITY_CONDITION_TYPES,
    _as_mapping,
    _get,
    _parse_instant,
)
from ._scalars import _to_minor


@dataclass(frozen=True)
class _Shop:
    """What every generated part needs to know about the shop."""

    exponent: int
    features: frozenset[str]
    product_ids: tuple[Any, ...]
    category_ids: tuple[Any, ...]
    max_price_minor: int


@dataclass(frozen=True)
class _Vocabulary(_Shop):
    """The shop and what its rules mention: where customers and carts are drawn from."""

    available_ids: tuple[Any, ...]
    group_ids: tuple[Any, ...]
    rule_groups: tuple[Any, ...]
    """The groups some discount is for (``userGroups``)."""
    customer_ids: tuple[Any, ...]
    customer_attributes: Mapping[str, tuple[Any, ...]]
    thresholds: tuple[int, ...]
    """Money amounts (minor units) the rules compare with: LTV and cart minimums."""
    quantities: tuple[int, ...]
    """Unit counts on, under and over those the rules name: tiers, quantity conditions,
    ``maxQuantity``, buy-get sets."""
    bonus_thresholds: tuple[int, ...]
    """``minBonusAmount`` and ``minOrderAmountForBonus`` of the settings (minor units)."""
    codes: tuple[str, ...]
    good_codes: tuple[str, ...]
    """Codes whose first owner (priority order) neither is used up nor outside its dates."""
    identifiers: tuple[str, ...]
    instants: tuple[datetime, ...]


def _id_order(value: Any) -> tuple[int, Any]:
    """Ids sort numbers first, then the rest as text (as the engine orders them)."""
    return (0, value) if isinstance(value, int) and not isinstance(value, bool) else (1, str(value))


def _priority(discount: Mapping[str, Any]) -> tuple[int, int, tuple[int, Any]]:
    """The engine's priority order: by position (none last), then by id."""
    position = discount.get("position")
    return (1 if position is None else 0, position or 0, _id_order(discount.get("id")))


def _normalise(code: str) -> str:
    """A coupon code as compared: trimmed, case-folded."""
    return code.strip().casefold()


def _codes(discount: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """``(code, usable)`` for each coupon of a discount (usable: not used up)."""
    result = []
    for coupon in discount.get("coupons") or ():
        if isinstance(coupon, str):
            result.append((coupon, True))
        else:
            c = _as_mapping(coupon)
            used = bool(_get(c, "isUsed", "is_used")) and not _get(c, "isReusable", "is_reusable")
            result.append((str(c["code"]), not used))
    return result


def _ref_id(ref: Any) -> Any:
    """The id of a reference given as an id, ``{id}`` or a model."""
    if isinstance(ref, Mapping):
        return ref.get("id")
    return getattr(ref, "id", ref)


@dataclass
class _Mentions:
    """What the discounts mention, each kind in order of first mention."""

    groups: dict[Any, None] = field(default_factory=lambda: dict.fromkeys(_GROUP_IDS))
    rule_groups: dict[Any, None] = field(default_factory=dict)
    customer_ids: dict[Any, None] = field(default_factory=lambda: dict.fromkeys(_CUSTOMER_IDS))
    attributes: dict[str, dict[Any, None]] = field(
        default_factory=lambda: {k: dict.fromkeys(v) for k, v in _CUSTOMER_ATTRIBUTES.items()}
    )
    thresholds: dict[int, None] = field(default_factory=dict)
    quantities: dict[int, None] = field(default_factory=dict)
    codes: dict[str, None] = field(default_factory=dict)
    identifiers: dict[str, None] = field(default_factory=dict)
    moments: dict[datetime, None] = field(default_factory=dict)

    def add_discount(self, d: Mapping[str, Any], exponent: int) -> None:
        """Note the audience, codes, identifier, dates and conditions of ``d``."""
        for g in _get(d, "userGroups", "user_groups") or ():
            self.groups[_ref_id(g)] = None
            self.rule_groups[_ref_id(g)] = None
        for u in _get(d, "userExclusions", "user_exclusions") or ():
            self.customer_ids[_ref_id(u)] = None
        for code, _ in _codes(d):
            self.codes[code] = None
        if d.get("identifier") is not None:
            self.identifiers[str(d["identifier"])] = None
        for key, snake in (("startDate", "start_date"), ("endDate", "end_date")):
            moment = _parse_instant(_get(d, key, snake))
            if moment is not None:
                self.moments[moment] = None
        for cond in d.get("conditions") or ():
            self.add_condition(_as_mapping(cond), exponent)
        value = _get(d, "discountValue", "discount_value")
        if value is not None:
            self.add_value(_as_mapping(value), exponent)

    def add_count(self, count: Any, *multiples: int) -> None:
        """Note a unit count a rule names, its neighbours and (``multiples``) those of
        its multiples."""
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            for k in multiples or (1,):
                for n in (k * count - 1, k * count, k * count + 1):
                    self.quantities[n] = None

    def add_value(self, value: Mapping[str, Any], exponent: int) -> None:
        """Note the counts of a ``discountValue``: tiers by quantity, ``maxQuantity``,
        buy-get sets (one, two and three of them) and the buy conditions."""
        for tier in value.get("tiers") or ():
            self.add_count(_get(_as_mapping(tier), "minQuantity", "min_quantity"))
        self.add_count(_get(value, "maxQuantity", "max_quantity"))
        buy_get = _get(value, "buyGet", "buy_get")
        if buy_get is not None:
            b = _as_mapping(buy_get)
            buy, get = (
                _get(b, "buyQuantity", "buy_quantity"),
                _get(b, "getQuantity", "get_quantity"),
            )
            if isinstance(buy, int) and isinstance(get, int):
                self.add_count(buy + get, 1, 2, 3)
            for cond in _get(b, "buyConditions", "buy_conditions") or ():
                self.add_condition(_as_mapping(cond), exponent)

    def add_condition(self, c: Mapping[str, Any], exponent: int) -> None:
        """Note the money threshold, the unit count or the customer attribute a condition
        tests."""
        kind = _get(c, "conditionType", "condition_type") or c.get("type")
        value = c.get("value")
        if kind in QUANTITY_CONDITION_TYPES and isinstance(value, Mapping):
            self.add_count(value.get("quantity"))
        elif kind in ("USER_LTV", "MIN_CART_AMOUNT"):
            amount = (
                value.get("amount", value.get("value")) if isinstance(value, Mapping) else value
            )
            with contextlib.suppress(ValueError, ArithmeticError):
                self.thresholds[_to_minor(amount, exponent)] = None
        elif kind == "USER_ATTRIBUTE":
            expected = value.get("value") if isinstance(value, Mapping) else value
            for ref in _get(c, "entityIds", "entity_ids") or ():
                name = str(_ref_id(ref))
                self.attributes.setdefault(name, {})
                if expected is not None and not isinstance(expected, Mapping | list):
                    self.attributes[name][expected] = None


def _good_codes(
    codes: Sequence[str], discounts: Sequence[Mapping[str, Any]], at: datetime | None
) -> tuple[str, ...]:
    """Coupon codes that are safe to present.

    The first owner in priority order has the code usable and is inside its dates
    (else the engine raises CouponError, which ``coupon_errors=True`` asks for).
    """
    good: dict[str, None] = {}
    by_priority = sorted(discounts, key=_priority)
    for code in codes:
        norm = _normalise(code)
        for d in by_priority:
            usable = [ok for c, ok in _codes(d) if _normalise(c) == norm]
            if not usable:
                continue
            start = _parse_instant(_get(d, "startDate", "start_date"))
            end = _parse_instant(_get(d, "endDate", "end_date"))
            if at is None:  # no instant known: only codes without dates are safe
                in_window = start is None and end is None
            else:
                in_window = (start is None or start <= at) and (end is None or at < end)
            if usable[0] and in_window:
                good[code] = None
            break
    return tuple(good)


def _bonus_thresholds(settings: Any, exponent: int) -> tuple[int, ...]:
    """The bonus thresholds of ``settings`` in minor units (none given: none)."""
    if settings is None:
        return ()
    s = _as_mapping(settings)
    found: dict[int, None] = {}
    for camel, snake in (
        ("minBonusAmount", "min_bonus_amount"),
        ("minOrderAmountForBonus", "min_order_amount_for_bonus"),
    ):
        amount = _get(s, camel, snake)
        if amount is not None:
            with contextlib.suppress(ValueError, ArithmeticError):
                found[_to_minor(amount, exponent)] = None
    return tuple(found)


def _vocabulary(
    exponent: int,
    features: frozenset[str],
    catalog: Sequence[Any],
    cats: Sequence[Any],
    rules: Sequence[Any],
    at: datetime | None,
    max_price_minor: int,
    settings: Any = None,
) -> _Vocabulary:
    """The vocabulary of a catalog, categories, rules and settings (``at``: the preview
    instant)."""
    products = [_as_mapping(p) for p in catalog]
    discounts = [_as_mapping(d) for d in rules]
    category_ids: dict[Any, None] = {_as_mapping(c)["id"]: None for c in cats}
    for p in products:
        for c in _get(p, "categoryIds", "category_ids") or ():
            category_ids[c] = None
    seen = _Mentions()
    for d in discounts:
        seen.add_discount(d, exponent)
    if at is not None:
        seen.moments[at] = None
    available = [p["id"] for p in products if p.get("available", True) is not False]
    return _Vocabulary(
        exponent=exponent,
        features=features,
        product_ids=tuple(p["id"] for p in products),
        available_ids=tuple(available),
        category_ids=tuple(category_ids),
        group_ids=tuple(seen.groups),
        rule_groups=tuple(seen.rule_groups),
        customer_ids=tuple(seen.customer_ids),
        customer_attributes={k: tuple(v) for k, v in seen.attributes.items()},
        thresholds=tuple(seen.thresholds),
        quantities=tuple(seen.quantities),
        bonus_thresholds=_bonus_thresholds(settings, exponent),
        codes=tuple(seen.codes),
        good_codes=_good_codes(tuple(seen.codes), discounts, at),
        identifiers=tuple(seen.identifiers),
        instants=tuple(seen.moments),
        max_price_minor=max_price_minor,
    )
