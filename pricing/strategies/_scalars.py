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

from .._limits import MAX_MONEY_DIGITS, MAX_QUANTITY
from .._money import currency as _lookup_currency
from ._basics import CURRENCIES

_EPOCH_MIN: Final = datetime(2024, 1, 1, tzinfo=UTC)
_EPOCH_MAX: Final = datetime(2030, 12, 31, tzinfo=UTC)


def _exponent(code: str) -> int:
    """The minor-unit exponent of ISO 4217 ``code``; an unknown code is a ValueError."""
    try:
        return _lookup_currency(code).exponent
    except KeyError:
        raise ValueError(f"unknown ISO 4217 currency {code!r}") from None


def _to_minor(amount: Any, exponent: int) -> int:
    """``amount`` (major units) in minor units; it must fit the exponent."""
    value = Decimal(str(amount)).scaleb(exponent)
    if value != value.to_integral_value():
        raise ValueError(f"{amount!r} does not fit a currency exponent of {exponent}")
    return int(value)


MAX_PRICE = 10 ** (MAX_MONEY_DIGITS - 1)
"""The largest ``max_price`` (major units): the strategies draw amounts of up to ten
times it (a customer's ``ltv``), and every amount is at most 10^12."""


def _max_price(max_price: Any) -> Any:
    """``max_price``, refused (``InvalidArgument``) unless it is from 0 to
    :data:`MAX_PRICE`: beyond, the scenarios drawn would not be valid input."""
    try:
        within = 0 <= Decimal(str(max_price)) <= MAX_PRICE
    except ArithmeticError:  # (not a number)
        within = False
    if not within:
        raise InvalidArgument(f"max_price={max_price!r} must be from 0 to {MAX_PRICE:,}")
    return max_price


def _max_price_minor(max_price: Any, exponent: int) -> int:
    """``max_price`` (see :func:`_max_price`) in minor units, down to a whole one (a bound
    of 0.01 is 0 in yen: the currency may be drawn after the bound is given)."""
    minor = Decimal(str(_max_price(max_price))).scaleb(exponent)
    return int(minor.to_integral_value(rounding=ROUND_FLOOR))


def _max_quantity(max_quantity: int) -> int:
    """``max_quantity``, refused unless it is from 1 to the most units a line may hold."""
    if type(max_quantity) is not int or not 1 <= max_quantity <= MAX_QUANTITY:
        raise InvalidArgument(f"max_quantity={max_quantity!r} must be from 1 to {MAX_QUANTITY:,}")
    return max_quantity


def _format_money(minor: int, exponent: int, as_number: bool) -> str | int:
    """``minor`` units as JSON money: a decimal string with the exponent, or a whole int."""
    if as_number and minor % 10**exponent == 0:
        return minor // int(10**exponent)
    return str(Decimal(minor).scaleb(-exponent))


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
    """Money between ``lo`` and ``hi`` minor units, as JSON money."""
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
