"""Streaming what-if: rows as the carts are read, memory bounded, daemons price alone."""

from __future__ import annotations

import concurrent.futures
import io
import json
import multiprocessing
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import pricing
from pricing import batch
from pricing.batch import pool

from .support import AT_DT, BASELINE, CANDIDATE, CARTS


def _lines(carts: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(c) + "\n" for c in carts]


def _counted(carts: list[dict[str, Any]], seen: list[int]) -> Iterator[dict[str, Any]]:
    """The carts one at a time, counting in ``seen[0]`` how many were read."""
    for cart in carts:
        seen[0] += 1
        yield cart


def test_iter_carts_reads_lazily_and_names_the_line(tmp_path: Path) -> None:
    lines = [*_lines(CARTS[:3]), "not json\n", *_lines(CARTS[3:5])]
    carts = batch.iter_carts(iter(lines), name="part-7")
    assert [next(carts).id for _ in range(3)] == ["c0", "c1", "c2"]  # before the bad line
    with pytest.raises(pricing.ScenarioError) as err:
        next(carts)
    assert err.value.path.startswith("part-7:4")
    file = tmp_path / "carts.jsonl"
    file.write_text("".join(_lines(CARTS[:4])), encoding="utf-8")
    assert [c.id for c in batch.iter_carts(file)] == [c.id for c in batch.read_carts(file)]
    missing = batch.iter_carts(tmp_path / "missing.jsonl")  # opened when first read
    with pytest.raises(pricing.ScenarioError, match="no such file"):
        next(missing)


@pytest.mark.parametrize("processes", [1, 2])
def test_iter_and_fold_equal_the_whole_study(processes: int) -> None:
    whole = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
    stream = batch.iter_carts(io.StringIO("".join(_lines(CARTS))))
    rows = batch.iter_whatif(
        stream, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=processes
    )
    assert not isinstance(rows, list | tuple)
    assert tuple(rows) == whole.rows
    folded = batch.fold_whatif(
        iter(CARTS), baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=processes
    )
    assert folded == whole.aggregate


def test_an_unsized_stream_reads_ahead_to_choose_the_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``processes``, a stream at least POOL_THRESHOLD long is priced in a pool."""
    monkeypatch.setattr(pool, "POOL_THRESHOLD", 50)
    monkeypatch.setattr(pool, "cores", lambda: 2)
    started: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor  # (imported by the pool when it is used)

    def counting(*args: Any, **kwargs: Any) -> Any:
        started.append(kwargs["max_workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", counting)
    short = batch.fold_whatif(iter(CARTS[:49]), baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    assert started == []
    full = batch.fold_whatif(iter(CARTS), baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    assert started == [2]
    assert (
        short
        == batch.whatif(CARTS[:49], baseline=BASELINE, candidate=CANDIDATE, at=AT_DT).aggregate
    )
    assert full == batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT).aggregate


def test_the_pool_reads_a_bounded_number_of_carts_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "_chunk_size", lambda total, workers: 5)
    carts = [{**c, "id": f"{n}-{c['id']}"} for n in range(4) for c in CARTS]  # 640
    seen = [0]
    rows = batch.iter_whatif(
        _counted(carts, seen), baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=2
    )
    first = next(rows)
    # At most IN_FLIGHT chunks per worker uncollected, and the chunk being read.
    assert seen[0] <= (pool.IN_FLIGHT * 2 + 1) * 5
    assert first.id == carts[0]["id"]
    assert sum(1 for _ in rows) == len(carts) - 1
    assert seen[0] == len(carts)


def test_bad_input_further_on_stops_the_stream_there() -> None:
    carts = [*CARTS[:3], {"id": "bad", "order": {"products": [{"productId": 1}]}}]
    rows = batch.iter_whatif(
        iter(carts), baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1
    )
    assert [next(rows).id for _ in range(3)] == ["c0", "c1", "c2"]
    # the fourth cart: carts[3], indexed from 0 as every JSON path is
    with pytest.raises(pricing.ScenarioError, match=r"carts\[3\]: order.products\[0\].quantity"):
        next(rows)
    with pytest.raises(pricing.ScenarioError, match="different currencies"):
        batch.iter_whatif(CARTS, baseline=BASELINE, candidate={**CANDIDATE, "currency": "EUR"})


def _study_in_a_daemon(queue: Any) -> None:
    """In a daemonic process: a study asking for two processes (it cannot start them)."""
    study = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=2)
    folded = batch.fold_whatif(iter(CARTS), baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    queue.put((study.aggregate, folded, multiprocessing.current_process().daemon))


def test_a_daemonic_process_prices_alone_instead_of_failing() -> None:
    """Like a Dask worker: a daemonic process may not have children."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    worker = context.Process(target=_study_in_a_daemon, args=(queue,), daemon=True)
    worker.start()
    aggregate, folded, daemon = queue.get(timeout=120)
    worker.join(timeout=60)
    assert (daemon, worker.exitcode) == (True, 0)
    whole = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
    assert aggregate == folded == whole.aggregate


def test_progress_is_shown_by_default_in_jupyter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not pool.in_notebook()
    kernel = SimpleNamespace(config={"IPKernelApp": {}})
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: kernel))
    assert pool.in_notebook()
    monkeypatch.setitem(sys.modules, "tqdm", None)  # no tqdm: the plain counter
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    batch.fold_whatif(iter(CARTS[:10]), baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    assert capsys.readouterr().err.endswith("what-if: 10 carts\n")  # total unknown
