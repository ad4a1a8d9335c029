"""The public strategies refuse bad arguments when they are made, naming the argument.

Each case calls a strategy function and nothing more: the refusal must come from
making the strategy (Hypothesis's ``InvalidArgument``, as its own strategies do), not
from drawing an example deep inside a user's test.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import pricing
from pricing import strategies as ps

CATALOG = [{"id": 1, "title": "Tea", "price": "4.50"}]
NAIVE = datetime(2026, 1, 1, 12)
AWARE = datetime(2026, 1, 1, 12, tzinfo=UTC)

# (what is called, a pattern the message must match: the argument named as written)
REFUSED: list[tuple[str, Callable[[], object], str]] = [
    # sizes, and a min above its max
    (
        "scenarios min_lines>max_lines",
        lambda: ps.scenarios(min_lines=3, max_lines=2),
        "min_lines=3",
    ),
    ("scenarios min_lines<0", lambda: ps.scenarios(min_lines=-1), "min_lines=-1"),
    ("scenarios max_lines huge", lambda: ps.scenarios(max_lines=10**6), "max_lines="),
    ("scenarios max_lines float", lambda: ps.scenarios(max_lines=2.5), "max_lines=2.5"),
    ("scenarios max_products=0", lambda: ps.scenarios(max_products=0), "max_products=0"),
    ("scenarios max_products>500", lambda: ps.scenarios(max_products=501), "max_products=501"),
    ("scenarios max_discounts<0", lambda: ps.scenarios(max_discounts=-1), "max_discounts=-1"),
    ("scenarios max_discounts>200", lambda: ps.scenarios(max_discounts=201), "max_discounts=201"),
    ("scenarios max_discounts bool", lambda: ps.scenarios(max_discounts=True), "max_discounts"),
    ("catalogs min>max", lambda: ps.catalogs("USD", min_size=4, max_size=3), "min_size=4"),
    ("catalogs max_size=0", lambda: ps.catalogs("USD", min_size=0, max_size=0), "max_size=0"),
    ("catalogs max_size>500", lambda: ps.catalogs("USD", max_size=501), "max_size=501"),
    ("categories max_size>40", lambda: ps.categories(max_size=41), "max_size=41"),
    (
        "discounts min>max",
        lambda: ps.discounts("USD", catalog=CATALOG, min_size=2, max_size=1),
        "min_size=2",
    ),
    (
        "discounts min<0",
        lambda: ps.discounts("USD", catalog=CATALOG, min_size=-1),
        "min_size=-1",
    ),
    ("orders min_lines<0", lambda: ps.orders("USD", catalog=CATALOG, min_lines=-1), "min_lines"),
    (
        "orders min>max",
        lambda: ps.orders("USD", catalog=CATALOG, min_lines=2, max_lines=1),
        "min_lines=2",
    ),
    # catalogs no cart can be drawn from
    ("scenarios empty catalog", lambda: ps.scenarios(currency="USD", catalog=[]), "catalog="),
    (
        "scenarios nothing available",
        lambda: ps.scenarios(currency="USD", catalog=[{"id": 1, "price": 1, "available": False}]),
        "no available product",
    ),
    ("orders empty catalog", lambda: ps.orders("USD", catalog=[]), "no available product"),
    (
        "scenarios catalog as a dict",
        lambda: ps.scenarios(currency="USD", catalog=CATALOG[0]),
        "catalog=",
    ),
    (
        "scenarios catalog of ids",
        lambda: ps.scenarios(currency="USD", catalog=[1, 2]),
        "catalog=.*list of products",
    ),
    # currencies
    ("scenarios unknown currency", lambda: ps.scenarios(currency="ZZZ"), "currency='ZZZ'"),
    ("scenarios lower-case currency", lambda: ps.scenarios(currency="usd"), "did you mean 'USD'"),
    ("scenarios no minor unit", lambda: ps.scenarios(currency="XAU"), "currency='XAU'"),
    ("catalogs unknown currency", lambda: ps.catalogs("ZZZ"), "currency='ZZZ'"),
    ("orders unknown currency", lambda: ps.orders("usd", catalog=CATALOG), "currency='usd'"),
    ("customers unknown currency", lambda: ps.customers("ZZZ"), "currency='ZZZ'"),
    ("discount_settings unknown", lambda: ps.discount_settings("ZZZ"), "currency='ZZZ'"),
    ("currencies a string", lambda: ps.currencies("USD"), "codes='USD'"),
    ("currencies none", lambda: ps.currencies(()), "codes"),
    ("currencies unknown", lambda: ps.currencies(["USD", "ZZZ"]), "codes='ZZZ'"),
    # money
    ("money a number as currency", lambda: ps.money(123), "currency=123"),
    ("money max_value<0", lambda: ps.money("USD", max_value=-1), "max_value=-1"),
    ("money max_value text", lambda: ps.money("USD", max_value="lots"), "max_value='lots'"),
    ("money max_value NaN", lambda: ps.money("USD", max_value="NaN"), "max_value='NaN'"),
    ("money max_value>10^12", lambda: ps.money("USD", max_value=10**12 + 1), "max_value="),
    ("money min_value>max_value", lambda: ps.money("USD", min_value=5, max_value=4), "min_value"),
    ("money finer than the currency", lambda: ps.money("JPY", max_value="0.5"), "decimals"),
    # percentages
    ("percentages places<0", lambda: ps.percentages(places=-1), "places=-1"),
    ("percentages max_value>100", lambda: ps.percentages(max_value=101), "max_value=101"),
    ("percentages min_value<0", lambda: ps.percentages(min_value=-1), "min_value=-1"),
    ("percentages min>max", lambda: ps.percentages(min_value=60, max_value=50), "min_value=60"),
    # names
    ("scenarios unknown feature", lambda: ps.scenarios(features={"telepathy"}), "telepathy"),
    ("scenarios features a string", lambda: ps.scenarios(features="coupons"), "features='coupons'"),
    (
        "discounts features a string",
        lambda: ps.discounts("USD", catalog=CATALOG, features="dates"),
        "features='dates'",
    ),
    ("orders unknown feature", lambda: ps.orders("USD", catalog=CATALOG, features=["x"]), "'x'"),
    ("scenarios unknown type", lambda: ps.scenarios(discount_types={"BOGO"}), "BOGO"),
    ("scenarios no type", lambda: ps.scenarios(discount_types=()), "discount_types"),
    (
        "scenarios types a string",
        lambda: ps.scenarios(discount_types="PERCENTAGE"),
        "discount_types='PERCENTAGE'",
    ),
    ("scenarios applicability", lambda: ps.scenarios(applicabilities={"TO_X"}), "TO_X"),
    # naive instants
    ("instants naive min_value", lambda: ps.instants(min_value=NAIVE), "min_value=.*timezone"),
    ("instants naive max_value", lambda: ps.instants(max_value=NAIVE), "max_value=.*timezone"),
    ("instants min>max", lambda: ps.instants(min_value=AWARE, max_value=NAIVE), "max_value"),
    ("scenarios naive at", lambda: ps.scenarios(at=NAIVE), "at=.*timezone-aware"),
    ("orders naive at", lambda: ps.orders("USD", catalog=CATALOG, at=NAIVE), "at=.*timezone"),
    ("discounts naive at", lambda: ps.discounts("USD", catalog=CATALOG, at=NAIVE), "at="),
    # flags
    ("scenarios coupon_errors", lambda: ps.scenarios(coupon_errors="yes"), "coupon_errors"),
    ("customers guests", lambda: ps.customers("USD", guests=None), "guests=None"),
]


@pytest.mark.parametrize(
    ("make", "message"),
    [pytest.param(make, message, id=name) for name, make, message in REFUSED],
)
def test_a_bad_argument_is_refused_when_the_strategy_is_made(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(InvalidArgument, match=message):
        make()


def test_a_strategy_given_as_at_that_draws_naive_instants_is_refused() -> None:
    """Only known once drawn: refused then, with the same message."""

    @settings(max_examples=1, database=None)
    @given(ps.scenarios(at=st.just(NAIVE)))
    def run(scenario: dict[str, Any]) -> None:
        raise AssertionError("drawn")

    with pytest.raises(InvalidArgument, match="timezone-aware"):
        run()


ACCEPTED: list[tuple[str, Callable[[], st.SearchStrategy[Any]]]] = [
    (
        "the largest sizes",
        lambda: ps.scenarios(max_products=500, max_discounts=200, max_lines=1000),
    ),
    ("no lines at all", lambda: ps.scenarios(min_lines=0, max_lines=0)),
    ("no features", lambda: ps.scenarios(features=[])),
    ("features as a tuple", lambda: ps.scenarios(features=("coupons",))),
    ("money at the limit", lambda: ps.money("USD", min_value=10**12, max_value=10**12)),
    ("whole yen", lambda: ps.money("JPY", max_value="5.00")),
    ("percentages exactly 100", lambda: ps.percentages(places=0, min_value=100)),
    ("an aware at", lambda: ps.orders("USD", catalog=CATALOG, at=AWARE)),
]


@pytest.mark.parametrize("make", [pytest.param(make, id=name) for name, make in ACCEPTED])
def test_arguments_at_the_edges_are_accepted(make: Callable[[], st.SearchStrategy[Any]]) -> None:
    """The bounds themselves are allowed, and what is drawn then is valid."""
    strategy = make()

    @settings(max_examples=3, database=None, deadline=None)
    @given(strategy)
    def run(value: Any) -> None:
        if isinstance(value, dict) and "order" in value:
            pricing.preview(value)

    run()


@settings(max_examples=5, database=None, deadline=None)
@given(
    ps.catalogs("USD", min_size=70, max_size=70),
    ps.discounts("USD", catalog=CATALOG, min_size=40, max_size=40),
)
def test_sizes_beyond_the_default_id_ranges_are_drawn_in_full(
    catalog: list[dict[str, Any]], discounts: list[dict[str, Any]]
) -> None:
    """Product ids 1-60 and discount ids 1-30 widen when more are asked for: 70 products
    and 40 discounts, each id once (and no product id one that stands for a missing one)."""
    assert len({p["id"] for p in catalog}) == 70
    assert not {p["id"] for p in catalog} & {998, 999, 1000}
    assert len({d["id"] for d in discounts}) == 40
    engine = pricing.Engine(currency="USD", catalog=catalog, discounts=discounts)
    engine.preview({"products": [{"productId": catalog[0]["id"], "quantity": 1}]}, at=AWARE)
