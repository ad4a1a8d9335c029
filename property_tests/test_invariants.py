"""Invariants of every preview (stacking and cap, gifts, bonus, the result), one property each.

These hold whatever the rules say, so they need no oracle: they are what a user
can assert about any rule set (see docs/property-testing.md).
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import pricing
from pricing import strategies as ps

from .support import (
    EXPONENT,
    all_money,
    applied_entries,
    budget_left,
    canon,
    cap_percentages,
    computed_money,
    dec,
    discount_by_id,
    discounted_shipping,
    goods_applied,
    mutate_everything,
    shipping_after_discounts,
    shipping_ids,
    tax_split,
    taxed,
    unit_counting,
    with_settings,
)

ZERO = Decimal(0)
AMOUNT_FEATURES = frozenset({"max_amount", "cap", "no_stacking", "exclusions", "input_variants"})


def amounts_first(features: frozenset[str] = ps.FEATURES) -> st.SearchStrategy[dict[str, Any]]:
    """Half the scenarios with every feature, half where (nearly) every discount passes
    its gates, so that the arithmetic behind them is exercised in every run."""
    return st.one_of(
        ps.scenarios(features=features), ps.scenarios(features=features & AMOUNT_FEATURES)
    )


SCENARIOS = amounts_first()


def applied(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in doc["explanation"] if e["status"] == "applied"]


# -- totals -------------------------------------------------------------------------


@given(SCENARIOS)
def test_totals_are_ordered(scenario: dict[str, Any]) -> None:
    """0 ≤ totalDue ≤ totalSumWithDiscount ≤ totalRaw (and the typed fields agree);
    ``totalSum`` is the sum after discounts."""
    result = pricing.preview(scenario)
    doc = result.document
    raw = doc["discountConfig"]["totalRaw"]
    assert ZERO <= doc["totalDue"] <= doc["totalSumWithDiscount"] <= raw
    assert raw == result.total_raw
    assert doc["totalSum"] == doc["totalSumWithDiscount"]
    assert doc["discountConfig"]["totalSumWithDiscount"] == result.total_sum_with_discount
    assert doc["discountConfig"]["totalDue"] == doc["totalDue"] == result.total_due
    assert raw == sum((line["total"] for line in doc["lines"] if not line["isGift"]), ZERO)


@given(SCENARIOS)
def test_total_discount_is_the_sum_of_discounts_and_of_line_discounts(
    scenario: dict[str, Any],
) -> None:
    """totalRaw − totalSumWithDiscount = Σ applied amounts on goods = Σ line discounts,
    exactly (shipping discounts are not part of it)."""
    doc = pricing.preview(scenario).document
    total_discount = doc["discountConfig"]["totalRaw"] - doc["totalSumWithDiscount"]
    assert total_discount == sum((e["amount"] for e in goods_applied(doc)), ZERO)
    lines = doc["lines"]
    assert total_discount == sum(
        (line["productDiscount"] + line["orderDiscount"] for line in lines), ZERO
    )
    assert total_discount == sum((d["amount"] for line in lines for d in line["discounts"]), ZERO)
    for line in lines:
        assert line["productDiscount"] + line["orderDiscount"] == sum(
            (d["amount"] for d in line["discounts"]), ZERO
        )
        assert line["totalWithDiscount"] == (
            line["total"] - line["productDiscount"] - line["orderDiscount"]
        )
        assert line["total"] == line["unitPrice"] * line["quantity"]
    # Each applied discount's line shares add up to its amount (identifiers are
    # unique in generated scenarios except for null ones).
    by_identifier: dict[str, Decimal] = {}
    for line in lines:
        for d in line["discounts"]:
            if d["identifier"] is not None:
                by_identifier[d["identifier"]] = (
                    by_identifier.get(d["identifier"], ZERO) + (d["amount"])
                )
    for e in goods_applied(doc):
        if e["identifier"] is not None:
            assert by_identifier.get(e["identifier"], ZERO) == e["amount"], e


@given(SCENARIOS)
def test_no_line_goes_below_zero(scenario: dict[str, Any]) -> None:
    doc = pricing.preview(scenario).document
    for line in doc["lines"]:
        assert line["totalWithDiscount"] >= 0, line
        assert line["productDiscount"] >= 0, line
        assert line["orderDiscount"] >= 0, line
        assert all(d["amount"] >= 0 for d in line["discounts"]), line
    for e in doc["explanation"]:
        assert e["amount"] >= 0, e


# -- limits -------------------------------------------------------------------------


@given(amounts_first(ps.FEATURES - {"cap"}))
def test_no_discount_exceeds_its_max_amount(scenario: dict[str, Any]) -> None:
    doc = pricing.preview(scenario).document
    rules = discount_by_id(scenario)
    for e in applied(doc):
        value = rules[str(e["id"])].get("discountValue") or {}
        if value.get("maxAmount") is not None:
            assert e["amount"] <= dec(value["maxAmount"]), e


@given(amounts_first(ps.FEATURES - {"no_stacking"}), cap_percentages())
def test_stacked_discounts_stay_under_the_cap(scenario: dict[str, Any], cap: int | str) -> None:
    """With stacking on, total discount ≤ floor(totalRaw · maxDiscountValue / 100)."""
    scenario = with_settings(scenario, allowStacking=True, maxDiscountValue=cap)
    doc = pricing.preview(scenario).document
    exponent = EXPONENT[scenario["currency"]]
    unit = Fraction(1, 10**exponent)
    raw = doc["discountConfig"]["totalRaw"]
    limit = (Fraction(raw) * Fraction(dec(cap)) / 100 // unit) * unit
    total_discount = Fraction(raw - doc["totalSumWithDiscount"])
    assert total_discount <= limit
    for e in doc["explanation"]:
        if e["reason"] == "capped_out":
            assert e["capped"]
            assert e["amount"] == 0


@given(SCENARIOS)
def test_without_stacking_at_most_one_discount_applies(scenario: dict[str, Any]) -> None:
    scenario = with_settings(scenario, allowStacking=False)
    doc = pricing.preview(scenario).document
    assert len(applied(doc)) <= 1
    products = doc["discountConfig"]["productDiscounts"]
    orders = doc["discountConfig"]["orderDiscounts"]
    shipping = doc["discountConfig"].get("shippingDiscounts", [])
    assert len(products) + len(orders) + len(shipping) <= 1
    # the cap holds only with stacking on: what is capped here, a budget cut
    rules = discount_by_id(scenario)
    assert not any(
        e["capped"] and not rules[str(e["id"])].get("budget") for e in doc["explanation"]
    )


@given(SCENARIOS)
def test_every_amount_is_a_whole_number_of_minor_units(scenario: dict[str, Any]) -> None:
    result = pricing.preview(scenario)
    exponent = EXPONENT[scenario["currency"]]
    for path, value in all_money(result.document):
        assert isinstance(value, Decimal), path
        assert value.scaleb(exponent) == value.scaleb(exponent).to_integral_value(), (path, value)
    for path, value in computed_money(result.document):
        assert value.as_tuple().exponent == -exponent, (path, value)
    # ... and so in the JSON: no number has more decimals than the currency.
    for number in _numbers(json.loads(result.to_json(), parse_float=str, parse_int=str)):
        if "." in number:
            assert len(number.split(".")[1]) <= max(exponent, 3), number


def _numbers(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.replace(".", "").replace("-", "").isdigit() else []
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


@st.composite
def bonus_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Scenarios where the bonus settings, balance and request are always in play; half
    of them with a shipping discount that takes something off the shipping, so that the
    payable total (goods and shipping, each after its discounts) is not the same as with
    the shipping as entered, and some balances above any payable total, so that the
    payable total (or its percentage) is the limit that binds."""
    scenario = draw(
        st.one_of(
            ps.scenarios(features=ps.FEATURES),
            discounted_shipping(ps.FEATURES - {"no_stacking", "input_variants"}),
        )
    )
    currency = scenario["currency"]
    money = ps.money(currency, max_value=400)
    rarely_none = st.sampled_from([False, False, False, True])
    settings = dict(scenario["settings"])
    settings["maxBonusPaymentPercent"] = None if draw(rarely_none) else draw(ps.percentages())
    for key in ("minBonusAmount", "minOrderAmountForBonus"):
        settings[key] = draw(money) if draw(rarely_none) else None
    scenario["settings"] = settings
    if scenario["customer"] is not None:
        balance = st.one_of(money, st.just("1000000"))
        scenario["customer"]["bonusBalance"] = None if draw(rarely_none) else draw(balance)
    scenario["order"]["bonusAmount"] = None if draw(rarely_none) else draw(money)
    return scenario


