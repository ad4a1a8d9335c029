"""Stage 2 — eligibility: the seven gates of docs/eligibility.md, coupons, markers, stacking.

The first failing gate is the reason reported. Gates are decided on the cart as
requested (before any gift replaces a paid unit). After gate 7, a tiered or buy-get
discount is measured on that cart (:mod:`.quantities`): ``tier_not_reached`` and
``buy_quantity_not_met`` come before the ``allowStacking: false`` pick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from .._errors import CouponError, quote
from .._ruleset.conditions import Targeting
from .._ruleset.gates import in_window, reason
from .._ruleset.index import RuleIndex
from .._ruleset.rules import Rule, micros, normalise_code
from .quantities import measure, unmet_reason
from .records import CustomerView, Line, Request, Target, Verdict

__all__ = ["CouponMatch", "Eligibility", "decide"]


@dataclass(frozen=True, slots=True)
class CouponMatch:
    """The presented coupon code and the discount it belongs to."""

    code: str
    """The code as the discount defines it."""
    normalised: str
    rule: Rule


class Eligibility:
    """What the gates decided: the discounts that apply, and every rule's verdict.

    Never changed once made. :attr:`verdicts` (one per rule, for the explanation) is
    worked out when first read: pricing needs only the discounts that apply, and a
    cart touches only the rules that can apply to it (:class:`RuleIndex`).
    """

    __slots__ = (
        "_customer",
        "_dropped",
        "_live",
        "_markers",
        "_measured",
        "_now",
        "_passing",
        "_rules",
        "_targeted",
        "_verdicts",
        "accruing",
        "applying",
        "coupon",
        "to_order",
        "to_product",
        "warnings",
    )

    def __init__(
        self,
        rules: tuple[Rule, ...],
        *,
        now: int,
        live: int,
        passing: int,
        customer: CustomerView | None,
        markers: Sequence[str],
        targeted: dict[int, tuple[int, ...]],
        dropped: int,
        applying: tuple[Target, ...],
        to_product: tuple[Target, ...],
        to_order: tuple[Target, ...],
        accruing: tuple[Rule, ...],
        coupon: CouponMatch | None,
        warnings: tuple[Mapping[str, Any], ...],
        measured: Mapping[int, Rule | None] | None = None,
    ) -> None:
        self._rules = rules
        self._measured = measured
        """Tiered and buy-get rules past gate 7: the rule the cart makes (``None``: unmet)."""
        self._now = now
        self._live = live
        self._passing = passing
        self._customer = customer
        self._markers = markers
        self._targeted = targeted
        self._dropped = dropped
        self._verdicts: tuple[Verdict, ...] | None = None
        self.applying = applying
        """Price discounts that apply, with their targeted lines, in priority order."""
        self.to_product = to_product
        """The ``TO_PRODUCT`` ones among them (applied first, docs/stacking-and-cap.md)."""
        self.to_order = to_order
        """The ``TO_ORDER`` ones (applied after)."""
        self.accruing = accruing
        """``BONUS`` programs whose gates 2–7 pass (for ``bonusAccrual``)."""
        self.coupon = coupon
        self.warnings = warnings

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Every rule's verdict, in priority order (``reason`` ``None``: it applies)."""
        if self._verdicts is None:
            markers = frozenset(self._markers)
            self._verdicts = tuple(
                self._verdict(k, rule, markers) for k, rule in enumerate(self._rules)
            )
        return self._verdicts

    def _verdict(self, k: int, rule: Rule, markers: frozenset[str]) -> Verdict:
        if rule.type == "BONUS":
            return Verdict(rule, "bonus_program", ())
        if not self._live >> k & 1:
            return Verdict(rule, in_window(rule, self._now), ())
        if not self._passing >> k & 1:
            code = None if self.coupon is None else self.coupon.normalised
            return Verdict(rule, reason(rule, self._customer, code, markers), ())
        # (usage gates, between gate 6 and gate 7, are to come here)
        if self._dropped >> k & 1:
            return Verdict(rule, "stacking_disabled", ())
        targets = self._targeted.get(k)
        measured = self._measured
        if targets and measured is not None and k in measured:  # after gate 7: a tier, sets
            made = measured[k]
            return (
                Verdict(rule, unmet_reason(rule), ())
                if made is None
                else Verdict(made, None, targets)
            )
        return Verdict(rule, None if targets else "conditions_not_met", targets or ())


