"""Rules, compiled once: each discount object as a :class:`Rule`, in priority order.

A rule holds everything a preview needs of its discount in the form the stages
read: money in minor units, conditions and exclusions as product masks, dates in
microseconds, and its amount formulas built for its kind (:mod:`.formulas`).
A new discount field is read here (and validated in the boundary models).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from .._errors import ScenarioError
from .._limits import MAX_GIFTS
from .._money import Currency, Rate, to_minor
from .._schema import Condition, CouponDef, Discount, Exclusion, GiftRef
from .catalog import CompiledCatalog, key_of
from .conditions import CartCondition, Targeting, compile_conditions
from .formulas import LineTaker, OrderKeeper, OrderTaker, line_taker, order_keeper, order_taker
from .quantity import BuyGet, Tiers, check_fields, tier_values, unit_limits
from .units import unit_taker

__all__ = ["Rule", "compile_rule", "compile_rules", "micros", "normalise_code"]


class _Value(NamedTuple):
    kind: str
    to_product: bool
    rate: Rate
    value: int
    max_amount: int | None
    to_shipping: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled discount."""

    index: int
    """Position in the scenario's ``discounts`` list (for paths)."""
    id: int | str
    identifier: str | None
    type: str
    start: datetime | None
    end: datetime | None
    priority: tuple[int, int]
    """``(0, position)``, or ``(1, 0)`` without one: null positions come last."""
    kind: str
    """PERCENTAGE | FIXED_AMOUNT | FIXED_PRICE | NONE."""
    rate: Rate
    value: int
    """The fixed value in minor units (0 for percentages)."""
    max_amount: int | None
    to_product: bool
    logic_or: bool
    has_conditions: bool
    cart_conditions: tuple[CartCondition, ...]
    and_mask: int
    """Products not excluded with every product-level condition true (AND, and no conditions)."""
    or_mask: int
    """Products not excluded with some product-level condition true (OR)."""
    allowed_mask: int
    """Products not excluded."""
    reach_mask: int
    """Every product the rule may target in some cart (``and_mask`` under AND logic with
    conditions, else ``allowed_mask``): a cart holding none of them is never targeted."""
    user_groups: frozenset[str]
    user_exclusions: frozenset[str]
    gifts: tuple[tuple[str, int], ...]
    gifts_replace: bool
    coupons: Mapping[str, CouponDef]
    """Normalised code → definition."""
    on_request: bool
    raw: Mapping[str, Any]
    start_us: int | None
    """``start`` in microseconds since the epoch (exact, and quick to compare)."""
    end_us: int | None
    """``end`` likewise."""
    take: OrderTaker
    """What it takes off a ``TO_ORDER`` base (docs/stacking-and-cap.md), ``maxAmount`` included."""
    keep: OrderKeeper
    """How much of each line it leaves at least, for a ``TO_ORDER`` base in a range."""
    take_lines: LineTaker
    """What it takes off each targeted line of a ``TO_PRODUCT`` rule (docs/stacking-and-cap.md),
    ``per`` and ``maxQuantity`` included (docs/quantity-promotions.md)."""
    to_shipping: bool
    """A ``TO_SHIPPING`` rule: eligible as a ``TO_ORDER`` one, applied to the shipping lines."""
    usage_limit: int | None
    """``usageLimit``: uses in total (``None``: unlimited)."""
    usage_limit_per_customer: int | None
    """``usageLimitPerCustomer`` (``None``: unlimited)."""
    budget: int | None
    """``budget.amount`` in minor units (``None``: unlimited)."""
    usage_key: str
    """The key of its counters in the ``usage`` input: its id as written in JSON."""
    line_quantity: int = 0
    """``LINE_QUANTITY``: the least quantity a targeted line has (0: no such condition)."""
    measure: Tiers | BuyGet | None = None
    """Tiers or a buy-get: what the eligibility stage measures on a cart before the rule
    applies, and which makes the rule that applies (``None``: the rule itself)."""
    tier: int | None = None
    """On the rule of one tier (:attr:`Tiers.rules`): the tier's index."""
    sets: int | None = None
    """On a buy-get's rule made for one cart: the sets that cart makes."""

    @property
    def limited(self) -> bool:
        """Whether a usage limit or a budget can stop it (docs/usage-limits.md)."""
        return (
            self.usage_limit is not None
            or self.usage_limit_per_customer is not None
            or self.budget is not None
        )


def normalise_code(code: str) -> str:
    """Coupon codes match case-insensitively after trimming (docs/eligibility.md)."""
    return code.strip().casefold()


