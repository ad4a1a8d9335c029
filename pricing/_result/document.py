"""The previewOrder document: what the stages decided, written as the JSON object."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .._ruleset.rules import Rule
from .._stages.eligibility import CouponMatch
from .._stages.explain import ExplanationRow, LineRow, applied_by_rule, capped_out
from .._stages.records import Applied, Outcome
from .._stages.usage import usage_rows

__all__ = ["document"]


_LEAVES = frozenset({str, int, float, bool, type(None), Decimal})
"""Immutable JSON values: a copy may share them."""


def _fresh(value: Any) -> Any:
    """A deep copy of JSON-shaped data: new dicts and lists, immutable leaves shared.

    What :func:`copy.deepcopy` gives for such data, several times quicker; anything
    else inside is deep-copied the general way.
    """
    if type(value) is dict:
        return {k: v if type(v) in _LEAVES else _fresh(v) for k, v in value.items()}
    if type(value) is list:
        return [v if type(v) in _LEAVES else _fresh(v) for v in value]
    if type(value) in _LEAVES:
        return value
    return copy.deepcopy(value)


def _discount_echo(rule: Rule, coupon: Mapping[str, Any] | None, copies: bool) -> Any:
    """The discount object as given, ``coupon`` set (``copies``: see :func:`document`)."""
    if not copies:
        return {**rule.raw, "coupon": coupon}
    # A deep copy: the raw object belongs to the compiled rule set, which later
    # previews echo too; a caller editing this document must not reach it.
    echo: dict[str, Any] = _fresh(dict(rule.raw))
    echo["coupon"] = coupon
    return echo


def _line_documents(o: Outcome, rows: Sequence[LineRow]) -> list[dict[str, Any]]:
    money = o.money
    docs = []
    for r in rows:
        doc: dict[str, Any] = {
            "productId": r.item.id,
            "quantity": r.quantity,
            "isGift": r.is_gift,
            "unitPrice": money(r.unit_price),
            "total": money(r.total),
            "productDiscount": money(r.product_discount),
            "orderDiscount": money(r.order_discount),
            "totalWithDiscount": money(r.total - r.product_discount - r.order_discount),
            "discounts": [
                {"identifier": rule.identifier, "amount": money(a)} for rule, a in r.discounts
            ],
        }
        if r.price_locked:
            doc["priceLocked"] = True
        docs.append(doc)
    return docs


def _coupon(coupon: CouponMatch, by_rule: Mapping[int, Applied]) -> dict[str, Any]:
    """One presented code's object: valid, and whether its discount applied."""
    owner = by_rule.get(id(coupon.rule))
    return {
        "code": coupon.code,
        "valid": True,
        "applied": owner is not None and not capped_out(owner),
        "discountId": coupon.rule.id,
        "discountIdentifier": coupon.rule.identifier,
    }


Coupons = list[tuple[str, dict[str, Any]]]
"""``(normalised code, object)`` of each presented code, ``couponCode`` first."""


def coupon_objects(o: Outcome, by_rule: Mapping[int, Applied]) -> Coupons:
    """Each presented code's object (see :data:`Coupons`)."""
    e = o.eligibility
    if e.coupons is None:
        return [] if e.coupon is None else [(e.coupon.normalised, _coupon(e.coupon, by_rule))]
    return [(m.normalised, _coupon(m, by_rule)) for m in e.coupons]


Echoes = list[tuple[Rule, dict[str, Any] | None]]
"""Applied discounts to echo, each with its ``coupon``."""


def echoed(o: Outcome, coupons: Coupons) -> tuple[Echoes, ...]:
    """The applied discounts to echo, each with the object of the first presented code
    that is one of theirs: ``(orderDiscounts, productDiscounts, shippingDiscounts)``."""
    order_discounts: Echoes = []
    product_discounts: Echoes = []
    shipping_discounts: Echoes = []
    # Each kind's discounts applied in priority order, so this is the rules' order.
    for done in o.every_applied:
        if capped_out(done):
            continue
        rule = done.rule
        own_coupon = None
        if coupons and rule.coupons:
            own_coupon = next((obj for code, obj in coupons if code in rule.coupons), None)
        if rule.to_product:
            kind = product_discounts
        else:
            kind = shipping_discounts if rule.to_shipping else order_discounts
        kind.append((rule, own_coupon))
    return order_discounts, product_discounts, shipping_discounts


def _bonus(o: Outcome) -> dict[str, Any] | None:
    """``discountConfig.bonus``: ``None`` for a guest who asked for no bonus."""
    bonus, money, echo = o.bonus, o.money, o.settings.echo
    if not bonus.shown:
        return None
    return {
        "availableBalance": money(bonus.available_balance),
        "maxBonusDiscount": money(bonus.max_bonus_discount),
        "minBonusAmount": echo["minBonusAmount"],
        "minOrderAmountForBonus": echo["minOrderAmountForBonus"],
        "bonusApplied": money(bonus.applied),
    }