@given(bonus_scenarios())
def test_bonus_limits_hold(scenario: dict[str, Any]) -> None:
    doc = pricing.preview(scenario).document
    exponent = EXPONENT[scenario["currency"]]
    settings = scenario["settings"]
    customer = scenario["customer"]
    request = scenario["order"].get("bonusAmount")
    # bonus may pay shipping, after its discounts (docs/taxes.md, docs/shipping-discounts.md)
    payable = doc["totalSumWithDiscount"] + shipping_after_discounts(doc)
    balance = ZERO
    if customer is not None and customer.get("bonusBalance") is not None:
        balance = dec(customer["bonusBalance"])
    applied_bonus = doc["bonusApplied"]

    assert doc["discountConfig"]["bonusApplied"] == applied_bonus
    assert doc["totalDue"] == max(ZERO, doc["totalSumWithDiscount"] - applied_bonus)
    assert ZERO <= applied_bonus <= (ZERO if request is None else dec(request))
    assert applied_bonus <= balance
    assert applied_bonus <= payable
    percent = settings.get("maxBonusPaymentPercent")
    if percent is not None:
        limit = (payable * dec(percent) / 100).scaleb(exponent).to_integral_value("ROUND_FLOOR")
        assert applied_bonus.scaleb(exponent) <= limit
    if settings.get("minOrderAmountForBonus") is not None and payable < dec(
        settings["minOrderAmountForBonus"]
    ):
        assert applied_bonus == 0
    if settings.get("minBonusAmount") is not None and balance < dec(settings["minBonusAmount"]):
        assert applied_bonus == 0
    bonus = doc["discountConfig"]["bonus"]
    if customer is None and request is None:
        assert bonus is None
    else:
        assert bonus is not None
        assert bonus["availableBalance"] == balance
        assert bonus["bonusApplied"] == applied_bonus
        assert applied_bonus == min(
            ZERO if request is None else dec(request), bonus["maxBonusDiscount"]
        )
        assert bonus["maxBonusDiscount"] <= min(balance, payable)
        # ... and it is exactly the least of the three limits on the payable total
        most = min(balance, payable)
        if percent is not None:
            rate = (payable * dec(percent) / 100).scaleb(exponent).to_integral_value("ROUND_FLOOR")
            most = min(most, rate.scaleb(-exponent))
        floor_order, floor_balance = (
            settings.get("minOrderAmountForBonus"),
            settings.get("minBonusAmount"),
        )
        if (floor_order is not None and payable < dec(floor_order)) or (
            floor_balance is not None and balance < dec(floor_balance)
        ):
            most = ZERO
        assert bonus["maxBonusDiscount"] == most
    assert doc["bonusAccrual"] >= 0


