"""The gates: each gate's mask (what pricing uses) and its reason (what is explained)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings

import pricing
from pricing import strategies as ps
from pricing._ruleset.gates import reason, usage_reason
from pricing._ruleset.rules import micros
from pricing._stages.eligibility import _match_coupon
from pricing._stages.intake import read_request
from pricing._stages.records import CustomerView, UsageCounts


@settings(max_examples=150, deadline=None)
@given(ps.scenarios(features=ps.FEATURES - {"no_stacking"}, max_discounts=8, coupon_errors=False))
def test_gate_masks_agree_with_the_reasons_given(scenario):
    """A live rule passes the masks (``Gates.blocked``, then ``UsageGates.blocked``)
    exactly when ``reason`` and then ``usage_reason`` find no failing gate: the masks
    decide pricing, the reasons explain the rules they stop."""
    engine = pricing.Engine.from_rule_set(pricing.Scenario.model_validate(scenario))
    at = datetime.fromisoformat(scenario["at"])
    rs = engine._rs
    request = read_request(
        rs,
        scenario["order"],
        scenario["customer"],
        verifier=None,
        at=at,
        usage=scenario.get("usage"),
    )
    index = rs.index
    presented = [request.coupon_code, *(request.coupon_codes or ())]
    matches = [_match_coupon(index, code, micros(at)) for code in presented]
    codes = tuple(m.normalised for m in matches if m is not None)
    live = index.windows.live(micros(at))
    passing = live & ~index.gates.blocked(request.customer, codes, request.markers)
    if index.usage_gates is not None:
        passing &= ~index.usage_gates.blocked(request.customer, request.usage)
    markers = frozenset(request.markers)
    usage = request.usage or {}
    for k, rule in enumerate(index.rules):
        if live >> k & 1:
            gate = reason(rule, request.customer, codes, markers)
            if gate is None:
                gate = usage_reason(rule, request.customer, usage.get(rule.usage_key))
            assert (passing >> k & 1 == 1) == (gate is None), (rule.id, gate)
        else:
            assert not passing >> k & 1


# -- the usage gates, between gate 6 and gate 7 ------------------------------------------

SHOPPER = CustomerView("42", frozenset(), {}, None, None)


def _rule(**fields):
    """The compiled rule of one discount with the usage fields given (USD)."""
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": "10.00"}],
        discounts=[
            {"id": 7, "discountValue": {"value": 10, "discountType": "PERCENTAGE"}, **fields}
        ],
    )
    return engine._rs.index.rules[0]


@pytest.mark.parametrize(
    ("fields", "customer", "counts", "expected"),
    [
        # no limits: nothing to stop it, whatever the counters say
        ({}, SHOPPER, UsageCounts(99, 99, 99_99), None),
        # usageLimit 3: 2 uses leave one, 3 reach it
        ({"usageLimit": 3}, SHOPPER, UsageCounts(2, 0, 0), None),
        ({"usageLimit": 3}, SHOPPER, UsageCounts(3, 0, 0), "usage_limit_reached"),
        # a limit of 0 is reached with no counters at all (missing = 0 uses ≥ 0)
        ({"usageLimit": 0}, SHOPPER, None, "usage_limit_reached"),
        # per customer: a guest can be counted by nobody
        ({"usageLimitPerCustomer": 1}, None, None, "guest"),
        ({"usageLimitPerCustomer": 1}, SHOPPER, UsageCounts(0, 0, 0), None),
        ({"usageLimitPerCustomer": 1}, SHOPPER, UsageCounts(0, 1, 0), "customer_limit_reached"),
        # budget 50.00: 49.99 spent leaves a cent; 50.00 spent exhausts it
        ({"budget": {"amount": "50.00"}}, SHOPPER, UsageCounts(0, 0, 4999), None),
        ({"budget": {"amount": "50.00"}}, SHOPPER, UsageCounts(0, 0, 5000), "budget_exhausted"),
    ],
)
def test_each_usage_gate_gives_its_reason(fields, customer, counts, expected):
    assert usage_reason(_rule(**fields), customer, counts) == expected


def test_the_usage_gates_are_asked_in_order():
    """Every limit reached at once: the first in the order is the reason; taking them
    away one by one shows the next (usage_limit_reached, guest / customer_limit_reached,
    budget_exhausted)."""
    every = {"usageLimit": 1, "usageLimitPerCustomer": 1, "budget": {"amount": "1.00"}}
    spent_out = UsageCounts(1, 1, 100)
    assert usage_reason(_rule(**every), SHOPPER, spent_out) == "usage_limit_reached"
    assert usage_reason(_rule(**every), None, spent_out) == "usage_limit_reached"
    without_limit = {k: v for k, v in every.items() if k != "usageLimit"}
    assert usage_reason(_rule(**without_limit), None, spent_out) == "guest"
    assert usage_reason(_rule(**without_limit), SHOPPER, spent_out) == "customer_limit_reached"
    budget_only = {"budget": {"amount": "1.00"}}
    assert usage_reason(_rule(**budget_only), None, spent_out) == "budget_exhausted"


def test_usage_gate_masks_cover_only_limited_rules():
    """Rules without a limit or a budget are never asked (and never blocked)."""
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": "10.00"}],
        discounts=[
            {"id": 1, "position": 1},
            {"id": 2, "position": 2, "usageLimit": 1},
            {"id": 3, "position": 3, "budget": {"amount": "5.00"}},
        ],
    )
    gates = engine._rs.index.usage_gates
    assert [rule.id for _, rule in gates.limited] == [2, 3]
    assert gates.blocked(SHOPPER, {"2": UsageCounts(1, 0, 0)}) == 0b010
    assert gates.blocked(SHOPPER, {"3": UsageCounts(0, 0, 500)}) == 0b100
    assert gates.blocked(SHOPPER, None) == 0
    plain = pricing.Engine(currency="USD", discounts=[{"id": 1}])
    assert plain._rs.index.usage_gates is None  # decided once per rule set


# -- the audience: what of a cart the gates look at ------------------------------------


def _audience_engine() -> pricing.Engine:
    def rule(did: int, **fields: object) -> dict[str, object]:
        return {"id": did, "identifier": f"d{did}", "discountValue": {"value": 5}, **fields}

    return pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": "10.00"}],
        discounts=[
            rule(1, userExclusions=[7]),
            rule(2, userGroups=[1]),
            rule(3, coupons=["SAVE"]),
            rule(4, activation="ON_REQUEST"),
        ],
    )


def _view(key: str, groups: set[str]) -> CustomerView:
    return CustomerView(key, frozenset(groups), {}, None, None)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        # customer 8 and customer 9 are excluded by no rule: the gates cannot tell them apart
        ((_view("8", set()), (), ()), (_view("9", set()), (), ()), True),
        ((_view("7", set()), (), ()), (_view("9", set()), (), ()), False),  # 7 is excluded
        ((None, (), ()), (_view("9", set()), (), ()), False),  # a guest fails gate 4
        # group 2 opens no rule; group 1 opens discount 2
        ((_view("8", {"2"}), (), ()), (_view("8", set()), (), ()), True),
        ((_view("8", {"1", "2"}), (), ()), (_view("8", {"1"}), (), ()), True),
        ((_view("8", {"1"}), (), ()), (_view("8", set()), (), ()), False),
        ((None, ("SAVE",), ()), (None, (), ()), False),
        ((None, ("SAVE", "SAVE"), ()), (None, ("SAVE",), ()), True),
        # marker d1 asks for nothing (discount 1 applies without asking); d4 asks for 4
        ((None, (), ("d1",)), (None, (), ()), True),
        ((None, (), ("d4", "d1")), (None, (), ("d4",)), True),
        ((None, (), ("d4",)), (None, (), ()), False),
    ],
)
def test_carts_share_an_audience_when_no_gate_tells_them_apart(one, other, same):
    """Carts of one audience get the same reasons from the gates (the eligibility stage
    remembers them by it), so what no gate looks at must not split an audience, and
    what one looks at must."""
    gates = _audience_engine()._rs.index.gates
    assert (gates.audience(*one) == gates.audience(*other)) is same
