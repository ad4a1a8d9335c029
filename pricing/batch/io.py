"""Batch inputs: rule-set files, and carts read from JSON Lines.

A rule set is a scenario without ``order``, ``customer``, ``at`` and ``usage``; a
cart is ``{"order", "customer"?, "at"?, "id"?, "usage"?}``. Bad input is a
[`ScenarioError`][pricing.ScenarioError] whose path names the file (and the line).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from .._engine import Engine, pickled_now
from .._errors import ScenarioError, moved
from .._json import loads
from .._limits import MAX_FILE_BYTES, check_tree
from .._schema import Customer, Order, Usage, UsageEntry, validate
from .._schema import RuleSet as _RuleSetModel
from .._schema.base import _Strict
from .._values import Instant, Key

__all__ = [
    "Cart",
    "RuleSet",
    "iter_carts",
    "parse_cart",
    "parse_json",
    "read_carts",
    "read_text",
    "reading",
    "utf8_lines",
]


# ---------------------------------------------------------------------------
# files


@contextmanager
def reading(name: str) -> Iterator[None]:
    """Turn a failure to read ``name`` as UTF-8 text into bad input naming it.

    Args:
        name: the file name (or ``"standard input"``) the messages give.
    """
    try:
        yield
    except FileNotFoundError:
        raise ScenarioError(name, "no such file", source=name) from None
    except IsADirectoryError:
        raise ScenarioError(name, "is a directory, not a file", source=name) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(name, f"is not UTF-8 text (byte {exc.start})", source=name) from None
    except OSError as exc:
        raise ScenarioError(name, f"cannot read: {exc.strerror or exc}", source=name) from None


def utf8_lines(stream: IO[bytes], name: str) -> Iterator[str]:
    """The lines of ``stream`` as UTF-8 text, split where a text file splits them (after
    ``\\n``, ``\\r\\n`` or ``\\r``).

    Each line is decoded on its own, so that a byte that is no UTF-8 is bad input naming
    its line and its place in the stream (a text file decodes ahead, a chunk at a time,
    and knows neither), and standard input is read as UTF-8 whatever the locale's
    encoding is.
    """
    lineno = offset = 0
    while raw := stream.readline(MAX_FILE_BYTES + 1):
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(f"{name}:{lineno + 1}", f"a line larger than {_TOO_LARGE}")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not offset and raw.startswith(b"\x1f\x8b"):  # gzip's mark
                raise ScenarioError(
                    name, "is gzip-compressed: give it decompressed (zcat FILE | … -)", source=name
                ) from None
            before = raw[: exc.start].replace(b"\r\n", b"\n").count(b"\r")
            raise ScenarioError(
                f"{name}:{lineno + before + 1}",
                f"is not UTF-8 text (byte {offset + exc.start})",
                source=name,
            ) from None
        offset += len(raw)
        if "\r" not in text:
            lineno += 1
            yield text
            continue
        pieces = text.replace("\r\n", "\n").split("\r")
        last = pieces.pop()  # ("" when the stream ended just after a lone CR)
        for piece in pieces:
            lineno += 1
            yield piece + "\n"  # (ended, as a text file ends each line)
        if last:
            lineno += 1
            yield last


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a UTF-8 file; a leading byte-order mark is dropped.

    Raises:
        ScenarioError: the file is missing, unreadable or not UTF-8 (names the file).
    """
    name = os.fspath(path)
    with reading(name), open(name, "rb") as file:
        return bounded_text(file, name)