# -- shipping discounts, usage limits and budgets ---------------------------------------

EXTENSIONS = amounts_first(ps.FEATURES) | ps.scenarios(
    features={"shipping", "usage", "coupon_codes", "max_amount", "cap", "no_stacking", "gifts"},
    max_discounts=8,
)


@given(EXTENSIONS)
def test_a_shipping_discount_never_exceeds_the_shipping(scenario: dict[str, Any]) -> None:
    """Per shipping line 0 ≤ discount ≤ price; the shipping discounts add up to what the
    lines lost, and tax (when shown) is on what is left."""
    doc = pricing.preview(scenario).document
    lines = doc.get("shipping", [])
    for s in lines:
        assert ZERO <= s["discount"] <= s["price"], s
        assert s["priceWithDiscount"] == s["price"] - s["discount"]
    given_off = sum(
        (e["amount"] for e in applied_entries(doc) if str(e["id"]) in shipping_ids(doc)), ZERO
    )
    assert given_off == sum((s["discount"] for s in lines), ZERO)
    assert given_off <= sum((s["price"] for s in lines), ZERO)
    if lines and "taxes" in doc:
        assert doc["taxes"]["shipping"] == shipping_after_discounts(doc)  # no tax rates drawn


@given(
    taxed(
        discounted_shipping(
            frozenset({"shipping", "max_amount", "conditions", "exclusions", "gifts", "usage"})
        )
    )
)
def test_every_line_is_taxed_on_what_it_costs_after_its_discounts(
    scenario: dict[str, Any],
) -> None:
    """docs/taxes.md: each goods line is taxed on its ``totalWithDiscount``, each shipping
    line on its ``priceWithDiscount`` (after the shipping discounts, which take something
    off it in nearly every example here), each surcharge on its amount, each on its own
    and rounded half up; ``taxes`` adds them up (the totals never below 0), a summary row
    adds up one rate's, and ``displayPrice`` shows the two totals in minor units."""
    doc = pricing.preview(scenario).document
    exponent = EXPONENT[scenario["currency"]]
    inclusive = scenario["settings"]["pricesIncludeTax"]
    rates = {str(r["id"]): dec(r["rate"]) for r in scenario["taxRates"]}

    def key(rid: Any) -> str | None:
        return None if rid is None else str(rid)

    product_rate = {str(p["id"]): key(p["taxRateId"]) for p in scenario["catalog"]}
    order = scenario["order"]
    shipping = doc["shipping"]
    assert [canon(s["id"]) for s in shipping] == [canon(s["id"]) for s in order["shippingLines"]]
    taxable = {  # part → [(rate id or None, the amount taxed)]
        "goods": [
            (product_rate[str(line["productId"])], line["totalWithDiscount"])
            for line in doc["lines"]
            if not line["isGift"]
        ],
        "shipping": [
            (key(given["taxRateId"]), s["priceWithDiscount"])
            for given, s in zip(order["shippingLines"], shipping, strict=True)
        ],
        "surcharges": [
            (key(s["taxRateId"]), dec(s["amount"])) for s in order.get("surcharges", [])
        ],
    }
    split = {
        part: [
            (rid, *tax_split(amount, None if rid is None else rates[rid], inclusive, exponent))
            for rid, amount in items
        ]
        for part, items in taxable.items()
    }
    net = {part: sum((n for _, n, _ in items), ZERO) for part, items in split.items()}
    tax = {part: sum((x for _, _, x in items), ZERO) for part, items in split.items()}
    taxes = doc["taxes"]
    assert (taxes["shipping"], taxes["shippingWithTax"]) == (
        net["shipping"],
        net["shipping"] + tax["shipping"],
    )
    assert (taxes["subTotal"], taxes["subTotalWithTax"]) == (
        net["goods"],
        net["goods"] + tax["goods"],
    )
    assert taxes["surcharges"] == net["surcharges"]
    all_net, all_tax = sum(net.values(), ZERO), sum(tax.values(), ZERO)
    assert taxes["total"] == max(ZERO, all_net)
    assert taxes["totalWithTax"] == max(
        ZERO, max(ZERO, all_net) + all_tax
    )  # (the total clamped first)
    display = doc["displayPrice"]
    assert display["withTax"]["amount"] == taxes["totalWithTax"].scaleb(exponent)
    assert display["withoutTax"]["amount"] == taxes["total"].scaleb(exponent)
    rows = {str(r["taxRateId"]): r for r in taxes["taxSummary"]}
    listed = [str(r["taxRateId"]) for r in taxes["taxSummary"]]
    assert listed == [rid for rid in rates if rid in rows]  # in taxRates order, once each
    used = {rid for items in split.values() for rid, _, _ in items if rid is not None}
    assert used <= set(rows)
    for rid, row in rows.items():
        assert dec(row["rate"]) == rates[rid]
        mine = [(n, x) for items in split.values() for r, n, x in items if r == rid]
        assert row["base"] == sum((n for n, _ in mine), ZERO), rid
        assert row["tax"] == sum((x for _, x in mine), ZERO), rid


