"""Price many carts against one rule set, and compare two rule sets (a what-if study).

A *rule set* is a scenario without ``order``, ``customer`` and ``at``: ``currency``,
``catalog``, ``categories``, ``discounts``, ``settings`` (and optionally
``storageMarker``, ``taxRates``, ``locale``). A *cart* is ``{"order", "customer",
"at", "id"}`` with only ``order`` required. docs/whatif.md describes both file
formats (a rule set JSON file, carts as JSON Lines) and walks through a study.

::

    from pricing import batch

    baseline = batch.RuleSet.load("rules-now.json")
    candidate = batch.RuleSet.load("rules-next.json")
    carts = batch.read_carts("carts.jsonl")

    study = batch.whatif(carts, baseline=baseline, candidate=candidate)
    study.aggregate.discount_delta      # Decimal: how much more (or less) discount
    study.rows[0].total_due_delta       # per cart
    study.to_dataframe()                # pandas, with the [notebook] extra

Every figure is the one :meth:`pricing.Engine.preview` gives for that cart alone,
exactly (``Decimal``, never ``float``). A cart the engine refuses (an unknown
product, a bad coupon code) becomes a row with ``error`` set instead of stopping
the batch; bad *structure* (a line that is not a cart) is a
:class:`~pricing.ScenarioError` before anything is priced.

Large batches are shared among worker processes (one per core), each compiling
the rule sets once; results come back in cart order, identical to pricing in one
process. A progress bar is shown on a terminal (tqdm when installed, else a plain
counter).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pydantic import AwareDatetime

from ._engine import Engine
from ._errors import PricingConfigError, PricingError, ScenarioError
from ._json import loads
from ._money import currency as lookup_currency
from ._schema import (
    Customer,
    Order,
    _Strict,
    validate,
)
from ._schema import RuleSet as RuleSetModel

__all__ = [
    "Aggregate",
    "Cart",
    "Priced",
    "RuleSet",
    "WhatIf",
    "WhatIfRow",
    "parse_cart",
    "price_many",
    "read_carts",
    "whatif",
]

POOL_THRESHOLD = 2000
"""Batches at least this large use worker processes when ``processes`` is not given."""


# ---------------------------------------------------------------------------
# inputs


_NOT_IN_A_RULE_SET = {
    "order": "carts come from the carts file",
    "customer": "customers come with the carts",
    "at": "the instant comes with the carts (or --at)",
}


def _prefixed(exc: ScenarioError, prefix: str) -> ScenarioError:
    """``exc`` with ``prefix`` (a file name, a line) before each path."""
    problems = tuple(
        (f"{prefix}: {path}" if path else prefix, message) for path, message in exc.problems
    )
    return ScenarioError(problems[0][0], problems[0][1], problems)


class RuleSet:
    """A rule set: its (validated) data, compiled into an :class:`~pricing.Engine` once.

    Unlike an engine, a rule set can be sent to worker processes (it travels as
    data and is compiled again there).
    """

    def __init__(self, data: Mapping[str, Any], *, name: str = "rule set") -> None:
        if not isinstance(data, Mapping):
            raise ScenarioError(name, "a rule set is a JSON object")
        for key, why in _NOT_IN_A_RULE_SET.items():
            if key in data:
                raise ScenarioError(f"{name}: {key}", f"a rule set has no {key!r} ({why})")
        try:
            self._model = validate(RuleSetModel, data)
            self._engine = self._compile()
        except ScenarioError as exc:
            raise _prefixed(exc, name) from None
        self.name = name

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RuleSet:
        """Read a rule set JSON file (bad input names the file)."""
        name = os.fspath(path)
        try:
            text = Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError(name, "no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(name, f"cannot read: {exc}") from None
        try:
            data = loads(text)
        except ScenarioError as exc:
            raise _prefixed(exc, name) from None
        return cls(data, name=name)

    def _compile(self) -> Engine:
        return Engine.from_rule_set(self._model)

    @property
    def engine(self) -> Engine:
        """The compiled rule set."""
        return self._engine

    @property
    def currency(self) -> str:
        """The rule set's ISO 4217 currency code."""
        return self._model.currency

    def __getstate__(self) -> dict[str, Any]:
        return {"model": self._model, "name": self.name}  # the engine is compiled again

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._model = state["model"]
        self.name = state["name"]
        self._engine = self._compile()

    def __repr__(self) -> str:
        return (
            f"RuleSet({self.name!r}, currency={self.currency!r}, "
            f"discounts={len(self._model.discounts)}, catalog={len(self._model.catalog)})"
        )


