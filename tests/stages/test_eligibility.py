"""The eligibility stage: the gates in their order, coupons and request markers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import pricing

# The scenarios are priced at sb.AT = 2026-11-22T12:00:00Z, for customer 42 in group 3,
# with one line of product 1 at 100.00 unless a test says otherwise.


def _reason(sb, scn):
    (e,) = sb.run(scn).explanation
    return e.status, e.reason


# ---------------------------------------------------------------------------
# each gate's reason


def test_passing_all_gates_applies(sb):
    """A plain discount applies: 10 % of 100 → 90."""
    result = sb.run(sb.scenario(discounts=[sb.discount(1)]))
    assert sb.status(result) == {"d1": ("applied", None)}
    assert result.total_sum_with_discount == D("90.00")


def test_bonus_program_is_never_a_price_discount(sb):
    """Gate 1: ``type: BONUS`` → bonus_program, price untouched."""
    result = sb.run(sb.scenario(discounts=[sb.discount(1, type="BONUS")]))
    assert sb.status(result) == {"d1": ("not_applied", "bonus_program")}
    assert result.total_sum_with_discount == D("100.00")


@pytest.mark.parametrize(
    ("start", "end", "want"),
    [
        ("2026-11-22T12:00:01Z", None, ("not_applied", "not_started")),
        ("2026-11-22T12:00:00Z", None, ("applied", None)),  # start == at applies
        (None, "2026-11-22T12:00:00Z", ("not_applied", "expired")),  # end == at is expired
        (None, "2026-11-22T12:00:01Z", ("applied", None)),
        ("2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z", ("applied", None)),
        # The same instant written in another zone: 13:00+01:00 = 12:00Z.
        ("2026-11-22T13:00:00+01:00", None, ("applied", None)),
        (None, "2026-11-22T13:00:00+01:00", ("not_applied", "expired")),
    ],
)
def test_date_window_and_its_boundaries(sb, start, end, want):
    """Gate 2: startDate ≤ at < endDate."""
    d = sb.discount(1, startDate=start, endDate=end)
    assert _reason(sb, sb.scenario(discounts=[d])) == want


def test_a_date_without_a_zone_is_refused_not_read_as_utc(sb):
    """Gate 2 never sees a naive date: it is refused, naming the field."""
    d = sb.discount(1, startDate="2026-11-22T12:00:01")
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(sb.scenario(discounts=[d]))
    assert info.value.path == "discounts[0].startDate"


@pytest.mark.parametrize("exclusions", [[{"id": 42}], [42]])
def test_user_excluded(sb, exclusions):
    """Gate 3: userExclusions holding the customer (as ``{id}`` or as an id)."""
    d = sb.discount(1, userExclusions=exclusions)
    assert _reason(sb, sb.scenario(discounts=[d])) == ("not_applied", "user_excluded")


def test_a_string_customer_id_in_user_exclusions_is_refused(sb):
    """``"42"`` does not name customer 42: it is refused, naming the entry."""
    d = sb.discount(1, userExclusions=["42"])
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(sb.scenario(discounts=[d]))
    assert info.value.path == "discounts[0].userExclusions[0]"


def test_user_exclusions_of_someone_else_do_not_matter(sb):
    """Gate 3 passes for a customer not in the list."""
    d = sb.discount(1, userExclusions=[{"id": 7}])
    assert _reason(sb, sb.scenario(discounts=[d])) == ("applied", None)


def test_not_in_group(sb):
    """Gate 4: userGroups without any of the customer's groups."""
    d = sb.discount(1, userGroups=[{"id": 5}, 6])
    assert _reason(sb, sb.scenario(discounts=[d])) == ("not_applied", "not_in_group")


def test_in_one_of_the_groups_applies(sb):
    """Gate 4 passes when the customer is in one of the groups."""
    d = sb.discount(1, userGroups=[5, {"id": 3}])
    assert _reason(sb, sb.scenario(discounts=[d])) == ("applied", None)


