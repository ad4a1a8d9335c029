"""Last stage — result: the previewOrder-shaped document of SPEC §9, and its value objects."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass
from decimal import Decimal
from typing import Any, Generic, NamedTuple, NoReturn, TypeVar, overload

from ._applied import Applied
from ._bonus import Bonus
from ._compile import CompiledSettings
from ._eligibility import Eligibility
from ._gifts import Gifts
from ._json import dumps
from ._money import Currency

__all__ = ["LineDiscount", "LineResult", "PreviewResult", "RuleExplanation", "assemble"]


@dataclass(frozen=True, slots=True)
class LineDiscount:
    """One discount's share of one line."""

    identifier: str | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineResult:
    """A line of the result, paid or gift, with what each discount took off it."""

    product_id: int | str
    quantity: int
    is_gift: bool
    unit_price: Decimal
    total: Decimal
    product_discount: Decimal
    order_discount: Decimal
    total_with_discount: Decimal
    discounts: tuple[LineDiscount, ...]
    price_locked: bool = False


@dataclass(frozen=True, slots=True)
class RuleExplanation:
    """Why one discount applied or did not, and how much it took."""

    id: int | str
    identifier: str | None
    status: str
    reason: str | None
    amount: Decimal
    capped: bool


class _Outcome(NamedTuple):
    """What the stages decided, in minor units: the record the result's views are built from."""

    cur: Currency
    settings: CompiledSettings
    eligibility: Eligibility
    gifts: Gifts
    applied: Sequence[Applied]
    bonus: Bonus
    accrued: int
    markers: Sequence[str]
    extensions: Mapping[str, Any] | None
    total_raw: int
    total_with_discount: int
    money: Callable[[int], Decimal]
    """Minor units → ``Decimal`` in ``cur``."""


T = TypeVar("T")


