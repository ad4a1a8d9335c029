"""Single values as the boundary reads them: money, percentages, ids, instants, display data.

Each is a pydantic annotated type with the strict reading and the bounds the input
limits set (docs/scenario.md), so that every model field of one kind reads alike.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, TypeGuard

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, StrictStr

from ._errors import quote
from ._json import ExponentDecimal
from ._limits import (
    ID_LIMIT,
    MAX_DISPLAY_DEPTH,
    MAX_MONEY_DIGITS,
    MAX_PERCENT_DECIMALS,
    MAX_QUANTITY,
    MAX_UNITS,
    beyond_money_limit,
    depth_of,
)

__all__ = [
    "PLAIN_DECIMAL",
    "Amount",
    "Count",
    "Display",
    "Id",
    "Instant",
    "Key",
    "Money",
    "Percent",
    "Quantity",
    "Units",
    "few_decimals",
    "instant",
    "is_aware",
    "money",
    "to_decimal",
]


PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
"""Text of the plain decimal form of money amounts (no exponent, no ``+``, no ``_``,
no spaces, no digits but ASCII ones); attribute values of this form compare as numbers."""
_MAX_INT_BITS = 133  # more bits than this: more than 40 digits


def to_decimal(value: Any) -> Decimal:
    """Money and percentages: a JSON number without exponent, a plain decimal string
    (``-?[0-9]+(.[0-9]+)?``), or from Python an ``int``, finite ``Decimal`` or ``float``."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, ExponentDecimal):
        raise ValueError("must be written without an exponent (150.5, not 1.505E+2)")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise ValueError("a number may have at most 40 digits")
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number (NaN and Infinity are not amounts)")
        # repr() is the shortest string that round-trips: what the caller typed.
        result = Decimal(repr(value))
    elif isinstance(value, str):
        if not PLAIN_DECIMAL.fullmatch(value):
            raise ValueError(
                f"must be a plain decimal number like 12.50 (got {quote(value)}: "
                "digits with an optional point and sign, no exponent or spaces)"
            )
        text = value
        if len(text) > 60:  # (trailing zeros of a fraction aside: "10.000…0" is 10)
            text = text.rstrip("0") if "." in text else text
            if len(text) > 60:
                raise ValueError(
                    f"has too many digits: at most 60 characters, trailing zeros aside "
                    f"(got {quote(value)})"
                )
        result = Decimal(text)
    else:
        raise ValueError(f"must be a decimal number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError("must be a finite number (NaN and Infinity are not amounts)")
    return result


def _bounded(value: Decimal) -> Decimal:
    if beyond_money_limit(value):
        raise ValueError(f"must be at most 10^{MAX_MONEY_DIGITS} in absolute value")
    return value


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return _bounded(value)


def money(value: Any) -> Decimal:
    """A non-negative bounded money amount read as :data:`Money` reads it (``ValueError``)."""
    return _non_negative(to_decimal(value))


def _percent(value: Decimal) -> Decimal:
    if not 0 <= value <= 100:
        raise ValueError("must be a percentage between 0 and 100")
    return few_decimals(value)


def few_decimals(value: Decimal) -> Decimal:
    """``value`` if it has at most :data:`MAX_PERCENT_DECIMALS` decimals, trailing zeros
    aside (counted on its digits: ``normalize()`` would underflow 1E-999999999 to 0)."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or not any(digits):
        return value
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if exponent + trailing < -MAX_PERCENT_DECIMALS:
        raise ValueError(f"a percentage may have at most {MAX_PERCENT_DECIMALS} decimals")
    return value


_FRACTION = re.compile(r"([0-9]{2}:[0-9]{2}:[0-9]{2}|T[0-9]{6})?[.,]([0-9]+)", re.ASCII)
"""A decimal fraction, and the seconds it must follow."""
_MAX_INSTANT_CHARS = 64


def instant(value: Any) -> datetime:
    """An aware instant as :data:`Instant` reads it (``ValueError``)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        if len(value) > _MAX_INSTANT_CHARS:
            raise ValueError(
                f"must be an ISO 8601 date-time of at most {_MAX_INSTANT_CHARS} characters, "
                f"got {quote(value)}"
            )
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"must be an ISO 8601 date-time with a zone offset, got {quote(value)}"
            ) from None
        for fraction in _FRACTION.finditer(value):
            # Python reads "12:00.5" as half a second past noon; ISO 8601 as 12:00:30
            if fraction.group(1) is None:
                raise ValueError(f"only seconds may have a fraction, got {quote(value)}")
            # (a datetime holds microseconds: cut, the instant would move, and a window
            # end 100 ns after its start would end where it starts)
            if fraction.group(2)[6:].strip("0"):
                raise ValueError(
                    f"a second has at most 6 decimals (microseconds), got {quote(value)}"
                )
        offset = moment.utcoffset()
        if offset is not None and (offset.seconds % 60 or offset.microseconds):
            # (Python reads "+01:00:30"; ISO 8601 has no seconds in an offset)
            raise ValueError(f"a zone offset has hours and minutes only, got {quote(value)}")
    else:
        raise ValueError(
            "must be an ISO 8601 date-time string with a zone offset "
            "(e.g. 2026-11-22T12:00:00Z), not " + type(value).__name__
        )
    if not is_aware(moment):
        raise ValueError("needs a zone offset (e.g. Z or +01:00)")
    return moment


def is_aware(at: object) -> TypeGuard[datetime]:
    """Whether ``at`` is a ``datetime`` with a zone offset: a ``tzinfo`` whose offset is
    out of range (a day or more) or no ``timedelta`` raises, and gives none."""
    if not isinstance(at, datetime) or at.tzinfo is None:
        return False
    try:
        return at.utcoffset() is not None
    except (ValueError, TypeError):
        return False


def _display_depth(value: Any) -> Any:
    if depth_of(value) > MAX_DISPLAY_DEPTH:
        raise ValueError(f"nested more than {MAX_DISPLAY_DEPTH} levels deep")
    return value


Amount = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_bounded)]
"""Any bounded decimal (sign checked where it matters)."""
Money = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_non_negative)]
"""A non-negative bounded money amount."""
Percent = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_percent)]
"""A percentage 0..100, decimals allowed (a bounded number of them)."""
Id = Annotated[StrictInt, Field(gt=-ID_LIMIT, lt=ID_LIMIT)]
"""Product, category, discount, customer and group ids: integers."""
Key = Annotated[StrictInt, Field(gt=-ID_LIMIT, lt=ID_LIMIT)] | StrictStr
"""Other ids (tax rates, shipping lines): integers or strings (the compiler refuses an
integer where it names an attribute)."""
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
Count = Annotated[StrictInt, Field(ge=0, lt=ID_LIMIT)]
"""A count of uses, or a limit on them: a non-negative integer."""
Units = Annotated[StrictInt, Field(ge=1, le=MAX_UNITS)]
"""A count of units a discount names (``maxQuantity``, ``minQuantity``, buy-get counts)."""
Instant = Annotated[datetime, BeforeValidator(instant)]
"""An aware instant: an ISO 8601 string with a zone offset (or an aware ``datetime``)."""
Display = Annotated[Any, AfterValidator(_display_depth)]
"""A display-only value: kept and echoed, at most 32 levels deep."""