def test_empty_user_groups_means_everyone(sb):
    """``userGroups: []`` is no restriction, for a guest too."""
    d = sb.discount(1, userGroups=[])
    assert _reason(sb, sb.scenario(discounts=[d], buyer=None)) == ("applied", None)


def test_guest_fails_user_groups_with_guest(sb):
    """Gate 4: a guest and userGroups → guest (not not_in_group)."""
    d = sb.discount(1, userGroups=[3])
    assert _reason(sb, sb.scenario(discounts=[d], buyer=None)) == ("not_applied", "guest")


def test_guest_fails_personal_discount_with_guest(sb):
    """Gate 4: a PERSONAL_DISCOUNT fails a guest whatever its userGroups."""
    d = sb.discount(1, type="PERSONAL_DISCOUNT", userGroups=None)
    assert _reason(sb, sb.scenario(discounts=[d], buyer=None)) == ("not_applied", "guest")
    # The same discount applies to a registered customer.
    assert _reason(sb, sb.scenario(discounts=[d])) == ("applied", None)


def test_guest_passes_a_plain_discount(sb):
    """A DISCOUNT without userGroups applies to a guest."""
    assert _reason(sb, sb.scenario(discounts=[sb.discount(1)], buyer=None)) == ("applied", None)


def test_coupon_required(sb):
    """Gate 5: a discount with coupons and no code presented."""
    d = sb.discount(1, coupons=["SAVE10"])
    assert _reason(sb, sb.scenario(discounts=[d])) == ("not_applied", "coupon_required")


def test_coupon_of_another_discount_is_coupon_required(sb):
    """Gate 5: the code presented belongs to another discount."""
    discounts = [
        sb.discount(1, coupons=["SAVE10"]),
        sb.discount(2, coupons=["OTHER"]),
    ]
    result = sb.run(sb.scenario(discounts=discounts, coupon="OTHER"))
    assert sb.status(result) == {
        "d1": ("not_applied", "coupon_required"),
        "d2": ("applied", None),
    }


def test_not_requested_and_requested(sb):
    """Gate 6: ON_REQUEST needs its identifier among additionalDiscountsMarkers."""
    d = sb.discount(1, identifier="vip_extra", activation="ON_REQUEST")
    assert _reason(sb, sb.scenario(discounts=[d])) == ("not_applied", "not_requested")
    result = sb.run(sb.scenario(discounts=[d], markers=["vip_extra"]))
    assert sb.status(result) == {"vip_extra": ("applied", None)}
    # 10 % of 100 → 90; the markers are echoed and none is unknown.
    assert result.total_sum_with_discount == D("90.00")
    assert result.document["discountConfig"]["additionalDiscountsMarkers"] == ["vip_extra"]
    assert result.warnings == ()


def test_automatic_activation_needs_no_marker(sb):
    """``activation: AUTOMATIC`` (the default) applies without a marker."""
    d = sb.discount(1, activation="AUTOMATIC")
    assert _reason(sb, sb.scenario(discounts=[d])) == ("applied", None)


def test_on_request_without_identifier_cannot_be_requested(sb):
    """An ON_REQUEST discount without identifier is never requested (decision)."""
    d = sb.discount(1, activation="ON_REQUEST")
    d["identifier"] = None
    result = sb.run(sb.scenario(discounts=[d], markers=["d1"]))
    assert result.explanation[0].reason == "not_requested"


def test_conditions_not_met(sb):
    """Gate 7: no line targeted."""
    d = sb.discount(1, conditions=[{"conditionType": "PRODUCT", "entityIds": [2]}])
    catalog = [{"id": 1, "price": "100.00"}, {"id": 2, "price": "5.00"}]
    result = sb.run(sb.scenario(catalog=catalog, discounts=[d]))
    assert sb.status(result) == {"d1": ("not_applied", "conditions_not_met")}


# ---------------------------------------------------------------------------
# the first failing gate is the reason reported

