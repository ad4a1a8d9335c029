"""Worked examples of whole previews: the OneEntry example, value types, line shares, purity."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

import pricing

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "oneentry.json"
SAMPLE = ROOT / "tests" / "data" / "oneentry-createOrder-response.json"
"""OneEntry's published createOrder response (from its public SDK documentation)."""


def _example() -> dict:
    return pricing.loads_json(EXAMPLE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------
# the OneEntry documentation example


def test_oneentry_example_totals():
    """2 × 150 with a fixed 15 off the order, stacking on, cap 50 %."""
    result = pricing.preview(_example())
    # totalRaw = 150 × 2 = 300; FIXED_AMOUNT TO_ORDER: min(15, 300) = 15;
    # cap = floor(300 × 50 / 100) = 150 ≥ 15, so nothing is capped; 300 − 15 = 285.
    # No bonus requested, bonusBalance null (0) → bonusApplied 0, totalDue 285.
    assert result.total_raw == D("300")
    assert result.total_sum_with_discount == D("285")
    assert result.bonus_applied == D("0")
    assert result.total_due == D("285")
    doc = result.document
    # totalSum is the sum after discounts, before bonus (285, as the platform sample).
    assert doc["totalSum"] == D("285")
    assert doc["discountConfig"]["totalRaw"] == D("300")
    assert doc["discountConfig"]["totalSumWithDiscount"] == D("285")
    assert doc["discountConfig"]["totalDue"] == D("285")
    assert len(doc["discountConfig"]["orderDiscounts"]) == 1
    assert doc["discountConfig"]["productDiscounts"] == []
    assert doc["discountConfig"]["orderDiscounts"][0]["identifier"] == "personal_discount"
    # The one line carries the whole 15 as an order share.
    (line,) = result.lines
    assert (line.total, line.product_discount, line.order_discount) == (D(300), D(0), D(15))
    assert line.total_with_discount == D("285")
    assert [(d.identifier, d.amount) for d in line.discounts] == [("personal_discount", D(15))]
    (rule,) = result.explanation
    assert (rule.status, rule.reason, rule.amount, rule.capped) == ("applied", None, D(15), False)


def test_oneentry_example_discount_config_matches_platform_sample():
    """Our discountConfig is the platform's createOrder discountConfig, field for field."""
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    ours = json.loads(pricing.preview(_example()).to_json())
    # Same field names at every level the sample shows …
    assert list(ours["discountConfig"]) == list(sample["discountConfig"])
    assert set(ours["discountConfig"]["settings"]) == set(sample["discountConfig"]["settings"])
    assert set(ours["discountConfig"]["bonus"]) == set(sample["discountConfig"]["bonus"])
    assert set(ours["discountConfig"]["orderDiscounts"][0]) == set(
        sample["discountConfig"]["orderDiscounts"][0]
    )
    # … and the same values (the discount echoed as given plus "coupon": null).
    assert ours["discountConfig"] == sample["discountConfig"]
    # totalSum: after discounts, before bonus, as the sample has it.
    assert ours["totalSum"] == sample["totalSum"] == 285
    assert (ours["bonusApplied"], ours["totalDue"], ours["currency"]) == (0, 285, "USD")


def test_engine_api_gives_the_same_document_as_preview():
    """Compiling once with Engine and previewing the cart gives the scenario's result."""
    s = _example()
    engine = pricing.Engine(
        currency=s["currency"],
        catalog=s["catalog"],
        discounts=s["discounts"],
        settings=s["settings"],
        categories=s["categories"],
        storage_marker=s["storageMarker"],
    )
    at = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    first = engine.preview(s["order"], customer=s["customer"], at=at)
    second = engine.preview(s["order"], customer=s["customer"], at=at)
    assert first.to_json() == pricing.preview(s).to_json()
    assert second.to_json() == first.to_json()


def test_engine_preview_takes_usage_as_the_scenario_gives_it():
    """``Engine.preview(..., usage=...)`` and ``pricing.preview`` of a scenario with the
    same ``usage`` agree; here the discount's usage limit of 3 is reached."""
    s = _example()
    s["discounts"][0]["usageLimit"] = 3
    s["usage"] = {str(s["discounts"][0]["id"]): {"uses": 3}}
    engine = pricing.Engine.from_rule_set(pricing.Scenario.model_validate(s))
    at = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    result = engine.preview(s["order"], customer=s["customer"], at=at, usage=s["usage"])
    assert result.to_json() == pricing.preview(s).to_json()
    assert result.explanation[0].reason == "usage_limit_reached"


def test_personal_discount_in_example_refuses_a_guest():
    """The same cart for a guest: PERSONAL_DISCOUNT fails gate 4 with ``guest``."""
    s = _example()
    s["customer"] = None
    result = pricing.preview(s)
    # No discount: 300 stays 300.
    assert result.total_sum_with_discount == D("300")
    assert result.document["discountConfig"]["orderDiscounts"] == []
    assert result.explanation[0].reason == "guest"
    # A guest without a bonus request has bonus null (docs/bonus.md).
    assert result.document["discountConfig"]["bonus"] is None


# ---------------------------------------------------------------------------
# every value type × applicability
#
# Cart for all of them: product 1 at 40.00 × 2 (line 80.00), product 2 at 25.00 × 1
# (line 25.00); totalRaw = 105.00.

CATALOG = [
    {"id": 1, "title": "A", "price": "40.00"},
    {"id": 2, "title": "B", "price": "25.00"},
]
LINES = ((1, 2), (2, 1))

VALUE_CASES = [
    # (type, value, applicability, [share line 1, share line 2], working)
    # TO_PRODUCT, each line on its own:
    ("PERCENTAGE", 10, "TO_PRODUCT", ["8.00", "2.50"]),  # round(80×.1)=8, round(25×.1)=2.5
    ("PERCENT", 10, "TO_PRODUCT", ["8.00", "2.50"]),  # alias of PERCENTAGE
    ("FIXED_AMOUNT", 5, "TO_PRODUCT", ["10.00", "5.00"]),  # min(5×2, 80)=10, min(5×1, 25)=5
    ("FIXED_AMOUNT", 30, "TO_PRODUCT", ["60.00", "25.00"]),  # min(60, 80)=60, min(30, 25)=25
    ("FIXED_PRICE", 30, "TO_PRODUCT", ["20.00", "0.00"]),  # max(0, 80−60)=20, max(0, 25−30)=0
    ("NONE", 0, "TO_PRODUCT", ["0.00", "0.00"]),
    # TO_ORDER on the base B = 105, shared 80 : 25 (= 16 : 5):
    ("PERCENTAGE", 10, "TO_ORDER", ["8.00", "2.50"]),  # round(10.5)=10.50 → 8.00 + 2.50
    ("PERCENT", 10, "TO_ORDER", ["8.00", "2.50"]),
    ("FIXED_AMOUNT", 21, "TO_ORDER", ["16.00", "5.00"]),  # min(21, 105)=21 → 16 + 5
    ("FIXED_AMOUNT", 200, "TO_ORDER", ["80.00", "25.00"]),  # min(200, 105)=105: all of it
    ("FIXED_PRICE", 84, "TO_ORDER", ["16.00", "5.00"]),  # max(0, 105−84)=21 → 16 + 5
    ("FIXED_PRICE", 200, "TO_ORDER", ["0.00", "0.00"]),  # max(0, 105−200)=0
    ("NONE", 0, "TO_ORDER", ["0.00", "0.00"]),
]


@pytest.mark.parametrize(("kind", "value", "applicability", "expected"), VALUE_CASES)
def test_value_type_and_applicability(sb, kind, value, applicability, expected):
    """Each discountType on each applicability, worked by hand (docs/stacking-and-cap.md table)."""
    scn = sb.scenario(
        LINES, catalog=CATALOG, discounts=[sb.discount(1, kind, value, applicability)]
    )
    result = sb.run(scn)
    want = [D(x) for x in expected]
    assert sb.shares(result, "d1") == want
    total = sum(want)
    assert result.total_raw == D("105.00")
    assert result.total_sum_with_discount == D("105.00") - total
    assert result.explanation[0].status == "applied"
    assert result.explanation[0].amount == total
    config = result.document["discountConfig"]
    listed = (
        config["productDiscounts"] if applicability == "TO_PRODUCT" else config["orderDiscounts"]
    )
    other = (
        config["orderDiscounts"] if applicability == "TO_PRODUCT" else config["productDiscounts"]
    )
    assert [d["id"] for d in listed] == [1]
    assert other == []
    if applicability == "TO_PRODUCT":
        assert [line.product_discount for line in result.lines] == want
        assert [line.order_discount for line in result.lines] == [D(0), D(0)]
    else:
        assert [line.order_discount for line in result.lines] == want
        assert [line.product_discount for line in result.lines] == [D(0), D(0)]


def test_max_amount_caps_to_order(sb):
    """A capped TO_ORDER discount: the capped total shared by current line amounts."""
    # 50 % of 105 = 52.50 > maxAmount 20 → 20.00 = 2000 cents, shared 80 : 25:
    # 2000×80/105 = 1523.81 → 1523; 2000×25/105 = 476.19 → 476; 1 cent left →
    # larger remainder (.81, line 1) → 15.24, 4.76.
    d = sb.discount(1, "PERCENTAGE", 50, "TO_ORDER", max_amount=20)
    result = sb.run(sb.scenario(LINES, catalog=CATALOG, discounts=[d]))
    assert sb.shares(result, "d1") == [D("15.24"), D("4.76")]
    assert result.total_sum_with_discount == D("85.00")


def test_max_amount_not_reached_leaves_the_amount(sb):
    """``maxAmount`` above the computed amount changes nothing."""
    # 10 % of 105 = 10.50 < 11 → 10.50.
    d = sb.discount(1, "PERCENTAGE", 10, "TO_ORDER", max_amount=11)
    result = sb.run(sb.scenario(LINES, catalog=CATALOG, discounts=[d]))
    assert result.total_sum_with_discount == D("94.50")


# ---------------------------------------------------------------------------
# line shares


def test_lines_are_not_merged_and_keep_request_order(sb):
    """The same product twice gives two lines, in request order (docs/scenario.md)."""
    catalog = [{"id": 1, "price": "10.00"}, {"id": 2, "price": "5.00"}]
    result = sb.run(sb.scenario([(2, 1), (1, 1), (2, 3)], catalog=catalog))
    assert [(line.product_id, line.quantity) for line in result.lines] == [(2, 1), (1, 1), (2, 3)]
    # 5 + 10 + 15 = 30
    assert result.total_raw == D("30.00")
    assert [r["productId"] for r in result.document["orderPreview"]] == [2, 1, 2]


# ---------------------------------------------------------------------------
# purity


def test_input_is_not_mutated_and_output_is_byte_identical(sb):
    """The scenario dict is left as it was; two runs give byte-identical JSON."""
    catalog = [{"id": 1, "price": "30.00", "categoryIds": [10]}, {"id": 2, "price": "20.00"}]
    scn = sb.scenario(
        [(1, 2), (2, 1)],
        catalog=catalog,
        categories=[{"id": 10, "parentId": None}],
        discounts=[
            sb.discount(1, "PERCENTAGE", "12.5", "TO_PRODUCT", coupons=["SAVE"]),
            sb.discount(2, "FIXED_AMOUNT", 3, None, localizeInfos={"title": "x"}),
        ],
        settings={"maxDiscountValue": 10},
        coupon=" save ",
        markers=["nothing"],
    )
    before = copy.deepcopy(scn)
    first = pricing.preview(scn)
    assert scn == before
    second = pricing.preview(scn)
    assert scn == before
    assert first.to_json().encode() == second.to_json().encode()
    # The coupon matched ("save" trimmed, any case), so the run exercised the echo path.
    assert first.document["discountConfig"]["coupon"]["code"] == "SAVE"


def test_preview_json_matches_preview_to_json():
    """JSON in, JSON out gives exactly ``preview(...).to_json()``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert pricing.preview_json(text) == pricing.preview(pricing.loads_json(text)).to_json()


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.json")), ids=lambda p: p.stem)
def test_engine_preview_json_is_the_backend_path(path):
    """Order (and customer) text in, the document's compact text out: the same bytes as
    the result's document written by the C encoder, and ``indent`` as ``to_json``'s."""
    scenario = pricing.loads_json(path.read_text(encoding="utf-8"))
    engine = pricing.Engine.from_rule_set(pricing.Scenario.model_validate(scenario))
    at = datetime.fromisoformat(scenario["at"].replace("Z", "+00:00"))
    order, customer, usage = scenario["order"], scenario.get("customer"), scenario.get("usage")
    result = engine.preview(order, customer=customer, at=at, usage=usage)
    order_text = pricing.dumps_json(order)
    customer_text = None if customer is None else pricing.dumps_json(customer)
    written = engine.preview_json(order_text, customer_text, at=at, usage=usage)
    assert written == pricing.dumps_json(result.document)
    assert engine.preview_json(order_text.encode(), customer_text, at=at, usage=usage) == written
    indented = engine.preview_json(order_text, customer_text, at=at, usage=usage, indent=2)
    assert indented == result.to_json()


def test_engine_preview_json_guest_and_bad_text():
    """``None`` and the text ``null`` are a guest; bad text names the field."""
    scenario = _example()
    engine = pricing.Engine.from_rule_set(pricing.Scenario.model_validate(scenario))
    at = datetime(2026, 1, 1, tzinfo=UTC)
    order = pricing.dumps_json(scenario["order"])
    guest = engine.preview_json(order, at=at)
    assert engine.preview_json(order, "null", at=at) == guest
    assert guest == engine.preview(scenario["order"], at=at).to_json(indent=None)
    with pytest.raises(pricing.ScenarioError) as caught:
        engine.preview_json('{"products":[{"productId":1,"quantity":0}]}', at=at)
    assert caught.value.path == "order.products[0].quantity"
    with pytest.raises(pricing.ScenarioError, match="malformed JSON"):
        engine.preview_json('{"products":[', at=at)
    # A key given twice, in an order of many lines (whose keys are counted) or in the
    # customer, is refused, naming it.
    lines = ",".join('{"productId":1,"quantity":1}' for _ in range(9))
    twice = '{"productId":1,"quantity":1,"quantity":2}'
    with pytest.raises(pricing.ScenarioError, match="appears twice") as caught:
        engine.preview_json(f'{{"products":[{lines},{twice}]}}', at=at)
    assert caught.value.path == "order.products[9].quantity"
    with pytest.raises(pricing.ScenarioError, match="appears twice") as caught:
        engine.preview_json(order, '{"id":1,"id":2}', at=at)
    assert caught.value.path == "customer.id"


# ---------------------------------------------------------------------------
# the quantity examples (docs/quantity-promotions.md)


def _load(name: str) -> dict:
    return pricing.loads_json((ROOT / "examples" / name).read_text(encoding="utf-8"))


def test_three_for_two_example():
    """Three teas for the price of two: 6 tea units make 2 sets, the 2 cheapest are free."""
    result = pricing.preview(_load("three-for-two.json"))
    # Teas: Earl Grey 8.50 × 2, Sencha 12.00 × 3, Rooibos 6.90 × 1 = 6 units, each both
    # bought and got (O); the teapot (39.00) is neither.
    # k = min(⌊6/2⌋ = 3, ⌊6/1⌋ = 6, ⌊6/3⌋ = 2) = 2 → 2 free units, at most 6 − 2 × 2 = 2
    # from O. Cheapest first: Rooibos 6.90, then one Earl Grey 8.50
    # (b = round(17.00 × 1/2) = 8.50). 15.40 off 98.90 = 83.50.
    assert [line.product_discount for line in result.lines] == [
        D("8.50"),
        D("0.00"),
        D("6.90"),
        D("0.00"),
    ]
    (e,) = result.explanation
    assert (e.status, e.amount, e.sets, e.tier) == ("applied", D("15.40"), 2, None)
    assert result.total_raw == D("98.90")
    assert result.total_sum_with_discount == D("83.50")
    assert json.loads(result.to_json())["explanation"][0]["sets"] == 2


def test_tiered_example():
    """Socks: 10 % off 3 pairs or more, 15 % off 5 or more; 5 pairs reach 15 %."""
    result = pricing.preview(_load("tiered.json"))
    # Socks: 3 × 6.00 + 2 × 7.50 = 5 pairs → tier 1 (15 %): 2.70 + 2.25 = 4.95.
    # The beanie (20.00) is not targeted. 53.00 − 4.95 = 48.05.
    assert [line.product_discount for line in result.lines] == [D("2.70"), D("2.25"), D("0.00")]
    (e,) = result.explanation
    assert (e.status, e.amount, e.tier) == ("applied", D("4.95"), 1)
    assert result.total_sum_with_discount == D("48.05")
    # One pair of hiking socks fewer: 4 pairs, tier 0 (10 %): 1.80 + 0.75 = 2.55.
    scenario = _load("tiered.json")
    scenario["order"]["products"][1]["quantity"] = 1
    result = pricing.preview(scenario)
    assert (result.explanation[0].tier, result.explanation[0].amount) == (0, D("2.55"))
    # Two pairs in all: no tier reached.
    scenario["order"]["products"][0]["quantity"] = 1
    result = pricing.preview(scenario)
    assert result.explanation[0].reason == "tier_not_reached"
    assert result.total_sum_with_discount == D("33.50")  # 6.00 + 7.50 + 20.00


def test_preview_json_given_objects_instead_of_text_says_so() -> None:
    """A backend passing the parsed order (a dict) where its JSON text is wanted gets a
    PricingError naming the argument, not an AttributeError from the parser."""
    from datetime import UTC, datetime

    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "1.00"}])
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    with pytest.raises(pricing.ScenarioError) as err:
        engine.preview_json({"products": []}, at=at)  # type: ignore[arg-type]
    assert str(err.value) == "order: must be JSON text (str or bytes), not dict"
    with pytest.raises(pricing.ScenarioError) as err:
        engine.preview_json('{"products": []}', {"id": 1}, at=at)  # type: ignore[arg-type]
    assert err.value.path == "customer"
    with pytest.raises(pricing.ScenarioError, match="must be JSON text"):
        pricing.preview_json({"currency": "USD"})  # type: ignore[arg-type]


@pytest.mark.parametrize("given", [None, 5, "abc", {"id": 1}])
@pytest.mark.parametrize("argument", ["catalog", "discounts", "categories"])
def test_an_engine_list_argument_that_is_no_list_is_bad_input(argument, given) -> None:
    """``catalog=None`` (``settings=None`` is allowed) raised a TypeError a backend's
    ``except PricingError`` missed."""
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.Engine(currency="USD", **{argument: given})
    assert (err.value.path, err.value.message) == (argument, "must be a list")


def test_an_engine_reads_its_lists_from_any_iterable_once() -> None:
    """Generators are read once (the check of their items used to empty them first)."""
    s = _example()
    parts = {k: s[k] for k in ("catalog", "discounts", "categories")}
    at = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    listed = pricing.Engine(currency="USD", settings=s["settings"], **parts)
    generated = pricing.Engine(
        currency="USD", settings=s["settings"], **{k: iter(v) for k, v in parts.items()}
    )
    want = listed.preview(s["order"], customer=s["customer"], at=at).to_json()
    assert generated.preview(s["order"], customer=s["customer"], at=at).to_json() == want
    # pickled (as worker processes get it) as the items read, not as the spent iterators
    again = pickle.loads(pickle.dumps(generated))
    assert again.preview(s["order"], customer=s["customer"], at=at).to_json() == want


@pytest.mark.parametrize(
    ("group", "accepted"),
    [(10**40 - 1, True), (-(10**40) + 1, True), (10**40, False), (10**5000, False)],
    ids=["largest", "smallest", "limit", "5001 digits"],  # (pytest cannot print 10**5000)
)
def test_a_customer_dict_is_held_to_the_id_limits_as_a_customer_model(group, accepted) -> None:
    """Group ids of a plain dict (read without the models, for speed) are bounded as the
    validated customer's: 10**5000 raised a ValueError, 10**40 was accepted."""
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "1.00"}])
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    order = {"products": [{"productId": 1, "quantity": 1}]}
    customer = {"id": 1, "groupIds": [group]}
    if accepted:
        assert engine.preview(order, customer=customer, at=at).total_due == D("1.00")
        return
    for given in (customer, {**customer, "ltv": "1.00"}):  # (the second: not plain)
        with pytest.raises(pricing.ScenarioError) as err:
            engine.preview(order, customer=given, at=at)
        assert err.value.path == "customer.groupIds[0]"


