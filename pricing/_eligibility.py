"""Stage 2 — eligibility: the seven gates of SPEC §5, coupons, markers, stacking.

The first failing gate is the reason reported. Gates are decided on the cart as
requested (before any gift replaces a paid unit).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from ._compile import Rule, RuleIndex, micros, normalise_code
from ._errors import CouponError
from ._lines import CustomerView, Line

__all__ = ["CouponMatch", "Eligibility", "Target", "Verdict", "decide"]


@dataclass(slots=True)
class Verdict:
    """One rule's outcome of the gates: ``reason`` is ``None`` when it applies.

    Made when a result's explanation is read (see :attr:`Eligibility.verdicts`).
    Never changed once made; not ``frozen`` because a frozen dataclass is several
    times slower to build, and one is made per rule.
    """

    rule: Rule
    reason: str | None
    targets: tuple[int, ...]
    """Positions (in the line tuple) of the targeted lines."""


Target = tuple[Rule, tuple[int, ...]]
"""A discount that applies, and the positions of the lines it targets."""


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
    ) -> None:
        self._rules = rules
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
        """The ``TO_PRODUCT`` ones among them (applied first, SPEC §6)."""
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
            return Verdict(rule, _in_window(rule, self._now), ())
        if not self._passing >> k & 1:
            return Verdict(rule, _gate(rule, self._customer, self.coupon, markers), ())
        if self._dropped >> k & 1:
            return Verdict(rule, "stacking_disabled", ())
        targets = self._targeted.get(k)
        return Verdict(rule, None if targets else "conditions_not_met", targets or ())


def _in_window(rule: Rule, now: int) -> str | None:
    """Gate 2, with ``now`` and the rule's dates in microseconds since the epoch."""
    if rule.start_us is not None and now < rule.start_us:
        return "not_started"
    if rule.end_us is not None and now >= rule.end_us:
        return "expired"
    return None


class _Cart:
    """What the conditions ask of a cart, computed once per preview (a ``CartFacts``)."""

    __slots__ = (
        "_total_raw",
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

    def targets_of(self, rule: Rule) -> tuple[int, ...]:
        """Positions of the lines ``rule`` targets: not excluded, conditions true (SPEC §3)."""
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


def _match_coupon(index: RuleIndex, code: str | None, now: int) -> CouponMatch | None:
    """The discount a presented code belongs to, or a :class:`CouponError`."""
    if code is None or not code.strip():
        return None
    norm = normalise_code(code)
    owner = index.coupon_owners.get(norm)  # the first owner in priority order
    if owner is None:
        raise CouponError("not_found", code, f"coupon {code.strip()!r} does not exist")
    rule = index.rules[owner]
    cdef = rule.coupons[norm]
    if cdef.is_used and not cdef.is_reusable:
        raise CouponError("already_used", code, f"coupon {code.strip()!r} was already used")
    if _in_window(rule, now) is not None:
        raise CouponError(
            "expired", code, f"coupon {code.strip()!r} is outside its discount's dates"
        )
    return CouponMatch(cdef.code, norm, rule)


def _gate(
    rule: Rule,
    customer: CustomerView | None,
    coupon: CouponMatch | None,
    markers: frozenset[str],
) -> str | None:
    """Gates 3–6 (audience, coupons, activation): the first that ``rule`` fails.

    The reason shown for a rule that :func:`_passing`'s masks stopped; the two must
    agree (a test holds them to it).
    """
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


def _passing(
    index: RuleIndex,
    live: int,
    customer: CustomerView | None,
    coupon: CouponMatch | None,
    markers: Sequence[str],
) -> int:
    """The live rules that pass gates 3–6, as a mask (the reasons of the others: :func:`_gate`)."""
    blocked = index.coupon_needed
    if coupon is not None:
        blocked &= ~index.by_coupon.get(coupon.normalised, 0)
    if customer is None:
        blocked |= index.needs_customer
    else:
        blocked |= index.excluding.get(customer.key, 0)
        if index.grouped:
            admitted = 0
            for group in customer.groups:
                admitted |= index.by_group.get(group, 0)
            blocked |= index.grouped & ~admitted
    if index.on_request:
        asked = 0
        for marker in markers:
            asked |= index.by_marker.get(marker, 0)
        blocked |= index.on_request & ~asked
    return live & ~blocked


def decide(
    index: RuleIndex,
    lines: Sequence[Line],
    *,
    customer: CustomerView | None,
    at: datetime,
    coupon_code: str | None,
    markers: Sequence[str],
    allow_stacking: bool,
) -> Eligibility:
    """Run the rules through the gates, then pick what applies under the stacking setting.

    The gates are asked of all rules at once, as masks (:class:`RuleIndex`); only the
    rules that pass them and can reach a product of the cart are matched against it
    (gate 7). Why each other rule failed is worked out when the verdicts are read.
    """
    rules = index.rules
    now = micros(at)
    coupon = _match_coupon(index, coupon_code, now)
    cart = _Cart(lines, customer)
    live = index.live[bisect_right(index.instants, now)]
    passing = _passing(index, live, customer, coupon, markers)
    reach = 0
    if lines:
        reach = index.reach_all
        by_product = index.reach
        for line in lines:
            reach |= by_product[line.item.index]

    targeted: dict[int, tuple[int, ...]] = {}
    eligible: list[Target] = []
    to_product: list[Target] = []
    to_order: list[Target] = []
    eligible_bits = 0
    accruing: list[Rule] = []
    candidates = passing & reach
    while candidates:  # in priority order: the lowest bit first
        low = candidates & -candidates
        candidates ^= low
        k = low.bit_length() - 1
        rule = rules[k]
        targets = cart.targets_of(rule)
        if targets:
            targeted[k] = targets
            if rule.type == "BONUS":
                accruing.append(rule)
            else:
                target = (rule, targets)
                eligible.append(target)
                (to_product if rule.to_product else to_order).append(target)
                eligible_bits |= low

    dropped = 0
    if not allow_stacking and len(eligible) > 1:
        first = eligible_bits & -eligible_bits  # the highest priority
        dropped = eligible_bits ^ first
        eligible = eligible[:1]
        to_product, to_order = (eligible, []) if eligible[0][0].to_product else ([], eligible)

    warnings: tuple[Mapping[str, Any], ...] = ()
    if markers:
        warnings = tuple(
            {"code": "unknown_marker", "marker": m}
            for m in dict.fromkeys(markers)
            if m not in index.identifiers
        )
    return Eligibility(
        rules,
        now=now,
        live=live,
        passing=passing,
        customer=customer,
        markers=markers,
        targeted=targeted,
        dropped=dropped,
        applying=tuple(eligible),
        to_product=tuple(to_product),
        to_order=tuple(to_order),
        accruing=tuple(accruing),
        coupon=coupon,
        warnings=warnings,
    )