@given(EXTENSIONS)
def test_the_usage_output_adds_up_to_the_applied_discounts(scenario: dict[str, Any]) -> None:
    """Σ ``usage[].spent`` = Σ applied amounts (goods and shipping); one entry per
    discount, each with one use, in priority order."""
    doc = pricing.preview(scenario).document
    if "usage" not in doc:
        return
    usage = doc["usage"]
    assert sum((u["spent"] for u in usage), ZERO) == sum(
        (e["amount"] for e in applied_entries(doc)), ZERO
    )
    order = [str(e["id"]) for e in doc["explanation"]]
    listed = [str(u["discountId"]) for u in usage]
    assert listed == sorted(set(listed), key=order.index)
    assert all(u["uses"] == 1 for u in usage)
    spent = {str(e["id"]): e["amount"] for e in applied_entries(doc) if e["amount"] > 0}
    assert spent == {str(u["discountId"]): u["spent"] for u in usage if u["spent"] > 0}


@given(EXTENSIONS)
def test_a_discount_never_exceeds_its_remaining_budget(scenario: dict[str, Any]) -> None:
    """No discount (nor a BONUS program's accrual) gives away more than
    ``budget.amount − spent``; one whose budget is spent out never applies."""
    doc = pricing.preview(scenario).document
    for e in doc["explanation"]:
        left = budget_left(scenario, e["id"])
        if left is None:
            continue
        assert e["amount"] <= max(left, ZERO), e
        if left <= 0:
            assert e["status"] == "not_applied"
    programs = [d for d in scenario["discounts"] if d.get("type") == "BONUS"]
    lefts = [budget_left(scenario, d["id"]) for d in programs]
    if programs and all(left is not None for left in lefts):  # every program has a budget
        assert doc["bonusAccrual"] <= sum((max(left or ZERO, ZERO) for left in lefts), ZERO)


