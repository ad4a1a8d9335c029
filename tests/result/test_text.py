"""The document written straight to compact text is the document, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

import pricing
from pricing._result.document import Memo

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))

# What the examples together must show, so that every branch of the writer is compared:
# gift lines, tiers, buy-get sets, a capped discount, the shipping, usage and tax
# extensions, warnings, markers and the bonus object.
BRANCHES = [
    '"isGift":true',
    '"tier":',
    '"sets":',
    '"capped":true',
    '"shippingDiscounts":[{',
    ',"shipping":[{',
    ',"taxes":{',
    '"bonus":{"availableBalance"',
    '"excludedGiftProductIds":["',
    ',"usage":[{',
    '"warnings":[{',
]


def _result(path: Path) -> pricing.PreviewResult:
    return pricing.preview(pricing.loads_json(path.read_text("utf-8")))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_written_compact_is_its_document(path):
    """The writer (which builds no document) against the C encoder over the document."""
    result = _result(path)
    written = result.to_json(indent=None)
    assert written == pricing.dumps_json(result.document)
    # once the document is built, to_json writes that one: the same bytes
    assert result.to_json(indent=None) == written


def test_the_examples_reach_every_branch_of_the_writer():
    texts = "".join(_result(path).to_json(indent=None) for path in EXAMPLES)
    assert [b for b in BRANCHES if b not in texts] == []


def test_codes_markers_and_unknown_fields_are_written_as_the_document_has_them():
    """What no example shows: several codes (``coupon`` and ``coupons``), markers, and
    an unknown field's warning (text from the rule set, not the writer's)."""
    scenario = pricing.loads_json((EXAMPLES[0]).read_text("utf-8"))
    discount = scenario["discounts"][0]
    discount["coupons"] = ["SAVE"]
    discount["surprise"] = {"nested": [1, "two \u00e9"]}
    scenario["order"]["couponCodes"] = ["save"]
    scenario["order"]["additionalDiscountsMarkers"] = ["m1", 'm"2']
    result = pricing.preview(scenario)
    written = result.to_json(indent=None)
    for part in (
        '"coupons":[{"code":"SAVE","valid":true,"applied":true',
        '"coupon":{"code":"SAVE"',
        '"warnings":[{"code":"unknown_field"',
        r'"additionalDiscountsMarkers":["m1","m\"2"]',
    ):
        assert part in written
    assert written == pricing.dumps_json(result.document)


def test_amount_texts_are_kept_until_the_memo_is_full(monkeypatch):
    made: list[int] = []

    def make(minor: int) -> str:
        made.append(minor)
        return str(minor)

    monkeypatch.setattr(Memo, "_LIMIT", 3)
    memo = Memo(make)
    assert [memo[1], memo[2], memo[1], memo[3]] == ["1", "2", "1", "3"]
    assert made == [1, 2, 3]  # 1 made once
    assert memo[4] == "4"  # full: emptied, then 4 kept
    assert dict(memo) == {4: "4"}
    assert memo[1] == "1"
    assert made == [1, 2, 3, 4, 1]


def test_a_not_applied_entry_is_made_once_per_rule_and_reason():
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": "1.00"}],
        discounts=[{"id": 7, "identifier": "x", "discountValue": {"value": 1}}],
    )
    entries = engine._made.texts.not_applied
    first = entries[0, "expired"]
    assert first == (
        '{"id":7,"identifier":"x","status":"not_applied","reason":"expired",'
        '"amount":0,"capped":false}'
    )
    assert entries[0, "expired"] is first
    assert entries[0, "not_started"] != first
