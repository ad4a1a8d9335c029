"""Tax, shipping, surcharges and display prices (docs/taxes.md).

Every expected figure is worked out by hand in the comments, in minor units where
rounding matters. Tax is per line, ROUND_HALF_UP:
exclusive: tax = round(amount·r/100); inclusive: tax = amount − round(amount·100/(100+r)).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import pricing

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AT = "2026-11-22T12:00:00Z"
D = Decimal
NBSP = "\u00a0"

SECTION_9_KEYS = [
    "totalSum",
    "totalSumWithDiscount",
    "bonusApplied",
    "totalDue",
    "currency",
    "discountConfig",
    "orderPreview",
    "lines",
    "explanation",
    "bonusAccrual",
    "warnings",
]
TAXES_KEYS = [
    "subTotal",
    "subTotalWithTax",
    "shipping",
    "shippingWithTax",
    "surcharges",
    "total",
    "totalWithTax",
    "taxSummary",
]

RATES: list[dict[str, Any]] = [
    {"id": "std", "name": "Standard", "rate": 20},
    {"id": "ca", "name": "CA", "rate": "7.25"},
    {"id": "zero", "name": "Zero", "rate": 0},
]


def product(pid: int, price: str | int, rate: str | None) -> dict[str, Any]:
    return {"id": pid, "title": f"P{pid}", "price": price, "taxRateId": rate}


def scenario(
    catalog: list[dict[str, Any]],
    products: list[tuple[int, int]],
    *,
    currency: str = "USD",
    tax_rates: list[dict[str, Any]] | None = RATES,
    include_tax: bool | None = None,
    locale: str | None = None,
    discounts: list[dict[str, Any]] | None = None,
    shipping: list[dict[str, Any]] | None = None,
    surcharges: list[dict[str, Any]] | None = None,
    customer: dict[str, Any] | None = None,
    request: str | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A scenario with tax inputs; ``products`` is ``[(productId, quantity), ...]``."""
    order: dict[str, Any] = {
        "products": [{"productId": p, "quantity": q} for p, q in products],
        "bonusAmount": request,
    }
    if shipping is not None:
        order["shippingLines"] = shipping
    if surcharges is not None:
        order["surcharges"] = surcharges
    s: dict[str, Any] = {
        "at": AT,
        "currency": currency,
        "catalog": catalog,
        "customer": customer,
        "discounts": discounts or [],
        "settings": dict(settings or {}),
        "order": order,
    }
    if tax_rates is not None:
        s["taxRates"] = tax_rates
    if include_tax is not None:
        s["settings"]["pricesIncludeTax"] = include_tax
    if locale is not None:
        s["locale"] = locale
    return s


def run(*args: Any, **kwargs: Any) -> dict[str, Any]:
    return dict(pricing.preview(scenario(*args, **kwargs)).document)


def ten_percent_off() -> dict[str, Any]:
    return {
        "id": 1,
        "identifier": "ten-off",
        "position": 1,
        "discountValue": {"value": 10, "discountType": "PERCENTAGE", "applicability": "TO_ORDER"},
    }


def row(rate_id: str, name: str, rate: Any, base: str, tax: str) -> dict[str, Any]:
    return {"taxRateId": rate_id, "name": name, "rate": D(rate), "base": D(base), "tax": D(tax)}


def money_taxes(doc: dict[str, Any]) -> tuple[Decimal, ...]:
    """The seven money fields of ``taxes`` in document order (docs/taxes.md)."""
    t = doc["taxes"]
    return tuple(t[k] for k in TAXES_KEYS[:-1])


def display(doc: dict[str, Any]) -> tuple[int, str, int, str]:
    dp = doc["displayPrice"]
    return (
        dp["withTax"]["amount"],
        dp["withTax"]["formatted"],
        dp["withoutTax"]["amount"],
        dp["withoutTax"]["formatted"],
    )


# ---------------------------------------------------------------------------
# exclusive prices


