"""The library's exceptions.

Every error the library raises derives from :class:`PricingError`::

    PricingError
    ├── ScenarioError(ValueError)        bad input; names the JSON path
    ├── CouponError(ValueError)          a presented coupon code was refused; .reason
    ├── SignedPriceError(ValueError)     a signed price token was refused; .reason
    └── PricingConfigError(ValueError)   a library object was configured wrongly
                                         (e.g. a signing key that is too short)

They also subclass built-ins, so ``except ValueError`` keeps working for callers
who do not know this library.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "CouponError",
    "PricingConfigError",
    "PricingError",
    "ScenarioError",
    "SignedPriceError",
    "cut",
    "key_path",
    "moved",
    "quote",
    "under",
]


QUOTE_CHARS = 100
"""Error messages quote at most this many characters of any input value."""


def quote(value: object) -> str:
    """``repr(value)`` for an error message, cut to :data:`QUOTE_CHARS` characters."""
    return cut(repr(value))  # (repr escapes what cannot be printed, lone surrogates included)


def cut(text: str) -> str:
    """``text`` cut to :data:`QUOTE_CHARS` characters for an error message."""
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


class PricingError(Exception):
    """Root of every error the library raises: `except pricing.PricingError` catches them all.

    Every subclass is also a `ValueError`, so callers that do not know this
    library still catch its refusals as bad values.
    """


class ScenarioError(PricingError, ValueError):
    """The scenario (or part of it) is invalid.

    `str(error)` lists every problem as `path: message`, separated by `; `.

    Attributes:
        path: JSON path of the offending field (`order.products[0].quantity`), or
            `""` when the problem is with the document as a whole.
        message: what is wrong there.
        problems: every `(path, message)` found; the first is also in `path`
            and `message`.
        source: where the input came from (a file, a line of it), when every path
            starts with it (`carts.jsonl line 3`), else `""`.
    """

    def __init__(
        self,
        path: str,
        message: str,
        problems: tuple[tuple[str, str], ...] = (),
        source: str = "",
    ):
        self.path = path
        self.message = message
        self.problems = problems or ((path, message),)
        self.source = source
        super().__init__(self._render())

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[Any, ...]]:
        # across processes
        return (type(self), (self.path, self.message, self.problems, self.source))

    def _render(self) -> str:
        parts = [f"{self._shown(p)}: {m}" if p else m for p, m in self.problems]
        return "; ".join(parts)

    def _shown(self, path: str) -> str:
        """``path`` as the message gives it: long keys cut, the source (a file name is no
        key, and may well be long) whole."""
        source = self.source
        if not source or not path.startswith(source):
            return _short_path(path)
        rest = path[len(source) :]
        if rest.startswith(": "):  # (how a source and the path in it are joined)
            return f"{source}: {_short_path(rest[2:])}"
        return source + _short_path(rest)


_LONG_KEY = re.compile(r'\["(?:[^"\\]|\\.)*"\]' + rf"|[^.\[\]]{{{QUOTE_CHARS + 1},}}")
"""A key written ``["..."]`` (see :func:`key_path`), or a run of over 100 characters."""


def moved(error: ScenarioError, place: Callable[[str], str], source: str = "") -> ScenarioError:
    """``error`` with each problem's path put in its ``place`` (inside a field, after a
    file name: then ``source``, the part every path now starts with)."""
    problems = tuple((place(path), message) for path, message in error.problems)
    return ScenarioError(problems[0][0], problems[0][1], problems, source)


_PLAIN_KEY = re.compile(r'[^.\[\]"\\]+')


def key_path(path: str, key: object) -> str:
    """``path`` then the object key ``key``: ``path.key``, or ``path["key"]`` (JSON-escaped,
    ASCII) when the key holds what would make the path ambiguous (``.``, ``[``) or
    break its line (a newline, a terminal's escape). A key that is no string (a Python
    dict's) is named by its text."""
    key = key if isinstance(key, str) else str(key)
    if _PLAIN_KEY.fullmatch(key) and key.isprintable():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"


def under(field: str, path: str) -> str:
    """``path`` inside ``field``: ``order`` with ``products[0]`` is ``order.products[0]``,
    with ``[0]`` ``order[0]``, with ``""`` ``order``."""
    return f"{field}.{path}" if path and not path.startswith("[") else field + path


def _short_path(path: str) -> str:
    """``path`` with each key longer than :data:`QUOTE_CHARS` cut as :func:`quote` cuts
    (a key is input too; ``error.path`` keeps it whole)."""
    return _LONG_KEY.sub(_cut_key, path)


def _cut_key(match: re.Match[str]) -> str:
    key = match.group()
    if not key.startswith('["'):
        return key[: QUOTE_CHARS - 1] + "…"
    text = json.loads(key[1:-1])  # (cut as written, not inside an escape)
    return key if len(text) <= QUOTE_CHARS else f'[{json.dumps(text[: QUOTE_CHARS - 1])[:-1]}…"]'


class CouponError(PricingError, ValueError):
    """A presented coupon code cannot be used.

    Attributes:
        reason: `not_found`, `already_used` or `expired`.
        code: the code as presented.
    """

    def __init__(self, reason: str, code: str, message: str):
        self.reason = reason
        self.code = code
        super().__init__(message)

    def __reduce__(self) -> tuple[type[CouponError], tuple[str, str, str]]:
        return (type(self), (self.reason, self.code, str(self)))  # across processes


class SignedPriceError(PricingError, ValueError):
    """A signed price token was refused.

    The message never contains key material nor the token itself.

    Attributes:
        reason: machine-readable reason (`bad_signature`, `expired`, ...; the
            list is in docs/signed-prices.md).
        path: JSON path of the line's `signedPrice` when known, else `""`.
    """

    def __init__(self, reason: str, message: str, path: str = ""):
        self.reason = reason
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    def __reduce__(self) -> tuple[type[SignedPriceError], tuple[str, str, str]]:
        return (type(self), (self.reason, self.message, self.path))  # across processes


class PricingConfigError(PricingError, ValueError):
    """A library object was configured wrongly (not a scenario problem).

    For example a signing key that is too short, or a key file that is malformed.
    """
