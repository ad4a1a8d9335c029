"""What-if rows written out: CSV, JSON Lines or Parquet, as the rows come.

CSV writes money with the currency's decimals (``5.00``); JSON Lines exact JSON
numbers; Parquet ``decimal128`` columns with the currency's scale (the ``id``
column as text). Parquet needs pyarrow (the ``[dask]`` extra brings it).
"""

from __future__ import annotations

import csv
import importlib
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

from .._json import dumps
from .._money import currency as lookup_currency
from .whatif import COLUMNS, MONEY_COLUMNS, WhatIfRow

__all__ = ["ROW_FORMATS", "RowWriter", "open_rows", "written"]

ROW_FORMATS = ("csv", "jsonl", "parquet")
"""The formats rows can be written in."""

PARQUET_BATCH = 10_000
"""Rows per Parquet row group: what a writer holds before writing them."""


def _cell(value: Any) -> str:
    """A CSV cell: empty for ``None``, ``true``/``false``, exact decimals as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # Decimal: exact, with the currency's decimals


class RowWriter:
    """Writes records (:meth:`WhatIfRow.as_dict`) to a text stream as CSV or JSON Lines."""

    def __init__(self, stream: TextIO, fmt: str) -> None:
        self._stream = stream
        self._csv = csv.writer(stream, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(COLUMNS)

    def write(self, record: Mapping[str, Any]) -> None:
        """One row."""
        if self._csv is not None:
            self._csv.writerow([_cell(record[c]) for c in COLUMNS])
        else:
            self._stream.write(dumps(record) + "\n")


class _ParquetWriter:
    """Writes records to a Parquet file, :data:`PARQUET_BATCH` rows a row group."""

    def __init__(self, path: str, currency: str) -> None:
        try:
            self._pa = importlib.import_module("pyarrow")
            parquet = importlib.import_module("pyarrow.parquet")
        except ImportError:
            raise ImportError(
                'Parquet rows need pyarrow: pip install "exact-discounts[dask]"'
            ) from None
        money = self._pa.decimal128(38, lookup_currency(currency).exponent)
        types = {c: money if c in MONEY_COLUMNS else self._pa.string() for c in COLUMNS}
        types["affected"] = self._pa.bool_()
        self._text = {c for c, t in types.items() if t == self._pa.string()}
        self._schema = self._pa.schema(list(types.items()))
        self._file = parquet.ParquetWriter(path, self._schema)
        self._pending: list[Mapping[str, Any]] = []

    def write(self, record: Mapping[str, Any]) -> None:
        """One row (written with the others of its row group)."""
        self._pending.append(record)
        if len(self._pending) >= PARQUET_BATCH:
            self._flush()

    def _flush(self) -> None:
        """Write the rows held as one row group (ids and other text columns as text)."""
        columns = {c: [r[c] for r in self._pending] for c in COLUMNS}
        for c in self._text:
            columns[c] = [None if v is None else str(v) for v in columns[c]]
        self._file.write_table(self._pa.table(columns, schema=self._schema))
        self._pending = []

    def close(self) -> None:
        """Write what is held and end the file."""
        if self._pending:
            self._flush()
        self._file.close()


@contextmanager
def open_rows(path: str | os.PathLike[str], fmt: str, currency: str) -> Iterator[Any]:
    """A writer of rows (``.write(record)``) into the file ``path``, closed at the end."""
    if fmt == "parquet":
        parquet = _ParquetWriter(os.fspath(path), currency)
        try:
            yield parquet
        finally:
            parquet.close()
        return
    # backslashreplace: a lone surrogate read from a \ud800 escape is written as that
    # escape again (valid JSON), not a UnicodeEncodeError.
    with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as stream:
        yield RowWriter(stream, fmt)


def written(
    rows: Iterable[WhatIfRow], path: str | os.PathLike[str], fmt: str, currency: str
) -> Iterator[WhatIfRow]:
    """``rows`` as they are, each also written to the file ``path`` in ``fmt``."""
    with open_rows(path, fmt, currency) as writer:
        for row in rows:
            writer.write(row.as_dict())
            yield row
