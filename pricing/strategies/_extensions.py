"""Shipping lines, usage limits and budgets with their ``usage`` counters, and several
coupon codes: the parts the ``shipping``, ``usage`` and ``coupon_codes`` features add.

Counters are drawn next to the limits they meet (one use left, the last one used,
a cent of budget left, none), so that every usage gate is reached; coupon codes are
drawn distinct once normalised, so that a generated order is never refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from ._basics import _BOOLEANS, Json, _ints, _one_of, _pick, _sometimes
from ._scalars import _format_money, _money_minor, _to_minor

_UNKNOWN_USAGE_KEYS: Final[tuple[str, ...]] = ("999", "0", "007")
"""``usage`` keys no generated discount has (their ids are 1 to at most 200):
``unknown_usage``."""
_SHIPPING_NAMES: Final[tuple[str, ...]] = ("Standard", "Express", "Insurance", "")


def _shipping_lines(draw: DrawFn, exponent: int, max_price_minor: int) -> list[Json]:
    """One to three shipping lines; prices up to a quarter of the top price, now and
    then free."""
    lines = []
    for i in range(draw(_ints(1, 3))):
        free = _sometimes(draw, 8)
        price = _money_minor(0, 0 if free else max(1, max_price_minor // 4), exponent)
        line: Json = {"id": _pick(draw, (f"ship-{i + 1}", i + 1)), "price": draw(price)}
        if draw(_BOOLEANS):
            line["name"] = _pick(draw, _SHIPPING_NAMES)
        lines.append(line)
    return lines


def _usage_fields(draw: DrawFn, exponent: int, max_price_minor: int, discount: Json) -> None:
    """``usageLimit``, ``usageLimitPerCustomer`` and ``budget``, each only sometimes."""
    if draw(_BOOLEANS):
        discount["usageLimit"] = draw(_ints(0, 5))
    if draw(_BOOLEANS):
        discount["usageLimitPerCustomer"] = draw(_ints(0, 3))
    if draw(_BOOLEANS):
        discount["budget"] = {"amount": draw(_money_minor(0, max_price_minor * 3, exponent))}


def _near(draw: DrawFn, limit: int | None, most: int) -> int:
    """A count on, just under or just over ``limit`` (else anything up to ``most``)."""
    if limit is not None and not _sometimes(draw):
        return max(0, limit + _pick(draw, (-1, 0, 1)))
    return draw(_ints(0, most))


def _every_limit_reached(discount: Mapping[str, Any]) -> Json:
    """Counters at every limit the discount has at once (which gate comes first?)."""
    entry: Json = {}
    if discount.get("usageLimit") is not None:
        entry["uses"] = discount["usageLimit"]
    if discount.get("usageLimitPerCustomer") is not None:
        entry["customerUses"] = discount["usageLimitPerCustomer"]
    if discount.get("budget") is not None:
        entry["spent"] = discount["budget"]["amount"]
    return entry


def _spent(draw: DrawFn, exponent: int, discount: Mapping[str, Any]) -> str | int:
    """Money spent: near the budget, or leaving about ``maxAmount`` of it (which of the
    two cuts the amount?), or anything."""
    budget = discount.get("budget")
    if budget is None or _sometimes(draw):
        return draw(_money_minor(0, 10**exponent * 100, exponent))
    amount = _to_minor(budget["amount"], exponent)
    max_amount = (discount.get("discountValue") or {}).get("maxAmount")
    if max_amount is not None and draw(_BOOLEANS):
        amount -= _to_minor(max_amount, exponent)  # leave maxAmount, give or take a unit
    spent = max(0, amount + _pick(draw, (-(10**exponent), -1, 0, 1)))
    return _format_money(spent, exponent, draw(_BOOLEANS))


def _counters(draw: DrawFn, exponent: int, discount: Mapping[str, Any]) -> Json:
    """One discount's counters, near its limits (sometimes at all of them); a field
    left out is 0."""
    if _sometimes(draw):
        return _every_limit_reached(discount)
    entry: Json = {}
    if draw(_BOOLEANS):
        entry["uses"] = _near(draw, discount.get("usageLimit"), 10)
    if draw(_BOOLEANS):
        entry["customerUses"] = _near(draw, discount.get("usageLimitPerCustomer"), 5)
    if draw(_BOOLEANS):
        entry["spent"] = _spent(draw, exponent, discount)
    return entry


def _usage_input(draw: DrawFn, exponent: int, discounts: Sequence[Mapping[str, Any]]) -> Json:
    """The ``usage`` input: counters for some discounts, keyed by id; sometimes an id the
    rule set does not have."""
    usage: Json = {}
    for discount in discounts:
        if not _sometimes(draw, 3):
            usage[str(discount["id"])] = _counters(draw, exponent, discount)
    if _sometimes(draw, 5):
        usage[_pick(draw, _UNKNOWN_USAGE_KEYS)] = {}
    return usage


def _coupon_codes(
    draw: DrawFn, codes: Sequence[str], first: str | None, variants: bool
) -> list[str]:
    """``couponCodes``: some of ``codes``, none equal to another or to ``first`` once
    trimmed and case-folded; with ``variants``, typed in another case and with blanks."""
    taken = set() if first is None else {first.strip().casefold()}
    chosen = []
    for code in draw(st.lists(_one_of(tuple(codes)), min_size=1, max_size=3)) if codes else []:
        if code.strip().casefold() not in taken:
            taken.add(code.strip().casefold())
            chosen.append(
                _pick(draw, (code, code.lower(), f" {code.upper()} ")) if variants else code
            )
    if variants and _sometimes(draw, 5):
        chosen.insert(draw(_ints(0, len(chosen))), _pick(draw, ("", "  ")))
    return chosen