def _ref_key(item: Any) -> str:
    return key_of(item.id if hasattr(item, "id") else item)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@lru_cache(maxsize=256)  # a batch prices many carts at the same instant
def micros(at: datetime) -> int:
    """An aware instant as whole microseconds since the epoch (exact)."""
    return (at - _EPOCH) // _MICROSECOND


def _compile_value(cur: Currency, d: Discount, path: str) -> _Value:
    """``discountValue`` in minor units: kind, rate or value, maxAmount, applicability."""
    dv = d.discount_value
    if dv is None:
        return _Value("NONE", False, Rate(0, 1), 0, None)
    kind = "PERCENTAGE" if dv.discount_type == "PERCENT" else dv.discount_type
    rate = Rate(0, 1)
    value = 0
    given = Decimal(0) if dv.value is None else dv.value  # null: tiers hold the values
    if kind == "PERCENTAGE":
        rate = Rate.from_percent(given)
    elif kind in ("FIXED_AMOUNT", "FIXED_PRICE"):
        value = to_minor(cur, given, f"{path}.discountValue.value")
    max_amount = None
    if dv.max_amount is not None:
        max_amount = to_minor(cur, dv.max_amount, f"{path}.discountValue.maxAmount")
    applicability = dv.applicability
    return _Value(
        kind, applicability == "TO_PRODUCT", rate, value, max_amount, applicability == "TO_SHIPPING"
    )


def _targeting(
    cur: Currency,
    conditions: Sequence[Condition],
    logic_or: bool,
    exclusions: Sequence[Exclusion],
    catalog: CompiledCatalog,
    path: str,
    field: str = "conditions",
) -> Targeting:
    """Conditions and exclusions on the catalog: cart-level conditions, the AND, OR,
    allowed and reach masks, and the least line quantity (see :class:`Rule`)."""
    # An exclusion's id names a product or a category.
    excluded = [(key_of(ex.id), ex.is_nested) for ex in exclusions]
    excluded_mask = catalog.product_mask(k for k, _ in excluded) | catalog.category_mask(excluded)
    line_masks, cart_conds, quantities = compile_conditions(cur, conditions, catalog, path, field)
    allowed = catalog.all_mask & ~excluded_mask
    and_ok = or_ok = 0
    if line_masks:
        and_ok = or_ok = line_masks[0]
        for mask in line_masks[1:]:
            and_ok &= mask
            or_ok |= mask
        and_ok &= allowed
        or_ok &= allowed
    else:
        and_ok = allowed  # all([]) is true, any([]) is false
    conditional = bool(line_masks or cart_conds or quantities)
    reach = and_ok if conditional and not logic_or else allowed
    least = (min(quantities) if logic_or else max(quantities)) if quantities else 0
    return Targeting(
        bool(conditions), logic_or, tuple(cart_conds), and_ok, or_ok, allowed, reach, least
    )


def _coupons(d: Discount, path: str) -> dict[str, CouponDef]:
    """Normalised code → definition (the first of two codes equal once normalised)."""
    coupons: dict[str, CouponDef] = {}
    for j, c in enumerate(d.coupons or ()):
        cdef = c if isinstance(c, CouponDef) else CouponDef(code=c)
        norm = normalise_code(cdef.code)
        if not norm:
            raise ScenarioError(f"{path}.coupons[{j}]", "a coupon code must not be empty")
        coupons.setdefault(norm, cdef)
    return coupons


def _budget(cur: Currency, d: Discount, path: str) -> int | None:
    """``budget.amount`` in minor units (``None``: no budget)."""
    return None if d.budget is None else to_minor(cur, d.budget.amount, f"{path}.budget.amount")


def _gifts(d: Discount) -> tuple[tuple[str, int], ...]:
    return tuple(
        (key_of(g.product_id), g.quantity) if isinstance(g, GiftRef) else (key_of(g), 1)
        for g in d.gifts or ()
    )


