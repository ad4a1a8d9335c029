"""Stage 8 — tax, shipping, surcharges and display prices (SPEC §11).

Runs after the discount and bonus stages and changes none of their figures: it
adds the ``taxes`` and ``displayPrice`` extensions. Tax is computed and rounded
per line (ROUND_HALF_UP); the summary per rate adds up the rounded line taxes, so
it always agrees with the lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ._compile import key_of, to_minor
from ._errors import ScenarioError
from ._models import ShippingLine, Surcharge, TaxRate
from ._money import Currency, Rate, round_half_up_div

__all__ = [
    "TaxTable",
    "Taxable",
    "check_locale",
    "compute_taxes",
    "taxable_amounts",
]


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
            raise ScenarioError(path, f"unknown tax rate {rate_id!r}")
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


@dataclass(frozen=True, slots=True)
class Taxable:
    """One amount to tax, as entered, with its rate key."""

    amount: int
    rate_key: str | None


@lru_cache(maxsize=64)
def check_locale(name: str) -> str:
    """``name`` if babel knows the locale; otherwise a :class:`ScenarioError`."""
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ScenarioError("locale", f"unknown locale {name!r} (e.g. en_US, de_DE)") from None
    return name


def taxable_amounts(
    cur: Currency,
    table: TaxTable,
    items: Sequence[ShippingLine | Surcharge],
    path: str,
) -> list[Taxable]:
    """Shipping lines (``price``) or surcharges (``amount``, may be negative) to tax."""
    result = []
    for i, item in enumerate(items):
        if isinstance(item, ShippingLine):
            field, amount = "price", item.price
        else:
            field, amount = "amount", item.amount
        result.append(
            Taxable(
                to_minor(cur, amount, f"{path}[{i}].{field}"),
                table.rate_key(item.tax_rate_id, f"{path}[{i}].taxRateId"),
            )
        )
    return result


def _display(cur: Currency, minor: int, locale: str) -> dict[str, Any]:
    from babel.numbers import format_currency

    return {
        "amount": minor,
        "currency": cur.code,
        "formatted": format_currency(cur.to_decimal(minor), cur.code, locale=locale),
    }


def compute_taxes(
    cur: Currency,
    table: TaxTable,
    goods: Iterable[Taxable],
    shipping: Sequence[Taxable],
    surcharges: Sequence[Taxable],
) -> dict[str, Any]:
    """The ``taxes`` and ``displayPrice`` extensions of the result document."""
    base_by_rate: dict[str, int] = {}
    tax_by_rate: dict[str, int] = {}

    def settle(items: Iterable[Taxable]) -> tuple[int, int]:
        net_sum = tax_sum = 0
        for t in items:
            net, tax = table.split(t.amount, t.rate_key)
            net_sum += net
            tax_sum += tax
            if t.rate_key is not None:
                base_by_rate[t.rate_key] = base_by_rate.get(t.rate_key, 0) + net
                tax_by_rate[t.rate_key] = tax_by_rate.get(t.rate_key, 0) + tax
        return net_sum, tax_sum

    sub_net, sub_tax = settle(goods)
    ship_net, ship_tax = settle(shipping)
    sur_net, sur_tax = settle(surcharges)
    # The order total never goes below 0, however large a negative surcharge is.
    total = max(0, sub_net + ship_net + sur_net)
    total_with_tax = max(0, sub_net + ship_net + sur_net + sub_tax + ship_tax + sur_tax)

    money = cur.to_decimal
    summary = [
        {
            "taxRateId": table.rates[k].id,
            "name": table.rates[k].name,
            "rate": table.rates[k].rate,
            "base": money(base_by_rate[k]),
            "tax": money(tax_by_rate[k]),
        }
        for k in table.rates
        if k in base_by_rate
    ]
    taxes = {
        "subTotal": money(sub_net),
        "subTotalWithTax": money(sub_net + sub_tax),
        "shipping": money(ship_net),
        "shippingWithTax": money(ship_net + ship_tax),
        "surcharges": money(sur_net),
        "total": money(total),
        "totalWithTax": money(total_with_tax),
        "taxSummary": summary,
    }
    display = {
        "withTax": _display(cur, total_with_tax, table.locale),
        "withoutTax": _display(cur, total, table.locale),
    }
    return {"taxes": taxes, "displayPrice": display}
