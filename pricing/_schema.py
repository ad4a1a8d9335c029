"""Boundary models: the scenario as pydantic v2 validates it (docs/scenario.md).

Field names are OneEntry's camelCase; snake_case is accepted from Python. Types are
strict (``true`` is no id, ``"false"`` no boolean, ``"3"`` no quantity) and every
input is bounded (:mod:`._limits`). Unknown fields are errors everywhere except at
the top level of discount and coupon objects, where they are kept, echoed and
reported as ``unknown_field`` warnings (errors under the strict option). Money is
parsed to ``Decimal`` here; whether it fits the currency's exponent is checked when
the rule set is compiled, where the currency is known.
"""

from __future__ import annotations

import copy
import math
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ._errors import ScenarioError, quote
from ._json import ExponentDecimal
from ._limits import (
    MAX_DISPLAY_DEPTH,
    MAX_LINES,
    MAX_MONEY_DIGITS,
    MAX_PERCENT_DECIMALS,
    MAX_QUANTITY,
    depth_of,
)

__all__ = [
    "Budget",
    "Category",
    "Condition",
    "CouponDef",
    "Customer",
    "Discount",
    "DiscountValue",
    "EntityRef",
    "Exclusion",
    "GiftRef",
    "Order",
    "OrderProduct",
    "Product",
    "RuleSet",
    "Scenario",
    "Settings",
    "ShippingLine",
    "Surcharge",
    "TaxRate",
    "UsageEntry",
    "UsageInput",
    "money",
    "to_decimal",
    "unknown_fields",
    "validate",
]


_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
_MAX_INT_BITS = 133  # more bits than this: more than 40 digits


def to_decimal(value: Any) -> Decimal:
    """Money and percentages: a JSON number without exponent, a plain decimal string
    (``-?[0-9]+(.[0-9]+)?``), or from Python an ``int``, finite ``Decimal`` or ``float``."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, ExponentDecimal):
        raise ValueError("must be written without an exponent (150.5, not 1.505E+2)")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise ValueError("a number may have at most 40 digits")
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number (NaN and Infinity are not amounts)")
        # repr() is the shortest string that round-trips: what the caller typed.
        result = Decimal(repr(value))
    elif isinstance(value, str):
        if len(value) > 60 or not _PLAIN_DECIMAL.fullmatch(value):
            raise ValueError(
                f"must be a plain decimal number like 12.50 (got {quote(value)}: "
                "digits with an optional point and sign, no exponent or spaces)"
            )
        result = Decimal(value)
    else:
        raise ValueError(f"must be a decimal number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError("must be a finite number (NaN and Infinity are not amounts)")
    return result


def _bounded(value: Decimal) -> Decimal:
    if value.adjusted() >= MAX_MONEY_DIGITS and abs(value) > 10**MAX_MONEY_DIGITS:
        raise ValueError(f"must be at most 10^{MAX_MONEY_DIGITS} in absolute value")
    return value


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return _bounded(value)


def money(value: Any) -> Decimal:
    """A non-negative bounded money amount read as :data:`Money` reads it (``ValueError``)."""
    return _non_negative(to_decimal(value))


def _percent(value: Decimal) -> Decimal:
    if not 0 <= value <= 100:
        raise ValueError("must be a percentage between 0 and 100")
    return _few_decimals(value)


def _few_decimals(value: Decimal) -> Decimal:
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PERCENT_DECIMALS:
        raise ValueError(f"a percentage may have at most {MAX_PERCENT_DECIMALS} decimals")
    return value


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 64:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"must be an ISO 8601 date-time with a zone offset, got {quote(value)}"
            ) from None
    else:
        raise ValueError(
            "must be an ISO 8601 date-time string with a zone offset "
            "(e.g. 2026-11-22T12:00:00Z), not " + type(value).__name__
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("needs a zone offset (e.g. Z or +01:00)")
    return moment


def _display_depth(value: Any) -> Any:
    if depth_of(value) > MAX_DISPLAY_DEPTH:
        raise ValueError(f"nested more than {MAX_DISPLAY_DEPTH} levels deep")
    return value


Amount = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_bounded)]
"""Any bounded decimal (sign checked where it matters)."""
Money = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_non_negative)]
"""A non-negative bounded money amount."""
Percent = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_percent)]
"""A percentage 0..100, decimals allowed (a bounded number of them)."""
Id = Annotated[StrictInt, Field(gt=-(10**40), lt=10**40)]
"""Product, category, discount, customer and group ids: integers."""
Key = Annotated[StrictInt, Field(gt=-(10**40), lt=10**40)] | StrictStr
"""Other ids (tax rates, shipping lines) and names (attributes): integers or strings."""
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
Count = Annotated[StrictInt, Field(ge=0, lt=10**40)]
"""A count of uses, or a limit on them: a non-negative integer."""
Instant = Annotated[datetime, BeforeValidator(_instant)]
"""An aware instant: an ISO 8601 string with a zone offset (or an aware ``datetime``)."""
Display = Annotated[Any, AfterValidator(_display_depth)]
"""A display-only value: kept and echoed, at most 32 levels deep."""
M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    """Base of the scenario models: camelCase, snake_case accepted, unknown fields refused."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=False,
    )