GATE_ORDER_CASES = [
    # (discount fields, guest?, coupon, expected reason)
    ({"type": "BONUS", "endDate": "2020-01-01T00:00:00Z"}, False, None, "bonus_program"),
    ({"endDate": "2020-01-01T00:00:00Z", "userExclusions": [42]}, False, None, "expired"),
    ({"startDate": "2030-01-01T00:00:00Z", "userExclusions": [42]}, False, None, "not_started"),
    ({"userExclusions": [42], "userGroups": [99]}, False, None, "user_excluded"),
    ({"userGroups": [99], "coupons": ["X"]}, False, None, "not_in_group"),
    ({"userGroups": [3], "coupons": ["X"]}, True, None, "guest"),
    ({"type": "PERSONAL_DISCOUNT", "coupons": ["X"]}, True, None, "guest"),
    ({"coupons": ["X"], "activation": "ON_REQUEST"}, False, None, "coupon_required"),
    (
        {
            "activation": "ON_REQUEST",
            "conditions": [{"conditionType": "PRODUCT", "entityIds": [9]}],
        },
        False,
        None,
        "not_requested",
    ),
    # Everything at once: the rule type decides first.
    (
        {
            "type": "BONUS",
            "startDate": "2030-01-01T00:00:00Z",
            "userExclusions": [42],
            "userGroups": [99],
            "coupons": ["X"],
            "activation": "ON_REQUEST",
        },
        False,
        None,
        "bonus_program",
    ),
    # Everything but the type: the dates decide.
    (
        {
            "endDate": "2020-01-01T00:00:00Z",
            "userExclusions": [42],
            "userGroups": [99],
            "coupons": ["X"],
            "activation": "ON_REQUEST",
            "conditions": [{"conditionType": "PRODUCT", "entityIds": [9]}],
        },
        False,
        None,
        "expired",
    ),
]


@pytest.mark.parametrize(("fields", "guest", "coupon", "reason"), GATE_ORDER_CASES)
def test_first_failing_gate_is_reported(sb, fields, guest, coupon, reason):
    """Several gates fail: the earliest in the gate order is the reason (docs/eligibility.md)."""
    d = sb.discount(1, **fields)
    scn = sb.scenario(discounts=[d], buyer=None if guest else sb.customer(), coupon=coupon)
    assert _reason(sb, scn) == ("not_applied", reason)


# ---------------------------------------------------------------------------
# coupons


def _coupon_discount(sb, coupons, did=1, **fields):
    return sb.discount(did, identifier="summer", coupons=coupons, **fields)


@pytest.mark.parametrize("typed", ["SAVE10", "save10", "  Save10 ", "\tsAvE10\n"])
def test_coupon_matches_case_insensitively_after_trimming(sb, typed):
    """Codes match case-insensitively after trimming; ``code`` is the discount's spelling."""
    scn = sb.scenario(discounts=[_coupon_discount(sb, ["SAVE10"])], coupon=typed)
    result = sb.run(scn)
    # 10 % of 100 → 90.
    assert result.total_sum_with_discount == D("90.00")
    coupon = {
        "code": "SAVE10",
        "valid": True,
        "applied": True,
        "discountId": 1,
        "discountIdentifier": "summer",
    }
    config = result.document["discountConfig"]
    assert config["coupon"] == coupon
    # The echoed discount carries the same coupon object.
    assert config["orderDiscounts"][0]["coupon"] == coupon


def test_coupon_not_found(sb):
    """A code no discount has → CouponError(not_found)."""
    scn = sb.scenario(discounts=[_coupon_discount(sb, ["SAVE10"])], coupon="SAVE11")
    with pytest.raises(pricing.CouponError) as info:
        sb.run(scn)
    assert info.value.reason == "not_found"
    assert isinstance(info.value, pricing.PricingError)


def test_coupon_not_found_when_no_discount_has_coupons(sb):
    """A code presented to a rule set without any coupon is not_found too."""
    with pytest.raises(pricing.CouponError) as info:
        sb.run(sb.scenario(discounts=[sb.discount(1)], coupon="ANY"))
    assert info.value.reason == "not_found"


def test_coupon_already_used(sb):
    """``isUsed`` and not ``isReusable`` → CouponError(already_used)."""
    coupons = [{"code": "ONCE", "isUsed": True, "isReusable": False}]
    scn = sb.scenario(discounts=[_coupon_discount(sb, coupons)], coupon="once")
    with pytest.raises(pricing.CouponError) as info:
        sb.run(scn)
    assert info.value.reason == "already_used"