@given(
    ps.scenarios(features={"shipping", "max_amount", "conditions", "usage"}, max_discounts=6),
    st.integers(0, 30),
)
def test_the_cap_never_reduces_a_shipping_discount(scenario: dict[str, Any], cap: int) -> None:
    """maxDiscountValue limits the discounts on goods: with a cap or without one, the
    shipping lines and the shipping discounts come out the same."""
    without = pricing.preview(with_settings(scenario, allowStacking=True, maxDiscountValue=None))
    capped = pricing.preview(with_settings(scenario, allowStacking=True, maxDiscountValue=cap))
    assert without.document.get("shipping") == capped.document.get("shipping")
    assert without.shipping_discount == capped.shipping_discount
    shipping = {
        d["id"]
        for d in scenario["discounts"]
        if (d.get("discountValue") or {}).get("applicability") == "TO_SHIPPING"
    }
    assert [e for e in without.explanation if e.id in shipping] == [
        e for e in capped.explanation if e.id in shipping
    ]


@given(
    ps.scenarios(features={"max_amount", "conditions", "exclusions"}, max_discounts=4),
    st.data(),
)
def test_a_budget_cuts_a_discount_to_what_it_has_left(scenario: dict[str, Any], data: Any) -> None:
    """Without a budget a discount takes A (maxAmount included). Give it a budget with
    L > 0 left: it takes min(A, L), and is capped exactly when L < A — the budget is
    below what maxAmount already allowed. (Stacking on, no cap: nothing else moves.)"""
    taken = {e.id: e.amount for e in pricing.preview(scenario).explanation if e.amount > 0}
    if not taken:
        return
    did = data.draw(st.sampled_from(sorted(taken)), label="discount")
    amount = taken[did]
    unit = Decimal(1).scaleb(-EXPONENT[scenario["currency"]])
    left = data.draw(
        st.sampled_from([v for v in (amount - unit, amount, amount + unit, amount * 2) if v > 0]),
        label="left",
    )
    spent = data.draw(st.sampled_from([Decimal(0), unit, Decimal(100)]), label="spent")
    rule = next(d for d in scenario["discounts"] if d["id"] == did)
    rule["budget"] = {"amount": str(left + spent)}
    scenario["usage"] = {str(did): {"spent": str(spent)}}
    (e,) = [e for e in pricing.preview(scenario).explanation if e.id == did]
    assert (e.amount, e.capped) == (min(amount, left), left < amount)


def _codes_of(scenario: dict[str, Any]) -> list[str]:
    """Every coupon code of the scenario's discounts, once each (normalised)."""
    codes: dict[str, str] = {}
    for d in scenario["discounts"]:
        for c in d.get("coupons") or ():
            code = c if isinstance(c, str) else c["code"]
            codes.setdefault(code.strip().casefold(), code)
    return list(codes.values())


def _reasons(scenario: dict[str, Any], codes: list[str]) -> dict[Any, Any] | None:
    """Each discount's (status, reason) when ``codes`` are presented (None: a code is
    refused)."""
    order = {**scenario["order"], "couponCode": None, "couponCodes": codes}
    try:
        result = pricing.preview({**scenario, "order": order})
    except pricing.CouponError:
        return None
    return {e.id: (e.status, e.reason) for e in result.explanation}


@given(ps.scenarios(features={"coupons", "coupon_codes", "max_amount"}, max_discounts=8))
def test_several_codes_open_what_each_opens_alone(scenario: dict[str, Any]) -> None:
    """Gate 5 passes when any presented code is the discount's: with several codes,
    each discount fares as it does with a code of its own alone (coupon_required
    when none of them is its own). Stacking is on and nothing is capped here, so no
    discount's reason depends on another's."""
    alone = {code: _reasons(scenario, [code]) for code in _codes_of(scenario)}
    usable = {code: reasons for code, reasons in alone.items() if reasons is not None}
    if len(usable) < 2:
        return
    together = _reasons(scenario, list(usable))
    assert together is not None
    stopped = ("not_applied", "coupon_required")
    for did, outcome in together.items():
        opened = [r[did] for r in usable.values() if r[did] != stopped]
        assert outcome == (opened[0] if opened else stopped), did


