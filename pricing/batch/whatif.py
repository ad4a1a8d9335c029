"""What-if studies: every cart under a baseline and a candidate rule set, and the sums.

Each row holds both pricings of one cart and their deltas; the aggregate sums the
carts both rule sets priced. docs/whatif.md walks through a study.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .._engine import Engine
from .._errors import ScenarioError
from .._money import currency as lookup_currency
from .io import Cart, RuleSet
from .pool import Priced, as_engines, price_all

__all__ = ["COLUMNS", "Aggregate", "WhatIf", "WhatIfRow", "whatif"]


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


def _aggregate(currency: str, rows: Sequence[WhatIfRow], zero: Decimal) -> Aggregate:
    """The sums over the rows both rule sets priced (``zero``: the currency's 0)."""
    ok = [r for r in rows if r.error is None]

    def total(values: Iterable[Decimal | None]) -> Decimal:
        """The sum of the values that are not ``None``."""
        return sum((v for v in values if v is not None), zero)

    return Aggregate(
        currency=currency,
        carts=len(rows),
        priced=len(ok),
        errors=len(rows) - len(ok),
        carts_affected=sum(1 for r in ok if r.affected),
        carts_paying_more=sum(1 for r in ok if (r.total_due_delta or 0) > 0),
        carts_paying_less=sum(1 for r in ok if (r.total_due_delta or 0) < 0),
        revenue_baseline=total(r.baseline.total_due for r in ok),
        revenue_candidate=total(r.candidate.total_due for r in ok),
        discount_baseline=total(r.baseline.total_discount for r in ok),
        discount_candidate=total(r.candidate.total_discount for r in ok),
        shipping_discount_baseline=total(r.baseline.shipping_discount for r in ok),
        shipping_discount_candidate=total(r.candidate.shipping_discount for r in ok),
        bonus_baseline=total(r.baseline.bonus_applied for r in ok),
        bonus_candidate=total(r.candidate.bonus_applied for r in ok),
    )


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

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (money columns hold exact ``Decimal``).

        Needs pandas: ``pip install "exact-discounts[notebook]"``.
        """
        try:
            pd = importlib.import_module("pandas")
        except ImportError:
            raise ImportError(
                'to_dataframe() needs pandas: pip install "exact-discounts[notebook]"'
            ) from None
        return pd.DataFrame.from_records(self.records(), columns=list(COLUMNS))


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
    must use the same currency. Each cart is validated once and priced at the same
    instant under both.
    """
    (base, cand), (base_engine, cand_engine) = as_engines(
        {"baseline": baseline, "candidate": candidate}
    )
    currency = base_engine.currency
    if cand_engine.currency != currency:
        raise ScenarioError(
            "candidate: currency",
            f"the rule sets use different currencies ({currency} and "
            f"{cand_engine.currency}); a what-if compares one currency",
        )
    priced = price_all(
        [base, cand], carts, at=at, processes=processes, progress=progress, label="what-if"
    )
    rows = tuple(WhatIfRow(b, c) for b, c in priced)
    zero = lookup_currency(currency).to_decimal(0)
    return WhatIf(rows, _aggregate(currency, rows, zero))
