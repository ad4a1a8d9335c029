"""Benchmark: previews per second on generated carts (``make bench``).

For each size (S, M, L; see bench/scenarios.py) it times

* ``engine``: the compiled path, ``Engine.preview(order, customer=..., at=...)`` on a
  rule set compiled once, reading the totals;
* ``+doc``: the same, also building the previewOrder document (``result.document``);
* ``backend``: what a web handler does: the order and customer as JSON text in,
  ``Engine.preview_json`` on the rule set compiled once, the JSON text out;
* ``json``: the one-call path, ``pricing.preview_json(text)``: parse, validate,
  compile, compute and serialise, as ``pricing preview --json`` does;
* ``floor``: a plain loop that only sums price × quantity in ``Decimal`` over the
  same carts.

``engine/floor`` is the time of one engine preview over the time of one floor
sum: a machine-independent figure; ``+doc/engine`` and ``backend/engine`` are the
time of those paths over the engine path's. ``growth`` is the time of a preview when the
lines (or the discounts) of a size are doubled, over the time at that size: 2.0
means linear. Each figure is the best of a few rounds, so that a busy machine
disturbs it less.

Usage: ``python bench/run.py [--quick] [--sizes S,M,L]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenarios import AT, SIZES, Size, make_carts, make_ruleset
from study import study_rulesets

import pricing

CARTS = {"S": 256, "M": 64, "L": 8}
"""Distinct carts per size (the loop cycles over them)."""


def best_rates(
    fns: dict[str, Callable[[int], object]], *, rounds: int, min_time: float
) -> dict[str, float]:
    """Calls per second of each ``fn(i)``: the best of ``rounds`` rounds of ≥ ``min_time`` s.

    The functions take turns round by round, so that a machine busy with something
    else for a while slows all of them alike; the best round is the least disturbed.
    Times are CPU times of this process.
    """
    best = dict.fromkeys(fns, 0.0)
    batch = dict.fromkeys(fns, 1)
    for fn in fns.values():
        fn(0)  # warm up (imports, caches of the first call)
    for _ in range(rounds):
        for name, fn in fns.items():
            gc.collect()
            done = 0
            start = time.process_time()
            while True:
                for i in range(done, done + batch[name]):
                    fn(i)
                done += batch[name]
                elapsed = time.process_time() - start
                if elapsed >= min_time:
                    break
                if elapsed < min_time / 10:
                    batch[name] *= 2
            best[name] = max(best[name], done / elapsed)
    return best


def build_engine(ruleset: dict[str, Any], engine: Any = pricing.Engine) -> Any:
    """The compiled rule set of a generated scenario (``engine``: the class to compile it
    with, another version's for bench/ab.py)."""
    return engine(
        currency=ruleset["currency"],
        catalog=ruleset["catalog"],
        discounts=ruleset["discounts"],
        settings=ruleset["settings"],
        categories=ruleset["categories"],
    )


class Case:
    """One size's rule set, carts, and the timed loops over them."""

    def __init__(self, size: Size, *, lines: int, discounts: int) -> None:
        self.size = size
        self.lines = lines
        self.discounts = discounts
        self.ruleset = make_ruleset(discounts, size.catalog)
        self.carts = make_carts(self.ruleset, lines, CARTS[size.name])
        self.at = datetime.fromisoformat(AT)
        start = time.process_time()
        self.engine = build_engine(self.ruleset)
        self.compile_seconds = time.process_time() - start

    def engine_fn(self) -> Callable[[int], object]:
        """The compiled path: one preview, reading its totals."""
        engine, carts, at = self.engine, self.carts, self.at
        n = len(carts)

        def one(i: int) -> object:
            cart = carts[i % n]
            return engine.preview(cart["order"], customer=cart["customer"], at=at).total_due

        return one

    def document_fn(self) -> Callable[[int], object]:
        """The compiled path, also building the previewOrder document."""
        engine, carts, at = self.engine, self.carts, self.at
        n = len(carts)

        def one(i: int) -> object:
            cart = carts[i % n]
            return engine.preview(cart["order"], customer=cart["customer"], at=at).document

        return one

    def backend_fn(self) -> Callable[[int], object]:
        """The backend path: order and customer JSON text in, JSON text out."""
        engine, at = self.engine, self.at
        texts = [
            (pricing.dumps_json(c["order"]), pricing.dumps_json(c["customer"])) for c in self.carts
        ]
        n = len(texts)

        def one(i: int) -> object:
            order, customer = texts[i % n]
            return engine.preview_json(order, customer, at=at)

        return one

    def json_fn(self) -> Callable[[int], object]:
        """The one-call path: scenario JSON text in, previewOrder JSON text out."""
        texts = [
            pricing.dumps_json(
                {**self.ruleset, "order": c["order"], "customer": c["customer"], "at": c["at"]}
            )
            for c in self.carts[:8]
        ]
        n = len(texts)

        def one(i: int) -> object:
            return pricing.preview_json(texts[i % n])

        return one

    def floor_fn(self) -> Callable[[int], object]:
        """The floor: Σ price × quantity in ``Decimal`` over the same carts."""
        prices = {p["id"]: Decimal(p["price"]) for p in self.ruleset["catalog"]}
        carts = [c["order"]["products"] for c in self.carts]
        n = len(carts)

        def one(i: int) -> object:
            total = Decimal(0)
            for p in carts[i % n]:
                total += prices[p["productId"]] * p["quantity"]
            return total

        return one


def fmt_rate(rate: float) -> str:
    if rate >= 100:
        return f"{rate:,.0f}"
    return f"{rate:,.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds")
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated sizes (default S,M,L)")
    parser.add_argument(
        "--no-json", dest="json", action="store_false", help="skip the one-call JSON path"
    )
    parser.add_argument(
        "--no-batch", dest="batch", action="store_false", help="skip the what-if batch timing"
    )
    args = parser.parse_args(argv)
    rounds, min_time = (3, 0.05) if args.quick else (9, 0.12)
    sizes = [SIZES[s.strip()] for s in args.sizes.split(",") if s.strip()]

    print(f"pricing benchmark — Python {sys.version.split()[0]}, one core, best of {rounds} rounds")
    print()
    header = (
        f"{'size':<5}{'lines':>6}{'disc':>6}{'compile ms':>12}{'engine/s':>11}{'+doc/s':>10}"
        f"{'backend/s':>11}{'json/s':>9}{'floor/s':>11}{'engine/floor':>14}{'+doc/engine':>13}"
        f"{'backend/engine':>16}"
    )
    print(header)
    print("-" * len(header))
    growth: list[tuple[str, float, float]] = []
    for size in sizes:
        base = Case(size, lines=size.lines, discounts=size.discounts)
        fns = {
            "engine": base.engine_fn(),
            "doc": base.document_fn(),
            "backend": base.backend_fn(),
            "floor": base.floor_fn(),
        }
        if size.name != "S":  # the growth cases take turns with the base case
            lines2 = Case(size, lines=size.lines * 2, discounts=size.discounts)
            disc2 = Case(size, lines=size.lines, discounts=size.discounts * 2)
            fns["lines2"] = lines2.engine_fn()
            fns["disc2"] = disc2.engine_fn()
        rate = best_rates(fns, rounds=rounds, min_time=min_time)
        json_rate = float("nan")
        if args.json:
            json_rate = best_rates(
                {"json": base.json_fn()}, rounds=max(2, rounds // 3), min_time=min_time
            )["json"]
        print(
            f"{size.name:<5}{size.lines:>6}{size.discounts:>6}"
            f"{base.compile_seconds * 1000:>12.1f}{fmt_rate(rate['engine']):>11}"
            f"{fmt_rate(rate['doc']):>10}{fmt_rate(rate['backend']):>11}"
            f"{fmt_rate(json_rate):>9}{fmt_rate(rate['floor']):>11}"
            f"{rate['floor'] / rate['engine']:>13.0f}×"
            f"{rate['engine'] / rate['doc']:>12.2f}×"
            f"{rate['engine'] / rate['backend']:>15.2f}×",
            flush=True,
        )
        if size.name != "S":
            growth.append(
                (size.name, rate["engine"] / rate["lines2"], rate["engine"] / rate["disc2"])
            )

    if growth:
        print()
        print("growth of the time per preview (engine path) when one dimension doubles")
        print(f"{'size':<5}{'lines ×2':>10}{'discounts ×2':>14}")
        for name, g_lines, g_disc in growth:
            print(f"{name:<5}{g_lines:>9.2f}×{g_disc:>13.2f}×")
    if args.batch:
        print()
        batch_table()
    print()
    print(
        "targets: S ≥ 30,000 and M ≥ 5,000 previews/s (engine); growth ≤ 2.2× (docs/performance.md)"
    )
    return 0


def batch_table(count: int = 4000) -> None:
    """A what-if over ``count`` M carts (two rule sets), in one process and in workers."""
    try:
        from pricing import batch
    except ImportError:  # an engine without the batch module (the baseline)
        return
    baseline, candidate = study_rulesets("M")
    carts = make_carts(baseline, SIZES["M"].lines, count)
    workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"what-if over {count} M carts (each priced under two rule sets), wall time")
    for processes in sorted({1, workers or 1}):
        start = time.perf_counter()
        batch.whatif(carts, baseline=baseline, candidate=candidate, processes=processes)
        elapsed = time.perf_counter() - start
        label = f"{processes} process" + ("es" if processes > 1 else "")
        print(f"  {label:<12}{count / elapsed:>9,.0f} carts/s")


if __name__ == "__main__":
    sys.exit(main())
