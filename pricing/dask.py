"""What-if studies on Dask: carts as a bag of JSON lines, one aggregate per partition.

Needs the ``[dask]`` extra (``pip install "exact-discounts[dask]"``). docs/whatif.md has
the walkthrough::

    import dask.bag
    from pricing import batch
    from pricing.dask import connect, whatif

    with connect("local") as client:  # or connect("tcp://scheduler:8786")
        agg = whatif(
            dask.bag.read_text("carts-*.jsonl", include_path=True),
            baseline=batch.RuleSet.load("rules-now.json"),
            candidate=batch.RuleSet.load("rules-next.json"),
            rows="rows/",  # optional: one file per partition
            rows_format="parquet",
        )

The rule sets travel to the workers once, as data in one task of the graph, and
are compiled once per worker. Each partition is priced in its worker by
:func:`whatif_partition` (the same function a Spark ``mapPartitions`` can call)
into an :class:`~pricing.batch.Aggregate`; the partials are merged with
:meth:`~pricing.batch.Aggregate.combine`, exactly the one-process figures.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from itertools import chain, groupby
from operator import itemgetter
from typing import Any, cast

try:
    import dask
    import distributed
except ImportError as exc:  # pragma: no cover - the extra is installed for the tests
    raise ImportError(
        'pricing.dask needs the [dask] extra: pip install "exact-discounts[dask]"'
    ) from exc

from . import batch
from ._engine import Engine
from ._errors import PricingConfigError, ScenarioError
from .batch.output import ROW_FORMATS, written
from .batch.pool import Progress, check_at, cores
from .batch.whatif import Aggregate, study_of

__all__ = ["Study", "connect", "partition_file", "whatif", "whatif_partition"]


@dataclass(frozen=True)
class Study:
    """What every partition needs: both rule sets, the instant, where rows go."""

    baseline: batch.RuleSet | Engine
    candidate: batch.RuleSet | Engine
    currency: str
    at: datetime | None = None
    """The instant for carts without their own ``at``."""
    rows: str | None = None
    """A directory for one rows file per partition (``None``: no rows kept)."""
    rows_format: str = "jsonl"

    @classmethod
    def of(
        cls,
        baseline: batch.RuleSet | Engine | Mapping[str, Any],
        candidate: batch.RuleSet | Engine | Mapping[str, Any],
        *,
        at: datetime | None = None,
        rows: str | os.PathLike[str] | None = None,
        rows_format: str = "jsonl",
    ) -> Study:
        """A study of two rule sets in any form, checked here rather than on the workers."""
        (base, cand), currency = study_of(baseline, candidate)
        check_at(at)
        if rows_format not in ROW_FORMATS:
            raise ScenarioError(
                "rows_format", f"one of {', '.join(ROW_FORMATS)}, not {rows_format!r}"
            )
        path = None if rows is None else os.fspath(rows)
        return cls(base, cand, currency, at, path, rows_format)


def partition_file(study: Study, index: int) -> str:
    """Where partition ``index`` writes its rows: ``part-00007.jsonl`` in ``study.rows``."""
    assert study.rows is not None
    return os.path.join(study.rows, f"part-{index:05d}.{study.rows_format}")


def _carts(lines: Iterable[str | tuple[str, str]], index: int) -> Iterator[batch.Cart]:
    """The carts of a partition's lines: text, or ``(text, path)`` from ``include_path``.

    Lines are numbered from 1 in each file (in the partition, for plain text); a cart
    without ``id`` gets its number, and bad input names the file (or partition) and line.
    """
    it = iter(lines)
    first = next(it, None)
    if first is None:
        return iter(())
    items = chain([first], it)
    if isinstance(first, str):
        return batch.iter_carts(cast(Iterator[str], items), name=f"partition {index}")
    files = groupby(cast(Iterator[tuple[str, str]], items), key=itemgetter(1))
    return chain.from_iterable(
        batch.iter_carts((text for text, _ in group), name=path) for path, group in files
    )


def whatif_partition(
    lines: Iterable[str | tuple[str, str]], study: Study, index: int = 0
) -> Aggregate:
    """Price one partition's cart lines in this process; write its rows if asked.

    The carts stream through: memory is flat in the partition's size (Parquet holds a
    row group). Returns the partition's aggregate.
    """
    rows = batch.iter_whatif(
        _carts(lines, index),
        baseline=study.baseline,
        candidate=study.candidate,
        at=study.at,
        processes=1,
        progress=False,
    )
    if study.rows is None:
        return Aggregate.of_rows(study.currency, rows)
    os.makedirs(study.rows, exist_ok=True)
    # Written under a name of its own, renamed when the partition is done: a partition
    # that fails (or a worker that dies) leaves no file of half its rows.
    target = partition_file(study, index)
    part = f"{target}.part"
    try:
        agg = Aggregate.of_rows(
            study.currency, written(rows, part, study.rows_format, study.currency)
        )
        os.replace(part, target)
    finally:
        if os.path.exists(part):
            os.remove(part)
    return agg


def _current_client() -> Any:
    """The distributed client in use, or ``None`` (then Dask's local scheduler runs)."""
    try:
        return distributed.default_client()
    except ValueError:
        return None


def _compute(partials: Sequence[Any], client: Any, progress: bool | None) -> list[Aggregate]:
    """Every partition's aggregate: on ``client`` with a progress bar, else locally."""
    if client is None:
        return list(dask.compute(*partials))
    futures = client.compute(list(partials))
    bar = Progress(len(futures), progress, "what-if", unit="partition")
    try:
        for future in distributed.as_completed(futures, loop=client.loop):
            future.result()  # the first failure stops the study
            bar.update(1)
        return [future.result() for future in futures]
    except BaseException:
        client.cancel(futures)
        _settle(client)
        raise
    finally:
        bar.close()


def _settle(client: Any, seconds: float = 60.0) -> None:
    """Wait (at most ``seconds``) until no worker runs a task: a cancelled partition
    already running goes on to its end, and would write its rows file after the
    caller has cleared the study's files away."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        busy = client.run(lambda dask_worker: dask_worker.state.executing_count)
        if not any(busy.values()):
            return
        time.sleep(0.05)


def whatif(
    lines: Any,
    *,
    baseline: batch.RuleSet | Engine | Mapping[str, Any],
    candidate: batch.RuleSet | Engine | Mapping[str, Any],
    at: datetime | None = None,
    rows: str | os.PathLike[str] | None = None,
    rows_format: str = "jsonl",
    client: Any = None,
    progress: bool | None = None,
) -> Aggregate:
    """The aggregate of a what-if over a Dask bag of cart lines, merged exactly.

    Args:
        lines: a ``dask.bag.Bag`` of JSON lines (``read_text``), or of
            ``(line, path)`` pairs (``include_path=True``: bad input names the file).
        baseline, candidate, at: as for :func:`pricing.batch.whatif`.
        rows: a directory (on a file system the workers share) to write one rows file
            per partition to, ``part-00000.jsonl`` …; ``None`` keeps no rows.
        rows_format: ``"jsonl"``, ``"csv"`` or ``"parquet"``.
        client: a ``distributed.Client``; ``None``: the current one if any, else
            Dask's local scheduler.
        progress: a bar counting partitions (with a client); ``None``: on a terminal
            and in Jupyter.
    """
    study = Study.of(baseline, candidate, at=at, rows=rows, rows_format=rows_format)
    shipped = dask.delayed(pickle.loads)(pickle.dumps(study))  # in the graph once
    partials = [
        dask.delayed(whatif_partition)(part, shipped, index)
        for index, part in enumerate(lines.to_delayed())
    ]
    client = client if client is not None else _current_client()
    empty = Aggregate.empty(study.currency)
    return reduce(Aggregate.combine, _compute(partials, client, progress), empty)


@contextmanager
def connect(address: str, *, workers: int | None = None, quiet: bool = False) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``address``, or of a new local cluster.

    ``"local"`` starts a ``LocalCluster`` of ``workers`` processes (default: one per
    core), one thread each (pricing is pure Python), closed at the end. ``quiet``:
    the local workers log only what is critical (a task that fails on bad input is
    the caller's to report, not a traceback on the terminal).

    Raises:
        PricingConfigError: no scheduler answers at ``address``.
    """
    if address != "local":
        try:
            client = distributed.Client(address)
        except OSError as exc:  # unreachable, or no scheduler there
            raise PricingConfigError(f"cannot reach a Dask scheduler at {address}: {exc}") from None
        with client:
            yield client
        return
    cluster = distributed.LocalCluster(
        n_workers=workers or cores(),
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.CRITICAL if quiet else logging.WARNING,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client