def test_used_reusable_coupon_still_works(sb):
    """``isUsed`` with ``isReusable`` is fine."""
    coupons = [{"code": "MANY", "isUsed": True, "isReusable": True}]
    result = sb.run(sb.scenario(discounts=[_coupon_discount(sb, coupons)], coupon="MANY"))
    assert result.document["discountConfig"]["coupon"]["applied"] is True
    assert result.total_sum_with_discount == D("90.00")


def test_unused_coupon_object_works(sb):
    """A coupon object not yet used applies."""
    coupons = [{"code": "FRESH", "isUsed": False}]
    result = sb.run(sb.scenario(discounts=[_coupon_discount(sb, coupons)], coupon="FRESH"))
    assert result.document["discountConfig"]["coupon"]["applied"] is True


@pytest.mark.parametrize(
    "dates",
    [
        {"endDate": "2026-11-22T12:00:00Z"},  # ended exactly at `at`
        {"startDate": "2026-12-01T00:00:00Z"},  # not started yet (decision: also expired)
    ],
)
def test_coupon_of_a_discount_outside_its_dates_is_expired(sb, dates):
    """The code's discount is outside its dates → CouponError(expired)."""
    scn = sb.scenario(discounts=[_coupon_discount(sb, ["SAVE10"], **dates)], coupon="SAVE10")
    with pytest.raises(pricing.CouponError) as info:
        sb.run(scn)
    assert info.value.reason == "expired"


def test_valid_coupon_on_a_discount_failing_a_later_gate(sb):
    """A valid code whose discount fails a later gate: valid, not applied, no error."""
    d = _coupon_discount(
        sb, ["SAVE10"], conditions=[{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": 500}}]
    )
    result = sb.run(sb.scenario(discounts=[d], coupon="save10"))
    assert result.explanation[0].reason == "conditions_not_met"
    assert result.document["discountConfig"]["coupon"] == {
        "code": "SAVE10",
        "valid": True,
        "applied": False,
        "discountId": 1,
        "discountIdentifier": "summer",
    }
    assert result.total_sum_with_discount == D("100.00")


def test_valid_coupon_on_a_discount_excluding_the_user(sb):
    """Gate 3 fails after the coupon check passed: still no error, applied false."""
    d = _coupon_discount(sb, ["SAVE10"], userExclusions=[42])
    result = sb.run(sb.scenario(discounts=[d], coupon="SAVE10"))
    assert result.explanation[0].reason == "user_excluded"
    assert result.document["discountConfig"]["coupon"]["applied"] is False


def test_coupon_capped_out_is_not_applied(sb):
    """A coupon whose discount the cap took to 0 reports applied false."""
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1, identifier="first"),
        sb.discount(2, "FIXED_AMOUNT", 5, position=2, identifier="coupon", coupons=["C"]),
    ]
    scn = sb.scenario(discounts=discounts, coupon="C", settings={"maxDiscountValue": 10})
    result = sb.run(scn)
    # first 10 off 100; coupon 5 → total 15 > cap 10 → coupon (last) cut 5 → 0: capped_out.
    assert sb.status(result)["coupon"] == ("not_applied", "capped_out")
    assert result.document["discountConfig"]["coupon"]["applied"] is False


@pytest.mark.parametrize("code", [None, "", "   "])
def test_no_code_gives_coupon_null(sb, code):
    """No code (or a blank one) → ``coupon: null``, and coupon-only discounts do not apply."""
    scn = sb.scenario(discounts=[_coupon_discount(sb, ["SAVE10"]), sb.discount(2)], coupon=code)
    result = sb.run(scn)
    assert result.document["discountConfig"]["coupon"] is None
    assert sb.status(result)["summer"] == ("not_applied", "coupon_required")
    # The plain discount's echo has "coupon": null too.
    assert result.document["discountConfig"]["orderDiscounts"][0]["coupon"] is None