def test_exclusive_20_and_7_25_percent_on_discounted_lines() -> None:
    # A 100.00 @ 20 %, B 40.00 @ 7.25 %; 10 % off the order: 14.00 shared 100:40 →
    # A 10.00, B 4.00 (exact) → taxable A 90.00, B 36.00.
    # A: 9000 × 20/100 = 1800 → 18.00. B: 3600 × 7.25/100 = 261 → 2.61.
    # subTotal 126.00, with tax 126.00 + 18.00 + 2.61 = 146.61.
    doc = run(
        [product(1, "100.00", "std"), product(2, "40.00", "ca")],
        [(1, 1), (2, 1)],
        discounts=[ten_percent_off()],
    )
    assert [x["totalWithDiscount"] for x in doc["lines"]] == [D("90.00"), D("36.00")]
    assert money_taxes(doc) == (
        D("126.00"),
        D("146.61"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("126.00"),
        D("146.61"),
    )
    assert doc["taxes"]["taxSummary"] == [
        row("std", "Standard", 20, "90.00", "18.00"),
        row("ca", "CA", "7.25", "36.00", "2.61"),
    ]
    # Without prices including tax, the order totals stay net.
    assert doc["totalSumWithDiscount"] == D("126.00")
    assert doc["totalDue"] == D("126.00")
    assert display(doc) == (14661, "$146.61", 12600, "$126.00")


@pytest.mark.parametrize(
    ("price", "rate", "tax"),
    [
        ("2.00", "ca", "0.15"),  # 200 × 7.25 % = 14.5 → 15 (half up; half-even gives 14)
        ("0.10", "half", "0.01"),  # 10 × 5 % = 0.5 → 1
        ("1.00", "tiny", "0.01"),  # 100 × 0.5 % = 0.5 → 1
        ("89.98", "ca", "6.52"),  # 8998 × 7.25 % = 652.355 → 652
        ("0.06", "ca", "0.00"),  # 6 × 7.25 % = 0.435 → 0
    ],
)
def test_exclusive_line_tax_rounds_half_up(price: str, rate: str, tax: str) -> None:
    rates = [
        *RATES,
        {"id": "half", "name": "Five", "rate": 5},
        {"id": "tiny", "name": "Half", "rate": "0.5"},
    ]
    doc = run([product(1, price, rate)], [(1, 1)], tax_rates=rates)
    (summary,) = doc["taxes"]["taxSummary"]
    assert summary["tax"] == D(tax)
    assert summary["base"] == D(price)
    assert doc["taxes"]["totalWithTax"] == D(price) + D(tax)


def test_summary_follows_the_lines_not_the_tax_on_the_total() -> None:
    # Two separate lines of 2.00 @ 7.25 % (lines are never merged):
    # per line 200 × 7.25 % = 14.5 → 15 cents, twice → 0.30.
    # Tax on the total would be 400 × 7.25 % = 29 → 0.29; the summary follows the lines.
    doc = run([product(1, "2.00", "ca")], [(1, 1), (1, 1)])
    assert doc["taxes"]["taxSummary"] == [row("ca", "CA", "7.25", "4.00", "0.30")]
    assert doc["taxes"]["subTotalWithTax"] == D("4.30")
    assert doc["taxes"]["totalWithTax"] == D("4.30")


def test_zero_rate_and_untaxed_lines() -> None:
    # A 100.00 @ 20 % → 20.00; Z 10.00 @ 0 % → 0.00 (a summary row with tax 0);
    # U 5.00 untaxed (taxRateId null) → no tax and no summary row.
    # subTotal 115.00, with tax 135.00; the rows' bases add to 110.00, not 115.00.
    doc = run(
        [product(1, "100.00", "std"), product(2, "10.00", "zero"), product(3, "5.00", None)],
        [(1, 1), (2, 1), (3, 1)],
    )
    assert doc["taxes"]["subTotal"] == D("115.00")
    assert doc["taxes"]["subTotalWithTax"] == D("135.00")
    assert doc["taxes"]["taxSummary"] == [
        row("std", "Standard", 20, "100.00", "20.00"),
        row("zero", "Zero", 0, "10.00", "0.00"),
    ]


def test_product_discounts_reduce_the_taxable_amount() -> None:
    # 2 × 49.99 @ 7.25 % with 5.00 off each unit (FIXED_AMOUNT TO_PRODUCT):
    # 99.98 − 10.00 = 89.98 → 8998 × 7.25 % = 652.355 → 6.52.
    d = {
        "id": 1,
        "position": 1,
        "discountValue": {
            "value": "5.00",
            "discountType": "FIXED_AMOUNT",
            "applicability": "TO_PRODUCT",
        },
    }
    doc = run([product(1, "49.99", "ca")], [(1, 2)], discounts=[d])
    assert doc["taxes"]["taxSummary"] == [row("ca", "CA", "7.25", "89.98", "6.52")]


# ---------------------------------------------------------------------------
# inclusive prices


def test_inclusive_19_and_7_percent_with_a_discount() -> None:
    # EUR, prices include tax. A 119.00 @ 19 %, B 10.70 @ 7 %; 10 % off 129.70 = 12.97,
    # shared 11900:1070 → 11.90 and 1.07 (exact) → A 107.10, B 9.63 gross.
    # A: net = round(10710 × 100/119) = 9000 → tax 1710 (17.10).
    # B: net = round(963 × 100/107) = 900 → tax 63 (0.63).
    # subTotal 99.00, subTotalWithTax 116.73 = totalSumWithDiscount (gross, as entered).
    rates = [
        {"id": "de19", "name": "USt 19", "rate": 19},
        {"id": "de7", "name": "USt 7", "rate": 7},
    ]
    doc = run(
        [product(1, "119.00", "de19"), product(2, "10.70", "de7")],
        [(1, 1), (2, 1)],
        currency="EUR",
        locale="de_DE",
        tax_rates=rates,
        include_tax=True,
        discounts=[ten_percent_off()],
    )
    assert money_taxes(doc) == (
        D("99.00"),
        D("116.73"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("99.00"),
        D("116.73"),
    )
    assert doc["taxes"]["taxSummary"] == [
        row("de19", "USt 19", 19, "90.00", "17.10"),
        row("de7", "USt 7", 7, "9.00", "0.63"),
    ]
    assert doc["totalSumWithDiscount"] == D("116.73")
    assert doc["totalDue"] == D("116.73")
    assert display(doc) == (11673, f"116,73{NBSP}€", 9900, f"99,00{NBSP}€")
    assert doc["discountConfig"]["settings"]["pricesIncludeTax"] is True


@pytest.mark.parametrize(
    ("gross", "rate", "net", "tax"),
    [
        ("119.00", 19, "100.00", "19.00"),  # 11900 × 100/119 = 10000
        ("10.00", 19, "8.40", "1.60"),  # 1000 × 100/119 = 840.34 → 840
        ("0.15", 20, "0.13", "0.02"),  # 15 × 100/120 = 12.5 → 13 (half up; half-even: 12)
        ("0.03", 20, "0.03", "0.00"),  # 3 × 100/120 = 2.5 → 3
        ("1.07", 7, "1.00", "0.07"),  # 107 × 100/107 = 100
    ],
)
def test_inclusive_line_net_rounds_half_up(gross: str, rate: int, net: str, tax: str) -> None:
    rates = [{"id": "r", "name": "r", "rate": rate}]
    doc = run([product(1, gross, "r")], [(1, 1)], tax_rates=rates, include_tax=True)
    assert doc["taxes"]["taxSummary"] == [row("r", "r", rate, net, tax)]
    assert doc["taxes"]["subTotal"] == D(net)
    assert doc["taxes"]["subTotalWithTax"] == D(gross)
    assert doc["totalSumWithDiscount"] == D(gross)


def test_inclusive_totals_stay_gross_and_bonus_comes_off_the_gross() -> None:
    # 119.00 gross @ 19 % → net 100.00, tax 19.00. Bonus 19.00 (balance 50.00, no limits):
    # max = min(50.00, 119.00) = 50.00; totalDue = 119.00 − 19.00 = 100.00 (gross − bonus).
    doc = run(
        [product(1, "119.00", "r")],
        [(1, 1)],
        tax_rates=[{"id": "r", "name": "r", "rate": 19}],
        include_tax=True,
        customer={"id": 7, "bonusBalance": "50.00"},
        request="19.00",
    )
    assert doc["totalSumWithDiscount"] == D("119.00")
    assert doc["bonusApplied"] == D("19.00")
    assert doc["totalDue"] == D("100.00")
    assert doc["taxes"]["total"] == D("100.00")
    assert doc["taxes"]["totalWithTax"] == D("119.00")


# ---------------------------------------------------------------------------
# shipping and surcharges


def test_shipping_with_its_own_rate_is_not_discounted() -> None:
    # Goods 100.00 @ 20 %, 10 % off → 90.00 → tax 18.00.
    # Shipping 9.99 @ 7.25 % (not discounted): 999 × 7.25 % = 72.4275 → 0.72.
    # total 90.00 + 9.99 = 99.99; with tax 99.99 + 18.00 + 0.72 = 118.71.
    doc = run(
        [product(1, "100.00", "std")],
        [(1, 1)],
        discounts=[ten_percent_off()],
        shipping=[{"id": "s1", "name": "Express", "price": "9.99", "taxRateId": "ca"}],
    )
    assert money_taxes(doc) == (
        D("90.00"),
        D("108.00"),
        D("9.99"),
        D("10.71"),
        D("0.00"),
        D("99.99"),
        D("118.71"),
    )
    assert doc["taxes"]["taxSummary"] == [
        row("std", "Standard", 20, "90.00", "18.00"),
        row("ca", "CA", "7.25", "9.99", "0.72"),
    ]
    # Shipping is not part of the order totals (totalSum is after discounts).
    assert doc["discountConfig"]["totalRaw"] == D("100.00")
    assert doc["totalSum"] == D("90.00")
    assert doc["totalSumWithDiscount"] == D("90.00")
    assert doc["totalDue"] == D("90.00")
    assert display(doc) == (11871, "$118.71", 9999, "$99.99")


def test_shipping_lines_taxed_each_and_untaxed_shipping() -> None:
    # Two shipping lines at the same rate: 0.10 @ 5 % each → 0.5 → 1 cent each = 0.02
    # (on their sum 0.20 it would be 1 cent); a third, untaxed, 3.00.
    # shipping 3.20, with tax 3.22. Goods 1.00 untaxed.
    doc = run(
        [product(1, "1.00", None)],
        [(1, 1)],
        tax_rates=[{"id": "five", "name": "Five", "rate": 5}],
        shipping=[
            {"id": "a", "price": "0.10", "taxRateId": "five"},
            {"id": "b", "price": "0.10", "taxRateId": "five"},
            {"id": "c", "price": "3.00"},
        ],
    )
    assert doc["taxes"]["shipping"] == D("3.20")
    assert doc["taxes"]["shippingWithTax"] == D("3.22")
    assert doc["taxes"]["taxSummary"] == [row("five", "Five", 5, "0.20", "0.02")]
    assert doc["taxes"]["totalWithTax"] == D("4.22")


def test_inclusive_shipping_is_split_like_a_line() -> None:
    # 4.90 gross @ 19 %: net round(490 × 100/119) = round(411.76) = 412 → tax 0.78.
    doc = run(
        [product(1, "1.00", None)],
        [(1, 1)],
        tax_rates=[{"id": "r", "name": "r", "rate": 19}],
        include_tax=True,
        shipping=[{"id": "dhl", "price": "4.90", "taxRateId": "r"}],
    )
    assert doc["taxes"]["shipping"] == D("4.12")
    assert doc["taxes"]["shippingWithTax"] == D("4.90")
    assert doc["taxes"]["taxSummary"] == [row("r", "r", 19, "4.12", "0.78")]


def test_negative_surcharge_with_a_rate_reduces_base_and_tax() -> None:
    # Goods 10.00 @ 20 % → 2.00. Surcharge −5.00 @ 20 % → round(−500 × 20/100) = −1.00.
    # surcharges −5.00; total 10.00 − 5.00 = 5.00; with tax 5.00 + 2.00 − 1.00 = 6.00.
    # Summary at 20 %: base 10.00 − 5.00 = 5.00, tax 2.00 − 1.00 = 1.00.
    doc = run(
        [product(1, "10.00", "std")],
        [(1, 1)],
        surcharges=[{"description": "goodwill", "amount": "-5.00", "taxRateId": "std"}],
    )
    assert money_taxes(doc) == (
        D("10.00"),
        D("12.00"),
        D("0.00"),
        D("0.00"),
        D("-5.00"),
        D("5.00"),
        D("6.00"),
    )
    assert doc["taxes"]["taxSummary"] == [row("std", "Standard", 20, "5.00", "1.00")]


def test_a_line_all_of_whose_units_became_gifts_has_no_tax_row() -> None:
    """A (10.00 at 20 %) is replaced whole by the gift of A; B (5.00) is untaxed. The
    lines are paid B and gift A (no tax): no line uses the rate, so no row (a row of
    base 0 and tax 0 was left by the line that had gone)."""
    doc = dict(
        pricing.preview(
            {
                "at": "2026-11-22T12:00:00Z",
                "currency": "USD",
                "taxRates": [{"id": "r20", "name": "VAT20", "rate": 20}],
                "catalog": [
                    {"id": 1, "title": "A", "price": "10.00", "taxRateId": "r20"},
                    {"id": 2, "title": "B", "price": "5.00"},
                ],
                "discounts": [{"id": 1, "gifts": [1], "giftsReplaceCartItems": True}],
                "order": {
                    "products": [{"productId": 1, "quantity": 1}, {"productId": 2, "quantity": 1}]
                },
            }
        ).document
    )
    assert [(line["productId"], line["isGift"]) for line in doc["lines"]] == [(2, False), (1, True)]
    assert doc["taxes"]["taxSummary"] == []
    assert (doc["taxes"]["subTotal"], doc["taxes"]["totalWithTax"]) == (D("5.00"), D("5.00"))


def test_positive_surcharge_is_taxed() -> None:
    # Goods 10.00 untaxed; surcharge 2.50 @ 20 % → 0.50. total 12.50, with tax 13.00.
    doc = run(
        [product(1, "10.00", None)],
        [(1, 1)],
        surcharges=[{"description": "handling", "amount": "2.50", "taxRateId": "std"}],
    )
    assert doc["taxes"]["surcharges"] == D("2.50")
    assert doc["taxes"]["total"] == D("12.50")
    assert doc["taxes"]["totalWithTax"] == D("13.00")


def test_negative_surcharge_below_zero_clamps_the_total_at_zero() -> None:
    # Goods 10.00 @ 20 % → 2.00; surcharge −50.00 untaxed.
    # total = max(0, 10.00 − 50.00) = 0; totalWithTax = total + all tax = 0 + 2.00.
    doc = run(
        [product(1, "10.00", "std")],
        [(1, 1)],
        surcharges=[{"description": "voucher", "amount": "-50.00"}],
    )
    assert money_taxes(doc) == (
        D("10.00"),
        D("12.00"),
        D("0.00"),
        D("0.00"),
        D("-50.00"),
        D("0.00"),
        D("2.00"),
    )
    assert display(doc) == (200, "$2.00", 0, "$0.00")
    assert doc["taxes"]["taxSummary"] == [row("std", "Standard", 20, "10.00", "2.00")]


def test_a_negative_total_with_tax_clamps_at_zero_too() -> None:
    # Goods 10.00 @ 20 % → tax 2.00; surcharge −50.00 @ 20 % → tax round(−1000) = −10.00.
    # total = max(0, 10.00 − 50.00) = 0; all tax 2.00 − 10.00 = −8.00;
    # totalWithTax = max(0, 0 − 8.00) = 0 (the order total never goes below 0).
    doc = run(
        [product(1, "10.00", "std")],
        [(1, 1)],
        surcharges=[{"description": "voucher", "amount": "-50.00", "taxRateId": "std"}],
    )
    assert (doc["taxes"]["total"], doc["taxes"]["totalWithTax"]) == (D("0.00"), D("0.00"))
    # The summary still shows each amount's tax: base 10.00 − 50.00, tax 2.00 − 10.00.
    assert doc["taxes"]["taxSummary"] == [row("std", "Standard", 20, "-40.00", "-8.00")]
    # The order totals are untouched by surcharges.
    assert doc["totalSumWithDiscount"] == D("10.00")
    assert doc["totalDue"] == D("10.00")


def test_surcharge_amount_must_fit_the_currency() -> None:
    with pytest.raises(pricing.ScenarioError) as err:
        run(
            [product(1, "10.00", None)],
            [(1, 1)],
            surcharges=[{"description": "x", "amount": "-0.005"}],
        )
    assert err.value.path == "order.surcharges[0].amount"


# ---------------------------------------------------------------------------
# bonus paying shipping


def bonus_and_shipping(request: str, **settings: Any) -> dict[str, Any]:
    # Goods 20.00 @ 20 % (tax 4.00), shipping 10.00 untaxed, balance 50.00.
    return run(
        [product(1, "20.00", "std")],
        [(1, 1)],
        shipping=[{"id": "s", "name": "Ground", "price": "10.00"}],
        customer={"id": 9, "bonusBalance": "50.00"},
        request=request,
        settings=settings,
    )


def test_bonus_pays_part_of_the_shipping() -> None:
    # payable = 20.00 + 10.00 = 30.00; max = min(50.00, 30.00) = 30.00; request 25.00 →
    # applied 25.00 (more than the goods' 20.00: 5.00 of it pays shipping);
    # totalDue = max(0, 20.00 − 25.00) = 0. totalWithTax 20 + 4 + 10 = 34.00, so the
    # shopper pays 34.00 − 25.00 = 9.00.
    doc = bonus_and_shipping("25.00")
    assert doc["discountConfig"]["bonus"]["maxBonusDiscount"] == D("30.00")
    assert doc["bonusApplied"] == D("25.00")
    assert doc["totalDue"] == D("0.00")
    assert doc["taxes"]["totalWithTax"] == D("34.00")
    assert doc["taxes"]["totalWithTax"] - doc["bonusApplied"] == D("9.00")


def test_bonus_cannot_pay_more_than_goods_plus_shipping() -> None:
    # request 45.00 > payable 30.00 → applied 30.00, totalDue 0.
    doc = bonus_and_shipping("45.00")
    assert doc["bonusApplied"] == D("30.00")
    assert doc["totalDue"] == D("0.00")


def test_bonus_percent_limit_uses_goods_plus_shipping() -> None:
    # floor(3000 × 50/100) = 1500 → 15.00 (goods alone would give 10.00).
    # request 25.00 → applied 15.00; totalDue 20.00 − 15.00 = 5.00.
    doc = bonus_and_shipping("25.00", maxBonusPaymentPercent=50)
    assert doc["discountConfig"]["bonus"]["maxBonusDiscount"] == D("15.00")
    assert doc["bonusApplied"] == D("15.00")
    assert doc["totalDue"] == D("5.00")


def test_bonus_min_order_amount_uses_goods_plus_shipping() -> None:
    # payable 30.00 ≥ minOrderAmountForBonus 25.00 (goods alone, 20.00, would be below):
    # bonus allowed, max 30.00, request 25.00 applied.
    doc = bonus_and_shipping("25.00", minOrderAmountForBonus="25.00")
    assert doc["discountConfig"]["bonus"]["maxBonusDiscount"] == D("30.00")
    assert doc["bonusApplied"] == D("25.00")


# ---------------------------------------------------------------------------
# displayPrice


@pytest.mark.parametrize(
    ("currency", "locale", "price", "with_tax", "with_fmt", "without", "without_fmt"),
    [
        # 379.98 @ 20 %: 37998 × 20 % = 7599.6 → 7600; 37998 + 7600 = 45598.
        ("USD", "en_US", "379.98", 45598, "$455.98", 37998, "$379.98"),
        ("EUR", "de_DE", "379.98", 45598, f"455,98{NBSP}€", 37998, f"379,98{NBSP}€"),
        # JPY has no minor unit: ¥37998 × 20 % = 7599.6 → 7600 → ¥45598.
        ("JPY", "en_US", "37998", 45598, "¥45,598", 37998, "¥37,998"),
    ],
)
def test_display_price(
    currency: str,
    locale: str,
    price: str,
    with_tax: int,
    with_fmt: str,
    without: int,
    without_fmt: str,
) -> None:
    result = pricing.preview(
        scenario([product(1, price, "std")], [(1, 1)], currency=currency, locale=locale)
    )
    doc = dict(result.document)
    assert display(doc) == (with_tax, with_fmt, without, without_fmt)
    assert doc["displayPrice"]["withTax"]["currency"] == currency
    assert doc["displayPrice"]["withoutTax"]["currency"] == currency
    # amount is an integer of minor units, written as a JSON integer.
    assert type(doc["displayPrice"]["withTax"]["amount"]) is int
    assert f'"amount": {with_tax},' in result.to_json()
    # withTax = taxes.totalWithTax, withoutTax = taxes.total
    scale = {"USD": 100, "EUR": 100, "JPY": 1}[currency]
    assert doc["taxes"]["totalWithTax"] * scale == with_tax
    assert doc["taxes"]["total"] * scale == without


def test_display_price_kwd_has_three_decimals() -> None:
    # KWD exponent 3: 379.980 = 379980 fils; × 20 % = 75996 → 455976 = 455.976.
    doc = run([product(1, "379.980", "std")], [(1, 1)], currency="KWD", locale="en_US")
    assert doc["taxes"]["totalWithTax"] == D("455.976")
    w, wf, wo, wof = display(doc)
    assert (w, wo) == (455976, 379980)
    # CLDR en_US writes the ISO code before the number; whether a (no-break) space
    # separates them depends on the formatter's currency-spacing support.
    assert wf.replace(NBSP, "").replace(" ", "") == "KWD455.976"
    assert wof.replace(NBSP, "").replace(" ", "") == "KWD379.980"


def test_default_locale_is_en_us() -> None:
    doc = run([product(1, "379.98", "std")], [(1, 1)], currency="EUR")
    assert display(doc) == (45598, "€455.98", 37998, "€379.98")


# ---------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("catalog", "catalog[1].taxRateId"),
        ("shipping", "order.shippingLines[1].taxRateId"),
        ("surcharge", "order.surcharges[0].taxRateId"),
    ],
)
def test_unknown_tax_rate_id_is_a_scenario_error_naming_the_path(where: str, path: str) -> None:
    catalog = [product(1, "10.00", "std"), product(2, "5.00", "std")]
    shipping = [{"id": "a", "price": "1.00", "taxRateId": "std"}, {"id": "b", "price": "1.00"}]
    surcharges = [{"description": "x", "amount": "1.00"}]
    if where == "catalog":
        catalog[1]["taxRateId"] = "vat-99"
    elif where == "shipping":
        shipping[1]["taxRateId"] = "vat-99"
    else:
        surcharges[0]["taxRateId"] = "vat-99"
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.preview(scenario(catalog, [(1, 1)], shipping=shipping, surcharges=surcharges))
    assert err.value.path == path
    assert "vat-99" in str(err.value)


