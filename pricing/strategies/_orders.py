"""Discount settings, customers and orders, drawn from the vocabulary of the rules.

Customers get the groups, ids and attributes the discounts test; orders present
the codes and markers they define, with quantities and money near their
thresholds, so that the rules are exercised and not just skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from ._arguments import (
    MAX_LINES,
    MAX_MONEY,
    _check_bool,
    _check_cart_catalog,
    _check_optional_aware,
    _check_parts,
    _check_sizes,
    _exponent,
    _features,
    _max_quantity,
)
from ._basics import (
    _BOOLEANS,
    _UNKNOWN_CODES,
    _UNKNOWN_MARKERS,
    Json,
    _one_of,
    _pick,
    _sometimes,
)
from ._extensions import _coupon_codes, _shipping_lines
from ._scalars import (
    _format_money,
    _max_price_minor,
    _money_minor,
    percentages,
)
from ._vocabulary import _Vocabulary, _vocabulary


@st.composite
def _settings(draw: DrawFn, exponent: int, features: frozenset[str], max_price_minor: int) -> Json:
    """Discount settings; each key only sometimes (left out: its default)."""
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
    """OneEntry discount ``settings`` (docs/scenario.md); keys left out take their defaults."""
    exponent = _exponent(currency)
    return _settings(exponent, _features(features), _max_price_minor(max_price, exponent))


def _near(draw: DrawFn, exponent: int, thresholds: Sequence[int], limit: int) -> str | int:
    """Money, often exactly on or next to one of ``thresholds``."""
    if len(thresholds) > 0 and draw(_BOOLEANS):
        return _on_threshold(draw, exponent, thresholds)
    return draw(_money_minor(0, limit, exponent))


def _on_threshold(draw: DrawFn, exponent: int, thresholds: Sequence[int]) -> str | int:
    """Money exactly on, a minor unit under or over one of ``thresholds`` (within the
    money limit: a fixed rule may sit right on it)."""
    base = _pick(draw, tuple(thresholds))
    minor = min(max(0, base + _pick(draw, (-1, 0, 0, 1))), MAX_MONEY * 10**exponent)
    return _format_money(minor, exponent, draw(_BOOLEANS))


@st.composite
def _customer(draw: DrawFn, vocab: _Vocabulary, guests: bool) -> Json | None:
    """A customer in the groups, with the ids and attributes the rules test (or a guest)."""
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
            else _near(draw, vocab.exponent, vocab.bonus_thresholds, vocab.max_price_minor * 3)
        )
    return customer


@lru_cache(maxsize=1024)
def _quantities(max_quantity: int, near: tuple[int, ...]) -> SearchStrategy[int]:
    """Line quantities: small ones, any up to ``max_quantity``, and (a third of the time)
    one of ``near`` (the counts the rules name, that a line may hold)."""
    drawn = st.integers(1, min(3, max_quantity)) | st.integers(1, max_quantity)
    return drawn | st.sampled_from(near) if near else drawn


def _line_quantities(draw: DrawFn, lines: list[Json], near: tuple[int, ...]) -> None:
    """Sometimes make the cart's units add up to one of ``near`` (counts over the cart:
    ``CART_QUANTITY``, a tier of a ``TO_ORDER`` discount): the first line tops the others
    up, and those hold one unit each when they already hold too many."""
    if len(lines) > 1 and len(near) > 0 and _sometimes(draw, 3):
        target = _pick(draw, near)
        others = sum(line["quantity"] for line in lines[1:])
        if others >= target >= len(lines):
            for line in lines[1:]:
                line["quantity"] = 1
            others = len(lines) - 1
        if target > others:
            lines[0]["quantity"] = target - others


@st.composite
def _order(
    draw: DrawFn,
    vocab: _Vocabulary,
    min_lines: int,
    max_lines: int,
    max_quantity: int,
    coupon_errors: bool,
) -> Json:
    """An order: lines of available products, maybe a coupon code, markers, bonus."""
    f = vocab.features
    # The counts the rules name (tiers, quantity conditions, buy-get sets) a line may hold.
    near = tuple(q for q in vocab.quantities if 1 <= q <= max_quantity)
    quantities = _quantities(max_quantity, near)
    lines = []
    # An empty cart is an edge case, not the common one (Hypothesis favours empty lists).
    least = min_lines if min_lines > 0 or _sometimes(draw, 12) else min(1, max_lines)
    for pid in draw(
        st.lists(_one_of(tuple(vocab.available_ids)), min_size=least, max_size=max_lines)
    ):
        lines.append({"productId": pid, "quantity": draw(quantities)})
    _line_quantities(draw, lines, near)
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
        if len(vocab.bonus_thresholds) > 0 and draw(_BOOLEANS):
            order["bonusAmount"] = _on_threshold(draw, vocab.exponent, vocab.bonus_thresholds)
        else:
            order["bonusAmount"] = draw(
                st.none() | _money_minor(0, vocab.max_price_minor * 3, vocab.exponent)
            )
    if "coupon_codes" in f and _sometimes(draw, 3):
        order["couponCodes"] = _coupon_codes(
            draw, codes, order.get("couponCode"), "input_variants" in f
        )
    if "shipping" in f and not _sometimes(draw, 3):
        order["shippingLines"] = _shipping_lines(draw, vocab.exponent, vocab.max_price_minor)
    return order


def customers(
    currency: str,
    *,
    discounts: Sequence[Mapping[str, Any]] = (),
    guests: bool = True,
    features: Collection[str] | None = None,
    max_price: Decimal | int | str = 200,
    settings: Mapping[str, Any] | None = None,
) -> SearchStrategy[Json | None]:
    """Customers (``None`` is a guest) in the groups, ids and attributes ``discounts`` test
    (with ``settings``, bonus balances near its ``minBonusAmount`` too)."""
    exponent = _exponent(currency)
    _check_parts("discounts", discounts)
    vocab = _vocabulary(
        exponent,
        _features(features),
        (),
        (),
        discounts,
        None,
        _max_price_minor(max_price, exponent),
        settings,
    )
    return _customer(vocab, _check_bool("guests", guests))


def orders(
    currency: str,
    *,
    catalog: Sequence[Mapping[str, Any]],
    discounts: Sequence[Mapping[str, Any]] = (),
    min_lines: int = 1,
    max_lines: int = 5,
    max_quantity: int = 1000,
    at: datetime | None = None,
    features: Collection[str] | None = None,
    coupon_errors: bool = False,
    max_price: Decimal | int | str = 200,
    settings: Mapping[str, Any] | None = None,
) -> SearchStrategy[Json]:
    """OneEntry order bodies (``products``, ``couponCode``, markers, ``bonusAmount``; with
    the ``coupon_codes`` and ``shipping`` features ``couponCodes`` and ``shippingLines``).

    Lines are drawn from the available products of ``catalog`` (a product may be on
    several lines), with quantities near the counts ``discounts`` name; coupon codes
    and markers from ``discounts``; bonus amounts near ``settings``' thresholds. Unless
    ``coupon_errors``, a presented code is one the engine accepts at ``at`` (without
    ``at``, only codes of discounts without dates are presented).
    """
    exponent = _exponent(currency)
    _check_parts("catalog", catalog)
    _check_parts("discounts", discounts)
    _check_cart_catalog(catalog)
    _check_sizes(("min_lines", "max_lines"), min_lines, max_lines, 0, MAX_LINES)
    vocab = _vocabulary(
        exponent,
        _features(features),
        catalog,
        (),
        discounts,
        _check_optional_aware("at", at),
        _max_price_minor(max_price, exponent),
        settings,
    )
    return _order(
        vocab,
        min_lines,
        max_lines,
        _max_quantity(max_quantity),
        _check_bool("coupon_errors", coupon_errors),
    )
