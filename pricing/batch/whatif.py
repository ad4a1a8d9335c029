"""What-if studies: every cart under a baseline and a candidate rule set, and the sums.

Each row holds both pricings of one cart and their deltas; the aggregate sums the
carts both rule sets priced, and aggregates of parts of the carts add up exactly
to the aggregate of all of them. docs/whatif.md walks through a study.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal, localcontext
from typing import Any

from .._engine import Engine
from .._errors import PricingConfigError, ScenarioError
from .._money import _EXACT, unknown_currency
from .._money import currency as lookup_currency
from .frame import Money, dataframe
from .io import Cart, RuleSet
from .pool import Priced, as_engines, check_options, parse_all, price_stream

__all__ = [
    "COLUMNS",
    "MONEY_COLUMNS",
    "Aggregate",
    "WhatIf",
    "WhatIfRow",
    "fold_whatif",
    "iter_whatif",
    "whatif",
]


@dataclass(frozen=True)
class WhatIfRow:
    """One cart under both rule sets."""

    baseline: Priced
    """The cart under the baseline rule set."""
    candidate: Priced
    """The cart under the candidate rule set."""

    @property
    def id(self) -> int | str:
        """The cart's id."""
        return self.baseline.id

    @property
    def error(self) -> str | None:
        """Why either rule set refused the cart, if one did."""
        if self.baseline.error and self.candidate.error:
            return f"baseline: {self.baseline.error}; candidate: {self.candidate.error}"
        if self.baseline.error:
            return f"baseline: {self.baseline.error}"
        if self.candidate.error:
            return f"candidate: {self.candidate.error}"
        return None

    @property
    def discount_delta(self) -> Decimal | None:
        """Candidate discount spend − baseline discount spend."""
        b, c = self.baseline.total_discount, self.candidate.total_discount
        return None if b is None or c is None else c - b

    @property
    def shipping_discount_delta(self) -> Decimal | None:
        """Candidate shipping discount spend − baseline shipping discount spend."""
        b, c = self.baseline.shipping_discount, self.candidate.shipping_discount
        return None if b is None or c is None else c - b

    @property
    def total_due_delta(self) -> Decimal | None:
        """Candidate ``totalDue`` − baseline ``totalDue`` (the revenue change)."""
        b, c = self.baseline.total_due, self.candidate.total_due
        return None if b is None or c is None else c - b

    @property
    def affected(self) -> bool:
        """Whether the candidate changes what this cart pays or gets off."""
        b, c = self.baseline, self.candidate
        if self.error is not None:
            return False
        return (
            b.total_due,
            b.total_sum_with_discount,
            b.bonus_applied,
            b.shipping_discount,
            b.applied,
        ) != (
            c.total_due,
            c.total_sum_with_discount,
            c.bonus_applied,
            c.shipping_discount,
            c.applied,
        )

    def as_dict(self) -> dict[str, Any]:
        """A flat record (column name → value), as written to CSV and JSON Lines."""
        b, c = self.baseline, self.candidate
        return {
            "id": self.id,
            "baseline_total_raw": b.total_raw,
            "baseline_discount": b.total_discount,
            "baseline_shipping_discount": b.shipping_discount,
            "baseline_bonus_applied": b.bonus_applied,
            "baseline_total_due": b.total_due,
            "candidate_total_raw": c.total_raw,
            "candidate_discount": c.total_discount,
            "candidate_shipping_discount": c.shipping_discount,
            "candidate_bonus_applied": c.bonus_applied,
            "candidate_total_due": c.total_due,
            "discount_delta": self.discount_delta,
            "shipping_discount_delta": self.shipping_discount_delta,
            "total_due_delta": self.total_due_delta,
            "affected": self.affected,
            "baseline_applied": " ".join(map(str, b.applied)),
            "candidate_applied": " ".join(map(str, c.applied)),
            "error": self.error,
        }


