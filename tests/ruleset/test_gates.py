"""The gates: each gate's mask (what pricing uses) and its reason (what is explained)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings

import pricing
from pricing import strategies as ps
from pricing._ruleset.gates import reason
from pricing._ruleset.rules import micros
from pricing._stages.eligibility import _match_coupon
from pricing._stages.intake import read_request


@settings(max_examples=150, deadline=None)
@given(ps.scenarios(features=ps.FEATURES - {"no_stacking"}, max_discounts=8, coupon_errors=False))
def test_gate_masks_agree_with_the_reasons_given(scenario):
    """A live rule passes the masks (``Gates.blocked``) exactly when ``reason`` finds no
    failing gate: the masks decide pricing, ``reason`` explains the rules they stop."""
    engine = pricing.Engine.from_rule_set(pricing.Scenario.model_validate(scenario))
    at = datetime.fromisoformat(scenario["at"])
    rs = engine._rs
    request = read_request(
        rs,
        scenario["order"],
        scenario["customer"],
        verifier=None,
        at=at,
    )
    index = rs.index
    coupon = _match_coupon(index, request.coupon_code, micros(at))
    code = None if coupon is None else coupon.normalised
    live = index.windows.live(micros(at))
    passing = live & ~index.gates.blocked(request.customer, code, request.markers)
    markers = frozenset(request.markers)
    for k, rule in enumerate(index.rules):
        if live >> k & 1:
            gate = reason(rule, request.customer, code, markers)
            assert (passing >> k & 1 == 1) == (gate is None), (rule.id, gate)
        else:
            assert not passing >> k & 1
