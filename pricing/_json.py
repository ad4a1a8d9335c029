"""JSON in and out with exact numbers: ``Decimal`` never passes through ``float``."""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Any

from ._errors import ScenarioError, quote
from ._limits import (
    MAX_NUMBER_DIGITS,
    MAX_TREE_DEPTH,
    DuplicateKeys,
    LongNumber,
    NotANumber,
    check_tree,
)

__all__ = ["ExponentDecimal", "dumps", "format_decimal", "loads"]


class ExponentDecimal(Decimal):
    """A JSON number written with an exponent (``1E+2``): money must not be (its
    validators refuse this type); elsewhere it is an ordinary ``Decimal``."""

    __slots__ = ()


def _digits(text: str) -> int:
    mantissa = text.split("e")[0].split("E")[0]
    return sum(c.isdigit() for c in mantissa)


def _number(text: str) -> Decimal | LongNumber:
    if _digits(text) > MAX_NUMBER_DIGITS:
        return LongNumber(text)
    if "e" in text or "E" in text:
        return ExponentDecimal(text)
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
    if isinstance(text, bytes | bytearray):
        raw = bytes(text).removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError("", f"not UTF-8 text (bad byte at offset {exc.start})") from None
    else:
        text = text.removeprefix("\ufeff")
    try:
        data = json.loads(
            text,
            parse_float=_number,
            parse_int=_integer,
            parse_constant=NotANumber,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            "", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ScenarioError("", f"nested more than {MAX_TREE_DEPTH} levels deep") from None
    except ValueError as exc:
        raise ScenarioError("", f"malformed JSON: {quote(str(exc))}") from None
    check_tree(data)
    return data


def format_decimal(value: Decimal) -> str:
    """A JSON number for ``value``: integral values without a fraction, no exponent."""
    if not value:
        return "0"
    # A context as wide as the number: normalize() must never round (the default
    # context keeps 28 digits).
    exact = Context(prec=max(28, len(value.as_tuple().digits)), Emax=MAX_EMAX, Emin=MIN_EMIN)
    return format(value.normalize(exact), "f")


def _encode(value: Any, indent: str | None, level: int, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, Decimal):
        out.append(format_decimal(value))
    elif isinstance(value, float):
        out.append(repr(value))
    elif isinstance(value, datetime | date):
        out.append(json.dumps(value.isoformat()))
    elif isinstance(value, Mapping):
        if not value:
            out.append("{}")
            return
        out.append("{")
        first = True
        for k, v in value.items():
            if not first:
                out.append(",")
            first = False
            if indent is not None:
                out.append("\n" + indent * (level + 1))
            out.append(json.dumps(str(k), ensure_ascii=False))
            out.append(": " if indent is not None else ":")
            _encode(v, indent, level + 1, out)
        if indent is not None:
            out.append("\n" + indent * level)
        out.append("}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        out.append("[")
        for n, v in enumerate(value):
            if n:
                out.append(",")
            if indent is not None:
                out.append("\n" + indent * (level + 1))
            _encode(v, indent, level + 1, out)
        if indent is not None:
            out.append("\n" + indent * level)
        out.append("]")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


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
    out: list[str] = []
    _encode(value, None if indent is None else " " * indent, 0, out)
    return "".join(out)
