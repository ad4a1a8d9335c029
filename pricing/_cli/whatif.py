"""``pricing whatif``: compare two rule sets over many carts (docs/whatif.md).

    pricing whatif --baseline A.json --candidate B.json CARTS.jsonl [--out rows.csv]

prints the aggregate (revenue, discount spend, bonus, carts affected) and, with
``--out``, writes one row per cart as CSV, JSON Lines or Parquet (from the
extension, or ``--format``). Bad input (a rule set or a cart line that does not
validate) exits 2 naming the file and line; a cart the engine refuses (unknown
product, bad coupon) is a row with ``error`` set and counts as refused in the
aggregate. ``--dask SCHEDULER|local`` runs the same study on a Dask cluster, a
partition per carts file, ``--out`` then naming a directory of one file per partition.
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from .. import batch
from .._errors import ScenarioError, quote
from .._json import dumps
from .._values import instant, is_aware
from ..batch.io import reading, utf8_lines
from ..batch.output import ROW_FORMATS, RowWriter, written
from .arguments import ascii_int
from .summary import table

__all__ = ["add_arguments", "render_aggregate", "run", "write_rows"]

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


def add_arguments(w: argparse.ArgumentParser) -> None:
    """The arguments of ``pricing whatif``."""
    w.add_argument(
        "carts",
        metavar="CARTS",
        help="carts as JSON Lines, or - for standard input (with --dask: a file or a glob)",
    )
    w.add_argument("--baseline", required=True, metavar="A.json", help="rule set now")
    w.add_argument("--candidate", required=True, metavar="B.json", help="rule set to try")
    w.add_argument(
        "--strict",
        action="store_true",
        help="an unknown key of a discount or coupon object is an error, not a warning",
    )
    w.add_argument(
        "--out",
        metavar="FILE",
        help="write one row per cart (.csv, .jsonl or .parquet; - = stdout; "
        "with --dask: a directory, a file per partition)",
    )
    w.add_argument(
        "--format", choices=ROW_FORMATS, help="row format (default: from --out; jsonl with --dask)"
    )
    w.add_argument(
        "--at",
        metavar="INSTANT",
        help="instant for carts without their own 'at' (ISO 8601 with a zone; default: now)",
    )
    w.add_argument(
        "--processes",
        type=ascii_int,
        metavar="N",
        help="worker processes (default: one per core for batches of 2000 carts or more)",
    )
    w.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    w.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="price on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' "
        "(a local cluster, one worker per core); needs exact-discounts[dask]",
    )


def _parse_at(text: str) -> datetime:
    """``--at`` as an aware datetime; a bad or zoneless instant is bad input."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ScenarioError("--at", f"not an ISO 8601 instant: {quote(text)}") from None
    if not is_aware(at):
        raise ScenarioError("--at", "must carry a time zone (e.g. 2026-11-22T12:00:00Z)")
    try:
        return instant(text)  # (as a scenario's instants are read: no finer than 1 µs)
    except ValueError as exc:
        raise ScenarioError("--at", str(exc)) from None


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


