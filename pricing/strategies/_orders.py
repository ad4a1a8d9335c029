"""Discount settings, customers and orders, drawn from the vocabulary of the rules.

Customers get the groups, ids and attributes the discounts test; orders present
the codes and markers they define, with quantities and money near their
thresholds, so that the rules are exercised and not just skipped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from ._basics import (
    _BOOLEANS,
    _UNKNOWN_CODES,
    _UNKNOWN_MARKERS,
    Json,
    _features,
    _one_of,
    _pick,
    _sometimes,
)
from ._extensions import _coupon_codes, _shipping_lines
from ._scalars import (
    _exponent,
    _format_money,
    _max_price_minor,
    _max_quantity,
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
        base = _pick(draw, tuple(thresholds))
        minor = max(0, base + _pick(draw, (-1, 0, 0, 1)))
        return _format_money(minor, exponent, draw(_BOOLEANS))
    return draw(_money_minor(0, limit, exponent))


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
    """An order: lines of available products, maybe a coupon code, markers, bonus."""
    f = vocab.features
    quantities = st.integers(1, min(3, max_quantity)) | st.integers(1, max_quantity)
    lines = []
    # An empty cart is an edge case, not the common one (Hypothesis favours empty lists).
    least = min_lines if min_lines > 0 or _sometimes(draw, 12) else min(1, max_lines)
    for pid in draw(
        st.lists(_one_of(tuple(vocab.available_ids)), min_size=least, max_size=max_lines)
    ):
        lines.append({"productId": pid, "quantity": draw(quantities)})
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
) -> SearchStrategy[Json | None]:
    """Customers (``None`` is a guest) in the groups, ids and attributes ``discounts`` test."""
    exponent = _exponent(currency)
    vocab = _vocabulary(
        exponent,
        _features(features),
        (),
        (),
        discounts,
        None,
        _max_price_minor(max_price, exponent),
    )
    return _customer(vocab, guests)


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
) -> SearchStrategy[Json]:
    """OneEntry order bodies (``products``, ``couponCode``, markers, ``bonusAmount``; with
    the ``coupon_codes`` and ``shipping`` features ``couponCodes`` and ``shippingLines``).

    Lines are drawn from the available products of ``catalog`` (a product may be on
    several lines); coupon codes and markers from ``discounts``. Unless
    ``coupon_errors``, a presented code is one the engine accepts at ``at`` (without
    ``at``, only codes of discounts without dates are presented).
    """
    exponent = _exponent(currency)
    vocab = _vocabulary(
        exponent,
        _features(features),
        catalog,
        (),
        discounts,
        at,
        _max_price_minor(max_price, exponent),
    )
    if not vocab.available_ids:
        raise ValueError("the catalog has no available product to put in a cart")
    return _order(vocab, min_lines, max_lines, _max_quantity(max_quantity), coupon_errors)
