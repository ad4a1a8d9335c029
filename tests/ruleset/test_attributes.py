"""Attribute tests: the catalog-wide index gives exactly the products the one-value
comparison (the predicate a customer's attributes are asked with) holds for."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing._ruleset.attributes import AttributeIndex, AttributeTest, read_test

# Values that meet every rule of the comparison: numbers as int, Decimal, float and
# text (equal numbers written apart: 10, "10.0", D("1E+1")), text that is no number
# ("1e3", " 5"), text that sorts around digits, bools, null, lists and objects.
VALUES: list[Any] = [
    0, 9, 10, -3, 2.5, D("10.0"), D("1E+1"), D("-0.5"), D("9.99"),
    "9", "10", "10.0", "-3", "0.5", "1e3", " 5", "1_000", "٥",
    "Acme", "acme", "ACME corp", "B", "b", "", "zz", "Ä",
    # the separator the substring search joins texts with, and text whose case-folded
    # form is longer (ß → ss, ﬃ → ffi, İ → i̇)
    "a\x00b", "\x00", "Straße", "STRASSE", "ﬃ", "İ",
    True, False, None, ["a", "b"], {"k": 1},
]  # fmt: skip

OPERATORS = ["eq", "neq", "gt", "gte", "lt", "lte", "lke", "exs", "nex"]


def _index(products: list[dict[str, Any]], name: str) -> AttributeIndex:
    """The index as the catalog builds it: each distinct value with its mask."""
    groups: dict[tuple[type, str], tuple[object, int]] = {}
    unset = 0
    for k, attrs in enumerate(products):
        if name not in attrs:
            unset |= 1 << k
            continue
        value = attrs[name]
        key = (type(value), str(value))
        sample, mask = groups.get(key, (value, 0))
        groups[key] = (sample, mask | 1 << k)
    return AttributeIndex(groups.values(), unset)


def _one_by_one(products: list[dict[str, Any]], name: str, test: AttributeTest) -> int:
    holds = test.predicate()
    return sum(1 << k for k, attrs in enumerate(products) if holds(attrs, name))


attribute_sets = st.lists(
    st.dictionaries(st.sampled_from(["size", "other"]), st.sampled_from(VALUES), max_size=2),
    max_size=30,
)
specs = st.one_of(
    st.sampled_from(VALUES),  # a plain value: equal as text
    st.builds(
        lambda op, value: {"condition": op, "value": value},
        st.sampled_from(OPERATORS),
        st.sampled_from(VALUES),
    ),
)


@settings(max_examples=400)
@given(products=attribute_sets, spec=specs)
def test_the_index_finds_the_products_the_test_holds_for(products, spec):
    test = read_test(spec, "v")
    index = _index(products, "size")
    assert index.mask(test) == _one_by_one(products, "size", test)
    assert index.mask(test) == _one_by_one(products, "size", test)  # answered again


@settings(max_examples=60)
@given(
    numbers=st.lists(st.integers(-500, 500), min_size=150, max_size=300),
    bound=st.integers(-520, 520),
    op=st.sampled_from(["gt", "gte", "lt", "lte", "neq"]),
    as_text=st.booleans(),
)
def test_ranges_over_many_distinct_values(numbers, bound, op, as_text):
    """More distinct values than one step of stored unions (64), as numbers and as text
    (text orders "100" before "99")."""
    products = [{"size": str(n) if as_text and n % 2 else n} for n in numbers]
    spec = {"condition": op, "value": f"x{bound}" if as_text else bound}
    test = read_test(spec, "v")
    assert _index(products, "size").mask(test) == _one_by_one(products, "size", test)


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        # size: product 0 → 9, 1 → "10", 2 → "abc", 3 → absent, 4 → D("10.0")
        # "10" and 10.0 are above 9 as numbers; "abc" is no number, and "abc" > "9" as text
        ({"condition": "gt", "value": 9}, 0b10110),
        ({"condition": "gte", "value": "10"}, 0b10110),  # "abc" ≥ "10" as text
        ({"condition": "lt", "value": "9.5"}, 0b00001),  # 9 < 9.5; "abc" > "9.5"
        ({"condition": "eq", "value": 10}, 0b10010),  # "10" and 10.0 equal 10 as numbers
        ({"condition": "neq", "value": 10}, 0b00101),  # absent never neq
        ("10", 0b00010),  # a plain value is equal as text: "10.0" is not "10"
        ({"condition": "lke", "value": "B"}, 0b00100),  # case-blind substring
        ({"condition": "nex"}, 0b01000),
        ({"condition": "exs"}, 0b10111),
    ],
)
def test_worked_examples(spec, want):
    # "abc" against a number compares as text: "abc" > "9" since "a" (97) > "9" (57).
    products = [{"size": 9}, {"size": "10"}, {"size": "abc"}, {}, {"size": D("10.0")}]
    assert _index(products, "size").mask(read_test(spec, "v")) == want


@pytest.mark.parametrize(
    ("actual", "op", "expected", "holds"),
    [
        # 0.1 as a float is the binary 0.1000000000000000055…; it compares as 0.1, the
        # number its text shows (as money is read), so it equals the JSON number 0.1
        (0.1, "eq", D("0.1"), True),
        (0.1, "lte", "0.1", True),
        (0.1, "gt", "0.1", False),
        (0.1 + 0.2, "gt", D("0.3"), True),  # 0.30000000000000004: its text says more
        (1e16, "eq", "10000000000000000", True),
        (D("0.1"), "gte", 0.1, True),  # the expected side is read the same way
    ],
)
def test_a_float_compares_as_the_number_it_shows(actual, op, expected, holds):
    test = read_test({"condition": op, "value": expected}, "v")
    assert test.predicate()({"w": actual}, "w") is holds  # a customer's attribute
    assert _index([{"w": actual}], "w").mask(test) == int(holds)  # a product's