def test_tax_rate_id_without_tax_rates_is_an_error() -> None:
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.preview(scenario([product(1, "10.00", "std")], [(1, 1)], tax_rates=None))
    assert err.value.path == "catalog[0].taxRateId"


@pytest.mark.parametrize("locale", ["xx_XX", "klingon", "zz"])
def test_unknown_locale_is_a_scenario_error_naming_locale(locale: str) -> None:
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.preview(scenario([product(1, "10.00", None)], [(1, 1)], locale=locale))
    assert err.value.path == "locale"
    assert locale in str(err.value)


def test_tax_rate_over_100_is_an_error() -> None:
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.preview(
            scenario(
                [product(1, "10.00", None)],
                [(1, 1)],
                tax_rates=[{"id": "x", "name": "x", "rate": 101}],
            )
        )
    assert err.value.path == "taxRates[0].rate"


# ---------------------------------------------------------------------------
# when tax output is on, and the shape of the document


@pytest.mark.parametrize(
    "extra",
    [
        {"tax_rates": []},
        {"tax_rates": None, "locale": "en_US"},
        {"tax_rates": None, "include_tax": False},
        {"tax_rates": None, "shipping": [{"id": "s", "price": "0.00"}]},
        {"tax_rates": None, "surcharges": [{"description": "s", "amount": "0.00"}]},
    ],
)
def test_any_section_11_input_turns_the_extension_on(extra: dict[str, Any]) -> None:
    # Goods 12.34 untaxed, nothing else: every tax figure equals the goods.
    doc = run([product(1, "12.34", None)], [(1, 1)], **extra)
    # (an order with shipping lines also shows each line and its discount: `shipping`)
    shipping = ["shipping"] if "shipping" in extra else []
    assert list(doc) == [*SECTION_9_KEYS, *shipping, "taxes", "displayPrice"]
    assert list(doc["taxes"]) == TAXES_KEYS
    assert doc["taxes"]["subTotal"] == doc["taxes"]["totalWithTax"] == D("12.34")
    assert doc["taxes"]["taxSummary"] == []
    assert list(doc["displayPrice"]) == ["withTax", "withoutTax"]
    assert list(doc["displayPrice"]["withTax"]) == ["amount", "currency", "formatted"]
    assert display(doc) == (1234, "$12.34", 1234, "$12.34")


