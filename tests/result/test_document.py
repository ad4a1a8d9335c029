"""The previewOrder document: key order, the coupon object, the bonus object, the echoes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest

import pricing

TOP_KEYS = [
    "totalSum",
    "totalSumWithDiscount",
    "bonusApplied",
    "totalDue",
    "currency",
    "discountConfig",
    "orderPreview",
    "lines",
    "explanation",
    "bonusAccrual",
    "warnings",
]
CONFIG_KEYS = [
    "orderDiscounts",
    "productDiscounts",
    "coupon",
    "settings",
    "additionalDiscountsMarkers",
    "totalRaw",
    "totalSumWithDiscount",
    "excludedGiftProductIds",
    "bonus",
    "bonusApplied",
    "totalDue",
]
LINE_KEYS = [
    "productId",
    "quantity",
    "isGift",
    "unitPrice",
    "total",
    "productDiscount",
    "orderDiscount",
    "totalWithDiscount",
    "discounts",
]
PREVIEW_KEYS = ["productId", "title", "sku", "price", "quantity", "isGift"]
EXPLANATION_KEYS = ["id", "identifier", "status", "reason", "amount", "capped"]
COUPON_KEYS = ["code", "valid", "applied", "discountId", "discountIdentifier"]
BONUS_KEYS = [
    "availableBalance",
    "maxBonusDiscount",
    "minBonusAmount",
    "minOrderAmountForBonus",
    "bonusApplied",
]

CATALOG = [
    {"id": 1, "title": "Grinder", "sku": "GR-1", "price": "60.00"},
    {"id": 2, "title": "Mug", "sku": None, "price": "12.00"},
]


def _parsed(result: pricing.PreviewResult) -> dict[str, Any]:
    """The JSON text read back (a dict keeps the order the keys were written in)."""
    parsed: dict[str, Any] = json.loads(result.to_json())
    return parsed


# ---------------------------------------------------------------------------
# key order


def test_keys_are_written_in_a_fixed_order(sb):
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT", coupons=["SAVE"]),
        sb.discount(2, "NONE", 0, gifts=[2], position=5),
    ]
    scn = sb.scenario([(1, 1)], catalog=CATALOG, discounts=discounts, coupon="save", bonus_amount=0)
    doc = _parsed(sb.run(scn))
    assert list(doc) == TOP_KEYS
    config = doc["discountConfig"]
    assert list(config) == CONFIG_KEYS
    assert list(config["coupon"]) == COUPON_KEYS
    assert list(config["bonus"]) == BONUS_KEYS
    assert [list(r) for r in doc["orderPreview"]] == [PREVIEW_KEYS, PREVIEW_KEYS]
    assert [list(r) for r in doc["lines"]] == [LINE_KEYS, LINE_KEYS]  # no priceLocked
    assert [list(e) for e in doc["explanation"]] == [EXPLANATION_KEYS, EXPLANATION_KEYS]
    assert list(doc["lines"][0]["discounts"][0]) == ["identifier", "amount"]


def test_a_discount_is_echoed_as_given_with_coupon_last(sb):
    given = sb.discount(1, "FIXED_AMOUNT", 5, localizeInfos={"title": "Five off"}, zeta=[1])
    doc = _parsed(sb.run(sb.scenario(catalog=CATALOG, discounts=[given])))
    (echo,) = doc["discountConfig"]["orderDiscounts"]
    assert list(echo) == [*given, "coupon"]
    assert echo == {**given, "coupon": None}


def test_tax_output_follows_the_warnings(sb):
    scn = sb.scenario(catalog=CATALOG)
    scn["taxRates"] = []
    doc = _parsed(sb.run(scn))
    assert list(doc) == [*TOP_KEYS, "taxes", "displayPrice"]


def test_coupons_shipping_and_usage_follow_the_warnings_before_tax(sb):
    """Each extension only with its input, in the order coupons, shipping, usage; the
    shipping discounts come after the product discounts in discountConfig."""
    ship = sb.discount(3, "PERCENTAGE", 100, "TO_SHIPPING", coupons=["SHIP"], usageLimit=9)
    scn = sb.scenario(catalog=CATALOG, discounts=[ship])
    scn["order"]["couponCodes"] = ["SHIP"]
    scn["order"]["shippingLines"] = [{"id": 1, "price": "2.00"}]
    doc = _parsed(sb.run(scn))
    assert list(doc) == [*TOP_KEYS, "coupons", "shipping", "usage", "taxes", "displayPrice"]
    config = list(doc["discountConfig"])
    assert config == [*CONFIG_KEYS[:2], "shippingDiscounts", *CONFIG_KEYS[2:]]
    assert list(doc["coupons"][0]) == COUPON_KEYS
    assert list(doc["shipping"][0]) == ["id", "name", "price", "discount", "priceWithDiscount"]
    assert list(doc["usage"][0]) == ["discountId", "identifier", "uses", "spent"]


# ---------------------------------------------------------------------------
# totals


def test_total_sum_is_after_discounts_and_the_config_repeats_the_totals(sb):
    scn = sb.scenario(
        [(1, 2)],
        catalog=CATALOG,
        discounts=[sb.discount(1, "FIXED_AMOUNT", 15)],
        buyer=sb.customer(bonus_balance=100),
        bonus_amount=5,
    )
    doc = sb.run(scn).document
    # 2 × 60.00 = 120.00; 15.00 off → 105.00; 5.00 of points → 100.00 due. totalSum is
    # the sum after discounts, before bonus (as OneEntry's createOrder shows it).
    assert (doc["totalSum"], doc["totalSumWithDiscount"]) == (D("105.00"), D("105.00"))
    assert (doc["bonusApplied"], doc["totalDue"]) == (D("5.00"), D("100.00"))
    config = doc["discountConfig"]
    assert (config["totalRaw"], config["totalSumWithDiscount"]) == (D("120.00"), D("105.00"))
    assert (config["bonusApplied"], config["totalDue"]) == (D("5.00"), D("100.00"))
    assert doc["currency"] == "USD"


# ---------------------------------------------------------------------------
# the coupon object


def test_coupon_object_names_the_owner_and_is_echoed_on_it_only(sb):
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=1),
        sb.discount(2, "FIXED_AMOUNT", 5, position=2, identifier="summer", coupons=["Sum10"]),
    ]
    doc = sb.run(sb.scenario(catalog=CATALOG, discounts=discounts, coupon=" SUM10 ")).document
    coupon = {
        "code": "Sum10",  # as the discount defines it, not as presented
        "valid": True,
        "applied": True,
        "discountId": 2,
        "discountIdentifier": "summer",
    }
    config = doc["discountConfig"]
    assert config["coupon"] == coupon
    assert [(d["id"], d["coupon"]) for d in config["orderDiscounts"]] == [(1, None), (2, coupon)]


def test_each_place_a_coupon_object_stands_holds_its_own(sb):
    """The code's object stands in discountConfig.coupon, on its discount's echo and in
    coupons: as in the JSON, editing one place changes no other."""
    discounts = [sb.discount(2, "FIXED_AMOUNT", 5, coupons=["SUM10"])]
    scn = sb.scenario(catalog=CATALOG, discounts=discounts)
    scn["order"]["couponCodes"] = ["SUM10"]
    doc = sb.run(scn).document
    config = doc["discountConfig"]
    places = [config["coupon"], config["orderDiscounts"][0]["coupon"], doc["coupons"][0]]
    assert all(place["applied"] is True for place in places)
    config["coupon"]["applied"] = "edited"
    assert places[1]["applied"] is True
    assert places[2]["applied"] is True
    places[1]["code"] = "edited"
    assert places[2]["code"] == "SUM10"


def test_no_coupon_presented_is_null(sb):
    discounts = [sb.discount(1, coupons=["X"])]
    doc = sb.run(sb.scenario(catalog=CATALOG, discounts=discounts)).document
    assert doc["discountConfig"]["coupon"] is None
    assert doc["discountConfig"]["orderDiscounts"] == []


def test_coupon_of_a_discount_that_does_not_apply_is_valid_but_not_applied(sb):
    """A valid code whose discount targets nothing, or is capped out: ``applied`` false,
    and the discount is not echoed."""
    not_met = sb.discount(
        1, coupons=["A"], conditions=[{"conditionType": "PRODUCT", "entityIds": [2]}]
    )
    doc = sb.run(sb.scenario([(1, 1)], catalog=CATALOG, discounts=[not_met], coupon="a")).document
    assert doc["discountConfig"]["coupon"]["applied"] is False
    assert doc["discountConfig"]["coupon"]["valid"] is True
    assert doc["discountConfig"]["orderDiscounts"] == []

    # Capped out: 60.00 under a 10 % cap (6.00); d1 takes 6.00, the coupon's d2 5.00 → 0.
    discounts = [
        sb.discount(1, "FIXED_AMOUNT", 6, position=1),
        sb.discount(2, "FIXED_AMOUNT", 5, position=2, coupons=["B"]),
    ]
    scn = sb.scenario(
        [(1, 1)],
        catalog=CATALOG,
        discounts=discounts,
        coupon="B",
        settings={"maxDiscountValue": 10},
    )
    doc = sb.run(scn).document
    assert doc["discountConfig"]["coupon"]["applied"] is False
    assert [d["id"] for d in doc["discountConfig"]["orderDiscounts"]] == [1]
    assert doc["totalSumWithDiscount"] == D("54.00")


# ---------------------------------------------------------------------------
# the bonus object


def test_bonus_is_null_for_a_guest_who_asks_for_none(sb):
    result = sb.run(sb.scenario(catalog=CATALOG, buyer=None))
    assert result.document["discountConfig"]["bonus"] is None
    assert '"bonus": null,' in result.to_json()


def test_bonus_is_an_object_for_a_guest_who_asks_and_for_any_customer(sb):
    zeros = dict.fromkeys(BONUS_KEYS, D(0))
    zeros.update(minBonusAmount=None, minOrderAmountForBonus=None)
    guest = sb.run(sb.scenario(catalog=CATALOG, buyer=None, bonus_amount=0)).document
    assert guest["discountConfig"]["bonus"] == zeros
    customer = sb.run(sb.scenario(catalog=CATALOG)).document
    assert customer["discountConfig"]["bonus"] == zeros


def test_bonus_object_values(sb):
    scn = sb.scenario(
        [(1, 2)],
        catalog=CATALOG,
        buyer=sb.customer(bonus_balance=50),
        bonus_amount=30,
        settings={"maxBonusPaymentPercent": 20, "minBonusAmount": "10.0"},
    )
    doc = sb.run(scn).document
    # 120.00 payable; the balance 50 ≥ minBonusAmount 10, so the limit is
    # min(50, 120, floor(20 % × 120) = 24) = 24; 30 asked → 24 applied; 96.00 due.
    assert doc["discountConfig"]["bonus"] == {
        "availableBalance": D("50.00"),
        "maxBonusDiscount": D("24.00"),
        "minBonusAmount": D("10.0"),  # the setting's echo, as given
        "minOrderAmountForBonus": None,
        "bonusApplied": D("24.00"),
    }
    assert (doc["bonusApplied"], doc["totalDue"]) == (D("24.00"), D("96.00"))


# ---------------------------------------------------------------------------
# lines, orderPreview, markers, warnings


def test_order_preview_paid_lines_then_gifts_at_price_zero(sb):
    gift = sb.discount(1, "NONE", 0, gifts=[2])
    doc = sb.run(sb.scenario([(2, 3), (1, 1)], catalog=CATALOG, discounts=[gift])).document
    assert doc["orderPreview"] == [
        {"productId": 2, "title": "Mug", "sku": None, "price": D("12.00"), "quantity": 3,
         "isGift": False},
        {"productId": 1, "title": "Grinder", "sku": "GR-1", "price": D("60.00"), "quantity": 1,
         "isGift": False},
        {"productId": 2, "title": "Mug", "sku": None, "price": D("0.00"), "quantity": 1,
         "isGift": True},
    ]  # fmt: skip


def test_lines_document_matches_the_views(sb):
    d = sb.discount(1, "PERCENTAGE", 25, "TO_PRODUCT")
    result = sb.run(sb.scenario([(1, 1), (2, 2)], catalog=CATALOG, discounts=[d]))
    # 60.00 → 15.00 off; 24.00 → 6.00 off.
    assert result.document["lines"] == [
        {
            "productId": line.product_id,
            "quantity": line.quantity,
            "isGift": line.is_gift,
            "unitPrice": line.unit_price,
            "total": line.total,
            "productDiscount": line.product_discount,
            "orderDiscount": line.order_discount,
            "totalWithDiscount": line.total_with_discount,
            "discounts": [{"identifier": x.identifier, "amount": x.amount} for x in line.discounts],
        }
        for line in result.lines
    ]
    assert [r["totalWithDiscount"] for r in result.document["lines"]] == [D("45.00"), D("18.00")]


def test_markers_are_echoed_in_order_and_unknown_ones_warned(sb):
    d = sb.discount(1, identifier="vip", activation="ON_REQUEST")
    scn = sb.scenario(catalog=CATALOG, discounts=[d], markers=["zz", "vip", "zz", "aa"])
    doc = _parsed(sb.run(scn))
    assert doc["discountConfig"]["additionalDiscountsMarkers"] == ["zz", "vip", "zz", "aa"]
    assert doc["warnings"] == [
        {"code": "unknown_marker", "marker": "zz"},
        {"code": "unknown_marker", "marker": "aa"},
    ]
    assert doc["discountConfig"]["excludedGiftProductIds"] == []


def test_editing_a_document_does_not_reach_the_next_preview():
    """The echoed discount is a copy: a caller editing one document changes no other."""
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": "10.00"}],
        discounts=[
            {
                "id": 1,
                "localizeInfos": {"en_US": {"title": "Ten"}},
                "discountValue": {"value": 1, "discountType": "FIXED_AMOUNT"},
            }
        ],
    )
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    order = {"products": [{"productId": 1, "quantity": 1}]}
    first = engine.preview(order, at=at)
    echo = first.document["discountConfig"]["orderDiscounts"][0]
    echo["localizeInfos"]["en_US"]["title"] = "changed"
    echo["discountValue"]["value"] = 99
    second = engine.preview(order, at=at)
    again = second.document["discountConfig"]["orderDiscounts"][0]
    assert again["localizeInfos"] == {"en_US": {"title": "Ten"}}
    assert again["discountValue"]["value"] == 1
    assert second.total_sum_with_discount == D("9.00")


@pytest.mark.parametrize(
    ("discount", "reason"),
    [
        # decided before the cart (kept per audience): the rule names a group, and a
        # guest is in none
        ({"userGroups": [5], "discountValue": {"value": 1}}, "guest"),
        # judged on the cart (kept per rule and reason): a shipping discount on an order
        # without shipping lines
        (
            {"discountValue": {"value": 100, "applicability": "TO_SHIPPING"}},
            "no_shipping",
        ),
    ],
)
def test_editing_an_explanation_entry_does_not_reach_the_next_preview(
    discount: dict[str, Any], reason: str
) -> None:
    """The entries of rules that did not apply are kept and copied into each document:
    editing one document's entry changes no later one."""
    engine = pricing.Engine(
        currency="USD", catalog=[{"id": 1, "price": "10.00"}], discounts=[{"id": 1, **discount}]
    )
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    order = {"products": [{"productId": 1, "quantity": 1}]}
    first = engine.preview(order, at=at).document["explanation"][0]
    assert first["reason"] == reason
    first["reason"] = "changed"
    first["amount"] = D(5)
    again = engine.preview(order, at=at).document["explanation"][0]
    assert again["reason"] == reason
    assert again["amount"] == D("0.00")


