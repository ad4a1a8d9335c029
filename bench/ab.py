"""A/B benchmark: two versions of the engine in one process, on the same carts.

A shared VM's speed drifts by up to 2× over minutes, so two ``make bench`` runs
cannot tell a 5 % change apart. This imports both versions side by side (each
``pricing`` package copied under another name), checks that they give the same
JSON for every cart, then times them in alternation and prints the best time per
preview of each and their ratio. Usage, with the baseline in a worktree::

    git worktree add /tmp/base main
    .venv/bin/python bench/ab.py /tmp/base . --size M [--document | --backend]

``--backend`` times the backend's path instead: the order and customer as JSON text
in, ``Engine.preview_json``, the compact JSON text out (both versions must give the
same text). ``--one-call`` times ``pricing.preview_json`` on whole scenario texts
(parse, validate, compile, price, write indented: ``pricing preview --json``'s path).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import CARTS, build_engine
from scenarios import AT, SIZES, make_carts, make_ruleset

REPEATS = {"S": 8, "M": 2, "L": 1}


def load(tree: Path, name: str, into: Path) -> Any:
    """The ``pricing`` package of the project at ``tree``, imported as ``name``."""
    shutil.copytree(tree / "pricing", into / name)
    return importlib.import_module(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="project directory of version A (the baseline)")
    parser.add_argument("b", type=Path, help="project directory of version B")
    parser.add_argument("--size", default="M", choices=sorted(SIZES))
    parser.add_argument("--document", action="store_true", help="also build the document")
    parser.add_argument("--backend", action="store_true", help="JSON text in, JSON text out")
    parser.add_argument(
        "--one-call", action="store_true", help="pricing.preview_json of whole scenarios"
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--ignore", action="append", default=[], help="a top-level key left out of the check"
    )
    args = parser.parse_args(argv)

    size = SIZES[args.size]
    ruleset = make_ruleset(size.discounts, size.catalog)
    carts = make_carts(ruleset, size.lines, CARTS[size.name])
    at = datetime.fromisoformat(AT)
    with tempfile.TemporaryDirectory() as scratch:
        sys.path.insert(0, scratch)
        engines, packages = [], []
        for tag, tree in (("pricing_a", args.a), ("pricing_b", args.b)):
            package = load(tree.resolve(), tag, Path(scratch))
            engines.append(build_engine(ruleset, package.Engine))
            packages.append(package)
        a, b = engines
        a_json = sys.modules["pricing_a"].dumps_json
        for cart in carts:
            da = a.preview(cart["order"], customer=cart["customer"], at=at).to_dict()
            db = b.preview(cart["order"], customer=cart["customer"], at=at).to_dict()
            for key in args.ignore:
                da.pop(key, None)
                db.pop(key, None)
            if da != db:
                print(f"A and B differ on cart {cart['id']}", file=sys.stderr)
                return 1

        texts = [(a_json(c["order"]), a_json(c["customer"])) for c in carts]
        if args.backend:
            for order, customer in texts:
                if a.preview_json(order, customer, at=at) != b.preview_json(order, customer, at=at):
                    print(f"A and B write different text for {order[:60]}", file=sys.stderr)
                    return 1

        scenarios = [
            a_json({**ruleset, "order": c["order"], "customer": c["customer"], "at": c["at"]})
            for c in carts[:8]
        ]
        if args.one_call:
            for text in scenarios:
                if packages[0].preview_json(text) != packages[1].preview_json(text):
                    print("A and B write different text for a scenario", file=sys.stderr)
                    return 1

        def timer(engine: Any, package: Any) -> Callable[[], float]:
            def run() -> float:
                gc.collect()  # (the other version's garbage is not this one's to collect)
                start = time.perf_counter()
                if args.one_call:
                    for text in scenarios:
                        package.preview_json(text)
                    return (time.perf_counter() - start) / len(scenarios)
                for _ in range(REPEATS[size.name]):
                    if args.backend:
                        for order, customer in texts:
                            engine.preview_json(order, customer, at=at)
                        continue
                    for cart in carts:
                        result = engine.preview(cart["order"], customer=cart["customer"], at=at)
                        _ = result.document if args.document else result.total_due
                return (time.perf_counter() - start) / (REPEATS[size.name] * len(carts))

            return run

        runs = {"A": timer(a, packages[0]), "B": timer(b, packages[1])}
        best = dict.fromkeys(runs, float("inf"))
        for _ in range(args.rounds):
            for name, run in runs.items():  # in alternation: a drift slows both alike
                best[name] = min(best[name], run())
    print(
        f"{size.name}{' +document' if args.document else ' backend' if args.backend else ''}"
        f"{' one-call' if args.one_call else ''}: "
        f"A {best['A'] * 1e6:,.1f} µs  B {best['B'] * 1e6:,.1f} µs  "
        f"B/A {best['B'] / best['A']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
