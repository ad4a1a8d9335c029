"""Compile a validated rule set into immutable, indexed structures (done once).

Everything that depends only on the catalog and the discounts is decided here:
money in minor units, the category tree, and for every discount which catalog
products its product-level conditions and exclusions let through. A preview then
only evaluates what depends on the cart, the customer and the instant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Protocol

from ._amounts import (
    LineTaker,
    OrderKeeper,
    OrderTaker,
    line_taker,
    order_keeper,
    order_taker,
)
from ._errors import ScenarioError
from ._models import (
    Category,
    Condition,
    CouponDef,
    Discount,
    EntityRef,
    GiftRef,
    Product,
    Settings,
    TaxRate,
)
from ._money import Currency, Rate

__all__ = [
    "CartCondition",
    "CatalogItem",
    "CompiledCatalog",
    "CompiledSettings",
    "Rule",
    "RuleIndex",
    "compile_catalog",
    "compile_rules",
    "compile_settings",
    "index_rules",
    "key_of",
]

# ---------------------------------------------------------------------------
# ids and money


def key_of(value: object) -> str:
    """The id as a string: ``2957`` and ``"2957"`` name the same thing."""
    return str(value)


def to_minor(cur: Currency, amount: Decimal, path: str) -> int:
    """``amount`` in minor units; more decimals than the currency has is an error."""
    minor = cur.to_minor(amount)
    if minor is None:
        raise ScenarioError(
            path,
            f"{amount} has more decimals than {cur.code} allows ({cur.exponent})",
        )
    return minor


# ---------------------------------------------------------------------------
# catalog


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """A product ready for pricing."""

    id: int | str
    key: str
    title: str | None
    sku: str | None
    price: int
    categories: frozenset[str]
    """Its own categories."""
    nested_categories: frozenset[str]
    """Its own categories and all their ancestors (for ``isNested`` matching)."""
    attributes: Mapping[str, Any]
    available: bool
    tax_rate_key: str | None
    index: int
    """Its position in the catalog."""
    bit: int
    """``1 << index``: its member bit in a product mask."""


@dataclass(frozen=True, slots=True)
class CompiledCatalog:
    """The catalog indexed by product key, and its category tree.

    Sets of products are *masks*: integers with the products' :attr:`CatalogItem.bit`
    set. A rule's product-level conditions compile to masks, a cart to the mask of
    its products, and whether a rule can touch a cart is one ``&``.
    """

    items: Mapping[str, CatalogItem]
    order: tuple[str, ...]
    """Product keys in catalog order."""
    all_mask: int
    own_category_masks: Mapping[str, int]
    """Category key → the products directly in it."""
    nested_category_masks: Mapping[str, int]
    """Category key → the products in it or in one of its descendants."""
    attribute_groups: dict[str, tuple[tuple[Mapping[str, Any], int], ...]] = field(
        default_factory=dict
    )
    """Memo of :meth:`attribute_mask`: attribute name → (sample attributes, mask) groups."""
    by_id: Mapping[int | str, CatalogItem] = field(default_factory=dict)
    """The available :attr:`items`, also under the ``int`` ids their keys spell (``2957``
    beside ``"2957"``): a plain ``productId`` finds its item without :func:`key_of`."""

    def product_mask(self, keys: Iterable[str]) -> int:
        """The products named by ``keys`` (keys not in the catalog name none)."""
        mask = 0
        for k in keys:
            item = self.items.get(k)
            if item is not None:
                mask |= item.bit
        return mask

    def category_mask(self, cats: Iterable[tuple[str, bool]]) -> int:
        """The products in any of ``cats`` (``(key, isNested)`` pairs), as SPEC §3 matches."""
        mask = 0
        for c, nested in cats:
            mask |= (self.nested_category_masks if nested else self.own_category_masks).get(c, 0)
        return mask

    def attribute_mask(self, names: Iterable[str], matcher: AttributeMatcher) -> int:
        """The products for which ``matcher`` holds on one of the attributes ``names``.

        A matcher reads only ``attrs[name]`` (and whether it is there), so products
        are grouped by that value and the matcher is asked once per group.
        """
        mask = 0
        for name in names:
            groups = self.attribute_groups.get(name)
            if groups is None:
                groups = self.attribute_groups[name] = self._group_by_attribute(name)
            for attrs, group in groups:
                if matcher(attrs, name):
                    mask |= group
        return mask

    def _group_by_attribute(self, name: str) -> tuple[tuple[Mapping[str, Any], int], ...]:
        groups: dict[object, tuple[Mapping[str, Any], int]] = {}
        for item in self.items.values():
            attrs = item.attributes
            # Matchers compare the value's text or number: (type, text) decides it.
            value = attrs.get(name, _ABSENT)
            key = (type(value), str(value))
            sample, mask = groups.get(key, (attrs, 0))
            groups[key] = (sample, mask | item.bit)
        return tuple(groups.values())


_ABSENT = object()


def _ancestors(categories: Sequence[Category]) -> dict[str, frozenset[str]]:
    parent: dict[str, str | None] = {}
    for i, cat in enumerate(categories):
        k = key_of(cat.id)
        if k in parent:
            raise ScenarioError(f"categories[{i}].id", f"duplicate category id {cat.id}")
        parent[k] = None if cat.parent_id is None else key_of(cat.parent_id)
    result: dict[str, frozenset[str]] = {}
    for i, k in enumerate(parent):
        seen: list[str] = []
        p = parent[k]
        while p is not None:
            if p == k or p in seen:
                raise ScenarioError(
                    f"categories[{i}].parentId", f"category {k} is its own ancestor"
                )
            seen.append(p)
            p = parent.get(p)
        result[k] = frozenset(seen)
    return result


def compile_catalog(
    cur: Currency, categories: Sequence[Category], products: Sequence[Product]
) -> CompiledCatalog:
    """Index the catalog; prices to minor units, categories to their ancestor closure."""
    ancestors = _ancestors(categories)
    items: dict[str, CatalogItem] = {}
    own_masks: dict[str, int] = {}
    nested_masks: dict[str, int] = {}
    for i, p in enumerate(products):
        k = key_of(p.id)
        if k in items:
            raise ScenarioError(f"catalog[{i}].id", f"duplicate product id {p.id}")
        own = frozenset(key_of(c) for c in p.category_ids)
        nested = set(own)
        for c in own:
            # Categories not declared in `categories` are roots (decision, docs/scenario.md).
            nested |= ancestors.get(c, frozenset())
        items[k] = CatalogItem(
            id=p.id,
            key=k,
            title=p.title,
            sku=p.sku,
            price=to_minor(cur, p.price, f"catalog[{i}].price"),
            categories=own,
            nested_categories=frozenset(nested),
            attributes=dict(p.attributes),
            available=p.available,
            tax_rate_key=None if p.tax_rate_id is None else key_of(p.tax_rate_id),
            index=i,
            bit=1 << i,
        )
        for c in own:
            own_masks[c] = own_masks.get(c, 0) | 1 << i
        for c in nested:
            nested_masks[c] = nested_masks.get(c, 0) | 1 << i
    by_id: dict[int | str, CatalogItem] = {}
    for k, item in items.items():
        if not item.available:
            continue
        by_id[k] = item
        number = _int_spelled(k)
        if number is not None:
            by_id[number] = item
    return CompiledCatalog(
        items=items,
        by_id=by_id,
        order=tuple(items),
        all_mask=(1 << len(items)) - 1,
        own_category_masks=own_masks,
        nested_category_masks=nested_masks,
    )


def _int_spelled(key: str) -> int | None:
    """The ``int`` whose :func:`key_of` is ``key``, if there is one."""
    try:
        number = int(key)
    except ValueError:
        return None
    return number if key_of(number) == key else None


# ---------------------------------------------------------------------------
# attribute matching


def _as_number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}

AttributeMatcher = Callable[[Mapping[str, Any], str], bool]


def compile_matcher(spec: Any, path: str) -> AttributeMatcher:
    """A predicate ``(attributes, name) -> bool`` for a condition's ``value``.

    A plain value means equality compared as strings; ``{value, condition}`` picks
    the operator. An absent attribute only satisfies ``nex`` (decision).
    """
    if isinstance(spec, Mapping) and "condition" in spec:
        op = str(spec["condition"]).lower()
        expected = spec.get("value")
    else:
        # A plain value (or ``{value}`` alone): equality compared as strings (SPEC §3).
        text = _as_text(spec["value"] if isinstance(spec, Mapping) and "value" in spec else spec)
        return lambda attrs, name: name in attrs and _as_text(attrs[name]) == text

    if op == "exs":
        return lambda attrs, name: name in attrs
    if op == "nex":
        return lambda attrs, name: name not in attrs
    if op == "lke":
        needle = _as_text(expected).casefold()
        return lambda attrs, name: name in attrs and needle in _as_text(attrs[name]).casefold()
    if op not in _ORDERINGS:
        raise ScenarioError(
            f"{path}.condition",
            f"unknown attribute operator {op!r} (eq neq gt gte lt lte lke exs nex)",
        )
    compare = _ORDERINGS[op]
    expected_text = _as_text(expected)
    expected_number = _as_number(expected)

    def match(attrs: Mapping[str, Any], name: str) -> bool:
        if name not in attrs:
            return False
        actual = attrs[name]
        if expected_number is not None:
            actual_number = _as_number(actual)
            if actual_number is not None:
                return compare(actual_number, expected_number)
        return compare(_as_text(actual), expected_text)

    return match


# ---------------------------------------------------------------------------
# conditions


@dataclass(frozen=True, slots=True)
class CartCondition:
    """A condition whose answer is the same for every line of a cart."""

    kind: str
    amount: int = 0
    names: tuple[str, ...] = ()
    matcher: AttributeMatcher | None = None
    mask: int = 0
    """``PRODUCT_IN_CART``/``CATEGORY_IN_CART``: the catalog products that satisfy it
    (true for a cart whose mask meets it)."""
    test: Callable[[CartFacts], bool] = field(init=False, repr=False, compare=False)
    """Whether a cart satisfies it: one call, made for its kind when it is compiled."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _cart_test(self))


