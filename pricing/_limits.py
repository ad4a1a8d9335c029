"""Input limits: how large, deep and long an input may be, and the walk that checks them.

Every limit exists so that hostile input gets an error naming the field, never a
wrong price (no ``Decimal`` context can round), a hang or a ``RecursionError``.
docs/errors.md lists them with the error each refusal gives.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from ._errors import ScenarioError, key_path

__all__ = [
    "ID_LIMIT",
    "MAX_CATEGORY_DEPTH",
    "MAX_DISCOUNTS",
    "MAX_DISPLAY_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_GIFTS",
    "MAX_LINES",
    "MAX_LINE_SHARES",
    "MAX_MONEY_DIGITS",
    "MAX_NUMBER_DIGITS",
    "MAX_PERCENT_DECIMALS",
    "MAX_QUANTITY",
    "MAX_TREE_DEPTH",
    "MAX_UNITS",
    "DuplicateKeys",
    "LongNumber",
    "NotANumber",
    "beyond_money_limit",
    "check_tree",
    "depth_of",
    "mantissa_digits",
]

MAX_MONEY_DIGITS = 12
"""A money amount is at most 10^12 in major units (in absolute value)."""
MAX_QUANTITY = 1_000_000
"""Units of one order line."""
MAX_LINES = 10_000
"""Lines of one order (paid lines requested; shipping lines and surcharges alike)."""
MAX_DISCOUNTS = 10_000
"""Discounts of one rule set: each is judged, and explained, on every preview."""
MAX_GIFTS = MAX_LINES
"""Gift entries of all the discounts of a rule set together: each may become a line."""
MAX_LINE_SHARES = 1_000_000
"""Shares of one preview: the lines each applying discount targets (goods lines, and
the shipping lines of a shipping discount), summed. The result lists a share per pair,
so without this bound a small input (a thousand lines, a thousand discounts with no
conditions) would make an answer of millions of entries."""
MAX_FILE_BYTES = 1 << 27
"""Bytes of a scenario or rule set file the command line reads (128 MiB)."""
MAX_UNITS = MAX_LINES * MAX_QUANTITY
"""Units of one order: the most a unit count of a discount (a quantity condition,
``maxQuantity``, a tier's ``minQuantity``, buy-get counts) may name."""
MAX_CATEGORY_DEPTH = 64
"""Levels of the category tree (a root alone is one level)."""
MAX_DISPLAY_DEPTH = 32
"""Levels of JSON nesting inside a display-only field of a discount."""
MAX_TREE_DEPTH = 40
"""Levels of JSON nesting anywhere: the scenario's own structure plus a display field."""
MAX_NUMBER_DIGITS = 40
"""Digits of one JSON number."""
ID_LIMIT = 10**MAX_NUMBER_DIGITS
"""Ids (and positions, counts) are integers of absolute value below this."""
MAX_PERCENT_DECIMALS = 20
"""Decimals of a percentage (beyond them the exact rate would be needlessly huge)."""


def beyond_money_limit(amount: Decimal) -> bool:
    """Whether finite ``amount`` is more than 10^12 in absolute value (exact: no context
    rounds it, however many digits or how large an exponent it has)."""
    return amount.adjusted() >= MAX_MONEY_DIGITS and amount.copy_abs() > 10**MAX_MONEY_DIGITS


# Python ints of more than 133 bits have 41 digits or more: bit_length is cheap.
_MAX_INT_BITS = 133


class NotANumber:
    """Stands in for a ``NaN``/``Infinity`` constant of JSON text until its path is known."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class LongNumber:
    """Stands in for a JSON number of more than :data:`MAX_NUMBER_DIGITS` digits (or with
    an exponent no ``Decimal`` holds)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class DuplicateKeys(dict[str, Any]):
    """A JSON object that had the same key twice (the first such key is kept)."""

    __slots__ = ("key",)

    def __init__(self, pairs: list[tuple[str, Any]], key: str) -> None:
        super().__init__(pairs)
        self.key = key


def _is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False  # a lone surrogate (``"\ud800"``): not a Unicode string
    return True


def _problem(value: Any) -> str | None:
    """What is wrong with one value itself (not its contents), if anything."""
    kind = type(value)
    if kind is str:
        return None if _is_unicode(value) else "not valid Unicode (a lone surrogate)"
    if kind is int:
        # (as the parser refuses 41 digits: 132 bits are fewer, 133 may be either)
        return None if value.bit_length() < _MAX_INT_BITS or abs(value) < ID_LIMIT else _too_long()
    if kind is float and not math.isfinite(value):
        return f"{value} is not a number JSON allows"
    if kind is Decimal and not value.is_finite():
        return f"{value} is not a number JSON allows"
    if kind is NotANumber:
        return f"{value.name} is not a number JSON allows"
    if kind is LongNumber:
        if mantissa_digits(value.text) > MAX_NUMBER_DIGITS:
            return _too_long()
        return "its exponent is out of range"
    if kind is DuplicateKeys:
        return None  # its key is reported at the key's own path
    if isinstance(value, set | frozenset):  # (from Python: JSON has none)
        return "must be a list: a set's order changes from run to run, and so would the result"
    if not isinstance(value, _JSON_SHAPED):  # (from Python: it could not be echoed)
        return f"must be a JSON value, not a Python {kind.__name__}"
    return None


_JSON_SHAPED = (dict, list, Decimal, type(None), float, tuple, datetime, date, str, int, Mapping)
"""What JSON-shaped input is made of (an instant may be a ``datetime``, any mapping stands
for an object; ``bool`` is an ``int``): concrete types first, as a walk meets them."""


def mantissa_digits(text: str) -> int:
    """Digits of a JSON number's text before its exponent (what the 40-digit limit counts)."""
    return sum(c.isdigit() for c in text.lower().partition("e")[0])


def _too_long() -> str:
    return f"a number may have at most {MAX_NUMBER_DIGITS} digits"


def _path(nodes: list[tuple[int, str | int]], at: int, prefix: str) -> str:
    parts: list[str | int] = []
    while at:
        at, key = nodes[at]
        parts.append(key)
    path = prefix
    for key in reversed(parts):
        path = f"{path}[{key}]" if isinstance(key, int) else key_path(path, key)
    return path


def check_tree(root: Any, *, prefix: str = "", max_depth: int = MAX_TREE_DEPTH) -> None:
    """Refuse, naming the path, JSON-shaped data that no later step may meet.

    Checks, in document order: nesting deeper than ``max_depth`` (a cycle of Python
    containers too), lone surrogates in strings and keys, numbers of more than
    :data:`MAX_NUMBER_DIGITS` digits, ``NaN``/``Infinity`` and duplicate keys of
    JSON text, and Python sets. The walk keeps its own stack: no depth can make it recurse.
    """
    nodes: list[tuple[int, str | int]] = [(0, "")]
    # (value, depth, node, typed, parent is a model): a model the caller made may stand
    # where a model type puts it (the root, a list of them, a model's typed field and
    # the items of one); in free-form JSON (an object's value, an `Any` field, an extra
    # key) it could not be echoed
    stack: list[tuple[Any, int, int, bool, bool]] = [(root, 1, 0, True, False)]
    while stack:
        value, depth, node, typed, in_model = stack.pop()
        children_typed = keyed = False
        is_model = isinstance(value, BaseModel)
        if is_model:
            if not typed:
                name = type(value).__name__
                raise ScenarioError(
                    _path(nodes, node, prefix), f"must be a JSON value, not a Python {name}"
                )
            items, free = _fields(value)
            children_typed = True
        else:
            problem = _problem(value)
            if problem is not None:
                raise ScenarioError(_path(nodes, node, prefix), problem)
            free = frozenset()
            if isinstance(value, Mapping):
                items = list(value.items())
                if type(value) is DuplicateKeys:
                    nodes.append((node, value.key))
                    raise ScenarioError(
                        _path(nodes, len(nodes) - 1, prefix), "this key appears twice"
                    )
                children_typed = typed and in_model  # (a model's dict field: usage)
                keyed = True
            elif isinstance(value, list | tuple):
                items = list(enumerate(value))
                children_typed = typed
            else:
                continue
        if not items:
            continue
        if depth > max_depth:
            raise ScenarioError(
                _path(nodes, node, prefix), f"nested more than {max_depth} levels deep"
            )
        for key, child in reversed(items):
            if keyed and not isinstance(key, str):
                # (a Python dict's: JSON has text keys; its repr may hold an address, and
                # 1 and "1" would be written as the same key)
                raise ScenarioError(
                    _path(nodes, node, prefix),
                    f"has a key that is a Python {type(key).__name__}: keys are text",
                )
            if type(key) is str and not _is_unicode(key):
                nodes.append((node, key.encode("utf-8", "backslashreplace").decode()))
                raise ScenarioError(
                    _path(nodes, len(nodes) - 1, prefix), "this key is not valid Unicode"
                )
            nodes.append((node, key))
            stack.append(
                (child, depth + 1, len(nodes) - 1, children_typed and key not in free, is_model)
            )


def _fields(model: BaseModel) -> tuple[list[tuple[str | int, Any]], frozenset[str | int]]:
    """A model's fields as its JSON names them (camelCase) and its extra keys; and the
    names of those that hold free-form JSON (``Any`` fields, extra keys), where no model
    may stand."""
    fields = type(model).model_fields
    named: list[tuple[str | int, Any]] = []
    free: set[str | int] = set()
    for name, value in model.__dict__.items():
        info = fields.get(name)
        key = (info.alias or name) if info is not None else name
        if info is None or info.annotation is Any:
            free.add(key)
        named.append((key, value))
    extra = model.__pydantic_extra__ or {}
    return named + list(extra.items()), frozenset(free | set(extra))


def depth_of(value: Any) -> int:
    """Levels of containers in ``value`` (a scalar is 0), counting no deeper than the
    display limit + 1 (enough to refuse; cycles end there too)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children = list(item.values())
        elif isinstance(item, list | tuple):
            children = list(item)
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if depth > MAX_DISPLAY_DEPTH:
            return depth
        stack.extend((child, depth) for child in children)
    return deepest