def _order_preview(o: Outcome) -> list[dict[str, Any]]:
    """``orderPreview``: paid lines still holding units, then gift lines at price 0."""
    money, gifts = o.money, o.gifts
    zero = money(0)
    return [
        {
            "productId": line.item.id,
            "title": line.item.title,
            "sku": line.item.sku,
            "price": money(line.unit_price),
            "quantity": line.quantity,
            "isGift": False,
        }
        for line in gifts.lines
        if line.quantity
    ] + [
        {
            "productId": g.item.id,
            "title": g.item.title,
            "sku": g.item.sku,
            "price": zero,
            "quantity": g.quantity,
            "isGift": True,
        }
        for g in gifts.gift_lines
    ]


def _explanation(o: Outcome, rows: Sequence[ExplanationRow]) -> list[dict[str, Any]]:
    money = o.money
    entries: list[dict[str, Any]] = [
        {
            "id": e.rule.id,
            "identifier": e.rule.identifier,
            "status": e.status,
            "reason": e.reason,
            "amount": money(e.amount),
            "capped": e.capped,
        }
        for e in rows
    ]
    for entry, e in zip(entries, rows, strict=True):
        # only on applied tiered / buy-get discounts (docs/quantity-promotions.md)
        if e.tier is not None:
            entry["tier"] = e.tier
        if e.sets is not None:
            entry["sets"] = e.sets
    return entries


def _shipping(o: Outcome) -> list[dict[str, Any]]:
    """``shipping``: each shipping line's price, what the shipping discounts took off it,
    and what is left."""
    assert o.shipping is not None
    money, shipping = o.money, o.shipping
    return [
        {
            "id": line.id,
            "name": line.name,
            "price": money(price),
            "discount": money(price - left),
            "priceWithDiscount": money(left),
        }
        for line, price, left in zip(shipping.lines, shipping.prices, shipping.left, strict=True)
    ]


def extensions(o: Outcome, coupons: Coupons) -> dict[str, Any]:
    """``coupons``, ``shipping`` and ``usage``: each only when its input is given."""
    out: dict[str, Any] = {}
    if o.eligibility.coupons is not None:
        out["coupons"] = [obj for _, obj in coupons]
    if o.shipping is not None:
        out["shipping"] = _shipping(o)
    if o.reports_usage:
        out["usage"] = [
            {"discountId": r.discount_id, "identifier": r.identifier, "uses": 1,
             "spent": o.money(r.spent)}
            for r in usage_rows(o)
        ]  # fmt: skip
    return out


def document(
    o: Outcome,
    line_rows: Sequence[LineRow],
    explanation: Sequence[ExplanationRow],
    *,
    copies: bool = True,
) -> dict[str, Any]:
    """The whole document, money as ``o.money`` gives it, keys in the order they are written.

    ``copies``: ``True`` for a document handed out (the echoed discount objects are
    copies, which a caller may edit); ``False`` for one written to text at once (they
    share their insides with the rule set).
    """
    money = o.money
    by_rule = applied_by_rule(o)
    coupons = coupon_objects(o, by_rule)
    order_discounts, product_discounts, shipping_discounts = (
        [_discount_echo(rule, coupon, copies) for rule, coupon in kind]
        for kind in echoed(o, coupons)
    )
    total_raw = money(o.total_raw)
    total_with_discount = money(o.total_with_discount)
    bonus_applied = money(o.bonus.applied)
    total_due = money(o.bonus.total_due)
    doc: dict[str, Any] = {
        "totalSum": total_with_discount,  # OneEntry's: after discounts, before bonus
        "totalSumWithDiscount": total_with_discount,
        "bonusApplied": bonus_applied,
        "totalDue": total_due,
        "currency": o.cur.code,
        "discountConfig": {
            "orderDiscounts": order_discounts,
            "productDiscounts": product_discounts,
            "coupon": coupons[0][1] if coupons else None,
            "settings": dict(o.settings.echo),
            "additionalDiscountsMarkers": list(o.markers),
            "totalRaw": total_raw,
            "totalSumWithDiscount": total_with_discount,
            "excludedGiftProductIds": list(o.gifts.excluded_product_ids),
            "bonus": _bonus(o),
            "bonusApplied": bonus_applied,
            "totalDue": total_due,
        },
        "orderPreview": _order_preview(o),
        "lines": _line_documents(o, line_rows),
        "explanation": _explanation(o, explanation),
        "bonusAccrual": money(o.accrued),
        "warnings": [dict(w) for w in o.eligibility.warnings],
    }
    if o.lists_shipping_discounts:  # right after productDiscounts
        items = list(doc["discountConfig"].items())
        items.insert(2, ("shippingDiscounts", shipping_discounts))
        doc["discountConfig"] = dict(items)
    doc.update(extensions(o, coupons))
    if o.extensions:
        doc.update(o.extensions)
    return doc
