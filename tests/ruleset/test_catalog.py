"""The catalog, compiled once: products in minor units, category ancestors, masks, ids."""

from __future__ import annotations

import io
import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing._cli import main
from pricing._money import currency
from pricing._ruleset.attributes import read_test
from pricing._ruleset.catalog import CompiledCatalog, compile_catalog, key_of
from pricing._schema import Category, Product

from ..bad_input import base_scenario as _base


def _catalog(
    products: list[dict[str, Any]],
    categories: list[dict[str, Any]] = (),  # type: ignore[assignment]
    code: str = "USD",
) -> CompiledCatalog:
    return compile_catalog(
        currency(code),
        [Category.model_validate(c) for c in categories],
        [Product.model_validate(p) for p in products],
    )


# Category tree: 10 ─ 11 ─ 12, and 20 on its own.
TREE = [
    {"id": 12, "parentId": 11},  # listed before its parent: order does not matter
    {"id": 10, "parentId": None},
    {"id": 11, "parentId": 10},
    {"id": 20},
]


# ---------------------------------------------------------------------------
# categories


def test_a_products_nested_categories_are_its_own_and_all_their_ancestors():
    cat = _catalog(
        [
            {"id": 1, "price": "1.00", "categoryIds": [12]},
            {"id": 2, "price": "1.00", "categoryIds": [11, 20]},
            {"id": 3, "price": "1.00"},
        ],
        TREE,
    )
    one, two, three = (cat.items[k] for k in ("1", "2", "3"))
    assert one.categories == {"12"}
    assert one.nested_categories == {"12", "11", "10"}
    assert two.nested_categories == {"11", "10", "20"}
    assert three.nested_categories == frozenset()


def test_category_masks_own_and_nested():
    cat = _catalog(
        [
            {"id": 1, "price": "1.00", "categoryIds": [12]},  # bit 1
            {"id": 2, "price": "1.00", "categoryIds": [11]},  # bit 2
            {"id": 3, "price": "1.00", "categoryIds": [20]},  # bit 4
        ],
        TREE,
    )
    # Directly in 11: product 2 only; in 11 or below: 1 and 2. Nothing is directly in 10.
    assert cat.category_mask([("11", False)]) == 0b010
    assert cat.category_mask([("11", True)]) == 0b011
    assert cat.category_mask([("10", False)]) == 0
    assert cat.category_mask([("10", True), ("20", False)]) == 0b111
    # Nesting looks down, not up: product 2 (in 11) is not in 12's subtree.
    assert cat.category_mask([("12", True)]) == 0b001
    assert cat.category_mask([("99", True)]) == 0


def test_an_undeclared_category_is_a_root():
    cat = _catalog([{"id": 1, "price": "1.00", "categoryIds": [99]}], TREE)
    assert cat.items["1"].nested_categories == {"99"}
    assert cat.category_mask([("99", True)]) == 1


def test_duplicate_category_id_names_the_second():
    with pytest.raises(pricing.ScenarioError) as info:
        _catalog([], [{"id": 5}, {"id": 6}, {"id": 5, "parentId": 6}])
    assert info.value.path == "categories[2].id"
    assert "duplicate category id" in str(info.value)


@pytest.mark.parametrize(
    ("categories", "path"),
    [
        ([{"id": 5, "parentId": 5}], "categories[0].parentId"),  # its own parent
        ([{"id": 1, "parentId": 2}, {"id": 2, "parentId": 1}], "categories[0].parentId"),
        (
            [
                {"id": 7},
                {"id": 1, "parentId": 3},
                {"id": 2, "parentId": 1},
                {"id": 3, "parentId": 2},
            ],
            "categories[1].parentId",
        ),
    ],
)
def test_a_category_cycle_is_refused(categories, path):
    with pytest.raises(pricing.ScenarioError) as info:
        _catalog([], categories)
    assert info.value.path == path
    assert "its own ancestor" in str(info.value)


def test_a_category_cycle_is_refused_through_preview(sb):
    scn = sb.scenario(categories=[{"id": 1, "parentId": 2}, {"id": 2, "parentId": 1}])
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(scn)
    assert info.value.path == "categories[0].parentId"


# ---------------------------------------------------------------------------
# products


def test_prices_in_minor_units_of_the_currency():
    # USD 2 decimals: 12.34 → 1234; JPY none: 500 → 500; KWD 3: 1.234 → 1234.
    assert _catalog([{"id": 1, "price": "12.34"}]).items["1"].price == 1234
    assert _catalog([{"id": 1, "price": "500"}], code="JPY").items["1"].price == 500
    assert _catalog([{"id": 1, "price": "1.234"}], code="KWD").items["1"].price == 1234
    with pytest.raises(pricing.ScenarioError) as info:
        _catalog([{"id": 1, "price": "1.00"}, {"id": 2, "price": "5.5"}], code="JPY")
    assert info.value.path == "catalog[1].price"