def test_without_section_11_inputs_there_is_no_extension() -> None:
    doc = run([product(1, "12.34", None)], [(1, 1)], tax_rates=None)
    assert list(doc) == SECTION_9_KEYS
    assert "pricesIncludeTax" not in doc["discountConfig"]["settings"]


# ---------------------------------------------------------------------------
# scenarios without tax inputs: byte-for-byte the output without tax


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = pricing.loads_json(path.read_text(encoding="utf-8"))
    return data


def _has_section_11_inputs(s: dict[str, Any]) -> bool:
    order = s.get("order") or {}
    return (
        "taxRates" in s
        or "locale" in s
        or "pricesIncludeTax" in (s.get("settings") or {})
        or bool(order.get("shippingLines"))
        or bool(order.get("surcharges"))
    )


ALL_EXAMPLES = sorted(EXAMPLES.glob("*.json"))
PLAIN_EXAMPLES = [p for p in ALL_EXAMPLES if not _has_section_11_inputs(_load(p))]


def _skip_unless_self_contained(s: dict[str, Any]) -> None:
    if s.get("at") is None:
        pytest.skip("scenario without 'at'")
    if any(p.get("signedPrice") for p in s["order"]["products"]):
        pytest.skip("scenario needs a price verifier")


def test_there_are_examples_without_section_11_inputs() -> None:
    assert len(PLAIN_EXAMPLES) >= 1
    assert EXAMPLES / "tax-inclusive-eu.json" not in PLAIN_EXAMPLES
    assert EXAMPLES / "tax-exclusive-us.json" not in PLAIN_EXAMPLES


