"""Hypothesis strategies for pricing scenarios: property-test your own rule sets.

Install the extra (``pip install "exact-discounts[hypothesis]"``) and import this module
explicitly; ``import pricing`` never imports Hypothesis.

Every strategy draws *JSON-shaped* values: plain ``dict``/``list``/``str``/``int``/
``bool``/``None``, money as decimal strings that fit the currency's exponent (or
integers when whole), exactly what [`pricing.preview`][pricing.preview] and
[`pricing.Engine`][pricing.Engine] accept and what ``json.dumps`` can write.
Generated scenarios are valid: the engine never raises
[`pricing.ScenarioError`][pricing.ScenarioError] on them, and with
``coupon_errors=False`` (the default) never a
[`pricing.CouponError`][pricing.CouponError] either.

The main entry point is [`scenarios`][pricing.strategies.scenarios]. Any part of
a scenario can be fixed (your catalog, your discounts, your settings) while the
rest is generated; the
generated customers, carts, coupon codes, markers and instants are then drawn
from the vocabulary of the fixed parts (the codes your discounts define, the
groups and attributes they test, the dates they start and end on), so that your
rules are exercised and not just skipped:

```python
import pricing
from hypothesis import given
from pricing import strategies as ps

@given(ps.scenarios(currency="USD", catalog=MY_CATALOG, discounts=MY_RULES))
def test_never_more_than_half_off(scenario):
    result = pricing.preview(scenario)
    assert result.total_sum_with_discount * 2 >= result.total_raw
```

A catalog given without ``categories`` gets no generated category tree: the
categories its products name are roots (give ``categories=`` for your tree). Fixed
parts may be models (`pricing.Product`, ...), and are checked once, when the
strategy is made, to be a valid rule set in the currency.

Every argument is checked when the strategy is made, not when an example is drawn:
a bad one is Hypothesis's ``InvalidArgument``, naming it.

Knobs: sizes (``max_products``, ``max_lines``, ``max_discounts``, ``max_quantity``,
``max_price``), which discount types and applicabilities, and ``features``: a
subset of [`FEATURES`][pricing.strategies.FEATURES] (default: all of them):

- `conditions`: discount conditions of every type, `AND`/`OR` logic;
- `exclusions`: discount exclusions (products, categories, nested);
- `dates`: `startDate`/`endDate` around the preview instant;
- `audience`: `userGroups`, `userExclusions`, `PERSONAL_DISCOUNT`, guests;
- `coupons`: coupon codes on discounts and presented in the order;
- `markers`: `ON_REQUEST` activation and `additionalDiscountsMarkers`;
- `gifts`: gifts, `giftsReplaceCartItems`, `allowGiftStacking`;
- `bonus`: bonus balance, bonus settings, `bonusAmount`, `BONUS` programs;
- `max_amount`: `discountValue.maxAmount`;
- `cap`: `settings.maxDiscountValue`;
- `no_stacking`: `allowStacking: false`;
- `unavailable`: unavailable catalog products, gift products missing from the catalog;
- `quantity`: quantity conditions (`LINE_QUANTITY`, `CART_QUANTITY`,
  `PRODUCT_QUANTITY_IN_CART`, `CATEGORY_QUANTITY_IN_CART`, with `conditions`) and
  `discountValue`'s `per`, `maxQuantity` (`quantityScope`, `unitOrder`), `tiers` and
  `buyGet`;
- `shipping`: `order.shippingLines` (1–3 lines, cheap ones and free ones) and
  `TO_SHIPPING` discounts (whatever `applicabilities` says);
- `usage`: `usageLimit`, `usageLimitPerCustomer` and `budget` on discounts, and the
  scenario's `usage` counters next to those limits (one use left, the last used, a
  cent of budget left), sometimes for an id no discount has (`unknown_usage`);
- `coupon_codes`: `order.couponCodes`: codes the discounts define, distinct once
  normalised (so never refused as duplicates); with `coupon_errors=True` also codes
  the engine refuses;
- `input_variants`: the other accepted input forms: `PERCENT`, older `{type, value}`
  conditions, `null` applicability, discounts without `discountValue`, `{id}`
  objects, coupon objects, codes typed in another case, dates in other zone offsets.

Signed prices and tax rates are not generated (not part of these strategies yet);
shipping lines carry no ``taxRateId``.

Importing this module with Hypothesis installed also makes ``st.from_type`` work
for the public models ([`pricing.Scenario`][pricing.Scenario],
[`pricing.Discount`][pricing.Discount], ...): the package registers a
``hypothesis`` entry point that calls `pricing.strategies._hypothesis_setup_hook`.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Register ``st.from_type`` strategies for the public models.

    Called by Hypothesis through the ``hypothesis`` entry point when it is
    imported (pyproject.toml names this function).
    """
    from ._registry import register_types

    register_types()


# Hypothesis is imported before any module of this package: importing it runs the
# entry points, which look up the hook above on this half-imported package and
# call it, importing the other modules whole. Imported the other way round, a
# module would be half-imported when the hook needs it.
import hypothesis  # noqa: E402, F401

from ._basics import APPLICABILITIES, CONDITION_TYPES, CURRENCIES, DISCOUNT_TYPES, FEATURES  # noqa: E402
from ._catalog import catalogs, categories  # noqa: E402
from ._discounts import discounts  # noqa: E402
from ._orders import customers, discount_settings, orders  # noqa: E402
from ._scalars import currencies, instants, money, percentages  # noqa: E402
from ._scenarios import scenarios  # noqa: E402

__all__ = [
    "APPLICABILITIES",
    "CONDITION_TYPES",
    "CURRENCIES",
    "DISCOUNT_TYPES",
    "FEATURES",
    "catalogs",
    "categories",
    "currencies",
    "customers",
    "discount_settings",
    "discounts",
    "instants",
    "money",
    "orders",
    "percentages",
    "scenarios",
]
