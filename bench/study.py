"""A generated what-if study for the batch benchmarks: two rule sets, carts in files.

The rule sets and carts come from bench/scenarios.py (seeded, the same on every
machine); carts are written as JSON Lines a chunk at a time, so a million of them
never sit in memory.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenarios import SIZES, make_carts, make_ruleset

__all__ = ["study_rulesets", "write_carts"]

CHUNK = 1000
"""Carts generated at a time (each chunk with its own seed)."""


def study_rulesets(size: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Baseline and candidate of a size: the same catalog, other discounts."""
    s = SIZES[size]
    baseline = make_ruleset(s.discounts, s.catalog)
    candidate = make_ruleset(s.discounts, s.catalog, seed=3)
    candidate["catalog"] = baseline["catalog"]
    return baseline, candidate


def generate(ruleset: dict[str, Any], size: str, count: int) -> Iterator[dict[str, Any]]:
    """``count`` carts of ``size`` with ids 0, 1, … generated a chunk at a time."""
    for start in range(0, count, CHUNK):
        chunk = make_carts(ruleset, SIZES[size].lines, min(CHUNK, count - start), seed=start + 2)
        for n, cart in enumerate(chunk):
            yield {**cart, "id": start + n}


def write_carts(
    folder: Path, ruleset: dict[str, Any], size: str, count: int, files: int
) -> list[Path]:
    """``count`` carts in ``files`` files ``carts-0000.jsonl`` … of (nearly) equal length."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"carts-{n:04d}.jsonl" for n in range(files)]
    carts = generate(ruleset, size, count)
    for n, path in enumerate(paths):
        share = count // files + (1 if n < count % files else 0)
        with path.open("w", encoding="utf-8") as out:
            for _ in range(share):
                out.write(json.dumps(next(carts), separators=(",", ":")) + "\n")
    return paths