@dataclass(frozen=True)
class Cart:
    """One cart to price: its order, customer (``None``: a guest) and instant."""

    id: int | str
    order: Order
    customer: Customer | None = None
    at: datetime | None = None
    """``None``: the batch's ``at`` is used."""
    source: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """The JSON form it was read from: what is sent to worker processes (validated
    models are much slower to pickle than the plain data they came from)."""


class _CartModel(_Strict):
    id: int | str | None = None
    order: Order
    customer: Customer | None = None
    at: AwareDatetime | None = None


def parse_cart(data: Any, *, default_id: int | str = 0, where: str = "cart") -> Cart:
    """A cart from its JSON form ``{"order", "customer"?, "at"?, "id"?}``.

    ``where`` prefixes the paths of bad input (e.g. ``carts.jsonl:3``).
    """
    if isinstance(data, Cart):
        return data
    try:
        m = validate(_CartModel, data)
    except ScenarioError as exc:
        raise _prefixed(exc, where) from None
    source = data if isinstance(data, Mapping) else None
    return Cart(default_id if m.id is None else m.id, m.order, m.customer, m.at, source)


def read_carts(source: str | os.PathLike[str] | IO[str] | Iterable[str]) -> list[Cart]:
    """Carts from JSON Lines: a file name, an open text file or lines of text.

    One JSON object per line; blank lines are skipped. A cart without ``id`` gets
    its line number. Bad input names the line (``carts.jsonl:3: order: ...``).
    """
    name = "carts"
    if isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            with open(name, encoding="utf-8") as handle:
                return _carts_from_lines(handle, name)
        except FileNotFoundError:
            raise ScenarioError(name, "no such file") from None
        except UnicodeDecodeError:
            raise ScenarioError(name, "is not UTF-8 text") from None
    return _carts_from_lines(source, getattr(source, "name", name))


def _carts_from_lines(lines: Iterable[str], name: str) -> list[Cart]:
    carts = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        try:
            data = loads(line)
        except ScenarioError as exc:
            raise _prefixed(exc, where) from None
        carts.append(parse_cart(data, default_id=lineno, where=where))
    return carts


# ---------------------------------------------------------------------------
# pricing one cart


@dataclass(frozen=True)
class Priced:
    """One cart priced under one rule set (money as in the preview, exact)."""

    id: int | str
    total_raw: Decimal | None
    total_sum_with_discount: Decimal | None
    bonus_applied: Decimal | None
    total_due: Decimal | None
    applied: tuple[int | str, ...] = ()
    """Ids of the discounts that applied, in the order they applied."""
    error: str | None = None
    """Why the engine refused the cart (then every amount is ``None``)."""

    @property
    def total_discount(self) -> Decimal | None:
        """``totalRaw`` − ``totalSumWithDiscount``: the discount spend on this cart."""
        if self.total_raw is None or self.total_sum_with_discount is None:
            return None
        return self.total_raw - self.total_sum_with_discount


def _price_one(engine: Engine, cart: Cart, at: datetime | None) -> Priced:
    when = cart.at or at
    if when is None:
        raise ScenarioError(
            f"cart {cart.id}: at", "field required (give it in the cart or for the batch)"
        )
    try:
        r = engine.preview(cart.order, customer=cart.customer, at=when)
        return Priced(
            cart.id,
            r.total_raw,
            r.total_sum_with_discount,
            r.bonus_applied,
            r.total_due,
            r.applied_ids,
        )
    except PricingError as exc:
        reason = getattr(exc, "reason", None)
        label = type(exc).__name__ + (f" ({reason})" if reason else "")
        return Priced(cart.id, None, None, None, None, (), f"{label}: {exc}")


# ---------------------------------------------------------------------------
# many carts, perhaps in worker processes

_worker_engines: tuple[Engine, ...] = ()


def _start_worker(rulesets: tuple[RuleSet, ...]) -> None:
    global _worker_engines
    _worker_engines = tuple(r.engine for r in rulesets)


def _sendable(cart: Cart) -> tuple[int | str, Mapping[str, Any] | Cart]:
    return (cart.id, cart if cart.source is None else cart.source)


def _price_chunk(
    chunk: Sequence[tuple[int | str, Mapping[str, Any] | Cart]], at: datetime | None
) -> list[tuple[Priced, ...]]:
    """In a worker: each cart (validated again from its JSON form) under each rule set."""
    carts = [parse_cart(data, default_id=cart_id) for cart_id, data in chunk]
    return [tuple(_price_one(e, cart, at) for e in _worker_engines) for cart in carts]


