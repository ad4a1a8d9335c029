"""Conditions, compiled once: what each ``conditionType`` asks of a line or a cart.

Product-level conditions (``PRODUCT``, ``CATEGORY``, ``ATTRIBUTE``) depend only on
the catalog, so each becomes the mask of the products it is true for. Cart-level
conditions become a :class:`CartCondition` whose ``test`` is specialised to its kind
and asked of the cart at preview time. A new condition type is added here: its
name in :data:`LINE_KINDS` or :data:`CART_KINDS`, a branch in
:func:`compile_conditions`, and (cart-level) a test in :func:`_cart_test`.

``LINE_QUANTITY`` is the one condition that depends on the line itself (its
quantity), not on its product or on the cart: it is kept apart as the least
quantity a line needs (:attr:`Targeting.line_quantity`). How an attribute's value
compares with a condition's is in :mod:`.attributes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .._errors import ScenarioError, key_path, quote
from .._limits import ID_LIMIT, MAX_UNITS
from .._money import Currency, to_minor
from .._schema import Condition, EntityRef, money, validate
from .attributes import read_test
from .catalog import CompiledCatalog, key_of

__all__ = [
    "CART_KINDS",
    "LINE_KINDS",
    "QUANTITY_KINDS",
    "CartCondition",
    "CartFacts",
    "Targeting",
    "compile_conditions",
]


@dataclass(frozen=True, slots=True)
class CartCondition:
    """A condition whose answer is the same for every line of a cart."""

    kind: str
    amount: int = 0
    names: tuple[str, ...] = ()
    matcher: Callable[[Mapping[str, Any], str], bool] | None = None
    """``USER_ATTRIBUTE``: whether one of the customer's attributes ``names`` satisfies
    the condition (:meth:`AttributeTest.predicate`)."""
    mask: int = 0
    """``PRODUCT_IN_CART``/``CATEGORY_IN_CART``: the catalog products that satisfy it
    (true for a cart whose mask meets it); the ``…QUANTITY…`` kinds: the products whose
    units are counted (``amount`` is then the least count)."""
    test: Callable[[CartFacts], bool] = field(init=False, repr=False, compare=False)
    """Whether a cart satisfies it: one call, made for its kind when it is compiled."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "test", _cart_test(self))


class CartFacts(Protocol):
    """What cart-level conditions read of a cart (the eligibility stage's cart provides it)."""

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

    def units(self, mask: int) -> int:
        """Σ quantity over the cart's lines whose product is in ``mask``."""
        ...


@dataclass(frozen=True, slots=True)
class Targeting:
    """Which lines a list of conditions with a discount's exclusions targets, as masks
    (a :class:`~pricing._ruleset.rules.Rule` carries the same fields for its own
    conditions; this holds a buy-get's ``buyConditions``)."""

    has_conditions: bool
    logic_or: bool
    cart_conditions: tuple[CartCondition, ...]
    and_mask: int
    """Products not excluded with every product-level condition true."""
    or_mask: int
    """Products not excluded with some product-level condition true."""
    allowed_mask: int
    """Products not excluded."""
    reach_mask: int
    """Every product the conditions may target in some cart."""
    line_quantity: int
    """``LINE_QUANTITY``: the least quantity a line needs (under ``AND`` the largest
    such condition, under ``OR`` the smallest; 0: none)."""


def _cart_test(cond: CartCondition) -> Callable[[CartFacts], bool]:
    """The test for one cart-level condition (docs/eligibility.md), specialised to its kind."""
    kind = cond.kind
    if kind in ("PRODUCT_IN_CART", "CATEGORY_IN_CART"):
        mask = cond.mask
        return lambda cart: mask & cart.mask != 0
    amount = cond.amount
    if kind in _UNITS_IN_CART:
        counted = cond.mask
        return lambda cart: cart.units(counted) >= amount
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