def test_an_instant_whose_zone_has_no_valid_offset_is_bad_input() -> None:
    """A tzinfo whose offset is a day or more made ``utcoffset()`` raise a ValueError."""
    from datetime import timedelta, tzinfo

    class Broken(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            return timedelta(hours=30)

    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "1.00"}])
    with pytest.raises(pricing.ScenarioError) as err:
        engine.preview({"products": []}, at=datetime(2026, 11, 22, tzinfo=Broken()))
    assert (err.value.path, err.value.message) == ("at", "must be a timezone-aware datetime")


def test_a_discount_built_from_models_is_echoed_as_its_json_form() -> None:
    """Built in Python with a model inside, a discount kept that model as given and its
    echo could not be written (a TypeError at to_json): echoed as its fields instead."""
    from pricing._schema.discount import DiscountValue

    value = DiscountValue(value=10, discount_type="PERCENTAGE")
    discount = pricing.Discount(id=1, identifier="x", discount_value=value)
    engine = pricing.Engine(
        currency="USD", catalog=[{"id": 1, "price": "10"}], discounts=[discount]
    )
    at = datetime(2026, 11, 22, tzinfo=UTC)
    doc = json.loads(
        engine.preview({"products": [{"productId": 1, "quantity": 1}]}, at=at).to_json()
    )
    (echo,) = doc["discountConfig"]["orderDiscounts"]
    assert echo["discountValue"] == {"discountType": "PERCENTAGE", "value": 10}
    assert doc["totalDue"] == 9  # 10 % off 10.00


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"strict": "no"}, pricing.PricingConfigError, "strict must be True or False, not 'no'"),
        ({"strict": 1}, pricing.PricingConfigError, "strict must be True or False, not 1"),
        (
            {"price_verifier": 5},
            pricing.PricingConfigError,
            "price_verifier must have a verify method, as pricing.PriceVerifier has (given: int)",
        ),
        (
            {"storage_marker": 5},
            pricing.ScenarioError,
            "storageMarker: Input should be a valid string",
        ),
    ],
)
def test_options_of_the_wrong_type_are_refused_when_built(options, error, message):
    """A verifier without ``verify`` raised an AttributeError at the first signed price; a
    storage marker that is no text made every token fail; any text was a true ``strict``."""
    with pytest.raises(error) as info:
        pricing.Engine(currency="USD", **options)
    assert str(info.value) == message
    scenario = {**_example(), "at": "2026-11-22T12:00:00Z"}
    if "storage_marker" not in options:  # (the one-call path takes the same options)
        with pytest.raises(error):
            pricing.preview(scenario, **options)