@pytest.mark.parametrize("path", PLAIN_EXAMPLES, ids=lambda p: p.name)
def test_plain_example_equals_the_engine_without_tax_args(path: Path) -> None:
    s = _load(path)
    _skip_unless_self_contained(s)
    text = pricing.preview(s).to_json()
    assert '"taxes"' not in text
    assert '"displayPrice"' not in text
    engine = pricing.Engine(
        currency=s["currency"],
        catalog=s.get("catalog", []),
        discounts=s.get("discounts", []),
        settings=s.get("settings"),
        categories=s.get("categories", []),
        storage_marker=s.get("storageMarker"),
    )
    at = s["at"] if isinstance(s["at"], datetime) else datetime.fromisoformat(s["at"])
    result = engine.preview(s["order"], at=at, customer=s.get("customer"), usage=s.get("usage"))
    assert text == result.to_json()


@pytest.mark.parametrize("path", PLAIN_EXAMPLES, ids=lambda p: p.name)
def test_adding_empty_tax_rates_only_adds_the_extension(path: Path) -> None:
    s = _load(path)
    _skip_unless_self_contained(s)
    before = pricing.preview(s).to_json()
    doc = dict(pricing.preview({**s, "taxRates": []}).document)
    # (coupons and usage, when their inputs are given, come before the tax output)
    extensions = [k for k in pricing.preview(s).document if k not in SECTION_9_KEYS]
    assert list(doc) == [*SECTION_9_KEYS, *extensions, "taxes", "displayPrice"]
    section_9 = {k: v for k, v in doc.items() if k not in ("taxes", "displayPrice")}
    assert pricing.dumps_json(section_9, indent=2) == before
    # No rates: the goods are untaxed, so every tax total is totalSumWithDiscount.
    taxes = doc["taxes"]
    assert taxes["subTotal"] == taxes["total"] == doc["totalSumWithDiscount"]
    assert taxes["totalWithTax"] == doc["totalSumWithDiscount"]
    assert taxes["taxSummary"] == []


