"""Last stage — result: the previewOrder-shaped document of SPEC §9, and its value objects."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ._applied import Applied
from ._bonus import Bonus
from ._compile import CompiledSettings
from ._eligibility import Eligibility
from ._gifts import Gifts
from ._json import dumps
from ._money import Currency

__all__ = ["LineDiscount", "LineResult", "PreviewResult", "RuleExplanation", "assemble"]


@dataclass(frozen=True, slots=True)
class LineDiscount:
    """One discount's share of one line."""

    identifier: str | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineResult:
    """A line of the result, paid or gift, with what each discount took off it."""

    product_id: int | str
    quantity: int
    is_gift: bool
    unit_price: Decimal
    total: Decimal
    product_discount: Decimal
    order_discount: Decimal
    total_with_discount: Decimal
    discounts: tuple[LineDiscount, ...]
    price_locked: bool = False


@dataclass(frozen=True, slots=True)
class RuleExplanation:
    """Why one discount applied or did not, and how much it took."""

    id: int | str
    identifier: str | None
    status: str
    reason: str | None
    amount: Decimal
    capped: bool


@dataclass(frozen=True)
class PreviewResult:
    """The outcome of one preview.

    The typed attributes are for Python callers; :meth:`to_json` writes the SPEC §9
    document, and :attr:`document` is that document with ``Decimal`` money.
    """

    total_raw: Decimal
    total_sum_with_discount: Decimal
    bonus_applied: Decimal
    total_due: Decimal
    currency: str
    bonus_accrual: Decimal
    lines: tuple[LineResult, ...]
    explanation: tuple[RuleExplanation, ...]
    warnings: tuple[Mapping[str, Any], ...]
    document: Mapping[str, Any] = field(repr=False)

    @property
    def total_discount(self) -> Decimal:
        """``totalRaw`` − ``totalSumWithDiscount``."""
        return self.total_raw - self.total_sum_with_discount

    def to_dict(self) -> dict[str, Any]:
        """A fresh copy of the §9 document (money as ``Decimal``)."""
        return copy.deepcopy(dict(self.document))

    def to_json(self, *, indent: int | None = 2) -> str:
        """The §9 JSON: exact numbers, fixed key order, byte-identical for the same input."""
        return dumps(self.document, indent=indent)


def _discount_echo(raw: Mapping[str, Any], coupon: Mapping[str, Any] | None) -> dict[str, Any]:
    echo = dict(raw)
    echo["coupon"] = coupon
    return echo


