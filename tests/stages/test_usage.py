"""Usage limits and budgets: what a budget still allows, and the ``usage`` output.

The gates themselves are in tests/ruleset/test_gates.py (each reason) and
tests/stages/test_eligibility.py (their place among the other gates). Every case
is worked by hand in its docstring; prices in USD at sb.AT for customer 42.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D
from typing import Any

import pytest

import pricing

THREE = [
    {"id": 1, "price": "50.00"},
    {"id": 2, "price": "30.00"},
    {"id": 3, "price": "20.01"},
]


def usage_of(result: pricing.PreviewResult) -> list[tuple[Any, Any, D]]:
    """The ``usage`` output as (discountId, identifier, spent)."""
    return [(u["discountId"], u["identifier"], u["spent"]) for u in result.document["usage"]]


def test_a_budget_partly_spent_caps_a_discount_shared_over_three_lines(sb):
    """20 % off each of 50.00, 30.00 and 20.01: round(10.00), 6.00, round(4.002) = 4.00,
    20.00 in all. Budget 100.00 with 92.99 spent leaves 7.01, which is less: the total
    is 7.01, shared once in proportion to 10.00 : 6.00 : 4.00 — quotas 3.505, 2.103,
    1.402, floors 3.50 + 2.10 + 1.40 = 7.00, the spare cent to the largest remainder
    (the first line): 3.51, 2.10, 1.40. The budget cut it: capped."""
    d = sb.discount(1, "PERCENTAGE", 20, "TO_PRODUCT", budget={"amount": "100.00"})
    scn = sb.scenario([(1, 1), (2, 1), (3, 1)], catalog=THREE, discounts=[d])
    scn["usage"] = {"1": {"uses": 40, "spent": "92.99"}}
    result = sb.run(scn)
    (e,) = result.explanation
    assert (e.status, e.amount, e.capped) == ("applied", D("7.01"), True)
    assert sb.shares(result, "d1") == [D("3.51"), D("2.10"), D("1.40")]
    assert result.total_sum_with_discount == D("100.01") - D("7.01")
    assert usage_of(result) == [(1, "d1", D("7.01"))]


def test_an_order_discount_within_its_budget_is_shared_by_current_amounts(sb):
    """TO_ORDER 10 % of 100.01 = round(10.001) = 10.00; budget 10.00 − 6.00 spent = 4.00
    left: 4.00, shared 5000 : 3000 : 2001 → 2.00, 1.20, 0.80 (quotas 1.9998, 1.1999,
    0.8003; floors 1.99 + 1.19 + 0.80 = 3.98, the two spare cents to the two largest
    remainders, lines 1 and 2)."""
    d = sb.discount(1, budget={"amount": "10.00"})
    scn = sb.scenario([(1, 1), (2, 1), (3, 1)], catalog=THREE, discounts=[d])
    scn["usage"] = {"1": {"spent": "6.00"}}
    result = sb.run(scn)
    assert sb.shares(result, "d1") == [D("2.00"), D("1.20"), D("0.80")]
    assert result.explanation[0].capped is True


@pytest.mark.parametrize(
    ("spent", "amount", "capped"),
    [
        ("2.00", D("5.00"), False),  # 8.00 left, maxAmount 5.00 is what cuts 10.00
        ("5.00", D("5.00"), False),  # 5.00 left = maxAmount: the budget did not cut
        ("6.00", D("4.00"), True),  # 4.00 left < maxAmount 5.00: the budget cut it
    ],
)
def test_the_total_is_the_least_of_itself_max_amount_and_the_budget_left(sb, spent, amount, capped):
    """10 % of 100.00 = 10.00, maxAmount 5.00, budget 10.00 with ``spent`` spent."""
    d = sb.discount(1, max_amount="5.00", budget={"amount": "10.00"})
    scn = sb.scenario(discounts=[d])
    scn["usage"] = {"1": {"spent": spent}}
    (e,) = sb.run(scn).explanation
    assert (e.amount, e.capped) == (amount, capped)


def test_max_amount_and_budget_are_shared_once_over_the_uncapped_amounts(sb):
    """100 % off lines of 1.01, 2.01 and 3.01 (6.03 in all), maxAmount 0.50, budget
    10.00 with 9.85 spent: 0.15 left. Shared once over 101 : 201 : 301 the quotas are
    2.51, 5.00, 7.49 cents → 2 + 5 + 7 = 14, the spare cent to the first: 3, 5, 7.
    (Sharing twice — 0.50 first, as 8, 17, 25, then 0.15 over those — would give 2, 5,
    8.)"""
    catalog = [{"id": 1, "price": "1.01"}, {"id": 2, "price": "2.01"}, {"id": 3, "price": "3.01"}]
    d = sb.discount(
        1, "PERCENTAGE", 100, "TO_PRODUCT", max_amount="0.50", budget={"amount": "10.00"}
    )
    scn = sb.scenario([(1, 1), (2, 1), (3, 1)], catalog=catalog, discounts=[d])
    scn["usage"] = {"1": {"spent": "9.85"}}
    assert sb.shares(sb.run(scn), "d1") == [D("0.03"), D("0.05"), D("0.07")]


def test_the_usage_output_is_what_this_order_adds_to_the_counters(sb):
    """Priority order; ``spent`` after every cap: cap 15 % of 100.00 = 15.00. d1 takes
    10.00; d2 (gift-only) gives its gift; d3 takes 10 % of 90.00 = 9.00, cut by the cap
    to 5.00; d4 (a fixed price above the base) is applied with 0 and uses nothing;
    d5 takes 10 % of 85.00 = 8.50 and the cap takes it all back (capped out).
    Listed: d1 10.00, d2 0.00 (its gift was given), d3 5.00."""
    catalog = [sb.product(1, "100.00"), sb.product(9, "3.00")]
    discounts = [
        sb.discount(1, "FIXED_AMOUNT", "10.00", position=1),
        sb.discount(2, "NONE", 0, position=2, gifts=[9]),
        sb.discount(3, position=3),
        sb.discount(4, "FIXED_PRICE", "500.00", position=4),
        sb.discount(5, position=5),
    ]
    scn = sb.scenario(catalog=catalog, discounts=discounts, settings={"maxDiscountValue": 15})
    scn["usage"] = {}
    result = sb.run(scn)
    assert [(e.identifier, e.status, e.reason, e.amount) for e in result.explanation] == [
        ("d1", "applied", None, D("10.00")),
        ("d2", "applied", None, D("0.00")),
        ("d3", "applied", None, D("5.00")),
        ("d4", "applied", None, D("0.00")),
        ("d5", "not_applied", "capped_out", D(0)),
    ]
    assert usage_of(result) == [(1, "d1", D("10.00")), (2, "d2", D("0.00")), (3, "d3", D("5.00"))]
    assert all(u["uses"] == 1 for u in result.document["usage"])
    assert list(result.document["usage"][0]) == ["discountId", "identifier", "uses", "spent"]


def test_a_capped_out_discount_whose_gift_was_given_is_listed_with_0(sb):
    """Cap 0 %: the gift discount's 10.00 is taken back whole (capped out), but its gift
    line stays (the cap limits money, not gifts): a use was made, spent 0."""
    catalog = [sb.product(1, "100.00"), sb.product(9, "3.00")]
    d = sb.discount(1, "FIXED_AMOUNT", "10.00", gifts=[9])
    scn = sb.scenario(catalog=catalog, discounts=[d], settings={"maxDiscountValue": 0})
    scn["usage"] = {}
    result = sb.run(scn)
    assert sb.status(result) == {"d1": ("not_applied", "capped_out")}
    assert [line.is_gift for line in result.lines] == [False, True]
    assert usage_of(result) == [(1, "d1", D("0.00"))]


def test_when_the_usage_output_appears(sb):
    """Only with a limit or a budget on some discount, or a ``usage`` input (even {})."""
    plain = sb.scenario(discounts=[sb.discount(1)])
    assert "usage" not in sb.run(plain).document
    limited = sb.scenario(discounts=[sb.discount(1, usageLimitPerCustomer=5)])
    assert usage_of(sb.run(limited)) == [(1, "d1", D("10.00"))]
    plain["usage"] = {}
    assert usage_of(sb.run(plain)) == [(1, "d1", D("10.00"))]
    plain["usage"] = None
    assert "usage" not in sb.run(plain).document


def test_unknown_usage_is_warned_of_after_the_other_warnings(sb):
    """Counters for ids the rule set does not have: one warning each, in the order
    given, after unknown_field and unknown_marker; the key is quoted as written."""
    scn = sb.scenario(discounts=[sb.discount(7, maxAmmount=1)], markers=["nope"])
    scn["usage"] = {"8": {"uses": 1}, "7": {"uses": 1}, "07": {}}
    assert sb.run(scn).warnings == (
        {"code": "unknown_field", "path": "discounts[0].maxAmmount"},
        {"code": "unknown_marker", "marker": "nope"},
        {"code": "unknown_usage", "discountId": "8"},
        {"code": "unknown_usage", "discountId": "07"},
    )


def test_the_engine_keeps_no_state(sb):
    """The counters are the caller's: one engine, usageLimit 2, priced with 1 use
    (applies), with 2 (usage_limit_reached), and with none (applies again)."""
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": "100.00"}],
        discounts=[sb.discount(1, usageLimit=2)],
    )
    order = {"products": [{"productId": 1, "quantity": 1}]}
    at = datetime.fromisoformat("2026-11-22T12:00:00+00:00")

    def reason(usage: Any) -> Any:
        return engine.preview(order, at=at, usage=usage).explanation[0].reason

    assert reason({"1": {"uses": 1}}) is None
    assert reason({"1": {"uses": 2}}) == "usage_limit_reached"
    assert reason(None) is None


def test_a_bonus_program_accrues_at_most_what_its_budget_has_left(sb):
    """A BONUS program of 10 % of totalDue 100.00 = 10.00 points, budget 50.00 with
    46.50 spent: 3.50 left, so 3.50 accrue. Spent out, it accrues nothing
    (budget_exhausted is a gate, as for any discount)."""
    d = sb.discount(1, type="BONUS", budget={"amount": "50.00"})
    scn = sb.scenario(discounts=[d])
    scn["usage"] = {"1": {"spent": "46.50"}}
    assert sb.run(scn).bonus_accrual == D("3.50")
    scn["usage"] = {"1": {"spent": "50.00"}}
    assert sb.run(scn).bonus_accrual == D("0.00")


def test_a_shipping_discount_is_held_to_its_budget_too(sb):
    """Free shipping of 8.00 with a budget of 20.00, 15.00 spent: 5.00 off, capped."""
    d = sb.discount(1, "PERCENTAGE", 100, "TO_SHIPPING", budget={"amount": "20.00"})
    scn = sb.scenario(discounts=[d])
    scn["order"]["shippingLines"] = [{"id": 1, "price": "8.00"}]
    scn["usage"] = {"1": {"spent": "15.00"}}
    result = sb.run(scn)
    assert [(e.amount, e.capped) for e in result.explanation] == [(D("5.00"), True)]
    assert result.document["shipping"][0]["priceWithDiscount"] == D("3.00")
    assert usage_of(result) == [(1, "d1", D("5.00"))]