# ---------------------------------------------------------------------------
# the two tax examples, run through the command line


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricing", "preview", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        cwd=ROOT,
    )


def test_example_tax_inclusive_eu() -> None:
    path = EXAMPLES / "tax-inclusive-eu.json"
    done = _cli(str(path), "--json")
    assert done.returncode == 0, done.stderr
    doc = pricing.loads_json(done.stdout)
    # totalRaw = 238.00 + 2 × 12.99 = 263.98; 10 % = round(2639.8) = 2640 = 26.40,
    # shared 23800:2598 → quotas 2380.18 and 259.82 → 2380 + 259, the spare cent to
    # the larger remainder (259.82) → 23.80 and 2.60 → gross lines 214.20 and 23.38.
    assert doc["discountConfig"]["totalRaw"] == D("263.98")
    assert doc["totalSum"] == D("237.58")
    assert [x["orderDiscount"] for x in doc["lines"]] == [D("23.8"), D("2.6")]
    assert doc["totalSumWithDiscount"] == D("237.58")
    assert doc["totalDue"] == D("237.58")
    # 19 %: net round(21420 × 100/119) = 18000 → tax 34.20.
    # 7 %: net round(2338 × 100/107) = round(2185.05) = 2185 → tax 1.53.
    # Shipping 4.90 @ 19 %: net round(490 × 100/119) = round(411.76) = 412 → tax 0.78.
    # subTotal 201.85, shipping 4.12, total 205.97; with tax 237.58 + 4.90 = 242.48.
    t = doc["taxes"]
    assert (t["subTotal"], t["subTotalWithTax"]) == (D("201.85"), D("237.58"))
    assert (t["shipping"], t["shippingWithTax"]) == (D("4.12"), D("4.9"))
    assert (t["total"], t["totalWithTax"]) == (D("205.97"), D("242.48"))
    assert [(r["taxRateId"], r["base"], r["tax"]) for r in t["taxSummary"]] == [
        ("de-19", D("184.12"), D("34.98")),
        ("de-7", D("21.85"), D("1.53")),
    ]
    assert display(doc) == (24248, f"242,48{NBSP}€", 20597, f"205,97{NBSP}€")
    summary = _cli(str(path))
    assert summary.returncode == 0, summary.stderr
    assert f"242,48{NBSP}€" in summary.stdout


