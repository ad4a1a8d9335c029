"""Price many carts: in this process, or shared among worker processes in chunks.

Each worker compiles the rule sets once (they travel as data); results come back
in cart order, identical to pricing in one process. Carts are read from their
iterable as the pricing goes, with a bounded number of chunks in flight, so memory
does not grow with the number of carts. A progress bar is shown on a terminal and
in Jupyter (tqdm when installed, else a plain counter).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from .._engine import Engine
from .._errors import PricingConfigError, PricingError, ScenarioError
from .._values import is_aware
from .io import Cart, RuleSet, parse_cart

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = [
    "POOL_THRESHOLD",
    "Priced",
    "Progress",
    "check_at",
    "check_options",
    "cores",
    "price_many",
    "price_stream",
]

POOL_THRESHOLD = 2000
"""Batches at least this large use worker processes when ``processes`` is not given."""

IN_FLIGHT = 4
"""Chunks sent to the workers and not yet collected, per worker: what bounds memory."""


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
    return _price(
        engine, cart.id, cart.order, cart.customer, cart.at or at, cart.usage, cart.walked
    )


def _named(cart_id: int | str) -> str:
    """A cart's id as an error names it: text that could break the line is JSON-quoted."""
    text = str(cart_id)
    return text if text.isprintable() else json.dumps(text)