class CartFacts(Protocol):
    """What cart-level conditions read of a cart (``_eligibility._Cart`` provides it)."""

    @property
    def mask(self) -> int:
        """The products in the cart."""
        ...

    @property
    def ltv(self) -> int | None:
        """The customer's ``ltv`` in minor units (``None``: a guest, or not given)."""
        ...

    @property
    def attributes(self) -> Mapping[str, Any] | None:
        """The customer's attributes (``None``: a guest)."""
        ...

    def total_raw(self) -> int:
        """Σ unit price × quantity over the cart's lines, in minor units."""
        ...


def _cart_test(cond: CartCondition) -> Callable[[CartFacts], bool]:
    """The test for one cart-level condition (SPEC §3), specialised to its kind."""
    kind = cond.kind
    if kind in ("PRODUCT_IN_CART", "CATEGORY_IN_CART"):
        mask = cond.mask
        return lambda cart: mask & cart.mask != 0
    amount = cond.amount
    if kind == "MIN_CART_AMOUNT":
        return lambda cart: cart.total_raw() >= amount
    if kind == "USER_LTV":
        return lambda cart: cart.ltv is not None and cart.ltv >= amount
    matcher, names = cond.matcher, cond.names
    if kind != "USER_ATTRIBUTE" or matcher is None:
        return lambda cart: False

    def some_attribute(cart: CartFacts) -> bool:
        attributes = cart.attributes
        return attributes is not None and any(matcher(attributes, name) for name in names)

    return some_attribute


