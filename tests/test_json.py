"""JSON in and out with exact numbers: reading, writing, and the errors of malformed input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pricing
from pricing._json import (
    _CAREFUL,
    _MARK,
    _default,
    _quick_parse,
    _shallow,
    dumps,
    format_decimal,
    loads,
    loads_cart,
)
from pricing._limits import LongNumber

from .bad_input import assert_bad_input as _assert_bad_input
from .bad_input import base_scenario as _base
from .bad_input import run_cli as _cli


def _set(path: str, value: Any):
    """A mutation setting ``path`` (dots and ints) to ``value``."""
    keys: list[str | int] = [int(k) if k.isdigit() else k for k in path.split(".")]

    def mutate(s: dict[str, Any]) -> None:
        target: Any = s
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value

    return mutate


def _text_with(placeholder_path: str, literal: str) -> str:
    """The base scenario as JSON text with a raw ``literal`` at ``placeholder_path``."""
    scn = _base()
    _set(placeholder_path, "@@HERE@@")(scn)
    return json.dumps(scn).replace('"@@HERE@@"', literal)


# ---------------------------------------------------------------------------
# reading


JSON_CONSTANT_CASES = [
    ("catalog.0.price", "NaN", "catalog[0].price"),
    ("catalog.0.price", "Infinity", "catalog[0].price"),
    ("order.products.0.quantity", "-Infinity", "order.products[0].quantity"),
    ("order.bonusAmount", "NaN", "order.bonusAmount"),
    ("customer.attributes.tier", "NaN", "customer.attributes.tier"),
]


@pytest.mark.parametrize(("where", "literal", "path"), JSON_CONSTANT_CASES)
def test_json_nan_and_infinity_constants_name_the_field(tmp_path, where, literal, path):
    """``NaN``/``Infinity`` as JSON constants are refused, naming where they are."""
    text = _text_with(where, literal)
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview_json(text)
    assert info.value.path == path
    _assert_bad_input(*_cli(tmp_path, text), path)


@pytest.mark.parametrize(
    "text",
    ['{"currency": "USD", "order": ', "{'currency': 'USD'}", "", "[1, 2", '{"a": 1}}'],
)
def test_malformed_json(tmp_path, text):
    """Malformed JSON: a ScenarioError about the document as a whole, CLI exit 2."""
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.loads_json(text)
    assert info.value.path == ""
    assert "malformed JSON" in str(info.value)
    _assert_bad_input(*_cli(tmp_path, text), "malformed JSON")


def test_malformed_json_says_where():
    with pytest.raises(pricing.ScenarioError) as info:
        loads('{\n  "a": 1,\n  "b": }')
    assert "line 3 column 8" in str(info.value)


def test_nan_path_inside_lists_and_at_the_top():
    with pytest.raises(pricing.ScenarioError) as info:
        loads('{"a": [1, {"b": [0, Infinity]}]}')
    assert info.value.path == "a[1].b[1]"
    assert "Infinity is not a number JSON allows" in str(info.value)
    with pytest.raises(pricing.ScenarioError) as info:
        loads("NaN")
    assert info.value.path == ""


def test_numbers_are_read_exactly():
    data = loads('{"f": 0.1, "i": 12345678901234567890123, "e": 1.5e3, "b": true, "n": null}')
    assert data["f"] == D("0.1")
    assert isinstance(data["f"], D)
    assert data["i"] == 12345678901234567890123
    assert isinstance(data["i"], int)
    assert data["e"] == D("1500")
    assert data["b"] is True
    assert data["n"] is None
    assert list(data) == ["f", "i", "e", "b", "n"]  # the order written
    assert loads(b'{"x": "caf\\u00e9"}') == {"x": "café"}


# ---------------------------------------------------------------------------
# writing


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("300.00"), "300"),  # integral: no fraction
        (D("284.50"), "284.5"),  # no trailing zeros
        (D("0.00"), "0"),
        (D("-0.00"), "0"),  # no negative zero
        (D("1E+2"), "100"),  # no exponent
        (D("1.0E-7"), "0.0000001"),
        (D("-12.340"), "-12.34"),
        (D("0.001"), "0.001"),
    ],
)
def test_decimals_are_written_as_plain_exact_numbers(value, text):
    assert format_decimal(value) == text
    assert dumps(value) == text


@pytest.mark.parametrize("indent", [None, 2])
def test_equal_numbers_beyond_40_digits_are_written_alike_whatever_came_before(indent):
    """Written with their exponent, normalised: the text of a number is remembered by
    value, so 1.0E+50 written after 1E+50 (equal) must not read back differently than
    written first (the output of an input depended on what the process wrote before)."""
    for first, second in ((D("1E+50"), D("1.0E+50")), (D("-2.50E-60"), D("-2.5E-60"))):
        assert dumps([first], indent=indent) == dumps([second], indent=indent)
    assert format_decimal(D("1.0E+50")) == "1E+50"
    assert format_decimal(D("123.4560E+45")) == "1.23456E+47"


_any_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.floats(allow_nan=False)
    | st.datetimes(timezones=st.just(UTC))
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.integers(0, 9) | st.booleans() | st.none(), inner, max_size=2)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=_any_values, indent=st.sampled_from([0, 1, 2, 4, "\t"]))
def test_the_quick_indented_writer_writes_what_json_writes(value, indent):
    """Indented text is written by joining each container's items (quicker than the
    json module's Python encoder): the same bytes as that encoder, with this module's
    numbers, for every JSON-shaped value (floats, instants, tuples and keys that are no
    text are left to the encoder)."""
    try:
        by_json = (
            json.dumps(
                value,
                ensure_ascii=False,
                check_circular=False,
                allow_nan=False,
                indent=indent,
                separators=(",", ": "),
                default=_default,
            )
            .replace(f'"{_MARK}', "")
            .replace(f'{_MARK}"', "")
        )
    except ValueError:  # an infinite float: refused by both
        with pytest.raises(ValueError, match="not JSON compliant"):
            dumps(value, indent=indent)
        return
    assert dumps(value, indent=indent) == by_json


def test_compact_and_indented_output():
    value = {"b": [1, D("2.50"), {"c": None}], "a": {}, "e": [], "t": True, "f": False}
    assert dumps(value) == '{"b":[1,2.5,{"c":null}],"a":{},"e":[],"t":true,"f":false}'
    assert dumps({"k": [1, {"x": 1}]}, indent=2) == (
        '{\n  "k": [\n    1,\n    {\n      "x": 1\n    }\n  ]\n}'
    )


def test_other_values_written():
    # Booleans are not numbers; text is not escaped to ASCII; dates are ISO text;
    # tuples are lists; keys are text.
    assert dumps([True, False, 1]) == "[true,false,1]"
    assert dumps({"s": 'café "q"'}) == '{"s":"café \\"q\\""}'
    assert dumps(datetime(2026, 11, 22, 12, tzinfo=UTC)) == '"2026-11-22T12:00:00+00:00"'
    assert dumps(date(2026, 11, 22)) == '"2026-11-22"'
    assert dumps((1, 2)) == "[1,2]"
    assert dumps({1: "a"}) == '{"1":"a"}'
    assert dumps(0.5) == "0.5"


@pytest.mark.parametrize(
    "value", ["", 'café "q"\n\t\u0001\\', "€ 😀", 0, -12, 10**39, True, False, None]
)
def test_a_lone_string_or_number_is_written_as_inside_a_document(value):
    """Alone (a rule set's texts are made of them, quicker than through the encoder), a
    string, integer or constant is written as the same value in a list is."""
    assert dumps(value) == dumps([value])[1:-1]
    assert dumps(value, indent=2) == dumps(value)


def test_a_value_json_cannot_hold_is_refused():
    with pytest.raises(TypeError):
        dumps({"s": {1, 2}})
    with pytest.raises(TypeError):
        dumps(object())


_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3)
)
_values = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=50, deadline=None)
@given(value=_values, indent=st.sampled_from([None, 2]))
def test_what_is_written_reads_back_equal(value, indent):
    """Exact both ways: Decimal never passes through float, ints stay ints."""
    back = loads(dumps(value, indent=indent))
    assert back == value
    assert not any(isinstance(leaf, float) for leaf in _leaves(back))


def _leaves(value: Any) -> Iterator[Any]:
    """Every value inside ``value`` that is not a dict or a list."""
    if isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _leaves(item)
    else:
        yield value


# ---------------------------------------------------------------------------
# the quick parse: plain text is read by the C parser alone, the rest carefully


def _careful(text: str) -> Any:
    from pricing._json import _parse

    return _parse(text, [])


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1`` is not ``Decimal(1)``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b) and str(a) == str(b)


QUICK_CASES = [
    ('{"products":[{"productId":28,"quantity":1}],"couponCode":"X"}', None),
    ('  \n{"a": [1, 2.50, -0.1, "0e5 in a string", "NaN", "Infinity"]}\t', None),
    ("[1E5, 2e-3]", None),  # exponents: the careful path's ExponentDecimal
    ('{"deep":' + "[" * 39 + "]" * 39 + "}", None),
    ('"\\u00e9\\n"', None),
    ("null", None),
    ("0", None),
    ("-12.000", None),
    ('{"n":12345678901234567890123456789012345678901234}', "n: a number may have at most 40"),
    # 50 digits, no run of 41: the point does not hide them
    ('{"x":123456789012345678901234567890.12345678901234567890}', "x: a number may have at most"),
    ('{"x":-1234567890123456789.01234567890123456789}', None),  # 40 digits: read
    ('{"deep":' + "[" * 41 + "]" * 41 + "}", "nested more than 40"),
    ('{"a":1} {"b":2}', "malformed JSON"),
    ('{"a":[1,NaN]}', "a\\[1\\]: .*NaN"),  # the scanner's NaN hook hands it over
    ('{"a":{"b":-Infinity}}', "a.b: .*Infinity"),
    # many brackets, no depth (a cart of 60 lines), then as deep as allowed, then deeper
    (dumps({"products": [{"productId": i, "quantity": 1} for i in range(60)]}), None),
    ("[" * 20 + "{}," * 30 + "{}" + "]" * 20, None),
    ("[" * 20 + "{}," * 30 + "[" * 22 + "]" * 42, "nested more than 40"),
    ("", "malformed JSON"),
    # an exponent no Decimal holds (a decimal.InvalidOperation traceback, before)
    ('{"a":[1e1000000000000000000]}', "a\\[0\\]: its exponent is out of range"),
    ('{"a":1E-999999999999999999}', None),  # (a Decimal: money refuses its exponent)
]


@pytest.mark.parametrize(("text", "error"), QUICK_CASES)
def test_the_quick_parse_reads_what_the_careful_one_reads(text, error):
    """Whichever path a text takes, the value is the careful parse's, types included, and
    what the quick path must not read (long numbers, deep nesting, extra data) is refused
    as before."""
    for load in (loads, loads_cart):
        if error is not None:
            for given in (text, text.encode()):
                with pytest.raises(pricing.ScenarioError, match=error):
                    load(given)
            continue
        expected = _careful(text)
        assert _same(load(text), expected)
        assert _same(load(text.encode()), expected)


def test_an_order_of_many_lines_is_read_without_the_hook_on_each_object(monkeypatch):
    """From six brackets and braces on (an order of four lines), the keys of an order's
    text are counted instead (quicker than a Python call per object); only when the
    count cannot tell (a colon in a string) is the text read again with the hook."""
    import pricing._json as module

    order = {"products": [{"productId": i, "quantity": 1} for i in range(20)], "x": {"a": 1}}
    hooked = []
    quick_scan = module._QUICK_SCAN
    monkeypatch.setattr(module, "_QUICK_SCAN", lambda *a: hooked.append(1) or quick_scan(*a))
    assert loads_cart(dumps(order)) == order
    assert not hooked
    order["x"]["a"] = "12:30"
    assert loads_cart(dumps(order)) == order
    assert hooked
    hooked.clear()
    order["x"]["a"] = 1
    assert loads(dumps(order)) == order  # (any text: its shape unknown, the hook on each)
    assert hooked


def test_a_wide_cart_is_read_by_the_quick_path():
    """Many lines are many brackets but no depth: the quick parse reads them (the count of
    brackets only decides whether the depth is walked)."""
    text = dumps({"products": [{"productId": i, "quantity": 1} for i in range(300)]})
    assert _quick_parse(text, None) is not _CAREFUL


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ('{"order":{"couponCode":"A","couponCode":"B"}}', "order.couponCode"),
        ('{"a":[{"x":1,"y":2,"x":3}]}', "a[0].x"),
        ('{"products":[{"productId":1,"quantity":2,"quantity":3}]}', "products[0].quantity"),
        ('{"t":"12:30","u":1,"t":"x"}', "t"),  # a colon in a string
        ('{"a":{"b":{"c":1,"c":2}}}', "a.b.c"),  # two objects deep
        ('[{"k":1,"k":2}]', "[0].k"),
    ],
)
@pytest.mark.parametrize("load", [loads, loads_cart])
def test_a_repeated_key_found_on_the_quick_path_is_named(text, path, load):
    """The quick parse stops at a repeated key; the careful one names where it is."""
    with pytest.raises(pricing.ScenarioError) as caught:
        load(text)
    assert caught.value.path == path


_PLAIN_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.text(alphabet='0123456789eENaIfinty:{}[]\\" é', max_size=12)
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.decimals(allow_nan=False, allow_infinity=False, places=25)  # 40 digits and more
)
_PLAIN = st.recursive(
    _PLAIN_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet="abe0N", max_size=4), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(value=_PLAIN, indent=st.sampled_from([None, 1]))
def test_quick_and_careful_parses_agree_on_written_values(value, indent):
    """Over text as the writer writes it (strings full of the characters the sketch looks
    for), both parses give the same value of the same types."""
    text = dumps(value, indent=indent)
    for load in (loads, loads_cart):
        try:
            careful = _careful(text)
        except ValueError:
            with pytest.raises(pricing.ScenarioError):
                load(text)
            continue
        if any(isinstance(leaf, LongNumber) for leaf in _leaves(careful)):
            with pytest.raises(pricing.ScenarioError, match="at most 40 digits"):
                load(text)
            continue
        assert _same(load(text), careful)


def _with_a_key_twice(value: Any, which: int) -> tuple[str, int]:
    """``value`` as JSON text in which the ``which``-th non-empty object (in writing
    order, wrapping around) gives its first key once more; and how many there are."""
    count = 0

    def write(v: Any, target: int) -> str:
        nonlocal count
        if isinstance(v, dict):
            items = [f"{dumps(k)}:{write(x, target)}" for k, x in v.items()]
            if v:
                if count == target:
                    items.append(f"{dumps(next(iter(v)))}:0")
                count += 1
            return "{" + ",".join(items) + "}"
        if isinstance(v, list):
            return "[" + ",".join(write(x, target) for x in v) + "]"
        return dumps(v)

    write(value, -1)
    total = count
    count = 0
    return write(value, which % total if total else -1), total


@settings(max_examples=200, deadline=None)
@given(value=_PLAIN, which=st.integers(min_value=0, max_value=50))
def test_a_key_given_twice_anywhere_is_refused(value, which):
    """Wherever the repeated key sits (near the top, where keys are counted, or deeper,
    or beside colons in strings), the text is refused."""
    text, objects = _with_a_key_twice(value, which)
    for load in (loads, loads_cart):
        if not objects:
            assert load(text) == value
            continue
        with pytest.raises(pricing.ScenarioError, match="this key appears twice"):
            load(text)


_WIDE_ORDERS = st.fixed_dictionaries(
    {
        "products": st.lists(
            st.fixed_dictionaries(
                {"productId": st.integers(1, 99), "quantity": st.integers(1, 9)},
                optional={"signedPrice": st.text(alphabet="ab:{}", max_size=4), "x": _PLAIN},
            ),
            min_size=4,  # (six brackets and more: the keys are counted)
            max_size=12,
        )
    },
    optional={
        "couponCode": st.text(alphabet="A:{", max_size=3),
        "meta": st.dictionaries(st.text(alphabet="ab", max_size=2), _PLAIN_LEAVES, max_size=3),
        "couponCodes": st.lists(st.text(alphabet="B:", max_size=2), max_size=3),
    },
)


@settings(max_examples=200, deadline=None)
@given(value=_WIDE_ORDERS, which=st.integers(min_value=0, max_value=60))
def test_a_key_given_twice_in_an_order_of_many_lines_is_refused(value, which):
    """The text of an order of many lines is read without the hook on each object, its
    keys then counted against the text's colons: a key given twice in any of its objects
    (the order, a line, deeper, or beside a ``{`` or ``:`` in a string) is still
    refused, and the order without it is read as written."""
    assert _same(loads_cart(dumps(value)), _careful(dumps(value)))
    text, _ = _with_a_key_twice(value, which)
    with pytest.raises(pricing.ScenarioError, match="this key appears twice"):
        loads_cart(text)


@pytest.mark.parametrize(
    ("text", "shallow", "refused"),
    [
        ("[" * 40 + "]" * 40, True, False),  # 40 levels: within the limit
        # 41 counted (the innermost, empty, is no level to the walk, which allows it)
        ("[" * 41 + "]" * 41, False, False),
        ('{"a":' * 20 + "[" * 20 + "]" * 20 + "}" * 20, True, False),
        # alternating kinds: each level one pass (a pass taking "[]" then "{}" out of
        # "{[]}" would see these 42 levels in 21 passes, and let them through)
        ('{"a":[' * 21 + "]}" * 21, False, True),
        ('{"a":[' * 20 + "]}" * 20, True, False),
        # brackets in strings are not levels...
        ('["' + "[" * 50 + '"]', True, False),
        # ...unless a backslash could hide a quote: then the walk decides
        ('["\\"' + "]" * 3 + '"]', False, False),
    ],
)
def test_a_wide_text_is_shown_shallow_without_walking_it(text, shallow, refused):
    """More than 40 brackets need not mean deep: the brackets left once the strings are
    taken out are counted level by level, and only a text that may be deep is walked."""
    assert _shallow(text) is shallow
    if refused:
        with pytest.raises(pricing.ScenarioError, match="nested more than 40"):
            loads(text)
    else:
        loads(text)


_HAZARD_LEAVES = st.sampled_from(
    [
        "0", "-1", "2.50", "1e5", "1E-3", "NaN", "-Infinity", "1" * 41, "-" + "9" * 40,
        "0." + "1" * 40, '"a"', '"\\ud800"', '"x\\udc80"', '"\\u00e9"', '"[{:"', '"\\""',
        "true", "null",
    ]
)  # fmt: skip
_HAZARD_TEXT = st.recursive(
    _HAZARD_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4).map(lambda xs: "[" + ",".join(xs) + "]")
        | st.lists(st.tuples(st.sampled_from(['"a"', '"b"', '"\\udfff"']), inner), max_size=3).map(
            lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}"
        )
        | st.tuples(st.integers(0, 45), inner).map(lambda d: "[" * d[0] + d[1] + "]" * d[0])
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(text=_HAZARD_TEXT)
def test_what_loads_returns_is_within_the_input_limits(text):
    """Whatever JSON text ``loads`` reads passes the walk of the input limits: so a value
    it parsed (``preview_json``'s, the CLI's) is not walked a second time."""
    from pricing._limits import check_tree

    for load in (loads, loads_cart):
        for given_text in (text, text.encode("utf-8", "surrogatepass")):
            try:
                value = load(given_text)
            except pricing.ScenarioError:
                continue
            check_tree(value)  # raises if anything refused slipped through


def test_copy_json_copies_containers_and_shares_only_immutable_leaves():
    """A discount as given is kept by this copy: every dict and list new (the caller may
    edit theirs), the immutable leaves shared, anything else deep-copied."""
    from pricing._json import copy_json

    class Box:  # (neither a JSON container nor an immutable leaf)
        def __init__(self) -> None:
            self.items = [1]

    value = {"a": [1, {"b": [D("1.5"), "x", None]}], "c": {"d": {}}, "e": Box(), "t": (1, [2])}
    copied = copy_json(value)
    assert copied == {**value, "e": copied["e"], "t": copied["t"]}

    def containers(v):
        if isinstance(v, dict):
            yield v
            for x in v.values():
                yield from containers(x)
        elif isinstance(v, list | tuple):
            yield v
            for x in v:
                yield from containers(x)
        elif isinstance(v, Box):
            yield v
            yield v.items

    ids = {id(c) for c in containers(value) if not isinstance(c, tuple)}
    assert not ids & {id(c) for c in containers(copied)}  # no container shared
    assert copied["a"][1]["b"][0] is value["a"][1]["b"][0]  # a Decimal is shared
    assert copied["e"].items == [1]
    assert copied["t"] == (1, [2])


@pytest.mark.parametrize("indent", [-1, 65, 10**9, True, 1.5, " " * 65])
def test_an_indent_past_the_widest_is_refused_before_writing(indent):
    """A billion spaces a level filled the memory; a bool or a float is no indent."""
    with pytest.raises(pricing.PricingConfigError, match="indent must be None"):
        dumps({"k": [1]}, indent=indent)


def test_the_widest_indent_is_written():
    assert dumps({"k": 1}, indent=64) == "{\n" + " " * 64 + '"k": 1\n}'
    assert dumps({"k": 1}, indent="\t") == '{\n\t"k": 1\n}'
