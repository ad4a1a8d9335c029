"""JSON in and out with exact numbers: ``Decimal`` never passes through ``float``."""

from __future__ import annotations

import codecs
import copy
import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ._errors import PricingConfigError, ScenarioError, quote
from ._limits import (
    MAX_NUMBER_DIGITS,
    MAX_TREE_DEPTH,
    DuplicateKeys,
    LongNumber,
    NotANumber,
    check_tree,
    mantissa_digits,
)

__all__ = [
    "LEAVES",
    "ExponentDecimal",
    "copy_json",
    "dumps",
    "format_decimal",
    "loads",
    "loads_cart",
]


LEAVES = frozenset({str, int, float, bool, type(None), Decimal})
"""Immutable JSON values: a copy may share them."""


def copy_json(value: Any, *, strict: bool = False) -> Any:
    """A deep copy of JSON-shaped ``value``: new dicts and lists, the leaves shared, anything
    else deep-copied the general way (several times quicker than :func:`copy.deepcopy`,
    which remembers every object it meets). ``strict``: what JSON cannot write (a set, a
    model) raises ``TypeError`` instead."""
    kind = type(value)
    if kind is dict:
        return {
            k: v if type(v) in LEAVES else copy_json(v, strict=strict) for k, v in value.items()
        }
    if kind is list:
        return [v if type(v) in LEAVES else copy_json(v, strict=strict) for v in value]
    if kind in LEAVES:
        return value
    if strict and not isinstance(value, _WRITABLE):
        raise TypeError(f"cannot write {kind.__name__} as JSON")
    return copy.deepcopy(value)


_WRITABLE = (str, int, float, Decimal, tuple, Mapping, datetime, date)


class ExponentDecimal(Decimal):
    """A JSON number written with an exponent (``1E+2``): money must not be (its
    validators refuse this type); elsewhere it is an ordinary ``Decimal``."""

    __slots__ = ()


def _number(text: str) -> Decimal | LongNumber:
    if mantissa_digits(text) > MAX_NUMBER_DIGITS:
        return LongNumber(text)
    if "e" in text or "E" in text:
        try:
            return ExponentDecimal(text)
        except InvalidOperation:  # an exponent beyond Decimal's (10^18)
            return LongNumber(text)
    return Decimal(text)


def _integer(text: str) -> int | LongNumber:
    # int() of more than 4300 digits raises; a long number is refused with its path.
    return LongNumber(text) if len(text.lstrip("-")) > MAX_NUMBER_DIGITS else int(text)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return DuplicateKeys(pairs, key)
        seen.add(key)
    return result  # (unreachable: fewer keys than pairs means a key repeats)


