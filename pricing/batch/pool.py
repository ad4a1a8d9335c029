"""Price many carts: in this process, or shared among worker processes in chunks.

Each worker compiles the rule sets once (they travel as data); results come back
in cart order, identical to pricing in one process. A progress bar is shown on a
terminal (tqdm when installed, else a plain counter).
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .._engine import Engine
from .._errors import PricingConfigError, PricingError, ScenarioError
from .io import Cart, RuleSet, parse_cart

__all__ = ["POOL_THRESHOLD", "Priced", "price_many"]

POOL_THRESHOLD = 2000
"""Batches at least this large use worker processes when ``processes`` is not given."""


# ---------------------------------------------------------------------------
# pricing one cart


@dataclass(frozen=True)
class Priced:
    """One cart priced under one rule set (money as in the preview, exact)."""

    id: int | str
    """The cart's id."""
    total_raw: Decimal | None
    """`totalRaw`; `None` when the engine refused the cart (so for the others)."""
    total_sum_with_discount: Decimal | None
    """`totalSumWithDiscount`."""
    bonus_applied: Decimal | None
    """`bonusApplied`."""
    total_due: Decimal | None
    """`totalDue`: what the shopper pays."""
    applied: tuple[int | str, ...] = ()
    """Ids of the discounts that applied, in the order they applied."""
    error: str | None = None
    """Why the engine refused the cart (then every amount is ``None``)."""
    shipping_discount: Decimal | None = None
    """What the ``TO_SHIPPING`` discounts took off the cart's shipping lines."""

    @property
    def total_discount(self) -> Decimal | None:
        """``totalRaw`` − ``totalSumWithDiscount``: the discount spend on this cart."""
        if self.total_raw is None or self.total_sum_with_discount is None:
            return None
        return self.total_raw - self.total_sum_with_discount


def _price_one(engine: Engine, cart: Cart, at: datetime | None) -> Priced:
    """One cart under one engine; a refusal becomes a row with ``error`` set."""
    when = cart.at or at
    if when is None:
        raise ScenarioError(
            f"cart {cart.id}: at", "field required (give it in the cart or for the batch)"
        )
    try:
        r = engine.preview(cart.order, customer=cart.customer, at=when, usage=cart.usage)
        return Priced(
            cart.id,
            r.total_raw,
            r.total_sum_with_discount,
            r.bonus_applied,
            r.total_due,
            r.applied_ids,
            None,
            r.shipping_discount,
        )
    except PricingError as exc:
        reason = getattr(exc, "reason", None)
        label = type(exc).__name__ + (f" ({reason})" if reason else "")
        return Priced(cart.id, None, None, None, None, (), f"{label}: {exc}")


# ---------------------------------------------------------------------------
# worker processes

_worker_engines: tuple[Engine, ...] = ()


def _start_worker(rulesets: tuple[RuleSet, ...]) -> None:
    """In a worker: compile the rule sets once; Ctrl-C is the parent's to handle."""
    global _worker_engines
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_engines = tuple(r.engine for r in rulesets)


def _sendable(cart: Cart) -> tuple[int | str, Mapping[str, Any] | Cart]:
    """What goes to a worker for ``cart``: its JSON form (cheap to pickle), else itself."""
    return (cart.id, cart if cart.source is None else cart.source)


def _price_chunk(
    chunk: Sequence[tuple[int | str, Mapping[str, Any] | Cart]], at: datetime | None
) -> list[tuple[Priced, ...]]:
    """In a worker: each cart (validated again from its JSON form) under each rule set."""
    carts = [parse_cart(data, default_id=cart_id) for cart_id, data in chunk]
    return [tuple(_price_one(e, cart, at) for e in _worker_engines) for cart in carts]


def _as_ruleset(value: RuleSet | Engine | Mapping[str, Any], name: str) -> RuleSet | Engine:
    """``value`` as a rule set, unless it already is one or a compiled engine."""
    if isinstance(value, RuleSet | Engine):
        return value
    return RuleSet(value, name=name)


def _engine_of(value: RuleSet | Engine) -> Engine:
    """The compiled engine of a rule set (or the engine itself)."""
    return value.engine if isinstance(value, RuleSet) else value


def _workers(processes: int | None, count: int, sendable: bool) -> int:
    """How many processes to price ``count`` carts with (1: this process only)."""
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


