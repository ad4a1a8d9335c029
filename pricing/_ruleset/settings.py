"""Settings and tax rates, compiled once: money in minor units, percentages as rates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .._errors import ScenarioError, quote
from .._money import Currency, Rate, round_half_up_div, to_minor
from .._schema import Settings, TaxRate
from .catalog import key_of

__all__ = [
    "CompiledSettings",
    "TaxTable",
    "check_locale",
    "compile_settings",
    "compile_tax_rates",
]


@dataclass(frozen=True, slots=True)
class CompiledSettings:
    """Settings with money in minor units; ``echo`` is the settings output object."""

    allow_stacking: bool
    cap_rate: Rate | None
    allow_gift_stacking: bool
    bonus_rate: Rate | None
    min_bonus_amount: int | None
    min_order_amount_for_bonus: int | None
    prices_include_tax: bool
    echo: Mapping[str, Any]


def compile_settings(cur: Currency, s: Settings) -> CompiledSettings:
    """Settings ready for the pipeline, with their echo (defaults filled; money with the
    currency's exponent, as every amount of the output)."""
    min_bonus = (
        None
        if s.min_bonus_amount is None
        else to_minor(cur, s.min_bonus_amount, "settings.minBonusAmount")
    )
    min_order = (
        None
        if s.min_order_amount_for_bonus is None
        else to_minor(cur, s.min_order_amount_for_bonus, "settings.minOrderAmountForBonus")
    )
    echo: dict[str, Any] = {
        "allowStacking": s.allow_stacking,
        "maxDiscountValue": s.max_discount_value,
        "allowGiftStacking": s.allow_gift_stacking,
        "maxBonusPaymentPercent": s.max_bonus_payment_percent,
        "minBonusAmount": None if min_bonus is None else cur.to_decimal(min_bonus),
        "minOrderAmountForBonus": None if min_order is None else cur.to_decimal(min_order),
        "giftRefundPolicy": s.gift_refund_policy,
    }
    if s.prices_include_tax is not None:
        echo["pricesIncludeTax"] = s.prices_include_tax
    return CompiledSettings(
        allow_stacking=s.allow_stacking,
        cap_rate=None if s.max_discount_value is None else Rate.from_percent(s.max_discount_value),
        allow_gift_stacking=s.allow_gift_stacking,
        bonus_rate=None
        if s.max_bonus_payment_percent is None
        else Rate.from_percent(s.max_bonus_payment_percent),
        min_bonus_amount=min_bonus,
        min_order_amount_for_bonus=min_order,
        prices_include_tax=bool(s.prices_include_tax),
        echo=echo,
    )


def compile_tax_rates(rates: Sequence[TaxRate] | None) -> dict[str, TaxRate]:
    """Tax rates by id (docs/taxes.md)."""
    result: dict[str, TaxRate] = {}
    for i, r in enumerate(rates or ()):
        k = key_of(r.id)
        if k in result:
            raise ScenarioError(f"taxRates[{i}].id", f"duplicate tax rate id {r.id}")
        result[k] = r
    return result


@dataclass(frozen=True, slots=True)
class TaxTable:
    """The configured rates by id, and whether prices already include tax."""

    rates: Mapping[str, TaxRate]
    fractions: Mapping[str, Rate]
    include_tax: bool
    locale: str

    @classmethod
    def build(cls, rates: Mapping[str, TaxRate], include_tax: bool, locale: str | None) -> TaxTable:
        """The table for ``rates`` (by id)."""
        return cls(
            rates=rates,
            fractions={k: Rate.from_percent(r.rate) for k, r in rates.items()},
            include_tax=include_tax,
            locale=check_locale(locale) if locale else "en_US",
        )

    def rate_key(self, rate_id: object, path: str) -> str | None:
        """The key of ``rate_id`` (``None`` = untaxed); an unknown rate is an error."""
        if rate_id is None:
            return None
        k = key_of(rate_id)
        if k not in self.rates:
            raise ScenarioError(path, f"unknown tax rate {quote(rate_id)}")
        return k

    def split(self, amount: int, rate_key: str | None) -> tuple[int, int]:
        """``(net, tax)`` of an amount as entered (gross when prices include tax)."""
        if rate_key is None:
            return amount, 0
        rate = self.fractions[rate_key]
        if self.include_tax:
            # net = round(amount·100/(100+r)); with r/100 = num/den: amount·den/(den+num)
            net = round_half_up_div(amount * rate.den, rate.den + rate.num)
            return net, amount - net
        return amount, round_half_up_div(amount * rate.num, rate.den)


@lru_cache(maxsize=64)
def check_locale(name: str) -> str:
    """``name`` if babel knows the locale; otherwise a :class:`ScenarioError`."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ScenarioError("locale", f"unknown locale {quote(name)} (e.g. en_US, de_DE)") from None
    return name
