"""Currencies, exponents, ROUND_HALF_UP, largest-remainder sharing and JSON money."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

import pricing

# ---------------------------------------------------------------------------
# currencies and their exponents


def test_jpy_has_no_minor_units_and_rounds_half_up(sb):
    """JPY (exponent 0): 15 % of ¥999 = 149.85 → ¥150."""
    scn = sb.scenario(
        currency="JPY",
        catalog=[{"id": 1, "price": 999}],
        discounts=[sb.discount(1, "PERCENTAGE", 15)],
    )
    result = sb.run(scn)
    # 999 × 15 / 100 = 149.85 → 150 (whole yen); 999 − 150 = 849.
    assert result.explanation[0].amount == D(150)
    assert result.total_sum_with_discount == D(849)
    assert result.total_sum_with_discount.as_tuple().exponent == 0
    doc = json.loads(result.to_json())
    assert doc["discountConfig"]["totalRaw"] == 999
    assert (doc["totalSum"], doc["totalSumWithDiscount"], doc["currency"]) == (849, 849, "JPY")


def test_jpy_exact_half_rounds_up(sb):
    """10 % of ¥5 = ¥0.5 → ¥1 (ROUND_HALF_UP, not banker's rounding to 0)."""
    scn = sb.scenario(
        currency="JPY",
        catalog=[{"id": 1, "price": "5"}],
        discounts=[sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT")],
    )
    result = sb.run(scn)
    assert result.total_sum_with_discount == D(4)


def test_jpy_amount_with_decimals_is_an_error(sb):
    """¥999.5 has more decimals than JPY allows."""
    scn = sb.scenario(currency="JPY", catalog=[{"id": 1, "price": "999.5"}])
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(scn)
    assert info.value.path == "catalog[0].price"


def test_kwd_has_three_decimals(sb):
    """KWD (exponent 3): 10 % of 1.005 = 0.1005 → 0.101 (half up at the third decimal)."""
    scn = sb.scenario(
        currency="KWD",
        catalog=[{"id": 1, "price": "1.005"}],
        discounts=[sb.discount(1, "PERCENTAGE", 10)],
    )
    result = sb.run(scn)
    # 1005 fils × 10 / 100 = 100.5 fils → 101 fils = 0.101; 1.005 − 0.101 = 0.904.
    assert result.explanation[0].amount == D("0.101")
    assert result.total_sum_with_discount == D("0.904")
    assert result.total_sum_with_discount.as_tuple().exponent == -3
    assert '"totalSumWithDiscount": 0.904' in result.to_json()


def test_kwd_amount_with_four_decimals_is_an_error(sb):
    """1.0005 KWD has one decimal too many."""
    scn = sb.scenario(currency="KWD", catalog=[{"id": 1, "price": "1.0005"}])
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(scn)
    assert info.value.path == "catalog[0].price"


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("price", "catalog[0].price"),
        ("fixed", "discounts[0].discountValue.value"),
        ("maxAmount", "discounts[0].discountValue.maxAmount"),
        ("condition", "discounts[0].conditions[0].value.amount"),
        ("ltv", "customer.ltv"),
        ("bonusBalance", "customer.bonusBalance"),
        ("bonusAmount", "order.bonusAmount"),
        ("minBonusAmount", "settings.minBonusAmount"),
    ],
)
@pytest.mark.parametrize(
    "bad",
    [
        "150.005",
        # a 5 at the 29th decimal: past the 28 digits of Decimal's context (was read as 150)
        "150.00000000000000000000000000005",
        "999999999999.999999999999999999",  # (was rounded up to 10^12, and accepted)
    ],
)
def test_usd_amount_with_three_decimals_is_an_error_naming_the_path(sb, where, path, bad):
    """ "150.005" in USD is an error, not a rounding, wherever the amount is, however
    many digits it has."""
    catalog = [{"id": 1, "price": bad if where == "price" else "150.00"}]
    d = sb.discount(1, "FIXED_AMOUNT", bad if where == "fixed" else 1)
    if where == "maxAmount":
        d["discountValue"]["maxAmount"] = bad
    if where == "condition":
        d["conditions"] = [{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": bad}}]
    buyer = sb.customer(
        ltv=bad if where == "ltv" else None, bonus_balance=bad if where == "bonusBalance" else None
    )
    scn = sb.scenario(
        catalog=catalog,
        discounts=[d],
        buyer=buyer,
        bonus_amount=bad if where == "bonusAmount" else None,
        settings={"minBonusAmount": bad} if where == "minBonusAmount" else {},
    )
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(scn)
    assert info.value.path == path
    assert f"{bad} has more decimals than USD allows (2)" in str(info.value)


@pytest.mark.parametrize(
    ("amount", "exponent", "minor"),
    [
        ("150.00", 2, 15000),
        ("150.005", 2, None),
        ("-0.01", 2, -1),
        ("0E-50", 2, 0),  # zero, however written
        ("1E-37", 2, None),  # tiny, not zero
        ("1E-1000000000", 2, None),  # (below the context's Emin: scaleb made it 0)
        ("150." + "0" * 60, 0, 150),  # trailing zeros, however many: the value
        ("150." + "0" * 28 + "5", 2, None),
        ("999999999999.999", 3, 999999999999999),
        ("1000000000000", 3, 10**15),
        ("12E+2", 2, 120000),
    ],
)
def test_to_minor_is_exact_whatever_the_digits(amount, exponent, minor):
    """An amount is in minor units exactly, or has too many decimals: worked out on its
    digits, never rounded to the 28 of Decimal's default context."""
    from pricing._money import Currency

    assert Currency("X", exponent).to_minor(D(amount)) == minor


def test_percentages_may_have_any_decimals(sb):
    """A percentage is not money: 12.345 % of 100.00 = 12.345 → 12.35 (half up)."""
    scn = sb.scenario(discounts=[sb.discount(1, "PERCENTAGE", "12.345")])
    assert sb.run(scn).total_sum_with_discount == D("87.65")


def test_python_float_is_taken_as_typed(sb):
    """From Python a float is read through its repr: 19.99 is fine, 0.1 + 0.2 is refused."""
    ok = sb.scenario(catalog=[{"id": 1, "price": 19.99}])
    assert pricing.preview(ok).total_raw == D("19.99")
    bad = sb.scenario(catalog=[{"id": 1, "price": 0.1 + 0.2}])
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(bad)
    assert info.value.path == "catalog[0].price"


# ---------------------------------------------------------------------------
# largest remainder


def test_ten_dollars_over_three_equal_lines(sb):
    """10.00 TO_ORDER over three equal lines → 3.34, 3.33, 3.33 (earlier line first)."""
    catalog = [{"id": i, "price": "5.00"} for i in (1, 2, 3)]
    scn = sb.scenario(
        [(1, 1), (2, 1), (3, 1)],
        catalog=catalog,
        discounts=[sb.discount(1, "FIXED_AMOUNT", "10.00")],
    )
    result = sb.run(scn)
    # 1000 cents × 1/3 = 333.33 each → 333 ×3 = 999; 1 cent left; remainders tie → line 1.
    want = [D("3.34"), D("3.33"), D("3.33")]
    assert [line.order_discount for line in result.lines] == want
    assert sum(want) == D("10.00")
    assert result.total_sum_with_discount == D("5.00")


def test_largest_remainder_goes_to_the_largest_remainder_not_the_first_line(sb):
    """1.00 over lines 1.00 : 2.00 → 0.33, 0.67: the extra cent goes to line 2."""
    catalog = [{"id": 1, "price": "1.00"}, {"id": 2, "price": "2.00"}]
    scn = sb.scenario(
        [(1, 1), (2, 1)], catalog=catalog, discounts=[sb.discount(1, "FIXED_AMOUNT", 1)]
    )
    result = sb.run(scn)
    # 100 × 1/3 = 33.33 → 33 (rem 1/3); 100 × 2/3 = 66.67 → 66 (rem 2/3); 1 left → line 2.
    assert [line.order_discount for line in result.lines] == [D("0.33"), D("0.67")]


def test_naive_per_line_rounding_would_be_off_by_a_cent(sb):
    """10 % TO_ORDER over three 0.05 lines takes 0.02 in total, not 3 × round(0.005) = 0.03."""
    catalog = [{"id": i, "price": "0.05"} for i in (1, 2, 3)]
    scn = sb.scenario(
        [(1, 1), (2, 1), (3, 1)],
        catalog=catalog,
        discounts=[sb.discount(1, "PERCENTAGE", 10)],
    )
    result = sb.run(scn)
    # Base 0.15; 10 % = 0.015 → round half up → 0.02 = 2 cents, shared 1 : 1 : 1:
    # 2/3 → 0 each, remainders tie → earlier lines: 1, 1, 0.
    # Rounding each line's 10 % of 0.05 = 0.005 → 0.01 would give 0.03 in total.
    assert result.explanation[0].amount == D("0.02")
    assert [line.order_discount for line in result.lines] == [D("0.01"), D("0.01"), D("0")]
    assert result.total_sum_with_discount == D("0.13")
    # lines[].discounts still lists the discount on the line whose share is 0 (decision).
    assert [d.amount for d in result.lines[2].discounts] == [D("0.00")]


def test_to_product_percentages_round_per_line(sb):
    """The same 10 % as TO_PRODUCT rounds each line: 3 × round(0.005) = 0.03 (amount table)."""
    catalog = [{"id": i, "price": "0.05"} for i in (1, 2, 3)]
    scn = sb.scenario(
        [(1, 1), (2, 1), (3, 1)],
        catalog=catalog,
        discounts=[sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT")],
    )
    result = sb.run(scn)
    assert [line.product_discount for line in result.lines] == [D("0.01")] * 3
    assert result.total_sum_with_discount == D("0.12")


def test_shares_always_sum_to_the_discount(sb):
    """Several awkward splits: the lines' shares add up exactly to each discount's amount."""
    catalog = [
        {"id": 1, "price": "0.07"},
        {"id": 2, "price": "13.13"},
        {"id": 3, "price": "999.99"},
    ]
    discounts = [
        sb.discount(1, "PERCENTAGE", "33.3333", position=1),
        sb.discount(2, "FIXED_AMOUNT", "7.77", position=2),
        sb.discount(3, "FIXED_PRICE", "500.01", position=3),
    ]
    result = sb.run(sb.scenario([(1, 3), (2, 7), (3, 1)], catalog=catalog, discounts=discounts))
    for e in result.explanation:
        assert sum(sb.shares(result, e.identifier)) == e.amount
    assert sum(e.amount for e in result.explanation) == (
        result.total_raw - result.total_sum_with_discount
    )


# ---------------------------------------------------------------------------
# JSON money


def test_money_is_written_as_exact_json_numbers(sb):
    """Integral amounts without a fraction, others without trailing zeros: 300, 284.5."""
    scn = sb.scenario(
        [(1, 2)],
        catalog=[{"id": 1, "price": "150.00"}],
        discounts=[sb.discount(1, "FIXED_AMOUNT", "15.50")],
    )
    result = sb.run(scn)
    # 300.00 − 15.50 = 284.50
    text = result.to_json()
    assert '"totalRaw": 300,' in text
    assert '"totalSum": 284.5,' in text
    assert '"totalSumWithDiscount": 284.5,' in text
    assert result.document["totalSumWithDiscount"] == D("284.50")
    assert isinstance(result.document["totalSumWithDiscount"], D)
    parsed = pricing.loads_json(text)
    assert parsed["totalDue"] == D("284.5")


def test_zero_is_written_as_zero(sb):
    """Zero money is ``0``."""
    text = sb.run(sb.scenario()).to_json()
    assert '"bonusApplied": 0,' in text
    assert '"bonusAccrual": 0,' in text


@pytest.mark.parametrize("amount", ["1E+999999999999", "-1E+13", "1000000000000.01"])
def test_an_amount_beyond_the_limit_is_refused_before_it_is_converted(amount):
    """An amount no validator bounded yet (a custom verifier's price) is refused at once:
    its minor units would have a trillion digits (the conversion never ended)."""
    from pricing._money import currency, to_minor

    with pytest.raises(pricing.ScenarioError, match="at most 10\\^12") as err:
        to_minor(currency("USD"), D(amount), "order.products[0].signedPrice")
    assert err.value.path == "order.products[0].signedPrice"
