"""Exact money: currencies, minor units, rounding and largest-remainder sharing.

Inside the engine every amount is an ``int`` of minor units (cents for USD, yen
for JPY, fils for KWD): exact, and much faster than ``Decimal``. Conversion to and
from ``Decimal`` happens only at the boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import cache
from operator import itemgetter

from iso4217 import Currency as _IsoCurrency

from ._errors import ScenarioError, cut, quote
from ._limits import MAX_MONEY_DIGITS, MAX_NUMBER_DIGITS, beyond_money_limit

__all__ = [
    "Currency",
    "Rate",
    "allocate",
    "currency",
    "pick",
    "round_half_up_div",
    "to_minor",
    "unknown_currency",
]


_EXACT = Context(prec=60)
"""Wide enough for any bounded amount in minor units (at most 26 digits) with room."""


@dataclass(frozen=True, slots=True)
class Currency:
    """An ISO 4217 currency with its minor-unit exponent (USD 2, JPY 0, KWD 3)."""

    code: str
    exponent: int

    @property
    def scale(self) -> int:
        """Minor units per major unit (100 for USD)."""
        return int(10**self.exponent)

    def to_minor(self, amount: Decimal) -> int | None:
        """Finite ``amount``, bounded (see :func:`to_minor`), in minor units, or ``None``
        when it has more decimals than allowed.

        Worked out on its digits: ``scaleb`` would round past the context's 28, reading
        ``150.00000000000000000000000000005`` as 150 (or a tiny amount as 0).
        """
        sign, digits, exp = amount.as_tuple()
        assert isinstance(exp, int)  # (finite)
        coefficient = "".join(map(str, digits)).rstrip("0")
        if not coefficient:
            return 0
        shift = exp + len(digits) - len(coefficient) + self.exponent
        if shift < 0:  # a digit other than 0 below the minor unit
            return None
        minor: int = int(coefficient) * 10**shift  # (bounded: shift stays small)
        return -minor if sign else minor

    def to_text(self, minor: int) -> str:
        """Minor units as the shortest JSON number (``30000`` cents → ``300``, ``28450`` →
        ``284.5``): what the document's ``Decimal`` is written as, without making one."""
        if not self.exponent:
            return str(minor)
        whole, cents = divmod(abs(minor), self.scale)
        sign = "-" if minor < 0 else ""
        if not cents:
            return f"{sign}{whole}"
        return f"{sign}{whole}.{str(cents).rjust(self.exponent, '0').rstrip('0')}"

    def to_decimal(self, minor: int) -> Decimal:
        """Minor units back to a ``Decimal`` with exactly the currency's exponent."""
        # (scaleb rounds to the context's precision; bounded amounts have far fewer
        # digits than _EXACT keeps, so this is exact)
        return Decimal(minor).scaleb(-self.exponent, _EXACT)


def unknown_currency(code: object) -> str:
    """What is said of a currency code with no ISO 4217 entry that has minor units."""
    return f"unknown ISO 4217 currency {quote(code)} (or one without minor units)"


@cache
def currency(code: str) -> Currency:
    """Look up ``code`` in the ISO 4217 table.

    Raises:
        KeyError: the code is unknown or has no minor unit (e.g. XAU).
    """
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        raise KeyError(code)
    try:
        iso = _IsoCurrency(code)
    except ValueError:
        raise KeyError(code) from None
    exponent = iso.exponent
    if exponent is None:
        raise KeyError(code)
    return Currency(code, int(exponent))


def to_minor(cur: Currency, amount: Decimal, path: str) -> int:
    """``amount`` in minor units; more decimals than the currency has is an error, and so
    is an amount beyond the limit (one not bounded yet: a custom verifier's price)."""
    if beyond_money_limit(amount):
        raise ScenarioError(path, f"must be at most 10^{MAX_MONEY_DIGITS} in absolute value")
    minor = cur.to_minor(amount)
    if minor is None:
        # As written (1E-37 would not be what the input said), unless its digits are many.
        shown = format(amount, "f") if abs(amount.adjusted()) <= MAX_NUMBER_DIGITS else str(amount)
        raise ScenarioError(
            path, f"{cut(shown)} has more decimals than {cur.code} allows ({cur.exponent})"
        )
    return minor


@dataclass(frozen=True, slots=True)
class Rate:
    """A percentage as an exact fraction ``num / den`` of 100 %, e.g. 12.5 % = 125/1000."""

    num: int
    den: int

    @classmethod
    def from_percent(cls, percent: Decimal) -> Rate:
        """The rate for ``percent`` (a finite, non-negative Decimal)."""
        sign, digits, exp = percent.as_tuple()
        assert isinstance(exp, int)
        num = int("".join(map(str, digits)) or "0")
        den = 100
        if exp >= 0:
            num *= 10**exp
        else:
            den *= 10**-exp
        return cls(-num if sign else num, den)

    def of_floor(self, minor: int) -> int:
        """``minor × rate``, rounded down to a minor unit (``minor`` ≥ 0)."""
        return (minor * self.num) // self.den


def round_half_up_div(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half away from zero (ROUND_HALF_UP)."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if numerator >= 0:
        return (2 * numerator + denominator) // (2 * denominator)
    return -((-2 * numerator + denominator) // (2 * denominator))


def allocate(total: int, weights: Sequence[int], weight_sum: int | None = None) -> list[int]:
    """Share ``total`` minor units in proportion to ``weights`` (largest remainder).

    Each share is first the floor of its exact quota; the units left over go one
    each to the largest remainders, ties to the earlier position. The shares
    always sum to ``total``. All weights zero: everything to nobody is impossible,
    so the total is shared equally instead (only happens when ``total`` is 0 in
    the engine's own use). ``weight_sum``, when the caller has it, is ``sum(weights)``.
    """
    n = len(weights)
    if n == 0:
        if total:
            raise ValueError("cannot allocate a non-zero amount over no weights")
        return []
    if total == 0:
        return [0] * n  # every quota is 0 (and so is every remainder)
    if n == 1:
        return [total]
    if weight_sum is None:
        weight_sum = sum(weights)
    if weight_sum == 0:
        weights = [1] * n
        weight_sum = n
    elif total == weight_sum:
        return list(weights)  # everything: each gets its weight
    shares = [total * w // weight_sum for w in weights]
    left = total - sum(shares)
    if left:
        # Largest remainder first; among equal remainders the earlier line wins
        # (a stable sort keeps equal keys in order, reverse=True included).
        remainders = [total * w % weight_sum for w in weights]
        if left == 1:
            shares[remainders.index(max(remainders))] += 1  # index(): the first of equals
        else:
            for i in sorted(range(n), key=remainders.__getitem__, reverse=True)[:left]:
                shares[i] += 1
    return shares


def pick(amounts: Sequence[int], positions: tuple[int, ...]) -> Sequence[int]:
    """``amounts`` at ``positions`` (not empty), in order (``itemgetter`` loops in C)."""
    return itemgetter(*positions)(amounts) if len(positions) > 1 else [amounts[positions[0]]]
