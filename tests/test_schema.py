"""Bad input tried as a user would: a ScenarioError naming the field, and CLI exit 2."""

from __future__ import annotations

import copy
import io
import json
import time
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing._cli import main
from pricing._schema import Discount, unknown_fields

from .bad_input import assert_bad_input as _assert_bad_input
from .bad_input import base_scenario as _base
from .bad_input import run_cli as _cli

SAMPLE_DISCOUNT = Path(__file__).resolve().parent / "data" / "oneentry-discount.json"
"""One discount object as OneEntry's Discounts API returns it (its public SDK documentation)."""


def _set(path: str, value: Any):
    """A mutation setting ``path`` (dots and ints) to ``value``; ``...`` deletes it."""
    keys: list[str | int] = [int(k) if k.isdigit() else k for k in path.split(".")]

    def mutate(s: dict[str, Any]) -> None:
        target: Any = s
        for k in keys[:-1]:
            target = target[k]
        if value is ...:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value

    return mutate


# (id, mutation, expected ScenarioError.path)
CASES = [
    # missing fields
    ("missing-currency", _set("currency", ...), "currency"),
    ("missing-order", _set("order", ...), "order"),
    ("missing-products", _set("order.products", ...), "order.products"),
    ("missing-productId", _set("order.products.0.productId", ...), "order.products[0].productId"),
    ("missing-quantity", _set("order.products.0.quantity", ...), "order.products[0].quantity"),
    ("missing-price", _set("catalog.0.price", ...), "catalog[0].price"),
    ("missing-product-id", _set("catalog.0.id", ...), "catalog[0].id"),
    ("missing-customer-id", _set("customer.id", ...), "customer.id"),
    ("missing-discount-id", _set("discounts.0.id", ...), "discounts[0].id"),
    # unknown fields (typos)
    ("unknown-top-level", _set("curency", "USD"), "curency"),
    ("unknown-in-order", _set("order.coupon", "X"), "order.coupon"),
    ("unknown-in-order-line", _set("order.products.0.qty", 2), "order.products[0].qty"),
    ("unknown-in-catalog", _set("catalog.0.prize", "1.00"), "catalog[0].prize"),
    ("unknown-in-customer", _set("customer.groups", [3]), "customer.groups"),
    ("unknown-in-settings", _set("settings.allowStacks", False), "settings.allowStacks"),
    ("unknown-in-category", _set("categories.0.parent", 1), "categories[0].parent"),
    # quantities
    ("quantity-negative", _set("order.products.0.quantity", -1), "order.products[0].quantity"),
    ("quantity-fractional", _set("order.products.0.quantity", 1.5), "order.products[0].quantity"),
    ("quantity-zero", _set("order.products.0.quantity", 0), "order.products[0].quantity"),
    (
        "quantity-too-big",
        _set("order.products.0.quantity", 1_000_001),
        "order.products[0].quantity",
    ),
    ("quantity-text", _set("order.products.0.quantity", "two"), "order.products[0].quantity"),
    # money
    ("price-too-many-decimals", _set("catalog.0.price", "150.005"), "catalog[0].price"),
    ("price-negative", _set("catalog.0.price", "-1.00"), "catalog[0].price"),
    ("price-NaN-string", _set("catalog.0.price", "NaN"), "catalog[0].price"),
    ("price-Infinity-string", _set("catalog.0.price", "Infinity"), "catalog[0].price"),
    ("price-minus-Infinity-string", _set("catalog.0.price", "-Infinity"), "catalog[0].price"),
    ("price-not-a-number", _set("catalog.0.price", "cheap"), "catalog[0].price"),
    ("price-boolean", _set("catalog.0.price", True), "catalog[0].price"),
    ("bonusAmount-negative", _set("order.bonusAmount", "-1.00"), "order.bonusAmount"),
    ("bonusAmount-NaN", _set("order.bonusAmount", "nan"), "order.bonusAmount"),
    ("ltv-NaN", _set("customer.ltv", "NaN"), "customer.ltv"),
    # currency, products
    ("unknown-currency", _set("currency", "XYZ"), "currency"),
    ("currency-without-minor-unit", _set("currency", "XAU"), "currency"),
    ("unknown-product", _set("order.products.0.productId", 999), "order.products[0].productId"),
    ("unavailable-product", _set("order.products.0.productId", 2), "order.products[0].productId"),
    # discounts
    (
        "percentage-above-100",
        _set("discounts.0.discountValue.value", 101),
        "discounts[0].discountValue.value",
    ),
    (
        "percent-alias-above-100",
        _set("discounts.0.discountValue", {"value": "100.01", "discountType": "PERCENT"}),
        "discounts[0].discountValue.value",
    ),
    (
        "discount-value-negative",
        _set("discounts.0.discountValue.value", -5),
        "discounts[0].discountValue.value",
    ),
    (
        "unknown-discount-type",
        _set("discounts.0.discountValue.discountType", "PERCENTAGES"),
        "discounts[0].discountValue.discountType",
    ),
    (
        "unknown-applicability",
        _set("discounts.0.discountValue.applicability", "TO_CART"),
        "discounts[0].discountValue.applicability",
    ),
    ("unknown-rule-type", _set("discounts.0.type", "COUPON"), "discounts[0].type"),
    (
        "unknown-condition-type",
        _set("discounts.0.conditions", [{"conditionType": "WEEKDAY", "value": 1}]),
        "discounts[0].conditions[0].conditionType",
    ),
    (
        "unknown-attribute-operator",
        _set(
            "discounts.0.conditions",
            [
                {
                    "conditionType": "ATTRIBUTE",
                    "entityIds": [{"id": "x"}],
                    "value": {"condition": "~"},
                }
            ],
        ),
        "discounts[0].conditions[0].value.condition",
    ),
    ("discount-bad-start-date", _set("discounts.0.startDate", "soon"), "discounts[0].startDate"),
    (
        "maxDiscountValue-above-100",
        _set("settings.maxDiscountValue", 101),
        "settings.maxDiscountValue",
    ),
    # at
    ("at-naive", _set("at", "2026-11-22T12:00:00"), "at"),
    ("at-not-a-date", _set("at", "tomorrow"), "at"),
    ("at-a-date-alone", _set("at", "2026-11-22"), "at"),
    # ids are integers: a string (even of digits) or a boolean names nothing
    ("product-id-string", _set("catalog.0.id", "1"), "catalog[0].id"),
    (
        "order-productId-string",
        _set("order.products.0.productId", "1"),
        "order.products[0].productId",
    ),
    ("customer-id-string", _set("customer.id", "42"), "customer.id"),
    ("customer-groupId-string", _set("customer.groupIds", ["3"]), "customer.groupIds[0]"),
    ("category-id-string", _set("categories.0.id", "10"), "categories[0].id"),
    ("category-parentId-bool", _set("categories.0.parentId", False), "categories[0].parentId"),
    (
        "product-categoryId-string",
        _set("catalog.0.categoryIds", ["10"]),
        "catalog[0].categoryIds[0]",
    ),
    ("discount-id-string", _set("discounts.0.id", "7"), "discounts[0].id"),
    (
        "discount-userGroup-string",
        _set("discounts.0.userGroups", ["3"]),
        "discounts[0].userGroups[0]",
    ),
    (
        "discount-exclusion-id-string",
        _set("discounts.0.exclusions", [{"id": "1"}]),
        "discounts[0].exclusions[0].id",
    ),
    # other strict types
    ("quantity-digits", _set("order.products.0.quantity", "2"), "order.products[0].quantity"),
    ("quantity-true", _set("order.products.0.quantity", True), "order.products[0].quantity"),
    ("available-string", _set("catalog.1.available", "false"), "catalog[1].available"),
    ("available-one", _set("catalog.1.available", 1), "catalog[1].available"),
    (
        "discount-naive-start-date",
        _set("discounts.0.startDate", "2026-11-22T12:00:00"),
        "discounts[0].startDate",
    ),
    ("discount-unix-end-date", _set("discounts.0.endDate", 1764000000), "discounts[0].endDate"),
    (
        "discount-end-not-after-start",
        _set(
            "discounts.0",
            {"id": 7, "startDate": "2026-11-22T12:00:00Z", "endDate": "2026-11-22T12:00:00Z"},
        ),
        "discounts[0].endDate",
    ),
    # unknown keys inside a discount's own objects
    (
        "unknown-in-discountValue",
        _set("discounts.0.discountValue.maxAmmount", 5),
        "discounts[0].discountValue.maxAmmount",
    ),
    (
        "unknown-in-condition",
        _set("discounts.0.conditions", [{"conditionType": "PRODUCT", "entityIds": [1], "x": 1}]),
        "discounts[0].conditions[0].x",
    ),
    (
        "unknown-in-exclusion",
        _set("discounts.0.exclusions", [{"id": 1, "nested": True}]),
        "discounts[0].exclusions[0].nested",
    ),
]