def write_rows(study: batch.WhatIf, stream: TextIO, fmt: str) -> None:
    """The per-cart rows as CSV (header first) or JSON Lines."""
    writer = RowWriter(stream, fmt)
    for record in study.records():
        writer.write(record)


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
    JSON object per line: {order, customer?, at?, id?, usage?}.
    """
    rulesets = (
        batch.RuleSet.load(args.baseline, strict=args.strict),
        batch.RuleSet.load(args.candidate, strict=args.strict),
    )
    for ruleset in rulesets:  # (a typo in a discount changes a study silently otherwise)
        for warning in ruleset.warnings:
            err.write(f"pricing: warning: {ruleset.name}: {dumps(warning)}\n")
    if args.out is None and args.format is not None:
        raise ScenarioError("--format", "rows are written only with --out FILE")
    if args.processes is not None and args.processes < 1:
        raise ScenarioError("--processes", f"must be at least 1, got {args.processes}")
    at = None if args.at is None else _parse_at(args.at)
    if args.dask is not None:
        return _run_on_dask(args, rulesets, at, out, err)
    if args.out is None:
        out.write(render_aggregate(_streamed(args, rulesets, at, err)))
        return 0
    fmt = _row_format(args.out, args.format)
    if args.out == "-" and fmt == "parquet":
        raise ScenarioError("--out", "Parquet rows go to a file, not to standard output")
    if args.out != "-":
        agg = _rows_to_file(args, rulesets, at, fmt, err)
        out.write(render_aggregate(agg) + f"{agg.carts} rows written to {args.out} ({fmt})\n")
        return 0
    # Rows on stdout cannot be taken back: every cart is checked before any is priced.
    if args.carts == "-":
        carts = list(batch.iter_carts(_stdin_lines(), name=STDIN))
    else:
        carts = batch.read_carts(args.carts)
    if at is None and any(c.at is None for c in carts):
        at = _now(err, "carts without 'at'")
    study = batch.whatif(
        carts,
        baseline=rulesets[0],
        candidate=rulesets[1],
        at=at,
        processes=args.processes,
        progress=False if args.no_progress else None,
    )
    write_rows(study, out, fmt)
    err.write(render_aggregate(study.aggregate))  # the rows own stdout
    return 0


def _rows_to_file(
    args: argparse.Namespace,
    rulesets: tuple[batch.RuleSet, batch.RuleSet],
    at: datetime | None,
    fmt: str,
    err: TextIO,
) -> batch.Aggregate:
    """The rows written to ``--out`` as the carts are priced, memory flat in their number.

    They go to a new file beside the target, which takes the target's place once the
    study is done: a bad line met halfway leaves no file of half the rows (nor an
    older file changed), and a target that cannot be written is found before the
    first cart is priced.
    """
    target = Path(args.out)
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    with _writing(args.out):
        part.open("x").close()  # (made now: an unwritable place is told at once)
    try:
        with _writing(args.out):
            agg = _streamed(args, rulesets, at, err, rows_to=(part, fmt))
            os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)  # (gone already when the study is done)
    return agg


def _carts(args: argparse.Namespace) -> Iterator[batch.Cart]:
    """The carts of ``CARTS`` (a file, or ``-``), read one at a time."""
    if args.carts == "-":
        return batch.iter_carts(_stdin_lines(), name=STDIN)
    return batch.iter_carts(args.carts)


def _watched(carts: Iterator[batch.Cart]) -> tuple[list[bool], Iterator[batch.Cart]]:
    """``carts`` as they come, and a flag set once one of them has no ``at``."""
    undated = [False]

    def each() -> Iterator[batch.Cart]:
        for cart in carts:
            if cart.at is None:
                undated[0] = True
            yield cart

    return undated, each()


def _streamed(
    args: argparse.Namespace,
    rulesets: tuple[batch.RuleSet, batch.RuleSet],
    at: datetime | None,
    err: TextIO,
    rows_to: tuple[Path, str] | None = None,
) -> batch.Aggregate:
    """The aggregate, the carts priced as they are read and none kept, so memory stays
    flat in their number (a bad line stops the study where it is met); ``rows_to``:
    each row also written to that file, in that format."""
    now = None if at is not None else datetime.now(UTC).replace(microsecond=0)
    undated, carts = _watched(_carts(args))
    rows = batch.iter_whatif(
        carts,
        baseline=rulesets[0],
        candidate=rulesets[1],
        at=at or now,
        processes=args.processes,
        progress=False if args.no_progress else None,
    )
    currency = rulesets[0].currency
    if rows_to is not None:
        rows = written(rows, *rows_to, currency)
    agg = batch.Aggregate.of_rows(currency, rows)
    if now is not None and undated[0]:  # (said once the carts are read)
        _say_now(err, "carts without 'at'", now)
    return agg


STDIN = "standard input"


def _stdin_lines() -> Iterator[str]:
    """Standard input's lines, read as UTF-8 (as ``preview -`` reads it), whatever the
    locale's encoding; a failure to read them is bad input naming it (and only that:
    what the consumer does between two lines is not read)."""
    with reading(STDIN):
        buffer = getattr(sys.stdin, "buffer", None)  # (none if replaced by a text stream)
        yield from sys.stdin if buffer is None else utf8_lines(buffer, STDIN)


def _now(err: TextIO, which: str) -> datetime:
    """The current instant, for carts without their own; said on ``err``."""
    at = datetime.now(UTC).replace(microsecond=0)
    _say_now(err, which, at)
    return at


def _say_now(err: TextIO, which: str, at: datetime) -> None:
    err.write(f"pricing: note: {which} are priced at the current time {at.isoformat()}\n")


@contextmanager
def _writing(target: str) -> Iterator[None]:
    """A failure to write ``target`` as bad input naming it."""
    try:
        yield
    except OSError as exc:
        raise ScenarioError("--out", f"cannot write {target}: {exc.strerror or exc}") from None


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """The client's own loggers quiet for the study: bad input on a worker is reported
    in one line by this command, not as tracebacks of cancelled tasks."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _run_on_dask(
    args: argparse.Namespace,
    rulesets: tuple[batch.RuleSet, batch.RuleSet],
    at: datetime | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """The study on a Dask cluster: a partition per carts file, rows a file per partition."""
    try:
        import dask.bag

        from .. import dask as on_dask
    except ImportError:
        raise ScenarioError(
            "--dask", 'needs the dask extra: pip install "exact-discounts[dask]"'
        ) from None
    if args.carts == "-":
        raise ScenarioError("CARTS", "with --dask, carts come from files (a path or a glob)")
    if args.processes is not None:
        raise ScenarioError("--processes", "not with --dask (each Dask worker is a process)")
    if args.out == "-":
        raise ScenarioError("--out", "with --dask, rows go to a directory (a file per partition)")
    if "://" not in args.carts and not glob.glob(args.carts):
        raise ScenarioError(args.carts, "no such file", source=args.carts)
    fmt = args.format or "jsonl"
    parts = None if args.out is None else os.path.join(args.out, f"part-*.{fmt}")
    if parts is not None and glob.glob(os.path.join(args.out, "part-*")):
        raise ScenarioError(
            "--out", f"{args.out} holds the files of an earlier study: give a new or empty one"
        )
    lines = dask.bag.read_text(args.carts, include_path=True)
    at = at or _now(err, "carts without 'at' (if any)")
    try:
        with (
            _quiet_dask(),
            on_dask.connect(args.dask, quiet=True) as client,
            _writing(args.out or ""),
        ):
            agg = on_dask.whatif(
                lines,
                baseline=rulesets[0],
                candidate=rulesets[1],
                at=at,
                rows=args.out,
                rows_format=fmt,
                client=client,
                progress=False if args.no_progress else None,
            )
    except BaseException:
        for done in glob.glob(parts) if parts is not None else ():  # (all of this study's)
            os.remove(done)
        raise
    summary = render_aggregate(agg)
    if parts is not None:
        summary += f"{agg.carts} rows written to {parts} ({fmt}, a file per partition)\n"
    out.write(summary)
    return 0