def test_echo_coupon_only_on_the_discount_owning_the_code(sb):
    """Only discounts with the presented code carry the coupon object in their echo."""
    discounts = [sb.discount(1, position=1), _coupon_discount(sb, ["SAVE10"], 2, position=2)]
    result = sb.run(sb.scenario(discounts=discounts, coupon="SAVE10"))
    echoed = {
        d["identifier"]: d["coupon"] for d in result.document["discountConfig"]["orderDiscounts"]
    }
    assert echoed["d1"] is None
    assert echoed["summer"]["code"] == "SAVE10"
    # 10 % then 10 %: 10 + 9 = 19 → 81.
    assert result.total_sum_with_discount == D("81.00")


def test_shared_code_names_the_first_discount_in_priority_order(sb):
    """Several discounts sharing a code all pass gate 5; the coupon names the first (decision)."""
    discounts = [
        sb.discount(5, position=2, identifier="second", coupons=["SHARED"]),
        sb.discount(6, position=1, identifier="first", coupons=["shared"]),
    ]
    result = sb.run(sb.scenario(discounts=discounts, coupon="Shared"))
    assert sb.status(result) == {"first": ("applied", None), "second": ("applied", None)}
    coupon = result.document["discountConfig"]["coupon"]
    assert (coupon["discountId"], coupon["code"]) == (6, "shared")


# ---------------------------------------------------------------------------
# markers


def test_unknown_markers_are_warned_and_echoed(sb):
    """Markers naming no discount → warnings, not errors; every marker is echoed."""
    d = sb.discount(1, identifier="vip", activation="ON_REQUEST")
    result = sb.run(sb.scenario(discounts=[d], markers=["vip", "nope", "also_nope"]))
    assert sb.status(result) == {"vip": ("applied", None)}
    warnings = [
        {"code": "unknown_marker", "marker": "nope"},
        {"code": "unknown_marker", "marker": "also_nope"},
    ]
    assert [dict(w) for w in result.warnings] == warnings
    assert result.document["warnings"] == warnings
    assert result.document["discountConfig"]["additionalDiscountsMarkers"] == [
        "vip",
        "nope",
        "also_nope",
    ]


def test_marker_of_an_automatic_discount_is_known(sb):
    """A marker naming an automatic discount is not unknown (it names a discount)."""
    result = sb.run(sb.scenario(discounts=[sb.discount(1)], markers=["d1"]))
    assert result.warnings == ()


def test_used_coupon_of_an_expired_discount_reports_already_used(sb):
    """Both refusals apply: ``already_used`` is checked before ``expired`` (decision)."""
    coupons = [{"code": "OLD", "isUsed": True}]
    d = _coupon_discount(sb, coupons, endDate="2020-01-01T00:00:00Z")
    with pytest.raises(pricing.CouponError) as info:
        sb.run(sb.scenario(discounts=[d], coupon="old"))
    assert info.value.reason == "already_used"


# ---------------------------------------------------------------------------
# after gate 7: tier_not_reached, buy_quantity_not_met; only then the stacking pick
#
# One line of product 1 at 100.00 × 2 (2 units) unless a test says otherwise.

UNREACHED_TIERS = [{"minQuantity": 3, "value": 10}]  # 2 units reach no tier
UNMET_BUY_GET = {"buyQuantity": 2, "getQuantity": 1}  # 2 units: ⌊2/3⌋ = 0 sets


def _measured(sb, did, kind, **fields):
    d = sb.discount(did, "PERCENTAGE", 10, "TO_PRODUCT", position=did, **fields)
    if kind == "tiers":
        del d["discountValue"]["value"]
        d["discountValue"]["tiers"] = UNREACHED_TIERS
    else:
        d["discountValue"]["buyGet"] = UNMET_BUY_GET
    return d