COLUMNS = (
    "id",
    "baseline_total_raw",
    "baseline_discount",
    "baseline_shipping_discount",
    "baseline_bonus_applied",
    "baseline_total_due",
    "candidate_total_raw",
    "candidate_discount",
    "candidate_shipping_discount",
    "candidate_bonus_applied",
    "candidate_total_due",
    "discount_delta",
    "shipping_discount_delta",
    "total_due_delta",
    "affected",
    "baseline_applied",
    "candidate_applied",
    "error",
)
"""The columns of [`WhatIfRow.as_dict`][pricing.batch.WhatIfRow.as_dict], in order."""

_NOT_MONEY = ("id", "affected", "baseline_applied", "candidate_applied", "error")
MONEY_COLUMNS = tuple(c for c in COLUMNS if c not in _NOT_MONEY)
"""The columns that hold an amount of money (``Decimal``, ``None`` for a refused cart)."""


@dataclass(frozen=True)
class Aggregate:
    """The study in figures: sums over the carts both rule sets priced.

    Revenue is Σ ``totalDue`` (what shoppers pay); discount spend is
    Σ (``totalRaw`` − ``totalSumWithDiscount``), on goods; shipping discount spend is
    Σ what ``TO_SHIPPING`` discounts took off shipping; bonus is Σ ``bonusApplied``.
    """

    currency: str
    """The ISO 4217 code of every amount."""
    carts: int
    """Carts in the study."""
    priced: int
    """Carts priced under both rule sets (the sums are over these)."""
    errors: int
    """Carts either rule set refused (left out of the sums)."""
    carts_affected: int
    """Carts whose price, discounts or bonus the candidate changes."""
    carts_paying_more: int
    """Carts whose `totalDue` the candidate raises."""
    carts_paying_less: int
    """Carts whose `totalDue` the candidate lowers."""
    revenue_baseline: Decimal
    """Σ `totalDue` under the baseline."""
    revenue_candidate: Decimal
    """Σ `totalDue` under the candidate."""
    discount_baseline: Decimal
    """Σ discount spend under the baseline."""
    discount_candidate: Decimal
    """Σ discount spend under the candidate."""
    shipping_discount_baseline: Decimal
    shipping_discount_candidate: Decimal
    bonus_baseline: Decimal
    """Σ `bonusApplied` under the baseline."""
    bonus_candidate: Decimal
    """Σ `bonusApplied` under the candidate."""

    @classmethod
    def empty(cls, currency: str) -> Aggregate:
        """The aggregate of no carts: the identity of :meth:`combine`."""
        try:
            zero = lookup_currency(currency).to_decimal(0)
        except (KeyError, TypeError):  # (as the engine names it)
            raise ScenarioError(
                "currency",
                unknown_currency(currency),
            ) from None
        figures: dict[str, Any] = {
            f.name: zero if f.type in ("Decimal", Decimal) else 0 for f in _figures(cls)
        }
        return cls(currency=currency, **figures)

    @classmethod
    def of_rows(cls, currency: str, rows: Iterable[WhatIfRow]) -> Aggregate:
        """The aggregate of ``rows``, read once (rows are not kept)."""
        totals: dict[str, Any] = cls.empty(currency).figures()
        with localcontext(_EXACT):  # sums of any number of amounts, never rounded
            for row in rows:
                for name, value in _row_figures(row).items():
                    totals[name] += value
        return cls(currency=currency, **totals)

    def figures(self) -> dict[str, Any]:
        """The summed figures by name (all but ``currency``; no deltas)."""
        return {f.name: getattr(self, f.name) for f in _figures(type(self))}

    def combine(self, other: Aggregate) -> Aggregate:
        """The aggregate of the carts of both: associative, exact, ``empty`` its identity.

        Raises:
            PricingConfigError: the two are in different currencies.
        """
        if other.currency != self.currency:
            raise PricingConfigError(
                f"cannot combine aggregates in {self.currency} and {other.currency}"
            )
        theirs = other.figures()
        with localcontext(_EXACT):
            return replace(self, **{k: v + theirs[k] for k, v in self.figures().items()})

    def __add__(self, other: object) -> Aggregate:
        """``a + b`` is ``a.combine(b)``."""
        if not isinstance(other, Aggregate):
            return NotImplemented
        return self.combine(other)

    def __radd__(self, other: object) -> Aggregate:
        """``0 + aggregate`` is the aggregate, so that ``sum(partials)`` works."""
        if other == 0:
            return self
        return NotImplemented

    @property
    def revenue_delta(self) -> Decimal:
        """Candidate revenue − baseline revenue."""
        return self.revenue_candidate - self.revenue_baseline

    @property
    def discount_delta(self) -> Decimal:
        """Candidate discount spend − baseline discount spend."""
        return self.discount_candidate - self.discount_baseline

    @property
    def shipping_discount_delta(self) -> Decimal:
        """Candidate shipping discount spend − baseline shipping discount spend."""
        return self.shipping_discount_candidate - self.shipping_discount_baseline

    def as_dict(self) -> dict[str, Any]:
        """Every figure by name, the deltas included."""
        return {
            "currency": self.currency,
            "carts": self.carts,
            "priced": self.priced,
            "errors": self.errors,
            "carts_affected": self.carts_affected,
            "carts_paying_more": self.carts_paying_more,
            "carts_paying_less": self.carts_paying_less,
            "revenue_baseline": self.revenue_baseline,
            "revenue_candidate": self.revenue_candidate,
            "revenue_delta": self.revenue_delta,
            "discount_baseline": self.discount_baseline,
            "discount_candidate": self.discount_candidate,
            "discount_delta": self.discount_delta,
            "shipping_discount_baseline": self.shipping_discount_baseline,
            "shipping_discount_candidate": self.shipping_discount_candidate,
            "shipping_discount_delta": self.shipping_discount_delta,
            "bonus_baseline": self.bonus_baseline,
            "bonus_candidate": self.bonus_candidate,
        }


