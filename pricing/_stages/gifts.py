"""Stage 3 — gifts: gift lines of the applying discounts (docs/gifts.md).

Gifts are settled before any amount is computed because ``giftsReplaceCartItems``
turns paid units into gifts, and the rule decides eligibility on the cart as
requested but totals on the result. Which discounts apply is known here (the
gates and the stacking choice); only the cap is still to come, and it limits
money, not gifts (decision, docs/gifts.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from .._ruleset import CompiledRuleSet
from .records import GiftLine, Gifts, Line, Target

__all__ = ["settle_gifts"]


def settle_gifts(rs: CompiledRuleSet, lines: tuple[Line, ...], applying: Sequence[Target]) -> Gifts:
    """Give the gifts of the ``applying`` discounts (in priority order)."""
    if not rs.gives_gifts:
        return Gifts(lines, (), ())
    catalog = rs.catalog
    givers = [rule for rule, _ in applying if rule.gifts]
    if not rs.settings.allow_gift_stacking:
        givers = givers[:1]

    quantities = [line.quantity for line in lines]
    gift_lines: list[GiftLine] = []
    excluded: dict[str, None] = {}
    for rule in givers:
        for key, quantity in rule.gifts:
            item = catalog.items.get(key)
            if item is None or not item.available:
                excluded[key] = None
                continue
            replaced = 0
            if rule.gifts_replace:
                for i, line in enumerate(lines):
                    if replaced == quantity:
                        break
                    if line.item.key == key and quantities[i]:
                        take = min(quantities[i], quantity - replaced)
                        quantities[i] -= take
                        replaced += take
            gift_lines.append(GiftLine(item, quantity, rule, replaced))

    new_lines = tuple(
        line if q == line.quantity else line.with_quantity(q)
        for line, q in zip(lines, quantities, strict=True)
    )
    return Gifts(new_lines, tuple(gift_lines), tuple(excluded))
