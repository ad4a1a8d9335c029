"""Stage 5 — order discounts, and the rules applied after the cap is used up.

Past the cap, the stage settles rules from bounds on their base instead of sharing
them (``pricing._stages.cap.settle_past_cap``); the outcome must be exactly that of
sharing every rule and letting the cap stage take them back. The hand-worked cases
force the path where the bounds cannot decide; property_tests/test_cap_settling.py
compares the two ways on random carts.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import pricing._stages.order_discounts as stage

TWO_TENS = [{"id": 1, "price": "10.00"}, {"id": 2, "price": "10.00"}]


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The ids of the rules the order stage shares, in order (it is spied on)."""
    ids: list[object] = []
    real_share = stage.take_and_share
    monkeypatch.setattr(
        stage,
        "take_and_share",
        lambda rule, *a, **k: ids.append(rule.id) or real_share(rule, *a, **k),
    )
    return ids


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ("2.49", ("not_applied", "capped_out", D(0), True)),
        ("2.50", ("applied", None, D("0.00"), False)),
    ],
)
def test_undecided_bounds_share_the_rules_before(sb, shared, price, expected):
    """Two lines of 10.00, cap 10 % of 20.00 = 2.00.

    d1 50 % of 20.00 = 10.00 (5.00 a line): the cap is used up. d2 50 % of 10.00 =
    5.00 (2.50 a line): above 0, capped out. d3 fixed price on line 1 only: its base
    is 10 − 5 − 2.50 = 2.50, so at 2.49 it takes 0.01 (capped out) and at 2.50 it
    takes 0 (applied with 0). Without sharing d2, the base is only known to lie in
    [2.48, 5.00]: d2 leaves at least (2·1000·50 − 100) / (2·1000·100) = 49.95 % of
    each line (half, less its own rounding), 2.4975 of 5.00, less a cent for the
    rounding of its shares. That decides neither.
    The cap then takes d1 back to 2.00 (1.00 a line): 20.00 − 2.00 = 18.00.
    """
    discounts = [
        sb.discount(1, "PERCENTAGE", 50, position=1),
        sb.discount(2, "PERCENTAGE", 50, position=2),
        sb.discount(
            3,
            "FIXED_PRICE",
            price,
            position=3,
            conditions=[{"conditionType": "PRODUCT", "entityIds": [1]}],
        ),
    ]
    scn = sb.scenario(
        [(1, 1), (2, 1)], catalog=TWO_TENS, discounts=discounts, settings={"maxDiscountValue": 10}
    )
    result = sb.run(scn)
    assert shared == [1, 2]  # d1 before the cap is used up; d2 to decide d3
    explained = [(e.status, e.reason, e.amount, e.capped) for e in result.explanation]
    assert explained == [
        ("applied", None, D("2.00"), True),
        ("not_applied", "capped_out", D(0), True),
        expected,
    ]
    assert sb.shares(result, "d1") == [D("1.00"), D("1.00")]
    assert result.total_sum_with_discount == D("18.00")


def test_bounds_settle_without_sharing(sb, shared):
    """Cap 10 % of 20.00 = 2.00, used up by d1 (10 % = 2.00). d2 5.00 off and d3 1 %
    are above 0 on any base the bounds allow (at least 18.00 − 5.00 − a cent a line):
    both capped out, and neither is shared."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1),
        sb.discount(2, "FIXED_AMOUNT", "5.00", position=2),
        sb.discount(3, "PERCENTAGE", 1, position=3),
    ]
    scn = sb.scenario(
        [(1, 1), (2, 1)], catalog=TWO_TENS, discounts=discounts, settings={"maxDiscountValue": 10}
    )
    result = sb.run(scn)
    assert shared == [1]
    assert [(e.reason, e.capped) for e in result.explanation] == [
        (None, False),
        ("capped_out", True),
        ("capped_out", True),
    ]
    assert result.total_sum_with_discount == D("18.00")