def _price(
    engine: Engine,
    cart_id: int | str,
    order: Any,
    customer: Any,
    when: datetime | None,
    usage: Mapping[str, Any] | None,
    walked: bool = False,
) -> Priced:
    """A cart's parts (validated models, or their JSON form: the engine reads either)
    under one engine."""
    if when is None:
        raise _undated(cart_id)
    try:
        r = engine._preview(order, customer, when, usage, walked)
        return Priced(
            cart_id,
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
        return Priced(cart_id, None, None, None, None, (), f"{label}: {exc}")


# ---------------------------------------------------------------------------
# worker processes

_worker_engines: tuple[Engine, ...] = ()


def _start_worker(rulesets: tuple[RuleSet | Engine, ...]) -> None:
    """In a worker: compile the rule sets once; Ctrl-C is the parent's to handle."""
    global _worker_engines
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_engines = tuple(_engine_of(r) for r in rulesets)


_Sent = Cart | tuple[int | str, Mapping[str, Any], datetime | None]


def _sendable(cart: Cart) -> _Sent:
    """What goes to a worker for ``cart``: its id, JSON form and instant (plain data,
    cheap to pickle; validated models are not), else the cart itself."""
    if cart.source is None:
        return cart
    return (cart.id, cart.source, cart.at)


def _price_chunk(chunk: Sequence[_Sent], at: datetime | None) -> list[tuple[Priced, ...]]:
    """In a worker: each cart under each rule set. A cart sent as its JSON form was
    validated by the parent (and read by ``loads``: not walked again): its order,
    customer and usage go to the engine as that JSON, which it reads as it reads any."""
    rows = []
    for sent in chunk:
        if isinstance(sent, Cart):
            rows.append(tuple(_price_one(e, sent, at) for e in _worker_engines))
        else:
            cart_id, data, when = sent
            order, customer, usage = data["order"], data.get("customer"), data.get("usage")
            rows.append(
                tuple(
                    _price(e, cart_id, order, customer, when or at, usage, True)
                    for e in _worker_engines
                )
            )
    return rows


def _as_ruleset(value: RuleSet | Engine | Mapping[str, Any], name: str) -> RuleSet | Engine:
    """``value`` as a rule set, unless it already is one or a compiled engine."""
    if isinstance(value, RuleSet | Engine):
        return value
    return RuleSet(value, name=name)


def _engine_of(value: RuleSet | Engine) -> Engine:
    """The compiled engine of a rule set (or the engine itself)."""
    return value.engine if isinstance(value, RuleSet) else value


def _workers(processes: int | None, count: int) -> int:
    """How many processes to price ``count`` carts with (1: this process only).

    A daemonic process (a Dask or multiprocessing worker) cannot start processes of
    its own: it prices in itself, whatever ``processes`` asks.
    """
    if _daemonic():
        return 1
    if processes is not None:
        return processes
    return 1 if count < POOL_THRESHOLD else cores()


def _daemonic() -> bool:
    """Whether this process is a daemonic worker (of Dask, of a multiprocessing pool).

    Such a worker has :mod:`multiprocessing` imported already; asking it here would
    import it into every process that prices a batch (a tenth of the command's start).
    """
    process = sys.modules.get("multiprocessing.process")
    return process is not None and bool(process.current_process().daemon)


def cores() -> int:
    """The cores this process may run on (at least 1)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return usable or 1


def check_at(at: datetime | None) -> None:
    """A batch's instant is timezone-aware (or ``None``: each cart brings its own)."""
    if at is not None and not is_aware(at):
        raise ScenarioError("at", "must be a timezone-aware datetime")


def check_options(at: datetime | None, processes: int | None) -> None:
    """A batch's instant (:func:`check_at`) and its number of processes, checked before
    any cart is read."""
    check_at(at)
    if processes is not None and (type(processes) is not int or processes < 1):
        raise PricingConfigError(f"processes must be an integer of at least 1, got {processes!r}")


# ---------------------------------------------------------------------------
# progress


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (where a progress bar is shown by default)."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class Progress:
    """tqdm.auto when installed (a widget in Jupyter); else a plain counter; else nothing.

    ``show=None`` shows it on a terminal and in Jupyter; ``total=None``: not known.
    """

    def __init__(
        self, total: int | None, show: bool | None, label: str, unit: str = "cart"
    ) -> None:
        stream = sys.stderr
        if show is None:
            show = total != 0 and (in_notebook() or stream.isatty())
        self._bar: Any = None
        self._plain = False
        self._done = 0
        self._of = "" if total is None else f"/{total}"
        self._label = f"{label}: {{}}{self._of} {unit}s"
        if not show:
            return
        try:
            tqdm = importlib.import_module("tqdm.auto").tqdm  # optional: the [notebook] extra
        except ImportError:
            self._plain = True
        else:
            self._bar = tqdm(total=total, desc=label, unit=unit, file=stream)

    def update(self, n: int) -> None:
        """Count ``n`` more done."""
        self._done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._plain:
            sys.stderr.write("\r" + self._label.format(self._done))
            sys.stderr.flush()

    def close(self) -> None:
        """End the bar (a plain counter ends its line)."""
        if self._bar is not None:
            self._bar.close()
        elif self._plain:
            sys.stderr.write("\n")


# ---------------------------------------------------------------------------
# many carts


def _batches(items: Iterable[Cart], size: int) -> Iterator[list[Cart]]:
    """``items`` in consecutive lists of at most ``size`` (the last may be shorter)."""
    it = iter(items)
    while part := list(islice(it, size)):
        yield part


def _price_here(
    engines: Sequence[Engine], carts: Iterable[Cart], at: datetime | None, bar: Progress
) -> Iterator[tuple[Priced, ...]]:
    """Each cart under each engine, in this process (read one at a time)."""
    unseen = 0  # priced and not yet counted on the bar (counted 256 at a time)
    for cart in carts:
        yield tuple(_price_one(e, cart, at) for e in engines)
        unseen += 1
        if unseen == 256:
            bar.update(unseen)
            unseen = 0
    bar.update(unseen)


def _collect(future: Future[list[tuple[Priced, ...]]], bar: Progress) -> list[tuple[Priced, ...]]:
    """The rows of a chunk once its worker is done, counted on the bar."""
    priced = future.result()
    bar.update(len(priced))
    return priced


def _price_in_pool(
    rulesets: tuple[RuleSet | Engine, ...],
    carts: Iterable[Cart],
    at: datetime | None,
    workers: int,
    size: int,
    bar: Progress,
) -> Iterator[tuple[Priced, ...]]:
    """Each cart under each rule set, in ``workers`` processes; stops at once on Ctrl-C.

    Chunks of ``size`` go out as they are read, at most :data:`IN_FLIGHT` per worker
    uncollected.
    """
    from concurrent.futures import ProcessPoolExecutor  # (only when a pool is used)

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(rulesets,))
    pending: deque[Future[list[tuple[Priced, ...]]]] = deque()
    try:
        for part in _batches(carts, size):
            pending.append(pool.submit(_price_chunk, [_sendable(c) for c in part], at))
            if len(pending) >= IN_FLIGHT * workers:
                yield from _collect(pending.popleft(), bar)
        while pending:
            yield from _collect(pending.popleft(), bar)
    except BaseException:  # Ctrl-C, bad input further on, or the reader stopped early
        pool.shutdown(wait=False, cancel_futures=True)  # no waiting for queued chunks
        raise
    pool.shutdown()