def test_bits_and_positions_follow_catalog_order():
    # Catalog order, not id order: 30, 7, 10.
    cat = _catalog([{"id": 30, "price": "1"}, {"id": 7, "price": "1"}, {"id": 10, "price": "1"}])
    assert cat.order == ("30", "7", "10")
    assert [(cat.items[k].index, cat.items[k].bit) for k in cat.order] == [(0, 1), (1, 2), (2, 4)]
    assert cat.all_mask == 0b111
    # A product mask of keys; keys not in the catalog name nothing.
    assert cat.product_mask(["10", "30", "nope"]) == 0b101


def test_available_products_are_found_by_their_integer_id():
    """``by_id`` finds an available product by its integer id; ``items`` is keyed by text."""
    assert key_of(2957) == "2957"
    cat = _catalog(
        [
            {"id": 2957, "price": "1.00"},
            {"id": 8, "price": "1.00", "available": False},
        ]
    )
    assert cat.by_id[2957] is cat.items["2957"]
    assert "2957" not in cat.by_id  # a string never finds a product
    # An unavailable product is in the catalog but not found for an order.
    assert "8" in cat.items
    assert 8 not in cat.by_id


@pytest.mark.parametrize("pid", ["2957", "007", True, 2957.0])
def test_a_product_id_that_is_not_an_integer_is_refused(pid):
    """Product ids are JSON integers: ``"2957"`` no longer names product 2957."""
    scn = {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "catalog": [{"id": pid, "price": "1.00"}],
        "order": {"products": [{"productId": 2957, "quantity": 1}]},
    }
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == "catalog[0].id"
    assert "integer" in info.value.message


def test_a_string_product_id_in_the_order_is_refused(sb):
    """The catalog has 2957; an order line asking for ``"2957"`` is refused, not matched."""
    scn = sb.scenario([("2957", 2)], catalog=[sb.product(2957, "1.50")])
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(scn)
    assert info.value.path == "order.products[0].productId"
    assert "integer" in info.value.message
    # The integer id is ordered as usual: 1.50 × 2 = 3.00.
    scn["order"]["products"][0]["productId"] = 2957
    assert sb.run(scn).total_raw == D("3.00")


def test_a_string_twin_of_a_product_id_is_a_type_error_not_a_duplicate():
    """``3`` then ``"3"``: the second is refused for its type, naming ``catalog[1].id``."""
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(
            currency="USD", catalog=[{"id": 3, "price": "1.00"}, {"id": "3", "price": "2.00"}]
        )
    assert info.value.path == "catalog[1].id"
    assert "integer" in info.value.message
    assert "duplicate" not in str(info.value)


def test_attribute_mask_answers_a_test_on_any_of_the_names():
    cat = _catalog(
        [
            {"id": 1, "price": "1", "attributes": {"color": "red"}},
            {"id": 2, "price": "1", "attributes": {"color": "blue", "shade": "red"}},
            {"id": 3, "price": "1", "attributes": {"color": "red"}},
            {"id": 4, "price": "1", "attributes": {}},
        ]
    )
    # Bits by catalog position: product 1 is bit 0, product 4 bit 3.
    red = read_test("red", "v")
    assert cat.attribute_mask(["color"], red) == 0b0101
    assert cat.attribute_mask(["color", "shade"], red) == 0b0111
    assert cat.attribute_mask(["color"], read_test({"condition": "nex"}, "v")) == 0b1000
    assert cat.attribute_mask(["size"], red) == 0  # a name no product has


# ---------------------------------------------------------------------------
# a duplicate id, as a user meets it (Python API and CLI)


def test_duplicate_product_id_names_the_field(tmp_path: Path):
    """``preview`` raises naming ``catalog[1].id``; the CLI prints one line and exits 2."""
    scn = _base()
    scn["catalog"][1]["id"] = 1
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    err = info.value
    assert err.path == "catalog[1].id"
    assert isinstance(err, pricing.PricingError)
    assert isinstance(err, ValueError)
    assert str(err).startswith("catalog[1].id: ")

    file = tmp_path / "scenario.json"
    file.write_text(json.dumps(scn), encoding="utf-8")
    out, errs = io.StringIO(), io.StringIO()
    code = main(["preview", str(file), "--json"], out=out, err=errs)
    text = errs.getvalue()
    assert code == 2
    assert out.getvalue() == ""
    assert text.endswith("\n")
    assert text.count("\n") == 1, text
    assert "Traceback" not in text
    assert text.startswith("pricing: bad input: ")
    assert "catalog[1].id" in text
