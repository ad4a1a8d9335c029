"""Stage 2 — eligibility: the seven gates of SPEC §5, coupons, markers, stacking.

The first failing gate is the reason reported. Gates are decided on the cart as
requested (before any gift replaces a paid unit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._compile import CartCondition, Rule, normalise_code
from ._errors import CouponError
from ._lines import CustomerView, Line

__all__ = ["CouponMatch", "Eligibility", "Verdict", "decide"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """One rule's outcome of the gates: ``reason`` is ``None`` when it may apply."""

    rule: Rule
    reason: str | None
    targets: tuple[int, ...]
    """Positions (in the line tuple) of the targeted lines."""


@dataclass(frozen=True, slots=True)
class CouponMatch:
    """The presented coupon code and the discount it belongs to."""

    code: str
    """The code as the discount defines it."""
    normalised: str
    rule: Rule


@dataclass(frozen=True, slots=True)
class Eligibility:
    """All verdicts in priority order, and what was said about the request."""

    verdicts: tuple[Verdict, ...]
    selected: tuple[Verdict, ...]
    """Price discounts that apply, in application order (TO_PRODUCT first)."""
    accruing: tuple[Verdict, ...]
    """``BONUS`` programs whose gates 2–7 pass (for ``bonusAccrual``)."""
    coupon: CouponMatch | None
    warnings: tuple[Mapping[str, Any], ...]


def _in_window(rule: Rule, at: datetime) -> str | None:
    if rule.start is not None and at < rule.start:
        return "not_started"
    if rule.end is not None and at >= rule.end:
        return "expired"
    return None


def _cart_condition(
    cond: CartCondition, lines: Sequence[Line], total_raw: int, customer: CustomerView | None
) -> bool:
    kind = cond.kind
    if kind == "PRODUCT_IN_CART":
        return any(line.item.key in cond.product_keys for line in lines)
    if kind == "CATEGORY_IN_CART":
        return any(
            (c in line.item.nested_categories) if nested else (c in line.item.categories)
            for line in lines
            for c, nested in cond.categories
        )
    if kind == "MIN_CART_AMOUNT":
        return total_raw >= cond.amount
    if kind == "USER_LTV":
        return customer is not None and customer.ltv is not None and customer.ltv >= cond.amount
    # USER_ATTRIBUTE
    if customer is None or cond.matcher is None:
        return False
    matcher = cond.matcher
    return any(matcher(customer.attributes, name) for name in cond.names)


def targets_of(
    rule: Rule, lines: Sequence[Line], total_raw: int, customer: CustomerView | None
) -> tuple[int, ...]:
    """Positions of the lines ``rule`` targets: not excluded, conditions true."""
    if not rule.has_conditions:
        allowed = rule.allowed_products
    elif rule.logic_or:
        if any(_cart_condition(c, lines, total_raw, customer) for c in rule.cart_conditions):
            allowed = rule.allowed_products
        else:
            allowed = rule.or_products
    elif all(_cart_condition(c, lines, total_raw, customer) for c in rule.cart_conditions):
        allowed = rule.and_products
    else:
        return ()
    return tuple(i for i, line in enumerate(lines) if line.item.key in allowed)


def _match_coupon(rules: Sequence[Rule], code: str | None, at: datetime) -> CouponMatch | None:
    """The discount a presented code belongs to, or a :class:`CouponError`."""
    if code is None or not code.strip():
        return None
    norm = normalise_code(code)
    for rule in rules:  # priority order: the first owner wins
        cdef = rule.coupons.get(norm)
        if cdef is None:
            continue
        if cdef.is_used and not cdef.is_reusable:
            raise CouponError("already_used", code, f"coupon {code.strip()!r} was already used")
        if _in_window(rule, at) is not None:
            raise CouponError(
                "expired", code, f"coupon {code.strip()!r} is outside its discount's dates"
            )
        return CouponMatch(cdef.code, norm, rule)
    raise CouponError("not_found", code, f"coupon {code.strip()!r} does not exist")


def _gate(
    rule: Rule,
    customer: CustomerView | None,
    at: datetime,
    coupon: CouponMatch | None,
    markers: frozenset[str],
) -> str | None:
    """Gates 2–6 (everything but the rule type and the cart)."""
    reason = _in_window(rule, at)
    if reason is not None:
        return reason
    if customer is not None and customer.key in rule.user_exclusions:
        return "user_excluded"
    if rule.user_groups:
        if customer is None:
            return "guest"
        if not (customer.groups & rule.user_groups):
            return "not_in_group"
    if rule.type == "PERSONAL_DISCOUNT" and customer is None:
        return "guest"
    if rule.coupons and (coupon is None or coupon.normalised not in rule.coupons):
        return "coupon_required"
    if rule.on_request and (rule.identifier is None or rule.identifier not in markers):
        return "not_requested"
    return None


def decide(
    rules: Sequence[Rule],
    lines: Sequence[Line],
    *,
    customer: CustomerView | None,
    at: datetime,
    coupon_code: str | None,
    markers: Sequence[str],
    allow_stacking: bool,
) -> Eligibility:
    """Run every rule through the gates, then pick what applies under the stacking setting."""
    coupon = _match_coupon(rules, coupon_code, at)
    marker_set = frozenset(markers)
    total_raw = sum(line.total for line in lines)

    verdicts: list[Verdict] = []
    accruing: list[Verdict] = []
    for rule in rules:
        reason = _gate(rule, customer, at, coupon, marker_set)
        targets: tuple[int, ...] = ()
        if reason is None:
            targets = targets_of(rule, lines, total_raw, customer)
            if not targets:
                reason = "conditions_not_met"
        if rule.type == "BONUS":
            if reason is None:
                accruing.append(Verdict(rule, None, targets))
            verdicts.append(Verdict(rule, "bonus_program", ()))
        else:
            verdicts.append(Verdict(rule, reason, targets))

    eligible = [v for v in verdicts if v.reason is None]
    if not allow_stacking and len(eligible) > 1:
        chosen = eligible[0]
        verdicts = [
            v if v.reason is not None or v is chosen else Verdict(v.rule, "stacking_disabled", ())
            for v in verdicts
        ]
        eligible = [chosen]
    selected = [v for v in eligible if v.rule.to_product] + [
        v for v in eligible if not v.rule.to_product
    ]

    known = {r.identifier for r in rules if r.identifier is not None}
    warnings = tuple(
        {"code": "unknown_marker", "marker": m} for m in dict.fromkeys(markers) if m not in known
    )
    return Eligibility(
        verdicts=tuple(verdicts),
        selected=tuple(selected),
        accruing=tuple(accruing),
        coupon=coupon,
        warnings=warnings,
    )
