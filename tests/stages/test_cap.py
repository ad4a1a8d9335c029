"""Priorities, compounding under stacking, the maxDiscountValue cap, and stacking off."""

from __future__ import annotations

from decimal import Decimal as D

ONE_HUNDRED = [{"id": 1, "price": "100.00"}]


# ---------------------------------------------------------------------------
# priority


def test_priority_position_ascending_null_last_ties_by_id(sb):
    """``position`` ascending, ``null`` last, ties by id (numerically); explanation follows."""
    discounts = [
        sb.discount(10, "NONE", 0, position=None),
        sb.discount(7, "NONE", 0, position=2),
        sb.discount(10_0, "NONE", 0, position=1),  # id 100
        sb.discount(3, "NONE", 0, position=None),
        sb.discount(9, "NONE", 0, position=1),
        sb.discount(8, "NONE", 0, position=0),
    ]
    result = sb.run(sb.scenario(catalog=ONE_HUNDRED, discounts=discounts))
    # position 0: 8; position 1: 9 before 100 (numeric, not "100" < "9"); position 2: 7;
    # null: 3 before 10.
    assert [e.id for e in result.explanation] == [8, 9, 100, 7, 3, 10]
    assert [d["id"] for d in result.document["discountConfig"]["orderDiscounts"]] == [
        8,
        9,
        100,
        7,
        3,
        10,
    ]
    assert [e["id"] for e in result.document["explanation"]] == [8, 9, 100, 7, 3, 10]


