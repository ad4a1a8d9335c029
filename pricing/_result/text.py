"""The previewOrder document written straight to compact JSON text: the backend's path.

The same bytes as the document of :mod:`pricing._result.document` written compact by
:func:`pricing._json.dumps` (a property test holds the two equal), several times
quicker: what is the same for every cart (a rule's echo, id and identifier, a
product's id, title and sku, the settings) is written once per rule set, each amount
once per distinct amount, and the rest is joined with no dict built and no encoder
walking it. Why: a backend answers every cart change with this text, and building
the document only to encode it cost several times the pricing.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from itertools import repeat

from .._json import dumps
from .._ruleset import CompiledRuleSet
from .._stages.eligibility import Eligibility
from .._stages.explain import applied_by_rule, judged_in_cart, line_shares
from .._stages.records import Line, Outcome
from .document import Echoes, Memo, coupon_objects, echoed, extensions

__all__ = ["Texts", "write_compact"]

_JSON_BOOL = ("false", "true")

_CAPPED_OUT = '"amount":0,"capped":true}'
_LINE_END = ("]}", '],"priceLocked":true}')
"""How a line's object ends, by ``price_locked``."""


class Texts:
    """The JSON texts of one rule set that are the same for every cart: made once.

    Rule texts are indexed by :attr:`Rule.index` (a tier's or a buy-get's rule shares
    its discount's), product texts by :attr:`CatalogItem.index`.
    """

    __slots__ = ("_before_cart", "_positions", "bonus_minimums", "echoes", "entry_heads",
                 "line_heads", "money", "not_applied", "preview_heads", "settings",
                 "share_ends", "share_heads")  # fmt: skip

    def __init__(self, rs: CompiledRuleSet) -> None:
        cur = rs.currency
        self.money: Memo[int, str] = Memo(cur.to_text)
        """Minor units → the JSON number's text (``money[minor]``)."""
        rules = sorted(rs.index.rules, key=lambda r: r.index)
        assert [r.index for r in rules] == list(range(len(rules)))
        self.echoes = tuple([dumps({**r.raw, "coupon": None}) for r in rules])
        """Each discount's echo with ``"coupon": null``, by :attr:`Rule.index`."""
        echo = rs.settings.echo
        self.settings = dumps(dict(echo))
        self.bonus_minimums = (
            f'"minBonusAmount":{dumps(echo["minBonusAmount"])},'
            f'"minOrderAmountForBonus":{dumps(echo["minOrderAmountForBonus"])},'
        )
        self.entry_heads = [
            f'{{"id":{dumps(r.id)},"identifier":{dumps(r.identifier)},"status":' for r in rules
        ]
        heads, zero = self.entry_heads, self.money[0]
        self.not_applied: Memo[tuple[int, str | None], str] = Memo(
            lambda key: (
                f'{heads[key[0]]}"not_applied","reason":{dumps(key[1])},'
                f'"amount":{zero},"capped":false}}'
            )
        )
        """``(rule index, reason)`` → the entry of a rule that did not apply."""
        self._positions = tuple(r.index for r in rs.index.rules)
        """Each rule's index, in priority order (the explanation's order)."""
        self._before_cart: dict[Hashable, tuple[tuple[str, ...], str]] = {}
        self.share_heads = [f'{{"identifier":{dumps(r.identifier)},"amount":' for r in rules]
        self.share_ends: Memo[int, str] = Memo(lambda minor: f"{cur.to_text(minor)}}}")
        """Minor units → the end of a line share's text: its amount, then ``}``."""
        items = sorted(rs.catalog.items.values(), key=lambda item: item.index)
        self.line_heads = [f'{{"productId":{dumps(i.id)},"quantity":' for i in items]
        self.preview_heads = [
            f'{{"productId":{dumps(i.id)},"title":{dumps(i.title)},"sku":{dumps(i.sku)},"price":'
            for i in items
        ]

    def before_cart(self, e: Eligibility) -> tuple[tuple[str, ...], str]:
        """The explanation's entries for ``e.before_cart()``'s reasons, in priority
        order, and the explanation they make when no rule matched the cart: made once
        per audience (as those reasons are)."""
        return e.per_audience(self._before_cart, self._entries)

    def _entries(self, reasons: Sequence[str | None]) -> tuple[tuple[str, ...], str]:
        passed_over = self.not_applied
        texts = tuple(
            [passed_over[i, why] for i, why in zip(self._positions, reasons, strict=True)]
        )
        return texts, f"[{','.join(texts)}]"


def _echo_texts(t: Texts, echoes: Echoes) -> str:
    if not echoes:
        return "[]"
    texts = [
        t.echoes[rule.index] if coupon is None else dumps({**rule.raw, "coupon": coupon})
        for rule, coupon in echoes
    ]
    return f"[{','.join(texts)}]"


