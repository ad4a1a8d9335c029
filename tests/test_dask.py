"""``pricing.dask`` and ``pricing whatif --dask``: on a two-worker LocalCluster, the rows
and the aggregate are those of the one-process study, cart by cart and to the cent."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing import batch
from pricing._cli import main
from pricing._cli.whatif import render_aggregate
from pricing._json import dumps
from tests.batch.support import AT, AT_DT, BASELINE, CANDIDATE, CODES, carts

dask_bag = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")
pricing_dask = pytest.importorskip("pricing.dask")

FILES = 4
PER_FILE = 750


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Carts in four files (the last without ids), and the one-process study of them."""
    folder = tmp_path_factory.mktemp("carts")
    generated = carts(7, FILES * PER_FILE, CODES)
    for n in range(FILES):
        part = generated[n * PER_FILE : (n + 1) * PER_FILE]
        if n == FILES - 1:
            part = [{k: v for k, v in c.items() if k != "id"} for c in part]  # numbered
        lines = "".join(json.dumps(c) + "\n" for c in part)
        (folder / f"carts-{n}.jsonl").write_text(lines, encoding="utf-8")
    files = sorted(folder.glob("carts-*.jsonl"))
    every = [cart for file in files for cart in batch.read_carts(file)]
    whole = batch.whatif(every, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
    (folder / "A.json").write_text(json.dumps(BASELINE), encoding="utf-8")
    (folder / "B.json").write_text(json.dumps(CANDIDATE), encoding="utf-8")
    return {"folder": folder, "glob": str(folder / "carts-*.jsonl"), "whole": whole}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two single-threaded worker processes, as ``--dask local`` starts on two cores."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster, set_as_default=False) as client:
        yield client


def _lines(folder: Path, pattern: str) -> list[str]:
    """The lines of the rows files in partition order."""
    return [line for f in sorted(folder.glob(pattern)) for line in f.read_text().splitlines()]


def test_rows_and_aggregate_equal_the_one_process_study(
    study: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    whole: batch.WhatIf = study["whole"]
    lines = dask_bag.read_text(study["glob"], include_path=True)
    agg = pricing_dask.whatif(
        lines,
        baseline=batch.RuleSet(BASELINE),
        candidate=CANDIDATE,
        at=AT_DT,
        rows=tmp_path / "rows",
        client=client,
        progress=False,
    )
    assert agg == whole.aggregate
    assert agg.carts == FILES * PER_FILE
    assert 0 < agg.errors < agg.carts
    written = _lines(tmp_path / "rows", "part-*.jsonl")
    assert written == [dumps(record) for record in whole.records()]  # cart by cart, exact


def test_parquet_rows_hold_exact_decimals(
    study: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    parquet = pytest.importorskip("pyarrow.parquet")
    lines = dask_bag.read_text(study["glob"])  # no paths: lines numbered per partition
    pricing_dask.whatif(
        lines,
        baseline=BASELINE,
        candidate=CANDIDATE,
        at=AT_DT,
        rows=tmp_path,
        rows_format="parquet",
        client=client,
        progress=False,
    )
    files = sorted(tmp_path.glob("part-*.parquet"))
    assert len(files) == FILES
    table = [row for f in files for row in parquet.read_table(f).to_pylist()]
    records = study["whole"].records()
    assert len(table) == len(records)
    for row, record in zip(table, records, strict=True):
        assert row == {**record, "id": str(record["id"])}


def test_the_command_line_on_a_scheduler_address(
    study: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    folder = study["folder"]
    argv = ["whatif", "--baseline", str(folder / "A.json"), "--candidate", str(folder / "B.json")]
    argv += [study["glob"], "--at", AT, "--no-progress", "--dask", client.scheduler.address]
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--out", str(tmp_path), "--format", "csv"], out=out, err=err)
    assert (code, err.getvalue()) == (0, "")
    files = f"{tmp_path}/part-*.csv"
    expected = render_aggregate(study["whole"].aggregate)
    assert (
        out.getvalue()
        == expected + f"{FILES * PER_FILE} rows written to {files} (csv, a file per partition)\n"
    )
    rows = _lines(tmp_path, "part-*.csv")
    header = rows[0]
    assert [r for r in rows if r != header] == _csv(study["whole"]).splitlines()[1:]


def _csv(whole: batch.WhatIf) -> str:
    from pricing._cli.whatif import write_rows

    stream = io.StringIO()
    write_rows(whole, stream, "csv")
    return stream.getvalue()


def test_bad_input_on_a_worker_names_the_file_and_line(client: Any, tmp_path: Path) -> None:
    good = json.dumps({"id": 1, "order": {"products": [{"productId": 1, "quantity": 1}]}})
    (tmp_path / "carts-1.jsonl").write_text(f'{good}\n\n{{"order": {{}}}}\n', encoding="utf-8")
    lines = dask_bag.read_text(str(tmp_path / "carts-*.jsonl"), include_path=True)
    with pytest.raises(pricing.ScenarioError) as err:
        pricing_dask.whatif(
            lines, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, client=client, progress=False
        )
    assert err.value.path == f"{tmp_path / 'carts-1.jsonl'}:3: order.products"


def test_without_a_client_dask_runs_the_graph_locally(study: dict[str, Any]) -> None:
    lines = dask_bag.read_text(study["glob"], include_path=True)
    with pytest.raises(ValueError, match="No clients found"):
        distributed.default_client()
    agg = pricing_dask.whatif(lines, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    assert agg == study["whole"].aggregate


def test_the_partition_function_alone_as_spark_would_call_it(study: dict[str, Any]) -> None:
    """No Dask involved: lines in, the partition's aggregate out."""
    files = sorted(study["folder"].glob("carts-*.jsonl"))
    one = pricing_dask.Study.of(BASELINE, CANDIDATE, at=AT_DT)
    partials = [
        pricing_dask.whatif_partition(iter(f.read_text().splitlines()), one, n)
        for n, f in enumerate(files)
    ]
    assert sum(partials) == study["whole"].aggregate
    with pytest.raises(pricing.ScenarioError, match="rows_format"):
        pricing_dask.Study.of(BASELINE, CANDIDATE, rows_format="xlsx")
    with pytest.raises(pricing.ScenarioError, match="different currencies"):
        pricing_dask.Study.of(BASELINE, {**CANDIDATE, "currency": "EUR"})


def test_dask_local_from_the_command_line(tmp_path: Path) -> None:
    """``--dask local`` starts (and stops) its own cluster."""
    generated = carts(11, 60, CODES)
    for n in range(2):
        lines = "".join(json.dumps(c) + "\n" for c in generated[n * 30 : (n + 1) * 30])
        (tmp_path / f"c-{n}.jsonl").write_text(lines, encoding="utf-8")
    (tmp_path / "A.json").write_text(json.dumps(BASELINE), encoding="utf-8")
    (tmp_path / "B.json").write_text(json.dumps(CANDIDATE), encoding="utf-8")
    argv = [
        "whatif",
        "--baseline",
        str(tmp_path / "A.json"),
        "--candidate",
        str(tmp_path / "B.json"),
    ]
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [*argv, str(tmp_path / "c-*.jsonl"), "--dask", "local", "--no-progress"], out=out, err=err
    )
    assert code == 0, err.getvalue()
    assert "carts without 'at' (if any) are priced at the current time" in err.getvalue()
    assert out.getvalue().startswith("What-if over 60 carts (USD)")
    code = main([*argv, str(tmp_path / "none-*.jsonl"), "--dask", "local"], out=out, err=err)
    assert code == 2
    assert "none-*.jsonl: no such file" in err.getvalue()


def test_a_failed_study_leaves_no_rows_and_an_old_one_is_not_mixed_in(
    study: dict[str, Any], client: Any, tmp_path: Path
) -> None:
    """A bad line in one file stops the study: the rows files of the partitions done are
    removed (a directory of some of the rows looked like a study). A directory that
    already holds rows files is refused: the new ones would mix with the old."""
    folder = study["folder"]
    bad = tmp_path / "carts"
    bad.mkdir()
    for f in sorted(folder.glob("carts-*.jsonl")):
        (bad / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    with (bad / "carts-2.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"order": {"products": "none"}}\n')
    rows = tmp_path / "rows"
    argv = ["whatif", "--baseline", str(folder / "A.json"), "--candidate", str(folder / "B.json")]
    argv += ["--at", AT, "--no-progress", "--dask", client.scheduler.address, "--out", str(rows)]
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, str(bad / "carts-*.jsonl")], out=out, err=err) == 2
    assert err.getvalue() == (
        f"pricing: bad input: {bad / 'carts-2.jsonl'}:{PER_FILE + 1}: order.products: "
        "Input should be a valid list\n"
    )
    assert list(rows.glob("*")) == []
    assert main([*argv, study["glob"]], out=out, err=err) == 0  # the good study
    assert len(list(rows.glob("part-*.jsonl"))) == FILES
    err = io.StringIO()
    assert main([*argv, study["glob"]], out=out, err=err) == 2
    assert err.getvalue() == (
        f"pricing: bad input: --out: {rows} holds the files of an earlier study: "
        "give a new or empty one\n"
    )