def _measured(cur: Currency, rule: Rule, d: Discount, catalog: CompiledCatalog) -> Rule:
    """The rule with its tiers (one rule per tier) or its buy-get, if it has them."""
    dv = d.discount_value
    path = f"discounts[{rule.index}]"
    if dv is None or (dv.tiers is None and dv.buy_get is None):
        return rule
    if dv.tiers is not None:
        tiers = tier_values(cur, dv, rule.kind, path)
        by_tier = tuple(
            replace(
                rule,
                rate=t.rate,
                value=t.value,
                take=order_taker(rule.kind, t.rate, t.value, rule.max_amount),
                keep=order_keeper(rule.kind, t.rate, t.value, rule.max_amount),
                take_lines=line_taker(rule.kind, t.rate, t.value),
                tier=j,
            )
            for j, t in enumerate(tiers)
        )
        by_amount = dv.tiers[0].min_amount is not None
        return replace(rule, measure=Tiers(by_amount, tuple(t.threshold for t in tiers), by_tier))
    bg = dv.buy_get
    assert bg is not None
    buy = _targeting(
        cur,
        bg.buy_conditions or (),
        bg.buy_condition_logic == "OR",
        d.exclusions or (),
        catalog,
        f"{path}.discountValue.buyGet",
        "buyConditions",
    )
    take = unit_taker(rule.kind, rule.rate, rule.value)
    return replace(rule, measure=BuyGet(buy, bg.buy_quantity, bg.get_quantity, bg.max_sets, take))


def compile_rule(cur: Currency, index: int, d: Discount, catalog: CompiledCatalog) -> Rule:
    """Compile one discount; catalog-only parts of its conditions are decided here."""
    path = f"discounts[{index}]"
    check_fields(d, path)
    v = _compile_value(cur, d, path)
    logic_or = d.condition_logic == "OR"
    t = _targeting(cur, d.conditions or (), logic_or, d.exclusions or (), catalog, path)
    start, end = d.start_date, d.end_date
    position = d.position
    limited = unit_limits(d.discount_value, v.kind, v.rate, v.value)
    rule = Rule(
        index=index,
        id=d.id,
        identifier=d.identifier,
        type=d.type,
        start=start,
        end=end,
        priority=(0 if position is not None else 1, position or 0),
        kind=v.kind,
        rate=v.rate,
        value=v.value,
        max_amount=v.max_amount,
        to_product=v.to_product,
        logic_or=logic_or,
        has_conditions=t.has_conditions,
        cart_conditions=t.cart_conditions,
        and_mask=t.and_mask,
        or_mask=t.or_mask,
        allowed_mask=t.allowed_mask,
        reach_mask=t.reach_mask,
        user_groups=frozenset(_ref_key(g) for g in d.user_groups or ()),
        user_exclusions=frozenset(_ref_key(u) for u in d.user_exclusions or ()),
        gifts=_gifts(d),
        gifts_replace=bool(d.gifts_replace_cart_items),
        coupons=_coupons(d, path),
        on_request=d.activation == "ON_REQUEST",
        raw=d.raw,
        start_us=None if start is None else micros(start),
        end_us=None if end is None else micros(end),
        take=order_taker(v.kind, v.rate, v.value, v.max_amount),
        keep=order_keeper(v.kind, v.rate, v.value, v.max_amount),
        take_lines=line_taker(v.kind, v.rate, v.value) if limited is None else limited,
        line_quantity=t.line_quantity,
        to_shipping=v.to_shipping,
        usage_limit=d.usage_limit,
        usage_limit_per_customer=d.usage_limit_per_customer,
        budget=_budget(cur, d, path),
        usage_key=str(d.id),
    )
    return _measured(cur, rule, d, catalog)


def _id_order(value: int | str) -> tuple[int, int | str]:
    # Ties by id: numbers numerically, before any string ids.
    return (0, value) if isinstance(value, int) else (1, value)


def _hold_gifts(rules: Sequence[Rule]) -> None:
    """The gifts of all the rules together are at most :data:`MAX_GIFTS` entries: each may
    be a line of the result (rules in the order given)."""
    given = 0
    for i, rule in enumerate(rules):
        given += len(rule.gifts)
        if given > MAX_GIFTS:
            raise ScenarioError(
                f"discounts[{i}].gifts",
                f"the discounts' gifts add up to more than {MAX_GIFTS:,} entries "
                "(as many as an order has lines)",
            )


def compile_rules(
    cur: Currency, discounts: Sequence[Discount], catalog: CompiledCatalog
) -> tuple[Rule, ...]:
    """All discounts compiled, in priority order (``position`` ascending, null last, then id)."""
    seen: dict[str, int] = {}
    for i, d in enumerate(discounts):
        k = key_of(d.id)
        if k in seen:
            raise ScenarioError(f"discounts[{i}].id", f"duplicate discount id {d.id}")
        seen[k] = i
    rules = [compile_rule(cur, i, d, catalog) for i, d in enumerate(discounts)]
    _hold_gifts(rules)
    rules.sort(key=lambda r: (r.priority[0], r.priority[1], _id_order(r.id)))
    return tuple(rules)
