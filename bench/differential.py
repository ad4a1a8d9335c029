"""Differential check: two versions of the engine give the same JSON, byte for byte.

Scenarios come from a corpus file (JSON Lines), made once by ``--make-corpus`` from
one version's :mod:`pricing.strategies` (derandomized, so the same code gives the same
corpus) plus the bundled examples. Both versions are imported side by side (each
``pricing`` package copied under another name, as in ``bench/ab.py``) and every
scenario is previewed by both: the JSON documents, or the error class and message,
must be equal. Usage, with the baseline in a worktree::

    git worktree add /tmp/base <commit>
    .venv/bin/python bench/differential.py --make-corpus /tmp/corpus.jsonl --from /tmp/base
    .venv/bin/python bench/differential.py /tmp/base . --corpus /tmp/corpus.jsonl

``--ignore KEY`` leaves a top-level key out of the comparison (for a deliberate change
of one field, such as ``totalSum``); ``--leave-out FEATURE`` makes a corpus without a
feature of the strategies (``input_variants`` draws forms that stricter input rules
refuse).
"""

from __future__ import annotations

import argparse
import importlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def load(tree: Path, name: str, into: Path) -> Any:
    """The ``pricing`` package of the project at ``tree``, imported as ``name``."""
    shutil.copytree(tree / "pricing", into / name)
    return importlib.import_module(name)


def make_corpus(package: Any, count: int, leave_out: frozenset[str] = frozenset()) -> list[Any]:
    """``count`` derandomized scenarios from ``package.strategies`` (without the features
    ``leave_out``), then the examples."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    strategies = importlib.import_module(package.__name__ + ".strategies")
    drawn: list[Any] = []
    every = strategies.FEATURES - leave_out
    mixed = st.one_of(
        strategies.scenarios(features=every),
        strategies.scenarios(features=every, max_discounts=10, max_lines=8),
        strategies.scenarios(
            features={"gifts", "unavailable", "markers", "input_variants"} - leave_out
        ),
    )

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mixed)
    def collect(scenario: Any) -> None:
        drawn.append(scenario)

    collect()
    examples = [json.loads(p.read_text()) for p in sorted((ROOT / "examples").glob("*.json"))]
    return drawn[:count] + examples


def outcome(package: Any, scenario: Any, ignore: list[str]) -> str:
    """The scenario's JSON under ``package``, indented and compact, and its document
    written compact, or its error's class and message. Numbers keep their text: the
    comparison is byte for byte."""
    try:
        result = package.preview(package.loads_json(json.dumps(scenario)))
        # the text written at once (compact and indented), then the document built
        texts = [result.to_json(), result.to_json(indent=None)]
        texts.append(package.dumps_json(result.document))
    except package.PricingError as exc:
        return f"{type(exc).__name__}: {exc}"
    if not ignore:
        return "\n".join(texts)
    docs = [
        json.loads(t, parse_float=lambda s: f"F{s}", parse_int=lambda s: f"I{s}") for t in texts
    ]
    for doc in docs:
        for key in ignore:
            doc.pop(key, None)
    return "\n".join(json.dumps(doc) for doc in docs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, nargs="?", help="project directory of version A")
    parser.add_argument("b", type=Path, nargs="?", help="project directory of version B")
    parser.add_argument("--corpus", type=Path, help="scenarios, one JSON document a line")
    parser.add_argument("--make-corpus", type=Path, help="write a corpus and stop")
    parser.add_argument("--from", dest="source", type=Path, default=ROOT)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--ignore", action="append", default=[])
    parser.add_argument(
        "--leave-out", action="append", default=[], help="a strategies feature not to draw"
    )
    parser.add_argument(
        "--within-limits",
        action="store_true",
        help="count apart the scenarios B refuses as bad input and A priced (new input rules)",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        sys.path.insert(0, scratch)
        if args.make_corpus:
            package = load(args.source.resolve(), "pricing_src", Path(scratch))
            corpus = make_corpus(package, args.count, frozenset(args.leave_out))
            with args.make_corpus.open("w") as f:
                for scenario in corpus:
                    f.write(json.dumps(scenario) + "\n")
            print(f"{len(corpus)} scenarios written to {args.make_corpus}")
            return 0
        if not (args.a and args.b and args.corpus):
            parser.error("give A, B and --corpus (or --make-corpus)")
        a = load(args.a.resolve(), "pricing_a", Path(scratch))
        b = load(args.b.resolve(), "pricing_b", Path(scratch))
        same = differ = errors = refused = 0
        for n, text in enumerate(args.corpus.read_text().splitlines(), 1):
            scenario = json.loads(text)
            ra, rb = outcome(a, scenario, args.ignore), outcome(b, scenario, args.ignore)
            errors += not ra.startswith("{")
            if args.within_limits and ra.startswith("{") and rb.startswith("ScenarioError"):
                refused += 1
                continue
            if ra == rb:
                same += 1
                continue
            differ += 1
            if differ <= 5:
                print(f"scenario {n} differs:\n  A {ra[:300]}\n  B {rb[:300]}", file=sys.stderr)
    print(f"{same} identical, {differ} different ({errors} of them errors in A)")
    if args.within_limits:
        print(f"{refused} priced by A and refused by B as bad input (outside the limits)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
