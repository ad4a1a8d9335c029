"""What every strategy shares: the constants, the draw helpers and the JSON helpers.

The vocabularies (attributes, codes, group and customer ids, date offsets, zones)
are chosen so that the attribute operators, coupons and dates have something to do.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Final, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

Json = dict[str, Any]
T = TypeVar("T")

CURRENCIES: Final[tuple[str, ...]] = ("USD", "EUR", "JPY", "KWD")
"""Currencies drawn by default: exponents 2, 2, 0 and 3."""
DISCOUNT_TYPES: Final[tuple[str, ...]] = ("PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE", "NONE")
"""The `discountValue.discountType` values drawn by default."""
APPLICABILITIES: Final[tuple[str, ...]] = ("TO_PRODUCT", "TO_ORDER")
"""The `discountValue.applicability` values drawn by default."""
CONDITION_TYPES: Final[tuple[str, ...]] = (
    "PRODUCT",
    "CATEGORY",
    "ATTRIBUTE",
    "PRODUCT_IN_CART",
    "CATEGORY_IN_CART",
    "MIN_CART_AMOUNT",
    "USER_LTV",
    "USER_ATTRIBUTE",
    "LINE_QUANTITY",
    "CART_QUANTITY",
    "PRODUCT_QUANTITY_IN_CART",
    "CATEGORY_QUANTITY_IN_CART",
)
"""The `conditionType` values drawn (with the `conditions` feature)."""
QUANTITY_CONDITION_TYPES: Final[tuple[str, ...]] = CONDITION_TYPES[-4:]
"""The conditions that count units (drawn with the ``quantity`` feature)."""
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
        "quantity",
        "shipping",
        "usage",
        "coupon_codes",
    }
)
"""Every feature; the `features` argument of the strategies is a subset of these."""

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
    """``st.integers(lo, hi)``, built once per bounds."""
    return st.integers(lo, hi)


@lru_cache(maxsize=4096)
def _one_of(values: tuple[Any, ...]) -> SearchStrategy[Any]:
    """``st.sampled_from(values)``, built once per tuple."""
    return st.sampled_from(values)


def _pick(draw: DrawFn, values: Sequence[T]) -> T:
    """One of ``values`` (shrinks towards the first)."""
    return values[draw(_ints(0, len(values) - 1))]


def _sometimes(draw: DrawFn, odds: int = 4) -> bool:
    """True about once in ``odds`` draws; shrinks to False."""
    return _pick(draw, (False,) * (odds - 1) + (True,))


def _fixed_or(value: T | SearchStrategy[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """A strategy for ``value``: itself if a strategy, a fresh copy each draw if fixed."""
    if value is None:
        return default
    if isinstance(value, SearchStrategy):
        return value
    fixed = value
    return st.builds(lambda: copy.deepcopy(fixed))


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
    """An instant given as a datetime or ISO 8601 text; no zone is read as UTC."""
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
    """A JSON object given as a mapping or as a model (dumped by alias)."""
    if isinstance(obj, Mapping):
        return obj
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        result = dump(by_alias=True, exclude_unset=True)
        if isinstance(result, Mapping):
            return result
    raise TypeError(f"expected a JSON object, got {type(obj).__name__}")


def _to_json(value: Any) -> Any:
    """``value`` with every model in it dumped to its JSON form (by alias): a fixed part
    given as ``pricing.Product``, ``pricing.Discount``, ... becomes what a drawn one is."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    return value


def _given_part(value: Any, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """A part the caller gave (a value, copied afresh each draw, or a strategy) as a
    strategy for its JSON form; ``None``: ``default``."""
    if value is None:
        return default
    if isinstance(value, SearchStrategy):
        return value.map(_to_json)
    return _fixed_or(_to_json(value), default)
