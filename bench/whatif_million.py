"""The what-if of docs/performance.md: ``pricing whatif`` over a million generated carts.

    .venv/bin/python bench/whatif_million.py [--carts 1000000] [--size M] [--dir DIR]

Generates two rule sets and the carts (bench/scenarios.py, through bench/study.py: the
same on every machine) into one JSON Lines file, then times the command a user runs,
``pricing whatif --baseline A.json --candidate B.json CARTS`` (the aggregate only:
the carts are priced as they are read), as a separate process, and prints its wall
time, its rate and the peak memory of the largest of its processes beside its output.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from study import study_rulesets, write_carts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--carts", type=int, default=1_000_000)
    parser.add_argument("--size", default="M", choices=("S", "M", "L"), help="cart size")
    parser.add_argument("--dir", help="where the files go (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="whatif-") as tmp:
        folder = Path(args.dir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        baseline, candidate = study_rulesets(args.size)
        for name, ruleset in (("A.json", baseline), ("B.json", candidate)):
            (folder / name).write_text(json.dumps(ruleset), encoding="utf-8")
        start = time.perf_counter()
        (carts,) = write_carts(folder, baseline, args.size, args.carts, 1)
        print(
            f"generated {args.carts:,} {args.size} carts ({carts.stat().st_size / 1e6:,.0f} MB) "
            f"in {time.perf_counter() - start:.0f} s",
            flush=True,
        )
        command = [
            str(Path(sys.executable).with_name("pricing")),
            "whatif",
            "--baseline",
            str(folder / "A.json"),
            "--candidate",
            str(folder / "B.json"),
            "--no-progress",
            str(carts),
        ]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB → MiB
        print(f"$ pricing whatif --baseline A.json --candidate B.json {carts.name}")
        print(done.stdout + done.stderr, end="")
        print(
            f"{args.carts:,} carts under two rule sets in {seconds:.0f} s: "
            f"{args.carts / seconds:,.0f} carts/s; peak memory of one process {peak:,.0f} MiB"
        )
        return done.returncode


if __name__ == "__main__":
    sys.exit(main())
