"""Stage 2 — eligibility: the seven gates of docs/eligibility.md, coupons, markers, stacking.

The first failing gate is the reason reported. Gates are decided on the cart as
requested (before any gift replaces a paid unit): gates 1–6, the usage gates
(docs/usage-limits.md), gate 7, then ``tier_not_reached`` and ``buy_quantity_not_met``
(a tiered or buy-get discount measured on that cart, :mod:`.quantities`), then
``no_shipping``; only then does ``allowStacking: false`` pick its one discount.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from .._errors import CouponError, ScenarioError, quote
from .._limits import MAX_LINE_SHARES
from .._ruleset.gates import in_window, reason, usage_reason
from .._ruleset.index import RuleIndex
from .._ruleset.rules import Rule, micros, normalise_code
from .cart import Cart, LineQuantityCart
from .quantities import measure, unmet_reason
from .records import Line, Request, Target, UsageCounts, Verdict

__all__ = ["CouponMatch", "Eligibility", "decide"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CouponMatch:
    """The presented coupon code and the discount it belongs to."""

    code: str
    """The code as the discount defines it."""
    normalised: str
    rule: Rule


_UNASKED: Any = object()


class Eligibility:
    """What the gates decided: the discounts that apply, and every rule's verdict.

    Never changed once made. :attr:`verdicts` (one per rule, for the explanation) is
    worked out when first read: pricing needs only the discounts that apply, and a
    cart touches only the rules that can apply to it (:class:`RuleIndex`).
    """

    __slots__ = (
        "_codes",
        "_dropped",
        "_index",
        "_live",
        "_measured",
        "_now",
        "_passing",
        "_request",
        "_targeted",
        "_verdicts",
        "accruing",
        "applying",
        "coupon",
        "coupons",
        "to_order",
        "to_product",
        "to_shipping",
        "warnings",
    )

    # (At most 30 arguments and keyword names on the stack: past that, CPython builds a
    # dict for every call. The request stands for the customer, markers and counters.)
    def __init__(
        self,
        index: RuleIndex,
        request: Request,
        *,
        now: int,
        live: int,
        passing: int,
        targeted: dict[int, tuple[int, ...]],
        dropped: int,
        applying: tuple[Target, ...],
        to_product: tuple[Target, ...],
        to_order: tuple[Target, ...],
        accruing: tuple[Rule, ...],
        coupon: CouponMatch | None,
        codes: tuple[str, ...],
        warnings: tuple[Mapping[str, Any], ...],
        measured: Mapping[int, Rule | None] | None = None,
        to_shipping: tuple[Target, ...] = (),
        coupons: tuple[CouponMatch, ...] | None = None,
    ) -> None:
        self._index = index
        self._codes = codes
        """The presented codes that matched a discount, normalised (gate 5 reads them)."""
        self._measured = measured
        """Tiered and buy-get rules past gate 7: the rule the cart makes (``None``: unmet)."""
        self._now = now
        self._live = live
        self._passing = passing
        self._request = request
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
        """The first presented code's match (``None``: no code)."""
        self.warnings = warnings
        self.to_shipping = to_shipping
        """The ``TO_SHIPPING`` ones (applied after the cap, to the shipping lines)."""
        self.coupons = coupons
        """Every presented code's match, in order (``None``: ``couponCodes`` not given)."""

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        """Every rule's verdict, in priority order (``reason`` ``None``: it applies)."""
        if self._verdicts is None:
            verdicts = list(zip(self._index.rules, self.before_cart(), strict=True))
            for k, rule, failed in self.in_cart():
                verdicts[k] = (rule, failed)
            self._verdicts = tuple(verdicts)
        return self._verdicts

    # A rule's verdict is the first gate it fails, in two halves. Gates 1–6 and the
    # usage gates depend on the instant, the audience (what of the customer, codes and
    # markers some gate looks at) and the counters, not on the cart's lines: that half
    # is remembered per rule set, as carts priced at once share a few audiences.
    # Only the rules that matched the cart (gate 7) are judged per cart.

    def audience(self) -> Hashable | None:
        """What the reasons of :meth:`before_cart` depend on: the stretch of dates and
        the audience (``None``: the usage counters too, which are not remembered)."""
        index, request = self._index, self._request
        if request.usage is not None and index.usage_gates is not None:
            return None
        return (
            index.windows.stretch(self._now),
            index.gates.audience(request.customer, self._codes, request.markers),
        )

    def per_audience(
        self, memo: dict[Hashable, T], make: Callable[[tuple[str | None, ...]], T]
    ) -> T:
        """``make(self.before_cart())``, remembered in ``memo`` per audience as the
        reasons are: what a writer of the explanation makes of those reasons once, not
        once a cart."""
        key = self.audience()
        if key is not None and (made := memo.get(key)) is not None:
            return made  # (kept: no closure made)
        return _remembered(memo, key, lambda: make(self.before_cart(key)))

    def before_cart(self, key: Hashable | None = _UNASKED) -> tuple[str | None, ...]:
        """Every rule's reason from the gates before gate 7, in priority order;
        ``conditions_not_met`` for a rule that passes them (the verdicts of
        :meth:`in_cart` replace those that then matched the cart). ``key``: the
        :meth:`audience`, if at hand."""
        if key is _UNASKED:
            key = self.audience()
        return _remembered(self._index.before_cart, key, self._judge_before_cart)

    def _judge_before_cart(self) -> tuple[str | None, ...]:
        request, now, live, passing = self._request, self._now, self._live, self._passing
        codes = self._codes
        markers = frozenset(request.markers)
        customer, usage = request.customer, request.usage
        reasons: list[str | None] = []
        for k, rule in enumerate(self._index.rules):
            failed: str | None
            if rule.type == "BONUS":
                failed = "bonus_program"
            elif not live >> k & 1:
                failed = in_window(rule, now)
            elif not passing >> k & 1:
                failed = reason(rule, customer, codes, markers)
                if failed is None:  # the usage gates, between gate 6 and gate 7
                    counts = None if usage is None else usage.get(rule.usage_key)
                    failed = usage_reason(rule, customer, counts)
            else:
                failed = "conditions_not_met"  # unless it matched the cart
            reasons.append(failed)
        return tuple(reasons)

    def in_cart(self) -> list[tuple[int, Rule, str | None]]:
        """``(position, rule, reason)`` of each rule that passed the gates and matched
        the cart (but a ``BONUS`` program), in priority order: ``reason`` ``None``, it
        applies; ``rule``, on a tiered or buy-get discount, the rule the cart made."""
        rules, dropped, measured = self._index.rules, self._dropped, self._measured
        ships = bool(self._request.shipping_lines)
        judged = []
        for k in self._targeted:  # (filled in priority order)
            rule = rules[k]
            failed: str | None = None
            if rule.type == "BONUS":
                continue
            if dropped >> k & 1:
                failed = "stacking_disabled"
            else:
                if measured is not None and k in measured:  # after gate 7: a tier, sets
                    made = measured[k]
                    if made is None:
                        failed = unmet_reason(rule)
                    else:
                        rule = made
                if failed is None and rule.to_shipping and not ships:
                    failed = "no_shipping"
            judged.append((k, rule, failed))
        return judged