def _lines(t: Texts, o: Outcome) -> tuple[str, str]:
    """``(orderPreview, lines)``, in one pass: both list the lines of ``line_rows``
    (paid ones still holding units, then gifts at price 0) in the same order, written
    here without a row per line."""
    money, heads, preview_heads = t.money, t.line_heads, t.preview_heads
    zero = money[0]
    previews: list[str] = []
    out: list[str] = []
    rows: Iterable[tuple[Line, int, int, Sequence[str]]]
    if o.applied:
        rows = zip(o.gifts.lines, *line_shares(o, t.share_heads, t.share_ends), strict=True)
    else:  # nothing applied (most small carts): no line has a share
        rows = zip(o.gifts.lines, repeat(0), repeat(0), repeat(()))
    for line, product_off, order_off, discounts in rows:
        quantity = line.quantity
        if not quantity:
            continue  # every unit became a gift
        index, unit = line.item.index, line.unit_price
        total, unit_text = unit * quantity, money[unit]
        previews.append(f'{preview_heads[index]}{unit_text},"quantity":{quantity},"isGift":false}}')
        if discounts:
            out.append(
                f'{heads[index]}{quantity},"isGift":false,"unitPrice":{unit_text},'
                f'"total":{money[total]},'
                f'"productDiscount":{money[product_off]},"orderDiscount":{money[order_off]},'
                f'"totalWithDiscount":{money[total - product_off - order_off]},'
                f'"discounts":[{",".join(discounts)}{_LINE_END[line.price_locked]}'
            )
        else:  # (most lines of a small cart: no share, both discounts 0)
            total_text = money[total]
            out.append(
                f'{heads[index]}{quantity},"isGift":false,"unitPrice":{unit_text},'
                f'"total":{total_text},"productDiscount":{zero},"orderDiscount":{zero},'
                f'"totalWithDiscount":{total_text},"discounts":[{_LINE_END[line.price_locked]}'
            )
    for gift in o.gifts.gift_lines:
        index, quantity = gift.item.index, gift.quantity
        previews.append(f'{preview_heads[index]}{zero},"quantity":{quantity},"isGift":true}}')
        out.append(
            f'{heads[index]}{quantity},"isGift":true,"unitPrice":{zero},"total":{zero},'
            f'"productDiscount":{zero},"orderDiscount":{zero},'
            f'"totalWithDiscount":{zero},"discounts":[{_LINE_END[False]}'
        )
    return f"[{','.join(previews)}]", f"[{','.join(out)}]"


def _explanation(t: Texts, o: Outcome) -> str:
    # The entries decided before the cart are made once per audience; only the rules
    # that matched the cart are written per cart.
    money, heads, passed_over = t.money, t.entry_heads, t.not_applied
    entries, untouched = t.before_cart(o.eligibility)
    in_cart = judged_in_cart(o)
    if not in_cart:
        return untouched
    out = list(entries)
    for k, rule, reason, done in in_cart:
        if done is None:
            out[k] = passed_over[rule.index, reason]
        elif reason is not None:
            out[k] = f'{heads[rule.index]}"not_applied","reason":"{reason}",{_CAPPED_OUT}'
        else:
            extra = ""
            if rule.tier is not None:
                extra = f',"tier":{rule.tier}'
            if rule.sets is not None:
                extra += f',"sets":{rule.sets}'
            out[k] = (
                f'{heads[rule.index]}"applied","reason":null,"amount":{money[done.amount]},'
                f'"capped":{_JSON_BOOL[done.capped]}{extra}}}'
            )
    return f"[{','.join(out)}]"


def _bonus(t: Texts, o: Outcome) -> str:
    bonus, money = o.bonus, t.money
    if not bonus.shown:
        return "null"
    return (
        f'{{"availableBalance":{money[bonus.available_balance]},'
        f'"maxBonusDiscount":{money[bonus.max_bonus_discount]},{t.bonus_minimums}'
        f'"bonusApplied":{money[bonus.applied]}}}'
    )


def write_compact(o: Outcome, t: Texts) -> str:
    """The document as compact JSON text, key for key what :func:`document` builds."""
    money = t.money
    e = o.eligibility
    coupons = coupon_objects(o, applied_by_rule(o)) if e.coupon or e.coupons else []
    order_discounts, product_discounts, shipping_discounts = echoed(o, coupons)
    with_discount = money[o.total_with_discount]
    bonus_applied = money[o.bonus.applied]
    total_due = money[o.bonus.total_due]
    warnings, markers, left_out = e.warnings, o.markers, o.gifts.excluded_product_ids
    order_preview, lines = _lines(t, o)
    shipping = (
        f'"shippingDiscounts":{_echo_texts(t, shipping_discounts)},'
        if o.lists_shipping_discounts
        else ""
    )
    more = ""  # the extension keys, if any
    if e.coupons is not None or o.shipping is not None or o.reports_usage:
        shown = extensions(o, coupons)
        more = "".join([f",{dumps(key)}:{dumps(value)}" for key, value in shown.items()])
    if o.extensions:
        more += "".join([f",{dumps(key)}:{dumps(value)}" for key, value in o.extensions.items()])
    return (
        f'{{"totalSum":{with_discount},"totalSumWithDiscount":{with_discount},'
        f'"bonusApplied":{bonus_applied},"totalDue":{total_due},"currency":"{o.cur.code}",'
        f'"discountConfig":{{"orderDiscounts":{_echo_texts(t, order_discounts)},'
        f'"productDiscounts":{_echo_texts(t, product_discounts)},{shipping}'
        f'"coupon":{dumps(coupons[0][1]) if coupons else "null"},"settings":{t.settings},'
        f'"additionalDiscountsMarkers":{dumps(list(markers)) if markers else "[]"},'
        f'"totalRaw":{money[o.total_raw]},"totalSumWithDiscount":{with_discount},'
        f'"excludedGiftProductIds":{dumps(list(left_out)) if left_out else "[]"},'
        f'"bonus":{_bonus(t, o)},"bonusApplied":{bonus_applied},"totalDue":{total_due}}},'
        f'"orderPreview":{order_preview},"lines":{lines},'
        f'"explanation":{_explanation(t, o)},"bonusAccrual":{money[o.accrued]},'
        f'"warnings":{dumps([dict(w) for w in warnings]) if warnings else "[]"}{more}}}'
    )