class _Cart:
    """What the conditions ask of a cart, computed once per preview (a ``CartFacts``)."""

    __slots__ = (
        "_total_raw",
        "_units",
        "all_positions",
        "attributes",
        "bits",
        "line_of",
        "lines",
        "ltv",
        "mask",
    )

    def __init__(self, lines: Sequence[Line], customer: CustomerView | None) -> None:
        self.lines = lines
        self._total_raw: int | None = None
        self._units: int | None = None
        self.ltv = None if customer is None else customer.ltv
        self.attributes = None if customer is None else customer.attributes
        self.bits = [line.item.bit for line in lines]
        """Each line's product bit (see :class:`CompiledCatalog`)."""
        self.mask = reduce(or_, self.bits, 0)
        """The products in the cart, as a mask."""
        self.all_positions = positions = tuple(range(len(lines)))
        line_of = dict(zip(self.bits, positions, strict=True))
        self.line_of = line_of if len(line_of) == len(lines) else None
        """A product's bit → the position of its line, when no product is on two lines."""

    def total_raw(self) -> int:
        """Σ unit price × quantity (for ``MIN_CART_AMOUNT``), worked out when first asked."""
        if self._total_raw is None:
            self._total_raw = sum([line.unit_price * line.quantity for line in self.lines])
        return self._total_raw

    def units(self, mask: int) -> int:
        """Σ quantity of the lines whose product is in ``mask`` (quantity conditions)."""
        if mask & self.mask == self.mask:  # every line: the cart's units, worked out once
            if self._units is None:
                self._units = sum([line.quantity for line in self.lines])
            return self._units
        return sum(
            [line.quantity for line, bit in zip(self.lines, self.bits, strict=True) if bit & mask]
        )

    def lines_of(self, hits: int) -> tuple[int, ...]:
        """Positions, in request order, of the lines holding one of ``hits`` (a mask of
        products in the cart)."""
        if hits == self.mask:
            return self.all_positions
        line_of = self.line_of
        if line_of is not None:  # each product on one line (the common cart)
            if hits & (hits - 1) == 0:
                return (line_of[hits],)
            if hits.bit_count() * 4 < len(line_of):
                found = []
                while hits:
                    bit = hits & -hits  # the lowest product left
                    found.append(line_of[bit])
                    hits ^= bit
                found.sort()
                return tuple(found)
        return tuple([i for i, bit in enumerate(self.bits) if bit & hits])

    def targets_of(self, rule: Rule | Targeting) -> tuple[int, ...]:
        """Positions of the lines ``rule`` targets, not excluded and conditions true
        (docs/eligibility.md)."""
        mask = self.mask
        if not rule.has_conditions:
            hits = rule.allowed_mask & mask
        elif rule.logic_or:  # some condition true: a cart-level one true for every line
            products = rule.or_mask
            for cond in rule.cart_conditions:
                if cond.test(self):
                    products = rule.allowed_mask
                    break
            hits = products & mask
        else:  # every condition true: a cart-level one false for every line
            hits = rule.and_mask & mask
            if not hits:
                return ()  # no line passes the product-level conditions
            for cond in rule.cart_conditions:
                if not cond.test(self):
                    return ()
        return self.lines_of(hits) if hits else ()


class _LineQuantityCart(_Cart):
    """The cart of a rule set with ``LINE_QUANTITY`` conditions: the one condition that
    depends on the line itself (its quantity). Rule sets without them use :class:`_Cart`,
    whose matching has no such check to make."""

    __slots__ = ()

    def targets_of(self, rule: Rule | Targeting) -> tuple[int, ...]:
        """The lines the other conditions give, and the rule's least line quantity:
        under AND a line needs it too; under OR it is enough (for a line not excluded)."""
        found = _Cart.targets_of(self, rule)
        least = rule.line_quantity
        if not least:
            return found
        lines = self.lines
        if not rule.logic_or:
            return tuple([i for i in found if lines[i].quantity >= least])
        allowed, given = rule.allowed_mask, frozenset(found)
        return tuple(
            [
                i
                for i, bit in enumerate(self.bits)
                if i in given or (bit & allowed and lines[i].quantity >= least)
            ]
        )


def _match_coupon(index: RuleIndex, code: str | None, now: int) -> CouponMatch | None:
    """The discount a presented code belongs to, or a :class:`CouponError`."""
    if code is None or not code.strip():
        return None
    norm = normalise_code(code)
    owner = index.coupon_owners.get(norm)  # the first owner in priority order
    if owner is None:
        raise CouponError("not_found", code, f"coupon {quote(code.strip())} does not exist")
    rule = index.rules[owner]
    cdef = rule.coupons[norm]
    if cdef.is_used and not cdef.is_reusable:
        raise CouponError("already_used", code, f"coupon {quote(code.strip())} was already used")
    if in_window(rule, now) is not None:
        raise CouponError(
            "expired", code, f"coupon {quote(code.strip())} is outside its discount's dates"
        )
    return CouponMatch(cdef.code, norm, rule)