_MATCHER_KEYS = frozenset({"value", "condition"})
_AMOUNT_KEYS = frozenset({"amount", "value"})
_QUANTITY_KEYS = frozenset({"quantity"})
_UNITS_IN_CART = frozenset(
    {"CART_QUANTITY", "PRODUCT_QUANTITY_IN_CART", "CATEGORY_QUANTITY_IN_CART"}
)
LINE_KINDS = frozenset({"PRODUCT", "CATEGORY", "ATTRIBUTE"})
CART_KINDS = frozenset(
    {"PRODUCT_IN_CART", "CATEGORY_IN_CART", "MIN_CART_AMOUNT", "USER_LTV", "USER_ATTRIBUTE"}
    | _UNITS_IN_CART
)
QUANTITY_KINDS = frozenset({"LINE_QUANTITY"} | _UNITS_IN_CART)
"""The conditions that count units (``value: {"quantity": N}``)."""


def _entity_refs(cond: Condition, path: str, ids: bool = True) -> list[tuple[str, bool]]:
    """``entityIds`` (or the older ``value``) as ``(key, isNested)`` pairs.

    ``ids``: they name products or categories, whose ids are integers (else
    attributes, whose names are text).
    """
    raw: Iterable[Any]
    field = "entityIds"
    if cond.entity_ids is not None:
        raw = cond.entity_ids
    elif isinstance(cond.value, list):
        raw, field = cond.value, "value"
    elif cond.value is not None and not isinstance(cond.value, Mapping):
        raw, field = [cond.value], ""  # one scalar: the value itself
    else:
        raise ScenarioError(f"{path}.entityIds", f"a {cond.kind} condition needs entityIds")
    default_nested = bool(cond.is_nested)
    refs = []
    for k, item in enumerate(raw):
        where = f"{path}.{field}[{k}]" if field else f"{path}.value"
        if isinstance(item, Mapping):  # (the older form's: read as strictly as entityIds')
            item = validate(EntityRef, item, where)  # (walked with its discount)
        if isinstance(item, EntityRef):
            ref, nested, where = item.id, item.is_nested, f"{where}.id"
        else:
            ref, nested = item, None
        if ids and (type(ref) is not int or not -ID_LIMIT < ref < ID_LIMIT):
            raise ScenarioError(
                where, f"a {cond.kind} condition names ids: integers of at most 40 digits"
            )
        if not ids and type(ref) is not str:
            raise ScenarioError(where, f"a {cond.kind} condition names attributes: text")
        refs.append((key_of(ref), default_nested if nested is None else bool(nested)))
    return refs


def _value_keys(cond: Condition, path: str, allowed: frozenset[str]) -> None:
    """A condition's ``value`` object has only the keys its kind reads (typos are errors)."""
    if isinstance(cond.value, Mapping):
        for key in cond.value:
            if key not in allowed:
                raise ScenarioError(
                    key_path(f"{path}.value", key),
                    f"unknown field of the {cond.kind} condition's value"
                    f" (one of {', '.join(sorted(allowed))})",
                )


def _condition_amount(cur: Currency, cond: Condition, path: str) -> int:
    _value_keys(cond, path, _AMOUNT_KEYS)
    value = cond.value
    if isinstance(value, Mapping):
        value = value.get("amount", value.get("value"))
    if value is None or isinstance(value, bool):
        raise ScenarioError(f"{path}.value.amount", f"a {cond.kind} condition needs an amount")
    try:
        number = money(value)
    except ValueError as exc:
        raise ScenarioError(f"{path}.value.amount", str(exc)) from None
    return to_minor(cur, number, f"{path}.value.amount")


def _condition_quantity(cond: Condition, path: str) -> int:
    """N of a quantity condition's ``value: {"quantity": N}``, an integer ≥ 1."""
    if not isinstance(cond.value, Mapping):
        raise ScenarioError(
            f"{path}.value", f'a {cond.kind} condition\'s value is {{"quantity": N}}'
        )
    _value_keys(cond, path, _QUANTITY_KEYS)
    quantity = cond.value.get("quantity")
    if type(quantity) is not int or not 1 <= quantity <= MAX_UNITS:
        raise ScenarioError(f"{path}.value.quantity", f"must be an integer from 1 to {MAX_UNITS}")
    return quantity