AUDIENCES_KEPT = 256
"""Audiences a rule set remembers the reasons before gate 7 of (and the writers the
entries made of them, the text some 50 KB an audience for 500 rules): each memo is
emptied when full. A shop meets a handful."""


def _remembered(memo: dict[Hashable, T], key: Hashable | None, make: Callable[[], T]) -> T:
    """``make()``, kept in ``memo`` under ``key`` (``None``: not kept), at most
    :data:`AUDIENCES_KEPT` of them."""
    if key is None:
        return make()
    made = memo.get(key)
    if made is None:
        made = make()
        if len(memo) >= AUDIENCES_KEPT:
            memo.clear()
        memo[key] = made
    return made


def _normalised(
    coupon: CouponMatch | None, coupons: tuple[CouponMatch, ...] | None
) -> tuple[str, ...]:
    """The normalised codes of the matches (``coupons``, or else the one ``coupon``)."""
    if coupons is not None:
        return tuple([c.normalised for c in coupons])
    return () if coupon is None else (coupon.normalised,)


_NO_CODES: tuple[str, ...] = ()


def _match_coupons(index: RuleIndex, request: Request, now: int) -> tuple[CouponMatch, ...]:
    """Every presented code's match, in order: ``couponCode``, then ``couponCodes``
    (a blank code is no code)."""
    codes = (request.coupon_code, *(request.coupon_codes or ()))
    return tuple(m for code in codes if (m := _match_coupon(index, code, now)) is not None)


