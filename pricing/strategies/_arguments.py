"""The checks of the public strategies' arguments.

Each refusal is Hypothesis's ``InvalidArgument`` naming the argument as the caller
wrote it, raised when the strategy is made, not when an example is drawn: a knob
that would make invalid scenarios (or none at all) fails the user's test at once,
saying which knob and why, instead of as a ``ScenarioError`` deep inside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, NoReturn

from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from .._limits import MAX_MONEY_DIGITS, MAX_PERCENT_DECIMALS, MAX_QUANTITY
from .._money import currency as _lookup_currency
from ._basics import FEATURES, _as_mapping

MAX_PRICE: Final = 10 ** (MAX_MONEY_DIGITS - 1)
"""The largest ``max_price`` (major units): the strategies draw amounts of up to ten
times it (a customer's ``ltv``), and every amount is at most 10^12."""
MAX_MONEY: Final = 10**MAX_MONEY_DIGITS
"""The largest money amount of the input (major units)."""
MAX_PRODUCTS: Final = 500
"""The most products a drawn catalog may have (ids 1 to 60, or to the size asked for;
998 to 1000 stand for products missing from the catalog)."""
MAX_DISCOUNTS: Final = 200
"""The most discounts drawn (ids 1 to 30, or to the size asked for; usage key 999 stands
for a discount the rule set does not have)."""
MAX_LINES: Final = 1000
"""The most lines an order is drawn with: with the most discounts, far below the
engine's limits on lines and on shares of one preview."""
MAX_CATEGORIES: Final = 40
"""The most categories a drawn tree may have (their ids are 1 to 40)."""


def _refuse(name: str, value: Any, must: str) -> NoReturn:
    """Raise ``InvalidArgument``: ``name=value`` (a long value cut short) and what it must be."""
    shown = repr(value)
    shown = shown if len(shown) <= 100 else shown[:97] + "..."
    raise InvalidArgument(f"{name}={shown} {must}")


def _check_int(name: str, value: Any, lo: int, hi: int) -> int:
    """``value``, refused unless an ``int`` (not a ``bool``) from ``lo`` to ``hi``."""
    if type(value) is not int or not lo <= value <= hi:
        _refuse(name, value, f"must be an integer from {lo:,} to {hi:,}")
    return value


def _check_sizes(
    names: tuple[str, str], least: Any, most: Any, lo: int, hi: int
) -> tuple[int, int]:
    """A ``(min, max)`` pair of sizes: each from ``lo`` to ``hi``, the min not above the max."""
    _check_int(names[0], least, lo, hi)
    _check_int(names[1], most, lo, hi)
    if least > most:
        raise InvalidArgument(f"{names[0]}={least!r} must not exceed {names[1]}={most!r}")
    return least, most


def _check_bool(name: str, value: Any) -> bool:
    """``value``, refused unless ``True`` or ``False``."""
    if not isinstance(value, bool):
        _refuse(name, value, "must be True or False")
    return value


def _exponent(code: Any, name: str = "currency") -> int:
    """The minor-unit exponent of ISO 4217 ``code``; an unknown code is refused."""
    if not isinstance(code, str):
        _refuse(name, code, "must be an ISO 4217 code, such as 'USD'")
    try:
        return _lookup_currency(code).exponent
    except KeyError:
        hint = (
            f" (did you mean {code.upper()!r}?)"
            if code != code.upper() and _known(code.upper())
            else ""
        )
        _refuse(name, code, f"must be a known ISO 4217 code with a minor unit{hint}")


def _known(code: str) -> bool:
    """Whether ``code`` is a currency the engine knows."""
    try:
        _lookup_currency(code)
    except KeyError:
        return False
    return True


def _decimal(name: str, value: Any) -> Decimal:
    """``value`` as a finite ``Decimal``; anything else (``bool``, text that is no
    number, ``NaN``) is refused."""
    try:
        number = None if isinstance(value, bool) else Decimal(str(value))
    except ArithmeticError:  # (not a number)
        number = None
    if number is None or not number.is_finite():
        _refuse(name, value, "must be a number")
    return number


def _money_bound(name: str, value: Any, exponent: int) -> int:
    """A money bound (major units) in minor units: from 0 to 10^12, in whole minor units."""
    amount = _decimal(name, value)
    if not 0 <= amount <= MAX_MONEY:
        _refuse(name, value, f"must be from 0 to {MAX_MONEY:,}")
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        _refuse(name, value, f"must have at most {exponent} decimals in this currency")
    return int(minor)


def _max_price(max_price: Any) -> Any:
    """``max_price``, refused unless it is from 0 to :data:`MAX_PRICE`: beyond, the
    scenarios drawn would not be valid input."""
    if not 0 <= _decimal("max_price", max_price) <= MAX_PRICE:
        _refuse("max_price", max_price, f"must be from 0 to {MAX_PRICE:,}")
    return max_price


def _max_quantity(max_quantity: Any) -> int:
    """``max_quantity``, refused unless it is from 1 to the most units a line may hold."""
    return _check_int("max_quantity", max_quantity, 1, MAX_QUANTITY)


def _check_percent(name: str, value: Any) -> int:
    """A percentage bound: an integer from 0 to 100."""
    return _check_int(name, value, 0, 100)


def _check_places(places: Any) -> int:
    """The decimals of a percentage: 0 to the most the engine accepts."""
    return _check_int("places", places, 0, MAX_PERCENT_DECIMALS)


def _names(name: str, chosen: Any) -> tuple[Any, ...]:
    """A collection of names as a tuple; a single string is refused, not split into
    its letters."""
    if isinstance(chosen, str | bytes) or not isinstance(chosen, Iterable):
        _refuse(name, chosen, f"must be a collection of names, such as {name}=[...]")
    return tuple(chosen)


def _check_choice(name: str, chosen: Any, allowed: Sequence[str]) -> tuple[str, ...]:
    """``chosen`` as a tuple in the order of ``allowed``, checked to be a non-empty subset.

    The order is ``allowed``'s, not ``chosen``'s: a set of strings iterates in an order
    that changes with ``PYTHONHASHSEED``, so a set drawn from in its own order would draw
    other examples in every process (a derandomized run, or a failure blob, would not
    reproduce).
    """
    given = _names(name, chosen)
    unknown = [v for v in given if v not in allowed]
    if unknown:
        _refuse(name, chosen, f"names unknown {unknown}; known: {list(allowed)}")
    if not given:
        _refuse(name, chosen, f"must name at least one of {list(allowed)}")
    return tuple(v for v in allowed if v in given)


def _features(chosen: Any) -> frozenset[str]:
    """The features asked for (``None``: all of them), checked against :data:`FEATURES`."""
    if chosen is None:
        return FEATURES
    given = _names("features", chosen)
    unknown = sorted(str(v) for v in given if v not in FEATURES)
    if unknown:
        _refuse("features", chosen, f"names unknown features {unknown}; known: {sorted(FEATURES)}")
    return frozenset(given)


def _check_aware(name: str, moment: Any) -> datetime:
    """An instant: a timezone-aware ``datetime`` (a naive one has no instant to stand for)."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        _refuse(
            name, moment, "must be a timezone-aware datetime, such as datetime(..., tzinfo=UTC)"
        )
    return moment


def _check_optional_aware(name: str, moment: Any) -> datetime | None:
    """An instant or ``None``; see :func:`_check_aware`."""
    return None if moment is None else _check_aware(name, moment)


def _check_cart_catalog(catalog: Sequence[Any]) -> None:
    """A catalog carts can be drawn from: it must have a product that is available."""
    try:
        products = [_as_mapping(p) for p in catalog]
    except TypeError:
        _refuse("catalog", catalog, "must be a list of products (JSON objects or models)")
    if not any(p.get("available", True) is not False for p in products):
        _refuse(
            "catalog",
            catalog,
            "has no available product to put in a cart (an order needs one)",
        )


def _check_parts(name: str, value: Any) -> None:
    """A list of JSON objects (or of models); a mapping or text in its place is refused."""
    if isinstance(value, SearchStrategy | None):
        return
    if isinstance(value, Mapping | str | bytes) or not isinstance(value, Sequence):
        _refuse(name, value, "must be a list of JSON objects (or a strategy for one)")