def test_percentages_compound_in_priority_order(sb):
    """10 % then 10 % on 100 takes 10 then 9: 19 off, not 20."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1),
        sb.discount(2, "PERCENTAGE", 10, position=2),
    ]
    result = sb.run(sb.scenario(catalog=ONE_HUNDRED, discounts=discounts))
    # d1: 10 % of 100 = 10 → 90 left; d2: 10 % of 90 = 9 → 81.
    assert [e.amount for e in result.explanation] == [D(10), D(9)]
    assert result.total_sum_with_discount == D("81.00")


def test_order_of_application_follows_priority_for_mixed_types(sb):
    """A fixed amount before a percentage gives a different total than the reverse."""
    fixed_first = [
        sb.discount(1, "FIXED_AMOUNT", 10, position=1),
        sb.discount(2, "PERCENTAGE", 50, position=2),
    ]
    # 10 off 100 → 90; 50 % of 90 = 45 → 45 left.
    result = sb.run(sb.scenario(catalog=ONE_HUNDRED, discounts=fixed_first))
    assert [e.amount for e in result.explanation] == [D(10), D(45)]
    assert result.total_sum_with_discount == D("45.00")
    percent_first = [
        sb.discount(1, "FIXED_AMOUNT", 10, position=2),
        sb.discount(2, "PERCENTAGE", 50, position=1),
    ]
    # 50 % of 100 = 50 → 50; 10 off → 40 left. Explanation in priority order: d2, d1.
    result = sb.run(sb.scenario(catalog=ONE_HUNDRED, discounts=percent_first))
    assert [(e.id, e.amount) for e in result.explanation] == [(2, D(50)), (1, D(10))]
    assert result.total_sum_with_discount == D("40.00")


def test_to_product_discounts_apply_before_to_order_whatever_their_priority(sb):
    """TO_PRODUCT ones first (by priority), then TO_ORDER ones (docs/stacking-and-cap.md)."""
    discounts = [
        sb.discount(1, "FIXED_AMOUNT", 10, "TO_ORDER", position=1),
        sb.discount(2, "PERCENTAGE", 50, "TO_PRODUCT", position=2),
    ]
    result = sb.run(sb.scenario(catalog=ONE_HUNDRED, discounts=discounts))
    # TO_PRODUCT first: 50 % of 100 = 50 → 50; then TO_ORDER 10 → 40.
    # (Priority order would have given 10, then 50 % of 90 = 45 → 45.)
    assert result.total_sum_with_discount == D("40.00")
    # The explanation stays in priority order.
    assert [(e.id, e.amount) for e in result.explanation] == [(1, D(10)), (2, D(50))]
    (line,) = result.lines
    assert (line.product_discount, line.order_discount) == (D(50), D(10))


def test_to_product_discounts_compound_by_priority(sb):
    """Two TO_PRODUCT discounts on one line: the higher priority one sees the full amount."""
    discounts = [
        sb.discount(1, "FIXED_PRICE", 60, "TO_PRODUCT", position=2),
        sb.discount(2, "PERCENTAGE", 25, "TO_PRODUCT", position=1),
    ]
    result = sb.run(sb.scenario([(1, 2)], catalog=ONE_HUNDRED, discounts=discounts))
    # Line 100 × 2 = 200. d2 (position 1): 25 % of 200 = 50 → 150.
    # d1: unit becomes 60: max(0, 150 − 60×2) = 30 → 120.
    assert [(e.id, e.amount) for e in result.explanation] == [(2, D(50)), (1, D(30))]
    assert result.total_sum_with_discount == D("120.00")


# ---------------------------------------------------------------------------
# the cap

# Three TO_ORDER discounts on 100.00 for the cap tests:
#   a: 10 %   → 10.00 (90 left)
#   b: 10 %   →  9.00 (81 left)
#   c: 10.00  → 10.00 (71 left)       total 29.00 uncapped


def _three(sb):
    return [
        sb.discount(1, "PERCENTAGE", 10, position=1, identifier="a"),
        sb.discount(2, "PERCENTAGE", 10, position=2, identifier="b"),
        sb.discount(3, "FIXED_AMOUNT", 10, position=3, identifier="c"),
    ]


def test_no_cap_without_max_discount_value(sb):
    """Uncapped, the three take 10 + 9 + 10 = 29."""
    result = sb.run(sb.scenario(catalog=ONE_HUNDRED, discounts=_three(sb)))
    assert result.total_sum_with_discount == D("71.00")
    assert not any(e.capped for e in result.explanation)


def test_cap_reduces_the_last_applied_discount_first(sb):
    """Cap 25 % of 100 = 25: the excess 4 comes off ``c`` only."""
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=_three(sb), settings={"maxDiscountValue": 25})
    result = sb.run(scn)
    # 29 − 25 = 4 over; c (applied last) 10 → 6; a and b untouched.
    assert [(e.identifier, e.status, e.reason, e.amount, e.capped) for e in result.explanation] == [
        ("a", "applied", None, D(10), False),
        ("b", "applied", None, D(9), False),
        ("c", "applied", None, D(6), True),
    ]
    assert result.total_sum_with_discount == D("75.00")


def test_cap_reaches_earlier_discounts_only_when_the_last_is_at_zero(sb):
    """Cap 15: ``c`` goes to 0 (capped_out), then ``b`` takes the rest of the cut."""
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=_three(sb), settings={"maxDiscountValue": 15})
    result = sb.run(scn)
    # 29 − 15 = 14 over: c 10 → 0 (capped_out, 4 still over); b 9 → 5 (capped); a stays 10.
    assert [(e.identifier, e.status, e.reason, e.amount, e.capped) for e in result.explanation] == [
        ("a", "applied", None, D(10), False),
        ("b", "applied", None, D(5), True),
        ("c", "not_applied", "capped_out", D(0), True),
    ]
    assert result.total_sum_with_discount == D("85.00")
    # A capped-out discount is no longer applied: not echoed, no line share.
    assert [d["identifier"] for d in result.document["discountConfig"]["orderDiscounts"]] == [
        "a",
        "b",
    ]
    assert [d.identifier for d in result.lines[0].discounts] == ["a", "b"]


def test_cap_applies_to_a_single_discount(sb):
    """One 50 % discount under a 20 % cap gives 20."""
    scn = sb.scenario(
        catalog=ONE_HUNDRED,
        discounts=[sb.discount(1, "PERCENTAGE", 50)],
        settings={"maxDiscountValue": 20},
    )
    result = sb.run(scn)
    # 50 % of 100 = 50 > floor(100 × 20 / 100) = 20 → 20.
    assert result.explanation[0].amount == D(20)
    assert result.explanation[0].capped is True
    assert result.total_sum_with_discount == D("80.00")


def test_cap_is_a_floor_in_minor_units(sb):
    """floor(totalRaw × maxDiscountValue / 100), not rounded half up."""
    scn = sb.scenario(
        catalog=[{"id": 1, "price": "99.99"}],
        discounts=[sb.discount(1, "PERCENTAGE", 50)],
        settings={"maxDiscountValue": "33.33"},
    )
    result = sb.run(scn)
    # 9999 cents × 33.33 / 100 = 3332.6667 cents → floor 3332 = 33.32 (half up would be 33.33).
    # 50 % of 99.99 = 49.995 → 50.00 > 33.32 → capped to 33.32; 99.99 − 33.32 = 66.67.
    assert result.explanation[0].amount == D("33.32")
    assert result.total_sum_with_discount == D("66.67")


def test_cap_passes_over_gift_only_discounts(sb):
    """A 0-amount gift-only discount applied last is skipped by the cap, not capped out."""
    catalog = [*ONE_HUNDRED, {"id": 99, "price": "5.00"}]
    discounts = [
        *_three(sb),
        sb.discount(4, "NONE", 0, position=4, identifier="gift", gifts=[99]),
    ]
    scn = sb.scenario(catalog=catalog, discounts=discounts, settings={"maxDiscountValue": 25})
    result = sb.run(scn)
    # Same as the 25 % cap above: c 10 → 6. "gift" stays applied, amount 0, not capped.
    assert [(e.identifier, e.status, e.reason, e.amount, e.capped) for e in result.explanation] == [
        ("a", "applied", None, D(10), False),
        ("b", "applied", None, D(9), False),
        ("c", "applied", None, D(6), True),
        ("gift", "applied", None, D(0), False),
    ]
    assert result.total_sum_with_discount == D("75.00")
    assert [(line.product_id, line.is_gift) for line in result.lines] == [(1, False), (99, True)]


def test_reduced_discount_keeps_its_lines_proportions(sb):
    """A capped discount is re-shared in proportion to its previous shares, not line amounts."""
    catalog = [{"id": 1, "price": "60.00"}, {"id": 2, "price": "40.00"}]
    # TO_PRODUCT FIXED_AMOUNT 30 per unit: min(30, 60) = 30, min(30, 40) = 30 → 60 total,
    # shares 30 : 30. Cap 20 % of 100 = 20 → re-shared 1 : 1 → 10, 10.
    # (By line amounts 60 : 40 it would be 12 / 8.)
    scn = sb.scenario(
        [(1, 1), (2, 1)],
        catalog=catalog,
        discounts=[sb.discount(1, "FIXED_AMOUNT", 30, "TO_PRODUCT")],
        settings={"maxDiscountValue": 20},
    )
    result = sb.run(scn)
    assert sb.shares(result, "d1") == [D("10.00"), D("10.00")]
    assert result.total_sum_with_discount == D("80.00")


def test_reduced_discount_resharing_uses_largest_remainder(sb):
    """Re-sharing a capped amount rounds by largest remainder and sums exactly."""
    catalog = [{"id": 1, "price": "10.00"}, {"id": 2, "price": "20.00"}]
    # TO_ORDER 50 % of 30 = 15.00, shares by current 10 : 20 → 5.00, 10.00.
    # Cap 10 % of 30 = 3.00 = 300 cents over previous shares 500 : 1000:
    # 300 × 500/1500 = 100, 300 × 1000/1500 = 200 → 1.00, 2.00.
    # Cap 3.34 % of 30.00: 3000 × 3.34 / 100 = 100.2 → floor 100 cents over 500 : 1000:
    # 100/3 = 33.33 → 33 (rem 1/3), 200/3 = 66.67 → 66 (rem 2/3); 1 cent left → the
    # larger remainder, line 2 → 0.33, 0.67.
    for cap, want in (("10", ["1.00", "2.00"]), ("3.34", ["0.33", "0.67"])):
        scn = sb.scenario(
            [(1, 1), (2, 1)],
            catalog=catalog,
            discounts=[sb.discount(1, "PERCENTAGE", 50)],
            settings={"maxDiscountValue": cap},
        )
        result = sb.run(scn)
        assert sb.shares(result, "d1") == [D(x) for x in want]
        assert result.explanation[0].amount == sum(D(x) for x in want)


def test_cap_reduces_to_order_before_to_product(sb):
    """Applied last means TO_ORDER (applied after TO_PRODUCT) is cut first."""
    discounts = [
        sb.discount(1, "FIXED_AMOUNT", 20, "TO_ORDER", position=1, identifier="order"),
        sb.discount(2, "FIXED_AMOUNT", 20, "TO_PRODUCT", position=2, identifier="product"),
    ]
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"maxDiscountValue": 30})
    result = sb.run(scn)
    # Applied: product 20, then order 20 = 40 > cap 30: the order one (applied last) → 10.
    assert sb.status(result) == {"order": ("applied", None), "product": ("applied", None)}
    assert [(e.identifier, e.amount, e.capped) for e in result.explanation] == [
        ("order", D(10), True),
        ("product", D(20), False),
    ]
    assert result.total_sum_with_discount == D("70.00")


# ---------------------------------------------------------------------------
# stacking off


def test_stacking_off_only_the_highest_priority_eligible_applies(sb):
    """Stacking off: the top eligible discount applies, however small; others stacking_disabled."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 50, position=2, identifier="big"),
        sb.discount(2, "FIXED_AMOUNT", 5, position=1, identifier="small"),
        sb.discount(3, "PERCENTAGE", 10, position=3, identifier="later"),
    ]
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"allowStacking": False})
    result = sb.run(scn)
    # Only "small" (position 1): 100 − 5 = 95.
    assert sb.status(result) == {
        "small": ("applied", None),
        "big": ("not_applied", "stacking_disabled"),
        "later": ("not_applied", "stacking_disabled"),
    }
    assert result.total_sum_with_discount == D("95.00")