def _figures(cls: type[Aggregate]) -> list[Any]:
    """The dataclass fields of the summed figures (every field but ``currency``)."""
    return [f for f in fields(cls) if f.name != "currency"]


def _row_figures(row: WhatIfRow) -> dict[str, int | Decimal]:
    """What one cart adds to the figures of :class:`Aggregate` (a refused cart: counts only)."""
    b, c = row.baseline, row.candidate
    if row.error is not None:
        return {"carts": 1, "errors": 1}
    delta = _set(row.total_due_delta)
    return {
        "carts": 1,
        "priced": 1,
        "carts_affected": int(row.affected),
        "carts_paying_more": int(delta > 0),
        "carts_paying_less": int(delta < 0),
        "revenue_baseline": _set(b.total_due),
        "revenue_candidate": _set(c.total_due),
        "discount_baseline": _set(b.total_discount),
        "discount_candidate": _set(c.total_discount),
        "shipping_discount_baseline": _set(b.shipping_discount),
        "shipping_discount_candidate": _set(c.shipping_discount),
        "bonus_baseline": _set(b.bonus_applied),
        "bonus_candidate": _set(c.bonus_applied),
    }


def _set(amount: Decimal | None) -> Decimal:
    """An amount of a cart both rule sets priced (never ``None`` there)."""
    assert amount is not None
    return amount