def bounded_text(stream: IO[bytes], name: str) -> str:
    """The UTF-8 text of ``stream`` (a byte-order mark dropped), at most
    :data:`~pricing._limits.MAX_FILE_BYTES` bytes of it: more is bad input naming
    ``name``, not a read that fills the memory (``/dev/zero``)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ScenarioError(name, f"larger than {_TOO_LARGE}", source=name)
    with reading(name):
        text = data.decode("utf-8-sig")
    # Lines end as a text file's do (a malformed JSON's line numbers count CRs too).
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


_TOO_LARGE = f"{MAX_FILE_BYTES >> 20} MiB (the most a file of input may hold)"


def _prefixed(exc: ScenarioError, prefix: str) -> ScenarioError:
    """``exc`` with ``prefix`` (a file name, a line) before each path."""
    source = f"{prefix}: {exc.source}" if exc.source else prefix
    return moved(exc, lambda path: f"{prefix}: {path}" if path else prefix, source)


def parse_json(text: str, where: str = "") -> Any:
    """JSON ``text`` with exact numbers; bad JSON is bad input naming ``where`` (if given).

    Nesting too deep for the parser is malformed JSON like any other, not a
    ``RecursionError``.
    """
    try:
        return loads(text)
    except RecursionError:
        problem = ScenarioError("", "malformed JSON: nested too deeply")
    except ScenarioError as exc:
        problem = exc
    raise (_prefixed(problem, where) if where else problem) from None


# ---------------------------------------------------------------------------
# rule sets


_NOT_IN_A_RULE_SET = {
    "order": "carts come from the carts file",
    "customer": "customers come with the carts",
    "at": "the instant comes with the carts (or --at)",
    "usage": "usage counters come with the carts",
}


def _private(model: _RuleSetModel) -> _RuleSetModel:
    """A copy of ``model`` that holds none of the caller's objects (a validated model may
    hold the caller's nested lists and dicts, which the caller may edit afterwards, and
    which a rule set's workers get): the rule set keeps and compiles this copy."""
    frozen = pickled_now(model)
    if frozen is None:
        return model
    copy = pickle.loads(frozen)  # (bytes made just above)
    return copy if isinstance(copy, _RuleSetModel) else validate(_RuleSetModel, copy)


class RuleSet:
    """A rule set: its (validated) data, compiled into an [`Engine`][pricing.Engine] once.

    Unlike an engine, a rule set can be sent to worker processes (it travels as
    data and is compiled again there).
    """

    def __init__(
        self, data: Mapping[str, Any], *, name: str = "rule set", strict: bool = False
    ) -> None:
        self._read(data, name, strict, walked=False)

    def _read(self, data: Mapping[str, Any], name: str, strict: bool, *, walked: bool) -> None:
        """Validate and compile ``data``; ``walked``: parsed by ``loads`` (held to the input
        limits already)."""
        if not isinstance(data, Mapping):
            raise ScenarioError(name, "a rule set is a JSON object", source=name)
        for key, why in _NOT_IN_A_RULE_SET.items():
            if key in data:
                why_not = f"a rule set has no {key!r} ({why})"
                raise ScenarioError(f"{name}: {key}", why_not, source=name)
        self.strict = strict
        """Whether an unknown key at the top of a discount or coupon object is an error
        (else a warning: :attr:`warnings`)."""
        try:
            if not walked:
                check_tree(data)
            model = validate(_RuleSetModel, data)
            self._model = model if walked else _private(model)
            self._engine = self._compile()
        except ScenarioError as exc:
            raise _prefixed(exc, name) from None
        self.name = name

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, strict: bool = False) -> RuleSet:
        """Read a rule set JSON file (bad input names the file)."""
        name = os.fspath(path)
        rules = cls.__new__(cls)
        rules._read(parse_json(read_text(name), name), name, strict, walked=True)
        return rules

    def _compile(self) -> Engine:
        """The rule set compiled into an engine (again after unpickling)."""
        return Engine._of_walked(self._model, None, self.strict)

    @property
    def warnings(self) -> tuple[Mapping[str, Any], ...]:
        """What compiling found to say: an `unknown_field` warning for each unknown key
        at the top of a discount or coupon object (a typo there changes the study
        silently otherwise)."""
        return tuple(dict(w) for w in self._engine._rs.index.warnings)

    @property
    def engine(self) -> Engine:
        """The compiled rule set."""
        return self._engine

    @property
    def currency(self) -> str:
        """The rule set's ISO 4217 currency code."""
        return self._model.currency

    def __getstate__(self) -> dict[str, Any]:
        # the engine is compiled again
        return {"model": self._model, "name": self.name, "strict": self.strict}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._model = state["model"]
        self.name = state["name"]
        self.strict = state.get("strict", False)
        self._engine = self._compile()

    def __repr__(self) -> str:
        return (
            f"RuleSet({self.name!r}, currency={self.currency!r}, "
            f"discounts={len(self._model.discounts)}, catalog={len(self._model.catalog)})"
        )


# ---------------------------------------------------------------------------
# carts


