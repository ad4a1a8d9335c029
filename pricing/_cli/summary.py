"""The readable summary of a preview: totals, lines, every rule's status, coupons, bonus,
shipping, tax and usage.

What the ``pricing preview`` command prints without ``--json``. Every line fits 80
columns for the bundled examples; figures are the document's, never recomputed
except the one sum it labels (what the shopper pays, with tax, after the bonus).
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from .._json import dumps
from .._result.views import PreviewResult

__all__ = ["render_summary", "shown", "table"]


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int], *, rule: bool = True
) -> list[str]:
    """Rows as aligned text columns, the header first (then a dashed rule, if asked).

    Args:
        headers: the column titles.
        rows: the cells, as text.
        right: the indexes of the columns to right-align (numbers).
        rule: whether a line of dashes separates the header from the rows.
    """
    rows = [[shown(c) for c in row] for row in rows]  # (escaped before they are measured)
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def fmt(row: Sequence[str]) -> str:
        """One row, each cell padded to its column."""
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    dashes = ["  ".join("-" * w for w in widths)] if rule else []
    return [fmt(headers), *dashes, *(fmt(r) for r in rows)]


def _indented(lines: Sequence[str]) -> list[str]:
    """``lines`` indented by two spaces (a section's body)."""
    return ["  " + line for line in lines]


def _figures(pairs: Sequence[tuple[str, Any]], width: int = 14) -> list[str]:
    """``label  value`` lines, the labels padded to one column, the values right-aligned."""
    column = max(len(label) for label, _ in pairs) + 2
    return [f"  {label:<{column}}{value:>{width}}" for label, value in pairs]


def _totals(result: PreviewResult) -> list[str]:
    """The order totals; with tax, which total is net or gross, and what the shopper pays."""
    pairs: list[tuple[str, Any]] = [
        ("total raw", result.total_raw),
        ("discount", -result.total_discount),
        ("with discount", result.total_sum_with_discount),
        ("bonus applied", -result.bonus_applied),
    ]
    taxes = result.document.get("taxes")
    if taxes is None:
        pairs.append(("total due", result.total_due))  # no tax, no shipping: what is paid
    else:
        gross = result.document["discountConfig"]["settings"].get("pricesIncludeTax")
        pairs.append((f"total due (goods, {'with' if gross else 'before'} tax)", result.total_due))
        to_pay = taxes["totalWithTax"] - result.bonus_applied
        if to_pay < 0:  # (the bonus limits do not see surcharges: never a negative bill)
            to_pay = abs(to_pay * 0)
        pairs.append(("to pay (with tax, after bonus)", to_pay))
    return [f"Order total ({result.currency})", *_figures(pairs), ""]


def _lines(result: PreviewResult) -> list[str]:
    """One row per line: quantity, amounts, and each discount's share of it (one a row)."""
    rows = []
    for line in result.lines:
        shares = [
            f"{d.identifier or 'unnamed'}: -{d.amount}" for d in line.discounts if d.amount
        ] or ["-"]
        name = str(line.product_id) + (" (gift)" if line.is_gift else "")
        if line.price_locked:
            name += " (signed price)"
        discount = line.product_discount + line.order_discount
        amounts = (line.quantity, line.unit_price, line.total, discount, line.total_with_discount)
        rows.append([name, *map(str, amounts), shares[0]])
        rows.extend(["", "", "", "", "", "", share] for share in shares[1:])
    headers = ["product", "qty", "unit", "total", "discount", "to pay", "discount shares"]
    return ["Lines", *_indented(table(headers, rows, {1, 2, 3, 4, 5})), ""]


def _rules(result: PreviewResult) -> list[str]:
    """Every rule in priority order: applied or not, why, and how much (with the tier
    used, or the sets made, of a tiered or buy-get discount)."""
    rows = []
    for e in result.explanation:
        status = e.status + (" (capped)" if e.capped and e.status == "applied" else "")
        if e.tier is not None:
            status += f" (tier {e.tier})"
        if e.sets is not None:
            status += f" ({e.sets} set{'s' if e.sets > 1 else ''})"
        rows.append([str(e.id), e.identifier or "", status, e.reason or "", str(e.amount)])
    headers = ["id", "identifier", "status", "reason", "amount"]
    return ["Rules (priority order)", *_indented(table(headers, rows, {4}))]


def _bonus_limit(doc: Mapping[str, Any]) -> str:
    """How ``maxBonusDiscount`` came about, in words (docs/bonus.md)."""
    config = doc["discountConfig"]
    settings, bonus = config["settings"], config["bonus"]
    payable = config["totalSumWithDiscount"]
    if "taxes" in doc:
        shipping = "shippingWithTax" if settings.get("pricesIncludeTax") else "shipping"
        payable += doc["taxes"][shipping]
    floor_order = settings["minOrderAmountForBonus"]
    floor_balance = settings["minBonusAmount"]
    if floor_order is not None and payable < floor_order:
        return f"0: order {payable} is below minOrderAmountForBonus {floor_order}"
    if floor_balance is not None and bonus["availableBalance"] < floor_balance:
        return f"0: balance is below minBonusAmount {floor_balance}"
    terms = [f"balance {bonus['availableBalance']}", f"payable {payable}"]
    percent = settings["maxBonusPaymentPercent"]
    if percent is not None:
        terms.append(f"{percent}% of {payable}, rounded down")
    return "the least of " + ", ".join(terms)


def _coupon_and_bonus(result: PreviewResult) -> list[str]:
    """Whether each presented code applied; the bonus balance, its limit and the points
    accrued."""
    doc = result.document
    config = doc["discountConfig"]
    out: list[str] = []
    coupons = doc.get("coupons", [config["coupon"]] if config.get("coupon") else [])
    for coupon in coupons:
        state = "applied" if coupon["applied"] else "not applied"
        out += [
            f"Coupon {coupon['code']}: valid, {state} "
            f"(discount {coupon['discountIdentifier'] or coupon['discountId']})"
        ]
    if out:
        out.insert(0, "")
    bonus = config.get("bonus")
    if bonus is not None:
        out += [
            "",
            "Bonus",
            f"  available balance   {bonus['availableBalance']}",
            f"  max bonus discount  {bonus['maxBonusDiscount']}",
            *textwrap.wrap(_bonus_limit(doc), 80, initial_indent="    ", subsequent_indent="    "),
            f"  applied             {bonus['bonusApplied']}  (requested, up to the maximum)",
        ]
    if result.bonus_accrual:
        out.append(f"  points to accrue    {result.bonus_accrual}")
    return out


_TAX_FIGURES = (
    ("goods", "subTotal"),
    ("goods with tax", "subTotalWithTax"),
    ("shipping", "shipping"),
    ("shipping with tax", "shippingWithTax"),
    ("surcharges", "surcharges"),
    ("total", "total"),
    ("total with tax", "totalWithTax"),
)


def _tax(doc: Mapping[str, Any]) -> list[str]:
    """The tax totals, one row per rate used, and the display prices."""
    taxes = doc.get("taxes")
    if taxes is None:
        return []
    out = ["", "Tax", *_figures([(label, taxes[key]) for label, key in _TAX_FIGURES])]
    rows = [
        [str(r["name"] or r["taxRateId"]), f"{r['rate']}%", str(r["base"]), str(r["tax"])]
        for r in taxes["taxSummary"]
    ]
    if rows:
        out += _indented(table(["rate", "%", "base", "tax"], rows, {1, 2, 3}))
    display = doc["displayPrice"]
    with_tax, without = display["withTax"]["formatted"], display["withoutTax"]["formatted"]
    return [*out, f"  display price: {with_tax} with tax, {without} without"]


def _shipping(doc: Mapping[str, Any]) -> list[str]:
    """Each shipping line with what the shipping discounts took off it, and which did."""
    lines = doc.get("shipping")
    if not lines:
        return []
    rows = [
        [str(s["id"]), s["name"], str(s["price"]), str(s["discount"]), str(s["priceWithDiscount"])]
        for s in lines
    ]
    out = [
        "",
        "Shipping",
        *_indented(table(["id", "name", "price", "discount", "to pay"], rows, {2, 3, 4})),
    ]
    given = {d["id"] for d in doc["discountConfig"].get("shippingDiscounts", [])}
    taken = [
        f"{e['identifier'] or e['id']} -{e['amount']}"
        for e in doc["explanation"]
        if e["id"] in given and e["status"] == "applied"
    ]
    if taken:
        out.append("  shipping discounts: " + ", ".join(taken))
    return out


def _usage(doc: Mapping[str, Any]) -> list[str]:
    """What to add to each discount's counters when the order is placed."""
    if "usage" not in doc:
        return []
    rows = [
        [str(u["discountId"]), u["identifier"] or "", str(u["uses"]), str(u["spent"])]
        for u in doc["usage"]
    ]
    heading = "Usage (add to the counters when the order is placed)"
    if not rows:
        return ["", heading + ": nothing"]
    return ["", heading, *_indented(table(["id", "identifier", "uses", "spent"], rows, {2, 3}))]


def render_summary(result: PreviewResult) -> str:
    """A person's view of a preview: totals, lines with their discounts, every rule's status."""
    doc = result.document
    out = [*_totals(result), *_lines(result), *_rules(result)]
    out += _coupon_and_bonus(result)
    out += _shipping(doc)
    out += _tax(doc)
    out += _usage(doc)
    excluded = doc["discountConfig"].get("excludedGiftProductIds")
    if excluded:
        out += ["", "Gifts left out (missing or unavailable): " + ", ".join(excluded)]
    out += [f"warning: {dumps(dict(w))}" for w in result.warnings]
    # (each item is one line: a newline in one came from the input)
    return "".join(shown(line) + "\n" for line in out)


def shown(text: str) -> str:
    """``text`` with each character that does not print (a control, a terminal's escape, a
    line or paragraph separator, a bidirectional mark; spaces aside) written as its escape:
    input text (a title, an identifier) must not break the summary's lines or act on a
    terminal."""
    if text.isprintable():
        return text
    return "".join(map(_escaped, text))


def _escaped(char: str) -> str:
    # (a space other than ASCII's does not print either, but locales format with them:
    # "242,48 €" in de_DE has a no-break space)
    if char.isprintable() or unicodedata.category(char) == "Zs":
        return char
    return char.encode("unicode_escape").decode("ascii")
