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

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StrictBool, StrictStr

from .._limits import MAX_DISCOUNTS, MAX_LINES
from .._validation import json_path, problems_of, validate
from .._values import (
    Amount,
    Count,
    Display,
    Id,
    Instant,
    Key,
    Money,
    Percent,
    Quantity,
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


from .base import _Strict
from .discount import (
    Budget,
    BuyGet,
    Condition,
    CouponDef,
    Discount,
    DiscountValue,
    EntityRef,
    Exclusion,
    GiftRef,
    Tier,
    unknown_fields,
)


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


class RuleSet(_Strict):
    """A rule set: what is compiled once, i.e. a scenario without its cart."""

    currency: str
    storage_marker: str | None = None
    categories: list[Category] = Field(default_factory=list)
    catalog: list[Product] = Field(default_factory=list)
    discounts: Annotated[list[Discount], Field(max_length=MAX_DISCOUNTS)] = Field(
        default_factory=list
    )
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