@given(ps.scenarios(features=ps.FEATURES - {"input_variants"}), st.data())
def test_a_code_presented_twice_is_refused_naming_it(scenario: dict[str, Any], data: Any) -> None:
    """The presented codes (couponCode first, then couponCodes) must be distinct once
    trimmed and case-folded: a repeat, in any case and spacing, is bad input naming
    its place in couponCodes, before any code is looked up."""
    order = scenario["order"]
    codes = [
        c for c in [order.get("couponCode"), *(order.get("couponCodes") or [])] if c and c.strip()
    ]
    code = data.draw(st.sampled_from(codes or ["SAVE10"]), label="code")
    again = data.draw(st.sampled_from([code, code.lower(), f" {code.upper()}  "]), label="again")
    if not codes:
        order["couponCode"] = code
    listed = order.get("couponCodes") or []
    order["couponCodes"] = [*listed, again]
    with pytest.raises(pricing.ScenarioError) as raised:
        pricing.preview(scenario)
    assert raised.value.path == f"order.couponCodes[{len(listed)}]"


@given(discounted_shipping(frozenset({"shipping", "max_amount", "conditions", "gifts"})))
def test_bonus_may_pay_the_shipping_left_after_its_discounts(scenario: dict[str, Any]) -> None:
    """With no bonus limits and a balance and request above everything, the points pay
    exactly the goods after their discounts plus the shipping after its discounts (a
    shipping discount takes something off the shipping in nearly every example)."""
    scenario = with_settings(
        scenario, maxBonusPaymentPercent=None, minBonusAmount=None, minOrderAmountForBonus=None
    )
    scenario["customer"] = {"id": 1, "bonusBalance": "1000000"}
    scenario["order"]["bonusAmount"] = "1000000"
    doc = pricing.preview(scenario).document
    assert doc["bonusApplied"] == doc["totalSumWithDiscount"] + shipping_after_discounts(doc)
    assert doc["totalDue"] == ZERO


# -- input independence and output stability ------------------------------------------


@given(SCENARIOS, st.randoms(use_true_random=False))
def test_permuting_discounts_and_catalog_changes_nothing(
    scenario: dict[str, Any], random: Any
) -> None:
    before = pricing.preview(scenario).to_json()
    shuffled = copy.deepcopy(scenario)
    for key in ("discounts", "catalog", "categories"):
        random.shuffle(shuffled[key])
    assert pricing.preview(shuffled).to_json() == before


@given(SCENARIOS)
def test_the_input_is_not_mutated(scenario: dict[str, Any]) -> None:
    pristine = copy.deepcopy(scenario)
    result = pricing.preview(scenario)
    assert canon(scenario) == canon(pristine)
    # Nor does the result share anything with the input: wrecking the result's
    # document (and its dict copy) leaves the input as it was.
    mutate_everything(result.to_dict())
    mutate_everything(result.document)
    assert canon(scenario) == canon(pristine)


# Found by this property: the echoed discount objects in a result's document were
# the compiled rule set's own, so editing one result changed every later preview.
@example(
    {
        "at": "2024-01-01T00:00:00Z",
        "currency": "USD",
        "catalog": [{"id": 1, "price": "0.00"}],
        "customer": None,
        "discounts": [
            {
                "id": 1,
                "identifier": "d1",
                "localizeInfos": {"title": "Discount 1"},
                "discountValue": {"value": 0, "discountType": "PERCENTAGE"},
            }
        ],
        "categories": [],
        "settings": {},
        "order": {"products": [{"productId": 1, "quantity": 1}]},
    }
)
@given(SCENARIOS)
def test_a_compiled_engine_does_not_carry_state_between_previews(scenario: dict[str, Any]) -> None:
    """Previews from one Engine are independent: editing one result leaks into no other."""
    engine = pricing.Engine(
        currency=scenario["currency"],
        catalog=scenario["catalog"],
        discounts=scenario["discounts"],
        settings=scenario["settings"],
        categories=scenario["categories"],
    )
    at = datetime.fromisoformat(scenario["at"])
    usage = scenario.get("usage")
    first = engine.preview(scenario["order"], at=at, customer=scenario["customer"], usage=usage)
    expected = pricing.preview(scenario).to_json()
    assert first.to_json() == expected
    mutate_everything(first.to_dict())
    mutate_everything(first.document)
    again = engine.preview(scenario["order"], at=at, customer=scenario["customer"], usage=usage)
    assert again.to_json() == expected