@pytest.mark.parametrize(
    ("kind", "reason"), [("tiers", "tier_not_reached"), ("buyGet", "buy_quantity_not_met")]
)
def test_an_unmet_tier_or_buy_get_is_reported_after_the_gates(sb, kind, reason):
    # Alone: its own reason.
    d = _measured(sb, 1, kind)
    assert _reason(sb, sb.scenario([(1, 2)], discounts=[d])) == ("not_applied", reason)
    # A gate it fails too comes first: gate 5 (coupon), gate 7 (no line targeted).
    d = _measured(sb, 1, kind, coupons=["X"])
    assert _reason(sb, sb.scenario([(1, 2)], discounts=[d])) == ("not_applied", "coupon_required")
    d = _measured(sb, 1, kind, conditions=[{"conditionType": "PRODUCT", "entityIds": [9]}])
    assert _reason(sb, sb.scenario([(1, 2)], discounts=[d])) == (
        "not_applied",
        "conditions_not_met",
    )


@pytest.mark.parametrize(
    ("kind", "reason"), [("tiers", "tier_not_reached"), ("buyGet", "buy_quantity_not_met")]
)
def test_without_stacking_the_pick_is_among_the_discounts_that_reach(sb, kind, reason):
    """With allowStacking false the one discount is picked only after the quantity checks:
    an unmet higher-priority discount does not block a lower one."""
    first = _measured(sb, 1, kind)
    second = sb.discount(2, "PERCENTAGE", 5, position=2)
    scn = sb.scenario([(1, 2)], discounts=[first, second], settings={"allowStacking": False})
    result = sb.run(scn)
    assert sb.status(result) == {"d1": ("not_applied", reason), "d2": ("applied", None)}
    # 5 % of 200.00 = 10.00.
    assert result.total_sum_with_discount == D("190.00")


def test_without_stacking_a_reached_tier_wins_the_pick(sb):
    first = sb.discount(1, "PERCENTAGE", None, "TO_PRODUCT", position=1)
    first["discountValue"]["tiers"] = [{"minQuantity": 2, "value": 10}]
    second = sb.discount(2, "PERCENTAGE", 5, position=2)
    scn = sb.scenario([(1, 2)], discounts=[first, second], settings={"allowStacking": False})
    result = sb.run(scn)
    # 2 units reach tier 0: 10 % of 200.00 = 20.00; the other loses the pick.
    assert sb.status(result) == {
        "d1": ("applied", None),
        "d2": ("not_applied", "stacking_disabled"),
    }
    assert result.explanation[0].tier == 0
    assert result.total_sum_with_discount == D("180.00")


# the usage gates, between gate 6 and gate 7 (docs/usage-limits.md)

USAGE_GATE_CASES = [
    # (discount fields, guest?, usage of discount 1, expected reason)
    # each gate alone
    ({"usageLimit": 10}, False, {"uses": 10}, "usage_limit_reached"),
    ({"usageLimitPerCustomer": 2}, True, None, "guest"),
    ({"usageLimitPerCustomer": 2}, False, {"customerUses": 2}, "customer_limit_reached"),
    ({"budget": {"amount": "500.00"}}, False, {"spent": "500.00"}, "budget_exhausted"),
    # in their order: all of them reached at once → the total limit first
    (
        {"usageLimit": 10, "usageLimitPerCustomer": 2, "budget": {"amount": "500.00"}},
        False,
        {"uses": 10, "customerUses": 2, "spent": "500.00"},
        "usage_limit_reached",
    ),
    # a guest meeting a per-customer limit: guest, before the budget
    (
        {"usageLimitPerCustomer": 2, "budget": {"amount": "500.00"}},
        True,
        {"uses": 3, "spent": "500.00"},
        "guest",
    ),
    (
        {"usageLimitPerCustomer": 2, "budget": {"amount": "500.00"}},
        False,
        {"customerUses": 5, "spent": "600.00"},
        "customer_limit_reached",
    ),
    # gates 1–6 come before them, gate 7 after them
    ({"usageLimit": 1, "coupons": ["X"]}, False, {"uses": 1}, "coupon_required"),
    ({"usageLimit": 1, "activation": "ON_REQUEST"}, False, {"uses": 1}, "not_requested"),
    (
        {"usageLimit": 1, "conditions": [{"conditionType": "PRODUCT", "entityIds": [9]}]},
        False,
        {"uses": 1},
        "usage_limit_reached",
    ),
    # not reached: one use left, one cent of budget left
    (
        {"usageLimit": 10, "usageLimitPerCustomer": 2, "budget": {"amount": "500.00"}},
        False,
        {"uses": 9, "customerUses": 1, "spent": "499.99"},
        None,
    ),
]


