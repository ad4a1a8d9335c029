"""Pydantic's errors as ScenarioError: JSON paths, and the most specific one first."""

from __future__ import annotations

import json

import pytest

import pricing
from pricing._errors import key_path
from pricing._schema import Discount
from pricing._validation import json_path, validate

from .bad_input import base_scenario as _base


def test_json_path_writes_keys_and_indexes() -> None:
    assert json_path(("order", "products", 0, "quantity")) == "order.products[0].quantity"
    # union member tags are not keys
    assert json_path(("gifts", 1, "constrained-int")) == "gifts[1]"
    assert json_path(("gifts", 1, "GiftRef", "productId")) == "gifts[1].productId"


def test_the_inner_field_of_a_union_entry_is_named_first() -> None:
    # {"productId": "1"} fails as an id (the whole entry) and as a GiftRef (its
    # productId): the field inside is the better name, so the entry itself is dropped.
    with pytest.raises(pricing.ScenarioError) as info:
        validate(Discount, {"id": 1, "gifts": [{"productId": "1"}]}, "discounts[0]")
    assert info.value.path == "discounts[0].gifts[0].productId"
    assert [path for path, _ in info.value.problems] == ["discounts[0].gifts[0].productId"]


def test_a_validated_model_passes_through() -> None:
    d = validate(Discount, {"id": 1})
    assert validate(Discount, d) is d


UNKNOWN = "unknown field (typos must not silently change prices)"


@pytest.mark.parametrize(
    ("key", "path"),
    [
        ("maxAmmount", "order.maxAmmount"),
        ("größe", "order.größe"),
        ("a b", "order.a b"),
        ("a.b", 'order["a.b"]'),  # (order.a.b would name another field)
        ("x[1]", 'order["x[1]"]'),  # (was left out as a pydantic tag: the path said order)
        ("a(b)", "order.a(b)"),  # (left out too)
        ("new\nline", 'order["new\\nline"]'),  # one line
        ("\x1b[31m", 'order["\\u001b[31m"]'),  # no terminal escape
        ('say "hi"', 'order["say \\"hi\\""]'),
        ("", 'order[""]'),
        ("str", "order.str"),  # an unknown key named as a union tag is still a key
    ],
)
def test_an_unknown_key_is_written_into_the_path_unambiguously(tmp_path, key, path) -> None:
    """A key that could be read as more of the path, or that would break the one-line
    message, is written as a JSON string in brackets."""
    from .bad_input import run_cli

    scenario = _base()
    scenario["order"][key] = 1
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scenario)
    assert info.value.path == path
    code, _, err = run_cli(tmp_path, json.dumps(scenario))
    assert code == 2
    assert (
        err
        == f"pricing: bad input: {path}: unknown field (typos must not silently change prices)\n"
    )


def test_a_long_key_is_cut_in_the_message_and_whole_in_the_path() -> None:
    """A key is input: the message quotes at most 100 characters of it, dots or not."""
    scenario = {**_base(), "usage": {"x." * 3000: {"uses": -1}}}
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scenario)
    assert info.value.path == 'usage["' + "x." * 3000 + '"].uses'
    message = str(info.value)
    assert message.startswith('usage["' + "x." * 49 + 'x…"].uses: ')
    assert len(message) < 200


@pytest.mark.parametrize("key", ["str", "int", "Budget", "[key]", "black-friday[2024]"])
def test_a_usage_key_named_like_a_pydantic_tag_is_still_named(key: str) -> None:
    """Below ``usage`` only a discount's id can stand: never left out as a union's tag."""
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview({**_base(), "usage": {key: {"uses": -1}}})
    assert info.value.path == f"{key_path('usage', key)}.uses"
    assert key in info.value.path


def test_a_cut_key_is_cut_between_characters_not_inside_an_escape() -> None:
    scenario = {**_base(), "usage": {"\n" * 60 + "x" * 60: {"uses": -1}}}
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scenario)
    shown = str(info.value).split(".uses:")[0]
    assert shown == 'usage["' + "\\n" * 60 + "x" * 39 + '…"]'


def test_unknown_field_warnings_write_odd_keys_as_paths_do() -> None:
    scenario = _base()
    scenario["discounts"][0]["max.Amount"] = 1
    scenario["discounts"][0]["coupons"] = [{"code": "A", "is\nUsed": False}]
    result = pricing.preview(scenario)
    assert [w["path"] for w in result.warnings] == [
        'discounts[0]["max.Amount"]',
        'discounts[0].coupons[0]["is\\nUsed"]',
    ]
