"""Scalars: currencies, money that fits a currency's exponent, percentages, instants.

Money is drawn in minor units and written as JSON money: a decimal string with
exactly the currency's decimals (``"12.30"``), or a whole ``int``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from ._arguments import (
    _check_aware,
    _check_percent,
    _check_places,
    _exponent,
    _max_price,
    _money_bound,
    _names,
)
from ._basics import CURRENCIES

_EPOCH_MIN: Final = datetime(2024, 1, 1, tzinfo=UTC)
_EPOCH_MAX: Final = datetime(2030, 12, 31, tzinfo=UTC)


def _to_minor(amount: Any, exponent: int) -> int:
    """``amount`` (major units) in minor units; it must fit the exponent."""
    value = Decimal(str(amount)).scaleb(exponent)
    if value != value.to_integral_value():
        raise ValueError(f"{amount!r} does not fit a currency exponent of {exponent}")
    return int(value)


def _max_price_minor(max_price: Any, exponent: int) -> int:
    """``max_price`` (see :func:`_max_price`) in minor units, down to a whole one (a bound
    of 0.01 is 0 in yen: the currency may be drawn after the bound is given)."""
    minor = Decimal(str(_max_price(max_price))).scaleb(exponent)
    return int(minor.to_integral_value(rounding=ROUND_FLOOR))


def _format_money(minor: int, exponent: int, as_number: bool) -> str | int:
    """``minor`` units as JSON money: a decimal string with the exponent, or a whole int."""
    if as_number and minor % 10**exponent == 0:
        return minor // int(10**exponent)
    return str(Decimal(minor).scaleb(-exponent))


def currencies(codes: Sequence[str] = CURRENCIES) -> SearchStrategy[str]:
    """ISO 4217 codes, by default USD, EUR (2 decimals), JPY (0) and KWD (3)."""
    given = _names("codes", codes)
    if not given:
        raise InvalidArgument("codes=() must name at least one currency")
    for code in given:
        _exponent(code, "codes")
    return st.sampled_from(given)


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
    lo = _money_bound("min_value", min_value, exponent)
    hi = _money_bound("max_value", max_value, exponent)
    if hi < lo:
        raise InvalidArgument(f"min_value={min_value!r} must not exceed max_value={max_value!r}")
    return _money_minor(lo, hi, exponent)


@lru_cache(maxsize=4096)
def _money_minor(lo: int, hi: int, exponent: int) -> SearchStrategy[str | int]:
    # Small amounts too: with them, percentages land exactly on half a minor unit
    # (and largest-remainder sharing has ties) often enough to matter.
    """Money between ``lo`` and ``hi`` minor units, as JSON money."""
    minor = st.integers(lo, hi) | st.integers(lo, min(hi, lo + 40))
    return st.builds(_format_money, minor, st.just(exponent), st.booleans())


def percentages(
    *, places: int = 3, min_value: int = 0, max_value: int = 100
) -> SearchStrategy[str | int]:
    """Percentages ``min_value``..``max_value`` with up to ``places`` decimals, as JSON values."""
    _check_places(places)
    _check_percent("min_value", min_value)
    _check_percent("max_value", max_value)
    if max_value < min_value:
        raise InvalidArgument(f"min_value={min_value!r} must not exceed max_value={max_value!r}")
    return _percentages(places, min_value, max_value)


@lru_cache(maxsize=256)
def _percentages(places: int, min_value: int, max_value: int) -> SearchStrategy[str | int]:
    """:func:`percentages` of checked arguments, built once per arguments."""
    scale = 10**places
    exact = st.integers(min_value * scale, max_value * scale).map(
        lambda n: _format_money(n, places, True)
    )
    # Round numbers and halves put n·v/100 exactly on half a minor unit often.
    nice = st.sampled_from(
        [
            p
            for p in (0, 5, 10, 15, 25, 50, 100, "12.5", "2.5", "0.5", "37.5")
            if min_value <= Decimal(p) <= max_value and Decimal(p).scaleb(places) % 1 == 0
        ]
    )
    return st.one_of(nice, exact) if min_value <= 50 <= max_value else exact


def instants(
    *, min_value: datetime = _EPOCH_MIN, max_value: datetime = _EPOCH_MAX
) -> SearchStrategy[datetime]:
    """Timezone-aware instants (whole milliseconds), for ``at`` and discount dates."""
    _check_aware("min_value", min_value)
    _check_aware("max_value", max_value)
    if max_value < min_value:
        raise InvalidArgument(f"min_value={min_value!r} must not be after max_value={max_value!r}")
    return _instants(min_value, max_value)


@lru_cache(maxsize=256)
def _instants(min_value: datetime, max_value: datetime) -> SearchStrategy[datetime]:
    """:func:`instants` between checked bounds, built once per bounds."""
    naive = st.datetimes(
        min_value=min_value.astimezone(UTC).replace(tzinfo=None),
        max_value=max_value.astimezone(UTC).replace(tzinfo=None),
    )
    return naive.map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000, tzinfo=UTC))
