"""JSON in and out with exact numbers: ``Decimal`` never passes through ``float``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ._errors import ScenarioError

__all__ = ["dumps", "format_decimal", "loads"]


class _Constant:
    """Stands in for a ``NaN``/``Infinity`` constant until its JSON path is known."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _find_constant(value: Any, path: str) -> tuple[str, _Constant] | None:
    """The JSON path (``order.products[0].quantity``) of the first stand-in, if any."""
    if isinstance(value, _Constant):
        return path, value
    if isinstance(value, dict):
        for k, v in value.items():
            found = _find_constant(v, f"{path}.{k}" if path else str(k))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = _find_constant(v, f"{path}[{i}]")
            if found is not None:
                return found
    return None


def loads(text: str | bytes) -> Any:
    """Parse JSON keeping every number exact; malformed input is a :class:`ScenarioError`.

    ``NaN`` and ``Infinity`` are refused with the path of the field holding them.
    """
    constants: list[_Constant] = []

    def constant(name: str) -> _Constant:
        constants.append(_Constant(name))
        return constants[-1]

    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            "", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise ScenarioError("", f"malformed JSON: {exc}") from None
    if constants:
        path, found = _find_constant(data, "") or ("", constants[0])
        raise ScenarioError(path, f"{found.name} is not a number JSON allows")
    return data


def format_decimal(value: Decimal) -> str:
    """A JSON number for ``value``: integral values without a fraction, no exponent."""
    if not value:
        return "0"
    text = format(value.normalize(), "f")
    return text


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
    """Serialise ``value``; ``Decimal`` is written as an exact JSON number."""
    out: list[str] = []
    _encode(value, None if indent is None else " " * indent, 0, out)
    return "".join(out)
