"""Stage 0 — intake: the order and the customer as the pipeline reads them.

Validation is pydantic's (the boundary models, errors naming JSON paths, docs/errors.md).
Backends price every cart change, though, and nearly every cart is a plain
JSON-shaped dict of the common form; building models for those costs a third of a
small preview. So a direct reader takes the common form (camelCase keys, exact
``int``/``str``/``list``/``dict`` types, catalog products without signed prices)
and builds the same records. It judges only what it can judge at a glance and
hands anything else, valid or not, to the validating path: every error, and every
unusual but valid input, is still pydantic's. A test compares both paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from .._errors import ScenarioError, SignedPriceError, key_path, quote
from .._limits import ID_LIMIT, MAX_LINES, MAX_MONEY_DIGITS, MAX_QUANTITY, check_tree
from .._money import Currency, to_minor
from .._ruleset import CompiledRuleSet
from .._ruleset.catalog import CompiledCatalog, key_of
from .._ruleset.rules import normalise_code
from .._schema import Customer, Order, OrderProduct, UsageEntry, UsageInput, validate
from .records import CustomerView, Line, Request, UsageCounts

__all__ = ["PriceVerifierLike", "read_request", "read_usage"]

_ORDER_KEYS = frozenset({"products", "couponCode", "additionalDiscountsMarkers", "bonusAmount"})
_CUSTOMER_KEYS = frozenset({"id", "groupIds", "attributes", "ltv", "bonusBalance"})
_STR = frozenset({str})
_INT = frozenset({int})
_MAX_INT = ID_LIMIT  # an attribute's integer: at most 40 digits, as check_tree allows
_SCALARS = frozenset({str, int, bool, type(None)})
_MAX_MONEY = 10**MAX_MONEY_DIGITS


class _SignedPriceLike(Protocol):
    @property
    def price(self) -> Any: ...


class PriceVerifierLike(Protocol):
    """What the engine needs of a verifier (see :class:`pricing.PriceVerifier`)."""

    def verify(
        self,
        token: str,
        *,
        product_id: int,
        currency: str,
        storage_marker: str,
        at: datetime,
    ) -> _SignedPriceLike: ...


def build_customer(cur: Currency, customer: Customer | None) -> CustomerView | None:
    """The customer ready for the gates and conditions."""
    if customer is None:
        return None
    return CustomerView(
        key=key_of(customer.id),
        groups=frozenset(map(key_of, customer.group_ids)),
        attributes=dict(customer.attributes),
        ltv=None if customer.ltv is None else to_minor(cur, customer.ltv, "customer.ltv"),
        bonus_balance=None
        if customer.bonus_balance is None
        else to_minor(cur, customer.bonus_balance, "customer.bonusBalance"),
    )


def build_lines(
    cur: Currency,
    catalog: CompiledCatalog,
    products: Sequence[OrderProduct],
    *,
    storage_marker: str | None,
    verifier: PriceVerifierLike | None,
    at: datetime,
) -> tuple[Line, ...]:
    """One paid line per requested product, priced from a verified token or the catalog."""
    lines = []
    items = catalog.items
    for i, req in enumerate(products):
        item = items.get(key_of(req.product_id))
        if item is not None and item.available and req.signed_price is None:
            lines.append(Line(i, item, req.quantity, item.price, False))  # the common case
            continue
        path = f"order.products[{i}]"
        if item is None:
            raise ScenarioError(f"{path}.productId", f"unknown product {req.product_id}")
        if not item.available:
            raise ScenarioError(f"{path}.productId", f"product {req.product_id} is not available")
        unit_price = item.price
        locked = False
        if req.signed_price is not None:
            if verifier is None:
                raise ScenarioError(
                    f"{path}.signedPrice",
                    "a signedPrice needs a price verifier; none is configured",
                )
            try:
                signed = verifier.verify(
                    req.signed_price,
                    product_id=item.id,  # type: ignore[arg-type]
                    currency=cur.code,
                    storage_marker=storage_marker or "",
                    at=at,
                )
            except SignedPriceError as exc:
                raise SignedPriceError(exc.reason, str(exc), path=f"{path}.signedPrice") from None
            unit_price = to_minor(cur, signed.price, f"{path}.signedPrice")
            locked = True
        lines.append(Line(i, item, req.quantity, unit_price, locked))
    return tuple(lines)


def read_usage(cur: Currency, usage: Mapping[str, Any]) -> dict[str, UsageCounts]:
    """The ``usage`` input, validated, ``spent`` in minor units (bad input names its path)."""
    if isinstance(usage, Mapping) and all(
        type(k) is str and isinstance(e, UsageEntry) for k, e in usage.items()
    ):
        entries = usage  # (validated: a model of counts and money holds nothing to walk)
    else:
        check_tree(usage, prefix="usage")
        entries = validate(UsageInput, {"usage": usage}).usage
    return {
        key: UsageCounts(
            e.uses, e.customer_uses, to_minor(cur, e.spent, f"{key_path('usage', key)}.spent")
        )
        for key, e in entries.items()
    }


def _coupon_codes(order: Order) -> tuple[str, ...] | None:
    """``order.couponCodes``; a code presented twice (once normalised) is bad input."""
    if order.coupon_codes is None:
        return None
    first = order.coupon_code
    seen = {normalise_code(first)} if first is not None and first.strip() else set()
    for i, code in enumerate(order.coupon_codes):
        norm = normalise_code(code)
        if norm in seen:
            raise ScenarioError(
                f"order.couponCodes[{i}]",
                f"coupon code {quote(code)} is presented twice "
                "(codes are compared trimmed and case-insensitively)",
            )
        if norm:  # a blank code is no code
            seen.add(norm)
    return tuple(order.coupon_codes)


def read_request(
    rs: CompiledRuleSet,
    order: Order | Mapping[str, Any],
    customer: Customer | Mapping[str, Any] | None,
    *,
    verifier: PriceVerifierLike | None,
    at: datetime,
    usage: Mapping[str, Any] | None = None,
    walked: bool = False,
) -> Request:
    """Read (and validate) one cart request, and the ``usage`` counters when given; bad
    input raises a ``ScenarioError``. ``walked``: the order and customer were held to the
    input limits already (parsed by ``loads``, or parts of a walked scenario); else they
    are walked here, models the caller made too (pydantic lets through what the limits
    refuse: a lone surrogate in a title, ``NaN`` in an attribute)."""
    cur, catalog, storage_marker = rs.currency, rs.catalog, rs.storage_marker
    if type(order) is dict and (customer is None or type(customer) is dict):
        request = _read_plain(cur, catalog, order, customer)
        if request is not None:
            if usage is None:
                return request
            return replace(request, usage=read_usage(cur, usage))
    if not walked:
        check_tree(order, prefix="order")
        if customer is not None:
            check_tree(customer, prefix="customer")
    order_m = validate(Order, order, "order")
    customer_m = None if customer is None else validate(Customer, customer, "customer")
    lines = build_lines(
        cur,
        catalog,
        order_m.products,
        storage_marker=storage_marker,
        verifier=verifier,
        at=at,
    )
    shopper = build_customer(cur, customer_m)
    requested = (
        None
        if order_m.bonus_amount is None
        else to_minor(cur, order_m.bonus_amount, "order.bonusAmount")
    )
    return Request(
        lines,
        shopper,
        order_m.coupon_code,
        tuple(order_m.additional_discounts_markers),
        requested,
        tuple(order_m.shipping_lines),
        tuple(order_m.surcharges),
        _coupon_codes(order_m),
        None if usage is None else read_usage(cur, usage),
    )


def _read_plain(
    cur: Currency,
    catalog: CompiledCatalog,
    order: dict[str, Any],
    customer: dict[str, Any] | None,
) -> Request | None:
    """The request from plain dicts of the common form, or ``None`` to validate instead."""
    if not order.keys() <= _ORDER_KEYS:
        return None
    products = order.get("products")
    if type(products) is not list or len(products) > MAX_LINES:
        return None
    items = catalog.by_id  # available products only
    most = MAX_QUANTITY
    lines = []
    for i, req in enumerate(products):
        # Exactly productId and quantity: a signedPrice (or anything else) is validated.
        if type(req) is not dict or len(req) != 2 or "productId" not in req:
            return None
        pid = req["productId"]
        quantity = req.get("quantity")
        if type(quantity) is not int or not 1 <= quantity <= most:
            return None
        if type(pid) is not int:
            return None  # not even a bool, which would find the item of 1
        item = items.get(pid)
        if item is None:
            return None  # unknown or unavailable: the validating path names the problem
        lines.append(Line(i, item, quantity, item.price, False))

    code = order.get("couponCode")
    if code is not None and (type(code) is not str or not _plain_text(code)):
        return None
    markers = order.get("additionalDiscountsMarkers", [])
    if type(markers) is not list or not set(map(type, markers)) <= _STR:
        return None
    if markers and not all(map(_plain_text, markers)):
        return None
    requested = None
    bonus_amount = order.get("bonusAmount")
    if bonus_amount is not None:
        requested = _minor_or_none(cur, bonus_amount)
        if requested is None:
            return None

    shopper = None
    if customer is not None:
        shopper = _plain_customer(cur, customer)
        if shopper is None:
            return None
    # Copies of the caller's containers: the result is read lazily, after the call.
    return Request(tuple(lines), shopper, code, tuple(markers), requested, (), ())


def _plain_customer(cur: Currency, customer: dict[str, Any]) -> CustomerView | None:
    """The customer from a plain dict of the common form, or ``None`` to validate instead."""
    if not customer.keys() <= _CUSTOMER_KEYS:
        return None
    cid = customer.get("id")
    if type(cid) is not int or not -ID_LIMIT < cid < ID_LIMIT:
        return None
    groups = customer.get("groupIds", [])
    if type(groups) is not list or not set(map(type, groups)) <= _INT:
        return None
    if groups and max(map(abs, groups)) >= ID_LIMIT:
        return None  # (the validating path names it)
    attributes = customer.get("attributes", {})
    if type(attributes) is not dict or not set(map(type, attributes)) <= _STR:
        return None  # (the types of its keys)
    if attributes and not _plain_attributes(attributes):
        return None  # containers, other types: the validating path bounds them
    ltv = customer.get("ltv")
    if ltv is not None:
        ltv = _minor_or_none(cur, ltv)
        if ltv is None:
            return None
    balance = customer.get("bonusBalance")
    if balance is not None:
        balance = _minor_or_none(cur, balance)
        if balance is None:
            return None
    return CustomerView(key_of(cid), frozenset(map(key_of, groups)), dict(attributes), ltv, balance)


def _plain_attributes(attributes: dict[str, Any]) -> bool:
    """ASCII names with values of plain scalars: ASCII text, ids' worth of digits."""
    # (Built-in methods mapped in C: a Python test per attribute would cost a tenth of a
    # small preview.)
    if not all(map(str.isascii, attributes)):
        return False
    values = attributes.values()
    kinds = set(map(type, values))
    if not kinds <= _SCALARS:
        return False
    if str in kinds and not all(map(str.isascii, [v for v in values if type(v) is str])):
        return False
    return int not in kinds or max(abs(v) for v in values if type(v) is int) < _MAX_INT


def _plain_text(text: str) -> bool:
    """Plain ASCII text, short enough to read at a glance (else: the validating path)."""
    return text.isascii() and len(text) <= 1000


def _minor_or_none(cur: Currency, value: object) -> int | None:
    """A non-negative money amount of the common form in minor units, or ``None`` if it
    is anything else (the validating path then reads or refuses it)."""
    exponent = cur.exponent
    if type(value) is int:
        return value * 10**exponent if 0 <= value <= _MAX_MONEY else None
    if type(value) is not str:
        return None
    # Plain digits with at most the currency's decimals ("12.5" → 1250 cents).
    whole, dot, frac = value.partition(".")
    if (
        whole.isascii()
        and whole.isdigit()
        and len(whole) <= MAX_MONEY_DIGITS
        and len(frac) <= exponent
        and (frac.isascii() and frac.isdigit() if dot else True)
    ):
        return int(whole + frac.ljust(exponent, "0"))
    return None
