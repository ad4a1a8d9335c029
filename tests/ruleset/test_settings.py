"""Settings and tax rates, compiled once: the echo, minor units, rates, the tax table."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest

import pricing
from pricing._money import Rate, currency
from pricing._ruleset.settings import (
    TaxTable,
    check_locale,
    compile_settings,
    compile_tax_rates,
)
from pricing._schema import Settings, TaxRate

DEFAULT_ECHO = {
    "allowStacking": True,
    "maxDiscountValue": None,
    "allowGiftStacking": False,
    "maxBonusPaymentPercent": None,
    "minBonusAmount": None,
    "minOrderAmountForBonus": None,
    "giftRefundPolicy": "KEEP_GIFT",
}


def _settings(given: dict[str, Any], code: str = "USD") -> Any:
    return compile_settings(currency(code), Settings.model_validate(given))


def _echo(sb, settings: dict[str, Any]) -> Any:
    return sb.run(sb.scenario(settings=settings)).document["discountConfig"]["settings"]


# ---------------------------------------------------------------------------
# the echo


def test_no_settings_echo_every_default_in_order(sb):
    echo = _echo(sb, {})
    assert echo == DEFAULT_ECHO
    assert list(echo) == list(DEFAULT_ECHO)


def test_given_settings_are_echoed_as_given(sb):
    given = {
        "allowStacking": False,
        "maxDiscountValue": "12.5",
        "allowGiftStacking": True,
        "maxBonusPaymentPercent": 30,
        "minBonusAmount": "5.00",
        "minOrderAmountForBonus": "100",
        "giftRefundPolicy": "REFUND",
    }
    echo = _echo(sb, given)
    assert echo == {
        "allowStacking": False,
        "maxDiscountValue": D("12.5"),
        "allowGiftStacking": True,
        "maxBonusPaymentPercent": D(30),
        "minBonusAmount": D("5.00"),
        "minOrderAmountForBonus": D(100),
        "giftRefundPolicy": "REFUND",
    }
    assert list(echo) == list(DEFAULT_ECHO)  # the same order, whatever the input's
    # Money with the currency's exponent (USD: 2), as every amount a Python caller gets:
    # "100" is 100.00 (the JSON text writes both as 100).
    assert str(echo["minBonusAmount"]) == "5.00"
    assert str(echo["minOrderAmountForBonus"]) == "100.00"


def test_some_settings_given_the_rest_default(sb):
    echo = _echo(sb, {"minBonusAmount": "1.50", "allowStacking": False})
    assert echo == {**DEFAULT_ECHO, "allowStacking": False, "minBonusAmount": D("1.50")}


@pytest.mark.parametrize("given", [True, False])
def test_prices_include_tax_is_echoed_when_given_even_false(sb, given):
    echo = _echo(sb, {"pricesIncludeTax": given})
    assert echo == {**DEFAULT_ECHO, "pricesIncludeTax": given}
    assert list(echo)[-1] == "pricesIncludeTax"


def test_prices_include_tax_is_not_echoed_when_absent(sb):
    assert "pricesIncludeTax" not in _echo(sb, {"maxDiscountValue": 10})
    assert "pricesIncludeTax" not in _settings({}).echo
    assert not _settings({}).prices_include_tax
    assert not _settings({"pricesIncludeTax": False}).prices_include_tax
    assert _settings({"pricesIncludeTax": True}).prices_include_tax


def test_editing_one_documents_settings_does_not_reach_the_next():
    """The echo belongs to the compiled rule set; each document gets its own copy."""
    engine = pricing.Engine(
        currency="USD", catalog=[{"id": 1, "price": "1.00"}], settings={"maxDiscountValue": 5}
    )
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    order = {"products": [{"productId": 1, "quantity": 1}]}
    first = engine.preview(order, at=at)
    first.document["discountConfig"]["settings"]["maxDiscountValue"] = D(99)
    second = engine.preview(order, at=at)
    assert second.document["discountConfig"]["settings"]["maxDiscountValue"] == D(5)


# ---------------------------------------------------------------------------
# what the pipeline reads


def test_money_in_minor_units_and_percentages_as_rates():
    s = _settings(
        {
            "maxDiscountValue": "12.5",
            "maxBonusPaymentPercent": 30,
            "minBonusAmount": "5.25",
            "minOrderAmountForBonus": 100,
        }
    )
    assert s.cap_rate == Rate.from_percent(D("12.5"))
    assert s.bonus_rate == Rate.from_percent(D(30))
    # 5.25 → 525 cents; 100 → 10000 cents.
    assert (s.min_bonus_amount, s.min_order_amount_for_bonus) == (525, 10_000)
    # In yen (no minor unit) 100 is 100.
    assert _settings({"minOrderAmountForBonus": 100}, "JPY").min_order_amount_for_bonus == 100


def test_absent_limits_are_none():
    s = _settings({})
    assert (s.cap_rate, s.bonus_rate, s.min_bonus_amount, s.min_order_amount_for_bonus) == (
        None,
        None,
        None,
        None,
    )
    assert (s.allow_stacking, s.allow_gift_stacking) == (True, False)


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("minBonusAmount", "0.001", "settings.minBonusAmount"),
        ("minOrderAmountForBonus", "10.005", "settings.minOrderAmountForBonus"),
    ],
)
def test_money_finer_than_the_currency_names_the_setting(sb, field, value, path):
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(sb.scenario(settings={field: value}))
    assert info.value.path == path


# ---------------------------------------------------------------------------
# tax rates


def _rates(*rates: dict[str, Any]) -> dict[str, TaxRate]:
    return compile_tax_rates([TaxRate.model_validate(r) for r in rates])


def test_duplicate_tax_rate_id_names_the_second():
    with pytest.raises(pricing.ScenarioError) as info:
        _rates({"id": 1, "rate": 7}, {"id": 2, "rate": 19}, {"id": "1", "rate": 20})
    assert info.value.path == "taxRates[2].id"
    assert _rates() == {}


def test_exclusive_split_adds_tax_rounded_half_up():
    table = TaxTable.build(_rates({"id": "r", "rate": 7}, {"id": "one", "rate": 1}), False, None)
    # 10.00 at 7 %: tax 0.70 on top; 0.50 at 1 %: 0.005 → 0.01 (half up).
    assert table.split(1000, "r") == (1000, 70)
    assert table.split(50, "one") == (50, 1)
    assert table.split(49, "one") == (49, 0)  # 0.0049 → 0
    assert table.split(1000, None) == (1000, 0)  # untaxed


def test_inclusive_split_takes_the_tax_out_of_the_amount():
    table = TaxTable.build(_rates({"id": "r", "rate": 7}), True, None)
    # 1.00 gross at 7 %: net = 100 / 1.07 = 93.46 → 93, tax 7.
    assert table.split(100, "r") == (93, 7)
    # 10.70 gross: net exactly 10.00, tax 0.70.
    assert table.split(1070, "r") == (1000, 70)
    # Negative (a surcharge): half away from zero on the other side.
    assert table.split(-100, "r") == (-93, -7)


def test_rate_keys_and_locale():
    table = TaxTable.build(_rates({"id": 5, "rate": 10}), False, None)
    assert table.locale == "en_US"
    assert table.rate_key(5, "x") == table.rate_key("5", "x") == "5"
    assert table.rate_key(None, "x") is None
    with pytest.raises(pricing.ScenarioError) as info:
        table.rate_key(6, "catalog[3].taxRateId")
    assert info.value.path == "catalog[3].taxRateId"
    assert TaxTable.build({}, False, "de_DE").locale == "de_DE"
    assert check_locale("fr_FR") == "fr_FR"
    with pytest.raises(pricing.ScenarioError) as info:
        check_locale("xx_YY")
    assert info.value.path == "locale"
