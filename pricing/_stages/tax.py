"""Stage 8 — tax, shipping, surcharges and display prices (docs/taxes.md).

Runs after the discount and bonus stages and changes none of their figures: it
adds the ``taxes`` and ``displayPrice`` extensions. Tax is computed and rounded
per line (ROUND_HALF_UP); the summary per rate adds up the rounded line taxes, so
it always agrees with the lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .._money import Currency, to_minor
from .._ruleset import CompiledRuleSet
from .._ruleset.settings import TaxTable
from .._schema import ShippingLine, Surcharge
from .records import Applied, Line, Request, amounts_left

__all__ = [
    "Charges",
    "Taxable",
    "compute_taxes",
    "read_charges",
    "tax_extensions",
    "taxable_amounts",
]


@dataclass(frozen=True, slots=True)
class Taxable:
    """One amount to tax, as entered, with its rate key."""

    amount: int
    rate_key: str | None


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


@dataclass(slots=True)
class Charges:
    """The order's shipping lines and surcharges, in minor units with their rate keys."""

    shipping: list[Taxable]
    surcharges: list[Taxable]

    @property
    def shipping_total(self) -> int:
        """What shipping costs before tax (bonus may pay it)."""
        return sum(s.amount for s in self.shipping) if self.shipping else 0


_NO_CHARGES = Charges([], [])
"""An order without shipping lines or surcharges (shared: records are never changed)."""


def read_charges(rs: CompiledRuleSet, request: Request) -> Charges:
    """The request's shipping lines and surcharges, read against the rule set's rates."""
    if not (request.shipping_lines or request.surcharges):
        return _NO_CHARGES
    cur, table = rs.currency, rs.tax_table
    return Charges(
        taxable_amounts(cur, table, request.shipping_lines, "order.shippingLines")
        if request.shipping_lines
        else [],
        taxable_amounts(cur, table, request.surcharges, "order.surcharges")
        if request.surcharges
        else [],
    )


def tax_extensions(
    rs: CompiledRuleSet, charges: Charges, paid: Sequence[Line], applied: Sequence[Applied]
) -> dict[str, Any] | None:
    """The tax output when the rule set asks for it or the order has charges, else ``None``.

    Each line is taxed on what it costs after every discount's share.
    """
    if not (rs.taxed or charges.shipping or charges.surcharges):
        return None
    left = amounts_left([line.total for line in paid], applied)
    goods = [
        Taxable(amount, line.item.tax_rate_key)
        for line, amount in zip(paid, left, strict=True)
        if line.quantity  # (a line every unit of which became a gift is gone)
    ]
    return compute_taxes(rs.currency, rs.tax_table, goods, charges.shipping, charges.surcharges)


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
    # The order total never goes below 0, however large a negative surcharge is; the
    # tax is added to that total (and the sum kept at 0 or more: a surcharge's tax may
    # be negative).
    total = max(0, sub_net + ship_net + sur_net)
    total_with_tax = max(0, total + sub_tax + ship_tax + sur_tax)

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