@pytest.mark.parametrize(("fields", "guest", "counters", "reason"), USAGE_GATE_CASES)
def test_usage_gates_in_their_order(sb, fields, guest, counters, reason):
    """usage_limit_reached, then guest / customer_limit_reached, then budget_exhausted;
    all after gate 6 and before gate 7."""
    scn = sb.scenario(discounts=[sb.discount(1, **fields)], buyer=None if guest else sb.customer())
    if counters is not None:
        scn["usage"] = {"1": counters}
    expected = ("applied", None) if reason is None else ("not_applied", reason)
    assert _reason(sb, scn) == expected


def test_a_usage_limit_stops_a_discount_before_the_stacking_pick(sb):
    """allowStacking false: the top discount has used up its limit, so the next one is
    the highest-priority eligible discount and applies (10 % of 100 → 90)."""
    discounts = [sb.discount(1, position=1, usageLimit=1), sb.discount(2, position=2)]
    scn = sb.scenario(discounts=discounts, settings={"allowStacking": False})
    scn["usage"] = {"1": {"uses": 1}}
    result = sb.run(scn)
    assert sb.status(result) == {
        "d1": ("not_applied", "usage_limit_reached"),
        "d2": ("applied", None),
    }


# ---------------------------------------------------------------------------
# several coupon codes (order.couponCodes)


def _coded(sb, did, code, *kind_and_value, **fields):
    """A discount opened by ``code`` (10 % unless told), at position ``did``."""
    return sb.discount(
        did, *kind_and_value, identifier=f"code{did}", coupons=[code], position=did, **fields
    )


def test_two_valid_codes_for_two_discounts_both_apply(sb):
    """SAVE10 opens code1 (10 % of 100.00 = 10.00), FIVE opens code2 (5.00 off 90.00):
    85.00. ``coupons`` has one object per code in order; ``discountConfig.coupon`` is
    the first's; each echo carries its own code's object."""
    discounts = [_coded(sb, 1, "SAVE10"), _coded(sb, 2, "FIVE", "FIXED_AMOUNT", "5.00")]
    scn = sb.scenario(discounts=discounts)
    scn["order"]["couponCodes"] = ["save10", "five"]
    result = sb.run(scn)
    assert result.total_sum_with_discount == D("85.00")
    doc = result.document
    assert doc["coupons"] == [
        {"code": "SAVE10", "valid": True, "applied": True, "discountId": 1,
         "discountIdentifier": "code1"},
        {"code": "FIVE", "valid": True, "applied": True, "discountId": 2,
         "discountIdentifier": "code2"},
    ]  # fmt: skip
    config = doc["discountConfig"]
    assert config["coupon"] == doc["coupons"][0]
    assert [d["coupon"] for d in config["orderDiscounts"]] == doc["coupons"]


def test_one_valid_code_and_one_not_found_is_a_coupon_error(sb):
    """Each code is checked as a single one is: NOPE belongs to no discount →
    CouponError(not_found), naming NOPE, though SAVE10 is valid."""
    scn = sb.scenario(discounts=[_coded(sb, 1, "SAVE10"), _coded(sb, 2, "FIVE")])
    scn["order"]["couponCodes"] = ["SAVE10", "NOPE"]
    with pytest.raises(pricing.CouponError) as info:
        sb.run(scn)
    assert (info.value.reason, info.value.code) == ("not_found", "NOPE")