@given(SCENARIOS)
def test_the_same_input_gives_byte_identical_json(scenario: dict[str, Any]) -> None:
    first = pricing.preview(scenario).to_json()
    assert pricing.preview(scenario).to_json() == first
    assert pricing.preview(copy.deepcopy(scenario)).to_json() == first
    # The CLI's path: JSON text in (numbers parsed exactly), JSON text out.
    assert pricing.preview_json(json.dumps(scenario)) == first


@given(SCENARIOS)
def test_json_output_parses_back_to_an_equal_result(scenario: dict[str, Any]) -> None:
    result = pricing.preview(scenario)
    text = result.to_json()
    parsed = pricing.loads_json(text)
    assert canon(parsed) == canon(dict(result.document))
    assert pricing.dumps_json(parsed, indent=2) == text
    assert canon(pricing.loads_json(result.to_json(indent=None))) == canon(parsed)


@given(SCENARIOS)
def test_the_typed_views_say_what_the_document_says(scenario: dict[str, Any]) -> None:
    """``result.lines``/``explanation``/totals and the document are written separately
    (the document needs no value objects); they must agree field for field."""
    result = pricing.preview(scenario)
    doc = result.document
    lines = [
        {
            "productId": r.product_id,
            "quantity": r.quantity,
            "isGift": r.is_gift,
            "unitPrice": r.unit_price,
            "total": r.total,
            "productDiscount": r.product_discount,
            "orderDiscount": r.order_discount,
            "totalWithDiscount": r.total_with_discount,
            "discounts": [{"identifier": d.identifier, "amount": d.amount} for d in r.discounts],
            **({"priceLocked": True} if r.price_locked else {}),
        }
        for r in result.lines
    ]
    assert lines == doc["lines"]
    explanation = [
        {
            "id": e.id,
            "identifier": e.identifier,
            "status": e.status,
            "reason": e.reason,
            "amount": e.amount,
            "capped": e.capped,
            **({"tier": e.tier} if e.tier is not None else {}),
            **({"sets": e.sets} if e.sets is not None else {}),
        }
        for e in result.explanation
    ]
    assert explanation == doc["explanation"]
    assert (result.total_raw, result.total_sum_with_discount) == (
        doc["discountConfig"]["totalRaw"],
        doc["totalSumWithDiscount"],
    )
    assert (result.bonus_applied, result.total_due, result.bonus_accrual) == (
        doc["bonusApplied"],
        doc["totalDue"],
        doc["bonusAccrual"],
    )
    # applied_ids is in application order (TO_PRODUCT first), the explanation in priority order
    assert sorted(map(str, result.applied_ids)) == sorted(str(e["id"]) for e in applied(doc))


# -- quantity promotions (docs/quantity-promotions.md) -------------------------------

QUANTITY = ps.scenarios(
    features={"quantity", "conditions", "exclusions", "gifts", "max_amount", "cap", "no_stacking"},
    applicabilities={"TO_PRODUCT"},
    max_lines=6,
    max_quantity=12,
)


def _value_of(discount: dict[str, Any]) -> dict[str, Any]:
    return discount.get("discountValue") or {}


def _turns(doc: Any) -> dict[str, list[tuple[int, Fraction, int, Fraction]]]:
    """Per discount identifier, each line it targeted: (line, the line's amount when the
    discount's turn came, its quantity, the discount's share). ``lines[].discounts``
    lists the discounts in the order they applied."""
    turns: dict[str, list[tuple[int, Fraction, int, Fraction]]] = {}
    for pos, line in enumerate(doc["lines"]):
        if line["isGift"]:
            continue
        current = Fraction(line["total"])
        for d in line["discounts"]:
            share = Fraction(d["amount"])
            turns.setdefault(d["identifier"], []).append((pos, current, line["quantity"], share))
            current -= share
    return turns


