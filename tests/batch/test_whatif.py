"""``pricing.batch.whatif``: rows and aggregate equal single previews; records, DataFrame."""

from __future__ import annotations

import sys
from decimal import Decimal

import pytest

import pricing
from pricing import batch

from .support import AT_DT, BASELINE, CANDIDATE, CARTS, assert_same, one_preview


def test_whatif_rows_and_aggregate_equal_single_previews() -> None:
    study = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
    assert len(study.rows) == len(CARTS)
    revenue = {"b": Decimal(0), "c": Decimal(0)}
    discount = {"b": Decimal(0), "c": Decimal(0)}
    affected = errors = 0
    for row, cart in zip(study.rows, CARTS, strict=True):
        b, c = one_preview(BASELINE, cart), one_preview(CANDIDATE, cart)
        assert_same(row.baseline, b)
        assert_same(row.candidate, c)
        assert row.id == cart["id"]
        if isinstance(b, str) or isinstance(c, str):
            errors += 1
            assert row.error is not None
            assert row.total_due_delta is None
            continue
        assert row.total_due_delta == c.total_due - b.total_due
        assert row.discount_delta == c.total_discount - b.total_discount
        revenue["b"] += b.total_due
        revenue["c"] += c.total_due
        discount["b"] += b.total_discount
        discount["c"] += c.total_discount
        affected += row.affected
    agg = study.aggregate
    assert (agg.carts, agg.errors, agg.priced) == (len(CARTS), errors, len(CARTS) - errors)
    assert (agg.revenue_baseline, agg.revenue_candidate) == (revenue["b"], revenue["c"])
    assert (agg.discount_baseline, agg.discount_candidate) == (discount["b"], discount["c"])
    assert agg.revenue_delta == revenue["c"] - revenue["b"]
    assert agg.discount_delta == discount["c"] - discount["b"]
    assert agg.carts_affected == affected > 0
    assert agg.carts_paying_more + agg.carts_paying_less <= affected


def test_rule_sets_in_two_currencies_cannot_be_compared() -> None:
    euro = {**BASELINE, "currency": "EUR"}
    with pytest.raises(pricing.ScenarioError, match="different currencies"):
        batch.whatif(CARTS[:2], baseline=BASELINE, candidate=euro, at=AT_DT)


def test_refused_carts_are_rows_not_failures() -> None:
    carts = [
        {"id": 1, "order": {"products": [{"productId": 999, "quantity": 1}]}},
        {"id": 2, "order": {"products": [{"productId": 1, "quantity": 1}], "couponCode": "NOPE"}},
        {"id": 3, "order": {"products": [{"productId": 1, "quantity": 1}]}},
    ]
    study = batch.whatif(carts, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    assert [r.error is not None for r in study.rows] == [True, True, False]
    assert "unknown product 999" in (study.rows[0].error or "")
    assert "CouponError (not_found)" in (study.rows[1].error or "")
    assert (study.aggregate.errors, study.aggregate.priced) == (2, 1)


def test_records_and_dataframe() -> None:
    study = batch.whatif(CARTS[:20], baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    records = study.records()
    assert tuple(records[0]) == batch.COLUMNS
    pd = pytest.importorskip("pandas")
    frame = study.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(batch.COLUMNS)
    assert frame["baseline_total_due"].tolist() == [r["baseline_total_due"] for r in records]


def test_dataframe_without_pandas_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas → ImportError
    study = batch.whatif(CARTS[:2], baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    with pytest.raises(ImportError, match=r"exact-discounts\[notebook\]"):
        study.to_dataframe()


def test_shipping_discount_spend_and_usage_ride_with_the_carts() -> None:
    """Candidate adds free shipping with a usage limit of 5. Cart 1 ships 4.99 (4 uses
    so far): the candidate takes 4.99 off its shipping; cart 2 ships 4.99 but its
    counters say 5 uses (usage_limit_reached): nothing; cart 3 has no shipping lines.
    Goods are priced alike, so only the shipping spend differs: 4.99 in all."""
    base = {"currency": "USD", "catalog": [{"id": 1, "price": "10.00"}]}
    free_shipping = {
        "id": 1,
        "identifier": "free-ship",
        "usageLimit": 5,
        "discountValue": {
            "value": 100,
            "discountType": "PERCENTAGE",
            "applicability": "TO_SHIPPING",
        },
    }
    candidate = {**base, "discounts": [free_shipping]}
    line = [{"productId": 1, "quantity": 1}]
    shipping = [{"id": "std", "price": "4.99"}]
    carts = [
        {
            "id": 1,
            "order": {"products": line, "shippingLines": shipping},
            "usage": {"1": {"uses": 4}},
        },
        {
            "id": 2,
            "order": {"products": line, "shippingLines": shipping},
            "usage": {"1": {"uses": 5}},
        },
        {"id": 3, "order": {"products": line}},
    ]
    study = batch.whatif(carts, baseline=base, candidate=candidate, at=AT_DT, processes=1)
    rows = [r.as_dict() for r in study.rows]
    assert [r["candidate_shipping_discount"] for r in rows] == [
        Decimal("4.99"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    assert [r["baseline_shipping_discount"] for r in rows] == [Decimal("0.00")] * 3
    assert [r["shipping_discount_delta"] for r in rows] == [Decimal("4.99"), 0, 0]
    assert [r["affected"] for r in rows] == [True, False, False]
    assert [r["candidate_applied"] for r in rows] == ["1", "", ""]
    agg = study.aggregate
    assert (agg.shipping_discount_baseline, agg.shipping_discount_candidate) == (
        Decimal("0.00"),
        Decimal("4.99"),
    )
    assert agg.shipping_discount_delta == Decimal("4.99")
    assert agg.discount_delta == 0  # goods untouched
    assert agg.as_dict()["shipping_discount_delta"] == Decimal("4.99")


def test_a_cart_may_carry_usage_and_a_rule_set_may_not() -> None:
    cart = batch.parse_cart({"order": {"products": []}, "usage": {"3": {"spent": "1.50"}}})
    assert cart.usage is not None
    assert cart.usage["3"].spent == Decimal("1.50")
    with pytest.raises(pricing.ScenarioError, match="usage"):
        batch.RuleSet({"currency": "USD", "usage": {}})
    with pytest.raises(pricing.ScenarioError) as info:
        batch.parse_cart({"order": {"products": []}, "usage": {"3": {"uses": -1}}})
    assert "usage.3.uses" in str(info.value)