def test_couponcode_counts_as_the_first_code(sb):
    """couponCode FIVE and couponCodes [SAVE10]: FIVE is first (discountConfig.coupon);
    a code of a discount that fails another gate is valid and not applied."""
    discounts = [_coded(sb, 1, "SAVE10", userExclusions=[42]), _coded(sb, 2, "FIVE")]
    scn = sb.scenario(discounts=discounts, coupon="FIVE")
    scn["order"]["couponCodes"] = ["SAVE10"]
    doc = sb.run(scn).document
    assert [(c["code"], c["applied"]) for c in doc["coupons"]] == [
        ("FIVE", True),
        ("SAVE10", False),
    ]
    assert doc["discountConfig"]["coupon"]["code"] == "FIVE"
    assert [e["reason"] for e in doc["explanation"]] == ["user_excluded", None]


def test_gate_5_passes_when_any_presented_code_is_the_discounts(sb):
    """A discount with two codes, one of them presented among others: it applies once;
    each presented code has its object (both name discount 1)."""
    d = sb.discount(1, coupons=["A", "B"])
    other = _coded(sb, 2, "C")
    scn = sb.scenario(discounts=[d, other])
    scn["order"]["couponCodes"] = ["C", "B", "A"]
    result = sb.run(scn)
    assert sb.status(result) == {"d1": ("applied", None), "code2": ("applied", None)}
    assert [c["discountId"] for c in result.document["coupons"]] == [2, 1, 1]
    # The echo of d1 carries the object of the first presented code that is its own: B.
    echo = {d["id"]: d for d in result.document["discountConfig"]["orderDiscounts"]}
    assert echo[1]["coupon"]["code"] == "B"
    assert echo[2]["coupon"]["code"] == "C"


def test_coupons_output_only_with_coupon_codes(sb):
    """``coupons`` appears when couponCodes is given (even empty; blank codes are no
    code); not with couponCode alone."""
    scn = sb.scenario(discounts=[_coded(sb, 1, "SAVE10")], coupon="SAVE10")
    assert "coupons" not in sb.run(scn).document
    scn["order"]["couponCodes"] = []
    assert [c["code"] for c in sb.run(scn).document["coupons"]] == ["SAVE10"]
    scn["order"]["couponCode"] = None
    scn["order"]["couponCodes"] = ["  ", "SAVE10"]
    doc = sb.run(scn).document
    assert [c["code"] for c in doc["coupons"]] == ["SAVE10"]
    assert doc["discountConfig"]["coupon"]["code"] == "SAVE10"


# ---------------------------------------------------------------------------
# the reasons decided before gate 7, remembered per audience


def test_a_full_memo_of_audiences_is_emptied_and_every_answer_stays_right(monkeypatch):
    """An engine remembers the reasons of at most AUDIENCES_KEPT audiences, then starts
    again: memory is bounded, and a cart met after the memo was emptied is judged anew."""
    from datetime import UTC, datetime

    from pricing._stages import eligibility

    monkeypatch.setattr(eligibility, "AUDIENCES_KEPT", 2)
    catalog = [{"id": 1, "price": "100.00"}]
    discounts = [
        {
            "id": g,
            "identifier": f"group{g}",
            "userGroups": [g],
            "discountValue": {"value": g, "discountType": "PERCENTAGE"},
        }
        for g in (1, 2, 3)
    ]
    engine = pricing.Engine(currency="USD", catalog=catalog, discounts=discounts)
    order = {"products": [{"productId": 1, "quantity": 1}]}
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    # four audiences (groups 1, 2, 3, none), then the first ones again
    for group in (1, 2, 3, None, 1, 2):
        customer = {"id": 7, "groupIds": [] if group is None else [group]}
        text = engine.preview_json(pricing.dumps_json(order), pricing.dumps_json(customer), at=at)
        fresh = pricing.Engine(currency="USD", catalog=catalog, discounts=discounts)
        assert text == fresh.preview(order, customer=customer, at=at).to_json(indent=None)
        document = engine.preview(order, customer=customer, at=at).document
        assert pricing.dumps_json(document) == text
        # each group's own discount applies: 100.00 less its percentage (1 %, 2 %, 3 %)
        due = pricing.loads_json(text)["totalDue"]
        assert due == (D(100) if group is None else D(100) - group)
        assert len(engine._rs.index.before_cart) <= 2
        assert len(engine._made.texts._before_cart) <= 2
        assert len(engine._made.templates._before_cart) <= 2