def test_stacking_off_skips_ineligible_and_keeps_their_own_reason(sb):
    """The top discount failing a gate keeps its reason; the next eligible one applies."""
    discounts = [
        sb.discount(
            1, "PERCENTAGE", 50, position=1, identifier="expired", endDate="2020-01-01T00:00:00Z"
        ),
        sb.discount(2, "PERCENTAGE", 20, position=2, identifier="second"),
        sb.discount(3, "PERCENTAGE", 10, position=3, identifier="third"),
    ]
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"allowStacking": False})
    result = sb.run(scn)
    assert sb.status(result) == {
        "expired": ("not_applied", "expired"),
        "second": ("applied", None),
        "third": ("not_applied", "stacking_disabled"),
    }
    # 20 % of 100 = 20 → 80.
    assert result.total_sum_with_discount == D("80.00")


def test_stacking_off_does_not_apply_the_cap(sb):
    """With stacking off, maxDiscountValue does not limit the one discount."""
    scn = sb.scenario(
        catalog=ONE_HUNDRED,
        discounts=[sb.discount(1, "PERCENTAGE", 50)],
        settings={"allowStacking": False, "maxDiscountValue": 10},
    )
    result = sb.run(scn)
    # 50 % of 100 = 50, not capped to floor(100 × 10 / 100) = 10.
    assert result.total_sum_with_discount == D("50.00")
    assert result.explanation[0].capped is False