class _Lenient(_Strict):
    """Base of the parts of a discount object: unknown (display) fields are kept."""

    model_config = ConfigDict(extra="allow")


class Category(_Strict):
    """A catalog category; ``parentId`` builds the tree used by nested matching."""

    id: Id
    parent_id: Id | None = None


class TaxRate(_Strict):
    """A tax rate in percent (docs/taxes.md)."""

    id: Key
    name: str = ""
    rate: Percent


class Product(_Strict):
    """A catalog entry (docs/scenario.md)."""

    id: Id
    title: str | None = None
    sku: str | None = None
    price: Money
    category_ids: list[Id] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    available: StrictBool = True
    tax_rate_id: Key | None = None


class Customer(_Strict):
    """The shopper; ``None`` in a scenario is a guest."""

    id: Id
    group_ids: list[Id] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    ltv: Money | None = None
    bonus_balance: Money | None = None


class OrderProduct(_Strict):
    """One requested cart line."""

    product_id: Id
    quantity: Quantity
    signed_price: StrictStr | None = None


class ShippingLine(_Strict):
    """A shipping charge (docs/taxes.md): never discounted, may be paid by bonus."""

    id: Key
    name: str = ""
    price: Money
    tax_rate_id: Key | None = None


class Surcharge(_Strict):
    """A surcharge (docs/taxes.md); a negative amount is a one-off reduction."""

    description: str = ""
    amount: Amount
    tax_rate_id: Key | None = None


class Order(_Strict):
    """The OneEntry createOrder/previewOrder body."""

    products: Annotated[list[OrderProduct], Field(max_length=MAX_LINES)]
    coupon_code: StrictStr | None = None
    additional_discounts_markers: list[StrictStr] = Field(default_factory=list)
    # Money: a negative request is an error naming order.bonusAmount (docs/bonus.md).
    bonus_amount: Money | None = None
    shipping_lines: Annotated[list[ShippingLine], Field(max_length=MAX_LINES)] = Field(
        default_factory=list
    )
    surcharges: Annotated[list[Surcharge], Field(max_length=MAX_LINES)] = Field(
        default_factory=list
    )
    # Extension (docs/eligibility.md#several-coupon-codes): more codes after couponCode.
    coupon_codes: Annotated[list[StrictStr], Field(max_length=MAX_LINES)] | None = None
    # Fields of a OneEntry order body that do not affect prices: accepted, ignored.
    form_identifier: StrictStr | None = None
    payment_account_identifier: StrictStr | None = None
    form_data: Display = None


class Settings(_Strict):
    """OneEntry discount settings (docs/scenario.md) plus ``pricesIncludeTax`` (docs/taxes.md)."""

    allow_stacking: StrictBool = True
    max_discount_value: Percent | None = None
    allow_gift_stacking: StrictBool = False
    max_bonus_payment_percent: Percent | None = None
    min_bonus_amount: Money | None = None
    min_order_amount_for_bonus: Money | None = None
    gift_refund_policy: str = "KEEP_GIFT"
    prices_include_tax: StrictBool | None = None


class EntityRef(_Strict):
    """A reference in ``entityIds``: a product, category or attribute id."""

    id: Key
    is_nested: StrictBool | None = None