def _chunk_size(total: int | None, workers: int) -> int:
    """Chunks small enough to balance the workers and move the bar, large enough that
    sending them costs little next to pricing them."""
    return 250 if total is None else max(1, min(500, total // (workers * 8) or 1))


def price_stream(
    rulesets: Sequence[RuleSet | Engine],
    carts: Iterable[Cart | Mapping[str, Any]],
    *,
    at: datetime | None,
    processes: int | None,
    progress: bool | None,
    label: str,
) -> Iterator[tuple[Priced, ...]]:
    """Each cart priced under each rule set, in cart order, as the carts are read.

    A cart is validated when reached (bad input stops the stream there). Without
    ``processes``, up to [`POOL_THRESHOLD`][pricing.batch.POOL_THRESHOLD] carts are
    read ahead to choose.
    """
    check_options(at, processes)
    total = len(carts) if isinstance(carts, Sized) else None
    carts = _iterable(carts)  # (now: not at the first row asked for)
    return _stream(tuple(rulesets), carts, at, processes, (total, progress, label))


def _stream(
    rulesets: tuple[RuleSet | Engine, ...],
    carts: Iterable[Cart | Mapping[str, Any]],
    at: datetime | None,
    processes: int | None,
    bar_args: tuple[int | None, bool | None, str],
) -> Iterator[tuple[Priced, ...]]:
    """The pricing of `price_stream`, here or in a pool, with its progress bar."""
    items: Iterator[Cart] = (
        parse_cart(c, default_id=i, where=f"carts[{i - 1}]") for i, c in enumerate(carts, start=1)
    )  # (as parse_all, one at a time)
    count = bar_args[0]
    if count is None and processes is None and not _daemonic():
        head = list(islice(items, POOL_THRESHOLD))  # enough to tell whether a pool pays
        count, items = len(head), chain(head, items)
    workers = _workers(processes, count or 0)
    bar = Progress(*bar_args)
    try:
        if workers == 1:
            yield from _price_here([_engine_of(r) for r in rulesets], items, at, bar)
        else:
            size = _chunk_size(bar_args[0], workers)
            yield from _price_in_pool(rulesets, items, at, workers, size, bar)
    finally:
        bar.close()


def parse_all(carts: Iterable[Cart | Mapping[str, Any]], at: datetime | None) -> list[Cart]:
    """Every cart validated (before any is priced); bad input names ``carts[i]``. Without
    a batch instant ``at``, a cart without its own is bad input here too, not once the
    carts before it are priced."""
    parsed = [
        parse_cart(c, default_id=i, where=f"carts[{i - 1}]")
        for i, c in enumerate(_iterable(carts), start=1)
    ]
    if at is None:
        undated = next((cart for cart in parsed if cart.at is None), None)
        if undated is not None:
            raise _undated(undated.id)
    return parsed


def _undated(cart_id: int | str) -> ScenarioError:
    return ScenarioError(
        f"cart {_named(cart_id)}: at", "field required (give it in the cart or for the batch)"
    )


def _iterable(carts: object) -> Iterable[Any]:
    """``carts`` if it is a collection of carts (``None`` or one cart is bad input, not a
    TypeError)."""
    if isinstance(carts, str | bytes | Mapping | Cart) or not isinstance(carts, Iterable):
        raise ScenarioError(
            "carts",
            f"must be carts (a list of them, or of their JSON form), not {type(carts).__name__}",
        )
    return carts


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
            [`Engine`][pricing.Engine].
        at: the instant for carts that do not carry their own.
        processes: worker processes; ``None`` picks one per core for batches of
            at least [`POOL_THRESHOLD`][pricing.batch.POOL_THRESHOLD] carts, ``1``
            prices in this process (as does a daemonic process, e.g. a Dask worker,
            whatever is asked).
        progress: show a progress bar; ``None`` shows one on a terminal and in Jupyter.
    """
    rulesets, _ = as_engines({"ruleset": ruleset})
    check_options(at, processes)
    carts = parse_all(carts, at)
    rows = price_stream(
        rulesets, carts, at=at, processes=processes, progress=progress, label="pricing"
    )
    return [row[0] for row in rows]
