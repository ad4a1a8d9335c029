"""The result views: PreviewResult and its value objects (immutable, equal by value, picklable)."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

import pricing

ONE_HUNDRED = [{"id": 1, "price": "100.00"}]
PUBLIC_VIEWS = (
    "total_raw",
    "total_sum_with_discount",
    "bonus_applied",
    "total_due",
    "currency",
    "bonus_accrual",
    "warnings",
    "applied_ids",
    "lines",
    "explanation",
    "document",
)


def _two_lines(sb, **kwargs):
    """40.00 × 2 and 25.00 × 1 (105.00) with 10 % off each line and 5.00 off the order."""
    catalog = [{"id": 1, "price": "40.00"}, {"id": 2, "price": "25.00"}]
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT", position=1),
        sb.discount(2, "FIXED_AMOUNT", 5, position=2),
    ]
    return sb.scenario([(1, 2), (2, 1)], catalog=catalog, discounts=discounts, **kwargs)


# ---------------------------------------------------------------------------
# immutability


def test_a_result_cannot_be_changed(sb):
    result = sb.run(_two_lines(sb))
    with pytest.raises(FrozenInstanceError):
        result.total_raw = D(0)  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        result.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(FrozenInstanceError):
        del result.total_raw
    # 105.00 − 8.00 − 2.50 − 5.00 = 89.50, still.
    assert result.total_sum_with_discount == D("89.50")


def test_value_objects_are_frozen(sb):
    result = sb.run(_two_lines(sb))
    line = result.lines[0]
    with pytest.raises(FrozenInstanceError):
        line.quantity = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        line.discounts[0].amount = D(0)  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        result.explanation[0].status = "applied"  # type: ignore[misc]
    assert isinstance(result.lines, tuple)
    assert isinstance(line.discounts, tuple)
    assert isinstance(result.explanation, tuple)


def test_views_are_built_on_first_read_then_kept(sb):
    result = sb.run(_two_lines(sb))
    assert "lines" not in vars(result)
    assert "document" not in vars(result)
    lines = result.lines
    assert "lines" in vars(result)
    assert "document" not in vars(result)  # reading the lines did not write the document
    assert result.lines is lines
    assert result.document is result.document


def test_to_dict_is_a_fresh_copy(sb):
    result = sb.run(_two_lines(sb))
    before = result.to_json()
    copy_ = result.to_dict()
    copy_["lines"][0]["discounts"].clear()
    copy_["discountConfig"]["settings"]["allowStacking"] = False
    copy_["totalDue"] = D(0)
    assert result.to_json() == before
    assert result.document["lines"][0]["discounts"] != []
    assert result.to_dict() != copy_


# ---------------------------------------------------------------------------
# equality


def test_results_are_equal_when_their_documents_are(sb):
    scn = _two_lines(sb)
    first, second = sb.run(scn), sb.run(scn)
    assert first == second
    assert first is not second
    # The same cart through a compiled engine is the same result.
    engine = pricing.Engine(
        currency="USD", catalog=scn["catalog"], discounts=scn["discounts"], settings={}
    )
    via_engine = engine.preview(
        scn["order"], customer=scn["customer"], at=datetime(2026, 11, 22, 12, tzinfo=UTC)
    )
    assert via_engine == first
    # A different cart is a different result.
    other = _two_lines(sb)
    other["order"]["products"][1]["quantity"] = 2
    assert sb.run(other) != first


def test_results_are_unhashable_and_unequal_to_other_types(sb):
    result = sb.run(_two_lines(sb))
    with pytest.raises(TypeError):
        hash(result)
    assert result != result.document
    assert result != "result"
    assert (result == 1) is False


# ---------------------------------------------------------------------------
# pickling


def test_a_pickled_result_carries_its_views(sb):
    result = sb.run(_two_lines(sb))
    restored = pickle.loads(pickle.dumps(result))
    assert restored == result
    assert restored.to_json() == result.to_json()
    # The rule set (closures) does not travel: every public view is already built.
    assert restored._outcome is None
    for name in PUBLIC_VIEWS:
        assert name in vars(restored), name
        assert getattr(restored, name) == getattr(result, name), name
    assert restored.total_discount == D("15.50")  # 105.00 − 89.50
    with pytest.raises(FrozenInstanceError):
        restored.total_raw = D(0)  # type: ignore[misc]


# ---------------------------------------------------------------------------
# the views' values


def test_applied_ids_are_in_application_order_without_capped_out_ones(sb):
    discounts = [
        sb.discount(1, "FIXED_AMOUNT", 10, "TO_ORDER", position=1),
        sb.discount(2, "PERCENTAGE", 10, "TO_PRODUCT", position=2),
        sb.discount(3, "FIXED_AMOUNT", 50, "TO_ORDER", position=3),
    ]
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"maxDiscountValue": 20})
    result = sb.run(scn)
    # d2 (TO_PRODUCT) first: 10.00 → 90.00; d1 10.00 → 80.00; d3 50.00 → 30.00.
    # 70.00 against a cap of 20.00: d3 50.00 → 0 (capped out); the 20.00 stays.
    assert result.applied_ids == (2, 1)
    assert [e.id for e in result.explanation] == [1, 2, 3]
    assert result.explanation[2].reason == "capped_out"
    assert result.total_discount == D("20.00")


def test_money_has_the_currencys_exponent(sb):
    for code, price, text in [
        ("USD", "300", "300.00"),
        ("JPY", "300", "300"),
        ("KWD", "1.5", "1.500"),
    ]:
        scn = sb.scenario(catalog=[{"id": 1, "price": price}], currency=code)
        result = sb.run(scn)
        assert (result.currency, str(result.total_raw), str(result.total_due)) == (code, text, text)
        assert str(result.lines[0].unit_price) == text


def test_line_results_are_in_decimal_and_add_up(sb):
    result = sb.run(_two_lines(sb))
    # Line 1: 80.00, 10 % = 8.00 → 72.00; line 2: 25.00, 2.50 → 22.50 (94.50 in all).
    # 5.00 off the order shared 72 : 22.50 = 16 : 5 → 3.80952… → 3.81 and 1.19.
    rows = [
        (line.product_id, line.total, line.product_discount, line.order_discount)
        for line in result.lines
    ]
    assert rows == [(1, D("80.00"), D("8.00"), D("3.81")), (2, D("25.00"), D("2.50"), D("1.19"))]
    assert [line.total_with_discount for line in result.lines] == [D("68.19"), D("21.31")]
    assert sum(line.total_with_discount for line in result.lines) == result.total_sum_with_discount


def test_to_json_indent(sb):
    result = sb.run(_two_lines(sb))
    compact = result.to_json(indent=None)
    assert "\n" not in compact
    assert compact.startswith('{"totalSum":89.5,"totalSumWithDiscount":89.5,')
    assert result.to_json().startswith('{\n  "totalSum": 89.5,\n  "totalSumWithDiscount": 89.5,')
    assert pricing.loads_json(compact) == pricing.loads_json(result.to_json())


def test_repr_shows_the_totals(sb):
    text = repr(sb.run(_two_lines(sb)))
    assert text.startswith("PreviewResult(total_raw=Decimal('105.00'), ")
    assert "total_sum_with_discount=Decimal('89.50')" in text
    assert "currency='USD'" in text


def test_editing_a_results_warnings_does_not_reach_the_next_preview():
    """A rule set's own warnings (an unknown field of a discount) are said in every
    preview: a caller editing one result's warnings changes no later one."""
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": "10.00"}],
        discounts=[
            {"id": 1, "discountValue": {"value": 1, "discountType": "FIXED_AMOUNT"}, "colour": 1}
        ],
    )
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    order = {"products": [{"productId": 1, "quantity": 1}]}
    first = engine.preview(order, at=at)
    assert first.warnings == ({"code": "unknown_field", "path": "discounts[0].colour"},)
    first.warnings[0]["path"] = "edited"  # type: ignore[index]
    again = engine.preview(order, at=at)
    assert again.warnings[0]["path"] == "discounts[0].colour"
    assert again.document["warnings"][0]["path"] == "discounts[0].colour"
    assert '"path":"discounts[0].colour"' in again.to_json(indent=None)


