"""Pydantic's errors as ScenarioError: JSON paths, and the most specific one first."""

from __future__ import annotations

import pytest

import pricing
from pricing._schema import Discount
from pricing._validation import json_path, validate


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
