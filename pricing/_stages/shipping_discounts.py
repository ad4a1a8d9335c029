"""Stage 7 — shipping discounts: ``TO_SHIPPING`` rules on the shipping lines
(docs/shipping-discounts.md).

They come after the cap, which limits discounts on goods only: a shipping discount
is never counted against ``maxDiscountValue`` and changes neither ``totalRaw`` nor
``totalSumWithDiscount``. Each takes the ``TO_ORDER`` amount (the same formulas,
``maxAmount`` and budget included) of what the ones before it left of the shipping
lines, and shares it over them in proportion to their amounts (largest remainder).
The bonus and tax stages then read the discounted shipping.
"""

from __future__ import annotations

from collections.abc import Sequence

from .order_discounts import take_and_share
from .records import Applied, Request, Shipping, Target
from .tax import Charges, Taxable
from .usage import Budgets

__all__ = ["apply_shipping_discounts"]


def apply_shipping_discounts(
    chosen: Sequence[Target], request: Request, charges: Charges, budgets: Budgets | None
) -> tuple[Shipping | None, Charges]:
    """Apply each ``TO_SHIPPING`` rule in priority order to all the shipping lines.

    Returns the shipping lines with the discounts applied to them (``None``: the
    order has none) and the charges with each shipping line at its discounted price.
    """
    if not request.shipping_lines:
        return None, charges
    prices = [line.amount for line in charges.shipping]
    current = prices.copy()
    everywhere = tuple(range(len(prices)))
    applied = []
    for rule, _ in chosen:  # (the goods lines it targets made it eligible)
        total, shares, capped = take_and_share(rule, everywhere, current, budgets)
        applied.append(Applied(rule, everywhere, shares, total, capped))
    shipping = Shipping(request.shipping_lines, prices, applied)
    if not applied:
        return shipping, charges
    discounted = [
        Taxable(left, line.rate_key) for left, line in zip(current, charges.shipping, strict=True)
    ]
    return shipping, Charges(discounted, charges.surcharges)