def test_example_tax_exclusive_us() -> None:
    path = EXAMPLES / "tax-exclusive-us.json"
    done = _cli(str(path), "--json")
    assert done.returncode == 0, done.stderr
    doc = pricing.loads_json(done.stdout)
    # Lamps 2 × 49.99 = 99.98 − 2 × 5.00 = 89.98; gift card 25.00 untaxed.
    # totalRaw 124.98, with discount 114.98. Bonus: payable 114.98 + 8.50 = 123.48,
    # max min(10.00, 123.48) = 10.00, applied 10.00 → totalDue 104.98.
    assert doc["discountConfig"]["totalRaw"] == D("124.98")
    assert doc["totalSum"] == doc["totalSumWithDiscount"] == D("114.98")
    assert doc["bonusApplied"] == D("10")
    assert doc["totalDue"] == D("104.98")
    # 7.25 %: 8998 × 7.25 % = 652.355 → 6.52. Shipping 8.50 @ 6 % = 0.51.
    # subTotal 114.98 (+6.52 = 121.50); shipping 8.50 (+0.51 = 9.01);
    # total 123.48; with tax 123.48 + 6.52 + 0.51 = 130.51.
    t = doc["taxes"]
    assert (t["subTotal"], t["subTotalWithTax"]) == (D("114.98"), D("121.5"))
    assert (t["shipping"], t["shippingWithTax"]) == (D("8.5"), D("9.01"))
    assert (t["total"], t["totalWithTax"]) == (D("123.48"), D("130.51"))
    assert [(r["taxRateId"], r["base"], r["tax"]) for r in t["taxSummary"]] == [
        ("ca-sales", D("89.98"), D("6.52")),
        ("ship-6", D("8.5"), D("0.51")),
    ]
    assert display(doc) == (13051, "$130.51", 12348, "$123.48")
    summary = _cli(str(path))
    assert summary.returncode == 0, summary.stderr
    # 130.51 − 10.00
    rows = [line.split() for line in summary.stdout.splitlines()]
    assert ["to", "pay", "(with", "tax,", "after", "bonus)", "120.51"] in rows


