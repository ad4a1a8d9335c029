"""Peak memory of the aggregate-only what-if (``batch.fold_whatif``) as the carts grow.

    .venv/bin/python bench/memory.py [--carts 20000] [--factor 10] [--size S] [--processes 1]

Writes ``carts × factor`` generated carts to a JSON Lines file, then, each in a fresh
process, streams the first ``carts`` and all of them through
``fold_whatif(iter_carts(file))`` and prints the peak of Python's allocations
(tracemalloc, this process only: the parent with worker processes), the process's
peak resident size, and their growth. Flat memory means a growth near 0 %.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from study import study_rulesets, write_carts

from pricing import batch


def measure(file: str, count: int, size: str, processes: int) -> dict[str, float]:
    """In this (fresh) process: fold ``count`` carts of ``file``; its memory figures."""
    baseline, candidate = study_rulesets(size)
    rulesets = batch.RuleSet(baseline), batch.RuleSet(candidate)
    tracemalloc.start()
    start = time.perf_counter()
    agg = batch.fold_whatif(
        islice(batch.iter_carts(file), count),
        baseline=rulesets[0],
        candidate=rulesets[1],
        processes=processes,
        progress=False,
    )
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    assert agg.carts == count
    return {"carts": count, "peak_mib": peak / 2**20, "rss_mib": rss, "seconds": elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--carts", type=int, default=20_000)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--size", default="S", choices=("S", "M", "L"))
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--measure", nargs=2, metavar=("FILE", "COUNT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        file, count = args.measure
        print(json.dumps(measure(file, int(count), args.size, args.processes)))
        return 0

    with tempfile.TemporaryDirectory() as folder:
        baseline, _ = study_rulesets(args.size)
        (path,) = write_carts(Path(folder), baseline, args.size, args.carts * args.factor, 1)
        rows = []
        for count in (args.carts, args.carts * args.factor):
            command = [sys.executable, __file__, "--measure", str(path), str(count)]
            command += ["--size", args.size, "--processes", str(args.processes)]
            rows.append(json.loads(subprocess.check_output(command)))
    print(f"fold_whatif over {args.size} carts, processes={args.processes}")
    print(f"{'carts':>10} {'tracemalloc peak':>17} {'peak RSS':>10} {'carts/s':>9}")
    for r in rows:
        rate = r["carts"] / r["seconds"]
        print(
            f"{r['carts']:>10,} {r['peak_mib']:>13.2f} MiB {r['rss_mib']:>6.1f} MiB {rate:>9,.0f}"
        )
    small, large = rows
    for key, label in (("peak_mib", "tracemalloc peak"), ("rss_mib", "peak RSS")):
        growth = large[key] / small[key] - 1
        print(f"growth of the {label} for {args.factor}× the carts: {growth:+.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