def _quantity_condition(cond: Condition, catalog: CompiledCatalog, path: str) -> CartCondition:
    """A condition that counts units: the products it counts, and the least count."""
    least = _condition_quantity(cond, path)
    kind = cond.kind
    if kind == "PRODUCT_QUANTITY_IN_CART":
        mask = catalog.product_mask(k for k, _ in _entity_refs(cond, path))
    elif kind == "CATEGORY_QUANTITY_IN_CART":
        mask = catalog.category_mask(tuple(_entity_refs(cond, path)))
    else:  # CART_QUANTITY (and LINE_QUANTITY, which reads only ``amount``)
        mask = catalog.all_mask
    return CartCondition(kind, amount=least, mask=mask)


def compile_conditions(
    cur: Currency,
    conditions: Sequence[Condition],
    catalog: CompiledCatalog,
    path: str,
    field: str = "conditions",
) -> tuple[list[int], list[CartCondition], list[int]]:
    """Each product-level condition as the mask of products it holds for, the
    cart-level ones as :class:`CartCondition` (in the order given), and the least
    quantity of each ``LINE_QUANTITY`` condition (``field``: the list's name, for paths)."""
    line_masks: list[int] = []
    cart_conds: list[CartCondition] = []
    line_quantities: list[int] = []
    for j, cond in enumerate(conditions):
        cpath = f"{path}.{field}[{j}]"
        kind_name = cond.kind
        if kind_name in QUANTITY_KINDS:
            counting = _quantity_condition(cond, catalog, cpath)
            if kind_name == "LINE_QUANTITY":
                line_quantities.append(counting.amount)
            else:
                cart_conds.append(counting)
        elif kind_name == "PRODUCT":
            line_masks.append(catalog.product_mask(k for k, _ in _entity_refs(cond, cpath)))
        elif kind_name == "CATEGORY":
            line_masks.append(catalog.category_mask(_entity_refs(cond, cpath)))
        elif kind_name == "ATTRIBUTE":
            names = tuple(k for k, _ in _entity_refs(cond, cpath, ids=False))
            _value_keys(cond, cpath, _MATCHER_KEYS)
            test = read_test(cond.value, f"{cpath}.value")
            line_masks.append(catalog.attribute_mask(names, test))
        elif kind_name == "PRODUCT_IN_CART":
            keys = frozenset(k for k, _ in _entity_refs(cond, cpath))
            cart_conds.append(CartCondition(kind_name, mask=catalog.product_mask(keys)))
        elif kind_name == "CATEGORY_IN_CART":
            cats = tuple(_entity_refs(cond, cpath))
            cart_conds.append(CartCondition(kind_name, mask=catalog.category_mask(cats)))
        elif kind_name in ("MIN_CART_AMOUNT", "USER_LTV"):
            cart_conds.append(CartCondition(kind_name, amount=_condition_amount(cur, cond, cpath)))
        elif kind_name == "USER_ATTRIBUTE":
            names = tuple(k for k, _ in _entity_refs(cond, cpath, ids=False))
            _value_keys(cond, cpath, _MATCHER_KEYS)
            test = read_test(cond.value, f"{cpath}.value")
            matcher = test.predicate()
            cart_conds.append(CartCondition(kind_name, names=names, matcher=matcher))
        else:
            field_name = "conditionType" if cond.condition_type is not None else "type"
            raise ScenarioError(
                f"{cpath}.{field_name}",
                f"unknown condition type {quote(kind_name)} (one of "
                + ", ".join(sorted(LINE_KINDS | CART_KINDS | QUANTITY_KINDS))
                + ")",
            )
    return line_masks, cart_conds, line_quantities
