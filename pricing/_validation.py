"""Validation at the boundary: pydantic's errors as :class:`ScenarioError` with JSON paths."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ._errors import ScenarioError, key_path, under

__all__ = ["json_path", "problems_of", "validate"]

M = TypeVar("M", bound=BaseModel)


_UNION_TAGS = frozenset(
    {"int", "str", "bool", "decimal", "float", "list", "dict", "EntityRef", "UserRef"}
    | {"constrained-int", "constrained-str"}
    | {"GiftRef", "CouponDef", "DiscountValue", "Condition", "Exclusion"}
    | {"Budget", "UsageEntry"}
    | {"[key]"}  # (a dict's key, as opposed to its value)
)
_GENERATED_TAG = re.compile(r"[a-z]+(?:-[a-z]+)+\[")
"""Pydantic's name of a validator it made (``function-after[...]``, ``lax-or-strict[...]``)."""


def json_path(loc: tuple[int | str, ...], *, last_is_key: bool = False) -> str:
    """``('order', 'products', 0, 'quantity')`` → ``order.products[0].quantity``.

    Pydantic puts the tried member of a union into ``loc`` (``int``, ``EntityRef``,
    ``function-after[...]``); those are not JSON keys and are left out, except where
    only a key can stand, whatever its name: the last part of an unknown key's error
    (``last_is_key``), and the part after ``usage`` (a discount's id, as text).
    """
    out = ""
    last = len(loc) - 1
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif (part in _UNION_TAGS or _GENERATED_TAG.match(part)) and not (
            (last_is_key and i == last) or (i and loc[i - 1] == "usage")
        ):
            continue
        else:
            out = key_path(out, part)
    return out


_MESSAGES = {
    "missing": "field required",
    "extra_forbidden": "unknown field (typos must not silently change prices)",
}


def problems_of(error: ValidationError, prefix: str = "") -> tuple[tuple[str, str], ...]:
    """Each distinct ``(path, message)`` of a pydantic error, paths under ``prefix``.

    When one alternative of a union (``id`` or ``{id}``) fails as a whole and another
    at a field inside it, the field is the better name: a path that merely holds
    another failing path is dropped.
    """
    seen: dict[str, str] = {}
    for item in error.errors(include_url=False):
        path = json_path(tuple(item["loc"]), last_is_key=item["type"] == "extra_forbidden")
        if prefix:
            path = under(prefix, path)
        message = _MESSAGES.get(item["type"], item["msg"])
        message = message.removeprefix("Value error, ")
        seen.setdefault(path, message)
    return tuple(
        (path, message)
        for path, message in seen.items()
        if not any(_holds(path, other) for other in seen)
    )


def _holds(outer: str, inner: str) -> bool:
    """Whether ``inner`` is a field inside ``outer`` (``a[0]`` holds ``a[0].b``)."""
    return inner.startswith(outer) and inner[len(outer) : len(outer) + 1] in (".", "[")


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """Validate ``data`` as ``model`` (a model passes through); failures become a
    :class:`ScenarioError` naming the path. The input limits are the caller's to walk
    first (``pricing._limits.check_tree``): pydantic lets through what they refuse."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = problems_of(exc, prefix)
        raise ScenarioError(problems[0][0], problems[0][1], problems) from None