@dataclass(frozen=True)
class Cart:
    """One cart to price: its order, customer (``None``: a guest) and instant."""

    id: int | str
    """The cart's id: its `id`, or its line number in the file."""
    order: Order
    """The validated order."""
    customer: Customer | None = None
    """The shopper; `None`: a guest."""
    at: datetime | None = None
    """``None``: the batch's ``at`` is used."""
    source: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    """The JSON form it was read from: what is sent to worker processes (validated
    models are much slower to pickle than the plain data they came from)."""
    usage: Mapping[str, UsageEntry] | None = None
    """What the caller's storage knows of each discount's use (docs/usage-limits.md)."""
    walked: bool = field(default=False, init=False, compare=False, repr=False)
    """Whether its order and customer were held to the input limits when it was read
    (:func:`parse_cart` does; a cart made by hand, or changed with
    ``dataclasses.replace``, is walked each time it is priced)."""


class _CartModel(_Strict):
    """The JSON form of one cart (only ``order`` is required)."""

    id: Key | None = None  # (strict: true is no id, and would pass for 1)
    order: Order
    customer: Customer | None = None
    at: Instant | None = None
    usage: Usage | None = None


def parse_cart(data: Any, *, default_id: int | str = 0, where: str = "cart") -> Cart:
    """A cart from its JSON form ``{"order", "customer"?, "at"?, "id"?, "usage"?}``.

    ``where`` prefixes the paths of bad input (e.g. ``carts.jsonl:3``).
    """
    return _cart(data, default_id, where, walked=False)


def _cart(data: Any, default_id: int | str, where: str, *, walked: bool) -> Cart:
    """:func:`parse_cart`; ``walked``: ``data`` is what ``loads`` returned (held to the
    input limits already)."""
    if isinstance(data, Cart):
        return data
    if not isinstance(data, Mapping):
        raise ScenarioError(where, "a cart is a JSON object", source=where)
    try:
        if not walked:
            check_tree(data)
        m = validate(_CartModel, data)
        if m.at is None and "at" in m.model_fields_set:  # (left out: the batch's instant)
            raise ScenarioError("at", "must be an ISO 8601 date-time with a zone offset, not null")
    except ScenarioError as exc:
        raise _prefixed(exc, where) from None
    # Its JSON form goes to worker processes when it is what loads returned: plain data
    # that pickles (a caller's mapping may not: a mappingproxy anywhere in it).
    source = data if walked else None
    cart_id = default_id if m.id is None else m.id
    cart = Cart(cart_id, m.order, m.customer, m.at, source, m.usage)
    object.__setattr__(cart, "walked", True)  # (held to the limits just now)
    return cart


def read_carts(source: str | os.PathLike[str] | IO[str] | Iterable[str]) -> list[Cart]:
    """Carts from JSON Lines: a file name, an open text file or lines of text.

    One JSON object per line; blank lines are skipped. A cart without ``id`` gets
    its line number. Bad input names the line (``carts.jsonl:3: order: ...``).
    Every line is read (and checked) before this returns; :func:`iter_carts` streams.
    """
    return list(iter_carts(source))


def iter_carts(
    source: str | os.PathLike[str] | IO[str] | Iterable[str], *, name: str | None = None
) -> Iterator[Cart]:
    """The carts of :func:`read_carts` one at a time, holding only the current line.

    A file named is opened on the first ``next()`` and closed at its end. ``name``
    (default: the file's name, else ``"carts"``) is what bad input is named after.
    """
    if isinstance(source, bytes) or not isinstance(source, str | os.PathLike | Iterable):
        kind = type(source).__name__
        raise ScenarioError("carts", f"a file name, an open text file or lines of text, not {kind}")
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        with reading(path), open(path, "rb") as handle:
            yield from _carts_from_lines(utf8_lines(handle, name or path), name or path)
    else:
        yield from _carts_from_lines(source, name or str(getattr(source, "name", "carts")))


def _carts_from_lines(lines: Iterable[str], name: str) -> Iterator[Cart]:
    """One cart per non-blank line (a byte-order mark on the first is dropped)."""
    for lineno, line in enumerate(lines, start=1):
        if not isinstance(line, str):  # (carts given as objects, or a file opened as bytes)
            raise ScenarioError(
                f"{name}:{lineno}",
                f"a line of JSON text, not {type(line).__name__} (carts as objects: parse_cart)",
            )
        text = line.removeprefix("\ufeff") if lineno == 1 else line
        if not text.strip():
            continue
        where = f"{name}:{lineno}"
        # (without its line end: malformed JSON is then at "line 1 column N", not line 2)
        yield _cart(parse_json(text.rstrip("\r\n"), where), lineno, where, walked=True)