class _CloserLook(Exception):
    """Raised inside the quick parse: the text needs the careful one."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _CloserLook
    return result


def _closer_look(name: str) -> Any:
    raise _CloserLook  # NaN or Infinity: the careful parse names its field


# Nearly every cart text is plain: numbers the C parser reads exactly as given (no
# exponent, at most 40 digits, no NaN), no lone surrogate. Such text is parsed by one
# module-level scanner with the C parser's own numbers, several times quicker than a
# Python hook per number, a decoder per call and a walk of the value. Other text (or a
# repeated key, or NaN, on which the scanner's hooks raise) takes the careful parse,
# which names the field.
_QUICK_SCAN = json.JSONDecoder(  # type: ignore[attr-defined]  # (scan_once: not in the stubs)
    parse_float=Decimal, parse_constant=_closer_look, object_pairs_hook=_unique_keys
).scan_once
_PLAIN_SCAN = json.JSONDecoder(  # type: ignore[attr-defined]
    parse_float=Decimal, parse_constant=_closer_look
).scan_once
"""The same without the hook on each object, for a text whose keys are then counted."""


def _no_key_twice(value: Any, text: str) -> bool:
    """Whether no object of ``value``, parsed from ``text`` without the repeated-key
    hook, lost a key given twice, told by counting: ``True`` only when sure.

    Every ``:`` of the text follows a key, or is inside a string. So if the keys of
    the objects found here (the value, its object members, the objects of its list
    members: an order's or a customer's shape) add up to the text's ``:``, there is
    no other object with a key, no colon in a string, and no key given twice. (Any
    other shape, or a ``:`` in a string, answers ``False``: the caller parses again
    with the hook.)
    """
    if type(value) is not dict:
        return False
    keys = len(value)
    for member in value.values():
        if type(member) is list:
            keys += sum(map(len, [item for item in member if type(item) is dict]))
        elif type(member) is dict:
            keys += len(member)
    return keys == text.count(":")


_COUNTED_FROM = 6
"""Brackets and braces in a text from which counting its keys costs less than the
hook on each object (an order of four lines has six, a customer three)."""


# One ``bytes.translate`` pass sketches the text at C speed (a regular expression over
# it costs as much as parsing it): digits and points become ``0`` (so any number of
# more than 40 digits, its point anywhere, leaves a run of 41), ``e``/``E`` ``e``, ``{``
# ``[``; ``\`` stays; the rest is a space. Text that merely looks suspicious (``"x0e"``
# in a string) takes the careful parse.
_SKETCH = bytes(
    ord("0")
    if chr(b) in "0123456789."
    else ord("e")
    if chr(b) in "eE"
    else ord("[")
    if chr(b) in "[{"
    else b
    if chr(b) == "\\"
    else ord(" ")
    for b in range(256)
)
_LONG_RUN = b"0" * (MAX_NUMBER_DIGITS + 1)
_JSON_SPACE = " \t\n\r"


def _quick_parse(text: str, raw: bytes | None, cart: bool = False) -> Any:
    """The value of plain ``text`` (``raw``: its UTF-8 bytes, if at hand), or ``_CAREFUL``;
    ``cart``: the text of an order or a customer, whose keys may be counted."""
    try:
        sketch = (text.encode() if raw is None else raw).translate(_SKETCH)
    except UnicodeEncodeError:
        return _CAREFUL  # a lone surrogate
    if (
        b"0e" in sketch
        or _LONG_RUN in sketch
        or (b"\\" in sketch and _SURROGATE_ESCAPE.search(text) is not None)
    ):
        return _CAREFUL
    brackets = sketch.count(b"[")  # (and braces)
    counted = cart and brackets >= _COUNTED_FROM
    scan = _PLAIN_SCAN if counted else _QUICK_SCAN
    try:
        try:
            value, end = scan(text, 0)
        except StopIteration:  # (space before the value: rare enough to strip only then)
            text = text.lstrip(_JSON_SPACE)
            value, end = scan(text, 0)
        if counted and not _no_key_twice(value, text):
            value, end = _QUICK_SCAN(text, 0)  # the hook on each object tells
    except (_CloserLook, ValueError, StopIteration, RecursionError):
        return _CAREFUL  # the careful parse fails again, with the message
    if end != len(text) and text[end:].strip(_JSON_SPACE):
        return _CAREFUL
    if brackets > MAX_TREE_DEPTH and not _shallow(text):  # as the careful parse
        check_tree(value)  # (which names where it nests too deep)
    return value


_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_ONE_KIND = str.maketrans("{}", "[]")


def _shallow(text: str) -> bool:
    """Whether valid JSON ``text`` surely nests no deeper than the limit: its strings
    taken out (when no backslash can hide a quote in one), each pass takes out the
    innermost brackets, so the passes it takes are its depth, empty containers
    counted. ``False`` only means "walk the value to know" (several times slower: a
    large scenario has more than 40 brackets)."""
    if "\\" in text:
        return False
    brackets = _NOT_BRACKETS.sub("", _STRING.sub("", text)).translate(_ONE_KIND)
    for _ in range(MAX_TREE_DEPTH):  # (one kind: "{[]}" must take two passes, not one)
        brackets = brackets.replace("[]", "")
        if not brackets:
            return True
    return False


_CAREFUL = object()
_BYTES = (bytes, bytearray)


def _parse(text: str, odd: list[object]) -> Any:
    """``json.loads`` with exact numbers; stand-ins it makes are appended to ``odd``."""

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        value = _object(pairs)
        if type(value) is DuplicateKeys:
            odd.append(value)
        return value

    def number(token: str) -> Decimal | LongNumber:
        value = _number(token)
        if type(value) is LongNumber:
            odd.append(value)
        return value

    def integer(token: str) -> int | LongNumber:
        value = _integer(token)
        if type(value) is LongNumber:
            odd.append(value)
        return value

    def constant(name: str) -> NotANumber:
        odd.append(name)
        return NotANumber(name)

    return json.loads(
        text,
        parse_float=number,
        parse_int=integer,
        parse_constant=constant,
        object_pairs_hook=mapping,
    )


def loads(text: str | bytes) -> Any:
    """Parse JSON keeping every number exact (`pricing.loads_json`).

    A number with a fraction becomes a `Decimal`, never a `float`. A UTF-8
    byte-order mark is skipped.

    Args:
        text: JSON text (UTF-8 when `bytes`).

    Returns:
        The JSON-shaped value: `dict`, `list`, `str`, `int`, `Decimal`, `bool`
            or `None`.

    Raises:
        ScenarioError: malformed JSON, or, with the path of the field: `NaN`
            and `Infinity`, numbers of more than 40 digits, a key given twice in
            one object, lone surrogates, nesting deeper than the limit
            (docs/scenario.md, input limits).
    """
    return _load(text, False)


def loads_cart(text: str | bytes) -> Any:
    """:func:`loads` for the text of an order or a customer (the backend's path): an
    object whose objects sit in its members or their lists has its keys counted
    instead of a Python call on each object. (Other shapes would be read twice.)"""
    return _load(text, True)


def _load(text: str | bytes, cart: bool) -> Any:
    raw = None
    if isinstance(text, _BYTES):
        raw = bytes(text).removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError("", f"not UTF-8 text (bad byte at offset {exc.start})") from None
    elif isinstance(text, str):
        text = text.removeprefix("\ufeff")
    else:  # (a dict given where its text is wanted, most likely)
        raise ScenarioError("", f"must be JSON text (str or bytes), not {type(text).__name__}")
    data = _quick_parse(text, raw, cart)
    if data is not _CAREFUL:
        return data
    odd: list[object] = []  # stand-ins made while parsing: then the walk names them
    try:
        data = _parse(text, odd)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            "", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ScenarioError("", f"nested more than {MAX_TREE_DEPTH} levels deep") from None
    except ValueError as exc:
        raise ScenarioError("", f"malformed JSON: {quote(str(exc))}") from None
    if odd or _may_break_limits(text):
        check_tree(data)
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _may_break_limits(text: str) -> bool:
    """Whether parsed ``text`` needs the walk of :func:`check_tree`: it may nest deeper
    than the limit or hold a lone surrogate. (Most cart texts need not: walking every
    one would cost as much as parsing it.)"""
    if text.count("[") + text.count("{") > MAX_TREE_DEPTH:
        return True
    if _SURROGATE_ESCAPE.search(text) is not None:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate in the text itself (a str given from Python)
    return False


_WIDE = Context(prec=60, Emax=MAX_EMAX, Emin=MIN_EMIN)


def format_decimal(value: Decimal) -> str:
    """A JSON number for ``value``: integral values without a fraction, no exponent; the
    same text for equal values (``1.50`` and ``1.5``), however they are written."""
    if not value:
        return "0"
    # A context as wide as the number: normalize() must never round.
    digits = len(value.as_tuple().digits)
    exact = _WIDE if digits <= _WIDE.prec else Context(prec=digits, Emax=MAX_EMAX, Emin=MIN_EMIN)
    if abs(value.adjusted()) > MAX_NUMBER_DIGITS:
        # With its exponent (JSON has them): 1E+999999 as a million digits would be a
        # megabyte of output, and more digits than any reader takes. Normalised, as
        # below: equal values share one cached text (1.0E+50 and 1E+50 are both 1E+50).
        return str(value.normalize(exact))
    return format(value.normalize(exact), "f")


# Numbers are written by the C encoder of :mod:`json` as strings marked with a lone
# surrogate, then unquoted by one regular expression: the C encoder is ten times the
# speed of a Python one, and no input string can hold a lone surrogate (they are
# refused where input enters, see _limits), so a mark cannot be forged.
_MARK = "\udc80"
_encode_string = json.encoder.encode_basestring  # (what dumps uses with ensure_ascii=False)


_plain_number = lru_cache(maxsize=1 << 12)(format_decimal)
""":func:`format_decimal`, remembered: a document's amounts repeat."""


def _number_text(value: Decimal) -> str:
    """A number's text as the C encoder is given it: marked, to be unquoted."""
    return _MARK + _plain_number(value) + _MARK


def _default(value: Any) -> Any:
    """What the C encoder cannot write itself: exact numbers, instants, other mappings."""
    if isinstance(value, Decimal):
        return _number_text(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


class _NotPlain(Exception):
    """A value :func:`_indented` leaves to :mod:`json` (its errors included)."""


_LEAF_TEXT: dict[type, Callable[[Any], str]] = {
    str: _encode_string,
    Decimal: _plain_number,
    int: int.__repr__,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): lambda _: "null",
}
"""How :func:`_indented` writes a leaf of each (exact) type: one C call for most."""


def _indented(value: Any, indent: int | str) -> str:
    """``value`` as :func:`json.dumps` indents it (with this module's numbers), for
    dicts with text keys, lists, tuples, text, integers, ``Decimal``, booleans and
    ``None``; anything else raises :class:`_NotPlain`.

    Why: :mod:`json` indents in Python, yielding each indent, key, separator and value
    apart; joining each container's items at once, a leaf written by one call, is
    several times quicker (a document of a million line shares took nine seconds).
    """
    step = indent if isinstance(indent, str) else " " * indent  # (as json takes it)
    breaks = ["\n"]  # "\n" and the indent of each depth
    encode = _encode_string
    leaf = _LEAF_TEXT.get

    def write(value: Any, depth: int) -> str:
        kind = type(value)
        if len(breaks) <= depth + 1:
            breaks.append(breaks[-1] + step)
        inner = breaks[depth + 1]
        if kind is dict:
            if not value:
                return "{}"
            items = []
            for key, item in value.items():
                if type(key) is not str:
                    raise _NotPlain
                text = leaf(type(item))
                items.append(
                    f"{inner}{encode(key)}: "
                    + (write(item, depth + 1) if text is None else text(item))
                )
            return "{" + ",".join(items) + breaks[depth] + "}"
        if kind is list or kind is tuple:
            if not value:
                return "[]"
            items = []
            for item in value:
                text = leaf(type(item))
                items.append(inner + (write(item, depth + 1) if text is None else text(item)))
            return "[" + ",".join(items) + breaks[depth] + "]"
        raise _NotPlain

    text = leaf(type(value))
    return write(value, 0) if text is None else text(value)


MAX_INDENT = 64
"""The widest indent written: a billion spaces a level would fill the memory."""


def _fair_indent(indent: object) -> bool:
    if type(indent) is int:
        return 0 <= indent <= MAX_INDENT
    return type(indent) is str and len(indent) <= MAX_INDENT


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Serialise `value` as JSON (`pricing.dumps_json`); a `Decimal` is an exact number.

    Keys keep their order; a `Decimal` is written without exponent and without
    trailing zeros (`Decimal("285.00")` as `285`); `datetime` and `date` as ISO
    8601 strings.

    Args:
        value: a JSON-shaped value (`Mapping`, `list`, `tuple`, `str`, `int`,
            `Decimal`, `bool`, `None`).
        indent: spaces per level; `None` writes one line without spaces.

    Returns:
        The JSON text.
    """
    if indent is not None and not _fair_indent(indent):
        raise PricingConfigError(
            f"indent must be None, or spaces (an int) or text from 0 to {MAX_INDENT} long, "
            f"not {indent!r:.100}"
        )
    kind = type(value)
    if kind is str:  # (a rule set's texts are made of many short ones)
        text = _encode_string(value)
    elif kind is int:
        return int.__repr__(value)
    else:
        if indent is not None:
            try:
                return _indented(value, indent)
            except (_NotPlain, RecursionError):
                pass
        text = json.dumps(
            value,
            ensure_ascii=False,
            check_circular=False,
            allow_nan=False,
            indent=indent,
            separators=(",", ":") if indent is None else (",", ": "),
            default=_default,
        )
    if _MARK not in text:
        return text
    return text.replace(f'"{_MARK}', "").replace(f'{_MARK}"', "")
