"""Rules, compiled once: each discount object as a :class:`Rule`, in priority order.

A rule holds everything a preview needs of its discount in the form the stages
read: money in minor units, conditions and exclusions as product masks, dates in
microseconds, and its amount formulas built for its kind (:mod:`.formulas`).
A new discount field is read here (and validated in the boundary models).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from .._errors import ScenarioError
from .._money import Currency, Rate, to_minor
from .._schema import CouponDef, Discount, GiftRef
from .catalog import CompiledCatalog, key_of
from .conditions import CartCondition, compile_conditions
from .formulas import LineTaker, OrderKeeper, OrderTaker, line_taker, order_keeper, order_taker

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
    """What it takes off each targeted line of a ``TO_PRODUCT`` rule (docs/stacking-and-cap.md)."""
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
    if kind == "PERCENTAGE":
        rate = Rate.from_percent(dv.value)
    elif kind in ("FIXED_AMOUNT", "FIXED_PRICE"):
        value = to_minor(cur, dv.value, f"{path}.discountValue.value")
    max_amount = None
    if dv.max_amount is not None:
        max_amount = to_minor(cur, dv.max_amount, f"{path}.discountValue.maxAmount")
    applicability = dv.applicability
    return _Value(
        kind, applicability == "TO_PRODUCT", rate, value, max_amount, applicability == "TO_SHIPPING"
    )


def _product_masks(
    cur: Currency, d: Discount, catalog: CompiledCatalog, path: str
) -> tuple[list[CartCondition], int, int, int, int]:
    """Conditions and exclusions on the catalog: cart-level conditions, then the AND,
    OR, allowed and reach masks (see :class:`Rule`)."""
    # An exclusion's id names a product or a category.
    excluded = [(key_of(ex.id), ex.is_nested) for ex in d.exclusions or ()]
    excluded_mask = catalog.product_mask(k for k, _ in excluded) | catalog.category_mask(excluded)
    line_masks, cart_conds = compile_conditions(cur, d.conditions or (), catalog, path)
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
    conditional = bool(line_masks or cart_conds)
    reach = and_ok if conditional and d.condition_logic != "OR" else allowed
    return cart_conds, and_ok, or_ok, allowed, reach


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


def compile_rule(cur: Currency, index: int, d: Discount, catalog: CompiledCatalog) -> Rule:
    """Compile one discount; catalog-only parts of its conditions are decided here."""
    path = f"discounts[{index}]"
    v = _compile_value(cur, d, path)
    cart_conds, and_ok, or_ok, allowed, reach = _product_masks(cur, d, catalog, path)
    start, end = d.start_date, d.end_date
    position = d.position
    return Rule(
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
        logic_or=d.condition_logic == "OR",
        has_conditions=bool(d.conditions),
        cart_conditions=tuple(cart_conds),
        and_mask=and_ok,
        or_mask=or_ok,
        allowed_mask=allowed,
        reach_mask=reach,
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
        take_lines=line_taker(v.kind, v.rate, v.value),
        to_shipping=v.to_shipping,
        usage_limit=d.usage_limit,
        usage_limit_per_customer=d.usage_limit_per_customer,
        budget=_budget(cur, d, path),
        usage_key=str(d.id),
    )


def _id_order(value: int | str) -> tuple[int, int | str]:
    # Ties by id: numbers numerically, before any string ids.
    return (0, value) if isinstance(value, int) else (1, value)


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
    rules.sort(key=lambda r: (r.priority[0], r.priority[1], _id_order(r.id)))
    return tuple(rules)
