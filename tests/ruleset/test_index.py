"""The rule index: date windows, the rules a cart can reach, coupon owners, identifiers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

import pricing
from pricing._money import currency
from pricing._ruleset import compile_rule_set
from pricing._ruleset.index import RuleIndex, bits_of
from pricing._ruleset.rules import micros

START = "2026-11-22T12:00:00Z"
END = "2026-11-23T12:00:00Z"
CATALOG = [{"id": 1, "price": "10.00"}, {"id": 2, "price": "20.00"}, {"id": 3, "price": "30.00"}]


def _index(discounts: list[dict[str, Any]], catalog: list[dict[str, Any]] = CATALOG) -> RuleIndex:
    return compile_rule_set(
        currency("USD"),
        categories=[],
        catalog=catalog,
        discounts=discounts,
        settings=None,
        tax_rates=None,
        locale=None,
        storage_marker=None,
    ).index


def _us(text: str) -> int:
    return micros(datetime.fromisoformat(text))


def test_bits_of_lowest_first():
    assert list(bits_of(0b101001)) == [0, 3, 5]
    assert list(bits_of(0)) == []
    assert list(bits_of(1 << 70)) == [70]


# ---------------------------------------------------------------------------
# windows: live from startDate (inclusive) to endDate (exclusive)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-11-22T11:59:59.999999Z", ("not_applied", "not_started")),
        (START, ("applied", None)),  # the start instant itself is inside
        ("2026-11-23T12:00:00.000000Z", ("not_applied", "expired")),  # the end instant is not
        ("2026-11-23T11:59:59.999999Z", ("applied", None)),
    ],
)
def test_a_rule_is_live_from_its_start_inclusive_to_its_end_exclusive(sb, at, expected):
    d = sb.discount(1, startDate=START, endDate=END)
    result = sb.run(sb.scenario(catalog=[{"id": 1, "price": "100.00"}], discounts=[d], at=at))
    assert sb.status(result) == {"d1": expected}


def test_windows_give_the_live_rules_between_dates():
    """Rules: 0 open-ended, 1 from START, 2 until END, 3 from START to END, 4 one
    microsecond long (from START to START + 1 µs, the shortest window there is)."""
    index = _index(
        [
            {"id": 0, "position": 0},
            {"id": 1, "position": 1, "startDate": START},
            {"id": 2, "position": 2, "endDate": END},
            {"id": 3, "position": 3, "startDate": START, "endDate": END},
            {"id": 4, "position": 4, "startDate": START, "endDate": "2026-11-22T12:00:00.000001Z"},
        ]
    )
    start, end = _us(START), _us(END)
    live = index.windows.live
    assert live(start - 1) == 0b00101  # 0 and 2
    assert live(start) == 0b11111  # 0, 1, 2, 3 and 4
    assert live(start + 1) == 0b01111  # 4 has ended: its end instant is outside
    assert live(end - 1) == 0b01111
    assert live(end) == 0b00011  # 0 and 1: 2 and 3 have ended
    assert live(end + 10**12) == 0b00011


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (END, START),  # ends before it starts
        (START, START),  # ends as it starts: no instant is inside
        (START, "2026-11-22T13:00:00+01:00"),  # the same instant, written in another zone
    ],
)
def test_an_end_date_not_after_the_start_date_is_refused(sb, start, end):
    """An empty window is refused, naming ``endDate``, instead of never being live."""
    d = sb.discount(1, startDate=start, endDate=end)
    with pytest.raises(pricing.ScenarioError) as info:
        sb.run(sb.scenario(catalog=[{"id": 1, "price": "1.00"}], discounts=[d]))
    assert info.value.path == "discounts[0].endDate"
    assert info.value.message == "must be after startDate"


def test_windows_agree_with_the_explanation_across_the_dates(sb):
    """Every hour across two days: applied exactly while start ≤ at < end."""
    d = sb.discount(1, startDate=START, endDate=END)
    first = datetime.fromisoformat(START) - timedelta(hours=12)
    for h in range(49):
        at = first + timedelta(hours=h)
        result = sb.run(
            sb.scenario(catalog=[{"id": 1, "price": "1.00"}], discounts=[d], at=at.isoformat())
        )
        live = datetime.fromisoformat(START) <= at < datetime.fromisoformat(END)
        assert (sb.status(result)["d1"][0] == "applied") == live, at


# ---------------------------------------------------------------------------
# reach


def test_reach_of_a_rule_whose_conditions_name_one_product():
    """Under AND logic, a rule whose conditions name product 1 reaches product 1 only;
    a rule without conditions reaches every product."""
    index = _index(
        [
            {"id": 10, "position": 0, "conditions": [
                {"conditionType": "PRODUCT", "entityIds": [1]}
            ]},
            {"id": 20, "position": 1},
        ]
    )  # fmt: skip
    assert index.reach_all == 0b10
    assert index.reach == (0b01, 0, 0)


def test_reach_under_or_logic_and_exclusions():
    """OR logic: a cart-level condition may admit every line, so every allowed product is
    reached; an excluded product is reached by no rule that excludes it."""
    index = _index(
        [
            {
                "id": 10,
                "position": 0,
                "conditionLogic": "OR",
                "conditions": [{"conditionType": "PRODUCT", "entityIds": [1]}],
            },
            {"id": 20, "position": 1, "exclusions": [{"id": 2}]},
        ]
    )
    assert index.reach_all == 0b01
    # Rule 20 (excluding product 2) reaches products 1 and 3, not 2.
    assert index.reach == (0b10, 0, 0b10)


def test_a_rule_naming_product_a_is_not_matched_on_a_cart_of_b(sb):
    """A cart holding none of the products a rule can reach: ``conditions_not_met``."""
    catalog = [{"id": 1, "price": "10.00"}, {"id": 2, "price": "20.00"}]
    only_a = sb.discount(1, conditions=[{"conditionType": "PRODUCT", "entityIds": [1]}])
    not_b = sb.discount(2, exclusions=[{"id": 2}])
    plain = sb.discount(3)
    result = sb.run(sb.scenario([(2, 1)], catalog=catalog, discounts=[only_a, not_b, plain]))
    assert sb.status(result) == {
        "d1": ("not_applied", "conditions_not_met"),
        "d2": ("not_applied", "conditions_not_met"),
        "d3": ("applied", None),
    }
    # With A in the cart too, both reach it (and only it).
    result = sb.run(
        sb.scenario([(2, 1), (1, 1)], catalog=catalog, discounts=[only_a, not_b, plain])
    )
    assert sb.status(result)["d1"] == ("applied", None)
    assert sb.targeted(result, "d1") == {1}
    assert sb.targeted(result, "d2") == {1}
    assert sb.targeted(result, "d3") == {1, 2}


# ---------------------------------------------------------------------------
# coupon owners and identifiers


def test_a_shared_code_belongs_to_the_first_rule_in_priority_order():
    index = _index(
        [
            {"id": 1, "position": 3, "coupons": ["SAVE", "ONLY1"]},
            {"id": 2, "position": 1, "coupons": [" save "]},  # the same code, normalised
            {"id": 3, "position": 2, "coupons": ["Save", "THREE"]},
        ]
    )
    # Priority order: 2 (position 1), 3 (2), 1 (3).
    assert [r.id for r in index.rules] == [2, 3, 1]
    assert dict(index.coupon_owners) == {"save": 0, "three": 1, "only1": 2}


def test_the_coupon_object_names_the_owner(sb):
    discounts = [
        sb.discount(1, "PERCENTAGE", 10, position=2, coupons=["SAVE"]),
        sb.discount(2, "PERCENTAGE", 20, position=1, coupons=["save"]),
    ]
    result = sb.run(sb.scenario(discounts=discounts, coupon="Save"))
    coupon = result.document["discountConfig"]["coupon"]
    # Rule 2 comes first: it owns the code and its own spelling of it is echoed.
    assert (coupon["discountId"], coupon["code"]) == (2, "save")


def test_identifiers_are_every_rules_but_none():
    index = _index([{"id": 1, "identifier": "a"}, {"id": 2}, {"id": 3, "identifier": "b"}])
    assert index.identifiers == {"a", "b"}


def test_only_markers_naming_no_identifier_are_warned(sb):
    discounts = [sb.discount(1, identifier="known", activation="ON_REQUEST")]
    result = sb.run(sb.scenario(discounts=discounts, markers=["known", "other", "other"]))
    assert sb.status(result) == {"known": ("applied", None)}
    assert result.warnings == ({"code": "unknown_marker", "marker": "other"},)