def assemble(
    cur: Currency,
    *,
    settings: CompiledSettings,
    eligibility: Eligibility,
    gifts: Gifts,
    applied: Sequence[Applied],
    bonus: Bonus,
    accrued: int,
    markers: Sequence[str],
    extensions: Mapping[str, Any] | None = None,
) -> PreviewResult:
    """Build the result from what the stages decided; computes nothing new but sums."""
    money = cur.to_decimal
    lines = gifts.lines
    total_raw = sum(line.total for line in lines)

    by_rule = {id(a.rule): a for a in applied}
    product_off = [0] * len(lines)
    order_off = [0] * len(lines)
    per_line: list[list[LineDiscount]] = [[] for _ in lines]
    for a in applied:
        if a.amount == 0 and a.capped:
            continue  # capped out: no longer applied
        bucket = product_off if a.rule.to_product else order_off
        for pos, share in a.shares:
            bucket[pos] += share
            per_line[pos].append(LineDiscount(a.rule.identifier, money(share)))
    total_discount = sum(product_off) + sum(order_off)
    total_with_discount = total_raw - total_discount

    coupon_obj: dict[str, Any] | None = None
    coupon = eligibility.coupon
    if coupon is not None:
        owner = by_rule.get(id(coupon.rule))
        coupon_applied = owner is not None and not (owner.amount == 0 and owner.capped)
        coupon_obj = {
            "code": coupon.code,
            "valid": True,
            "applied": coupon_applied,
            "discountId": coupon.rule.id,
            "discountIdentifier": coupon.rule.identifier,
        }

    explanation = []
    order_discounts: list[dict[str, Any]] = []
    product_discounts: list[dict[str, Any]] = []
    for verdict in eligibility.verdicts:
        rule = verdict.rule
        done = by_rule.get(id(rule))
        if done is None:
            explanation.append(
                RuleExplanation(
                    rule.id, rule.identifier, "not_applied", verdict.reason, money(0), False
                )
            )
            continue
        if done.capped and done.amount == 0:
            explanation.append(
                RuleExplanation(
                    rule.id, rule.identifier, "not_applied", "capped_out", money(0), True
                )
            )
            continue
        explanation.append(
            RuleExplanation(
                rule.id, rule.identifier, "applied", None, money(done.amount), done.capped
            )
        )
        own_coupon = (
            coupon_obj if coupon is not None and coupon.normalised in rule.coupons else None
        )
        (product_discounts if rule.to_product else order_discounts).append(
            _discount_echo(rule.raw, own_coupon)
        )

    line_results: list[LineResult] = []
    for pos, line in enumerate(lines):
        if line.quantity == 0:
            continue  # every unit became a gift
        line_results.append(
            LineResult(
                product_id=line.item.id,
                quantity=line.quantity,
                is_gift=False,
                unit_price=money(line.unit_price),
                total=money(line.total),
                product_discount=money(product_off[pos]),
                order_discount=money(order_off[pos]),
                total_with_discount=money(line.total - product_off[pos] - order_off[pos]),
                discounts=tuple(per_line[pos]),
                price_locked=line.price_locked,
            )
        )
    zero = money(0)
    for gift in gifts.gift_lines:
        line_results.append(
            LineResult(gift.item.id, gift.quantity, True, zero, zero, zero, zero, zero, ())
        )

    bonus_applied = money(bonus.applied)
    total_due = money(bonus.total_due)
    bonus_obj = None
    if bonus.shown:
        bonus_obj = {
            "availableBalance": money(bonus.available_balance),
            "maxBonusDiscount": money(bonus.max_bonus_discount),
            "minBonusAmount": settings.echo["minBonusAmount"],
            "minOrderAmountForBonus": settings.echo["minOrderAmountForBonus"],
            "bonusApplied": bonus_applied,
        }

    preview_rows = [
        {
            "productId": line.item.id,
            "title": line.item.title,
            "sku": line.item.sku,
            "price": money(line.unit_price),
            "quantity": line.quantity,
            "isGift": False,
        }
        for line in lines
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

    document: dict[str, Any] = {
        "totalSum": money(total_raw),
        "totalSumWithDiscount": money(total_with_discount),
        "bonusApplied": bonus_applied,
        "totalDue": total_due,
        "currency": cur.code,
        "discountConfig": {
            "orderDiscounts": order_discounts,
            "productDiscounts": product_discounts,
            "coupon": coupon_obj,
            "settings": dict(settings.echo),
            "additionalDiscountsMarkers": list(markers),
            "totalRaw": money(total_raw),
            "totalSumWithDiscount": money(total_with_discount),
            "excludedGiftProductIds": list(gifts.excluded_product_ids),
            "bonus": bonus_obj,
            "bonusApplied": bonus_applied,
            "totalDue": total_due,
        },
        "orderPreview": preview_rows,
        "lines": [_line_document(r) for r in line_results],
        "explanation": [
            {
                "id": e.id,
                "identifier": e.identifier,
                "status": e.status,
                "reason": e.reason,
                "amount": e.amount,
                "capped": e.capped,
            }
            for e in explanation
        ],
        "bonusAccrual": money(accrued),
        "warnings": [dict(w) for w in eligibility.warnings],
    }
    if extensions:
        document.update(extensions)
    return PreviewResult(
        total_raw=money(total_raw),
        total_sum_with_discount=money(total_with_discount),
        bonus_applied=bonus_applied,
        total_due=total_due,
        currency=cur.code,
        bonus_accrual=money(accrued),
        lines=tuple(line_results),
        explanation=tuple(explanation),
        warnings=eligibility.warnings,
        document=document,
    )


def _line_document(r: LineResult) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "productId": r.product_id,
        "quantity": r.quantity,
        "isGift": r.is_gift,
        "unitPrice": r.unit_price,
        "total": r.total,
        "productDiscount": r.product_discount,
        "orderDiscount": r.order_discount,
        "totalWithDiscount": r.total_with_discount,
        "discounts": [{"identifier": d.identifier, "amount": d.amount} for d in r.discounts],
    }
    if r.price_locked:
        doc["priceLocked"] = True
    return doc
