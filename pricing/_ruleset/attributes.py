"""Attribute conditions: how a value compares with a condition's, once per value or for
the whole catalog at once.

The comparison has one home, :class:`AttributeTest`: a customer's attributes are
asked with :meth:`AttributeTest.predicate` (one value a cart), and a product-level
``ATTRIBUTE`` condition is answered by :class:`AttributeIndex`, which finds the products
the same comparison holds for without asking each distinct value: a rule set of many
attribute conditions over a catalog of many distinct values was compiled in time
growing as their product (minutes for a file of a few megabytes).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from .._errors import ScenarioError, quote
from .._json import dumps
from .._values import PLAIN_DECIMAL

__all__ = ["AttributeIndex", "AttributeTest", "as_number", "as_text", "read_test"]


def as_number(value: object) -> Decimal | None:
    """A JSON number, or text of the plain decimal form, as a number; else ``None``
    (compared as text): ``"1_000"``, ``"1e3"``, ``" 5"`` and ``"٥"`` are text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal | float):
        # A float is the number its text shows (0.1, not the binary 0.1000…0555), as
        # money is read and as it compares as text.
        number = Decimal(value) if isinstance(value, Decimal) else Decimal(repr(value))
        return number if number.is_finite() else None
    if isinstance(value, str) and PLAIN_DECIMAL.fullmatch(value):
        return Decimal(value)
    return None


