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
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ._limits import MAX_LINES
from ._validation import json_path, problems_of, validate
from ._values import (
    Amount,
    Count,
    Display,
    Id,
    Instant,
    Key,
    Money,
    Percent,
    Quantity,
    Units,
    few_decimals,
    money,
    to_decimal,
)

__all__ = [
    "Budget",
    "BuyGet",
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
    "Tier",
    "UsageEntry",
    "UsageInput",
    "json_path",
    "money",
    "problems_of",
    "to_decimal",
    "unknown_fields",
    "validate",
]


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
    """A catalog category; `parentId` builds the tree used by nested matching.

    Attributes:
        id: the category id (an integer).
        parent_id: the parent category, or `None` for a root (`parentId`).
    """

    id: Id
    parent_id: Id | None = None


class TaxRate(_Strict):
    """A tax rate in percent (docs/taxes.md)."""

    id: Key
    name: str = ""
    rate: Percent


class Product(_Strict):
    """A catalog entry (docs/scenario.md).

    Attributes:
        id: the product id (an integer).
        title: shown in `orderPreview`.
        sku: shown in `orderPreview`.
        price: the unit price, with at most the currency's decimals.
        category_ids: the categories the product is in (`categoryIds`).
        attributes: attribute values that `ATTRIBUTE` conditions test.
        available: an unavailable product cannot be ordered or given as a gift.
        tax_rate_id: its tax rate, an id of the scenario's `taxRates` (`taxRateId`).
    """

    id: Id
    title: str | None = None
    sku: str | None = None
    price: Money
    category_ids: list[Id] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    available: StrictBool = True
    tax_rate_id: Key | None = None


class Customer(_Strict):
    """The shopper; `None` in a scenario is a guest.

    Attributes:
        id: the customer id, matched by a discount's `userExclusions`.
        group_ids: the customer's groups (`groupIds`), matched by `userGroups`.
        attributes: attribute values that `USER_ATTRIBUTE` conditions test.
        ltv: lifetime value, tested by `USER_LTV` conditions.
        bonus_balance: loyalty points available to pay with (`bonusBalance`).
    """

    id: Id
    group_ids: list[Id] = Field(default_factory=list)
    attributes: dict[str, Any] = Field(default_factory=dict)
    ltv: Money | None = None
    bonus_balance: Money | None = None


class OrderProduct(_Strict):
    """One requested cart line (an entry of `order.products`).

    Attributes:
        product_id: a product of the catalog (`productId`).
        quantity: units, at least 1.
        signed_price: a signed price token fixing the unit price (`signedPrice`,
            docs/signed-prices.md).
    """

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
    """The OneEntry createOrder/previewOrder body.

    Attributes:
        products: the cart lines, in order.
        coupon_code: the presented coupon code (`couponCode`).
        additional_discounts_markers: markers that activate `ON_REQUEST`
            discounts (`additionalDiscountsMarkers`).
        bonus_amount: the loyalty points the customer asks to pay with
            (`bonusAmount`).
        shipping_lines: shipping charges (`shippingLines`, docs/taxes.md).
        surcharges: surcharges and one-off reductions (docs/taxes.md).
        form_identifier: accepted and ignored (does not affect prices).
        payment_account_identifier: accepted and ignored.
        form_data: accepted and ignored.
    """

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
    """OneEntry discount settings (docs/scenario.md) plus `pricesIncludeTax` (docs/taxes.md).

    Attributes:
        allow_stacking: several discounts may apply to one order (`allowStacking`).
        max_discount_value: the cap, in percent of `totalRaw`, on the total
            discount (`maxDiscountValue`).
        allow_gift_stacking: every applied discount gives its gifts; when
            false, only the highest-priority one with gifts (`allowGiftStacking`).
        max_bonus_payment_percent: the most of an order points may pay, in
            percent (`maxBonusPaymentPercent`).
        min_bonus_amount: the smallest balance that may pay (`minBonusAmount`).
        min_order_amount_for_bonus: the smallest order points may pay for
            (`minOrderAmountForBonus`).
        gift_refund_policy: echoed only; it does not affect a preview
            (`giftRefundPolicy`).
        prices_include_tax: catalog prices include tax (`pricesIncludeTax`).
    """

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
    """One preview's whole input: a rule set, and the cart priced at an instant.

    Attributes:
        currency: ISO 4217 code of every amount.
        storage_marker: the order storage marker (`storageMarker`).
        categories: the category tree.
        catalog: the products.
        discounts: the discount rules.
        settings: the discount settings.
        tax_rates: tax rates (`taxRates`, docs/taxes.md).
        locale: the CLDR locale of display prices.
        at: the instant of the preview; required by `pricing.preview`.
        customer: the shopper, `None` for a guest.
        order: the cart.
        usage: what the caller's storage knows of each discount's use
            (docs/usage-limits.md).
    """

    at: Instant | None = None
    customer: Customer | None = None
    order: Order
    usage: Usage | None = None
