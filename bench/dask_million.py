"""A what-if over a million generated carts on a local Dask cluster (docs/performance.md).

    .venv/bin/python bench/dask_million.py [--carts 1000000] [--files 40] [--workers 2]

Generates the carts (bench/scenarios.py, size S unless ``--size``) into ``--files``
JSON Lines files, times one process on the first file (``batch.fold_whatif``), then
the whole study with ``pricing.dask.whatif`` on a ``LocalCluster`` of ``--workers``
single-threaded processes, and prints both rates and the aggregate. Needs the
``[dask]`` extra.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dask.bag
from scenarios import AT
from study import study_rulesets, write_carts

from pricing import batch
from pricing._cli.whatif import render_aggregate
from pricing.dask import connect, whatif


def one_process(path: Path, rulesets: tuple[batch.RuleSet, batch.RuleSet]) -> float:
    """Carts per second of the streaming what-if in this process, over one file."""
    start = time.perf_counter()
    agg = batch.fold_whatif(
        batch.iter_carts(path), baseline=rulesets[0], candidate=rulesets[1], processes=1
    )
    return agg.carts / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--carts", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--size", default="S", choices=("S", "M", "L"))
    parser.add_argument(
        "--folder", type=Path, help="where to write the carts (default: a temp dir)"
    )
    args = parser.parse_args()

    baseline, candidate = study_rulesets(args.size)
    rulesets = batch.RuleSet(baseline, name="baseline"), batch.RuleSet(candidate, name="candidate")
    with tempfile.TemporaryDirectory() as temp:
        folder = args.folder or Path(temp)
        start = time.perf_counter()
        paths = write_carts(folder, baseline, args.size, args.carts, args.files)
        print(
            f"generated {args.carts:,} {args.size} carts in {args.files} files: "
            f"{time.perf_counter() - start:.0f} s"
        )
        rate = one_process(paths[0], rulesets)
        print(f"one process (first file): {rate:,.0f} carts/s")

        start = time.perf_counter()
        with connect("local", workers=args.workers) as client:
            up = time.perf_counter() - start
            agg = whatif(
                dask.bag.read_text(str(folder / "carts-*.jsonl"), include_path=True),
                baseline=rulesets[0],
                candidate=rulesets[1],
                at=datetime.fromisoformat(AT),
                client=client,
            )
        elapsed = time.perf_counter() - start
    print(
        f"dask, {args.workers} local workers: {agg.carts:,} carts in {elapsed:.0f} s "
        f"(cluster start {up:.1f} s): {agg.carts / elapsed:,.0f} carts/s, "
        f"{agg.carts / elapsed / rate:.2f}× one process"
    )
    print(render_aggregate(agg))
    return 0


if __name__ == "__main__":
    sys.exit(main())
