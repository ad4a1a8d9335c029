"""Strict decoding of token parts and key files: canonical base64url, plain JSON objects.

One signed content has one accepted spelling, and JSON that other parsers read
differently (duplicate names, ``NaN``) is refused rather than guessed at.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, Final

__all__ = ["b64url_decode", "json_object", "strict_json"]

_B64URL_RE: Final = re.compile(r"[A-Za-z0-9_-]*")


def b64url_decode(segment: str) -> bytes | None:
    """Decode one canonical unpadded base64url segment, or ``None`` if it is not one."""
    if not _B64URL_RE.fullmatch(segment) or len(segment) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - alphabet and length checked above
        return None
    # One token text per signed content: refuse non-zero padding bits.
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != segment:
        return None
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object hook: refuse duplicate member names instead of keeping the last one."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError("duplicate member name")
        result[name] = value
    return result


def _no_constant(name: str) -> Any:
    """json hook: refuse NaN and Infinity, which are not JSON."""
    raise ValueError("non-standard JSON constant")


def strict_json(data: bytes) -> Any:
    """Parse UTF-8 JSON, refusing duplicate member names and ``NaN``/``Infinity``.

    Raises:
        ValueError: (``json.JSONDecodeError`` for syntax) the data is not such JSON.
        RecursionError: the data nests too deeply.
    """
    return json.loads(
        data.decode("utf-8"),
        object_pairs_hook=_no_duplicates,
        parse_constant=_no_constant,
    )


def json_object(data: bytes) -> dict[str, Any] | None:
    """Parse strict UTF-8 JSON that must be an object, or return ``None``."""
    try:
        value = strict_json(data)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
