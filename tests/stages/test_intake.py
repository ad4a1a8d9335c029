"""Stage 0 — intake: the plain-dict reader and the validating path agree exactly.

The direct reader (``_read_plain``) must take the common form, and hand everything
else to pydantic; these tests check both that it is used (else the speed-up is
not there) and that for any input, valid or not, the outcome is the validating
path's: the same document, or the same error naming the same field.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pricing
from pricing._money import currency
from pricing._stages.intake import _minor_or_none, _read_plain, read_request

AT = datetime.fromisoformat("2026-11-22T12:00:00+00:00")

ENGINE = pricing.Engine(
    currency="USD",
    catalog=[
        {"id": 1, "price": "10.00", "attributes": {"brand": "acme"}},
        {"id": 2, "price": "3.35"},
        {"id": 3, "price": "7.10"},
        {"id": 4, "price": "1.00", "available": False},
    ],
    discounts=[
        {
            "id": 1,
            "identifier": "ten",
            "discountValue": {
                "value": 10,
                "discountType": "PERCENTAGE",
                "applicability": "TO_ORDER",
            },
            "startDate": "2026-01-01T00:00:00Z",
            "coupons": ["SAVE"],
        },
        {
            "id": 2,
            "identifier": "m",
            "activation": "ON_REQUEST",
            "discountValue": {
                "value": "1.00",
                "discountType": "FIXED_AMOUNT",
                "applicability": "TO_PRODUCT",
            },
            "startDate": "2026-01-01T00:00:00Z",
            "userGroups": [7],
        },
        {
            "id": 3,
            "discountValue": {
                "value": 5,
                "discountType": "PERCENTAGE",
                "applicability": "TO_ORDER",
            },
            "startDate": "2026-01-01T00:00:00Z",
            "conditions": [
                {"conditionType": "USER_ATTRIBUTE", "entityIds": [{"id": "tier"}], "value": "gold"}
            ],
        },
    ],
    settings={"maxBonusPaymentPercent": 50},
)
CUR = ENGINE._rs.currency
CATALOG = ENGINE._rs.catalog


def plain(order: Any, customer: Any = None) -> Any:
    return _read_plain(CUR, CATALOG, order, customer)


# --- the reader takes the common form ---------------------------------------------


@pytest.mark.parametrize(
    ("order", "customer"),
    [
        ({"products": [{"productId": 1, "quantity": 2}]}, None),
        ({"products": []}, None),
        ({"products": [{"quantity": 1, "productId": 3}, {"productId": 2, "quantity": 3}]}, None),
        (
            {
                "products": [{"productId": 1, "quantity": 1}],
                "couponCode": "SAVE",
                "additionalDiscountsMarkers": ["m"],
                "bonusAmount": "2.50",
            },
            {
                "id": 5,
                "groupIds": [7, 8],
                "attributes": {"tier": "gold"},
                "ltv": 100,
                "bonusBalance": "12.50",
            },
        ),
        ({"products": [{"productId": 1, "quantity": 1}], "couponCode": None}, {"id": 6}),
    ],
)
def test_common_form_is_read_directly_and_as_pydantic_reads_it(order: Any, customer: Any) -> None:
    fast = plain(order, customer)
    assert fast is not None
    # The validating path (a mapping that is not a dict is never read directly).
    slow = read_request(
        ENGINE._rs,
        MappingProxyType(order),
        None if customer is None else MappingProxyType(customer),
        verifier=None,
        at=AT,
    )
    assert fast == slow


@pytest.mark.parametrize(
    ("order", "customer"),
    [
        # anything pydantic must judge, or that raises, goes the validating way
        ({"products": [{"product_id": 1, "quantity": 2}]}, None),  # snake_case
        ({"products": [{"productId": 1, "quantity": 2, "signedPrice": "t"}]}, None),
        ({"products": [{"productId": 1}]}, None),
        ({"products": [{"productId": 1, "quantity": 0}]}, None),
        ({"products": [{"productId": 1, "quantity": 1_000_001}]}, None),
        ({"products": [{"productId": 1, "quantity": True}]}, None),
        ({"products": [{"productId": True, "quantity": 1}]}, None),
        ({"products": [{"productId": 1.0, "quantity": 1}]}, None),
        ({"products": [{"productId": "1", "quantity": 1}]}, None),  # a string id: refused
        ({"products": [{"productId": 1, "quantity": "2"}]}, None),
        ({"products": [{"productId": 99, "quantity": 1}]}, None),  # unknown
        ({"products": [{"productId": 4, "quantity": 1}]}, None),  # unavailable
        ({"products": ({"productId": 1, "quantity": 1},)}, None),  # a tuple
        ({"products": [{"productId": 1, "quantity": 1}], "shippingLines": []}, None),
        ({"products": [], "couponCode": 5}, None),
        ({"products": [], "additionalDiscountsMarkers": None}, None),
        ({"products": [], "additionalDiscountsMarkers": ["m", 1]}, None),
        ({"products": [], "bonusAmount": -1}, None),
        ({"products": [], "bonusAmount": 1.5}, None),  # floats: pydantic's repr rule
        ({"products": [], "bonusAmount": "1.001"}, None),  # too many decimals for USD
        ({"products": [], "bonusAmount": "abc"}, None),
        ({"products": []}, {"groupIds": []}),  # no id
        ({"products": []}, {"id": 1, "groupIds": None}),
        ({"products": []}, {"id": 1, "groupIds": [1.5]}),
        ({"products": []}, {"id": "x"}),  # string ids are refused by the validating path
        ({"products": []}, {"id": True}),
        ({"products": []}, {"id": 1, "groupIds": [7, "8"]}),
        ({"products": []}, {"id": 1, "attributes": {1: "x"}}),
        ({"products": []}, {"id": 1, "ltv": "-1"}),
        ({"products": []}, {"id": 1, "bonus_balance": 1}),
        ({"products": []}, {"id": 1, "bonusBalance": Decimal("12.5")}),  # not JSON-shaped
    ],
)
def test_anything_else_goes_the_validating_way(order: Any, customer: Any) -> None:
    assert plain(order, customer) is None


def test_result_does_not_follow_later_edits_of_the_callers_order() -> None:
    order = {"products": [{"productId": 1, "quantity": 1}], "additionalDiscountsMarkers": ["zz"]}
    result = ENGINE.preview(order, at=AT)
    order["additionalDiscountsMarkers"].append("other")  # type: ignore[attr-defined]
    # one unknown marker warned about, as at the time of the call
    assert result.warnings == ({"code": "unknown_marker", "marker": "zz"},)


# --- any input: the same outcome either way -----------------------------------------

# Each field is usually of the common form (hypothesis favours the
# low draws, so those are the usual values), sometimes missing or odd (valid or not),
# so that both readers see plenty of work and every odd value meets common company.
_MISSING = object()


def _field(usual: list[Any], odd: list[Any]) -> st.SearchStrategy[Any]:
    return st.integers(0, 4).flatmap(
        lambda k: st.sampled_from([*odd, _MISSING]) if k == 4 else st.sampled_from(usual)
    )


# Ids are integers: a string ("1", "x"), a bool or a float is always refused.
_IDS = _field([1, 2, 3], ["1", "3", 4, 99, True, 1.0, None, "x"])
_QUANTITIES = _field([1, 2, 3], [0, -1, 1_000_000, 1_000_001, True, 2.0, "2", None])
_MONEY = _field(
    [None, "5", "5.00", 0, 5, Decimal("2.5")],
    [
        *("5.001", " 2.5 ", -1, 5.5, True, "abc", math.nan, Decimal("1E+1")),
        *("12.", ".5", "007.50", "1_000", "5.0000", "٣", "+5", "1e2", ""),  # money text
    ],
)
_OPTIONAL = st.integers(0, 4).map(lambda k: k == 4)


def _put(d: dict[str, Any], key: str, value: Any) -> None:
    if value is not _MISSING:
        d[key] = value


@st.composite
def _orders(draw: Any) -> dict[str, Any]:
    products = []
    for _ in range(draw(st.integers(0, 3))):
        p: dict[str, Any] = {}
        _put(p, "productId", draw(_IDS))
        _put(p, "quantity", draw(_QUANTITIES))
        if draw(_OPTIONAL):
            _put(p, draw(st.sampled_from(["signedPrice", "product_id", "note"])), draw(_IDS))
        products.append(p)
    order: dict[str, Any] = {"products": products}
    _put(order, "couponCode", draw(_field([_MISSING, None, "SAVE", " save "], ["NOPE", 5, ""])))
    _put(
        order,
        "additionalDiscountsMarkers",
        draw(_field([_MISSING, [], ["m"], ["m", "zz", "m"]], [[1], None, "m", ("m",)])),
    )
    _put(order, "bonusAmount", draw(_field([_MISSING], [_MISSING]) | _MONEY))
    if draw(_OPTIONAL):
        _put(order, draw(st.sampled_from(["formIdentifier", "coupon_code", "x"])), draw(_IDS))
    return order


@st.composite
def _customers(draw: Any) -> dict[str, Any] | None:
    if draw(st.integers(0, 3)) == 3:
        return None
    c: dict[str, Any] = {}
    _put(c, "id", draw(_IDS))
    _put(
        c,
        "groupIds",
        draw(_field([_MISSING, [], [7], [7, 8]], [None, [1.5], (7,), ["7", 8], [True]])),
    )
    _put(
        c,
        "attributes",
        draw(_field([_MISSING, {}, {"tier": "gold"}, {"tier": 1}], [{1: "gold"}, None, []])),
    )
    _put(c, "ltv", draw(_field([_MISSING], [_MISSING]) | _MONEY))
    _put(c, "bonusBalance", draw(_field([_MISSING], [_MISSING]) | _MONEY))
    if draw(_OPTIONAL):
        _put(c, draw(st.sampled_from(["group_ids", "name"])), draw(_IDS))
    return c


def _outcome(order: Any, customer: Any) -> tuple[Any, ...]:
    try:
        result = ENGINE.preview(order, customer=customer, at=AT)
    except pricing.PricingError as exc:
        return ("error", type(exc).__name__, str(exc), getattr(exc, "path", None))
    return ("ok", result.to_json())


@settings(max_examples=400)
@given(_orders(), _customers())
def test_plain_dicts_price_exactly_as_validated_input(order: Any, customer: Any) -> None:
    validated = _outcome(
        MappingProxyType(order), None if customer is None else MappingProxyType(customer)
    )
    assert _outcome(order, customer) == validated


_ENGINES = {code: pricing.Engine(currency=code) for code in ("USD", "JPY", "KWD")}


def _validated_minor(code: str, text: str) -> int | None:
    """``text`` as ``order.bonusAmount`` through the validating path: its minor units,
    or ``None`` when that path refuses it."""
    order = MappingProxyType({"products": [], "bonusAmount": text})
    try:
        request = read_request(_ENGINES[code]._rs, order, None, verifier=None, at=AT)
    except pricing.ScenarioError:
        return None
    return request.bonus_requested


@pytest.mark.parametrize("code", ["USD", "JPY", "KWD"])
@given(text=st.from_regex(r"\A[ +\-]?[0-9٣_]{0,4}(\.[0-9٣_]{0,5})?([eE][0-9])?\Z"))
def test_money_text_is_read_as_the_validating_path_reads_it(code: str, text: str) -> None:
    """The common form (ASCII digits, at most the currency's decimals) is read without
    ``Decimal``; any other string is handed on, never read differently: money text of
    any other form (spaces, ``+``, ``_``, exponents, non-ASCII digits) is refused there."""
    cur = currency(code)
    direct = _minor_or_none(cur, text)
    decimals = "" if cur.exponent == 0 else rf"(\.[0-9]{{1,{cur.exponent}}})?"
    if re.fullmatch(r"[0-9]{1,12}" + decimals, text, re.ASCII):
        assert direct is not None
    if direct is not None:
        assert direct == _validated_minor(code, text)
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text, re.ASCII):
        assert _validated_minor(code, text) is None


def test_money_text_examples() -> None:
    usd, jpy = currency("USD"), currency("JPY")
    # 1888.58 → 188858 cents; "5" → 500; "0.5" → 50; 7.5 with leading zeros → 750
    assert [_minor_or_none(usd, t) for t in ("1888.58", "5", "0.5", "007.50")] == [
        188858,
        500,
        50,
        750,
    ]
    # too many decimals for the currency, negative, not a number → None
    assert [_minor_or_none(usd, t) for t in ("1.005", "-1", "abc")] == [None, None, None]
    # ¥150 has no minor unit: "150" → 150; "150.5" → None (the validating path refuses it)
    assert [_minor_or_none(jpy, t) for t in ("150", "150.5")] == [150, None]
    # "150.0" is a valid JPY amount (a zero decimal: 150), but not of the direct form:
    # it goes the validating way, which reads it as 150
    assert _minor_or_none(jpy, "150.0") is None
    assert _validated_minor("JPY", "150.0") == 150
    # money text of any other form is refused, never read: "1_000", "1e3", " 5", "+5", "٣"
    for text in ("1_000", "1e3", " 5", "+5", "٣", "12.", ".5"):
        assert _minor_or_none(usd, text) is None
        assert _validated_minor("USD", text) is None


# -- the usage counters and several coupon codes --------------------------------------------


def test_usage_is_read_into_minor_units_missing_fields_zero():
    """``spent`` "1234.50" is 123450 cents; a missing counter is 0."""
    from pricing._stages.intake import read_usage
    from pricing._stages.records import UsageCounts

    usage = read_usage(currency("USD"), {"7": {"uses": 3, "spent": "1234.50"}, "8": {}})
    assert usage == {"7": UsageCounts(3, 0, 123450), "8": UsageCounts(0, 0, 0)}


def test_usage_rides_with_either_reader():
    """A plain cart and a validated one carry the same counters."""
    order = {"products": [{"productId": 1, "quantity": 1}]}
    usage = {"1": {"customerUses": 2}}
    plain = read_request(ENGINE._rs, order, None, verifier=None, at=AT, usage=usage)
    model = pricing.Order.model_validate(order)
    validated = read_request(ENGINE._rs, model, None, verifier=None, at=AT, usage=usage)
    assert plain.usage == validated.usage
    assert plain.usage is not None
    assert plain.usage["1"].customer_uses == 2


def test_coupon_codes_take_the_validating_path():
    """couponCodes is not part of the common form: the validating reader reads it."""
    order = {"products": [{"productId": 1, "quantity": 1}], "couponCodes": ["X"]}
    assert _read_plain(currency("USD"), ENGINE._rs.catalog, order, None) is None
    request = read_request(ENGINE._rs, order, None, verifier=None, at=AT)
    assert request.coupon_codes == ("X",)