@pytest.mark.parametrize(("mutate", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_python_api_names_the_field(mutate, path):
    """``preview`` raises a ScenarioError whose ``.path`` names the offending field."""
    scn = _base()
    mutate(scn)
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    err = info.value
    assert err.path == path
    assert isinstance(err, pricing.PricingError)
    assert isinstance(err, ValueError)
    assert str(err).startswith(f"{path}: ")


@pytest.mark.parametrize(("mutate", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cli_exits_2_with_one_line(tmp_path, mutate, path):
    """The CLI prints one line naming the field on stderr and exits 2."""
    scn = _base()
    mutate(scn)
    _assert_bad_input(*_cli(tmp_path, json.dumps(scn)), path)


def test_json_document_that_is_not_an_object(tmp_path):
    """A JSON array is not a scenario."""
    with pytest.raises(pricing.ScenarioError):
        pricing.preview(pricing.loads_json("[1, 2]"))
    code, _, err = _cli(tmp_path, "[1, 2]")
    assert code == 2
    assert err.count("\n") == 1


def test_missing_file(tmp_path):
    """A file that does not exist is bad input too."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["preview", str(tmp_path / "nope.json"), "--json"], out=out, err=err)
    assert code == 2
    assert err.getvalue().count("\n") == 1
    assert "no such file" in err.getvalue()


def test_several_problems_are_all_reported_the_first_in_path():
    """Several bad fields: ``path`` is the first, ``problems`` lists them all."""
    scn = _base()
    scn["order"]["products"][0]["quantity"] = 0
    scn["order"]["couponcode"] = "X"
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    paths = [p for p, _ in info.value.problems]
    assert info.value.path == paths[0]
    assert set(paths) == {"order.products[0].quantity", "order.couponcode"}


# ---------------------------------------------------------------------------
# the Python API's own cases


def test_at_missing_in_python_api():
    """``preview`` never reads a clock: a scenario without ``at`` is an error naming it."""
    scn = _base()
    del scn["at"]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == "at"
    scn["at"] = None
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == "at"


def test_naive_at_in_engine_preview():
    """``Engine.preview`` refuses a naive datetime (and a string) for ``at``."""
    s = _base()
    engine = pricing.Engine(currency="USD", catalog=s["catalog"], discounts=s["discounts"])
    for at in (datetime(2026, 11, 22, 12, 0), "2026-11-22T12:00:00Z", None):
        with pytest.raises(pricing.ScenarioError) as info:
            engine.preview(s["order"], at=at)  # type: ignore[arg-type]
        assert info.value.path == "at"


def test_engine_names_its_own_arguments():
    """Errors in Engine arguments name them like scenario paths."""
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(currency="usd")
    assert info.value.path == "currency"
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "1.001"}])
    assert info.value.path == "catalog[0].price"
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "1.00"}])
    with pytest.raises(pricing.ScenarioError) as info:
        engine.preview(
            {"products": [{"productId": 1, "quantity": 1}]},
            customer={"id": 1, "tier": "gold"},
            at=datetime.fromisoformat("2026-11-22T12:00:00+00:00"),
        )
    assert info.value.path == "customer.tier"


# ---------------------------------------------------------------------------
# what is accepted


def test_quantity_bounds_are_inclusive():
    """1 and 1,000,000 are valid quantities."""
    scn = _base()
    scn["order"]["products"] = [
        {"productId": 1, "quantity": 1},
        {"productId": 1, "quantity": 1_000_000},
    ]
    result = pricing.preview(scn)
    # 150 × (1 + 1,000,000) = 150,000,150.00 raw; 10 % off = 15,000,015 → 135,000,135.
    assert result.total_raw == D("150000150.00")
    assert result.total_sum_with_discount == D("135000135.00")


def test_onentry_order_body_fields_are_accepted_and_ignored():
    """formIdentifier, paymentAccountIdentifier, formData are accepted in ``order``."""
    scn = _base()
    scn["order"].update(
        formIdentifier="orderForm",
        paymentAccountIdentifier="cash",
        formData=[{"marker": "order_name", "value": "Ivan", "type": "string"}],
    )
    result = pricing.preview(scn)
    # 300 − 10 % = 270
    assert result.total_sum_with_discount == D("270.00")


def test_snake_case_is_accepted_from_python():
    """The Python API accepts snake_case too."""
    scn = _base()
    scn["order"] = {"products": [{"product_id": 1, "quantity": 2}], "coupon_code": None}
    assert pricing.preview(scn).total_raw == D("300.00")


def test_display_fields_of_a_discount_are_echoed_verbatim():
    """Display-only fields of a OneEntry discount object are kept and echoed as given,
    without a warning."""
    sample = json.loads(SAMPLE_DISCOUNT.read_text(encoding="utf-8"))
    sample["conditions"] = [{"conditionType": "PRODUCT", "entityIds": [1]}]
    scn = _base()
    scn["at"] = "2026-05-01T00:00:00Z"  # inside the sample's dates
    scn["discounts"] = [copy.deepcopy(sample)]
    result = pricing.preview(scn)
    # FIXED_AMOUNT 10 per unit TO_PRODUCT on 2 × 150: min(20, 300) = 20 → maxAmount 5 → 5.
    assert result.total_sum_with_discount == D("295.00")
    (echo,) = json.loads(result.to_json())["discountConfig"]["productDiscounts"]
    assert echo == {**sample, "coupon": None}
    assert echo["attributeValues"] == sample["attributeValues"]
    assert (echo["version"], echo["total"], echo["bonusEvent"]) == (0, "1", None)
    assert result.warnings == ()


def test_unknown_keys_inside_a_discounts_own_objects_are_errors():
    """Inside discountValue and conditions an unknown key can only be a typo: an error
    naming each such key, strict option or not."""
    sample = json.loads(SAMPLE_DISCOUNT.read_text(encoding="utf-8"))
    sample["discountValue"]["note"] = {"shown": "in admin"}
    sample["conditions"] = [{"conditionType": "PRODUCT", "entityIds": [1], "label": "A only"}]
    scn = _base()
    scn["at"] = "2026-05-01T00:00:00Z"
    scn["discounts"] = [sample]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == "discounts[0].discountValue.note"
    assert [p for p, _ in info.value.problems] == [
        "discounts[0].discountValue.note",
        "discounts[0].conditions[0].label",
    ]
    assert "unknown field" in info.value.message


@pytest.mark.parametrize(("percent", "want"), [(0, "300.00"), (100, "0.00"), ("99.99", "0.03")])
def test_percentage_bounds_are_inclusive(percent, want):
    """0 % and 100 % are valid percentages; 100 % takes the order to 0, never below."""
    scn = _base()
    scn["discounts"][0]["discountValue"]["value"] = percent
    # 300.00 × 99.99 % = 299.97 → 0.03 left.
    assert pricing.preview(scn).total_sum_with_discount == D(want)


# ---------------------------------------------------------------------------
# hostile input: one regression test per refusal class


def _json_with(old: str, new: str) -> str:
    """The base scenario as JSON text, with ``old`` (which must occur) replaced by ``new``."""
    text = json.dumps(_base())
    assert old in text
    return text.replace(old, new, 1)


def _mutated(*mutations: Any) -> dict[str, Any]:
    scn = _base()
    for mutate in mutations:
        mutate(scn)
    return scn


def _chain(depth: int) -> list[dict[str, Any]]:
    """Categories 1 ← 2 ← … ← depth, root first: ``categories[i]`` is at level i + 1."""
    return [{"id": 1, "parentId": None}] + [{"id": i + 1, "parentId": i} for i in range(1, depth)]


def _nested_dict(levels: int) -> dict[str, Any]:
    """``{"x": {"x": … {}}}``: ``levels`` objects, one inside the other."""
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"x": value}
    return value


_PRICE = '"price": "150.00"'

# (id, a function giving the input: a scenario for pricing.preview, or JSON text for
# pricing.preview_json, and the path the ScenarioError must name)
REFUSALS = [
    ("true-as-product-id", lambda: _mutated(_set("catalog.0.id", True)), "catalog[0].id"),
    (
        "true-as-order-productId",
        lambda: _json_with('"productId": 1', '"productId": true'),
        "order.products[0].productId",
    ),
    (
        "string-false-as-allowStacking",
        lambda: _mutated(_set("settings.allowStacking", "false")),
        "settings.allowStacking",
    ),
    ("at-as-unix-seconds", lambda: _json_with('"2026-11-22T12:00:00Z"', "1764000000"), "at"),
    (
        "duplicate-json-key",
        lambda: _json_with(_PRICE, f'{_PRICE}, "price": "0.01"'),
        "catalog[0].price",
    ),
    ("money-underscore", lambda: _json_with(_PRICE, '"price": "1_000"'), "catalog[0].price"),
    # "２" is FULLWIDTH DIGIT TWO (U+FF12), written here as a JSON escape
    ("money-fullwidth-digit", lambda: _json_with(_PRICE, '"price": "\\uff12"'), "catalog[0].price"),
    ("money-leading-space", lambda: _json_with(_PRICE, '"price": " 5"'), "catalog[0].price"),
    ("money-plus-sign", lambda: _json_with(_PRICE, '"price": "+5"'), "catalog[0].price"),
    ("money-exponent-string", lambda: _json_with(_PRICE, '"price": "1e3"'), "catalog[0].price"),
    ("money-exponent-number", lambda: _json_with(_PRICE, '"price": 1E+3'), "catalog[0].price"),
    (
        "money-over-10^12",
        lambda: _mutated(_set("catalog.0.price", "12345678901234567890123456789.12")),
        "catalog[0].price",
    ),
    (
        "money-just-over-10^12",
        lambda: _mutated(_set("catalog.0.price", "1000000000000.01")),
        "catalog[0].price",
    ),
    (
        "percent-with-21-decimals",
        lambda: _mutated(_set("settings.maxDiscountValue", "0." + "0" * 20 + "1")),
        "settings.maxDiscountValue",
    ),
    (
        "quantity-of-5000-digits",
        lambda: _json_with('"quantity": 2', '"quantity": ' + "9" * 5000),
        "order.products[0].quantity",
    ),
    (
        "lone-surrogate-in-title",
        lambda: _json_with('"title": "A"', '"title": "\\ud800"'),
        "catalog[0].title",
    ),
    (
        "category-chain-2000-deep",
        lambda: _mutated(_set("categories", _chain(2000))),
        # categories[63] is the 64th level, the deepest allowed; categories[64] is one more
        "categories[64].parentId",
    ),
    (
        "category-cycle",
        lambda: _mutated(_set("categories", [{"id": 1, "parentId": 2}, {"id": 2, "parentId": 1}])),
        "categories[0].parentId",
    ),
    (
        "order-of-10001-lines",
        lambda: _mutated(_set("order.products", [{"productId": 1, "quantity": 1}] * 10_001)),
        "order.products",
    ),
]


@pytest.mark.parametrize(("make", "path"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_hostile_input_is_refused_naming_the_field(make, path):
    data = make()
    call = pricing.preview_json if isinstance(data, str) else pricing.preview
    with pytest.raises(pricing.ScenarioError) as info:
        call(data)
    assert info.value.path == path
    assert str(info.value).startswith(f"{path}: ")
    assert len(str(info.value)) < 300  # input is quoted briefly, if at all


@pytest.mark.parametrize(("make", "path"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_hostile_input_is_bad_input_to_the_cli(tmp_path, make, path):
    data = make()
    text = data if isinstance(data, str) else json.dumps(data)
    _assert_bad_input(*_cli(tmp_path, text), path)


def test_the_limits_themselves_are_accepted():
    """Just inside each limit: 10^12, 20 decimals of a percentage, 64 levels of
    categories, 10,000 lines, 32 levels of a display field."""
    scn = _mutated(
        _set("catalog.0.price", "1000000000000"),
        _set("settings.maxDiscountValue", "0." + "0" * 19 + "1"),
        _set("categories", _chain(64)),
        _set("order.products", [{"productId": 1, "quantity": 1}] * 10_000),
        _set("discounts.0.localizeInfos", _nested_dict(32)),
    )
    result = pricing.preview(scn)
    # 10,000 × 10^12 = 10^16 raw; the cap 10^-20 % of it is 10^-6, less than a cent:
    # floor to 0, so the 10 % discount is capped out entirely.
    assert result.total_raw == D(10**16)
    assert result.total_sum_with_discount == D(10**16)


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("discounts.0.localizeInfos", "discounts[0].localizeInfos"),
        # An unknown key of a discount or a coupon is kept and echoed as display
        # fields are, and held to their depth (it was held only to the 40 of any JSON).
        ("discounts.0.extraKey", "discounts[0].extraKey"),
    ],
)
def test_a_display_field_33_deep_is_refused_naming_it(where, path):
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(_mutated(_set(where, _nested_dict(33))))
    assert info.value.path == path
    assert info.value.message == "nested more than 32 levels deep"
    pricing.preview(_mutated(_set(where, _nested_dict(32))))  # (the limit itself is fine)


def test_json_nested_100000_deep_is_a_scenario_error_not_a_recursion_error():
    text = _json_with(
        '"quantity": 2}]', '"quantity": 2}], "formData": ' + "[" * 100_000 + "]" * 100_000
    )
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview_json(text)
    assert "nested more than" in info.value.message


def test_a_display_field_2000_deep_from_python_names_a_path_in_the_discount():
    scn = _mutated(_set("discounts.0.localizeInfos", _nested_dict(2000)))
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path.startswith("discounts[0].localizeInfos")
    assert "nested more than" in info.value.message


@pytest.mark.parametrize(
    "data",
    [
        _json_with(
            '"settings": {"allowStacking": true}',
            '"settings": {"maxDiscountValue": "1E-999999999"}',
        ),
        _json_with(
            '"settings": {"allowStacking": true}', '"settings": {"maxDiscountValue": 1E-999999999}'
        ),
    ],
    ids=["string", "number"],
)
def test_a_huge_exponent_is_refused_at_once(data):
    """``1E-999999999`` would be a billion-digit exact fraction: it is refused, quickly."""
    start = time.perf_counter()
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview_json(data)
    assert time.perf_counter() - start < 1.0
    assert info.value.path == "settings.maxDiscountValue"
    assert "exponent" in info.value.message


def test_a_megabyte_coupon_code_gives_a_short_message():
    scn = _mutated(_set("order.couponCode", "A" * 1_000_000))
    with pytest.raises(pricing.CouponError) as info:
        pricing.preview(scn)
    assert info.value.reason == "not_found"
    assert len(str(info.value)) < 300


# ---------------------------------------------------------------------------
# unknown keys at the top level of a discount or coupon object: warned of, or with
# the strict option refused


def _with_typos() -> dict[str, Any]:
    """Two discounts on 2 × 150.00 = 300.00, each with a misspelt top-level key that
    must change nothing:

    - discounts[0]: 10 % TO_ORDER, position 2, ``maxAmmount: 5`` (not a cap);
    - discounts[1]: 20.00 off TO_ORDER, position 1, ``userGroup: [9]`` (no audience).

    Priority order is discounts[1] then discounts[0]: 300 − 20 = 280, then 10 % of
    280 = 28 → 252.00. (Read as maxAmount 5 it would be 275.00; read as userGroups
    [9] the 20.00 would not apply: 270.00.)
    """
    scn = _base()
    scn["discounts"] = [
        {
            "id": 7,
            "identifier": "ten",
            "position": 2,
            "discountValue": {"value": 10, "discountType": "PERCENTAGE"},
            "maxAmmount": 5,
        },
        {
            "id": 8,
            "identifier": "twenty",
            "position": 1,
            "discountValue": {"value": "20.00", "discountType": "FIXED_AMOUNT"},
            "userGroup": [9],
        },
    ]
    scn["order"]["additionalDiscountsMarkers"] = ["nope"]
    return scn


def test_a_top_level_unknown_key_of_a_discount_is_kept_echoed_and_changes_nothing():
    result = pricing.preview(_with_typos())
    assert result.total_sum_with_discount == D("252.00")
    echoes = json.loads(result.to_json())["discountConfig"]["orderDiscounts"]
    assert [(e["id"], e.get("maxAmmount"), e.get("userGroup")) for e in echoes] == [
        (8, None, [9]),
        (7, 5, None),
    ]


def test_a_top_level_unknown_key_of_a_discount_is_warned_of_in_document_order():
    result = pricing.preview(_with_typos())
    assert result.warnings == (
        {"code": "unknown_field", "path": "discounts[0].maxAmmount"},
        {"code": "unknown_field", "path": "discounts[1].userGroup"},
        {"code": "unknown_marker", "marker": "nope"},
    )
    assert json.loads(result.to_json())["warnings"][0] == {
        "code": "unknown_field",
        "path": "discounts[0].maxAmmount",
    }


def test_with_the_strict_option_a_top_level_unknown_key_is_an_error():
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(_with_typos(), strict=True)
    assert info.value.path == "discounts[0].maxAmmount"
    assert "unknown field" in info.value.message


def test_with_the_strict_option_an_engine_refuses_a_top_level_unknown_key():
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(currency="USD", discounts=[{"id": 1, "maxAmmount": 5}], strict=True)
    assert info.value.path == "discounts[0].maxAmmount"


def test_an_unknown_key_inside_discount_value_is_an_error_even_without_strict():
    scn = _base()
    scn["discounts"][0]["discountValue"]["maxAmmount"] = 5
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == "discounts[0].discountValue.maxAmmount"
    assert "unknown field" in info.value.message


_DISPLAY_COUPON = {"code": "X", "id": 3, "discountId": 7, "usedAt": None, "orderId": None}


def test_an_unknown_key_of_a_coupon_object_is_warned_of():
    scn = _base()
    scn["discounts"][0]["coupons"] = [{"code": "X", "foo": 1}]
    result = pricing.preview(scn)
    assert result.warnings == ({"code": "unknown_field", "path": "discounts[0].coupons[0].foo"},)
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn, strict=True)
    assert info.value.path == "discounts[0].coupons[0].foo"


def test_the_display_keys_of_a_coupon_object_are_not_warned_of():
    scn = _base()
    scn["discounts"][0]["coupons"] = [dict(_DISPLAY_COUPON)]
    scn["order"]["couponCode"] = "X"
    assert pricing.preview(scn).warnings == ()
    assert pricing.preview(scn, strict=True).total_sum_with_discount == D("270.00")


def test_which_top_level_keys_are_unknown():
    """What the warnings are made of: every key neither read nor a display field, in
    document order, coupon objects included, indexed as the input list is."""
    discount = Discount.model_validate(
        {
            "maxAmmount": 5,
            "id": 1,
            "localizeInfos": {"title": "x"},
            "coupons": ["PLAIN", {**_DISPLAY_COUPON, "foo": 1, "isUsed": False}],
            "version": 0,
            "userGroup": [9],
        }
    )
    assert unknown_fields(discount, 3) == [
        "discounts[3].maxAmmount",
        "discounts[3].coupons[1].foo",
        "discounts[3].userGroup",
    ]


@pytest.mark.parametrize("field", ["userGroups", "userExclusions"])
def test_a_user_reference_with_another_key_is_an_error(field: str) -> None:
    """Only ``id`` of a ``{id}`` reference is read: any other key there could only be a
    typo, and unknown fields are errors (only a discount's and a coupon's own keys are
    warned of instead)."""
    scn = _base()
    scn["discounts"][0][field] = [{"id": 5, "name": "x"}]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == f"discounts[0].{field}[0].name"
    assert "unknown field" in info.value.message


def test_a_field_given_in_both_spellings_warns_of_the_snake_case_one():
    """camelCase is read; the snake_case spelling beside it is not, and saying nothing
    would let it silently not count (``is_used: true`` beside ``isUsed: false``)."""
    scn = _base()
    discount = scn["discounts"][0]
    discount["user_groups"] = [5]  # beside userGroups (absent here: so it is read)
    discount["discount_value"] = {"value": 50, "discountType": "PERCENTAGE"}
    discount["coupons"] = [{"code": "A", "is_used": True, "isUsed": False}]
    scn["order"]["couponCode"] = "A"
    result = pricing.preview(scn)
    assert result.warnings == (
        {"code": "unknown_field", "path": "discounts[0].discount_value"},
        {"code": "unknown_field", "path": "discounts[0].coupons[0].is_used"},
    )  # user_groups alone is read as userGroups: no warning
    assert result.explanation[0].reason == "not_in_group"  # group 5 read; the customer: 3
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn, strict=True)
    assert info.value.path == "discounts[0].discount_value"


# ---------------------------------------------------------------------------
# ids in conditions, and the path of a bad field inside an object of a list


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        ({"conditionType": "PRODUCT", "entityIds": ["1"]}, "entityIds[0]"),
        ({"conditionType": "PRODUCT", "entityIds": [{"id": "1"}]}, "entityIds[0].id"),
        ({"conditionType": "PRODUCT_IN_CART", "entityIds": ["1"]}, "entityIds[0]"),
        ({"conditionType": "CATEGORY", "entityIds": ["10"]}, "entityIds[0]"),
        ({"conditionType": "CATEGORY_IN_CART", "entityIds": [{"id": "10"}]}, "entityIds[0].id"),
        ({"type": "PRODUCT", "value": ["1"]}, "value[0]"),
        ({"type": "PRODUCT", "value": [True]}, "value[0]"),
    ],
)
def test_a_product_or_category_id_in_a_condition_must_be_an_integer(condition, path):
    scn = _base()
    scn["discounts"][0]["conditions"] = [condition]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == f"discounts[0].conditions[0].{path}"


def test_attribute_names_in_entity_ids_are_strings():
    scn = _base()
    scn["discounts"][0]["conditions"] = [
        {"conditionType": "USER_ATTRIBUTE", "entityIds": ["tier"], "value": "gold"},
        {
            "conditionType": "ATTRIBUTE",
            "entityIds": [{"id": "color"}],
            "value": {"condition": "exs"},
        },
    ]
    scn["discounts"][0]["conditionLogic"] = "OR"
    # The customer's tier is gold: the first condition holds; 300 − 10 % = 270.
    assert pricing.preview(scn).total_sum_with_discount == D("270.00")


@pytest.mark.parametrize(
    ("field", "entry", "path"),
    [
        ("gifts", {"productId": 1, "qty": 2}, "discounts[0].gifts[0].qty"),
        ("gifts", {"productId": "1"}, "discounts[0].gifts[0].productId"),
        ("userGroups", {"id": "3"}, "discounts[0].userGroups[0].id"),
        ("coupons", {"code": "X", "isUsed": 1}, "discounts[0].coupons[0].isUsed"),
    ],
)
def test_a_bad_field_of_an_object_entry_is_the_path_named(field, entry, path):
    scn = _base()
    scn["discounts"][0][field] = [entry]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == path


# -- shipping discounts, usage limits and budgets, several coupon codes ---------------------

EXTENSION_CASES = [
    # usage counters (the scenario's `usage`): whole, non-negative, money that fits
    ("usage-not-an-object", _set("usage", [{"uses": 1}]), "usage"),
    ("usage-uses-negative", _set("usage", {"7": {"uses": -1}}), "usage.7.uses"),
    (
        "usage-customerUses-negative",
        _set("usage", {"7": {"customerUses": -2}}),
        "usage.7.customerUses",
    ),
    ("usage-uses-text", _set("usage", {"7": {"uses": "3"}}), "usage.7.uses"),
    ("usage-uses-fraction", _set("usage", {"7": {"uses": 1.5}}), "usage.7.uses"),
    ("usage-spent-decimals", _set("usage", {"7": {"spent": "1.005"}}), "usage.7.spent"),
    (
        "usage-spent-over-limit",
        _set("usage", {"7": {"spent": "1000000000000.01"}}),
        "usage.7.spent",
    ),
    ("usage-spent-negative", _set("usage", {"7": {"spent": "-1.00"}}), "usage.7.spent"),
    ("usage-unknown-key", _set("usage", {"7": {"uses": 1, "used": 2}}), "usage.7.used"),
    # the discount fields
    ("usageLimit-negative", _set("discounts.0.usageLimit", -1), "discounts[0].usageLimit"),
    ("usageLimit-true", _set("discounts.0.usageLimit", True), "discounts[0].usageLimit"),
    (
        "usageLimitPerCustomer-text",
        _set("discounts.0.usageLimitPerCustomer", "2"),
        "discounts[0].usageLimitPerCustomer",
    ),
    ("budget-without-amount", _set("discounts.0.budget", {}), "discounts[0].budget.amount"),
    (
        "budget-unknown-key",
        _set("discounts.0.budget", {"amount": "5.00", "currency": "USD"}),
        "discounts[0].budget.currency",
    ),
    (
        "budget-amount-decimals",
        _set("discounts.0.budget", {"amount": "5.001"}),
        "discounts[0].budget.amount",
    ),
    (
        "budget-amount-negative",
        _set("discounts.0.budget", {"amount": -5}),
        "discounts[0].budget.amount",
    ),
    ("budget-not-an-object", _set("discounts.0.budget", "5000.00"), "discounts[0].budget"),
    # TO_SHIPPING with a field about units of goods lines
    (
        "to-shipping-with-units",
        _set(
            "discounts.0.discountValue",
            {
                "value": 100,
                "discountType": "PERCENTAGE",
                "applicability": "TO_SHIPPING",
                "per": "LINE",
            },
        ),
        "discounts[0].discountValue.per",
    ),
    # couponCodes: strings, distinct once trimmed and case-folded (couponCode counts first)
    ("couponCodes-not-a-list", _set("order.couponCodes", "SAVE10"), "order.couponCodes"),
    ("couponCodes-entry-number", _set("order.couponCodes", ["A", 10]), "order.couponCodes[1]"),
    ("couponCodes-duplicate", _set("order.couponCodes", ["A", "B", " a "]), "order.couponCodes[2]"),
]


def _with_codes(scn: dict[str, Any]) -> None:
    """Discount 7 opens with A or B (so that the codes are valid when not refused)."""
    scn["discounts"][0]["coupons"] = ["A", "B"]


@pytest.mark.parametrize(
    ("mutate", "path"), [c[1:] for c in EXTENSION_CASES], ids=[c[0] for c in EXTENSION_CASES]
)
def test_bad_extension_input_names_the_field(tmp_path, mutate, path):
    """``preview`` raises a ScenarioError naming the field; the CLI exits 2 with it."""
    scn = _base()
    _with_codes(scn)
    mutate(scn)
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(copy.deepcopy(scn))
    assert info.value.path == path
    _assert_bad_input(*_cli(tmp_path, json.dumps(scn)), path)


def test_a_code_given_in_both_fields_is_a_duplicate():
    """couponCode counts as the first code: the same code in couponCodes is refused."""
    scn = _base()
    _with_codes(scn)
    scn["order"]["couponCode"] = "b"
    scn["order"]["couponCodes"] = ["A", "B"]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.preview(scn)
    assert info.value.path == "order.couponCodes[1]"
    assert "presented twice" in str(info.value)


def test_the_new_discount_fields_are_read_not_warned_of():
    """usageLimit, usageLimitPerCustomer and budget are fields of the discount object."""
    scn = _base()
    scn["discounts"][0].update(usageLimit=5, usageLimitPerCustomer=1, budget={"amount": "90.00"})
    result = pricing.preview(scn)
    assert result.warnings == ()
    echo = result.document["discountConfig"]["orderDiscounts"][0]
    assert echo["budget"] == {"amount": "90.00"}  # echoed as given


def test_engine_preview_validates_usage_as_the_scenario_does():
    """The keyword argument names the same paths as the scenario's ``usage``."""
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "1.00"}])
    order = {"products": [{"productId": 1, "quantity": 1}]}
    at = datetime.fromisoformat("2026-11-22T12:00:00+00:00")
    with pytest.raises(pricing.ScenarioError) as info:
        engine.preview(order, at=at, usage={"3": {"spent": "0.001"}})
    assert info.value.path == "usage.3.spent"
    with pytest.raises(pricing.ScenarioError) as info:
        engine.preview(order, at=at, usage={3: {"uses": 1}})  # keys are ids as JSON writes them
    assert info.value.path.startswith("usage")