def _as_ruleset(value: RuleSet | Engine | Mapping[str, Any], name: str) -> RuleSet | Engine:
    if isinstance(value, RuleSet | Engine):
        return value
    return RuleSet(value, name=name)


def _engine_of(value: RuleSet | Engine) -> Engine:
    return value.engine if isinstance(value, RuleSet) else value


def _workers(processes: int | None, count: int, sendable: bool) -> int:
    if processes is not None:
        if processes < 1:
            raise PricingConfigError(f"processes must be at least 1, got {processes}")
        if processes > 1 and not sendable:
            raise PricingConfigError(
                "a compiled Engine cannot be sent to worker processes; "
                "pass the rule set itself (a mapping or a batch.RuleSet)"
            )
        return processes
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not sendable or count < POOL_THRESHOLD or not cores or cores < 2:
        return 1
    return cores


class _Progress:
    """tqdm when it is installed; else a plain counter on a terminal; else nothing."""

    def __init__(self, total: int, show: bool | None, label: str) -> None:
        stream = sys.stderr
        if show is None:
            show = total > 0 and stream.isatty()
        self._bar: Any = None
        self._plain = False
        self._done = 0
        self._total = total
        self._label = label
        if not show:
            return
        try:
            tqdm = importlib.import_module("tqdm").tqdm  # optional: the [notebook] extra
        except ImportError:
            self._plain = True
        else:
            self._bar = tqdm(total=total, desc=label, unit="cart", file=stream)

    def update(self, n: int) -> None:
        self._done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._plain:
            sys.stderr.write(f"\r{self._label}: {self._done}/{self._total} carts")
            sys.stderr.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._plain:
            sys.stderr.write("\n")