def as_text(value: object) -> str:
    """An attribute value as the string it is compared as: text itself, a number as
    written, anything else as its JSON text (``true``, ``null``, ``["a","b"]``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if value is None:
        return "null"
    try:
        return dumps(value)
    except (TypeError, ValueError):  # (from Python, an object JSON cannot hold)
        return str(value)


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}

SAME_TEXT = "="
"""The operator of a plain ``value`` (no ``condition``): equal as text."""


class AttributeTest(NamedTuple):
    """A condition's ``value`` read once: the operator and what it compares with.

    ``eq`` … ``lte`` compare as numbers when both sides are numbers (:func:`as_number`),
    else as text (:func:`as_text`); a plain value (operator :data:`SAME_TEXT`) is equal
    as text; ``lke`` is a case-blind substring; an absent attribute satisfies only ``nex``.
    """

    op: str
    text: str
    """The expected value as text (``""`` for ``exs``/``nex``, which read none)."""
    number: Decimal | None
    """The expected value as a number, if it is one (orderings only)."""

    def predicate(self) -> Callable[[Mapping[str, Any], str], bool]:
        """``(attributes, name) -> bool``: whether ``attributes[name]`` satisfies the test,
        a function made for its operator (a customer's attributes are asked once a cart)."""
        op, text, number = self
        if op == "exs":
            return lambda attrs, name: name in attrs
        if op == "nex":
            return lambda attrs, name: name not in attrs
        if op == SAME_TEXT:
            return lambda attrs, name: name in attrs and as_text(attrs[name]) == text
        if op == "lke":
            return lambda attrs, name: name in attrs and text in as_text(attrs[name]).casefold()
        compare = _ORDERINGS[op]
        if number is None:
            return lambda attrs, name: name in attrs and compare(as_text(attrs[name]), text)

        def numeric(attrs: Mapping[str, Any], name: str) -> bool:
            if name not in attrs:
                return False
            actual = attrs[name]
            actual_number = as_number(actual)
            if actual_number is not None:
                return compare(actual_number, number)
            return compare(as_text(actual), text)

        return numeric


def read_test(spec: Any, path: str) -> AttributeTest:
    """The test a condition's ``value`` asks for (``path``: the value's, for errors).

    A plain value (or ``{value}`` alone) means equal as text; ``{value, condition}``
    picks the operator, spelled as listed (``GT`` is no operator, as ``Eq`` is not).
    """
    if not (isinstance(spec, Mapping) and "condition" in spec):
        plain = spec["value"] if isinstance(spec, Mapping) and "value" in spec else spec
        return AttributeTest(SAME_TEXT, as_text(plain), None)
    op, expected = spec["condition"], spec.get("value")
    if op in ("exs", "nex"):
        return AttributeTest(op, "", None)
    if op == "lke":
        return AttributeTest(op, as_text(expected).casefold(), None)
    if not isinstance(op, str) or op not in _ORDERINGS:
        raise ScenarioError(
            f"{path}.condition",
            f"unknown attribute operator {quote(op)} (eq neq gt gte lt lte lke exs nex)",
        )
    return AttributeTest(op, as_text(expected), as_number(expected))


class _Sorted:
    """Disjoint masks in the order of their keys: the union of those whose key is below
    (or above) a bound, in ``log n`` steps and a few ``|`` of masks.

    The union of the first ``j`` masks is a checkpoint every :attr:`_STEP` masks and
    the few after it: checkpoints at every mask would hold ``n`` masks as wide as the
    catalog (gigabytes for 100,000 distinct values of 100,000 products).
    """

    __slots__ = ("_checkpoints", "_keys", "_masks", "_total")
    _STEP = 64

    def __init__(self, pairs: Iterable[tuple[Any, int]]) -> None:
        ordered = sorted(pairs, key=lambda pair: pair[0])
        self._keys = [key for key, _ in ordered]
        self._masks = [mask for _, mask in ordered]
        checkpoints, union = [0], 0
        for k, mask in enumerate(self._masks, 1):
            union |= mask
            if k % self._STEP == 0:
                checkpoints.append(union)
        self._checkpoints, self._total = checkpoints, union

    def _first(self, j: int) -> int:
        """The union of the first ``j`` masks."""
        step = self._STEP
        union = self._checkpoints[j // step]
        for mask in self._masks[j - j % step : j]:
            union |= mask
        return union

    def ordered(self, op: str, bound: Any) -> int:
        """The union of the masks whose key is ``op`` (``gt`` … ``lte``) ``bound``."""
        keys = self._keys
        if op == "lt":
            return self._first(bisect_left(keys, bound))
        if op == "lte":
            return self._first(bisect_right(keys, bound))
        # The masks are disjoint, so those above a bound are the rest: an exclusive or.
        if op == "gt":
            return self._total ^ self._first(bisect_right(keys, bound))
        return self._total ^ self._first(bisect_left(keys, bound))  # gte


class _Folded:
    """Distinct texts, case-folded, to find those containing a needle.

    The texts are joined into one, with a separator none of them holds, and searched
    with ``str.find``: a loop asking ``needle in text`` of each text cost a rule set of
    many ``lke`` conditions over many distinct values seconds.
    """

    __slots__ = ("_joined", "_masks", "_starts", "_texts")
    _SEPARATOR = "\x00"

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        self._texts = [(text.casefold(), mask) for text, mask in pairs]
        self._masks = [mask for _, mask in self._texts]
        self._starts: list[int] = []
        at = 0
        for text, _ in self._texts:
            self._starts.append(at)
            at += len(text) + 1
        joined = self._SEPARATOR.join(text for text, _ in self._texts)
        self._joined = None if any(self._SEPARATOR in t for t, _ in self._texts) else joined

    def containing(self, needle: str) -> int:
        """The union of the masks of the texts that contain ``needle``."""
        union = 0
        joined = self._joined
        if joined is None or self._SEPARATOR in needle or not needle:
            for text, mask in self._texts:
                if needle in text:
                    union |= mask
            return union
        starts, masks = self._starts, self._masks
        found = joined.find(needle)
        while found >= 0:
            k = bisect_right(starts, found) - 1
            union |= masks[k]
            if k + 1 == len(starts):
                break
            found = joined.find(needle, starts[k + 1])  # (the next text's first match)
        return union


class AttributeIndex:
    """The products of a catalog by their value of one attribute, to answer an
    :class:`AttributeTest` for all of them at once.

    Values are grouped by text and by number (as they compare); a test's answer is a
    lookup (``eq``, a plain value), a complement (``neq``, ``nex``), a range of sorted
    values (``gt`` … ``lte``, sorted when first asked) or, for ``lke`` only, one
    substring test per distinct text.
    """

    __slots__ = (
        "_answers",
        "_by_number",
        "_by_text",
        "_folded",
        "_numbers",
        "_present",
        "_texts",
        "_texts_not_numbers",
        "_textual",
        "_textual_present",
        "_unset",
    )

    def __init__(self, values: Iterable[tuple[object, int]], unset: int) -> None:
        """``values``: each distinct value and the mask of its products; ``unset``: the
        products without the attribute."""
        by_text: dict[str, int] = {}
        by_number: dict[Decimal, int] = {}
        textual: dict[str, int] = {}  # the values that are no number, by text
        present = 0
        for value, mask in values:
            text, number = as_text(value), as_number(value)
            by_text[text] = by_text.get(text, 0) | mask
            if number is None:
                textual[text] = textual.get(text, 0) | mask
            else:
                by_number[number] = by_number.get(number, 0) | mask
            present |= mask
        self._by_text, self._by_number, self._textual = by_text, by_number, textual
        self._present, self._unset = present, unset
        self._textual_present = 0
        for mask in textual.values():
            self._textual_present |= mask
        self._texts: _Sorted | None = None
        self._numbers: _Sorted | None = None
        self._texts_not_numbers: _Sorted | None = None
        self._folded: _Folded | None = None
        self._answers: dict[AttributeTest, int] = {}

    def mask(self, test: AttributeTest) -> int:
        """The products whose value satisfies ``test``."""
        answer = self._answers.get(test)
        if answer is None:
            answer = self._answers[test] = self._answer(test)
        return answer

    def _containing(self, needle: str) -> int:
        """The products whose value's text, case-folded, contains ``needle``."""
        if self._folded is None:
            self._folded = _Folded(self._by_text.items())
        return self._folded.containing(needle)

    def _answer(self, test: AttributeTest) -> int:
        op, text, number = test
        if op == "exs":
            return self._present
        if op == "nex":
            return self._unset
        if op == SAME_TEXT:
            return self._by_text.get(text, 0)
        if op == "lke":
            return self._containing(text)
        if number is None:  # every value compares as text
            if op == "eq":
                return self._by_text.get(text, 0)
            if op == "neq":
                return self._present ^ self._by_text.get(text, 0)
            if self._texts is None:
                self._texts = _Sorted(self._by_text.items())
            return self._texts.ordered(op, text)
        # Numbers compare as numbers, the other values as text.
        same_number = self._by_number.get(number, 0)
        same_text = self._textual.get(text, 0)
        if op == "eq":
            return same_number | same_text
        if op == "neq":
            numeric = self._present ^ self._textual_present
            return (numeric ^ same_number) | (self._textual_present ^ same_text)
        if self._numbers is None:
            self._numbers = _Sorted(self._by_number.items())
            self._texts_not_numbers = _Sorted(self._textual.items())
        assert self._texts_not_numbers is not None
        return self._numbers.ordered(op, number) | self._texts_not_numbers.ordered(op, text)
