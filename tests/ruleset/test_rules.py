"""Rules, compiled once: each discount object read, in priority order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest

import pricing
from pricing._money import Rate, currency
from pricing._ruleset.catalog import CompiledCatalog, compile_catalog
from pricing._ruleset.rules import Rule, compile_rules, micros, normalise_code
from pricing._schema import Category, Discount, Product

# Product 1 at 40.00 × 2 (line 80.00), product 2 at 25.00 × 1 (line 25.00): 105.00.
CATALOG = [
    {"id": 1, "title": "A", "price": "40.00"},
    {"id": 2, "title": "B", "price": "25.00"},
]
LINES = ((1, 2), (2, 1))


def _catalog() -> CompiledCatalog:
    return compile_catalog(
        currency("USD"),
        [Category.model_validate({"id": 10}), Category.model_validate({"id": 11, "parentId": 10})],
        [
            Product.model_validate({"id": 1, "price": "1.00", "categoryIds": [11]}),  # bit 1
            Product.model_validate({"id": 2, "price": "1.00", "categoryIds": [10]}),  # bit 2
            Product.model_validate({"id": 3, "price": "1.00"}),  # bit 4
        ],
    )


def _rules(*discounts: dict[str, Any]) -> tuple[Rule, ...]:
    return compile_rules(
        currency("USD"), [Discount.model_validate(d) for d in discounts], _catalog()
    )


# ---------------------------------------------------------------------------
# priority


def test_priority_position_first_null_last_then_ids_numerically():
    rules = _rules(
        {"id": 20},
        {"id": 12},
        {"id": 100},
        {"id": 5},
        {"id": 3, "position": 7},
        {"id": 40, "position": 0},
    )
    # position 0: 40; position 7: 3; then null positions by id, numerically: 5, 12, 20,
    # 100 (as text they would sort "100" < "12" < "20" < "5").
    assert [r.id for r in rules] == [40, 3, 5, 12, 20, 100]
    # Each rule still knows its place in the list (for error paths).
    assert [r.index for r in rules] == [5, 4, 3, 1, 0, 2]
    assert [r.priority for r in rules] == [(0, 0), (0, 7), (1, 0), (1, 0), (1, 0), (1, 0)]


def test_a_string_discount_id_is_refused():
    """Discount ids are integers: ``"b"`` and ``"7"`` are refused, naming the id."""
    for bad in ("b", "7", True):
        with pytest.raises(pricing.ScenarioError) as info:
            pricing.Engine(currency="USD", discounts=[{"id": 1}, {"id": bad}])
        assert info.value.path == "discounts[1].id"
        assert "integer" in info.value.message


def test_priority_ties_do_not_depend_on_list_order(sb):
    """Two rules at the same position: the lower id applies first, however listed."""
    one_hundred = [{"id": 1, "price": "100.00"}]
    fixed = sb.discount(2, "FIXED_AMOUNT", 10, position=1)
    half = sb.discount(1, "PERCENTAGE", 50, position=1)
    for discounts in ([fixed, half], [half, fixed]):
        result = sb.run(sb.scenario(catalog=one_hundred, discounts=discounts))
        # id 1 first: 50 % of 100 = 50 → 50; then 10 off → 40.
        # (id 2 first would give 10 off → 90, then 45 → 45.)
        assert [e.id for e in result.explanation] == [1, 2]
        assert result.total_sum_with_discount == D("40.00")


def test_duplicate_discount_id_names_the_second():
    with pytest.raises(pricing.ScenarioError) as info:
        _rules({"id": 7}, {"id": 8}, {"id": 7})
    assert info.value.path == "discounts[2].id"
    assert "duplicate discount id" in str(info.value)


# ---------------------------------------------------------------------------
# discountValue


def test_null_applicability_means_to_order(sb):
    """``applicability: null`` is TO_ORDER (a decision)."""
    scn = sb.scenario(LINES, catalog=CATALOG, discounts=[sb.discount(1, "FIXED_AMOUNT", 21, None)])
    result = sb.run(scn)
    config = result.document["discountConfig"]
    assert [d["id"] for d in config["orderDiscounts"]] == [1]
    assert config["productDiscounts"] == []
    # As TO_ORDER: min(21, 105) = 21 shared 80 : 25 → 16, 5. (As TO_PRODUCT it would be
    # min(21×2, 80) + min(21, 25) = 42 + 21 = 63.)
    assert [line.order_discount for line in result.lines] == [D(16), D(5)]
    assert result.total_sum_with_discount == D("84.00")


def test_discount_without_discount_value_is_gift_only_to_order(sb):
    """No ``discountValue`` at all: a NONE TO_ORDER discount (decision)."""
    d = {"id": 1, "identifier": "bare"}
    result = sb.run(sb.scenario(LINES, catalog=CATALOG, discounts=[d]))
    assert sb.status(result) == {"bare": ("applied", None)}
    assert result.total_sum_with_discount == D("105.00")
    assert [x["id"] for x in result.document["discountConfig"]["orderDiscounts"]] == [1]


def test_values_are_read_in_minor_units_and_percentages_as_rates():
    pct, fixed, price, bare = _rules(
        {"id": 1, "position": 1, "discountValue": {"value": "12.5", "discountType": "PERCENT"}},
        {
            "id": 2,
            "position": 2,
            "discountValue": {
                "value": "15.5",
                "maxAmount": "20",
                "discountType": "FIXED_AMOUNT",
                "applicability": "TO_PRODUCT",
            },
        },
        {"id": 3, "position": 3, "discountValue": {"value": 9, "discountType": "FIXED_PRICE"}},
        {"id": 4, "position": 4},
    )
    # PERCENT is PERCENTAGE; 12.5 % = 1/8; its fixed value is 0.
    assert (pct.kind, pct.rate, pct.value, pct.max_amount, pct.to_product) == (
        "PERCENTAGE",
        Rate.from_percent(D("12.5")),
        0,
        None,
        False,
    )
    assert pct.rate.num * 8 == pct.rate.den
    # 15.50 → 1550 cents, maxAmount 20 → 2000.
    assert (fixed.kind, fixed.value, fixed.max_amount, fixed.to_product) == (
        "FIXED_AMOUNT",
        1550,
        2000,
        True,
    )
    assert (price.kind, price.value) == ("FIXED_PRICE", 900)
    assert (bare.kind, bare.value, bare.max_amount, bare.to_product) == ("NONE", 0, None, False)


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"value": "1.005", "discountType": "FIXED_AMOUNT"}, "discounts[1].discountValue.value"),
        (
            {"value": 10, "maxAmount": "0.001", "discountType": "PERCENTAGE"},
            "discounts[1].discountValue.maxAmount",
        ),
    ],
)
def test_money_finer_than_the_currency_names_the_field(value, path):
    with pytest.raises(pricing.ScenarioError) as info:
        _rules({"id": 1}, {"id": 2, "discountValue": value})
    assert info.value.path == path


# ---------------------------------------------------------------------------
# conditions and exclusions as masks


def test_masks_of_conditions_and_exclusions():
    and_rule, or_rule, excl, plain = _rules(
        {
            "id": 1,
            "position": 1,
            "conditions": [
                {"conditionType": "CATEGORY", "entityIds": [{"id": 10, "isNested": True}]},
                {"conditionType": "PRODUCT", "entityIds": [2, 3]},
            ],
        },
        {
            "id": 2,
            "position": 2,
            "conditionLogic": "OR",
            "conditions": [{"conditionType": "PRODUCT", "entityIds": [3]}],
        },
        {"id": 3, "position": 3, "exclusions": [{"id": 10, "isNested": True}]},
        {"id": 4, "position": 4},
    )
    # Under 10 (nested): 1 and 2 (0b011); product 2 or 3: 0b110. AND: 0b010; OR: 0b111.
    assert (and_rule.and_mask, and_rule.or_mask, and_rule.allowed_mask) == (0b010, 0b111, 0b111)
    assert and_rule.reach_mask == 0b010  # AND with conditions: only what may pass them
    assert (or_rule.or_mask, or_rule.reach_mask) == (0b100, 0b111)  # OR: everything allowed
    # Excluding category 10 with its descendants leaves product 3 only.
    assert (excl.allowed_mask, excl.and_mask, excl.reach_mask) == (0b100, 0b100, 0b100)
    assert (plain.has_conditions, plain.and_mask, plain.reach_mask) == (False, 0b111, 0b111)


# ---------------------------------------------------------------------------
# coupons, gifts, audiences


def test_coupon_codes_are_trimmed_and_caseless():
    assert normalise_code("  Save10 ") == normalise_code("SAVE10") == "save10"
    (rule,) = _rules({"id": 1, "coupons": [" Summer ", {"code": "WINTER", "isReusable": True}]})
    assert set(rule.coupons) == {"summer", "winter"}
    assert rule.coupons["summer"].code == " Summer "  # defined as given
    assert rule.coupons["winter"].is_reusable


def test_the_first_of_two_codes_equal_once_normalised_is_kept(sb):
    used = {"code": "SAVE", "isUsed": True}
    rule = _rules({"id": 1, "coupons": [used, "save"]})[0]
    assert rule.coupons["save"].is_used
    # So presenting it is refused as used (the second, unused spelling is ignored).
    d = sb.discount(1, coupons=[used, "save"])
    with pytest.raises(pricing.CouponError):
        sb.run(sb.scenario(discounts=[d], coupon="save"))


def test_an_empty_coupon_code_is_refused():
    with pytest.raises(pricing.ScenarioError) as info:
        _rules({"id": 1, "coupons": ["OK", "   "]})
    assert info.value.path == "discounts[0].coupons[1]"


def test_gifts_groups_and_activation_are_read():
    (rule,) = _rules(
        {
            "id": 1,
            "gifts": [2, {"productId": 3, "quantity": 2}],
            "giftsReplaceCartItems": True,
            "userGroups": [3, {"id": 4}],
            "userExclusions": [{"id": 42}],
            "activation": "ON_REQUEST",
        }
    )
    assert rule.gifts == (("2", 1), ("3", 2))
    assert rule.gifts_replace
    assert rule.user_groups == {"3", "4"}
    assert rule.user_exclusions == {"42"}
    assert rule.on_request


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"gifts": [2, "3"]}, "discounts[0].gifts[1]"),
        ({"gifts": [{"productId": "3", "quantity": 2}]}, "discounts[0].gifts[0].productId"),
        ({"gifts": [{"productId": True}]}, "discounts[0].gifts[0].productId"),
        ({"userGroups": [3, "4"]}, "discounts[0].userGroups[1]"),
        ({"userGroups": [{"id": "4"}]}, "discounts[0].userGroups[0].id"),
        ({"userExclusions": ["42"]}, "discounts[0].userExclusions[0]"),
        ({"userExclusions": [{"id": "42"}]}, "discounts[0].userExclusions[0].id"),
        ({"exclusions": [{"id": "2"}]}, "discounts[0].exclusions[0].id"),
        ({"exclusions": [{"id": 2, "isNested": "true"}]}, "discounts[0].exclusions[0].isNested"),
    ],
)
def test_gift_group_and_exclusion_ids_that_are_not_integers_are_refused(fields, path):
    """A string (or boolean) where an id belongs is refused; the object form's field is
    among the problems named (the first path may be the list entry itself)."""
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(
            currency="USD", catalog=[{"id": 3, "price": "1.00"}], discounts=[{"id": 1, **fields}]
        )
    assert path in [p for p, _ in info.value.problems]
    assert info.value.path.startswith(path.removesuffix(".productId").removesuffix(".id"))


# ---------------------------------------------------------------------------
# dates


def test_a_date_with_an_offset_is_the_same_instant_in_utc():
    utc, offset = _rules(
        {"id": 1, "startDate": "2026-11-22T12:00:00Z"},
        {"id": 2, "startDate": "2026-11-22T14:00:00+02:00", "endDate": "2026-11-23T00:00:00Z"},
    )
    noon = datetime(2026, 11, 22, 12, tzinfo=UTC)
    assert utc.start == noon
    assert utc.start_us == micros(noon)
    assert utc.end is None
    assert utc.end_us is None
    assert offset.start_us == micros(noon)  # 14:00 at +02:00 is 12:00 UTC


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("startDate", "2026-11-22T12:00:00"),  # no zone: no longer read as UTC
        ("startDate", "2026-11-22"),  # a date alone has no zone either
        ("endDate", "2026-11-23T12:00:00"),
        ("startDate", 1764000000),  # Unix seconds are no instant here
    ],
)
def test_a_discount_date_without_a_zone_is_refused(field, value):
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(currency="USD", discounts=[{"id": 1, field: value}])
    assert info.value.path == f"discounts[0].{field}"
    assert "zone offset" in info.value.message


def test_a_naive_start_date_is_refused_in_a_preview(sb):
    d = sb.discount(1, startDate="2026-11-22T12:00:00")
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(sb.scenario(discounts=[d]))
    assert info.value.path == "discounts[0].startDate"
    # With its zone given it is read as that instant; 13:00 at +01:00 is 12:00 UTC.
    d = sb.discount(1, startDate="2026-11-22T12:00:00Z")
    for at, want in [("2026-11-22T11:59:59Z", "not_applied"), ("2026-11-22T12:00:00Z", "applied")]:
        assert sb.status(sb.run(sb.scenario(discounts=[d], at=at)))["d1"][0] == want
    result = sb.run(sb.scenario(discounts=[d], at="2026-11-22T12:59:59+01:00"))
    assert sb.status(result)["d1"] == ("not_applied", "not_started")


def test_micros_is_exact():
    """Whole microseconds since the epoch: 1 µs after it is 1, before it −1."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert micros(epoch + timedelta(microseconds=1)) == 1
    assert micros(epoch - timedelta(microseconds=1)) == -1
    # 2026-11-22T12:00:00Z: 1970 → 2026 is 56 × 365 + 14 leap days = 20 454 days; then
    # 304 days to 1 November and 21 more: 20 779 days and 12 hours
    # = 20 779 × 86 400 + 43 200 = 1 795 348 800 s.
    assert micros(datetime(2026, 11, 22, 12, tzinfo=UTC)) == 1_795_348_800_000_000
    # Far from the epoch a float of seconds would lose the last microsecond; this does not.
    late = datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    assert micros(late) - micros(late - timedelta(microseconds=1)) == 1


def test_shipping_usage_limits_and_budget_are_compiled():
    """TO_SHIPPING is its own applicability (neither to_product nor an order rule's
    lines); limits are read as given, the budget in minor units; the usage key is the
    id as JSON writes an object key."""
    (rule,) = _rules(
        {
            "id": 12,
            "usageLimit": 100,
            "usageLimitPerCustomer": 1,
            "budget": {"amount": "5000.50"},
            "discountValue": {
                "value": 100,
                "discountType": "PERCENTAGE",
                "applicability": "TO_SHIPPING",
            },
        }
    )
    assert (rule.to_shipping, rule.to_product) == (True, False)
    assert (rule.usage_limit, rule.usage_limit_per_customer, rule.budget) == (100, 1, 500050)
    assert (rule.usage_key, rule.limited) == ("12", True)
    (plain,) = _rules({"id": 13})
    assert (plain.to_shipping, plain.limited, plain.budget) == (False, False, None)


def test_a_budget_must_fit_the_currency():
    with pytest.raises(pricing.ScenarioError) as info:
        _rules({"id": 1, "budget": {"amount": "1.001"}})
    assert info.value.path == "discounts[0].budget.amount"