LINE_KINDS = frozenset({"PRODUCT", "CATEGORY", "ATTRIBUTE"})
CART_KINDS = frozenset(
    {"PRODUCT_IN_CART", "CATEGORY_IN_CART", "MIN_CART_AMOUNT", "USER_LTV", "USER_ATTRIBUTE"}
)


def _entity_refs(cond: Condition, path: str) -> list[tuple[str, bool]]:
    """``entityIds`` (or the older ``value``) as ``(key, isNested)`` pairs."""
    raw: Iterable[Any]
    if cond.entity_ids is not None:
        raw = cond.entity_ids
    elif isinstance(cond.value, list):
        raw = cond.value
    elif cond.value is not None and not isinstance(cond.value, Mapping):
        raw = [cond.value]
    else:
        raise ScenarioError(f"{path}.entityIds", f"a {cond.kind} condition needs entityIds")
    default_nested = bool(cond.is_nested)
    refs = []
    for item in raw:
        if isinstance(item, EntityRef):
            nested = default_nested if item.is_nested is None else item.is_nested
            refs.append((key_of(item.id), nested))
        elif isinstance(item, Mapping) and "id" in item:
            refs.append((key_of(item["id"]), bool(item.get("isNested", default_nested))))
        else:
            refs.append((key_of(item), default_nested))
    return refs


def _condition_amount(cur: Currency, cond: Condition, path: str) -> int:
    value = cond.value
    if isinstance(value, Mapping):
        value = value.get("amount", value.get("value"))
    if value is None or isinstance(value, bool):
        raise ScenarioError(f"{path}.value.amount", f"a {cond.kind} condition needs an amount")
    number = _as_number(value)
    if number is None or number < 0:
        raise ScenarioError(f"{path}.value.amount", f"must be a non-negative amount, got {value!r}")
    return to_minor(cur, number, f"{path}.value.amount")