def _chunks(items: Sequence[Cart], size: int) -> Iterator[Sequence[Cart]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _price_all(
    rulesets: Sequence[RuleSet | Engine],
    carts: Iterable[Cart | Mapping[str, Any]],
    *,
    at: datetime | None,
    processes: int | None,
    progress: bool | None,
    label: str,
) -> list[tuple[Priced, ...]]:
    """Each cart priced under each rule set, in cart order."""
    cart_list = [
        parse_cart(c, default_id=i, where=f"carts[{i}]") for i, c in enumerate(carts, start=1)
    ]
    if at is not None and (at.tzinfo is None or at.utcoffset() is None):
        raise ScenarioError("at", "must be a timezone-aware datetime")
    sendable = all(isinstance(r, RuleSet) for r in rulesets)
    workers = _workers(processes, len(cart_list), sendable)
    bar = _Progress(len(cart_list), progress, label)
    results: list[tuple[Priced, ...]] = []
    try:
        if workers == 1:
            engines = [_engine_of(r) for r in rulesets]
            for chunk in _chunks(cart_list, 256):
                for cart in chunk:
                    results.append(tuple(_price_one(e, cart, at) for e in engines))
                bar.update(len(chunk))
        else:
            # Small enough chunks to balance the workers and move the bar, large
            # enough that sending them costs little next to pricing them.
            size = max(1, min(500, len(cart_list) // (workers * 8) or 1))
            sent = tuple(r for r in rulesets if isinstance(r, RuleSet))  # all of them
            with ProcessPoolExecutor(
                max_workers=workers, initializer=_start_worker, initargs=(sent,)
            ) as pool:
                parts = [[_sendable(c) for c in part] for part in _chunks(cart_list, size)]
                for priced in pool.map(_price_chunk, parts, [at] * len(parts)):
                    results.extend(priced)
                    bar.update(len(priced))
    finally:
        bar.close()
    return results


def price_many(
    carts: Iterable[Cart | Mapping[str, Any]],
    ruleset: RuleSet | Engine | Mapping[str, Any],
    *,
    at: datetime | None = None,
    processes: int | None = None,
    progress: bool | None = None,
) -> list[Priced]:
    """Price every cart under one rule set; one :class:`Priced` per cart, in order.

    Args:
        carts: :class:`Cart` objects or their JSON form (mappings).
        ruleset: a :class:`RuleSet`, its JSON form, or a compiled
            :class:`~pricing.Engine` (an engine is priced in this process only).
        at: the instant for carts that do not carry their own.
        processes: worker processes; ``None`` picks one per core for batches of
            at least :data:`POOL_THRESHOLD` carts, ``1`` prices in this process.
        progress: show a progress bar; ``None`` shows one on a terminal.
    """
    rs = _as_ruleset(ruleset, "ruleset")
    rows = _price_all([rs], carts, at=at, processes=processes, progress=progress, label="pricing")
    return [row[0] for row in rows]


# ---------------------------------------------------------------------------
# what-if


@dataclass(frozen=True)
class WhatIfRow:
    """One cart under both rule sets."""

    baseline: Priced
    candidate: Priced

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
        return (b.total_due, b.total_sum_with_discount, b.bonus_applied, b.applied) != (
            c.total_due,
            c.total_sum_with_discount,
            c.bonus_applied,
            c.applied,
        )

    def as_dict(self) -> dict[str, Any]:
        """A flat record (column name → value), as written to CSV and JSON Lines."""
        b, c = self.baseline, self.candidate
        return {
            "id": self.id,
            "baseline_total_raw": b.total_raw,
            "baseline_discount": b.total_discount,
            "baseline_bonus_applied": b.bonus_applied,
            "baseline_total_due": b.total_due,
            "candidate_total_raw": c.total_raw,
            "candidate_discount": c.total_discount,
            "candidate_bonus_applied": c.bonus_applied,
            "candidate_total_due": c.total_due,
            "discount_delta": self.discount_delta,
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
    "baseline_bonus_applied",
    "baseline_total_due",
    "candidate_total_raw",
    "candidate_discount",
    "candidate_bonus_applied",
    "candidate_total_due",
    "discount_delta",
    "total_due_delta",
    "affected",
    "baseline_applied",
    "candidate_applied",
    "error",
)
"""The columns of :meth:`WhatIfRow.as_dict`, in order."""


@dataclass(frozen=True)
class Aggregate:
    """The study in figures: sums over the carts both rule sets priced.

    Revenue is Σ ``totalDue`` (what shoppers pay); discount spend is
    Σ (``totalRaw`` − ``totalSumWithDiscount``); bonus is Σ ``bonusApplied``.
    """

    currency: str
    carts: int
    priced: int
    """Carts priced under both rule sets (the sums are over these)."""
    errors: int
    carts_affected: int
    carts_paying_more: int
    carts_paying_less: int
    revenue_baseline: Decimal
    revenue_candidate: Decimal
    discount_baseline: Decimal
    discount_candidate: Decimal
    bonus_baseline: Decimal
    bonus_candidate: Decimal

    @property
    def revenue_delta(self) -> Decimal:
        """Candidate revenue − baseline revenue."""
        return self.revenue_candidate - self.revenue_baseline

    @property
    def discount_delta(self) -> Decimal:
        """Candidate discount spend − baseline discount spend."""
        return self.discount_candidate - self.discount_baseline

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
            "bonus_baseline": self.bonus_baseline,
            "bonus_candidate": self.bonus_candidate,
        }


def _aggregate(currency: str, rows: Sequence[WhatIfRow], zero: Decimal) -> Aggregate:
    ok = [r for r in rows if r.error is None]

    def total(values: Iterable[Decimal | None]) -> Decimal:
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
        bonus_baseline=total(r.baseline.bonus_applied for r in ok),
        bonus_candidate=total(r.candidate.bonus_applied for r in ok),
    )


@dataclass(frozen=True)
class WhatIf:
    """A what-if study: every cart under both rule sets, and the aggregate."""

    rows: tuple[WhatIfRow, ...]
    aggregate: Aggregate

    def records(self) -> list[dict[str, Any]]:
        """The rows as flat records (see :meth:`WhatIfRow.as_dict`)."""
        return [r.as_dict() for r in self.rows]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (money columns hold exact ``Decimal``).

        Needs pandas: ``pip install "pricing[notebook]"``.
        """
        try:
            pd = importlib.import_module("pandas")
        except ImportError:
            raise ImportError(
                'to_dataframe() needs pandas: pip install "pricing[notebook]"'
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

    The arguments are as for :func:`price_many`; both rule sets must use the same
    currency. Each cart is validated once and priced at the same instant under both.
    """
    base = _as_ruleset(baseline, "baseline")
    cand = _as_ruleset(candidate, "candidate")
    currency = _engine_of(base).currency
    if _engine_of(cand).currency != currency:
        raise ScenarioError(
            "candidate: currency",
            f"the rule sets use different currencies ({currency} and "
            f"{_engine_of(cand).currency}); a what-if compares one currency",
        )
    priced = _price_all(
        [base, cand], carts, at=at, processes=processes, progress=progress, label="what-if"
    )
    rows = tuple(WhatIfRow(b, c) for b, c in priced)
    zero = lookup_currency(currency).to_decimal(0)
    return WhatIf(rows, _aggregate(currency, rows, zero))