class Condition(_Strict):
    """A discount condition; the older ``{type, value}`` form is accepted too."""

    condition_type: StrictStr | None = None
    type: StrictStr | None = None
    entity_ids: list[Key | EntityRef] | None = None
    value: Any = None
    is_nested: StrictBool | None = None

    @model_validator(mode="after")
    def _has_type(self) -> Condition:
        if self.condition_type is None and self.type is None:
            raise ValueError("a condition needs conditionType (or the older type)")
        return self

    @property
    def kind(self) -> str:
        """The condition type, whichever form named it."""
        return self.condition_type or self.type or ""


class Exclusion(_Strict):
    """A product or category that a discount never touches."""

    id: Id
    is_nested: StrictBool = False


class UserRef(_Lenient):
    """A user or user-group reference given as an object."""

    id: Id


class GiftRef(_Strict):
    """A gift with its quantity."""

    product_id: Id
    quantity: Quantity = 1


class CouponDef(_Lenient):
    """A coupon code of a discount; other keys are echoed (display fields, or warned of)."""

    code: StrictStr
    is_used: StrictBool = False
    is_reusable: StrictBool = False
    # Display fields of a OneEntry coupon: kept and echoed, never warned of.
    id: Display = None
    discount_id: Display = None
    used_at: Display = None
    order_id: Display = None


