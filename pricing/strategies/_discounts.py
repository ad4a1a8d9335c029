"""OneEntry discounts: value, dates, conditions, exclusions, audience, gifts, coupons.

Each part of a discount is drawn by its own helper, in a fixed order (the order of
the draws is what makes a derandomized run give the same discounts every time).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from ._arguments import (
    MAX_DISCOUNTS,
    _check_choice,
    _check_optional_aware,
    _check_parts,
    _check_sizes,
    _exponent,
    _features,
)
from ._basics import (
    _BOOLEANS,
    _COUPON_CODES,
    _CUSTOMER_ATTRIBUTES,
    _CUSTOMER_IDS,
    _DATE_OFFSETS,
    _GROUP_IDS,
    _MISSING_GIFTS,
    _MISSING_PRODUCT,
    _PRODUCT_ATTRIBUTES,
    _UNDECLARED_CATEGORIES,
    _ZONES,
    APPLICABILITIES,
    ATTRIBUTE_OPERATORS,
    CONDITION_TYPES,
    DISCOUNT_TYPES,
    QUANTITY_CONDITION_TYPES,
    Json,
    _as_mapping,
    _ints,
    _iso,
    _one_of,
    _parse_instant,
    _pick,
    _sometimes,
)
from ._extensions import _usage_fields
from ._scalars import _format_money, _max_price_minor, _money_minor, percentages
from ._vocabulary import _Shop


@dataclass(frozen=True)
class _DiscountSpace(_Shop):
    """The shop, the discount kinds asked for, and the instant dates are placed around."""

    types: tuple[str, ...]
    applicabilities: tuple[str, ...]
    at: datetime


def _space(
    exponent: int,
    features: frozenset[str],
    types: tuple[str, ...],
    applicabilities: tuple[str, ...],
    catalog: Sequence[Mapping[str, Any]],
    categories: Sequence[Mapping[str, Any]],
    at: datetime,
    max_price_minor: int,
) -> _DiscountSpace:
    """The space of a catalog: its product ids, and the categories declared or named."""
    category_ids: dict[Any, None] = {c["id"]: None for c in categories}
    for p in catalog:
        category_ids.update(dict.fromkeys(p.get("categoryIds") or ()))
    return _DiscountSpace(
        exponent=exponent,
        features=features,
        types=types,
        applicabilities=applicabilities,
        product_ids=tuple(p["id"] for p in catalog),
        category_ids=tuple(category_ids),
        at=at,
        max_price_minor=max_price_minor,
    )


def _variant(draw: DrawFn, space: _DiscountSpace) -> bool:
    """Whether to write this part in another accepted input form (``input_variants``)."""
    return "input_variants" in space.features and draw(_BOOLEANS)


def _id_ref(draw: DrawFn, space: _DiscountSpace, value: Any) -> Any:
    """An id as given: the id, or ``{id}``."""
    return {"id": value} if _variant(draw, space) else value


# ---------------------------------------------------------------------------
# conditions


@st.composite
def _attribute_test(draw: DrawFn, values: Sequence[Any]) -> Any:
    """A condition ``value``: a plain value (equality) or ``{value, condition}``."""
    expected = _pick(draw, (*values, 5, "10", "10.0", "x"))
    operator = draw(st.none() | st.sampled_from(ATTRIBUTE_OPERATORS))
    if operator is None:
        return _pick(draw, (expected, {"value": expected}))
    return {"value": expected, "condition": operator}


def _category_condition(draw: DrawFn, space: _DiscountSpace, head: Json, legacy: bool) -> Json:
    """A ``CATEGORY``/``CATEGORY_IN_CART`` condition, nested or not, per id or for all."""
    pool = space.category_ids or _UNDECLARED_CATEGORIES
    ids = draw(st.lists(_one_of(tuple(pool)), unique=True, min_size=1, max_size=2))
    nested = draw(_BOOLEANS)
    if legacy:
        return head | {"value": ids, "isNested": nested}
    refs: list[Any] = []
    for i in ids:
        if draw(_BOOLEANS):
            refs.append({"id": i, "isNested": draw(_BOOLEANS)})
        else:
            refs.append(_id_ref(draw, space, i))
    return {**head, "entityIds": refs} | ({"isNested": nested} if draw(_BOOLEANS) else {})


_UNCOUNTED_CONDITION_TYPES = tuple(t for t in CONDITION_TYPES if t not in QUANTITY_CONDITION_TYPES)


def _quantity_condition(draw: DrawFn, space: _DiscountSpace, head: Json, kind: str) -> Json:
    """A condition counting units, ``{"quantity": N}`` with N near the quantities of carts."""
    value = {"quantity": draw(_ints(1, 6))}
    if kind == "PRODUCT_QUANTITY_IN_CART":
        ids = draw(st.lists(_one_of(space.product_ids), unique=True, min_size=1, max_size=3))
        return head | {"entityIds": [_id_ref(draw, space, i) for i in ids], "value": value}
    if kind == "CATEGORY_QUANTITY_IN_CART":
        return _category_condition(draw, space, head, False) | {"value": value}
    return head | {"value": value}


@st.composite
def _condition(draw: DrawFn, space: _DiscountSpace) -> Json:
    """One condition of any type, in the current or the older ``{type, value}`` form."""
    counted = "quantity" in space.features
    kind = _pick(draw, CONDITION_TYPES if counted else _UNCOUNTED_CONDITION_TYPES)
    legacy = _variant(draw, space)
    head: Json = {"type": kind} if legacy else {"conditionType": kind}
    if kind in QUANTITY_CONDITION_TYPES:
        return _quantity_condition(draw, space, head, kind)
    if kind in ("PRODUCT", "PRODUCT_IN_CART"):
        pool = space.product_ids + ((_MISSING_PRODUCT,) if "unavailable" in space.features else ())
        ids = draw(st.lists(_one_of(tuple(pool)), unique=True, min_size=1, max_size=3))
        if legacy:
            return head | {"value": ids if len(ids) > 1 else _pick(draw, (ids, ids[0]))}
        return head | {"entityIds": [_id_ref(draw, space, i) for i in ids]}
    if kind in ("CATEGORY", "CATEGORY_IN_CART"):
        return _category_condition(draw, space, head, legacy)
    if kind in ("MIN_CART_AMOUNT", "USER_LTV"):
        limit = space.max_price_minor * 4
        amount = draw(_money_minor(0, limit, space.exponent))
        return head | ({"value": amount} if legacy else {"value": {"amount": amount}})
    pool_attributes = _PRODUCT_ATTRIBUTES if kind == "ATTRIBUTE" else _CUSTOMER_ATTRIBUTES
    names = draw(st.lists(_one_of(tuple(pool_attributes)), unique=True, min_size=1, max_size=2))
    values = [v for n in names for v in pool_attributes[n]]
    return {
        "conditionType": kind,
        "entityIds": [{"id": n} for n in names],
        "value": draw(_attribute_test(values)),
    }


# ---------------------------------------------------------------------------
# the parts of one discount, each drawn in turn


def _head(draw: DrawFn, space: _DiscountSpace, did: int) -> Json:
    """Id, identifier, type (mostly plain ``DISCOUNT``), position and title."""
    f = space.features
    # Mostly plain discounts: every gate that fails hides the arithmetic behind it.
    types = ["DISCOUNT"] * 4
    if "audience" in f:
        types.append("PERSONAL_DISCOUNT")
    if "bonus" in f:
        types.append("BONUS")
    return {
        "id": did,
        "identifier": draw(
            st.sampled_from((f"d{did}", None)) if "input_variants" in f else st.just(f"d{did}")
        ),
        "type": _pick(draw, tuple(types)),
        "position": draw(st.none() | st.integers(1, 4)),
        "localizeInfos": {"title": f"Discount {did}"},
    }


def _value(draw: DrawFn, space: _DiscountSpace, kind: str) -> Json:
    """``discountValue``: the amount for ``kind``, ``maxAmount``, type and applicability."""
    applicability: str | None = _pick(draw, space.applicabilities)
    if applicability == "TO_ORDER" and _variant(draw, space):
        applicability = None
    if "shipping" in space.features and _sometimes(draw):
        applicability = "TO_SHIPPING"
    # Shipping costs up to a quarter of the top price: so do fixed shipping discounts.
    most = space.max_price_minor // 4 if applicability == "TO_SHIPPING" else space.max_price_minor
    value = _amount(draw, space, kind, most)
    max_amount = None
    if "max_amount" in space.features and draw(_BOOLEANS):
        max_amount = draw(_money_minor(0, most * 2, space.exponent))
    type_name = "PERCENT" if kind == "PERCENTAGE" and _variant(draw, space) else kind
    return {
        "value": value,
        "maxAmount": max_amount,
        "discountType": type_name,
        "applicability": applicability,
    }


def _amount(draw: DrawFn, space: _DiscountSpace, kind: str, most: int | None = None) -> Any:
    """A ``value`` for ``kind``: a percentage, money (up to ``most`` minor units, else the
    top price), or 0 (``NONE``)."""
    if kind == "PERCENTAGE":
        return draw(percentages())
    if kind in ("FIXED_AMOUNT", "FIXED_PRICE"):
        top = space.max_price_minor if most is None else most
        return draw(_money_minor(0, top, space.exponent))
    return 0


def _tiers(draw: DrawFn, space: _DiscountSpace, value: Json, kind: str) -> None:
    """``tiers`` by quantity or by amount, thresholds increasing; ``value`` null or left out."""
    if draw(_BOOLEANS):
        limit = space.max_price_minor * 4
        minors = draw(st.lists(_ints(0, limit), min_size=1, max_size=3, unique=True))
        thresholds = [("minAmount", _format_money(m, space.exponent, True)) for m in sorted(minors)]
    else:
        units = draw(st.lists(_ints(1, 8), min_size=1, max_size=3, unique=True))
        thresholds = [("minQuantity", n) for n in sorted(units)]
    value["tiers"] = [{key: at, "value": _amount(draw, space, kind)} for key, at in thresholds]
    if draw(_BOOLEANS):
        del value["value"]
    else:
        value["value"] = None


@st.composite
def _buy_get(draw: DrawFn, space: _DiscountSpace) -> Json:
    """``buyGet``: small X and Y, sometimes ``buyConditions`` and ``maxSets``."""
    buy_get: Json = {"buyQuantity": draw(_ints(1, 3)), "getQuantity": draw(_ints(1, 2))}
    if "conditions" in space.features and draw(_BOOLEANS):
        buy_get["buyConditions"] = draw(st.lists(_condition(space), min_size=1, max_size=2))
        if draw(_BOOLEANS):
            buy_get["buyConditionLogic"] = _pick(draw, ("AND", "OR"))
    if draw(_BOOLEANS):
        buy_get["maxSets"] = draw(st.none() | _ints(1, 3))
    return buy_get


def _quantity_fields(draw: DrawFn, space: _DiscountSpace, discount: Json, kind: str) -> None:
    """At most one of ``tiers``, ``buyGet``, ``maxQuantity`` (with its scope and order) and
    ``per``, in the combinations the engine accepts (units only ``TO_PRODUCT``)."""
    value = discount.get("discountValue")
    if value is None or discount["type"] == "BONUS" or not _sometimes(draw, 2):
        return
    to_product = value["applicability"] == "TO_PRODUCT"
    choice = _pick(draw, ("tiers", "buyGet", "maxQuantity", "per") if to_product else ("tiers",))
    if choice == "tiers":
        _tiers(draw, space, value, kind)
    elif choice == "buyGet":
        value["buyGet"] = draw(_buy_get(space))
    elif choice == "maxQuantity":
        value["maxQuantity"] = draw(_ints(1, 4))
        if draw(_BOOLEANS):
            value["quantityScope"] = _pick(draw, ("LINE", "ORDER"))
        if draw(_BOOLEANS):
            value["unitOrder"] = _pick(draw, ("CHEAPEST_FIRST", "MOST_EXPENSIVE_FIRST"))
        if _sometimes(draw):
            value["per"] = "UNIT"
    else:
        value["per"] = _pick(draw, ("LINE", "UNIT"))


def _dates(draw: DrawFn, space: _DiscountSpace, discount: Json) -> None:
    """``startDate``/``endDate`` around the instant, mostly inside the window."""
    for key, sign in (("startDate", -1), ("endDate", 1)):
        if _sometimes(draw, 3):
            offset = draw(
                st.sampled_from(_DATE_OFFSETS)
                | st.integers(-(10**6), 10**6).map(lambda s: timedelta(seconds=s))
            )
            if _pick(draw, (True, True, False)):
                offset = sign * abs(offset)  # mostly inside the window
            discount[key] = _iso(space.at + offset, _pick(draw, _ZONES))
    start, end = discount.get("startDate"), discount.get("endDate")
    start, end = _parse_instant(start), _parse_instant(end)
    if start is not None and end is not None and end <= start:
        del discount["endDate"]  # an end not after the start is refused


def _conditions_and_exclusions(draw: DrawFn, space: _DiscountSpace, discount: Json) -> None:
    """Conditions with their logic, and exclusions of products and categories."""
    f = space.features
    if "conditions" in f and draw(_BOOLEANS):
        discount["conditions"] = draw(
            st.lists(_condition(space), min_size=1, max_size=_pick(draw, (1, 1, 3)))
        )
        logic = _pick(draw, (None, "AND", "OR", "OR"))
        if logic is not None:
            discount["conditionLogic"] = logic
    if "exclusions" in f and _sometimes(draw, 3):
        pool = space.product_ids + space.category_ids
        discount["exclusions"] = [
            {"id": i, "isNested": draw(_BOOLEANS)}
            for i in draw(st.lists(_one_of(tuple(pool)), unique=True, max_size=2))
        ]


def _audience(draw: DrawFn, space: _DiscountSpace, discount: Json) -> None:
    """``userGroups`` and ``userExclusions``, from the groups and ids customers have."""
    if _sometimes(draw):
        groups = draw(st.lists(_one_of(tuple(_GROUP_IDS)), unique=True, max_size=2))
        discount["userGroups"] = [_id_ref(draw, space, g) for g in groups]
    if _sometimes(draw):
        users = draw(st.lists(_one_of(tuple(_CUSTOMER_IDS)), unique=True, max_size=2))
        discount["userExclusions"] = [_id_ref(draw, space, u) for u in users]


def _gifts(draw: DrawFn, space: _DiscountSpace, discount: Json) -> None:
    """Gift products (some missing from the catalog), and whether they replace items."""
    pool = space.product_ids + (_MISSING_GIFTS if "unavailable" in space.features else ())
    gifts: list[Any] = []
    for pid in draw(st.lists(_one_of(tuple(pool)), min_size=1, max_size=3)):
        if draw(_BOOLEANS):
            gifts.append({"productId": pid, "quantity": draw(_ints(1, 3))})
        else:
            gifts.append(pid)
    discount["gifts"] = gifts
    discount["giftsReplaceCartItems"] = draw(_BOOLEANS)


def _coupons(draw: DrawFn) -> list[Any]:
    """Coupon codes, as strings or ``{code, isUsed, isReusable}`` objects."""
    codes = draw(st.lists(_one_of(tuple(_COUPON_CODES)), unique=True, min_size=1, max_size=2))
    coupons: list[Any] = []
    for code in codes:
        if draw(_BOOLEANS):
            coupons.append(
                {"code": code, "isUsed": _sometimes(draw), "isReusable": draw(_BOOLEANS)}
            )
        else:
            coupons.append(code)
    return coupons


@st.composite
def _discount(draw: DrawFn, space: _DiscountSpace, did: int) -> Json:
    """One discount with id ``did``: its parts in a fixed order, each as the features allow."""
    f = space.features
    discount = _head(draw, space, did)
    kind = _pick(draw, space.types)
    if kind == "NONE" and _variant(draw, space):
        pass  # no discountValue at all: a gift-only TO_ORDER discount (decision)
    else:
        discount["discountValue"] = _value(draw, space, kind)
    if "quantity" in f:
        _quantity_fields(draw, space, discount, kind)
    if "dates" in f:
        _dates(draw, space, discount)
    _conditions_and_exclusions(draw, space, discount)
    if "audience" in f:
        _audience(draw, space, discount)
    if "gifts" in f and _sometimes(draw, 3):
        _gifts(draw, space, discount)
    if "coupons" in f and _sometimes(draw):
        discount["coupons"] = _coupons(draw)
    if "markers" in f and _sometimes(draw):
        discount["activation"] = _pick(draw, ("ON_REQUEST", "ON_REQUEST", "AUTOMATIC"))
    if "usage" in f and _sometimes(draw, 3):
        _usage_fields(draw, space.exponent, space.max_price_minor, discount)
    return discount


@st.composite
def _discount_list(draw: DrawFn, space: _DiscountSpace, min_size: int, max_size: int) -> list[Json]:
    """Discounts with unique ids (rarely none at all)."""
    if min_size == 0 and max_size > 0 and not _sometimes(draw, 10):
        min_size = 1  # no discounts at all is an edge case, not the usual one
    # Ids 1-30 (more discounts: as many as asked for), never the usage key of an unknown one.
    ids = draw(
        st.lists(_ints(1, max(30, max_size)), unique=True, min_size=min_size, max_size=max_size)
    )
    return [draw(_discount(space, did)) for did in ids]


def discounts(
    currency: str,
    *,
    catalog: Sequence[Mapping[str, Any]],
    categories: Sequence[Mapping[str, Any]] = (),
    at: datetime | None = None,
    min_size: int = 0,
    max_size: int = 5,
    features: Collection[str] | None = None,
    discount_types: Collection[str] = DISCOUNT_TYPES,
    applicabilities: Collection[str] = APPLICABILITIES,
    max_price: Decimal | int | str = 200,
) -> SearchStrategy[list[Json]]:
    """Lists of OneEntry discount objects about ``catalog`` (unique ids, every kind).

    Dates are placed around ``at`` (exactly on it too), so pass the instant the
    scenario is previewed at.
    """
    exponent = _exponent(currency)
    _check_sizes(("min_size", "max_size"), min_size, max_size, 0, MAX_DISCOUNTS)
    _check_parts("catalog", catalog)
    _check_parts("categories", categories)
    space = _space(
        exponent,
        _features(features),
        _check_choice("discount_types", discount_types, DISCOUNT_TYPES),
        _check_choice("applicabilities", applicabilities, APPLICABILITIES),
        [_as_mapping(p) for p in catalog],
        [_as_mapping(c) for c in categories],
        _check_optional_aware("at", at) or datetime(2026, 11, 22, 12, tzinfo=UTC),
        _max_price_minor(max_price, exponent),
    )
    if not space.product_ids:
        space = replace(space, product_ids=(_MISSING_PRODUCT,))
    return _discount_list(space, min_size, max_size)