def test_editing_the_document_changes_nothing_the_result_writes(sb):
    """The document is the caller's to edit; the result stays what was decided: its
    JSON, its copies, its equality and its pickles (live and unpickled alike)."""
    result = sb.run(_two_lines(sb))
    fresh = sb.run(_two_lines(sb))
    text, compact = result.to_json(), result.to_json(indent=None)
    for r in (result, pickle.loads(pickle.dumps(result))):
        r.document["totalDue"] = D(0)
        r.document["lines"].clear()
        assert r.to_json() == text
        assert r.to_json(indent=None) == compact
        assert r.to_dict()["totalDue"] == fresh.total_due
        assert r == fresh
        assert pickle.loads(pickle.dumps(r)).to_json() == text
    assert result.total_due == fresh.total_due  # (the typed views never read it)


def test_editing_a_documents_taxes_changes_nothing_the_result_writes():
    """The tax and display extensions are the outcome's: each document gets its own."""
    import json
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples"
    example = json.loads((examples / "tax-exclusive-us.json").read_text())
    result, fresh = pricing.preview(example), pricing.preview(example)
    text = result.to_json()
    for doc in (result.document, result.to_dict()):
        doc["taxes"]["taxSummary"].clear()
        doc["displayPrice"]["withTax"]["amount"] = 0
    assert result.to_json() == text
    assert result == fresh
    assert result.to_dict()["taxes"]["taxSummary"] != []