def _unknown_usage(
    index: RuleIndex, usage: Mapping[str, UsageCounts] | None
) -> tuple[Mapping[str, Any], ...]:
    """``unknown_usage`` warnings: counters for a discount id the rule set does not have."""
    if not usage:
        return ()
    known = index.usage_keys
    return tuple({"code": "unknown_usage", "discountId": key} for key in usage if key not in known)


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
    """Gate 7 over the candidate rules, in priority order: the rules that target a line
    (and, for a ``TO_SHIPPING`` one, find shipping lines to apply to)."""

    __slots__ = (
        "accruing",
        "eligible",
        "eligible_bits",
        "measured",
        "targeted",
        "to_order",
        "to_product",
        "to_shipping",
    )

    def __init__(self, rules: tuple[Rule, ...], cart: Cart, candidates: int) -> None:
        self.targeted: dict[int, tuple[int, ...]] = {}
        self.measured: dict[int, Rule | None] | None = None
        """Tiered and buy-get rules past gate 7 (made when the first is met)."""
        self.eligible: list[Target] = []
        self.to_product: list[Target] = []
        self.to_order: list[Target] = []
        self.to_shipping: list[Target] = []
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
                    if rule.measure is not None:  # tiers: it accrues at the tier reached
                        tier = measure(rule, targets, cart.lines, cart.targets_of)
                        if tier is None:
                            continue
                        rule = tier
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

    def split_shipping(self, rules: tuple[Rule, ...], ships: object) -> None:
        """Move the ``TO_SHIPPING`` rules from ``to_order`` to ``to_shipping``; without
        shipping lines they are not eligible (``no_shipping``, after gate 7)."""
        if not any(rule.to_shipping for rule, _ in self.to_order):
            return
        if ships:
            self.to_shipping = [t for t in self.to_order if t[0].to_shipping]
        else:
            self.eligible = [t for t in self.eligible if not t[0].to_shipping]
            for k in self.targeted:
                if rules[k].to_shipping:
                    self.eligible_bits &= ~(1 << k)
        self.to_order = [t for t in self.to_order if not t[0].to_shipping]

    def keep_first(self) -> int:
        """Stacking off: keep only the highest-priority eligible discount; the dropped mask."""
        if len(self.eligible) <= 1:
            return 0
        bits = self.eligible_bits
        dropped = bits ^ (bits & -bits)
        self.eligible = first = self.eligible[:1]
        rule = first[0][0]
        self.to_product = first if rule.to_product else []
        self.to_shipping = first if rule.to_shipping else []
        self.to_order = [] if rule.to_product or rule.to_shipping else first
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


def _hold_shares(eligible: Sequence[Target], shipping_lines: int) -> None:
    """At most :data:`MAX_LINE_SHARES` shares in one preview: each applying discount's
    targeted lines (a shipping discount's: the shipping lines), summed."""
    shares = sum(shipping_lines if rule.to_shipping else len(targets) for rule, targets in eligible)
    if shares > MAX_LINE_SHARES:
        raise ScenarioError(
            "discounts",
            f"{shares:,} shares in one preview (each discount that applies, on each line it "
            f"targets): at most {MAX_LINE_SHARES:,}",
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
    if request.coupon_codes is None:
        coupons = None
        coupon = _match_coupon(index, request.coupon_code, now)
        codes = _NO_CODES if coupon is None else (coupon.normalised,)
    else:
        coupons = _match_coupons(index, request, now)
        coupon = coupons[0] if coupons else None
        codes = _normalised(coupon, coupons)
    live = index.windows.live(now)
    passing = live & ~index.gates.blocked(customer, codes, markers)
    if index.usage_gates is not None:
        passing &= ~index.usage_gates.blocked(customer, request.usage)
    cart = (LineQuantityCart if index.line_quantities else Cart)(lines, customer)
    matched = _Matched(index.rules, cart, passing & _reach(index, lines))
    if index.ships:
        matched.split_shipping(index.rules, request.shipping_lines)
    dropped = 0 if allow_stacking else matched.keep_first()
    ships = len(request.shipping_lines)
    if max(len(lines), ships) * len(matched.eligible) > MAX_LINE_SHARES:  # (else not over)
        _hold_shares(matched.eligible, ships)
    if coupon is not None and matched.measured is not None:
        coupon = _measured_coupon(index, coupon, matched.measured)
        if coupons:
            coupons = tuple(_measured_coupon(index, c, matched.measured) for c in coupons)
    warnings = index.warnings + _unknown_markers(index, markers) if markers else index.warnings
    if request.usage:
        warnings += _unknown_usage(index, request.usage)
    return Eligibility(
        index,
        request,
        now=now,
        live=live,
        passing=passing,
        targeted=matched.targeted,
        dropped=dropped,
        applying=tuple(matched.eligible),
        to_product=tuple(matched.to_product),
        to_order=tuple(matched.to_order),
        accruing=tuple(matched.accruing),
        coupon=coupon,
        codes=codes,
        warnings=warnings,
        measured=matched.measured,
        to_shipping=tuple(matched.to_shipping) if index.ships else (),
        coupons=coupons,
    )