def _reach(index: RuleIndex, lines: Sequence[Line]) -> int:
    """The rules that may target some product of the cart."""
    if not lines:
        return 0
    reach = index.reach_all
    by_product = index.reach
    for line in lines:
        reach |= by_product[line.item.index]
    return reach


class _Matched:
    """Gate 7 over the candidate rules, in priority order: the rules that target a line."""

    __slots__ = (
        "accruing",
        "eligible",
        "eligible_bits",
        "measured",
        "targeted",
        "to_order",
        "to_product",
    )

    def __init__(self, rules: tuple[Rule, ...], cart: _Cart, candidates: int) -> None:
        self.targeted: dict[int, tuple[int, ...]] = {}
        self.measured: dict[int, Rule | None] | None = None
        """Tiered and buy-get rules past gate 7 (made when the first is met)."""
        self.eligible: list[Target] = []
        self.to_product: list[Target] = []
        self.to_order: list[Target] = []
        self.eligible_bits = 0
        self.accruing: list[Rule] = []
        while candidates:  # in priority order: the lowest bit first
            low = candidates & -candidates
            candidates ^= low
            k = low.bit_length() - 1
            rule = rules[k]
            targets = cart.targets_of(rule)
            if targets:
                self.targeted[k] = targets
                if rule.type == "BONUS":
                    self.accruing.append(rule)
                else:
                    if rule.measure is not None:  # a tier to reach, sets to make
                        made = measure(rule, targets, cart.lines, cart.targets_of)
                        if self.measured is None:
                            self.measured = {}
                        self.measured[k] = made
                        if made is None:
                            continue
                        rule = made
                    target = (rule, targets)
                    self.eligible.append(target)
                    (self.to_product if rule.to_product else self.to_order).append(target)
                    self.eligible_bits |= low

    def keep_first(self) -> int:
        """Stacking off: keep only the highest-priority eligible discount; the dropped mask."""
        if len(self.eligible) <= 1:
            return 0
        bits = self.eligible_bits
        dropped = bits ^ (bits & -bits)
        self.eligible = first = self.eligible[:1]
        self.to_product, self.to_order = (first, []) if first[0][0].to_product else ([], first)
        return dropped


def _measured_coupon(
    index: RuleIndex, coupon: CouponMatch, measured: Mapping[int, Rule | None]
) -> CouponMatch:
    """The coupon's match naming the rule that applies for this cart (its tier's, or its
    buy-get's), so that the result finds it applied."""
    made = measured.get(index.coupon_owners[coupon.normalised])
    return coupon if made is None else CouponMatch(coupon.code, coupon.normalised, made)


def _unknown_markers(index: RuleIndex, markers: Sequence[str]) -> tuple[Mapping[str, Any], ...]:
    return tuple(
        {"code": "unknown_marker", "marker": m}
        for m in dict.fromkeys(markers)
        if m not in index.identifiers
    )


def decide(
    index: RuleIndex, request: Request, *, at: datetime, allow_stacking: bool
) -> Eligibility:
    """Run the rules through the gates, then pick what applies under the stacking setting.

    The gates are asked of all rules at once, as masks (:mod:`pricing._ruleset.gates`);
    only the rules that pass them and can reach a product of the cart are matched
    against it (gate 7). Why each other rule failed is worked out when the verdicts
    are read.
    """
    lines, customer, markers = request.lines, request.customer, request.markers
    now = micros(at)
    coupon = _match_coupon(index, request.coupon_code, now)
    live = index.windows.live(now)
    code = None if coupon is None else coupon.normalised
    # (usage gates, between gate 6 and gate 7, are to narrow ``passing`` here)
    passing = live & ~index.gates.blocked(customer, code, markers)
    cart = (_LineQuantityCart if index.line_quantities else _Cart)(lines, customer)
    matched = _Matched(index.rules, cart, passing & _reach(index, lines))
    dropped = 0 if allow_stacking else matched.keep_first()
    if coupon is not None and matched.measured is not None:
        coupon = _measured_coupon(index, coupon, matched.measured)
    return Eligibility(
        index.rules,
        now=now,
        live=live,
        passing=passing,
        customer=customer,
        markers=markers,
        targeted=matched.targeted,
        dropped=dropped,
        applying=tuple(matched.eligible),
        to_product=tuple(matched.to_product),
        to_order=tuple(matched.to_order),
        accruing=tuple(matched.accruing),
        coupon=coupon,
        warnings=index.warnings + _unknown_markers(index, markers) if markers else index.warnings,
        measured=matched.measured,
    )
