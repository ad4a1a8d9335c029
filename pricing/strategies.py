"""Hypothesis strategies for pricing scenarios: property-test your own rule sets.

Install the extra (``pip install "pricing[hypothesis]"``) and import this module
explicitly; ``import pricing`` never imports Hypothesis.

Every strategy draws *JSON-shaped* values: plain ``dict``/``list``/``str``/``int``/
``bool``/``None``, money as decimal strings that fit the currency's exponent (or
integers when whole), exactly what :func:`pricing.preview` and
:class:`pricing.Engine` accept and what ``json.dumps`` can write. Generated
scenarios are valid: the engine never raises :class:`pricing.ScenarioError` on
them, and with ``coupon_errors=False`` (the default) never a
:class:`pricing.CouponError` either.

The main entry point is :func:`scenarios`. Any part of a scenario can be fixed
(your catalog, your discounts, your settings) while the rest is generated; the
generated customers, carts, coupon codes, markers and instants are then drawn
from the vocabulary of the fixed parts (the codes your discounts define, the
groups and attributes they test, the dates they start and end on), so that your
rules are exercised and not just skipped::

    import pricing
    from hypothesis import given
    from pricing import strategies as ps

    @given(ps.scenarios(currency="USD", catalog=MY_CATALOG, discounts=MY_RULES))
    def test_never_more_than_half_off(scenario):
        result = pricing.preview(scenario)
        assert result.total_sum_with_discount * 2 >= result.total_raw

Knobs: sizes (``max_products``, ``max_lines``, ``max_discounts``, ``max_quantity``,
``max_price``), which discount types and applicabilities, and ``features``: a
subset of :data:`FEATURES` (default: all of them):

==================  ==============================================================
feature             what it adds
==================  ==============================================================
``conditions``      discount conditions of every type, ``AND``/``OR`` logic
``exclusions``      discount exclusions (products, categories, nested)
``dates``           ``startDate``/``endDate`` around the preview instant
``audience``        ``userGroups``, ``userExclusions``, ``PERSONAL_DISCOUNT``, guests
``coupons``         coupon codes on discounts and presented in the order
``markers``         ``ON_REQUEST`` activation and ``additionalDiscountsMarkers``
``gifts``           gifts, ``giftsReplaceCartItems``, ``allowGiftStacking``
``bonus``           bonus balance, bonus settings, ``bonusAmount``, ``BONUS`` programs
``max_amount``      ``discountValue.maxAmount``
``cap``             ``settings.maxDiscountValue``
``no_stacking``     ``allowStacking: false``
``unavailable``     unavailable catalog products, gift products missing from the catalog
``input_variants``  the other accepted input forms: ``PERCENT``, older ``{type, value}``
                    conditions, ``null`` applicability, discounts without
                    ``discountValue``, ids as strings, ``{id}`` objects, coupon
                    objects, codes typed in another case, dates without a zone
==================  ==============================================================

Signed prices and tax are not generated (not part of these strategies yet).

Importing this module with Hypothesis installed also makes ``st.from_type`` work
for the public models (:class:`pricing.Scenario`, :class:`pricing.Discount`, ...):
the package registers a ``hypothesis`` entry point that calls
:func:`_hypothesis_setup_hook`.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, Final, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from ._money import currency as _lookup_currency

__all__ = [
    "APPLICABILITIES",
    "CONDITION_TYPES",
    "CURRENCIES",
    "DISCOUNT_TYPES",
    "FEATURES",
    "catalogs",
    "categories",
    "currencies",
    "customers",
    "discount_settings",
    "discounts",
    "instants",
    "money",
    "orders",
    "percentages",
    "scenarios",
]

Json = dict[str, Any]
T = TypeVar("T")

CURRENCIES: Final[tuple[str, ...]] = ("USD", "EUR", "JPY", "KWD")
"""Currencies drawn by default: exponents 2, 2, 0 and 3."""
DISCOUNT_TYPES: Final[tuple[str, ...]] = ("PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE", "NONE")
APPLICABILITIES: Final[tuple[str, ...]] = ("TO_PRODUCT", "TO_ORDER")
CONDITION_TYPES: Final[tuple[str, ...]] = (
    "PRODUCT",
    "CATEGORY",
    "ATTRIBUTE",
    "PRODUCT_IN_CART",
    "CATEGORY_IN_CART",
    "MIN_CART_AMOUNT",
    "USER_LTV",
    "USER_ATTRIBUTE",
)
ATTRIBUTE_OPERATORS: Final[tuple[str, ...]] = (
    "eq",
    "neq",
    "gt",
    "gte",
    "lt",
    "lte",
    "lke",
    "exs",
    "nex",
)
FEATURES: Final[frozenset[str]] = frozenset(
    {
        "conditions",
        "exclusions",
        "dates",
        "audience",
        "coupons",
        "markers",
        "gifts",
        "bonus",
        "max_amount",
        "cap",
        "no_stacking",
        "unavailable",
        "input_variants",
    }
)

# Vocabularies. Values are chosen so that the attribute operators have something
# to do: numbers, numeric strings, words differing only in case, booleans.
_PRODUCT_ATTRIBUTES: Final[Mapping[str, tuple[Any, ...]]] = {
    "brand": ("acme", "Acme", "globex", "initech"),
    "tag": ("summer", "winter", "Summer sale"),
    "size": ("1", "2", "10", "2.5", "2.50", "L"),
    "weight": (0, 1, 5, 10, 20),
    "organic": (True, False),
}
_CUSTOMER_ATTRIBUTES: Final[Mapping[str, tuple[Any, ...]]] = {
    "tier": ("gold", "Gold", "silver", "bronze"),
    "age": (17, 18, 30, 65),
    "score": ("7", "7.5", "10", "n/a"),
    "vip": (True, False),
}
_COUPON_CODES: Final[tuple[str, ...]] = ("SAVE10", "WELCOME", "VIP", "BlackFriday")
_UNKNOWN_CODES: Final[tuple[str, ...]] = ("NOPE", "SAVE11")
_UNKNOWN_MARKERS: Final[tuple[str, ...]] = ("no-such-marker", "promo-x")
_GROUP_IDS: Final[tuple[int, ...]] = (1, 2, 3, 4, 5)
_CUSTOMER_IDS: Final[tuple[int, ...]] = (1, 2, 3, 4, 5, 6, 7, 8)
_UNDECLARED_CATEGORIES: Final[tuple[int, ...]] = (91, 92)
_MISSING_PRODUCT: Final = 999
_MISSING_GIFTS: Final[tuple[int, ...]] = (999, 998, 1000)
_EPOCH_MIN: Final = datetime(2024, 1, 1, tzinfo=UTC)
_EPOCH_MAX: Final = datetime(2030, 12, 31, tzinfo=UTC)
_DATE_OFFSETS: Final[tuple[timedelta, ...]] = (
    timedelta(0),
    timedelta(seconds=1),
    timedelta(seconds=-1),
    timedelta(milliseconds=1),
    timedelta(milliseconds=-1),
    timedelta(days=1),
    timedelta(days=-1),
    timedelta(days=400),
    timedelta(days=-400),
)
_ZONES: Final[tuple[timezone, ...]] = (
    UTC,
    timezone(timedelta(hours=2)),
    timezone(timedelta(hours=-5)),
    timezone(timedelta(hours=5, minutes=30)),
)


# ---------------------------------------------------------------------------
# small helpers


# Strategies are immutable: the small ones drawn over and over are built once
# (validating a fresh strategy on every draw is most of the cost otherwise).
_BOOLEANS: Final = st.booleans()


@lru_cache(maxsize=4096)
def _ints(lo: int, hi: int) -> SearchStrategy[int]:
    return st.integers(lo, hi)


@lru_cache(maxsize=4096)
def _one_of(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    return st.sampled_from(values)


def _pick(draw: DrawFn, values: Sequence[T]) -> T:
    """One of ``values`` (shrinks towards the first)."""
    return values[draw(_ints(0, len(values) - 1))]


def _exponent(code: str) -> int:
    try:
        return _lookup_currency(code).exponent
    except KeyError:
        raise ValueError(f"unknown ISO 4217 currency {code!r}") from None


def _fixed_or(value: T | SearchStrategy[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """A strategy for ``value``: itself if a strategy, a fresh copy each draw if fixed."""
    if value is None:
        return default
    if isinstance(value, SearchStrategy):
        return value
    fixed = value
    return st.builds(lambda: copy.deepcopy(fixed))


def _features(features: Collection[str] | None) -> frozenset[str]:
    chosen = FEATURES if features is None else frozenset(features)
    unknown = chosen - FEATURES
    if unknown:
        raise ValueError(f"unknown features {sorted(unknown)}; known: {sorted(FEATURES)}")
    return chosen


def _check_choice(name: str, chosen: Collection[str], allowed: Sequence[str]) -> tuple[str, ...]:
    values = tuple(chosen)
    if not values or any(v not in allowed for v in values):
        raise ValueError(f"{name} must be a non-empty subset of {allowed}, got {values}")
    return values


def _to_minor(amount: Any, exponent: int) -> int:
    value = Decimal(str(amount)).scaleb(exponent)
    if value != value.to_integral_value():
        raise ValueError(f"{amount!r} does not fit a currency exponent of {exponent}")
    return int(value)


def _format_money(minor: int, exponent: int, as_number: bool) -> str | int:
    """``minor`` units as JSON money: a decimal string with the exponent, or a whole int."""
    if as_number and minor % 10**exponent == 0:
        return minor // int(10**exponent)
    return str(Decimal(minor).scaleb(-exponent))


def _iso(moment: datetime, zone: timezone | None) -> str:
    """``moment`` as ISO 8601; ``zone=None`` writes the UTC wall time without a zone."""
    if zone is None:
        text = moment.astimezone(UTC).replace(tzinfo=None).isoformat()
    else:
        text = moment.astimezone(zone).isoformat()
        if text.endswith("+00:00"):
            text = text[:-6] + "Z"
    return text


def _parse_instant(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _get(obj: Mapping[str, Any], camel: str, snake: str | None = None) -> Any:
    """A field of a JSON-shaped object given either in camelCase or snake_case."""
    if camel in obj:
        return obj[camel]
    return obj.get(snake) if snake is not None else None


def _as_mapping(obj: Any) -> Mapping[str, Any]:
    if isinstance(obj, Mapping):
        return obj
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        result = dump(by_alias=True, exclude_unset=True)
        if isinstance(result, Mapping):
            return result
    raise TypeError(f"expected a JSON object, got {type(obj).__name__}")


def _id_order(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int) and not isinstance(value, bool) else (1, str(value))


def _priority(discount: Mapping[str, Any]) -> tuple[int, int, tuple[int, Any]]:
    position = discount.get("position")
    return (1 if position is None else 0, position or 0, _id_order(discount.get("id")))


def _normalise(code: str) -> str:
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


# ---------------------------------------------------------------------------
# scalars


def currencies(codes: Sequence[str] = CURRENCIES) -> SearchStrategy[str]:
    """ISO 4217 codes, by default USD, EUR (2 decimals), JPY (0) and KWD (3)."""
    for code in codes:
        _exponent(code)
    return st.sampled_from(tuple(codes))


def money(
    currency: str,
    *,
    min_value: Decimal | int | str = 0,
    max_value: Decimal | int | str = 1000,
) -> SearchStrategy[str | int]:
    """Money amounts that fit ``currency``'s exponent, as JSON values.

    A decimal string with exactly the currency's decimals (``"12.30"``), or an
    ``int`` for some whole amounts. Bounds are in major units.
    """
    exponent = _exponent(currency)
    lo, hi = _to_minor(min_value, exponent), _to_minor(max_value, exponent)
    if lo < 0 or hi < lo:
        raise ValueError("money needs 0 <= min_value <= max_value")
    return _money_minor(lo, hi, exponent)


@lru_cache(maxsize=4096)
def _money_minor(lo: int, hi: int, exponent: int) -> SearchStrategy[str | int]:
    # Small amounts too: with them, percentages land exactly on half a minor unit
    # (and largest-remainder sharing has ties) often enough to matter.
    minor = st.integers(lo, hi) | st.integers(lo, min(hi, lo + 40))
    return st.builds(_format_money, minor, st.just(exponent), st.booleans())


def percentages(
    *, places: int = 3, min_value: int = 0, max_value: int = 100
) -> SearchStrategy[str | int]:
    """Percentages ``min_value``..``max_value`` with up to ``places`` decimals, as JSON values."""
    scale = 10**places
    exact = st.integers(min_value * scale, max_value * scale).map(
        lambda n: _format_money(n, places, True)
    )
    # Round numbers and halves put n·v/100 exactly on half a minor unit often.
    nice = st.sampled_from(
        [
            p
            for p in (0, 5, 10, 15, 25, 50, 100, "12.5", "2.5", "0.5", "37.5")
            if min_value <= Decimal(p) <= max_value
        ]
    )
    return st.one_of(nice, exact) if min_value <= 50 <= max_value else exact


def instants(
    *, min_value: datetime = _EPOCH_MIN, max_value: datetime = _EPOCH_MAX
) -> SearchStrategy[datetime]:
    """Timezone-aware instants (whole milliseconds), for ``at`` and discount dates."""
    naive = st.datetimes(
        min_value=min_value.astimezone(UTC).replace(tzinfo=None),
        max_value=max_value.astimezone(UTC).replace(tzinfo=None),
    )
    return naive.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=UTC))


# ---------------------------------------------------------------------------
# categories and catalogs


@st.composite
def _category_tree(draw: DrawFn, max_size: int) -> list[Json]:
    ids = draw(st.lists(_ints(1, 40), unique=True, max_size=max_size))
    result: list[Json] = []
    for i, cid in enumerate(ids):
        parent = draw(st.none() | st.sampled_from(ids[:i])) if i else None
        result.append({"id": cid, "parentId": parent})
    return result


def categories(*, max_size: int = 4) -> SearchStrategy[list[Json]]:
    """A category forest: ``[{id, parentId}]``, every parent declared before its children."""
    return _category_tree(max_size)


@st.composite
def _product(
    draw: DrawFn,
    pid: int,
    exponent: int,
    category_ids: Sequence[Any],
    max_price_minor: int,
    available: bool | None,
) -> Json:
    attributes = {
        name: _pick(draw, values)
        for name, values in _PRODUCT_ATTRIBUTES.items()
        if not _sometimes(draw)
    }
    cats = (
        draw(st.lists(_one_of(tuple(category_ids)), unique=True, max_size=2))
        if category_ids
        else []
    )
    product: Json = {
        "id": pid,
        "title": _pick(draw, (f"Product {pid}", None)),
        "sku": _pick(draw, (None, f"SKU-{pid}")),
        "price": draw(_money_minor(0, max_price_minor, exponent)),
        "categoryIds": cats,
        "attributes": attributes,
    }
    if available is None:
        available = draw(_BOOLEANS)
    if not available or draw(_BOOLEANS):
        product["available"] = available
    return product


@st.composite
def _catalog(
    draw: DrawFn,
    currency: str,
    cats: list[Json],
    min_size: int,
    max_size: int,
    max_price: Decimal | int | str,
    unavailable: bool,
) -> list[Json]:
    exponent = _exponent(currency)
    declared = [c["id"] for c in cats]
    category_ids = declared + ([] if draw(_BOOLEANS) else list(_UNDECLARED_CATEGORIES))
    ids = draw(st.lists(_ints(1, 60), unique=True, min_size=max(min_size, 1), max_size=max_size))
    max_minor = _to_minor(max_price, exponent)
    return [
        draw(
            _product(
                pid, exponent, category_ids, max_minor, True if i == 0 or not unavailable else None
            )
        )
        for i, pid in enumerate(ids)
    ]


def catalogs(
    currency: str,
    *,
    categories: list[Json] | SearchStrategy[list[Json]] | None = None,
    min_size: int = 1,
    max_size: int = 6,
    max_price: Decimal | int | str = 200,
    unavailable: bool = True,
) -> SearchStrategy[list[Json]]:
    """Catalogs (``[{id, title, sku, price, categoryIds, attributes, available}]``).

    At least one product is available. Products name categories of ``categories``
    (drawn when not given) and sometimes undeclared ones (roots, by decision).
    """
    cats = _fixed_or(categories, _category_tree(4))
    return cats.flatmap(lambda c: _catalog(currency, c, min_size, max_size, max_price, unavailable))


# ---------------------------------------------------------------------------
# vocabulary: what a rule set talks about, so that customers and carts hit it


@dataclass(frozen=True)
class _Vocabulary:
    exponent: int
    features: frozenset[str]
    product_ids: tuple[Any, ...]
    available_ids: tuple[Any, ...]
    category_ids: tuple[Any, ...]
    group_ids: tuple[Any, ...]
    rule_groups: tuple[Any, ...]
    """The groups some discount is for (``userGroups``)."""
    customer_ids: tuple[Any, ...]
    customer_attributes: Mapping[str, tuple[Any, ...]]
    thresholds: tuple[int, ...]
    """Money amounts (minor units) the rules compare with: LTV and cart minimums."""
    codes: tuple[str, ...]
    good_codes: tuple[str, ...]
    """Codes whose first owner (priority order) neither is used up nor outside its dates."""
    identifiers: tuple[str, ...]
    instants: tuple[datetime, ...]
    max_price_minor: int


def _ref_id(ref: Any) -> Any:
    if isinstance(ref, Mapping):
        return ref.get("id")
    return getattr(ref, "id", ref)


def _vocabulary(
    exponent: int,
    features: frozenset[str],
    catalog: Sequence[Any],
    cats: Sequence[Any],
    rules: Sequence[Any],
    at: datetime | None,
    max_price_minor: int,
) -> _Vocabulary:
    products = [_as_mapping(p) for p in catalog]
    discounts = [_as_mapping(d) for d in rules]
    category_ids: dict[Any, None] = {_as_mapping(c)["id"]: None for c in cats}
    for p in products:
        for c in _get(p, "categoryIds", "category_ids") or ():
            category_ids[c] = None
    groups: dict[Any, None] = dict.fromkeys(_GROUP_IDS)
    rule_groups: dict[Any, None] = {}
    customer_ids: dict[Any, None] = dict.fromkeys(_CUSTOMER_IDS)
    attributes: dict[str, dict[Any, None]] = {
        k: dict.fromkeys(v) for k, v in _CUSTOMER_ATTRIBUTES.items()
    }
    thresholds: dict[int, None] = {}
    codes: dict[str, None] = {}
    identifiers: dict[str, None] = {}
    moments: dict[datetime, None] = {}
    for d in discounts:
        for g in _get(d, "userGroups", "user_groups") or ():
            groups[_ref_id(g)] = None
            rule_groups[_ref_id(g)] = None
        for u in _get(d, "userExclusions", "user_exclusions") or ():
            customer_ids[_ref_id(u)] = None
        for code, _ in _codes(d):
            codes[code] = None
        if d.get("identifier") is not None:
            identifiers[str(d["identifier"])] = None
        for key, snake in (("startDate", "start_date"), ("endDate", "end_date")):
            moment = _parse_instant(_get(d, key, snake))
            if moment is not None:
                moments[moment] = None
        for cond in d.get("conditions") or ():
            c = _as_mapping(cond)
            kind = _get(c, "conditionType", "condition_type") or c.get("type")
            value = c.get("value")
            if kind in ("USER_LTV", "MIN_CART_AMOUNT"):
                amount = (
                    value.get("amount", value.get("value")) if isinstance(value, Mapping) else value
                )
                with contextlib.suppress(ValueError, ArithmeticError):
                    thresholds[_to_minor(amount, exponent)] = None
            elif kind == "USER_ATTRIBUTE":
                expected = value.get("value") if isinstance(value, Mapping) else value
                for ref in _get(c, "entityIds", "entity_ids") or ():
                    name = str(_ref_id(ref))
                    attributes.setdefault(name, {})
                    if expected is not None and not isinstance(expected, Mapping | list):
                        attributes[name][expected] = None
    if at is not None:
        moments[at] = None

    # Coupon codes that are safe to present: the first owner in priority order
    # has the code usable and is inside its dates (else the engine raises
    # CouponError, which ``coupon_errors=True`` asks for).
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
    available = [p["id"] for p in products if p.get("available", True) is not False]
    return _Vocabulary(
        exponent=exponent,
        features=features,
        product_ids=tuple(p["id"] for p in products),
        available_ids=tuple(available),
        category_ids=tuple(category_ids),
        group_ids=tuple(groups),
        rule_groups=tuple(rule_groups),
        customer_ids=tuple(customer_ids),
        customer_attributes={k: tuple(v) for k, v in attributes.items()},
        thresholds=tuple(thresholds),
        codes=tuple(codes),
        good_codes=tuple(good),
        identifiers=tuple(identifiers),
        instants=tuple(moments),
        max_price_minor=max_price_minor,
    )


# ---------------------------------------------------------------------------
# discounts


@dataclass(frozen=True)
class _DiscountSpace:
    exponent: int
    features: frozenset[str]
    types: tuple[str, ...]
    applicabilities: tuple[str, ...]
    product_ids: tuple[Any, ...]
    category_ids: tuple[Any, ...]
    at: datetime
    max_price_minor: int


def _sometimes(draw: DrawFn, odds: int = 4) -> bool:
    """True about once in ``odds`` draws; shrinks to False."""
    return _pick(draw, (False,) * (odds - 1) + (True,))


def _variant(draw: DrawFn, space: _DiscountSpace) -> bool:
    return "input_variants" in space.features and draw(_BOOLEANS)


def _id_ref(draw: DrawFn, space: _DiscountSpace, value: Any) -> Any:
    """An id as given: the id, its string form, or ``{id}``."""
    if not _variant(draw, space):
        return value
    return _pick(draw, (str(value), {"id": value}))


@st.composite
def _attribute_test(draw: DrawFn, values: Sequence[Any]) -> Any:
    """A condition ``value``: a plain value (equality) or ``{value, condition}``."""
    expected = _pick(draw, (*values, 5, "10", "10.0", "x"))
    operator = draw(st.none() | st.sampled_from(ATTRIBUTE_OPERATORS))
    if operator is None:
        return _pick(draw, (expected, {"value": expected}))
    return {"value": expected, "condition": operator}


@st.composite
def _condition(draw: DrawFn, space: _DiscountSpace) -> Json:
    kind = _pick(draw, CONDITION_TYPES)
    legacy = _variant(draw, space)
    head: Json = {"type": kind} if legacy else {"conditionType": kind}
    if kind in ("PRODUCT", "PRODUCT_IN_CART"):
        pool = space.product_ids + ((_MISSING_PRODUCT,) if "unavailable" in space.features else ())
        ids = draw(st.lists(_one_of(tuple(pool)), unique=True, min_size=1, max_size=3))
        if legacy:
            return head | {"value": ids if len(ids) > 1 else _pick(draw, (ids, ids[0]))}
        return head | {"entityIds": [_id_ref(draw, space, i) for i in ids]}
    if kind in ("CATEGORY", "CATEGORY_IN_CART"):
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


@st.composite
def _discount(draw: DrawFn, space: _DiscountSpace, did: int) -> Json:
    f = space.features
    # Mostly plain discounts: every gate that fails hides the arithmetic behind it.
    types = ["DISCOUNT"] * 4
    if "audience" in f:
        types.append("PERSONAL_DISCOUNT")
    if "bonus" in f:
        types.append("BONUS")
    discount: Json = {
        "id": did,
        "identifier": draw(
            st.sampled_from((f"d{did}", None)) if "input_variants" in f else st.just(f"d{did}")
        ),
        "type": _pick(draw, tuple(types)),
        "position": draw(st.none() | st.integers(1, 4)),
        "localizeInfos": {"title": f"Discount {did}"},
    }
    kind = _pick(draw, space.types)
    if kind == "NONE" and _variant(draw, space):
        pass  # no discountValue at all: a gift-only TO_ORDER discount (decision)
    else:
        applicability: str | None = _pick(draw, space.applicabilities)
        if applicability == "TO_ORDER" and _variant(draw, space):
            applicability = None
        if kind == "PERCENTAGE":
            value: Any = draw(percentages())
        elif kind in ("FIXED_AMOUNT", "FIXED_PRICE"):
            value = draw(_money_minor(0, space.max_price_minor, space.exponent))
        else:
            value = 0
        max_amount = None
        if "max_amount" in f and draw(_BOOLEANS):
            max_amount = draw(_money_minor(0, space.max_price_minor * 2, space.exponent))
        type_name = "PERCENT" if kind == "PERCENTAGE" and _variant(draw, space) else kind
        discount["discountValue"] = {
            "value": value,
            "maxAmount": max_amount,
            "discountType": type_name,
            "applicability": applicability,
        }
    if "dates" in f:
        for key, sign in (("startDate", -1), ("endDate", 1)):
            if _sometimes(draw, 3):
                offset = draw(
                    st.sampled_from(_DATE_OFFSETS)
                    | st.integers(-(10**6), 10**6).map(lambda s: timedelta(seconds=s))
                )
                if _pick(draw, (True, True, False)):
                    offset = sign * abs(offset)  # mostly inside the window
                zone = None if _variant(draw, space) else _pick(draw, _ZONES)
                discount[key] = _iso(space.at + offset, zone)
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
    if "audience" in f:
        if _sometimes(draw):
            groups = draw(st.lists(_one_of(tuple(_GROUP_IDS)), unique=True, max_size=2))
            discount["userGroups"] = [_id_ref(draw, space, g) for g in groups]
        if _sometimes(draw):
            users = draw(st.lists(_one_of(tuple(_CUSTOMER_IDS)), unique=True, max_size=2))
            discount["userExclusions"] = [_id_ref(draw, space, u) for u in users]
    if "gifts" in f and _sometimes(draw, 3):
        pool = space.product_ids + (_MISSING_GIFTS if "unavailable" in f else ())
        gifts: list[Any] = []
        for pid in draw(st.lists(_one_of(tuple(pool)), min_size=1, max_size=3)):
            if draw(_BOOLEANS):
                gifts.append({"productId": pid, "quantity": draw(_ints(1, 3))})
            else:
                gifts.append(str(pid) if _variant(draw, space) else pid)
        discount["gifts"] = gifts
        discount["giftsReplaceCartItems"] = draw(_BOOLEANS)
    if "coupons" in f and _sometimes(draw):
        codes = draw(st.lists(_one_of(tuple(_COUPON_CODES)), unique=True, min_size=1, max_size=2))
        coupons: list[Any] = []
        for code in codes:
            if draw(_BOOLEANS):
                coupons.append(
                    {
                        "code": code,
                        "isUsed": _sometimes(draw),
                        "isReusable": draw(_BOOLEANS),
                    }
                )
            else:
                coupons.append(code)
        discount["coupons"] = coupons
    if "markers" in f and _sometimes(draw):
        discount["activation"] = _pick(draw, ("ON_REQUEST", "ON_REQUEST", "AUTOMATIC"))
    return discount


@st.composite
def _discount_list(draw: DrawFn, space: _DiscountSpace, min_size: int, max_size: int) -> list[Json]:
    if min_size == 0 and max_size > 0 and not _sometimes(draw, 10):
        min_size = 1  # no discounts at all is an edge case, not the usual one
    ids = draw(st.lists(_ints(1, 30), unique=True, min_size=min_size, max_size=max_size))
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
    product_ids = tuple(p["id"] for p in catalog)
    category_ids: dict[Any, None] = {c["id"]: None for c in categories}
    for p in catalog:
        category_ids.update(dict.fromkeys(p.get("categoryIds") or ()))
    space = _DiscountSpace(
        exponent=exponent,
        features=_features(features),
        types=_check_choice("discount_types", discount_types, DISCOUNT_TYPES),
        applicabilities=_check_choice("applicabilities", applicabilities, APPLICABILITIES),
        product_ids=product_ids or (_MISSING_PRODUCT,),
        category_ids=tuple(category_ids),
        at=at or datetime(2026, 11, 22, 12, tzinfo=UTC),
        max_price_minor=_to_minor(max_price, exponent),
    )
    return _discount_list(space, min_size, max_size)


# ---------------------------------------------------------------------------
# settings, customers, orders


@st.composite
def _settings(draw: DrawFn, exponent: int, features: frozenset[str], max_price_minor: int) -> Json:
    result: Json = {}
    if "no_stacking" in features:
        stacking = draw(_BOOLEANS)
        if not stacking or draw(_BOOLEANS):
            result["allowStacking"] = stacking
    if "cap" in features and draw(_BOOLEANS):
        result["maxDiscountValue"] = draw(percentages())
    if "gifts" in features and draw(_BOOLEANS):
        result["allowGiftStacking"] = draw(_BOOLEANS)
    if "bonus" in features:
        if draw(_BOOLEANS):
            result["maxBonusPaymentPercent"] = draw(percentages())
        if _sometimes(draw, 3):
            result["minBonusAmount"] = draw(_money_minor(0, max_price_minor, exponent))
        if _sometimes(draw, 3):
            result["minOrderAmountForBonus"] = draw(_money_minor(0, max_price_minor * 3, exponent))
    if draw(_BOOLEANS):
        result["giftRefundPolicy"] = "KEEP_GIFT"
    return result


def discount_settings(
    currency: str,
    *,
    features: Collection[str] | None = None,
    max_price: Decimal | int | str = 200,
) -> SearchStrategy[Json]:
    """OneEntry discount ``settings`` (§4); keys left out take their defaults."""
    exponent = _exponent(currency)
    return _settings(exponent, _features(features), _to_minor(max_price, exponent))


def _near(draw: DrawFn, exponent: int, thresholds: Sequence[int], limit: int) -> str | int:
    """Money, often exactly on or next to one of ``thresholds``."""
    if len(thresholds) > 0 and draw(_BOOLEANS):
        base = _pick(draw, tuple(thresholds))
        minor = max(0, base + _pick(draw, (-1, 0, 0, 1)))
        return _format_money(minor, exponent, draw(_BOOLEANS))
    return draw(_money_minor(0, limit, exponent))


@st.composite
def _customer(draw: DrawFn, vocab: _Vocabulary, guests: bool) -> Json | None:
    f = vocab.features
    if guests and "audience" in f and _sometimes(draw):
        return None
    customer: Json = {"id": _pick(draw, vocab.customer_ids)}
    if "audience" in f or draw(_BOOLEANS):
        groups = draw(st.lists(_one_of(tuple(vocab.group_ids)), unique=True, max_size=3))
        if vocab.rule_groups and not _sometimes(draw, 3):
            wanted = _pick(draw, vocab.rule_groups)
            groups += [] if wanted in groups else [wanted]
        customer["groupIds"] = groups
    attributes = {}
    for name, values in vocab.customer_attributes.items():
        if len(values) > 0 and not _sometimes(draw, 3):
            attributes[name] = _pick(draw, values)
    customer["attributes"] = attributes
    limit = vocab.max_price_minor * 10
    if not _sometimes(draw):
        customer["ltv"] = (
            None if _sometimes(draw) else _near(draw, vocab.exponent, vocab.thresholds, limit)
        )
    if "bonus" in f and not _sometimes(draw):
        customer["bonusBalance"] = (
            None
            if _sometimes(draw, 6)
            else draw(_money_minor(0, vocab.max_price_minor * 3, vocab.exponent))
        )
    return customer


@st.composite
def _order(
    draw: DrawFn,
    vocab: _Vocabulary,
    min_lines: int,
    max_lines: int,
    max_quantity: int,
    coupon_errors: bool,
) -> Json:
    f = vocab.features
    quantities = st.integers(1, min(3, max_quantity)) | st.integers(1, max_quantity)
    lines = []
    # An empty cart is an edge case, not the common one (Hypothesis favours empty lists).
    least = min_lines if min_lines > 0 or _sometimes(draw, 12) else min(1, max_lines)
    for pid in draw(
        st.lists(_one_of(tuple(vocab.available_ids)), min_size=least, max_size=max_lines)
    ):
        ref = str(pid) if "input_variants" in f and draw(_BOOLEANS) else pid
        lines.append({"productId": ref, "quantity": draw(quantities)})
    order: Json = {"products": lines}
    codes = vocab.codes if coupon_errors else vocab.good_codes
    if coupon_errors and _sometimes(draw, 6):
        codes = _UNKNOWN_CODES
    if len(codes) > 0 and not _sometimes(draw, 3):
        code = _pick(draw, codes)
        if "input_variants" in f:
            code = _pick(draw, (code, code.lower(), f" {code.upper()} "))
        order["couponCode"] = code
    elif "input_variants" in f and draw(_BOOLEANS):
        order["couponCode"] = _pick(draw, (None, "", "  "))
    if "markers" in f and draw(_BOOLEANS):
        pool = vocab.identifiers + _UNKNOWN_MARKERS
        order["additionalDiscountsMarkers"] = draw(
            st.lists(_one_of(tuple(pool)), max_size=3)
            | st.lists(_one_of(tuple(vocab.identifiers)), max_size=6)
            if vocab.identifiers
            else st.lists(_one_of(tuple(pool)), max_size=3)
        )
    if "bonus" in f and draw(_BOOLEANS):
        order["bonusAmount"] = draw(
            st.none() | _money_minor(0, vocab.max_price_minor * 3, vocab.exponent)
        )
    return order


def customers(
    currency: str,
    *,
    discounts: Sequence[Mapping[str, Any]] = (),
    guests: bool = True,
    features: Collection[str] | None = None,
    max_price: Decimal | int | str = 200,
) -> SearchStrategy[Json | None]:
    """Customers (``None`` is a guest) in the groups, ids and attributes ``discounts`` test."""
    exponent = _exponent(currency)
    vocab = _vocabulary(
        exponent, _features(features), (), (), discounts, None, _to_minor(max_price, exponent)
    )
    return _customer(vocab, guests)


def orders(
    currency: str,
    *,
    catalog: Sequence[Mapping[str, Any]],
    discounts: Sequence[Mapping[str, Any]] = (),
    at: datetime | None = None,
    min_lines: int = 1,
    max_lines: int = 5,
    max_quantity: int = 1000,
    features: Collection[str] | None = None,
    coupon_errors: bool = False,
    max_price: Decimal | int | str = 200,
) -> SearchStrategy[Json]:
    """OneEntry order bodies (``products``, ``couponCode``, markers, ``bonusAmount``).

    Lines are drawn from the available products of ``catalog`` (a product may be on
    several lines); coupon codes and markers from ``discounts``. Unless
    ``coupon_errors``, a presented code is one the engine accepts at ``at`` (without
    ``at``, only codes of discounts without dates are presented).
    """
    exponent = _exponent(currency)
    vocab = _vocabulary(
        exponent, _features(features), catalog, (), discounts, at, _to_minor(max_price, exponent)
    )
    if not vocab.available_ids:
        raise ValueError("the catalog has no available product to put in a cart")
    return _order(vocab, min_lines, max_lines, max_quantity, coupon_errors)


# ---------------------------------------------------------------------------
# whole scenarios


@st.composite
def _instant_near(draw: DrawFn, moments: Sequence[datetime]) -> datetime:
    if len(moments) > 0 and draw(_BOOLEANS):
        base = _pick(draw, tuple(moments))
        return base + _pick(draw, _DATE_OFFSETS)
    return draw(instants())


@st.composite
def _scenario(
    draw: DrawFn,
    *,
    currency: SearchStrategy[str],
    categories: SearchStrategy[list[Json]] | None,
    catalog: SearchStrategy[list[Json]] | None,
    discounts: SearchStrategy[list[Json]] | None,
    settings: SearchStrategy[Json] | None,
    customer: SearchStrategy[Json | None] | None,
    at: SearchStrategy[datetime] | None,
    features: frozenset[str],
    types: tuple[str, ...],
    applicabilities: tuple[str, ...],
    max_products: int,
    min_lines: int,
    max_lines: int,
    max_discounts: int,
    max_quantity: int,
    max_price: Decimal | int | str,
    coupon_errors: bool,
) -> Json:
    code = draw(currency)
    exponent = _exponent(code)
    max_price_minor = _to_minor(max_price, exponent)
    cats = draw(categories if categories is not None else _category_tree(4))
    products = draw(
        catalog
        if catalog is not None
        else _catalog(code, cats, 1, max_products, max_price, "unavailable" in features)
    )
    if discounts is not None:
        rules = draw(discounts)
        moments = _vocabulary(exponent, features, products, cats, rules, None, 0).instants
        moment = draw(at if at is not None else _instant_near(moments))
    else:
        moment = draw(at if at is not None else instants())
        category_ids: dict[Any, None] = {c["id"]: None for c in cats}
        for p in products:
            category_ids.update(dict.fromkeys(p.get("categoryIds") or ()))
        space = _DiscountSpace(
            exponent=exponent,
            features=features,
            types=types,
            applicabilities=applicabilities,
            product_ids=tuple(p["id"] for p in products),
            category_ids=tuple(category_ids),
            at=moment,
            max_price_minor=max_price_minor,
        )
        rules = draw(_discount_list(space, 0, max_discounts))
    vocab = _vocabulary(exponent, features, products, cats, rules, moment, max_price_minor)
    zone = _pick(draw, _ZONES) if "input_variants" in features else UTC
    return {
        "at": _iso(moment, zone),
        "currency": code,
        "categories": cats,
        "catalog": products,
        "customer": draw(customer if customer is not None else _customer(vocab, True)),
        "discounts": rules,
        "settings": draw(
            settings if settings is not None else _settings(exponent, features, max_price_minor)
        ),
        "order": draw(_order(vocab, min_lines, max_lines, max_quantity, coupon_errors)),
    }


def scenarios(
    *,
    currency: str | SearchStrategy[str] | None = None,
    categories: list[Json] | SearchStrategy[list[Json]] | None = None,
    catalog: list[Json] | SearchStrategy[list[Json]] | None = None,
    discounts: list[Json] | SearchStrategy[list[Json]] | None = None,
    settings: Json | SearchStrategy[Json] | None = None,
    customer: Json | SearchStrategy[Json | None] | None = None,
    at: datetime | SearchStrategy[datetime] | None = None,
    features: Collection[str] | None = None,
    discount_types: Collection[str] = DISCOUNT_TYPES,
    applicabilities: Collection[str] = APPLICABILITIES,
    max_products: int = 6,
    min_lines: int = 1,
    max_lines: int = 5,
    max_discounts: int = 5,
    max_quantity: int = 1000,
    max_price: Decimal | int | str = 200,
    coupon_errors: bool = False,
) -> SearchStrategy[Json]:
    """Whole scenarios (SPEC §1) as JSON-shaped dicts that :func:`pricing.preview` accepts.

    Each of ``currency``, ``categories``, ``catalog``, ``discounts``, ``settings``,
    ``customer`` and ``at`` may be fixed (a value, copied afresh for every example)
    or a strategy; what is not given is generated. When ``catalog``, ``discounts``
    or ``settings`` is fixed, give ``currency`` too (their money must fit it).
    A fixed ``customer`` of ``None`` cannot be told from "generate one": pass
    ``st.none()`` for always-guest scenarios.

    ``coupon_errors=True`` also presents unknown, used-up and out-of-date codes, for
    which the engine raises :class:`pricing.CouponError`.
    """
    if currency is None:
        if catalog is not None or discounts is not None or settings is not None:
            raise ValueError("give currency= with a fixed catalog, discounts or settings")
        currency_st: SearchStrategy[str] = currencies()
    elif isinstance(currency, str):
        _exponent(currency)
        currency_st = st.just(currency)
    else:
        currency_st = currency
    chosen = _features(features)
    return _scenario(
        currency=currency_st,
        categories=None if categories is None else _fixed_or(categories, st.nothing()),
        catalog=None if catalog is None else _fixed_or(catalog, st.nothing()),
        discounts=None if discounts is None else _fixed_or(discounts, st.nothing()),
        settings=None if settings is None else _fixed_or(settings, st.nothing()),
        customer=None if customer is None else _fixed_or(customer, st.nothing()),
        at=None if at is None else _fixed_or(at, st.nothing()),
        features=chosen,
        types=_check_choice("discount_types", discount_types, DISCOUNT_TYPES),
        applicabilities=_check_choice("applicabilities", applicabilities, APPLICABILITIES),
        max_products=max_products,
        min_lines=min_lines,
        max_lines=max_lines,
        max_discounts=max_discounts,
        max_quantity=max_quantity,
        max_price=max_price,
        coupon_errors=coupon_errors,
    )


# ---------------------------------------------------------------------------
# type strategies (the ``hypothesis`` entry point)


def _register(model: type[Any], build: Callable[[], SearchStrategy[Any]]) -> None:
    st.register_type_strategy(model, lambda _: build().map(model.model_validate))


def _product_for(code: str) -> SearchStrategy[Json]:
    exponent = _exponent(code)
    return st.integers(1, 60).flatmap(
        lambda pid: _product(pid, exponent, (1, 2), _to_minor(200, exponent), None)
    )


def _order_for(code: str) -> SearchStrategy[Json]:
    return catalogs(code, unavailable=False).flatmap(lambda c: orders(code, catalog=c))


def _discounts_for(code: str) -> SearchStrategy[Json]:
    return catalogs(code).flatmap(
        lambda c: discounts(code, catalog=c, min_size=1, max_size=1).map(lambda d: d[0])
    )


def _hypothesis_setup_hook() -> None:
    """Register ``st.from_type`` strategies for the public models.

    Called by Hypothesis through the ``hypothesis`` entry point when it is
    imported. Nothing is drawn or materialised here: every registration is a
    function that builds its strategy on first use.
    """
    from ._schema import (
        Category,
        Customer,
        Discount,
        Order,
        OrderProduct,
        Product,
        Scenario,
        Settings,
    )

    _register(Scenario, scenarios)
    _register(Category, lambda: _category_tree(4).filter(bool).map(lambda c: c[-1]))
    _register(Product, lambda: currencies().flatmap(_product_for))
    _register(Discount, lambda: currencies().flatmap(_discounts_for))
    _register(Settings, lambda: currencies().flatmap(lambda c: discount_settings(c)))
    _register(
        Customer,
        lambda: (
            currencies()
            .flatmap(lambda c: customers(c, guests=False))
            .filter(lambda c: c is not None)
        ),
    )
    _register(Order, lambda: currencies().flatmap(_order_for))
    _register(
        OrderProduct,
        lambda: st.fixed_dictionaries(
            {"productId": st.integers(1, 60), "quantity": st.integers(1, 1_000_000)}
        ),
    )