class _built(Generic[T]):  # a decorator, lower case like cached_property
    """An attribute built on its first read, then kept in the instance's ``__dict__``.

    What :func:`functools.cached_property` does, without the lock it takes on each
    first read before Python 3.12 (the values are immutable: a race at worst builds
    one twice).
    """

    def __init__(self, build: Callable[[Any], T]) -> None:
        self._build = build
        self._name = build.__name__
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _built[T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> T | _built[T]:
        if obj is None:
            return self
        value = obj.__dict__[self._name] = self._build(obj)
        return value


class PreviewResult:
    """The outcome of one preview.

    The typed attributes are for Python callers; :meth:`to_json` writes the SPEC §9
    document, and :attr:`document` is that document with ``Decimal`` money.

    A result is an immutable view over what the pipeline decided (integers of minor
    units): each attribute is built the first time it is read, then kept. Pricing
    many carts for their totals (a what-if) so does not pay for documents nobody
    reads, and the values are the same either way. Two results are equal when their
    documents are. A pickled result carries its built values, not the rule set.
    """

    __slots__ = ("__dict__", "_outcome")
    _outcome: _Outcome | None

    def __init__(self, outcome: _Outcome | None) -> None:
        object.__setattr__(self, "_outcome", outcome)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @property
    def _o(self) -> _Outcome:
        assert self._outcome is not None  # only unpickled results lack it, fully built
        return self._outcome

    @_built
    def total_raw(self) -> Decimal:
        """``totalRaw``: Σ unit price × quantity over the paid lines."""
        return self._o.money(self._o.total_raw)

    @_built
    def total_sum_with_discount(self) -> Decimal:
        """``totalSumWithDiscount``: ``totalRaw`` less every applied discount."""
        return self._o.money(self._o.total_with_discount)

    @_built
    def bonus_applied(self) -> Decimal:
        """``bonusApplied``: what the customer's points pay."""
        return self._o.money(self._o.bonus.applied)

    @_built
    def total_due(self) -> Decimal:
        """``totalDue``: what is left to pay."""
        return self._o.money(self._o.bonus.total_due)

    @_built
    def currency(self) -> str:
        """The ISO 4217 code."""
        return self._o.cur.code

    @_built
    def bonus_accrual(self) -> Decimal:
        """``bonusAccrual``: points the passing ``BONUS`` programs credit on payment."""
        return self._o.money(self._o.accrued)

    @_built
    def warnings(self) -> tuple[Mapping[str, Any], ...]:
        """What was said about the request (unknown markers)."""
        return self._o.eligibility.warnings

    @_built
    def applied_ids(self) -> tuple[int | str, ...]:
        """Ids of the discounts that applied, in the order they applied (product-level
        first, SPEC §6): the ``applied`` entries of :attr:`explanation`, without building it."""
        return tuple(a.rule.id for a in self._o.applied if not _capped_out(a))

    @property
    def total_discount(self) -> Decimal:
        """``totalRaw`` − ``totalSumWithDiscount``."""
        return self.total_raw - self.total_sum_with_discount

    @_built
    def lines(self) -> tuple[LineResult, ...]:
        """Paid lines in request order (those still holding units), then gift lines."""
        return _line_results(self._o, self._line_rows)

    @_built
    def explanation(self) -> tuple[RuleExplanation, ...]:
        """One entry per discount, in priority order."""
        money = self._o.money
        return tuple(
            [
                RuleExplanation(e.id, e.identifier, e.status, e.reason, money(e.amount), e.capped)
                for e in self._explanation_rows
            ]
        )

    @_built
    def document(self) -> Mapping[str, Any]:
        """The SPEC §9 document, money as ``Decimal``."""
        return _document(self._o, self._line_rows, self._explanation_rows)

    # The lines and the explanation in minor units, which both the value objects
    # above and the document are written from (the document needs no value objects).
    @_built
    def _line_rows(self) -> list[_LineRow]:
        return _make_line_rows(self._o)

    @_built
    def _explanation_rows(self) -> list[_ExplanationRow]:
        return _make_explanation_rows(self._o)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PreviewResult):
            return NotImplemented
        return self.document == other.document

    __hash__ = None  # type: ignore[assignment]  # equal by value, yet holds dicts

    def __repr__(self) -> str:
        return (
            f"PreviewResult(total_raw={self.total_raw!r}, "
            f"total_sum_with_discount={self.total_sum_with_discount!r}, "
            f"bonus_applied={self.bonus_applied!r}, total_due={self.total_due!r}, "
            f"currency={self.currency!r}, bonus_accrual={self.bonus_accrual!r}, "
            f"lines={self.lines!r}, explanation={self.explanation!r}, "
            f"warnings={self.warnings!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The outcome refers to the compiled rules (closures); carry the built views.
        return (_restored, (_VIEWS, tuple(getattr(self, name) for name in _VIEWS)))

    def to_dict(self) -> dict[str, Any]:
        """A fresh copy of the §9 document (money as ``Decimal``)."""
        return copy.deepcopy(dict(self.document))

    def to_json(self, *, indent: int | None = 2) -> str:
        """The §9 JSON: exact numbers, fixed key order, byte-identical for the same input."""
        return dumps(self.document, indent=indent)


_VIEWS = (
    "applied_ids",
    "total_raw",
    "total_sum_with_discount",
    "bonus_applied",
    "total_due",
    "currency",
    "bonus_accrual",
    "warnings",
    "lines",
    "explanation",
    "document",
)


def _restored(names: Sequence[str], values: Sequence[Any]) -> PreviewResult:
    """An unpickled result: every view already built."""
    result = PreviewResult(None)
    result.__dict__.update(zip(names, values, strict=True))
    return result


_LEAVES = frozenset({str, int, float, bool, type(None), Decimal})
"""Immutable JSON values: a copy may share them."""


def _fresh(value: Any) -> Any:
    """A deep copy of JSON-shaped data: new dicts and lists, immutable leaves shared.

    What :func:`copy.deepcopy` gives for such data, several times quicker; anything
    else inside is deep-copied the general way.
    """
    if type(value) is dict:
        return {k: v if type(v) in _LEAVES else _fresh(v) for k, v in value.items()}
    if type(value) is list:
        return [v if type(v) in _LEAVES else _fresh(v) for v in value]
    if type(value) in _LEAVES:
        return value
    return copy.deepcopy(value)


def _discount_echo(raw: Mapping[str, Any], coupon: Mapping[str, Any] | None) -> dict[str, Any]:
    # A deep copy: the raw object belongs to the compiled rule set, which later
    # previews echo too; a caller editing this document must not reach it.
    echo: dict[str, Any] = _fresh(dict(raw))
    echo["coupon"] = coupon
    return echo


def _capped_out(a: Applied) -> bool:
    """A discount the cap reduced to 0: no longer applied."""
    return a.capped and a.amount == 0


def assemble(
    cur: Currency,
    money: Callable[[int], Decimal],
    *,
    settings: CompiledSettings,
    eligibility: Eligibility,
    gifts: Gifts,
    applied: Sequence[Applied],
    total_raw: int,
    total_with_discount: int,
    bonus: Bonus,
    accrued: int,
    markers: Sequence[str],
    extensions: Mapping[str, Any] | None = None,
) -> PreviewResult:
    """Build the result from what the stages decided; computes nothing new.

    ``money`` turns minor units into ``Decimal`` in ``cur`` (the engine's, memoised).
    """
    return PreviewResult(
        _Outcome(
            cur,
            settings,
            eligibility,
            gifts,
            applied,
            bonus,
            accrued,
            markers,
            extensions,
            total_raw,
            total_with_discount,
            money,
        )
    )


class _LineRow(NamedTuple):
    """One line of the result in minor units: what :attr:`PreviewResult.lines` and the
    document's ``lines`` are both written from."""

    product_id: int | str
    quantity: int
    is_gift: bool
    unit_price: int
    total: int
    product_discount: int
    order_discount: int
    discounts: list[tuple[str | None, int]]
    """(identifier, share) of each applied discount that targeted the line."""
    price_locked: bool


def _make_line_rows(o: _Outcome) -> list[_LineRow]:
    lines = o.gifts.lines
    product_off = [0] * len(lines)
    order_off = [0] * len(lines)
    per_line: list[list[tuple[str | None, int]]] = [[] for _ in lines]
    for a in o.applied:
        if _capped_out(a):
            continue
        bucket = product_off if a.rule.to_product else order_off
        identifier = a.rule.identifier
        for pos, share in zip(a.targets, a.shares, strict=True):
            bucket[pos] += share
            per_line[pos].append((identifier, share))
    rows = [
        _LineRow(
            line.item.id,
            line.quantity,
            False,
            line.unit_price,
            line.unit_price * line.quantity,
            product_off[pos],
            order_off[pos],
            per_line[pos],
            line.price_locked,
        )
        for pos, line in enumerate(lines)
        if line.quantity  # a line whose every unit became a gift is gone
    ]
    rows += [
        _LineRow(g.item.id, g.quantity, True, 0, 0, 0, 0, [], False) for g in o.gifts.gift_lines
    ]
    return rows


def _line_results(o: _Outcome, rows: Sequence[_LineRow]) -> tuple[LineResult, ...]:
    money = o.money
    return tuple(
        [
            LineResult(
                product_id=r.product_id,
                quantity=r.quantity,
                is_gift=r.is_gift,
                unit_price=money(r.unit_price),
                total=money(r.total),
                product_discount=money(r.product_discount),
                order_discount=money(r.order_discount),
                total_with_discount=money(r.total - r.product_discount - r.order_discount),
                discounts=tuple([LineDiscount(i, money(a)) for i, a in r.discounts]),
                price_locked=r.price_locked,
            )
            for r in rows
        ]
    )


def _line_documents(o: _Outcome, rows: Sequence[_LineRow]) -> list[dict[str, Any]]:
    money = o.money
    docs = []
    for r in rows:
        doc: dict[str, Any] = {
            "productId": r.product_id,
            "quantity": r.quantity,
            "isGift": r.is_gift,
            "unitPrice": money(r.unit_price),
            "total": money(r.total),
            "productDiscount": money(r.product_discount),
            "orderDiscount": money(r.order_discount),
            "totalWithDiscount": money(r.total - r.product_discount - r.order_discount),
            "discounts": [{"identifier": i, "amount": money(a)} for i, a in r.discounts],
        }
        if r.price_locked:
            doc["priceLocked"] = True
        docs.append(doc)
    return docs


class _ExplanationRow(NamedTuple):
    """One discount's entry in minor units (see :class:`_LineRow`)."""

    id: int | str
    identifier: str | None
    status: str
    reason: str | None
    amount: int
    capped: bool


def _make_explanation_rows(o: _Outcome) -> list[_ExplanationRow]:
    by_rule = {id(a.rule): a for a in o.applied}
    rows = []
    for verdict in o.eligibility.verdicts:
        rule = verdict.rule
        done = by_rule.get(id(rule))
        if done is None:
            rows.append(
                _ExplanationRow(rule.id, rule.identifier, "not_applied", verdict.reason, 0, False)
            )
        elif _capped_out(done):
            rows.append(
                _ExplanationRow(rule.id, rule.identifier, "not_applied", "capped_out", 0, True)
            )
        else:
            rows.append(
                _ExplanationRow(rule.id, rule.identifier, "applied", None, done.amount, done.capped)
            )
    return rows


def _document(
    o: _Outcome, line_rows: Sequence[_LineRow], explanation: Sequence[_ExplanationRow]
) -> dict[str, Any]:
    money = o.money
    settings, gifts, bonus = o.settings, o.gifts, o.bonus
    total_raw, total_with_discount = o.total_raw, o.total_with_discount

    by_rule = {id(a.rule): a for a in o.applied}
    coupon_obj: dict[str, Any] | None = None
    coupon = o.eligibility.coupon
    if coupon is not None:
        owner = by_rule.get(id(coupon.rule))
        coupon_obj = {
            "code": coupon.code,
            "valid": True,
            "applied": owner is not None and not _capped_out(owner),
            "discountId": coupon.rule.id,
            "discountIdentifier": coupon.rule.identifier,
        }

    order_discounts: list[dict[str, Any]] = []
    product_discounts: list[dict[str, Any]] = []
    for verdict in o.eligibility.verdicts:
        rule = verdict.rule
        done = by_rule.get(id(rule))
        if done is None or _capped_out(done):
            continue
        own_coupon = (
            coupon_obj if coupon is not None and coupon.normalised in rule.coupons else None
        )
        (product_discounts if rule.to_product else order_discounts).append(
            _discount_echo(rule.raw, own_coupon)
        )

    bonus_applied = money(bonus.applied)
    total_due = money(bonus.total_due)
    bonus_obj = None
    if bonus.shown:
        bonus_obj = {
            "availableBalance": money(bonus.available_balance),
            "maxBonusDiscount": money(bonus.max_bonus_discount),
            "minBonusAmount": settings.echo["minBonusAmount"],
            "minOrderAmountForBonus": settings.echo["minOrderAmountForBonus"],
            "bonusApplied": bonus_applied,
        }

    zero = money(0)
    preview_rows = [
        {
            "productId": line.item.id,
            "title": line.item.title,
            "sku": line.item.sku,
            "price": money(line.unit_price),
            "quantity": line.quantity,
            "isGift": False,
        }
        for line in gifts.lines
        if line.quantity
    ] + [
        {
            "productId": g.item.id,
            "title": g.item.title,
            "sku": g.item.sku,
            "price": zero,
            "quantity": g.quantity,
            "isGift": True,
        }
        for g in gifts.gift_lines
    ]

    document: dict[str, Any] = {
        "totalSum": money(total_raw),
        "totalSumWithDiscount": money(total_with_discount),
        "bonusApplied": bonus_applied,
        "totalDue": total_due,
        "currency": o.cur.code,
        "discountConfig": {
            "orderDiscounts": order_discounts,
            "productDiscounts": product_discounts,
            "coupon": coupon_obj,
            "settings": dict(settings.echo),
            "additionalDiscountsMarkers": list(o.markers),
            "totalRaw": money(total_raw),
            "totalSumWithDiscount": money(total_with_discount),
            "excludedGiftProductIds": list(gifts.excluded_product_ids),
            "bonus": bonus_obj,
            "bonusApplied": bonus_applied,
            "totalDue": total_due,
        },
        "orderPreview": preview_rows,
        "lines": _line_documents(o, line_rows),
        "explanation": [
            {
                "id": e.id,
                "identifier": e.identifier,
                "status": e.status,
                "reason": e.reason,
                "amount": money(e.amount),
                "capped": e.capped,
            }
            for e in explanation
        ],
        "bonusAccrual": money(o.accrued),
        "warnings": [dict(w) for w in o.eligibility.warnings],
    }
    if o.extensions:
        document.update(o.extensions)
    return document
