"""Boundary models: the scenario as pydantic v2 validates it (docs/scenario.md, docs/taxes.md).

Field names are OneEntry's camelCase; snake_case is accepted from Python. Unknown
fields are rejected everywhere except inside discount objects, whose display-only
fields are kept and echoed verbatim. Money is parsed to ``Decimal`` here; whether
it fits the currency's exponent is checked when the rule set is compiled, where the
currency is known.
"""

from __future__ import annotations

import copy
import math
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ._errors import ScenarioError

__all__ = [
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
    "to_decimal",
    "validate",
]


def to_decimal(value: Any) -> Decimal:
    """Money and percentages: exact decimals from str, int, Decimal (or a float's repr)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite number (NaN and Infinity are not amounts)")
        # repr() is the shortest string that round-trips: what the caller typed.
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"must be a decimal number, got {value!r}") from None
    else:
        raise ValueError(f"must be a decimal number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError("must be a finite number (NaN and Infinity are not amounts)")
    return result


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _percent(value: Decimal) -> Decimal:
    if not 0 <= value <= 100:
        raise ValueError("must be a percentage between 0 and 100")
    return value


Amount = Annotated[Decimal, BeforeValidator(to_decimal)]
"""Any finite decimal (sign checked where it matters)."""
Money = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_non_negative)]
"""A non-negative money amount."""
Percent = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(_percent)]
"""A percentage 0..100, decimals allowed."""
Id = int | str
"""Ids are OneEntry integers; strings are accepted where a platform uses them."""
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

    id: Id
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
    available: bool = True
    tax_rate_id: Id | None = None


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
    quantity: Annotated[StrictInt, Field(ge=1, le=1_000_000)]
    signed_price: str | None = None


class ShippingLine(_Strict):
    """A shipping charge (docs/taxes.md): never discounted, may be paid by bonus."""

    id: Id
    name: str = ""
    price: Money
    tax_rate_id: Id | None = None


class Surcharge(_Strict):
    """A surcharge (docs/taxes.md); a negative amount is a one-off reduction."""

    description: str = ""
    amount: Amount
    tax_rate_id: Id | None = None


class Order(_Strict):
    """The OneEntry createOrder/previewOrder body."""

    products: list[OrderProduct]
    coupon_code: str | None = None
    additional_discounts_markers: list[str] = Field(default_factory=list)
    # Money: a negative request is an error naming order.bonusAmount (docs/bonus.md).
    bonus_amount: Money | None = None
    shipping_lines: list[ShippingLine] = Field(default_factory=list)
    surcharges: list[Surcharge] = Field(default_factory=list)
    # Fields of a OneEntry order body that do not affect prices: accepted, ignored.
    form_identifier: str | None = None
    payment_account_identifier: str | None = None
    form_data: Any = None


class Settings(_Strict):
    """OneEntry discount settings (docs/scenario.md) plus ``pricesIncludeTax`` (docs/taxes.md)."""

    allow_stacking: bool = True
    max_discount_value: Percent | None = None
    allow_gift_stacking: bool = False
    max_bonus_payment_percent: Percent | None = None
    min_bonus_amount: Money | None = None
    min_order_amount_for_bonus: Money | None = None
    gift_refund_policy: str = "KEEP_GIFT"
    prices_include_tax: bool | None = None


class EntityRef(_Lenient):
    """A reference in ``entityIds``: a product, category or attribute id."""

    id: Id
    is_nested: bool | None = None


class Condition(_Lenient):
    """A discount condition; the older ``{type, value}`` form is accepted too."""

    condition_type: str | None = None
    type: str | None = None
    entity_ids: list[Id | EntityRef] | None = None
    value: Any = None
    is_nested: bool | None = None

    @model_validator(mode="after")
    def _has_type(self) -> Condition:
        if self.condition_type is None and self.type is None:
            raise ValueError("a condition needs conditionType (or the older type)")
        return self

    @property
    def kind(self) -> str:
        """The condition type, whichever form named it."""
        return self.condition_type or self.type or ""


class Exclusion(_Lenient):
    """A product or category that a discount never touches."""

    id: Id
    is_nested: bool = False


class UserRef(_Lenient):
    """A user or user-group reference given as an object."""

    id: Id


class GiftRef(_Lenient):
    """A gift with its quantity."""

    product_id: Id
    quantity: Annotated[StrictInt, Field(ge=1, le=1_000_000)] = 1


class CouponDef(_Lenient):
    """A coupon code of a discount."""

    code: str
    is_used: bool = False
    is_reusable: bool = False


class DiscountValue(_Lenient):
    """What a discount takes off, and where."""

    # discountType comes first so that the check of `value` can see it, and a
    # percentage above 100 is an error naming discountValue.value (docs/errors.md).
    discount_type: Literal["PERCENTAGE", "PERCENT", "FIXED_AMOUNT", "FIXED_PRICE", "NONE"] = "NONE"
    value: Money = Decimal(0)
    max_amount: Money | None = None
    applicability: Literal["TO_PRODUCT", "TO_ORDER"] | None = None

    @field_validator("value")
    @classmethod
    def _percentage_range(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if info.data.get("discount_type") in ("PERCENTAGE", "PERCENT") and value > 100:
            raise ValueError("a percentage value must be between 0 and 100")
        return value


class Discount(_Lenient):
    """A OneEntry discount object (docs/scenario.md); unknown fields are kept for the echo."""

    id: Id
    identifier: str | None = None
    type: Literal["DISCOUNT", "PERSONAL_DISCOUNT", "BONUS"] = "DISCOUNT"
    start_date: datetime | None = None
    end_date: datetime | None = None
    position: int | None = None
    discount_value: DiscountValue | None = None
    conditions: list[Condition] | None = None
    condition_logic: Literal["AND", "OR"] | None = None
    exclusions: list[Exclusion] | None = None
    user_groups: list[Id | UserRef] | None = None
    user_exclusions: list[Id | UserRef] | None = None
    gifts: list[Id | GiftRef] | None = None
    gifts_replace_cart_items: bool | None = None
    coupons: list[str | CouponDef] | None = None
    activation: Literal["AUTOMATIC", "ON_REQUEST"] | None = None

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

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


class Scenario(RuleSet):
    """One preview's whole input: a rule set, and the cart priced at an instant."""

    at: AwareDatetime | None = None
    customer: Customer | None = None
    order: Order


_UNION_TAGS = frozenset(
    {"int", "str", "bool", "decimal", "float", "list", "dict", "EntityRef", "UserRef"}
    | {"GiftRef", "CouponDef", "DiscountValue", "Condition", "Exclusion"}
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
    """Each distinct ``(path, message)`` of a pydantic error, paths under ``prefix``."""
    seen: dict[str, str] = {}
    for item in error.errors(include_url=False):
        path = json_path(tuple(item["loc"]))
        if prefix:
            path = f"{prefix}.{path}" if path and not path.startswith("[") else prefix + path
        message = _MESSAGES.get(item["type"], item["msg"])
        message = message.removeprefix("Value error, ")
        seen.setdefault(path, message)
    return tuple(seen.items())


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate ``data`` as ``model``; failures become a :class:`ScenarioError`."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = problems_of(exc, prefix)
        raise ScenarioError(problems[0][0], problems[0][1], problems) from None
