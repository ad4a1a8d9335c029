"""The OneEntry discount object and its parts, as the boundary reads them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .._errors import key_path
from .._json import copy_json
from .._limits import ID_LIMIT, MAX_GIFTS
from .._values import Count, Display, Id, Instant, Key, Money, Quantity, Units, few_decimals
from .base import _Lenient, _Strict

__all__ = [
    "Budget",
    "BuyGet",
    "Condition",
    "CouponDef",
    "Discount",
    "DiscountValue",
    "EntityRef",
    "Exclusion",
    "GiftRef",
    "Tier",
    "UserRef",
    "unknown_fields",
]


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


class UserRef(_Strict):
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


class Tier(_Strict):
    """One step of a tiered discount: from this quantity or amount of the targeted lines
    on, this value (docs/quantity-promotions.md); which fields go together is checked
    when the rule is compiled."""

    min_quantity: Units | None = None
    min_amount: Money | None = None
    value: Money

    @model_validator(mode="after")
    def _one_threshold(self) -> Tier:
        if (self.min_quantity is None) == (self.min_amount is None):
            raise ValueError("a tier needs one of minQuantity or minAmount")
        return self


class BuyGet(_Strict):
    """Buy X, get Y (docs/quantity-promotions.md): ``buyConditions`` say which units count
    as bought, the discount's own conditions which may be got."""

    buy_quantity: Units
    get_quantity: Units
    buy_conditions: list[Condition] | None = None
    buy_condition_logic: Literal["AND", "OR"] | None = None
    max_sets: Units | None = None


class DiscountValue(_Strict):
    """What a discount takes off, and where."""

    # discountType comes first so that the check of `value` can see it, and a
    # percentage above 100 is an error naming discountValue.value (docs/errors.md).
    discount_type: Literal["PERCENTAGE", "PERCENT", "FIXED_AMOUNT", "FIXED_PRICE", "NONE"] = "NONE"
    # null only with tiers (checked when the rule is compiled)
    value: Money | None = Decimal(0)
    max_amount: Money | None = None
    applicability: Literal["TO_PRODUCT", "TO_ORDER", "TO_SHIPPING"] | None = None
    # Quantity-aware fields (docs/quantity-promotions.md); which go together, and with
    # which applicability, is checked when the rule is compiled.
    per: Literal["UNIT", "LINE"] | None = None
    max_quantity: Units | None = None
    quantity_scope: Literal["LINE", "ORDER"] | None = None
    unit_order: Literal["CHEAPEST_FIRST", "MOST_EXPENSIVE_FIRST"] | None = None
    tiers: Annotated[list[Tier], Field(min_length=1)] | None = None
    buy_get: BuyGet | None = None

    @field_validator("value")
    @classmethod
    def _percentage_range(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is not None and info.data.get("discount_type") in ("PERCENTAGE", "PERCENT"):
            if value > 100:
                raise ValueError("a percentage value must be between 0 and 100")
            few_decimals(value)
        return value


class Budget(_Strict):
    """The money a discount may give away in total (docs/usage-limits.md)."""

    amount: Money


class Discount(_Lenient):
    """A OneEntry discount object (docs/scenario.md); unknown fields are kept for the echo.

    Attributes:
        id: the discount id.
        identifier: its name in results (`lines[].discounts`, `explanation`).
        type: `DISCOUNT`, `PERSONAL_DISCOUNT` or `BONUS` (a points program).
        start_date: the instant it starts (`startDate`).
        end_date: the instant it ends (`endDate`).
        position: its priority: ascending, `None` last, ties by `id`.
        discount_value: what it takes off, and where (`discountValue`:
            `value`, `discountType`, `maxAmount`, `applicability`).
        conditions: what the cart or customer must satisfy.
        condition_logic: `AND` or `OR` over the conditions (`conditionLogic`).
        exclusions: products and categories it never applies to.
        user_groups: when non-empty, only customers of these groups qualify
            (`userGroups`).
        user_exclusions: customers who never qualify (`userExclusions`).
        gifts: products given with it.
        gifts_replace_cart_items: a gift replaces a paid unit of the same product
            (`giftsReplaceCartItems`).
        coupons: the codes that activate it.
        activation: `AUTOMATIC`, or `ON_REQUEST` (activated by a marker).
    """

    id: Id
    identifier: StrictStr | None = None
    type: Literal["DISCOUNT", "PERSONAL_DISCOUNT", "BONUS"] = "DISCOUNT"
    start_date: Instant | None = None
    end_date: Instant | None = None
    position: Annotated[StrictInt, Field(gt=-ID_LIMIT, lt=ID_LIMIT)] | None = None
    discount_value: DiscountValue | None = None
    conditions: list[Condition] | None = None
    condition_logic: Literal["AND", "OR"] | None = None
    exclusions: list[Exclusion] | None = None
    user_groups: list[Id | UserRef] | None = None
    user_exclusions: list[Id | UserRef] | None = None
    gifts: Annotated[list[Id | GiftRef], Field(max_length=MAX_GIFTS)] | None = None
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
            try:
                model._raw = copy_json(data, strict=True)
            except TypeError:  # (built in Python with a set or a model inside: echoed
                # as its fields, as JSON names them)
                model._raw = model.model_dump(by_alias=True, exclude_unset=True)
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


def _snake_spellings(model: type[BaseModel]) -> dict[str, str]:
    """Each field's snake_case name → its camelCase one, where the two differ."""
    return {name: f.alias for name, f in model.model_fields.items() if f.alias and f.alias != name}


_DISCOUNT_KEYS = _known_keys(Discount)
_COUPON_KEYS = _known_keys(CouponDef)
_DISCOUNT_SNAKE = _snake_spellings(Discount)
_COUPON_SNAKE = _snake_spellings(CouponDef)


def unknown_fields(discount: Discount, index: int) -> list[str]:
    """Paths of the keys of a discount object, and of its coupon objects, that are
    neither read nor display fields: in document order (``discounts[3].maxAmmount``)."""
    raw = discount.raw
    found = []
    path = f"discounts[{index}]"
    for key, value in raw.items():
        if key not in _DISCOUNT_KEYS or _DISCOUNT_SNAKE.get(key) in raw:
            found.append(key_path(path, key))
        elif key == "coupons" and isinstance(value, list):
            for j, coupon in enumerate(value):
                if isinstance(coupon, dict):
                    found.extend(
                        key_path(f"{path}.{key}[{j}]", k)
                        for k in coupon
                        if k not in _COUPON_KEYS or _COUPON_SNAKE.get(k) in coupon
                    )
    return found