# ---------------------------------------------------------------------------
# the echo maker: each call a deep copy, found once

_COPIED = [
    # (value, the containers a copy must not share with it, by path)
    ({}, [()]),
    ([], [()]),
    ({"a": 1, "b": "x", "c": None, "d": D("1.5"), "e": True, "f": 1.5}, [()]),
    ({"a": [1, 2], "b": {"c": [3]}}, [(), ("a",), ("b",), ("b", "c")]),
    ([{"a": 1}, 2, [3, [4]]], [(), (0,), (2,), (2, 1)]),
    ({"ids": [{"id": 200, "isNested": False}], "x": "y"}, [(), ("ids",), ("ids", 0)]),
    # texts that are not plain names, numbers Python would not write back as they are
    ({"q\"'\n\\": "a\"b'\n\u2028\ud800", "e": "", 'k"': ["\x00", "é"]}, [(), ('k"',)]),
    ({"big": 10**80, "neg": -(10**80), "f": [float("nan"), float("inf"), -0.0]}, [(), ("f",)]),
    ({"n": [None, True, False, 0, -1, 2**62 - 1, 2**62]}, [(), ("n",)]),
    ([[[[]]], {"": {}}], [(), (0,), (0, 0), (0, 0, 0), (1,), (1, "")]),
]


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