def test_stacking_off_picks_a_zero_amount_discount_if_it_is_first(sb):
    """Stacking off picks by priority whatever the amount (decision)."""
    discounts = [
        sb.discount(1, "NONE", 0, position=1, identifier="nothing"),
        sb.discount(2, "PERCENTAGE", 50, position=2, identifier="half"),
    ]
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"allowStacking": False})
    result = sb.run(scn)
    assert sb.status(result) == {
        "nothing": ("applied", None),
        "half": ("not_applied", "stacking_disabled"),
    }
    assert result.total_sum_with_discount == D("100.00")


def test_settings_are_echoed_with_defaults(sb):
    """Output echoes the settings with defaults filled (docs/scenario.md, settings)."""
    result = sb.run(sb.scenario(settings={"maxDiscountValue": 30}))
    assert result.document["discountConfig"]["settings"] == {
        "allowStacking": True,
        "maxDiscountValue": D(30),
        "allowGiftStacking": False,
        "maxBonusPaymentPercent": None,
        "minBonusAmount": None,
        "minOrderAmountForBonus": None,
        "giftRefundPolicy": "KEEP_GIFT",
    }


# ---------------------------------------------------------------------------
# rules applied after the cap is reached: capped out, or applied with 0


def test_rules_after_the_cap_is_reached_are_capped_out_or_applied_with_zero(sb):
    """Cap 10 % of 100.00 = 10.00, reached exactly by the first discount."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1),  # 10 % of 100.00 = 10.00: at the cap
        sb.discount(2, "FIXED_AMOUNT", "5.00", position=2),  # would take 5.00: capped out
        # would leave 85.00 (100 − 10 − 5) at 95.00: takes max(0, 85 − 95) = 0, stays applied
        sb.discount(3, "FIXED_PRICE", "95.00", position=3),
    ]
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"maxDiscountValue": 10})
    result = sb.run(scn)
    assert [(e.status, e.reason, e.amount, e.capped) for e in result.explanation] == [
        ("applied", None, D("10.00"), False),  # at the cap, not over it: not reduced
        ("not_applied", "capped_out", D(0), True),
        ("applied", None, D("0.00"), False),
    ]
    assert result.total_sum_with_discount == D("90.00")
    assert sb.shares(result, "d1") == [D("10.00")]
    assert sb.shares(result, "d2") == [None]  # capped out: no share
    assert sb.shares(result, "d3") == [D("0.00")]  # applied with 0: a 0 share


def test_a_rule_after_the_cap_whose_base_fell_under_its_fixed_price_stays_applied(sb):
    """After the cap, d3 (fixed price 87.00) is priced on what d2 left, though d2 is
    capped out: 100 − 10 − 5 = 85.00 → it takes 0 and stays applied (the cap passes
    over discounts already at 0, docs/stacking-and-cap.md). Were
    d2's 5.00 not counted, d3 would take 90 − 87 = 3.00 and be capped out."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1),  # 10.00: at the 10.00 cap
        sb.discount(2, "FIXED_AMOUNT", "5.00", position=2),  # 90.00 → 85.00 (capped out)
        sb.discount(3, "FIXED_PRICE", "87.00", position=3),  # max(0, 85 − 87) = 0
    ]
    scn = sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"maxDiscountValue": 10})
    result = sb.run(scn)
    assert [(e.status, e.reason) for e in result.explanation] == [
        ("applied", None),
        ("not_applied", "capped_out"),
        ("applied", None),
    ]
    assert result.explanation[2].amount == D(0)
    assert result.total_sum_with_discount == D("90.00")


