"""The result of a preview: `PreviewResult` and the value objects it is read through."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import FrozenInstanceError, dataclass
from decimal import Decimal
from typing import Any, Generic, NoReturn, TypeVar, overload

from .._json import dumps
from .._ruleset import CompiledRuleSet
from .._stages.explain import (
    ExplanationRow,
    LineRow,
    capped_out,
    explanation_rows,
    line_rows,
)
from .._stages.records import Outcome
from .document import Templates, document
from .text import Texts, write_compact

__all__ = ["LineDiscount", "LineResult", "PreviewResult", "RuleExplanation"]


@dataclass(frozen=True, slots=True)
class LineDiscount:
    """One discount's share of one line (an entry of `LineResult.discounts`).

    Attributes:
        identifier: the discount's `identifier`.
        amount: what it took off this line, in all units of it; may be 0.
    """

    identifier: str | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineResult:
    """A line of the result, paid or gift, with what each discount took off it.

    Attributes:
        product_id: the product.
        quantity: units on this line.
        is_gift: a gift line (added by a discount's `gifts`), priced at 0.
        unit_price: the catalog price, or the verified signed price.
        total: `unit_price` × `quantity`.
        product_discount: the line's share of the applied `TO_PRODUCT` discounts.
        order_discount: the line's share of the applied `TO_ORDER` discounts.
        total_with_discount: what is left: `total` − both shares.
        discounts: every applied discount that targeted the line, in the order
            they applied (`TO_PRODUCT` first, then `TO_ORDER`, each by priority).
        price_locked: the unit price is a verified signed price.
    """

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
    """Why one discount applied or did not, and how much it took.

    Attributes:
        id: the discount's `id`.
        identifier: the discount's `identifier`.
        status: `applied` or `not_applied`.
        reason: `None` for an applied discount; otherwise a reason code
            (`expired`, `coupon_required`, `stacking_disabled`, `capped_out`,
            ...; docs/eligibility.md and docs/stacking-and-cap.md list them).
        amount: what the discount took off in all.
        capped: the `maxDiscountValue` cap reduced it.
    """

    id: int | str
    identifier: str | None
    status: str
    reason: str | None
    amount: Decimal
    capped: bool
    tier: int | None = None
    """The tier used (0-based), on an applied tiered discount."""
    sets: int | None = None
    """The sets made, on an applied buy-get discount."""


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


class Made:
    """What the results of one rule set share, made once: the engine keeps it."""

    __slots__ = ("_rs", "_texts", "templates")

    def __init__(self, rs: CompiledRuleSet, templates: Templates) -> None:
        self._rs = rs
        self._texts: Texts | None = None
        self.templates = templates
        """For the document."""

    @property
    def texts(self) -> Texts:
        """For the compact JSON text: made when first asked for (the one-call path, which
        writes the indented document, never is; making them was a tenth of its time)."""
        texts = self._texts
        if texts is None:
            texts = self._texts = Texts(self._rs)  # (two threads may both: the same texts)
        return texts


class PreviewResult:
    """The outcome of one preview, as [`Engine.preview`][pricing.Engine.preview] and
    [`pricing.preview`][pricing.preview] return it (not made directly).

    The typed attributes are for Python callers; [`to_json`][pricing.PreviewResult.to_json]
    writes the previewOrder document, and [`document`][pricing.PreviewResult.document]
    is that document with `Decimal` money. Money is a `Decimal` with the currency's
    exponent (`Decimal('285.00')`).

    A result is an immutable view over what the pipeline decided (integers of minor
    units): each attribute is built the first time it is read, then kept. Pricing
    many carts for their totals (a what-if) so does not pay for documents nobody
    reads, and the values are the same either way. `document` is the caller's to
    edit: `to_json`, `to_dict`, equality (two results are equal when their JSON is)
    and pickles are written from what was decided, never from that document. A
    pickled result carries its built values, not the rule set.
    """

    __slots__ = ("__dict__", "_made", "_outcome")
    _outcome: Outcome | None
    _made: Made | None

    def __init__(self, outcome: Outcome | None, made: Made | None) -> None:
        object.__setattr__(self, "_outcome", outcome)
        object.__setattr__(self, "_made", made)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @property
    def _o(self) -> Outcome:
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
        """What was said about the input (unknown fields, markers and usage entries)."""
        # copies: a rule set's own warnings are said again in every preview
        return tuple([dict(w) for w in self._o.eligibility.warnings])

    @_built
    def applied_ids(self) -> tuple[int | str, ...]:
        """Ids of the discounts that applied, in the order they applied (product-level
        first, shipping last): the `applied` entries of `explanation`, without
        building it."""
        return tuple(a.rule.id for a in self._o.every_applied if not capped_out(a))

    @_built
    def shipping_discount(self) -> Decimal:
        """What the `TO_SHIPPING` discounts took off the shipping lines, in all."""
        shipping = self._o.shipping
        taken = 0 if shipping is None else sum([a.amount for a in shipping.applied])
        return self._o.money(taken)

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
                RuleExplanation(
                    e.rule.id,
                    e.rule.identifier,
                    e.status,
                    e.reason,
                    money(e.amount),
                    e.capped,
                    e.tier,
                    e.sets,
                )
                for e in self._explanation_rows
            ]
        )

    @_built
    def document(self) -> Mapping[str, Any]:
        """The previewOrder document, money as ``Decimal``."""
        assert self._made is not None  # only unpickled results lack it, fully built
        return document(self._o, self._made.templates)

    # The lines and the explanation in minor units, which the value objects above are
    # written from.
    @_built
    def _line_rows(self) -> list[LineRow]:
        return line_rows(self._o)

    @_built
    def _explanation_rows(self) -> list[ExplanationRow]:
        return explanation_rows(self._o)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PreviewResult):
            return NotImplemented
        return self.to_json(indent=None) == other.to_json(indent=None)

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
        views = _views()
        values = (self.to_dict() if name == "document" else getattr(self, name) for name in views)
        return (_restored, (views, tuple(values)))

    # `document` is the caller's to edit: what is written from here (to_dict, to_json,
    # ==, pickles) comes from the outcome, never from that document.

    def to_dict(self) -> dict[str, Any]:
        """A fresh copy of the previewOrder document (money as ``Decimal``)."""
        made = self._made
        if made is None:  # unpickled: the document it came with is all it has
            return copy.deepcopy(self.__dict__["_pickled_document"])
        return document(self._o, made.templates)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The JSON document: exact numbers, fixed key order, byte-identical for the same input."""
        made = self._made
        if made is None:
            return dumps(self.__dict__["_pickled_document"], indent=indent)
        if indent is None:  # written without a document
            return write_compact(self._o, made.texts)
        return dumps(document(self._o, made.templates), indent=indent)


def _views() -> tuple[str, ...]:
    """The public built attributes, in class order: what a pickled result carries."""
    return tuple(
        name
        for name, value in vars(PreviewResult).items()
        if isinstance(value, _built) and not name.startswith("_")
    )


def _restored(names: Sequence[str], values: Sequence[Any]) -> PreviewResult:
    """An unpickled result: every view already built."""
    result = PreviewResult(None, None)
    result.__dict__.update(zip(names, values, strict=True))
    # the document as pickled, apart from the one the caller may edit
    result.__dict__["_pickled_document"] = copy.deepcopy(result.__dict__["document"])
    return result


def _line_results(o: Outcome, rows: Sequence[LineRow]) -> tuple[LineResult, ...]:
    money = o.money
    return tuple(
        [
            LineResult(
                product_id=r.item.id,
                quantity=r.quantity,
                is_gift=r.is_gift,
                unit_price=money(r.unit_price),
                total=money(r.total),
                product_discount=money(r.product_discount),
                order_discount=money(r.order_discount),
                total_with_discount=money(r.total - r.product_discount - r.order_discount),
                discounts=tuple([LineDiscount(d.identifier, money(a)) for d, a in r.discounts]),
                price_locked=r.price_locked,
            )
            for r in rows
        ]
    )
