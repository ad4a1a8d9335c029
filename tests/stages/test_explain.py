"""Explain: each line's share of each discount, and each rule's status and reason.

The rows written here are what both :attr:`PreviewResult.lines` /
:attr:`PreviewResult.explanation` and the JSON document are built from. Every
expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal as D

from pricing._stages.explain import capped_out, explanation_rows, line_rows

ONE_HUNDRED = [{"id": 1, "price": "100.00"}]


def _capped_scenario(sb, *extra):
    """100.00 under a cap of 11 %: d1 10 % (10.00), d2 3.00 off, d3 4.00 off, then ``extra``.

    cap = floor(100.00 × 11 %) = 11.00. Applied in priority order: d1 10.00 → 90.00,
    d2 3.00 → 87.00, d3 4.00 → 83.00; 17.00 in all, 6.00 over the cap. The cap takes
    the last applied first: d3 4.00 → 0 (capped out, 2.00 still over), d2 3.00 → 1.00.
    """
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1),
        sb.discount(2, "FIXED_AMOUNT", 3, position=2),
        sb.discount(3, "FIXED_AMOUNT", 4, position=3),
        *extra,
    ]
    return sb.scenario(catalog=ONE_HUNDRED, discounts=discounts, settings={"maxDiscountValue": 11})


# ---------------------------------------------------------------------------
# capped out


def test_capped_out_row_is_not_applied_with_reason_and_no_share(sb):
    """A discount the cap takes to 0 is ``not_applied``/``capped_out``, amount 0, capped;
    one it only reduces stays ``applied``, capped, with the reduced amount."""
    result = sb.run(_capped_scenario(sb))
    rows = [(e.identifier, e.status, e.reason, e.amount, e.capped) for e in result.explanation]
    assert rows == [
        ("d1", "applied", None, D("10.00"), False),
        ("d2", "applied", None, D("1.00"), True),
        ("d3", "not_applied", "capped_out", D("0"), True),
    ]
    # The capped-out discount has no share on the line; the reduced one its reduced share.
    (line,) = result.lines
    assert [(d.identifier, d.amount) for d in line.discounts] == [
        ("d1", D("10.00")),
        ("d2", D("1.00")),
    ]
    assert line.order_discount == D("11.00")
    assert result.total_sum_with_discount == D("89.00")
    # The document's explanation says the same.
    assert [(e["status"], e["reason"], e["capped"]) for e in result.document["explanation"]] == [
        ("applied", None, False),
        ("applied", None, True),
        ("not_applied", "capped_out", True),
    ]


def test_a_discount_applied_with_zero_is_not_capped_out(sb):
    """A discount of 0 (NONE) after the cap is used up stays ``applied`` and uncapped,
    and each line it targets lists its 0 share."""
    result = sb.run(_capped_scenario(sb, sb.discount(4, "NONE", 0, position=4)))
    # The cap passes over an amount of 0: d4 is neither reduced nor capped out.
    assert sb.status(result)["d4"] == ("applied", None)
    d4 = result.explanation[3]
    assert (d4.amount, d4.capped) == (D("0"), False)
    assert sb.shares(result, "d4") == [D("0.00")]
    assert sb.shares(result, "d3") == [None]


def test_capped_out_is_capped_and_zero_together(sb):
    """``capped_out`` holds for a capped discount of 0 only (checked on the stage's records)."""
    result = sb.run(_capped_scenario(sb, sb.discount(4, "NONE", 0, position=4)))
    applied = {a.rule.identifier: a for a in result._outcome.applied}
    # d2: capped, 1.00 left; d3: capped, 0; d4: 0, never capped; d1: neither.
    assert [capped_out(applied[i]) for i in ("d1", "d2", "d3", "d4")] == [
        False,
        False,
        True,
        False,
    ]


# ---------------------------------------------------------------------------
# statuses and reasons


def test_rows_follow_priority_order_with_each_rules_reason(sb):
    """One row per rule, in priority order (not list order, not application order),
    each with its status and the reason of the first gate it failed."""
    catalog = [{"id": 1, "price": "100.00"}, {"id": 2, "price": "5.00"}]
    discounts = [
        sb.discount(
            1, "PERCENTAGE", 10, position=5, identifier="late", startDate="2027-01-01T00:00:00Z"
        ),
        sb.discount(2, "PERCENTAGE", 10, position=1, identifier="coupon", coupons=["X"]),
        sb.discount(3, "PERCENTAGE", 10, "TO_PRODUCT", position=3, identifier="prod"),
        sb.discount(4, "FIXED_AMOUNT", 5, position=2, identifier="ord"),
        sb.discount(
            5,
            position=4,
            identifier="cond",
            conditions=[{"conditionType": "PRODUCT", "entityIds": [2]}],
        ),
        sb.discount(6, position=None, identifier="vip", userGroups=[99]),
        sb.discount(7, position=0, identifier="points", type="BONUS"),
    ]
    result = sb.run(sb.scenario([(1, 1)], catalog=catalog, discounts=discounts))
    # "prod" (TO_PRODUCT) applies first: 10 % of 100.00 = 10.00 → 90.00;
    # then "ord": 5.00 → 85.00. The rows stay in priority order all the same.
    assert [(e.identifier, e.status, e.reason, e.amount) for e in result.explanation] == [
        ("points", "not_applied", "bonus_program", D("0")),
        ("coupon", "not_applied", "coupon_required", D("0")),
        ("ord", "applied", None, D("5.00")),
        ("prod", "applied", None, D("10.00")),
        ("cond", "not_applied", "conditions_not_met", D("0")),
        ("late", "not_applied", "not_started", D("0")),
        ("vip", "not_applied", "not_in_group", D("0")),
    ]
    assert [e.id for e in result.explanation] == [7, 2, 4, 3, 5, 1, 6]
    assert result.total_sum_with_discount == D("85.00")


def test_explanation_rows_are_in_minor_units(sb):
    """The rows themselves carry integers of minor units (yen have none: 1 yen is 1)."""
    d = sb.discount(1, "PERCENTAGE", "12.5")
    scn = sb.scenario(catalog=[{"id": 1, "price": "1000"}], currency="JPY", discounts=[d])
    result = sb.run(scn)
    # 12.5 % of 1000 yen = 125 yen.
    (row,) = explanation_rows(result._outcome)
    assert (row.rule.id, row.rule.identifier, row.status, row.reason, row.amount, row.capped) == (
        1,
        "d1",
        "applied",
        None,
        125,
        False,
    )
    (line,) = line_rows(result._outcome)
    assert (line.item.id, line.unit_price, line.total, line.order_discount) == (1, 1000, 1000, 125)
    assert [(rule.identifier, share) for rule, share in line.discounts] == [("d1", 125)]


# ---------------------------------------------------------------------------
# a line's discounts


def test_line_shares_of_product_and_order_discounts(sb):
    """Product and order shares per line, totals per line, and the overall identity."""
    catalog = [
        {"id": 1, "price": "30.00"},
        {"id": 2, "price": "20.00"},
        {"id": 3, "price": "10.00"},
    ]
    # Lines: 1 × 2 = 60.00, 2 × 1 = 20.00, 3 × 3 = 30.00 → totalRaw 110.00.
    # "p" TO_PRODUCT 10 % only on product 1 (PRODUCT condition): round(60 × .1) = 6.00.
    #   currents after it: 54.00, 20.00, 30.00.
    # "o" TO_ORDER FIXED_AMOUNT 10.40 on all lines, base 104.00, shares by current:
    #   1040 × 5400/10400 = 540; 1040 × 2000/10400 = 200; 1040 × 3000/10400 = 300.
    p = sb.discount(
        1,
        "PERCENTAGE",
        10,
        "TO_PRODUCT",
        identifier="p",
        conditions=[{"conditionType": "PRODUCT", "entityIds": [1]}],
    )
    o = sb.discount(2, "FIXED_AMOUNT", "10.40", "TO_ORDER", identifier="o")
    result = sb.run(sb.scenario([(1, 2), (2, 1), (3, 3)], catalog=catalog, discounts=[p, o]))
    rows = [
        (line.total, line.product_discount, line.order_discount, line.total_with_discount)
        for line in result.lines
    ]
    assert rows == [
        (D("60.00"), D("6.00"), D("5.40"), D("48.60")),
        (D("20.00"), D("0.00"), D("2.00"), D("18.00")),
        (D("30.00"), D("0.00"), D("3.00"), D("27.00")),
    ]
    assert [[(d.identifier, d.amount) for d in line.discounts] for line in result.lines] == [
        [("p", D("6.00")), ("o", D("5.40"))],
        [("o", D("2.00"))],
        [("o", D("3.00"))],
    ]
    # 110.00 − 6.00 − 10.40 = 93.60
    assert result.total_sum_with_discount == D("93.60")
    line_sum = sum(line.product_discount + line.order_discount for line in result.lines)
    assert line_sum == result.total_raw - result.total_sum_with_discount
    # The JSON lines carry the same numbers.
    doc_line = result.document["lines"][0]
    assert doc_line["productDiscount"] == D("6.00")
    assert doc_line["orderDiscount"] == D("5.40")
    assert doc_line["totalWithDiscount"] == D("48.60")
    assert doc_line["discounts"] == [
        {"identifier": "p", "amount": D("6.00")},
        {"identifier": "o", "amount": D("5.40")},
    ]


def test_a_lines_discounts_are_listed_in_the_order_they_applied(sb):
    """Product-level shares first (they apply first), then order-level ones, each group in
    priority order: not the explanation's priority order."""
    o = sb.discount(1, "FIXED_AMOUNT", 10, "TO_ORDER", position=1, identifier="o")
    p1 = sb.discount(2, "PERCENTAGE", 10, "TO_PRODUCT", position=2, identifier="p1")
    p2 = sb.discount(3, "FIXED_AMOUNT", 1, "TO_PRODUCT", position=3, identifier="p2")
    result = sb.run(sb.scenario(catalog=ONE_HUNDRED, discounts=[p2, o, p1]))
    # p1: 10 % of 100 = 10 → 90; p2: min(1, 90) = 1 → 89; o: min(10, 89) = 10 → 79.
    (line,) = result.lines
    assert [(d.identifier, d.amount) for d in line.discounts] == [
        ("p1", D("10.00")),
        ("p2", D("1.00")),
        ("o", D("10.00")),
    ]
    assert (line.product_discount, line.order_discount) == (D("11.00"), D("10.00"))
    assert [e.identifier for e in result.explanation] == ["o", "p1", "p2"]


def test_gift_lines_come_last_and_a_line_given_away_whole_is_gone(sb):
    """Paid lines still holding units in request order, then the gift lines: no price,
    no discounts."""
    catalog = [{"id": 1, "price": "60.00"}, {"id": 2, "price": "12.00"}]
    gift = sb.discount(
        1,
        "NONE",
        0,
        position=1,
        gifts=[2],
        giftsReplaceCartItems=True,
        conditions=[{"conditionType": "PRODUCT_IN_CART", "entityIds": [1]}],
    )
    six = sb.discount(2, "FIXED_AMOUNT", 6, position=2)
    result = sb.run(sb.scenario([(2, 1), (1, 1)], catalog=catalog, discounts=[gift, six]))
    # The one mug (product 2) becomes the gift: its paid line holds 0 units and is gone.
    # totalRaw 60.00; d1 takes 0 off the order (its share 0 is listed on the line it
    # targets); d2 6.00 all on the grinder line → 54.00.
    rows = [
        (line.product_id, line.quantity, line.is_gift, line.unit_price, line.total_with_discount)
        for line in result.lines
    ]
    assert rows == [(1, 1, False, D("60.00"), D("54.00")), (2, 1, True, D("0.00"), D("0.00"))]
    assert [(d.identifier, d.amount) for d in result.lines[0].discounts] == [
        ("d1", D("0.00")),
        ("d2", D("6.00")),
    ]
    assert result.lines[1].discounts == ()
    assert [r["isGift"] for r in result.document["lines"]] == [False, True]