# ---------------------------------------------------------------------------
# shipping after its discounts (docs/shipping-discounts.md)


def _half_off_shipping() -> dict[str, Any]:
    return {
        "id": 9,
        "identifier": "half-shipping",
        "discountValue": {
            "value": 50,
            "discountType": "PERCENTAGE",
            "applicability": "TO_SHIPPING",
        },
    }


def test_shipping_is_taxed_on_its_price_after_the_shipping_discounts() -> None:
    """Exclusive: goods 100.00 at 20 % (tax 20.00); shipping 10.00 at 20 % half off →
    5.00, taxed round(500 · 20 %) = 1.00 (not 2.00 on the price as entered).
    total 105.00, totalWithTax 105.00 + 20.00 + 1.00 = 126.00."""
    doc = run(
        [product(1, "100.00", "std")],
        [(1, 1)],
        discounts=[_half_off_shipping()],
        shipping=[{"id": "ship", "name": "Courier", "price": "10.00", "taxRateId": "std"}],
    )
    taxes = doc["taxes"]
    assert (taxes["shipping"], taxes["shippingWithTax"]) == (D("5.00"), D("6.00"))
    assert (taxes["total"], taxes["totalWithTax"]) == (D("105.00"), D("126.00"))
    assert taxes["taxSummary"] == [
        {"taxRateId": "std", "name": "Standard", "rate": D(20), "base": D("105.00"),
         "tax": D("21.00")}
    ]  # fmt: skip
    assert doc["shipping"] == [
        {"id": "ship", "name": "Courier", "price": D("10.00"), "discount": D("5.00"),
         "priceWithDiscount": D("5.00")}
    ]  # fmt: skip


def test_inclusive_shipping_is_split_after_its_discount() -> None:
    """Inclusive at 19 %: shipping 11.90 half off → 5.95 gross, net round(595 · 100 /
    119) = 500 → 5.00, tax 0.95."""
    doc = run(
        [product(1, "10.00", None)],
        [(1, 1)],
        include_tax=True,
        tax_rates=[{"id": "de", "name": "DE", "rate": 19}],
        discounts=[_half_off_shipping()],
        shipping=[{"id": "ship", "price": "11.90", "taxRateId": "de"}],
    )
    taxes = doc["taxes"]
    assert (taxes["shipping"], taxes["shippingWithTax"]) == (D("5.00"), D("5.95"))