@pytest.mark.parametrize("maker", ["copier", "compiled_copier"])
def test_the_echo_maker_copies_every_container_and_shares_the_leaves(maker):
    from pricing._result import document

    for value, containers in _COPIED:
        make = getattr(document, maker)(value)
        first, second = make(), make()
        assert first == value
        assert second == value
        assert list(first) == list(value)  # keys in their order
        for path in containers:
            assert _at(first, path) is not _at(value, path), (value, path)
            assert _at(first, path) is not _at(second, path), (value, path)
        if isinstance(value, dict):
            for key, leaf in value.items():
                if not isinstance(leaf, dict | list):
                    assert first[key] is leaf  # immutable: shared, not copied


def test_the_echo_maker_keeps_the_identity_of_the_leaves_it_shares():
    # The compiled copy names its leaves: the very objects of the value come back, so a
    # NaN (which equals nothing) and a long text are the value's own.
    from pricing._result.document import compiled_copier

    nan, text = float("nan"), "x" * 10_000
    first = compiled_copier({"f": [nan], "t": text})()
    assert first["f"][0] is nan
    assert first["t"] is text


@pytest.mark.parametrize(
    "value",
    [
        {"ids": list(range(5000))},  # more values than are compiled
        {"a": __import__("functools").reduce(lambda inner, _: [inner], range(300), 1)},  # deep:
        # past what Python's parser takes (200), so it cannot be compiled
        {"k": ["deep", {"a": {"b": {"c": [{"d": [1, {"e": None}]}]}}}] * 2000},  # both
    ],
    ids=["long", "deep", "long-and-deep"],
)
def test_the_echo_maker_copies_what_is_too_large_to_compile(value):
    """Past the size or depth compiled, the copy is made by walking: still every
    container new, equal to the value, keys in order."""
    from pricing._result.document import compiled_copier

    first, second = compiled_copier(value)(), compiled_copier(value)()
    assert first == value == second
    stack = [(first, second, value)]
    while stack:
        a, b, v = stack.pop()
        if isinstance(v, dict | list):
            assert a is not v
            assert a is not b
            parts = (a.values(), b.values(), v.values()) if isinstance(v, dict) else (a, b, v)
            stack.extend(zip(*parts, strict=True))
        else:
            assert a is v