# ---------------------------------------------------------------------------
# rules


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
    priority: tuple[int, int, str]
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
    """What it takes off a ``TO_ORDER`` base (SPEC §6), ``maxAmount`` included."""
    keep: OrderKeeper
    """How much of each line it leaves at least, for a ``TO_ORDER`` base in a range."""
    take_lines: LineTaker
    """What it takes off each targeted line of a ``TO_PRODUCT`` rule (SPEC §6)."""


def normalise_code(code: str) -> str:
    """Coupon codes match case-insensitively after trimming (SPEC §5)."""
    return code.strip().casefold()


def _aware(value: datetime | None) -> datetime | None:
    # Dates without a zone are read as UTC (decision, docs/eligibility.md).
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _ref_key(item: Any) -> str:
    return key_of(item.id if hasattr(item, "id") else item)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@lru_cache(maxsize=256)  # a batch prices many carts at the same instant
def micros(at: datetime) -> int:
    """An aware instant as whole microseconds since the epoch (exact)."""
    return (at - _EPOCH) // _MICROSECOND


def compile_rule(cur: Currency, index: int, d: Discount, catalog: CompiledCatalog) -> Rule:
    """Compile one discount; catalog-only parts of its conditions are decided here."""
    path = f"discounts[{index}]"
    dv = d.discount_value
    kind = "NONE"
    to_product = False
    rate = Rate(0, 1)
    value = 0
    max_amount = None
    if dv is not None:
        kind = "PERCENTAGE" if dv.discount_type == "PERCENT" else dv.discount_type
        to_product = dv.applicability == "TO_PRODUCT"
        if kind == "PERCENTAGE":
            rate = Rate.from_percent(dv.value)
        elif kind in ("FIXED_AMOUNT", "FIXED_PRICE"):
            value = to_minor(cur, dv.value, f"{path}.discountValue.value")
        if dv.max_amount is not None:
            max_amount = to_minor(cur, dv.max_amount, f"{path}.discountValue.maxAmount")

    # An exclusion's id names a product or a category (SPEC §3).
    excluded = [(key_of(ex.id), ex.is_nested) for ex in d.exclusions or ()]
    excluded_mask = catalog.product_mask(k for k, _ in excluded) | catalog.category_mask(excluded)

    line_masks: list[int] = []
    """Per product-level condition, the catalog products it is true for."""
    cart_conds: list[CartCondition] = []
    for j, cond in enumerate(d.conditions or ()):
        cpath = f"{path}.conditions[{j}]"
        kind_name = cond.kind
        if kind_name == "PRODUCT":
            line_masks.append(catalog.product_mask(k for k, _ in _entity_refs(cond, cpath)))
        elif kind_name == "CATEGORY":
            line_masks.append(catalog.category_mask(_entity_refs(cond, cpath)))
        elif kind_name == "ATTRIBUTE":
            names = tuple(k for k, _ in _entity_refs(cond, cpath))
            matcher = compile_matcher(cond.value, f"{cpath}.value")
            line_masks.append(catalog.attribute_mask(names, matcher))
        elif kind_name == "PRODUCT_IN_CART":
            keys = frozenset(k for k, _ in _entity_refs(cond, cpath))
            cart_conds.append(CartCondition(kind_name, mask=catalog.product_mask(keys)))
        elif kind_name == "CATEGORY_IN_CART":
            cats = tuple(_entity_refs(cond, cpath))
            cart_conds.append(CartCondition(kind_name, mask=catalog.category_mask(cats)))
        elif kind_name in ("MIN_CART_AMOUNT", "USER_LTV"):
            cart_conds.append(CartCondition(kind_name, amount=_condition_amount(cur, cond, cpath)))
        elif kind_name == "USER_ATTRIBUTE":
            names = tuple(k for k, _ in _entity_refs(cond, cpath))
            matcher = compile_matcher(cond.value, f"{cpath}.value")
            cart_conds.append(CartCondition(kind_name, names=names, matcher=matcher))
        else:
            field = "conditionType" if cond.condition_type is not None else "type"
            raise ScenarioError(
                f"{cpath}.{field}",
                f"unknown condition type {kind_name!r} (one of "
                + ", ".join(sorted(LINE_KINDS | CART_KINDS))
                + ")",
            )

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

    gifts: list[tuple[str, int]] = []
    for g in d.gifts or ():
        if isinstance(g, GiftRef):
            gifts.append((key_of(g.product_id), g.quantity))
        else:
            gifts.append((key_of(g), 1))

    coupons: dict[str, CouponDef] = {}
    for j, c in enumerate(d.coupons or ()):
        cdef = c if isinstance(c, CouponDef) else CouponDef(code=c)
        norm = normalise_code(cdef.code)
        if not norm:
            raise ScenarioError(f"{path}.coupons[{j}]", "a coupon code must not be empty")
        coupons.setdefault(norm, cdef)

    start, end = _aware(d.start_date), _aware(d.end_date)
    user_groups = frozenset(_ref_key(g) for g in d.user_groups or ())
    user_exclusions = frozenset(_ref_key(u) for u in d.user_exclusions or ())
    on_request = d.activation == "ON_REQUEST"
    position = d.position
    priority = (0 if position is not None else 1, position or 0, "")
    return Rule(
        index=index,
        id=d.id,
        identifier=d.identifier,
        type=d.type,
        start=start,
        end=end,
        priority=priority,
        kind=kind,
        rate=rate,
        value=value,
        max_amount=max_amount,
        to_product=to_product,
        logic_or=d.condition_logic == "OR",
        has_conditions=bool(line_masks or cart_conds),
        cart_conditions=tuple(cart_conds),
        and_mask=and_ok,
        or_mask=or_ok,
        allowed_mask=allowed,
        reach_mask=and_ok if (line_masks or cart_conds) and d.condition_logic != "OR" else allowed,
        user_groups=user_groups,
        user_exclusions=user_exclusions,
        gifts=tuple(gifts),
        gifts_replace=bool(d.gifts_replace_cart_items),
        coupons=coupons,
        on_request=on_request,
        raw=d.raw,
        start_us=None if start is None else micros(start),
        end_us=None if end is None else micros(end),
        take=order_taker(kind, rate, value, max_amount),
        keep=order_keeper(kind, rate, value, max_amount),
        take_lines=line_taker(kind, rate, value),
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


def bits_of(mask: int) -> Iterable[int]:
    """The positions of the bits set in ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


@dataclass(frozen=True, slots=True)
class RuleIndex:
    """The rules in priority order, indexed so that a cart touches only those that can apply.

    Sets of rules are masks, as sets of products are: bit ``k`` stands for ``rules[k]``.
    """

    rules: tuple[Rule, ...]
    instants: tuple[int, ...]
    """Every start and end date (µs), sorted: between two, no rule enters or leaves its window."""
    live: tuple[int, ...]
    """The rules within their dates, per stretch: ``live[bisect_right(instants, now)]``."""
    needs_customer: int
    """Rules a guest never passes (user groups, personal discounts): gates 4 and 6's guest."""
    excluding: Mapping[str, int]
    """Customer key → the rules that exclude that customer (gate 3)."""
    grouped: int
    """Rules for some user groups only (gate 4)..."""
    by_group: Mapping[str, int]
    """...and, per group key, those of them that admit the group."""
    coupon_needed: int
    """Rules that need a coupon (gate 5)..."""
    by_coupon: Mapping[str, int]
    """...and, per normalised code, those of them it opens."""
    on_request: int
    """Rules applied only on request (gate 6)..."""
    by_marker: Mapping[str, int]
    """...and, per marker, those of them it asks for."""
    reach_all: int
    """Rules that may target any product."""
    reach: tuple[int, ...]
    """Per catalog product (by position), the other rules that may target it."""
    coupon_owners: Mapping[str, int]
    """Normalised coupon code → the position of the first (highest-priority) rule defining it."""
    identifiers: frozenset[str]
    """Every rule identifier (to tell unknown markers)."""


def index_rules(rules: tuple[Rule, ...], catalog: CompiledCatalog) -> RuleIndex:
    """Index compiled rules by date window, gate and reachable product (done once)."""
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    live = 0  # the rules live before the first instant: no start
    needs_customer = grouped = coupon_needed = on_request = reach_all = 0
    excluding: dict[str, int] = {}
    by_group: dict[str, int] = {}
    by_coupon: dict[str, int] = {}
    by_marker: dict[str, int] = {}
    reach = [0] * len(catalog.order)
    owners: dict[str, int] = {}
    for k, rule in enumerate(rules):
        bit = 1 << k
        start, end = rule.start_us, rule.end_us
        if start is not None and end is not None and end <= start:
            pass  # an empty window: never live
        elif start is None:
            live |= bit
        else:
            starts[start] = starts.get(start, 0) | bit
        if end is not None:
            ends[end] = ends.get(end, 0) | bit
        if rule.user_groups or rule.type == "PERSONAL_DISCOUNT":
            needs_customer |= bit
        for key in rule.user_exclusions:
            excluding[key] = excluding.get(key, 0) | bit
        if rule.user_groups:
            grouped |= bit
            for key in rule.user_groups:
                by_group[key] = by_group.get(key, 0) | bit
        if rule.coupons:
            coupon_needed |= bit
            for code in rule.coupons:
                by_coupon[code] = by_coupon.get(code, 0) | bit
                owners.setdefault(code, k)
        if rule.on_request:
            on_request |= bit
            if rule.identifier is not None:
                by_marker[rule.identifier] = by_marker.get(rule.identifier, 0) | bit
        if rule.reach_mask == catalog.all_mask:
            reach_all |= bit
        else:
            for pos in bits_of(rule.reach_mask):
                reach[pos] |= bit
    # Sweep the instants in order: a rule is live from its start (inclusive) to its
    # end (exclusive), as gate 2 of SPEC §5 says.
    instants = sorted(starts.keys() | ends.keys())
    stretches = [live]
    for t in instants:
        live = (live | starts.get(t, 0)) & ~ends.get(t, 0)
        stretches.append(live)
    return RuleIndex(
        rules=rules,
        instants=tuple(instants),
        live=tuple(stretches),
        needs_customer=needs_customer,
        excluding=excluding,
        grouped=grouped,
        by_group=by_group,
        coupon_needed=coupon_needed,
        by_coupon=by_coupon,
        on_request=on_request,
        by_marker=by_marker,
        reach_all=reach_all,
        reach=tuple(reach),
        coupon_owners=owners,
        identifiers=frozenset(r.identifier for r in rules if r.identifier is not None),
    )


# ---------------------------------------------------------------------------
# settings and tax rates


@dataclass(frozen=True, slots=True)
class CompiledSettings:
    """Settings with money in minor units; ``echo`` is the §4 output object."""

    allow_stacking: bool
    cap_rate: Rate | None
    allow_gift_stacking: bool
    bonus_rate: Rate | None
    min_bonus_amount: int | None
    min_order_amount_for_bonus: int | None
    prices_include_tax: bool
    echo: Mapping[str, Any]


def compile_settings(cur: Currency, s: Settings) -> CompiledSettings:
    """Settings ready for the pipeline, with the echo of §4 (defaults filled)."""
    echo: dict[str, Any] = {
        "allowStacking": s.allow_stacking,
        "maxDiscountValue": s.max_discount_value,
        "allowGiftStacking": s.allow_gift_stacking,
        "maxBonusPaymentPercent": s.max_bonus_payment_percent,
        "minBonusAmount": s.min_bonus_amount,
        "minOrderAmountForBonus": s.min_order_amount_for_bonus,
        "giftRefundPolicy": s.gift_refund_policy,
    }
    if s.prices_include_tax is not None:
        echo["pricesIncludeTax"] = s.prices_include_tax
    return CompiledSettings(
        allow_stacking=s.allow_stacking,
        cap_rate=None if s.max_discount_value is None else Rate.from_percent(s.max_discount_value),
        allow_gift_stacking=s.allow_gift_stacking,
        bonus_rate=None
        if s.max_bonus_payment_percent is None
        else Rate.from_percent(s.max_bonus_payment_percent),
        min_bonus_amount=None
        if s.min_bonus_amount is None
        else to_minor(cur, s.min_bonus_amount, "settings.minBonusAmount"),
        min_order_amount_for_bonus=None
        if s.min_order_amount_for_bonus is None
        else to_minor(cur, s.min_order_amount_for_bonus, "settings.minOrderAmountForBonus"),
        prices_include_tax=bool(s.prices_include_tax),
        echo=echo,
    )


def compile_tax_rates(rates: Sequence[TaxRate] | None) -> dict[str, TaxRate]:
    """Tax rates by id (SPEC §11)."""
    result: dict[str, TaxRate] = {}
    for i, r in enumerate(rates or ()):
        k = key_of(r.id)
        if k in result:
            raise ScenarioError(f"taxRates[{i}].id", f"duplicate tax rate id {r.id}")
        result[k] = r
    return result
