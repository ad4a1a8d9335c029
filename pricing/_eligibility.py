"""Stage 2 — eligibility: the seven gates of SPEC §5, coupons, markers, stacking.

The first failing gate is the reason reported. Gates are decided on the cart as
requested (before any gift replaces a paid unit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from ._compile import CartCondition, Rule, micros, normalise_code
from ._errors import CouponError
from ._lines import CustomerView, Line

__all__ = ["CouponMatch", "Eligibility", "Verdict", "decide"]


@dataclass(slots=True)
class Verdict:
    """One rule's outcome of the gates: ``reason`` is ``None`` when it may apply.

    Never changed once made; not ``frozen`` only because one is made per rule per
    preview, and a frozen dataclass is several times slower to build.
    """

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


@dataclass(slots=True)
class Eligibility:
    """All verdicts in priority order, and what was said about the request.

    Never changed once made (not ``frozen``, which is slow to build, as :class:`Verdict`).
    """

    verdicts: tuple[Verdict, ...]
    selected: tuple[Verdict, ...]
    """Price discounts that apply, in application order (TO_PRODUCT first)."""
    accruing: tuple[Verdict, ...]
    """``BONUS`` programs whose gates 2–7 pass (for ``bonusAccrual``)."""
    coupon: CouponMatch | None
    warnings: tuple[Mapping[str, Any], ...]


def _in_window(rule: Rule, now: int) -> str | None:
    """Gate 2, with ``now`` and the rule's dates in microseconds since the epoch."""
    if rule.start_us is not None and now < rule.start_us:
        return "not_started"
    if rule.end_us is not None and now >= rule.end_us:
        return "expired"
    return None


class _Cart:
    """What the conditions ask of a cart, computed once per preview."""

    __slots__ = ("all_positions", "bits", "customer", "mask", "positions", "total_raw")

    def __init__(self, lines: Sequence[Line], customer: CustomerView | None) -> None:
        self.customer = customer
        self.total_raw = sum([line.unit_price * line.quantity for line in lines])
        self.bits = [line.item.bit for line in lines]
        """Each line's product bit (see :class:`CompiledCatalog`)."""
        self.mask = reduce(or_, self.bits, 0)
        """The products in the cart, as a mask."""
        self.positions: dict[int, list[int]] | None = None
        """A product's bit → the positions of the lines holding it (made when needed)."""
        self.all_positions = tuple(range(len(lines)))

    def lines_of(self, products: int) -> tuple[int, ...]:
        """Positions, in request order, of the lines holding one of ``products`` (a mask)."""
        hits = products & self.mask
        if hits == self.mask:
            return self.all_positions
        if hits.bit_count() * 4 >= len(self.bits):  # many: test each line
            return tuple([i for i, bit in enumerate(self.bits) if bit & hits])
        positions = self.positions
        if positions is None:
            positions = self.positions = {}
            for i, bit in enumerate(self.bits):
                positions.setdefault(bit, []).append(i)
        found: list[int] = []  # few: walk the products hit
        while hits:
            bit = hits & -hits  # the lowest product left
            found += positions[bit]
            hits ^= bit
        found.sort()
        return tuple(found)

    def satisfies(self, cond: CartCondition) -> bool:
        """Whether a cart-level condition holds (the same answer for every line)."""
        kind = cond.kind
        if kind in ("PRODUCT_IN_CART", "CATEGORY_IN_CART"):
            return bool(cond.mask & self.mask)
        if kind == "MIN_CART_AMOUNT":
            return self.total_raw >= cond.amount
        customer = self.customer
        if kind == "USER_LTV":
            return customer is not None and customer.ltv is not None and customer.ltv >= cond.amount
        # USER_ATTRIBUTE
        if customer is None or cond.matcher is None:
            return False
        matcher = cond.matcher
        return any(matcher(customer.attributes, name) for name in cond.names)

    def targets_of(self, rule: Rule) -> tuple[int, ...]:
        """Positions of the lines ``rule`` targets: not excluded, conditions true (SPEC §3)."""
        if not rule.has_conditions:
            products = rule.allowed_mask
        elif rule.logic_or:  # some condition true: a cart-level one true for every line
            products = rule.or_mask
            for cond in rule.cart_conditions:
                if self.satisfies(cond):
                    products = rule.allowed_mask
                    break
        else:  # every condition true: a cart-level one false for every line
            if not rule.and_mask & self.mask:
                return ()  # no line passes the product-level conditions
            for cond in rule.cart_conditions:
                if not self.satisfies(cond):
                    return ()
            products = rule.and_mask
        if not products & self.mask:
            return ()
        return self.lines_of(products)


def _match_coupon(rules: Sequence[Rule], code: str | None, now: int) -> CouponMatch | None:
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
        if _in_window(rule, now) is not None:
            raise CouponError(
                "expired", code, f"coupon {code.strip()!r} is outside its discount's dates"
            )
        return CouponMatch(cdef.code, norm, rule)
    raise CouponError("not_found", code, f"coupon {code.strip()!r} does not exist")


def _gate(
    rule: Rule,
    customer: CustomerView | None,
    coupon: CouponMatch | None,
    markers: frozenset[str],
) -> str | None:
    """Gates 3–6: audience, coupons, activation (only for rules that have any)."""
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
    now = micros(at)
    coupon = _match_coupon(rules, coupon_code, now)
    marker_set = frozenset(markers)
    cart = _Cart(lines, customer)

    verdicts: list[Verdict] = []
    eligible: list[Verdict] = []
    accruing: list[Verdict] = []
    for rule in rules:
        # Gate 2 inline (as _in_window): it runs for every rule of every preview.
        if rule.start_us is not None and now < rule.start_us:
            reason: str | None = "not_started"
        elif rule.end_us is not None and now >= rule.end_us:
            reason = "expired"
        elif rule.gated:
            reason = _gate(rule, customer, coupon, marker_set)
        else:
            reason = None
        targets: tuple[int, ...] = ()
        if reason is None:
            # A cart holding none of the products the rule can reach is not targeted.
            targets = cart.targets_of(rule) if rule.reach_mask & cart.mask else ()
            if not targets:
                reason = "conditions_not_met"
        if rule.type == "BONUS":
            if reason is None:
                accruing.append(Verdict(rule, None, targets))
            verdicts.append(Verdict(rule, "bonus_program", ()))
        else:
            verdict = Verdict(rule, reason, targets)
            verdicts.append(verdict)
            if reason is None:
                eligible.append(verdict)

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

    warnings: tuple[Mapping[str, Any], ...] = ()
    if markers:
        known = {r.identifier for r in rules if r.identifier is not None}
        warnings = tuple(
            {"code": "unknown_marker", "marker": m}
            for m in dict.fromkeys(markers)
            if m not in known
        )
    return Eligibility(
        verdicts=tuple(verdicts),
        selected=tuple(selected),
        accruing=tuple(accruing),
        coupon=coupon,
        warnings=warnings,
    )
