"""``pricing whatif``: compare two rule sets over many carts (docs/whatif.md).

    pricing whatif --baseline A.json --candidate B.json CARTS.jsonl [--out rows.csv]

prints the aggregate (revenue, discount spend, bonus, carts affected) and, with
``--out``, writes one row per cart as CSV or JSON Lines (from the extension, or
``--format``). Bad input (a rule set or a cart line that does not validate) exits 2
naming the file and line; a cart the engine refuses (unknown product, bad coupon)
is a row with ``error`` set and counts as refused in the aggregate.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .. import batch
from .._errors import ScenarioError, quote
from .._json import dumps
from ..batch.io import reading
from .summary import table

__all__ = ["add_arguments", "render_aggregate", "run", "write_rows"]

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def add_arguments(w: argparse.ArgumentParser) -> None:
    """The arguments of ``pricing whatif``."""
    w.add_argument("carts", metavar="CARTS", help="carts as JSON Lines, or - for standard input")
    w.add_argument("--baseline", required=True, metavar="A.json", help="rule set now")
    w.add_argument("--candidate", required=True, metavar="B.json", help="rule set to try")
    w.add_argument(
        "--out", metavar="FILE", help="write one row per cart (.csv or .jsonl; - = stdout)"
    )
    w.add_argument("--format", choices=("csv", "jsonl"), help="row format (default: from --out)")
    w.add_argument(
        "--at",
        metavar="INSTANT",
        help="instant for carts without their own 'at' (ISO 8601 with a zone; default: now)",
    )
    w.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="worker processes (default: one per core for batches of 2000 carts or more)",
    )
    w.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _parse_at(text: str) -> datetime:
    """``--at`` as an aware datetime; a bad or zoneless instant is bad input."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ScenarioError("--at", f"not an ISO 8601 instant: {quote(text)}") from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise ScenarioError("--at", "must carry a time zone (e.g. 2026-11-22T12:00:00Z)")
    return at


def _row_format(out: str, fmt: str | None) -> str:
    """The row format: ``--format``, else from the extension of ``--out``."""
    if fmt is not None:
        return fmt
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        raise ScenarioError(
            "--out", f"cannot tell the row format of {quote(out)}; use --format csv|jsonl"
        )
    return FORMATS[suffix]


def _cell(value: Any) -> str:
    """A CSV cell: empty for ``None``, ``true``/``false``, exact decimals as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # Decimal: exact, with the currency's decimals


def write_rows(study: batch.WhatIf, stream: TextIO, fmt: str) -> None:
    """The per-cart rows as CSV (header first) or JSON Lines."""
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(batch.COLUMNS)
        for record in study.records():
            writer.writerow([_cell(record[c]) for c in batch.COLUMNS])
    else:
        for record in study.records():
            stream.write(dumps(record) + "\n")


def _signed(value: Decimal) -> str:
    """A difference with its sign: ``+5.00``, ``-5.00``, ``0.00``."""
    return f"+{value}" if value > 0 else str(value)


def render_aggregate(agg: batch.Aggregate) -> str:
    """The aggregate of a study, for a person."""
    lines = [
        f"What-if over {agg.carts} carts ({agg.currency}): {agg.priced} priced under both "
        f"rule sets, {agg.errors} refused",
        "",
    ]
    figures = [
        ("revenue (totalDue)", agg.revenue_baseline, agg.revenue_candidate),
        ("discount spend", agg.discount_baseline, agg.discount_candidate),
        (
            "shipping discount spend",
            agg.shipping_discount_baseline,
            agg.shipping_discount_candidate,
        ),
        ("bonus applied", agg.bonus_baseline, agg.bonus_candidate),
    ]
    cells = [(label, str(b), str(c), _signed(c - b)) for label, b, c in figures]
    header = ("", "baseline", "candidate", "delta")
    lines.extend("  " + row for row in table(header, cells, {1, 2, 3}, rule=False))
    lines.append("")
    lines.append(
        f"carts affected: {agg.carts_affected} of {agg.priced} "
        f"(paying less: {agg.carts_paying_less}, paying more: {agg.carts_paying_more})"
    )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Compare two rule sets over many carts: per-cart rows and the aggregate.

    Price every cart under a baseline and a candidate rule set and compare. A rule
    set file is a scenario without order, customer and at; the carts file has one
    JSON object per line: {order, customer?, at?, id?}.
    """
    baseline = batch.RuleSet.load(args.baseline)
    candidate = batch.RuleSet.load(args.candidate)
    fmt = None if args.out is None else _row_format(args.out, args.format)
    if args.out is None and args.format is not None:
        raise ScenarioError("--format", "rows are written only with --out FILE")
    if args.carts == "-":
        with reading("standard input"):
            carts = batch.read_carts(sys.stdin)
    else:
        carts = batch.read_carts(args.carts)

    if args.processes is not None and args.processes < 1:
        raise ScenarioError("--processes", f"must be at least 1, got {args.processes}")
    at = None if args.at is None else _parse_at(args.at)
    if at is None and any(c.at is None for c in carts):
        at = datetime.now(UTC).replace(microsecond=0)
        err.write(
            f"pricing: note: carts without 'at' are priced at the current time {at.isoformat()}\n"
        )
    study = batch.whatif(
        carts,
        baseline=baseline,
        candidate=candidate,
        at=at,
        processes=args.processes,
        progress=False if args.no_progress else None,
    )

    summary = render_aggregate(study.aggregate)
    if args.out == "-":
        assert fmt is not None
        write_rows(study, out, fmt)
        err.write(summary)  # the rows own stdout
        return 0
    if args.out is not None:
        assert fmt is not None
        try:
            # backslashreplace: a lone surrogate read from a \ud800 escape is written
            # as that escape again (valid JSON), not a UnicodeEncodeError.
            with open(
                args.out, "w", encoding="utf-8", errors="backslashreplace", newline=""
            ) as stream:
                write_rows(study, stream, fmt)
        except OSError as exc:
            raise ScenarioError("--out", f"cannot write {args.out}: {exc.strerror}") from None
        summary += f"{len(study.rows)} rows written to {args.out} ({fmt})\n"
    out.write(summary)
    return 0
