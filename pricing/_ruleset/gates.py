"""The gates a discount passes before it can apply, each with its mask and its reason.

Gates are asked of all rules at once: each is indexed here once per rule set, so
that for a cart it yields the mask of the rules it blocks (bit ``k`` stands for the
rule of priority ``k``). Why one rule failed is asked only when the explanation is
read, by :func:`reason`, which takes the gates in the same order as the masks: the
two halves of each gate sit side by side below, and a property test holds them to
agree. A new gate is added to :class:`Gates` (its index), :meth:`Gates.blocked` and
:func:`reason`, in the place its order says, and what it reads to
:meth:`Gates.audience` (the key under which reasons are remembered).

The order (the first failing gate is the reason reported): 1 ``bonus_program``
(a ``BONUS`` type), 2 ``not_started`` / ``expired`` (:class:`Windows`), 3
``user_excluded``, 4 ``guest`` / ``not_in_group``, 5 ``coupon_required``, 6
``not_requested``; then the usage gates (:class:`UsageGates`):
``usage_limit_reached``, ``guest`` / ``customer_limit_reached``,
``budget_exhausted``; gate 7 (``conditions_not_met``) is the cart match of the
eligibility stage.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .rules import Rule

if TYPE_CHECKING:
    from .._stages.records import CustomerView, UsageCounts

__all__ = ["Gates", "UsageGates", "Windows", "in_window", "reason", "usage_reason"]


def _add(masks: dict[str, int], key: str, bit: int) -> None:
    masks[key] = masks.get(key, 0) | bit


# ---------------------------------------------------------------------------
# gate 2: the date window


def in_window(rule: Rule, now: int) -> str | None:
    """Gate 2's reason, with ``now`` and the rule's dates in microseconds since the epoch."""
    if rule.start_us is not None and now < rule.start_us:
        return "not_started"
    if rule.end_us is not None and now >= rule.end_us:
        return "expired"
    return None


@dataclass(frozen=True, slots=True)
class Windows:
    """Gate 2 as masks: the rules within their dates, per stretch between two dates."""

    instants: tuple[int, ...]
    """Every start and end date (µs), sorted: between two, no rule enters or leaves its window."""
    stretches: tuple[int, ...]
    """The rules within their dates, per stretch: ``stretches[bisect_right(instants, now)]``."""

    @classmethod
    def build(cls, rules: Sequence[Rule]) -> Windows:
        """Sweep the instants in order: a rule is live from its start (inclusive) to its
        end (exclusive)."""
        starts: dict[int, int] = {}
        ends: dict[int, int] = {}
        live = 0  # the rules live before the first instant: no start
        for k, rule in enumerate(rules):
            bit = 1 << k
            start, end = rule.start_us, rule.end_us
            if start is None:
                live |= bit
            else:
                starts[start] = starts.get(start, 0) | bit
            if end is not None:
                ends[end] = ends.get(end, 0) | bit
        instants = sorted(starts.keys() | ends.keys())
        stretches = [live]
        for t in instants:
            live = (live | starts.get(t, 0)) & ~ends.get(t, 0)
            stretches.append(live)
        return cls(tuple(instants), tuple(stretches))

    def live(self, now: int) -> int:
        """The rules within their dates at ``now`` (µs since the epoch)."""
        return self.stretches[bisect_right(self.instants, now)]

    def stretch(self, now: int) -> int:
        """Which stretch between two dates ``now`` is in: within one, each rule's gate 2
        reason is the same."""
        return bisect_right(self.instants, now)


# ---------------------------------------------------------------------------
# gates 3–6: audience, coupon, activation


@dataclass(frozen=True, slots=True)
class Gates:
    """Gates 3–6 indexed by what opens them (a customer, a group, a code, a marker)."""

    excluding: Mapping[str, int]
    """Gate 3: customer key → the rules that exclude that customer."""
    needs_customer: int
    """Gate 4: rules a guest never passes (user groups, personal discounts)."""
    grouped: int
    """Gate 4: rules for some user groups only..."""
    by_group: Mapping[str, int]
    """...and, per group key, those of them that admit the group."""
    coupon_needed: int
    """Gate 5: rules that need a coupon..."""
    by_coupon: Mapping[str, int]
    """...and, per normalised code, those of them it opens."""
    on_request: int
    """Gate 6: rules applied only on request..."""
    by_marker: Mapping[str, int]
    """...and, per marker, those of them it asks for."""

    @classmethod
    def build(cls, rules: Sequence[Rule]) -> Gates:
        """Index every rule under the keys that open its gates."""
        excluding: dict[str, int] = {}
        by_group: dict[str, int] = {}
        by_coupon: dict[str, int] = {}
        by_marker: dict[str, int] = {}
        needs_customer = grouped = coupon_needed = on_request = 0
        for k, rule in enumerate(rules):
            bit = 1 << k
            for key in rule.user_exclusions:
                _add(excluding, key, bit)
            if rule.user_groups or rule.type == "PERSONAL_DISCOUNT":
                needs_customer |= bit
            if rule.user_groups:
                grouped |= bit
                for key in rule.user_groups:
                    _add(by_group, key, bit)
            if rule.coupons:
                coupon_needed |= bit
                for code in rule.coupons:
                    _add(by_coupon, code, bit)
            if rule.on_request:
                on_request |= bit
                if rule.identifier is not None:
                    _add(by_marker, rule.identifier, bit)
        return cls(
            excluding, needs_customer, grouped, by_group, coupon_needed, by_coupon,
            on_request, by_marker,
        )  # fmt: skip

    def blocked(
        self, customer: CustomerView | None, codes: Sequence[str], markers: Sequence[str]
    ) -> int:
        """The rules that gates 3–6 stop for this customer, normalised codes and markers."""
        blocked = self.coupon_needed  # gate 5, unless a code opens them
        for code in codes:
            blocked &= ~self.by_coupon.get(code, 0)
        if customer is None:
            blocked |= self.needs_customer  # gate 4 (guest)
        else:
            blocked |= self.excluding.get(customer.key, 0)  # gate 3
            if self.grouped:  # gate 4
                admitted = 0
                for group in customer.groups:
                    admitted |= self.by_group.get(group, 0)
                blocked |= self.grouped & ~admitted
        if self.on_request:  # gate 6
            asked = 0
            for marker in markers:
                asked |= self.by_marker.get(marker, 0)
            blocked |= self.on_request & ~asked
        return blocked

    def audience(
        self, customer: CustomerView | None, codes: Sequence[str], markers: Sequence[str]
    ) -> Hashable:
        """What of the customer, codes and markers some gate 3–6 looks at: carts with
        the same audience get the same reasons from :func:`reason` (and, without
        counters, from :func:`usage_reason`)."""
        who: tuple[str | None, frozenset[str]] | None = None
        if customer is not None:  # (a guest is None: gate 4 and the usage gates ask)
            who = (
                customer.key if customer.key in self.excluding else None,
                customer.groups.intersection(self.by_group) if self.grouped else _NOTHING,
            )
        asked = frozenset(markers).intersection(self.by_marker) if markers else _NOTHING
        return who, frozenset(codes) if codes else _NOTHING, asked


_NOTHING: frozenset[str] = frozenset()


def reason(
    rule: Rule, customer: CustomerView | None, codes: Sequence[str], markers: frozenset[str]
) -> str | None:
    """The first of gates 3–6 that ``rule`` fails (``None``: it passes them all)."""
    if customer is not None and customer.key in rule.user_exclusions:
        return "user_excluded"
    if rule.user_groups:
        if customer is None:
            return "guest"
        if not (customer.groups & rule.user_groups):
            return "not_in_group"
    if rule.type == "PERSONAL_DISCOUNT" and customer is None:
        return "guest"
    if rule.coupons and not any(code in rule.coupons for code in codes):
        return "coupon_required"
    if rule.on_request and (rule.identifier is None or rule.identifier not in markers):
        return "not_requested"
    return None


# ---------------------------------------------------------------------------
# between gates 6 and 7: usage limits and budgets (docs/usage-limits.md)


def usage_reason(
    rule: Rule, customer: CustomerView | None, counts: UsageCounts | None
) -> str | None:
    """The first usage gate ``rule`` fails with these counters (``None``: all 0)."""
    uses, customer_uses, spent = (0, 0, 0) if counts is None else counts
    if rule.usage_limit is not None and uses >= rule.usage_limit:
        return "usage_limit_reached"
    if rule.usage_limit_per_customer is not None:
        if customer is None:
            return "guest"
        if customer_uses >= rule.usage_limit_per_customer:
            return "customer_limit_reached"
    if rule.budget is not None and spent >= rule.budget:
        return "budget_exhausted"
    return None


@dataclass(frozen=True, slots=True)
class UsageGates:
    """The usage gates as a mask: only the rules with a limit or a budget are asked."""

    limited: tuple[tuple[int, Rule], ...]
    """``(bit, rule)`` of each rule with ``usageLimit``, ``usageLimitPerCustomer`` or ``budget``."""

    @classmethod
    def build(cls, rules: Sequence[Rule]) -> UsageGates:
        """Note the rules a usage gate can stop."""
        return cls(tuple((1 << k, rule) for k, rule in enumerate(rules) if rule.limited))

    def blocked(
        self, customer: CustomerView | None, usage: Mapping[str, UsageCounts] | None
    ) -> int:
        """The rules the usage gates stop for this customer and these counters."""
        blocked = 0
        counters = usage or {}
        for bit, rule in self.limited:
            if usage_reason(rule, customer, counters.get(rule.usage_key)) is not None:
                blocked |= bit
        return blocked