def test_rules_after_the_cap_are_priced_on_the_shares_of_those_before(sb):
    """Two lines of 100.00, cap 5 % of 200.00 = 10.00. d1 5 % = 10.00 (5.00 a line):
    at the cap, 95.00 a line left. d2 10.00 off both lines: 5.00 a line (capped out).
    d3, fixed price 89.00 on product 1 only: its base is 95 − 5 = 90.00 → it would take
    1.00 → capped out (it would take 0 were d2's share on product 1 over 6.00)."""
    catalog = [sb.product(1, "100.00"), sb.product(2, "100.00")]
    discounts = [
        sb.discount(1, "PERCENTAGE", 5, position=1),
        sb.discount(2, "FIXED_AMOUNT", "10.00", position=2),
        sb.discount(
            3,
            "FIXED_PRICE",
            "89.00",
            position=3,
            conditions=[{"conditionType": "PRODUCT", "entityIds": [1]}],
        ),
    ]
    scn = sb.scenario(
        [(1, 1), (2, 1)], catalog=catalog, discounts=discounts, settings={"maxDiscountValue": 5}
    )
    result = sb.run(scn)
    assert [(e.status, e.reason, e.capped) for e in result.explanation] == [
        ("applied", None, False),
        ("not_applied", "capped_out", True),
        ("not_applied", "capped_out", True),
    ]
    assert sb.shares(result, "d1") == [D("5.00"), D("5.00")]
    assert result.total_sum_with_discount == D("190.00")
