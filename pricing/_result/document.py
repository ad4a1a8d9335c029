"""The previewOrder document: what the stages decided, written as the JSON object."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Mapping, Sequence
from decimal import Decimal
from functools import partial
from itertools import count
from typing import Any, TypeVar

from .._json import LEAVES, copy_json
from .._ruleset import CompiledRuleSet
from .._ruleset.rules import Rule
from .._stages.eligibility import CouponMatch, Eligibility
from .._stages.explain import applied_by_rule, capped_out, judged_in_cart, line_shares
from .._stages.records import Applied, Outcome
from .._stages.usage import usage_rows

__all__ = ["COMPILE_AFTER", "Memo", "Templates", "compiled_copier", "copier", "document"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def copier(value: dict[str, Any] | list[Any]) -> Callable[[], Any]:
    """A maker of deep copies of JSON-shaped ``value``: each call returns new dicts and
    lists, the immutable leaves shared (anything else inside deep-copied the general way).

    Where the containers are is found once: a call copies a template at C speed and puts
    in fresh copies of the nested containers only. A discount is echoed in every
    document it applies in, and walking it each time cost half the document's time.
    """
    nested: list[tuple[Any, Callable[[], Any]]] = [
        (key, copier(part) if type(part) in (dict, list) else partial(copy.deepcopy, part))
        for key, part in (value.items() if type(value) is dict else enumerate(value))
        if type(part) not in LEAVES
    ]
    template = value.copy()
    if not nested:
        return template.copy

    def fresh() -> Any:
        made = template.copy()
        for key, make in nested:
            made[key] = make()
        return made

    return fresh


def compiled_copier(value: dict[str, Any] | list[Any]) -> Callable[[], Any]:
    """:func:`copier`, quicker by half: the copy is written once as one Python literal
    and compiled (as :mod:`dataclasses` writes its methods), so that a call makes the
    containers and nothing else. Compiling costs about 200 calls' worth, so an echo
    gets one only once it is used often (:meth:`Templates.echo`). A value too large or
    deep to compile gets :func:`copier`.
    """
    constants: dict[str, Any] = {}
    budget = [_LITERAL_LIMIT]

    def name(leaf: Any) -> str:
        named = f"_{len(constants)}"
        constants[named] = leaf
        return named

    def source(part: Any, depth: int) -> str:
        kind = type(part)
        budget[0] -= 1
        if budget[0] < 0 or depth > _LITERAL_DEPTH:
            raise _TooLarge
        if kind is dict:
            items = [
                f"{repr(k) if type(k) is str else name(k)}:{source(v, depth + 1)}"
                for k, v in part.items()
            ]
            return "{" + ",".join(items) + "}"
        if kind is list:
            return "[" + ",".join([source(v, depth + 1) for v in part]) + "]"
        if part is None or kind is bool or (kind is int and -_SMALL < part < _SMALL):
            return repr(part)
        if kind in LEAVES:  # a text, a number: shared, by name (a long text stays out of code)
            return name(part)
        return name(partial(copy.deepcopy, part)) + "()"

    try:
        body = source(value, 0)
    except _TooLarge:
        return copier(value)
    names = ",".join(f"{n}={n}" for n in constants)
    namespace = dict(constants)
    exec(f"def make({names}):\n    return {body}\n", namespace)
    made: Callable[[], Any] = namespace["make"]
    return made


class _TooLarge(Exception):
    """A value past the size or depth :func:`compiled_copier` compiles."""


_LITERAL_LIMIT = 4096
"""The most values a compiled copy holds (a discount's echo has a few dozen)."""
_LITERAL_DEPTH = 40
"""The deepest nesting a compiled copy holds (Python's parser stops at 200)."""
_SMALL = 1 << 62
"""Integers written into the code as they are; larger ones are named constants."""
COMPILE_AFTER = 256
"""Uses of an echo after which it is copied by a compiled maker: about what compiling
costs in copies (so an engine used once, as the one-call path's is, never compiles,
and one that serves many carts pays at most twice the least it could)."""


class Memo(dict[K, V]):
    """``make(key)`` for each key, kept: a lookup is a plain ``dict`` one (quicker than a
    call through :func:`functools.lru_cache`, and a document looks up dozens). Emptied
    when full, since a long-running backend meets ever more distinct amounts."""

    __slots__ = ("_make",)
    _LIMIT = 1 << 14

    def __init__(self, make: Callable[[K], V]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: K) -> V:
        if len(self) >= self._LIMIT:
            self.clear()
        made = self[key] = self._make(key)
        return made


class Templates:
    """What the documents of one rule set share, made once: each discount's echo (as a
    maker of copies), the explanation's entries of the rules that did not apply, and
    each amount's ``Decimal``.

    A document is handed to the caller, who may edit it: what it takes from here is
    always a copy, never the object kept here.
    """

    __slots__ = ("_before_cart", "_copiers", "_positions", "amounts", "lines", "not_applied")

    def __init__(self, rs: CompiledRuleSet) -> None:
        rules = sorted(rs.index.rules, key=lambda r: r.index)
        self.amounts: Memo[int, Decimal] = Memo(rs.currency.to_decimal)
        """Minor units → ``Decimal`` (``amounts[minor]``): the results of one rule set
        share many amounts (the engine's ``money`` too)."""
        self._copiers: list[Callable[[], dict[str, Any]] | None] = [None] * len(rules)
        """Each discount's echo maker, by rule index, made when it first applies."""
        zero = self.amounts[0]
        self.not_applied: Memo[tuple[int, str | None], dict[str, Any]] = Memo(
            lambda key: {
                "id": rules[key[0]].id,
                "identifier": rules[key[0]].identifier,
                "status": "not_applied",
                "reason": key[1],
                "amount": zero,
                "capped": False,
            }
        )
        """``(rule index, reason)`` → the entry of a rule that did not apply (to copy)."""
        self._positions = tuple(r.index for r in rs.index.rules)
        self._before_cart: dict[Hashable, tuple[dict[str, Any], ...]] = {}
        items = sorted(rs.catalog.items.values(), key=lambda item: item.index)
        amounts = self.amounts

        def line_objects(key: tuple[int, int, int]) -> tuple[dict[str, Any], dict[str, Any]]:
            item, quantity, unit_price = items[key[0]], key[1], key[2]
            price, total = amounts[unit_price], amounts[unit_price * quantity]
            preview = {
                "productId": item.id,
                "title": item.title,
                "sku": item.sku,
                "price": price,
                "quantity": quantity,
                "isGift": False,
            }
            line = {
                "productId": item.id,
                "quantity": quantity,
                "isGift": False,
                "unitPrice": price,
                "total": total,
                "productDiscount": zero,
                "orderDiscount": zero,
                "totalWithDiscount": total,
                "discounts": None,  # (each document's own list is put in)
            }
            return preview, line

        self.lines: Memo[tuple[int, int, int], tuple[dict[str, Any], dict[str, Any]]] = Memo(
            line_objects
        )
        """``(product index, quantity, unit price)`` → a paid line's ``orderPreview``
        object and its ``lines`` object with no discount (to copy): most lines of most
        carts are one of these, and a copy is a third of the time of making one."""

    def echo(self, rule: Rule, coupon: Mapping[str, Any] | None) -> dict[str, Any]:
        """A fresh copy of the discount object as given, ``coupon`` set."""
        make = self._copiers[rule.index]
        if make is None:
            make = self._copiers[rule.index] = self._first_copier(rule.index, dict(rule.raw))
        echo: dict[str, Any] = make()
        echo["coupon"] = None if coupon is None else dict(coupon)  # its own, as in JSON
        return echo

    def _first_copier(self, index: int, raw: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        """A discount's first echo maker: a :func:`copier` that, used
        :data:`COMPILE_AFTER` times, leaves its place to a :func:`compiled_copier`."""
        walking, uses = copier(raw), count(1)

        def make() -> dict[str, Any]:
            if next(uses) == COMPILE_AFTER:
                self._copiers[index] = compiled_copier(raw)
            made: dict[str, Any] = walking()
            return made

        return make

    def before_cart(self, e: Eligibility) -> tuple[dict[str, Any], ...]:
        """The explanation's entries for ``e.before_cart()``'s reasons, in priority
        order (kept here: to be copied), made once per audience as those reasons are."""
        return e.per_audience(self._before_cart, self._entries)

    def _entries(self, reasons: Sequence[str | None]) -> tuple[dict[str, Any], ...]:
        passed_over = self.not_applied
        return tuple([passed_over[i, why] for i, why in zip(self._positions, reasons, strict=True)])


def _lines(o: Outcome, t: Templates) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(orderPreview, lines)`` in one pass: paid lines still holding units, then gift
    lines at price 0 (the lines of :func:`~pricing._stages.explain.line_rows`)."""
    amounts = t.amounts
    zero = amounts[0]
    previews: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    kept = t.lines
    shared = line_shares(o, amounts=amounts) if o.applied else None
    for k, line in enumerate(o.gifts.lines):
        quantity = line.quantity
        if not quantity:
            continue  # every unit became a gift
        preview, undiscounted = kept[line.item.index, quantity, line.unit_price]
        previews.append(preview.copy())
        doc = undiscounted.copy()
        if shared is None:  # nothing applied (most small carts): no line has a share
            doc["discounts"] = []  # (each line's own list)
        else:
            product_off, order_off = shared[0][k], shared[1][k]
            if product_off or order_off:
                doc["productDiscount"] = amounts[product_off]
                doc["orderDiscount"] = amounts[order_off]
                doc["totalWithDiscount"] = amounts[
                    line.unit_price * quantity - product_off - order_off
                ]
            doc["discounts"] = shared[2][k]
        if line.price_locked:
            doc["priceLocked"] = True
        docs.append(doc)
    for g in o.gifts.gift_lines:
        item, quantity = g.item, g.quantity
        previews.append(
            {
                "productId": item.id,
                "title": item.title,
                "sku": item.sku,
                "price": zero,
                "quantity": quantity,
                "isGift": True,
            }
        )
        docs.append(
            {
                "productId": item.id,
                "quantity": quantity,
                "isGift": True,
                "unitPrice": zero,
                "total": zero,
                "productDiscount": zero,
                "orderDiscount": zero,
                "totalWithDiscount": zero,
                "discounts": [],
            }
        )
    return previews, docs


def _coupon(coupon: CouponMatch, by_rule: Mapping[int, Applied]) -> dict[str, Any]:
    """One presented code's object: valid, and whether its discount applied."""
    owner = by_rule.get(id(coupon.rule))
    return {
        "code": coupon.code,
        "valid": True,
        "applied": owner is not None and not capped_out(owner),
        "discountId": coupon.rule.id,
        "discountIdentifier": coupon.rule.identifier,
    }


Coupons = list[tuple[str, dict[str, Any]]]
"""``(normalised code, object)`` of each presented code, ``couponCode`` first."""


def coupon_objects(o: Outcome, by_rule: Mapping[int, Applied]) -> Coupons:
    """Each presented code's object (see :data:`Coupons`)."""
    e = o.eligibility
    if e.coupons is None:
        return [] if e.coupon is None else [(e.coupon.normalised, _coupon(e.coupon, by_rule))]
    return [(m.normalised, _coupon(m, by_rule)) for m in e.coupons]


Echoes = list[tuple[Rule, dict[str, Any] | None]]
"""Applied discounts to echo, each with its ``coupon``."""


def echoed(o: Outcome, coupons: Coupons) -> tuple[Echoes, ...]:
    """The applied discounts to echo, each with the object of the first presented code
    that is one of theirs: ``(orderDiscounts, productDiscounts, shippingDiscounts)``."""
    order_discounts: Echoes = []
    product_discounts: Echoes = []
    shipping_discounts: Echoes = []
    # Each kind's discounts applied in priority order, so this is the rules' order.
    for done in o.every_applied:
        if capped_out(done):
            continue
        rule = done.rule
        own_coupon = None
        if coupons and rule.coupons:
            own_coupon = next((obj for code, obj in coupons if code in rule.coupons), None)
        if rule.to_product:
            kind = product_discounts
        else:
            kind = shipping_discounts if rule.to_shipping else order_discounts
        kind.append((rule, own_coupon))
    return order_discounts, product_discounts, shipping_discounts


def _bonus(o: Outcome, amounts: Mapping[int, Decimal]) -> dict[str, Any] | None:
    """``discountConfig.bonus``: ``None`` for a guest who asked for no bonus."""
    bonus, echo = o.bonus, o.settings.echo
    if not bonus.shown:
        return None
    return {
        "availableBalance": amounts[bonus.available_balance],
        "maxBonusDiscount": amounts[bonus.max_bonus_discount],
        "minBonusAmount": echo["minBonusAmount"],
        "minOrderAmountForBonus": echo["minOrderAmountForBonus"],
        "bonusApplied": amounts[bonus.applied],
    }


def _explanation(o: Outcome, t: Templates) -> list[dict[str, Any]]:
    # The entries decided before the cart are made once per audience (and copied);
    # only the rules that matched the cart are written per cart.
    out = list(map(dict.copy, t.before_cart(o.eligibility)))
    amounts = t.amounts
    for k, rule, reason, done in judged_in_cart(o):
        if done is None:
            out[k] = t.not_applied[rule.index, reason].copy()
            continue
        entry = out[k] = {
            "id": rule.id,
            "identifier": rule.identifier,
            "status": "not_applied" if reason is not None else "applied",
            "reason": reason,
            "amount": amounts[0 if reason is not None else done.amount],
            "capped": done.capped,
        }
        if reason is None:  # only on applied tiered / buy-get discounts
            if rule.tier is not None:  # (docs/quantity-promotions.md)
                entry["tier"] = rule.tier
            if rule.sets is not None:
                entry["sets"] = rule.sets
    return out


def _shipping(o: Outcome) -> list[dict[str, Any]]:
    """``shipping``: each shipping line's price, what the shipping discounts took off it,
    and what is left."""
    assert o.shipping is not None
    money, shipping = o.money, o.shipping
    return [
        {
            "id": line.id,
            "name": line.name,
            "price": money(price),
            "discount": money(price - left),
            "priceWithDiscount": money(left),
        }
        for line, price, left in zip(shipping.lines, shipping.prices, shipping.left, strict=True)
    ]


def extensions(o: Outcome, coupons: Coupons) -> dict[str, Any]:
    """``coupons``, ``shipping`` and ``usage``: each only when its input is given."""
    out: dict[str, Any] = {}
    if o.eligibility.coupons is not None:
        out["coupons"] = [dict(obj) for _, obj in coupons]
    if o.shipping is not None:
        out["shipping"] = _shipping(o)
    if o.reports_usage:
        out["usage"] = [
            {"discountId": r.discount_id, "identifier": r.identifier, "uses": 1,
             "spent": o.money(r.spent)}
            for r in usage_rows(o)
        ]  # fmt: skip
    return out


def document(o: Outcome, t: Templates) -> dict[str, Any]:
    """The whole document, money as ``Decimal``, keys in the order they are
    written; every part of it new (``t``'s templates copied), for the caller to keep."""
    amounts = t.amounts
    e = o.eligibility
    coupons = coupon_objects(o, applied_by_rule(o)) if e.coupon or e.coupons else []
    if o.every_applied:
        order_discounts, product_discounts, shipping_discounts = (
            [t.echo(rule, coupon) for rule, coupon in kind] if kind else []
            for kind in echoed(o, coupons)
        )
    else:  # nothing applied (most small carts): nothing to echo
        order_discounts, product_discounts, shipping_discounts = [], [], []
    total_with_discount = amounts[o.total_with_discount]
    bonus_applied = amounts[o.bonus.applied]
    total_due = amounts[o.bonus.total_due]
    warnings, left_out = e.warnings, o.gifts.excluded_product_ids
    config: dict[str, Any] = {
        "orderDiscounts": order_discounts,
        "productDiscounts": product_discounts,
        "coupon": coupons[0][1] if coupons else None,
        "settings": dict(o.settings.echo),
        "additionalDiscountsMarkers": list(o.markers),
        "totalRaw": amounts[o.total_raw],
        "totalSumWithDiscount": total_with_discount,
        "excludedGiftProductIds": list(left_out) if left_out else [],
        "bonus": _bonus(o, amounts),
        "bonusApplied": bonus_applied,
        "totalDue": total_due,
    }
    if o.lists_shipping_discounts:  # right after productDiscounts
        items = list(config.items())
        items.insert(2, ("shippingDiscounts", shipping_discounts))
        config = dict(items)
    order_preview, lines = _lines(o, t)
    doc: dict[str, Any] = {
        "totalSum": total_with_discount,  # OneEntry's: after discounts, before bonus
        "totalSumWithDiscount": total_with_discount,
        "bonusApplied": bonus_applied,
        "totalDue": total_due,
        "currency": o.cur.code,
        "discountConfig": config,
        "orderPreview": order_preview,
        "lines": lines,
        "explanation": _explanation(o, t),
        "bonusAccrual": amounts[o.accrued],
        "warnings": [dict(w) for w in warnings] if warnings else [],
    }
    if e.coupons is not None or o.shipping is not None or o.reports_usage:
        doc.update(extensions(o, coupons))
    if o.extensions:  # (the outcome's own: each document gets a copy)
        doc.update(copy_json(o.extensions))
    return doc