def _unit_counting(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """The buy-get discounts without ``buyConditions`` and the ``maxQuantity`` ones over the
    order, made PERCENTAGE 100 without ``maxAmount``, and the cap removed: a share is then
    the whole base of the units chosen (which only the choice decides)."""
    chosen = []
    for d in scenario["discounts"]:
        value = _value_of(d)
        over_order = value.get("maxQuantity") is not None and value.get("quantityScope") == "ORDER"
        plain_buy_get = value.get("buyGet") and not value["buyGet"].get("buyConditions")
        if over_order or plain_buy_get:
            value.update(discountType="PERCENTAGE", value=100, maxAmount=None)
            chosen.append(d)
    scenario["settings"].pop("maxDiscountValue", None)
    return chosen


@given(st.one_of(QUANTITY, unit_counting()))
def test_the_units_discounted_are_the_cheapest_ones(scenario: dict[str, Any]) -> None:
    """A unit is discounted only when every cheaper unit it competes with is (the most
    expensive ones first under MOST_EXPENSIVE_FIRST), ties to the earlier line: a line with
    a share means each line ranked before it was taken whole."""
    chosen = _unit_counting(scenario)
    turns = _turns(pricing.preview(scenario).document)
    for d in chosen:
        first = -1 if _value_of(d).get("unitOrder") == "MOST_EXPENSIVE_FIRST" else 1
        lines = turns.get(d["identifier"], [])
        for a_pos, a_now, a_q, a_share in lines:
            for b_pos, b_now, b_q, b_share in lines:
                a_unit, b_unit = first * a_now / a_q, first * b_now / b_q
                if b_share > 0 and (a_unit < b_unit or (a_unit == b_unit and a_pos < b_pos)):
                    assert a_share == a_now, (d["identifier"], a_pos, b_pos)


@given(st.one_of(QUANTITY, unit_counting()))
def test_a_buy_get_discounts_at_most_k_times_y_units(scenario: dict[str, Any]) -> None:
    """Made FIXED_AMOUNT of one minor unit, a buy-get takes at most one minor unit off each
    unit it discounts (less where a unit is worth less): at most k·Y in all."""
    minor = Decimal(1).scaleb(-EXPONENT[scenario["currency"]])
    gets = {}
    for d in scenario["discounts"]:
        value = _value_of(d)
        if value.get("buyGet"):
            value.update(discountType="FIXED_AMOUNT", value=str(minor), maxAmount=None)
            gets[str(d["id"])] = value["buyGet"]["getQuantity"]
    for e in applied(pricing.preview(scenario).document):
        if str(e["id"]) in gets:
            assert e["amount"] <= minor * e["sets"] * gets[str(e["id"])], e


@given(st.one_of(QUANTITY, unit_counting()))
def test_d_unit_bases_never_exceed_the_line(scenario: dict[str, Any]) -> None:
    """Made PERCENTAGE 100, a discount on some units of a line takes their base
    round(n·d/q), never more than the line's amount n when its turn comes."""
    chosen = _unit_counting(scenario)
    for d in scenario["discounts"]:
        value = _value_of(d)
        if value.get("maxQuantity") is not None and d not in chosen:
            value.update(discountType="PERCENTAGE", value=100, maxAmount=None)
            chosen.append(d)
    turns = _turns(pricing.preview(scenario).document)
    for d in chosen:
        for _, now, _, share in turns.get(d["identifier"], []):
            assert 0 <= share <= now


@given(QUANTITY, st.data())
def test_the_tier_used_never_falls_as_the_cart_grows(scenario: dict[str, Any], data: Any) -> None:
    """One more unit on a line: every measure grows (conditions count up too), so a tiered
    discount reaches the same tier or a later one."""
    tiered = [d for d in scenario["discounts"] if _value_of(d).get("tiers")]
    if not tiered or not scenario["order"]["products"]:
        return
    scenario = with_settings(scenario, allowStacking=True, maxDiscountValue=None)
    before = {e["id"]: e for e in pricing.preview(scenario).document["explanation"]}
    line = data.draw(st.sampled_from(scenario["order"]["products"]), label="line")
    line["quantity"] += data.draw(st.integers(1, 3), label="more")
    after = {e["id"]: e for e in pricing.preview(scenario).document["explanation"]}
    for d in tiered:
        was, now = before[d["id"]], after[d["id"]]
        if was["reason"] == "tier_not_reached":
            assert now["reason"] in ("tier_not_reached", None), now
        elif was["status"] == "applied":
            assert now["status"] == "applied", (was, now)
            assert now["tier"] >= was["tier"], (was, now)