def test_the_echo_maker_deep_copies_what_is_not_json():
    """Anything but dicts, lists and immutable leaves (a tuple holding a list, here) is
    deep-copied the general way on each call."""
    from pricing._result.document import copier

    value = {"pair": ([1], 2)}
    make = copier(value)
    first, second = make(), make()
    assert first == value
    assert first["pair"][0] is not value["pair"][0]
    assert first["pair"][0] is not second["pair"][0]  # copied again on each call


def test_an_echo_used_often_is_copied_by_a_compiled_maker(monkeypatch):
    """An echo is copied by walking it until it has been used COMPILE_AFTER times (an
    engine priced once never pays for compiling), then by the compiled maker; every
    echo, before and after, is equal to the discount and new."""
    from pricing._result import document

    monkeypatch.setattr(document, "COMPILE_AFTER", 3)
    discount = {"id": 1, "identifier": "d", "conditions": [{"conditionType": "PRODUCT",
                "entityIds": [1, 2]}], "discountValue": {"value": 10}}  # fmt: skip
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": 10}], discounts=[discount])
    order = {"products": [{"productId": 1, "quantity": 1}]}
    at = datetime(2026, 11, 22, 12, tzinfo=UTC)
    templates, rule = engine._made.templates, engine._rs.index.rules[0]
    echoes, makers = [], []
    for _ in range(5):
        doc = engine.preview(order, at=at).document
        echoes.append(doc["discountConfig"]["orderDiscounts"][0])
        makers.append(templates._copiers[rule.index].__qualname__)
    assert makers[:2] == ["Templates._first_copier.<locals>.make"] * 2
    assert makers[2:] == ["make"] * 3  # (the compiled function is named make, at top level)
    for echo in echoes:
        assert echo == {**discount, "coupon": None}
    # every container new (the echoes are all kept: distinct ids are distinct objects)
    assert len({id(e["conditions"]) for e in echoes}) == 5
    assert len({id(e["conditions"][0]["entityIds"]) for e in echoes}) == 5