@dataclass(frozen=True)
class WhatIf:
    """A what-if study: every cart under both rule sets, and the aggregate."""

    rows: tuple[WhatIfRow, ...]
    """One row per cart, in cart order."""
    aggregate: Aggregate
    """The sums."""

    def records(self) -> list[dict[str, Any]]:
        """The rows as flat records (see [`WhatIfRow.as_dict`][pricing.batch.WhatIfRow.as_dict])."""
        return [r.as_dict() for r in self.rows]

    def to_dataframe(self, money: Money = "decimal") -> Any:
        """The rows as a pandas DataFrame, the money columns as ``money`` says.

        ``"decimal"``: exact ``Decimal`` objects (dtype ``object``); ``"minor"``: exact
        integers of minor units (cents; nullable ``Int64``); ``"float"``: ``float64``
        for plotting and describe(), each with its exact ``Decimal`` beside it in a
        ``<column>_exact`` column. Needs pandas: ``pip install "exact-discounts[notebook]"``.
        """
        return dataframe(self.records(), COLUMNS, MONEY_COLUMNS, self.aggregate.currency, money)


def study_of(
    baseline: RuleSet | Engine | Mapping[str, Any],
    candidate: RuleSet | Engine | Mapping[str, Any],
) -> tuple[list[RuleSet | Engine], str]:
    """Both rule sets, ready to price, and their one currency (two is bad input)."""
    rulesets, (base_engine, cand_engine) = as_engines(
        {"baseline": baseline, "candidate": candidate}
    )
    currency = base_engine.currency
    if cand_engine.currency != currency:
        raise ScenarioError(
            "candidate: currency",
            f"the rule sets use different currencies ({currency} and "
            f"{cand_engine.currency}); a what-if compares one currency",
        )
    return rulesets, currency


def iter_whatif(
    carts: Iterable[Cart | Mapping[str, Any]],
    *,
    baseline: RuleSet | Engine | Mapping[str, Any],
    candidate: RuleSet | Engine | Mapping[str, Any],
    at: datetime | None = None,
    processes: int | None = None,
    progress: bool | None = None,
) -> Iterator[WhatIfRow]:
    """The rows of :func:`whatif` one at a time, in cart order, as ``carts`` is read.

    Memory stays flat in the number of carts (with worker processes too). A cart
    that is not a cart is bad input when it is reached.
    """
    rulesets, _ = study_of(baseline, candidate)
    return _rows(rulesets, carts, at, processes, progress)


def _rows(
    rulesets: list[RuleSet | Engine],
    carts: Iterable[Cart | Mapping[str, Any]],
    at: datetime | None,
    processes: int | None,
    progress: bool | None,
) -> Iterator[WhatIfRow]:
    """The rows of the carts as they are priced (see :func:`iter_whatif`)."""
    priced = price_stream(
        rulesets, carts, at=at, processes=processes, progress=progress, label="what-if"
    )
    return (WhatIfRow(b, c) for b, c in priced)


def fold_whatif(
    carts: Iterable[Cart | Mapping[str, Any]],
    *,
    baseline: RuleSet | Engine | Mapping[str, Any],
    candidate: RuleSet | Engine | Mapping[str, Any],
    at: datetime | None = None,
    processes: int | None = None,
    progress: bool | None = None,
) -> Aggregate:
    """The aggregate of :func:`whatif` without keeping a row: memory flat in the carts."""
    rulesets, currency = study_of(baseline, candidate)
    return Aggregate.of_rows(currency, _rows(rulesets, carts, at, processes, progress))


def whatif(
    carts: Iterable[Cart | Mapping[str, Any]],
    *,
    baseline: RuleSet | Engine | Mapping[str, Any],
    candidate: RuleSet | Engine | Mapping[str, Any],
    at: datetime | None = None,
    processes: int | None = None,
    progress: bool | None = None,
) -> WhatIf:
    """Price every cart under both rule sets: per-cart totals and deltas, and the aggregate.

    The arguments are as for [`price_many`][pricing.batch.price_many]; both rule sets
    must use the same currency. Each cart is validated (all before any is priced) and
    priced at the same instant under both.
    """
    rulesets, currency = study_of(baseline, candidate)
    check_options(at, processes)
    rows = tuple(_rows(rulesets, parse_all(carts, at), at, processes, progress))
    return WhatIf(rows, Aggregate.of_rows(currency, rows))