# ---------------------------------------------------------------------------
# progress


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
        """Count ``n`` more carts priced."""
        self._done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._plain:
            sys.stderr.write(f"\r{self._label}: {self._done}/{self._total} carts")
            sys.stderr.flush()

    def close(self) -> None:
        """End the bar (a plain counter ends its line)."""
        if self._bar is not None:
            self._bar.close()
        elif self._plain:
            sys.stderr.write("\n")


# ---------------------------------------------------------------------------
# many carts


def _chunks(items: Sequence[Cart], size: int) -> Iterator[Sequence[Cart]]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _price_here(
    engines: Sequence[Engine], carts: Sequence[Cart], at: datetime | None, bar: _Progress
) -> Iterator[tuple[Priced, ...]]:
    """Each cart under each engine, in this process."""
    for chunk in _chunks(carts, 256):
        for cart in chunk:
            yield tuple(_price_one(e, cart, at) for e in engines)
        bar.update(len(chunk))


def _price_in_pool(
    rulesets: tuple[RuleSet, ...],
    carts: Sequence[Cart],
    at: datetime | None,
    workers: int,
    bar: _Progress,
) -> Iterator[tuple[Priced, ...]]:
    """Each cart under each rule set, in ``workers`` processes; stops at once on Ctrl-C."""
    # Small enough chunks to balance the workers and move the bar, large enough
    # that sending them costs little next to pricing them.
    size = max(1, min(500, len(carts) // (workers * 8) or 1))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(rulesets,))
    try:
        parts = [[_sendable(c) for c in part] for part in _chunks(carts, size)]
        for priced in pool.map(_price_chunk, parts, [at] * len(parts)):
            yield from priced
            bar.update(len(priced))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # no waiting for queued chunks
        raise
    pool.shutdown()


def price_all(
    rulesets: Sequence[RuleSet | Engine],
    carts: Iterable[Cart | Mapping[str, Any]],
    *,
    at: datetime | None,
    processes: int | None,
    progress: bool | None,
    label: str,
) -> list[tuple[Priced, ...]]:
    """Each cart priced under each rule set, in cart order (see `price_many`)."""
    cart_list = [
        parse_cart(c, default_id=i, where=f"carts[{i}]") for i, c in enumerate(carts, start=1)
    ]
    if at is not None and (at.tzinfo is None or at.utcoffset() is None):
        raise ScenarioError("at", "must be a timezone-aware datetime")
    sent = tuple(r for r in rulesets if isinstance(r, RuleSet))
    workers = _workers(processes, len(cart_list), len(sent) == len(rulesets))
    bar = _Progress(len(cart_list), progress, label)
    try:
        if workers == 1:
            engines = [_engine_of(r) for r in rulesets]
            return list(_price_here(engines, cart_list, at, bar))
        return list(_price_in_pool(sent, cart_list, at, workers, bar))
    finally:
        bar.close()


def as_engines(
    named: Mapping[str, RuleSet | Engine | Mapping[str, Any]],
) -> tuple[list[RuleSet | Engine], list[Engine]]:
    """Rule sets given in any form, by name: as rule sets (or engines) and compiled."""
    rulesets = [_as_ruleset(value, name) for name, value in named.items()]
    return rulesets, [_engine_of(r) for r in rulesets]


def price_many(
    carts: Iterable[Cart | Mapping[str, Any]],
    ruleset: RuleSet | Engine | Mapping[str, Any],
    *,
    at: datetime | None = None,
    processes: int | None = None,
    progress: bool | None = None,
) -> list[Priced]:
    """Price every cart under one rule set: one [`Priced`][pricing.batch.Priced] per cart, in order.

    Args:
        carts: [`Cart`][pricing.batch.Cart] objects or their JSON form (mappings).
        ruleset: a [`RuleSet`][pricing.batch.RuleSet], its JSON form, or a compiled
            [`Engine`][pricing.Engine] (an engine is priced in this process only).
        at: the instant for carts that do not carry their own.
        processes: worker processes; ``None`` picks one per core for batches of
            at least [`POOL_THRESHOLD`][pricing.batch.POOL_THRESHOLD] carts, ``1``
            prices in this process.
        progress: show a progress bar; ``None`` shows one on a terminal.
    """
    rulesets, _ = as_engines({"ruleset": ruleset})
    rows = price_all(
        rulesets, carts, at=at, processes=processes, progress=progress, label="pricing"
    )
    return [row[0] for row in rows]