class DiscountValue(_Strict):
    """What a discount takes off, and where."""

    # discountType comes first so that the check of `value` can see it, and a
    # percentage above 100 is an error naming discountValue.value (docs/errors.md).
    discount_type: Literal["PERCENTAGE", "PERCENT", "FIXED_AMOUNT", "FIXED_PRICE", "NONE"] = "NONE"
    value: Money = Decimal(0)
    max_amount: Money | None = None
    applicability: Literal["TO_PRODUCT", "TO_ORDER", "TO_SHIPPING"] | None = None

    @field_validator("value")
    @classmethod
    def _percentage_range(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if info.data.get("discount_type") in ("PERCENTAGE", "PERCENT"):
            if value > 100:
                raise ValueError("a percentage value must be between 0 and 100")
            _few_decimals(value)
        return value


class Budget(_Strict):
    """The money a discount may give away in total (docs/usage-limits.md)."""

    amount: Money


class Discount(_Lenient):
    """A OneEntry discount object (docs/scenario.md); unknown fields are kept for the echo."""

    id: Id
    identifier: StrictStr | None = None
    type: Literal["DISCOUNT", "PERSONAL_DISCOUNT", "BONUS"] = "DISCOUNT"
    start_date: Instant | None = None
    end_date: Instant | None = None
    position: Annotated[StrictInt, Field(gt=-(10**40), lt=10**40)] | None = None
    discount_value: DiscountValue | None = None
    conditions: list[Condition] | None = None
    condition_logic: Literal["AND", "OR"] | None = None
    exclusions: list[Exclusion] | None = None
    user_groups: list[Id | UserRef] | None = None
    user_exclusions: list[Id | UserRef] | None = None
    gifts: list[Id | GiftRef] | None = None
    gifts_replace_cart_items: StrictBool | None = None
    coupons: list[StrictStr | CouponDef] | None = None
    activation: Literal["AUTOMATIC", "ON_REQUEST"] | None = None
    # Usage limits and budgets (docs/usage-limits.md): null or absent = unlimited.
    usage_limit: Count | None = None
    usage_limit_per_customer: Count | None = None
    budget: Budget | None = None
    # OneEntry's display-only fields: kept and echoed, never warned of.
    localize_infos: Display = None
    attribute_values: Display = None
    attribute_set_id: Display = None
    version: Display = None
    total: Display = None
    bonus_event: Display = None
    coupon: Display = None

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @field_validator("end_date")
    @classmethod
    def _end_after_start(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        start = info.data.get("start_date")
        if value is not None and start is not None and value <= start:
            raise ValueError("must be after startDate")
        return value

    @model_validator(mode="wrap")
    @classmethod
    def _keep_raw(cls, data: Any, handler: Any) -> Any:
        model = handler(data)
        if isinstance(data, dict):
            # Own copy: later changes to the caller's dict must not leak into echoes.
            model._raw = copy.deepcopy(data)
        elif isinstance(data, Discount):
            model._raw = data._raw
        else:
            model._raw = model.model_dump(by_alias=True, exclude_unset=True)
        return model

    @property
    def raw(self) -> dict[str, Any]:
        """The discount object as given (for the echo in ``discountConfig``)."""
        return self._raw


def _known_keys(model: type[BaseModel]) -> frozenset[str]:
    fields = model.model_fields
    return frozenset(fields) | frozenset(f.alias for f in fields.values() if f.alias)


_DISCOUNT_KEYS = _known_keys(Discount)
_COUPON_KEYS = _known_keys(CouponDef)


def unknown_fields(discount: Discount, index: int) -> list[str]:
    """Paths of the keys of a discount object, and of its coupon objects, that are
    neither read nor display fields: in document order (``discounts[3].maxAmmount``)."""
    found = []
    path = f"discounts[{index}]"
    for key, value in discount.raw.items():
        if key not in _DISCOUNT_KEYS:
            found.append(f"{path}.{key}")
        elif key == "coupons" and isinstance(value, list):
            for j, coupon in enumerate(value):
                if isinstance(coupon, dict):
                    found.extend(f"{path}.{key}[{j}].{k}" for k in coupon if k not in _COUPON_KEYS)
    return found


class RuleSet(_Strict):
    """A rule set: what is compiled once, i.e. a scenario without its cart."""

    currency: str
    storage_marker: str | None = None
    categories: list[Category] = Field(default_factory=list)
    catalog: list[Product] = Field(default_factory=list)
    discounts: list[Discount] = Field(default_factory=list)
    settings: Settings = Field(default_factory=Settings)
    tax_rates: list[TaxRate] | None = None
    locale: str | None = None


class UsageEntry(_Strict):
    """What the caller's storage knows of one discount's use (docs/usage-limits.md)."""

    uses: Count = 0
    customer_uses: Count = 0
    spent: Money = Decimal(0)


Usage = Annotated[dict[StrictStr, UsageEntry], Field(max_length=MAX_LINES)]
"""Discount id (as a JSON object key) → its counters."""


class UsageInput(_Strict):
    """The ``usage`` input on its own (given to ``Engine.preview``), validated as a scenario's."""

    usage: Usage


class Scenario(RuleSet):
    """One preview's whole input: a rule set, and the cart priced at an instant."""

    at: Instant | None = None
    customer: Customer | None = None
    order: Order
    usage: Usage | None = None


_UNION_TAGS = frozenset(
    {"int", "str", "bool", "decimal", "float", "list", "dict", "EntityRef", "UserRef"}
    | {"constrained-int", "constrained-str"}
    | {"GiftRef", "CouponDef", "DiscountValue", "Condition", "Exclusion"}
    | {"Budget", "UsageEntry"}
)


def json_path(loc: tuple[int | str, ...]) -> str:
    """``('order', 'products', 0, 'quantity')`` → ``order.products[0].quantity``.

    Pydantic puts the tried member of a union into ``loc`` (``int``, ``EntityRef``,
    ``function-after[...]``); those are not JSON keys and are left out.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in _UNION_TAGS or "[" in part or "(" in part:
            continue
        else:
            out += f".{part}" if out else part
    return out


_MESSAGES = {
    "missing": "field required",
    "extra_forbidden": "unknown field (typos must not silently change prices)",
}


def problems_of(error: ValidationError, prefix: str = "") -> tuple[tuple[str, str], ...]:
    """Each distinct ``(path, message)`` of a pydantic error, paths under ``prefix``.

    When one alternative of a union (``id`` or ``{id}``) fails as a whole and another
    at a field inside it, the field is the better name: a path that merely holds
    another failing path is dropped.
    """
    seen: dict[str, str] = {}
    for item in error.errors(include_url=False):
        path = json_path(tuple(item["loc"]))
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else prefix + path
        message = _MESSAGES.get(item["type"], item["msg"])
        message = message.removeprefix("Value error, ")
        seen.setdefault(path, message)
    return tuple(
        (path, message)
        for path, message in seen.items()
        if not any(_holds(path, other) for other in seen)
    )


def _holds(outer: str, inner: str) -> bool:
    """Whether ``inner`` is a field inside ``outer`` (``a[0]`` holds ``a[0].b``)."""
    return inner.startswith(outer) and inner[len(outer) : len(outer) + 1] in (".", "[")


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate ``data`` as ``model``; failures become a :class:`ScenarioError`."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = problems_of(exc, prefix)
        raise ScenarioError(problems[0][0], problems[0][1], problems) from None
