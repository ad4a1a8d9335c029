"""The quantity-aware fields of ``discountValue``: which go together, each refusal by path.

``per``, ``maxQuantity``, ``quantityScope`` and ``unitOrder`` (``TO_PRODUCT`` only),
``tiers`` (any applicability; ``value`` then null or left out) and ``buyGet``
(``TO_PRODUCT`` only). ``tiers``, ``buyGet`` and ``maxQuantity`` exclude one another;
``per: LINE`` goes with none of them; ``quantityScope``/``unitOrder`` need
``maxQuantity``. Unknown keys inside the new objects are errors.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing._cli import main

TIERS = [{"minQuantity": 3, "value": 10}, {"minQuantity": 5, "value": 15}]
BUY_GET = {"buyQuantity": 2, "getQuantity": 1}


def _value(applicability: str | None = "TO_PRODUCT", **fields: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "discountType": "PERCENTAGE",
        "value": 10,
        "applicability": applicability,
    }
    value.update(fields)
    if "tiers" in fields and "value" not in fields:
        del value["value"]
    return value


def _scenario(sb, discount_value: dict[str, Any], **fields: Any) -> dict[str, Any]:
    d = sb.discount(1, **fields)
    d["discountValue"] = discount_value
    other = sb.discount(2, "PERCENTAGE", 5, "TO_ORDER")
    return sb.scenario([(1, 3)], discounts=[other, d])


BAD = [
    # outside TO_PRODUCT
    ("per-to-order", _value("TO_ORDER", per="UNIT"), "per"),
    ("per-null-applicability", _value(None, per="LINE"), "per"),
    ("max-quantity-to-order", _value("TO_ORDER", maxQuantity=2), "maxQuantity"),
    ("scope-to-order", _value("TO_ORDER", quantityScope="LINE"), "quantityScope"),
    ("order-to-order", _value("TO_ORDER", unitOrder="CHEAPEST_FIRST"), "unitOrder"),
    ("buy-get-to-order", _value("TO_ORDER", buyGet=BUY_GET), "buyGet"),
    # without maxQuantity
    ("scope-alone", _value(quantityScope="ORDER"), "quantityScope"),
    ("order-alone", _value(unitOrder="MOST_EXPENSIVE_FIRST"), "unitOrder"),
    # exclusive
    ("tiers-and-buy-get", _value(tiers=TIERS, buyGet=BUY_GET), "buyGet"),
    ("tiers-and-max-quantity", _value(tiers=TIERS, maxQuantity=2), "maxQuantity"),
    ("buy-get-and-max-quantity", _value(buyGet=BUY_GET, maxQuantity=2), "maxQuantity"),
    ("line-and-max-quantity", _value(per="LINE", maxQuantity=2), "per"),
    ("line-and-tiers", _value(per="LINE", tiers=TIERS), "per"),
    ("line-and-buy-get", _value(per="LINE", buyGet=BUY_GET), "per"),
    # the fields themselves
    ("per-unknown", _value(per="ITEM"), "per"),
    ("max-quantity-zero", _value(maxQuantity=0), "maxQuantity"),
    ("max-quantity-text", _value(maxQuantity="2"), "maxQuantity"),
    ("max-quantity-bool", _value(maxQuantity=True), "maxQuantity"),
    ("max-quantity-huge", _value(maxQuantity=10**11), "maxQuantity"),
    ("scope-unknown", _value(maxQuantity=2, quantityScope="CART"), "quantityScope"),
    ("order-unknown", _value(maxQuantity=2, unitOrder="RANDOM"), "unitOrder"),
    # tiers
    ("tiers-empty", _value(tiers=[]), "tiers"),
    ("tiers-with-value", _value(tiers=TIERS, value=10), "value"),
    ("value-null-without-tiers", _value(value=None), "value"),
    ("tier-no-threshold", _value(tiers=[{"value": 10}]), "tiers[0]"),
    (
        "tier-two-thresholds",
        _value(tiers=[{"minQuantity": 2, "minAmount": 5, "value": 1}]),
        "tiers[0]",
    ),
    ("tier-no-value", _value(tiers=[{"minQuantity": 2}]), "tiers[0].value"),
    (
        "tier-unknown-key",
        _value(tiers=[{"minQuantity": 2, "value": 1, "valu": 2}]),
        "tiers[0].valu",
    ),
    ("tier-quantity-zero", _value(tiers=[{"minQuantity": 0, "value": 1}]), "tiers[0].minQuantity"),
    (
        "tier-quantity-text",
        _value(tiers=[{"minQuantity": "3", "value": 1}]),
        "tiers[0].minQuantity",
    ),
    (
        "tiers-two-kinds",
        _value(tiers=[{"minQuantity": 2, "value": 1}, {"minAmount": 50, "value": 2}]),
        "tiers[1].minAmount",
    ),
    (
        "tiers-not-increasing",
        _value(tiers=[{"minQuantity": 5, "value": 1}, {"minQuantity": 3, "value": 2}]),
        "tiers[1].minQuantity",
    ),
    (
        "tiers-equal",
        _value(tiers=[{"minAmount": "5.00", "value": 1}, {"minAmount": 5, "value": 2}]),
        "tiers[1].minAmount",
    ),
    ("tier-percent-over-100", _value(tiers=[{"minQuantity": 2, "value": 150}]), "tiers[0].value"),
    (
        "tier-amount-exponent",
        _value(tiers=[{"minQuantity": 2, "value": "1.005"}], discountType="FIXED_AMOUNT"),
        "tiers[0].value",
    ),
    (
        "tier-min-amount-exponent",
        _value(tiers=[{"minAmount": "1.005", "value": 1}]),
        "tiers[0].minAmount",
    ),
    ("tier-negative", _value(tiers=[{"minAmount": "-1", "value": 1}]), "tiers[0].minAmount"),
    # buyGet
    ("buy-zero", _value(buyGet={"buyQuantity": 0, "getQuantity": 1}), "buyGet.buyQuantity"),
    ("get-missing", _value(buyGet={"buyQuantity": 2}), "buyGet.getQuantity"),
    ("get-text", _value(buyGet={"buyQuantity": 2, "getQuantity": "1"}), "buyGet.getQuantity"),
    ("max-sets-zero", _value(buyGet={**BUY_GET, "maxSets": 0}), "buyGet.maxSets"),
    ("buy-get-unknown-key", _value(buyGet={**BUY_GET, "buyQty": 2}), "buyGet.buyQty"),
    (
        "buy-logic",
        _value(buyGet={**BUY_GET, "buyConditionLogic": "XOR"}),
        "buyGet.buyConditionLogic",
    ),
    (
        "buy-condition-type",
        _value(buyGet={**BUY_GET, "buyConditions": [{"conditionType": "NOPE"}]}),
        "buyGet.buyConditions[0].conditionType",
    ),
    (
        "buy-condition-quantity",
        _value(
            buyGet={
                **BUY_GET,
                "buyConditions": [{"conditionType": "CART_QUANTITY", "value": {"quantity": 0}}],
            }
        ),
        "buyGet.buyConditions[0].value.quantity",
    ),
    (
        "buy-condition-ids",
        _value(
            buyGet={**BUY_GET, "buyConditions": [{"conditionType": "PRODUCT", "entityIds": ["1"]}]}
        ),
        "buyGet.buyConditions[0].entityIds[0]",
    ),
]


@pytest.mark.parametrize(("case", "discount_value", "field"), BAD, ids=[c for c, _, _ in BAD])
def test_bad_quantity_fields_are_refused_naming_the_field(sb, case, discount_value, field):
    with pytest.raises(pricing.ScenarioError) as raised:
        sb.run(_scenario(sb, discount_value))
    # The discount is discounts[1] (after the plain one).
    assert raised.value.path == f"discounts[1].discountValue.{field}", str(raised.value)


@pytest.mark.parametrize("field", ["buyGet", "maxQuantity", "per"])
def test_a_bonus_program_counts_no_units(sb, field):
    """(decision) a BONUS program accrues on the order: units and buy-get mean nothing
    to it (tiers pick its accrual: tests/stages/test_bonus.py)."""
    fields = {
        "buyGet": {"buyGet": BUY_GET},
        "maxQuantity": {"maxQuantity": 2},
        "per": {"per": "UNIT"},
    }[field]
    with pytest.raises(pricing.ScenarioError) as raised:
        sb.run(_scenario(sb, _value(**fields), type="BONUS"))
    assert raised.value.path == f"discounts[1].discountValue.{field}"
    assert "BONUS program has no units or buy-get" in raised.value.message

    with pytest.raises(pricing.ScenarioError) as raised:  # named, beside tiers too
        sb.run(_scenario(sb, _value(tiers=TIERS, **fields), type="BONUS"))
    assert raised.value.path == f"discounts[1].discountValue.{field}"


GOOD = [
    _value(per="UNIT"),
    _value(per="LINE"),
    _value(per="UNIT", maxQuantity=2, quantityScope="ORDER", unitOrder="MOST_EXPENSIVE_FIRST"),
    _value(tiers=TIERS),
    _value(tiers=TIERS, value=None),
    _value("TO_ORDER", tiers=TIERS),
    _value(None, tiers=[{"minAmount": "10.00", "value": 5}]),
    _value(per="UNIT", tiers=TIERS),
    _value(per="UNIT", buyGet={**BUY_GET, "buyConditions": [], "maxSets": None}),
    _value(buyGet={**BUY_GET, "buyConditions": None, "buyConditionLogic": None}),
]


@pytest.mark.parametrize("discount_value", GOOD)
def test_the_fields_in_the_combinations_that_go_together_are_accepted(sb, discount_value):
    result = sb.run(_scenario(sb, discount_value))
    assert len(result.explanation) == 2


def test_snake_case_from_python(sb):
    """From Python the fields may be written in snake_case, like every other field."""
    value = {
        "discount_type": "PERCENTAGE",
        "value": 100,
        "applicability": "TO_PRODUCT",
        "buy_get": {"buy_quantity": 2, "get_quantity": 1, "max_sets": 1},
    }
    result = sb.run(_scenario(sb, value))
    # 3 units of 100.00 make one set: one unit free, 100.00 off; the 5 % order discount
    # then takes 5 % of 200.00 = 10.00.
    assert result.total_sum_with_discount == 190


def test_bad_quantity_field_exits_2_with_one_line(sb, tmp_path: Path) -> None:
    """The CLI: exit 2, one line naming the path, nothing on stdout."""
    file = tmp_path / "scenario.json"
    file.write_text(json.dumps(_scenario(sb, _value(tiers=TIERS, maxQuantity=2))))
    out, err = io.StringIO(), io.StringIO()
    assert main(["preview", str(file)], out=out, err=err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().count("\n") == 1
    assert err.getvalue().startswith("pricing: bad input: discounts[1].discountValue.maxQuantity: ")
