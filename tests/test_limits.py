"""The input limits: within them every amount is exact; beyond them, a named refusal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

import pricing
from pricing._limits import (
    MAX_DISCOUNTS,
    MAX_GIFTS,
    MAX_LINE_SHARES,
    MAX_LINES,
    MAX_MONEY_DIGITS,
    MAX_QUANTITY,
    check_tree,
    depth_of,
)

AT = datetime(2026, 11, 22, 12, tzinfo=UTC)


def test_the_largest_order_is_exact_to_the_last_digit() -> None:
    """The bound that makes every amount exact, worked at its extreme.

    KWD has 3 decimals, so the largest price 10^12 − 0.001 is 10^15 − 1 fils.
    10,000 lines of 1,000,000 units: totalRaw = 10^4 × 10^6 × (10^15 − 1) fils
    = 10^25 − 10^10 fils: 25 digits, within the 28 a default Decimal context keeps,
    and the engine converts with a wider one anyway. A 33.333 % discount then takes
    round(totalRaw × 33.333 / 100) fils, worked here with integers.
    """
    price_fils = 10 ** (MAX_MONEY_DIGITS + 3) - 1
    engine = pricing.Engine(
        currency="KWD",
        catalog=[{"id": 1, "price": "999999999999.999"}],
        discounts=[
            {
                "id": 1,
                "discountValue": {
                    "value": "33.333",
                    "discountType": "PERCENTAGE",
                    "applicability": "TO_ORDER",
                },
            }
        ],
    )
    order = {"products": [{"productId": 1, "quantity": MAX_QUANTITY}] * MAX_LINES}
    result = engine.preview(order, at=AT)
    raw_fils = MAX_LINES * MAX_QUANTITY * price_fils
    # 33.333 % = 33333 / 100000; half up: floor((2·raw·33333 + 100000) / 200000)
    off_fils = (2 * raw_fils * 33333 + 100_000) // 200_000
    assert result.total_raw == D(raw_fils).scaleb(-3)
    assert result.total_discount == D(off_fils).scaleb(-3)
    assert sum(line.order_discount for line in result.lines) == result.total_discount
    doc = json.loads(result.to_json(), parse_float=D)
    assert doc["discountConfig"]["totalRaw"] == D(raw_fils).scaleb(-3)
    assert doc["totalSum"] == D(raw_fils - off_fils).scaleb(-3)


@pytest.mark.parametrize(
    ("price", "ok"),
    [("1000000000000", True), ("1000000000000.01", False), (10**12, True), (10**12 + 1, False)],
)
def test_money_is_at_most_ten_to_the_twelfth(price: object, ok: bool) -> None:
    make = lambda: pricing.Engine(currency="USD", catalog=[{"id": 1, "price": price}])  # noqa: E731
    if ok:
        make()
    else:
        with pytest.raises(pricing.ScenarioError) as info:
            make()
        assert info.value.path == "catalog[0].price"


def test_more_lines_than_the_limit_is_refused() -> None:
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": 1}])
    order = {"products": [{"productId": 1, "quantity": 1}] * (MAX_LINES + 1)}
    with pytest.raises(pricing.ScenarioError) as info:
        engine.preview(order, at=AT)
    assert info.value.path == "order.products"


def test_check_tree_names_the_first_problem_in_document_order() -> None:
    with pytest.raises(pricing.ScenarioError) as info:
        check_tree({"a": [1, {"b": "\ud800"}], "c": 10**50})
    assert info.value.path == "a[1].b"
    with pytest.raises(pricing.ScenarioError) as info:
        check_tree({"a": [1, 2], "c": 10**50}, prefix="order")
    assert info.value.path == "order.c"


def test_check_tree_stops_a_cycle_without_recursing() -> None:
    loop: dict[str, object] = {}
    loop["self"] = loop
    with pytest.raises(pricing.ScenarioError, match="levels deep"):
        check_tree(loop)


def test_depth_of_counts_containers() -> None:
    assert depth_of(1) == 0
    assert depth_of({"a": [1]}) == 2
    assert depth_of([[[]]]) == 3


LONG_KEY = "K" * 300


def _scenario(**changes: object) -> dict:
    base: dict = {
        "currency": "USD",
        "catalog": [{"id": 1, "price": "10"}],
        "discounts": [],
        "order": {"products": [{"productId": 1, "quantity": 1}]},
        "at": "2026-01-01T00:00:00Z",
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("text", "strict", "path_prefix"),
    [
        # an unknown settings key
        (json.dumps(_scenario(settings={LONG_KEY: 1})), False, "settings."),
        # an unknown discount key, with strict
        (
            json.dumps(
                _scenario(
                    discounts=[
                        {
                            "id": 1,
                            "type": "DISCOUNT",
                            "discountValue": {"value": 5, "discountType": "PERCENTAGE"},
                            LONG_KEY: 1,
                        }
                    ]
                )
            ),
            True,
            "discounts[0].",
        ),
        # a key given twice
        ('{"' + LONG_KEY + '": 1, "' + LONG_KEY + '": 2}', False, ""),
    ],
)
def test_a_long_key_is_quoted_to_100_characters(text: str, strict: bool, path_prefix: str) -> None:
    """Error messages quote at most 100 characters of any input, keys included; the
    error's ``path`` keeps the key whole for a program to read."""
    with pytest.raises(pricing.ScenarioError) as caught:
        pricing.preview_json(text, strict=strict)
    message = str(caught.value)
    assert "K" * 100 not in message
    assert path_prefix + "K" * 99 + "…" in message
    assert caught.value.path == path_prefix + LONG_KEY


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("markers", "order.additionalDiscountsMarkers"),  # echoed in an order of the hash's
        ("codes", "order.couponCodes"),
        ("entity_ids", "discounts[0].conditions[0].entityIds"),  # (a TypeError when echoed)
        ("display", "discounts[0].localizeInfos.tags"),
        ("groups", "customer.groupIds"),
    ],
)
def test_a_python_set_is_refused_wherever_it_is(where: str, path: str) -> None:
    """JSON has no sets, and a set of strings is ordered differently from run to run: the
    same input would not give the same bytes. Refused, naming where it is."""
    discount = {"id": 1, "discountValue": {"value": 10, "discountType": "PERCENTAGE"}}
    if where == "entity_ids":
        discount["conditions"] = [{"conditionType": "PRODUCT", "entityIds": {1, 2}}]
    if where == "display":
        discount["localizeInfos"] = {"tags": {"a", "b"}}
    order: dict[str, object] = {"products": [{"productId": 1, "quantity": 1}]}
    if where == "markers":
        order["additionalDiscountsMarkers"] = {"b", "a"}
    if where == "codes":
        order["couponCodes"] = {"B", "A"}
    customer = {"id": 1, "groupIds": {3, 4}} if where == "groups" else None
    scenario = {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "catalog": [{"id": 1, "price": "10.00"}],
        "discounts": [discount],
        "order": order,
        "customer": customer,
    }
    with pytest.raises(pricing.ScenarioError, match="must be a list: a set's order") as err:
        pricing.preview(scenario)
    assert err.value.path == path

    def compiled_then_priced() -> None:
        engine = pricing.Engine(currency="USD", catalog=scenario["catalog"], discounts=[discount])
        engine.preview(order, customer=customer, at=datetime(2026, 11, 22, tzinfo=UTC))

    with pytest.raises(pricing.ScenarioError) as err:
        compiled_then_priced()
    assert err.value.path == path


def test_a_python_object_that_is_no_json_value_is_refused_by_path() -> None:
    """It could not be echoed (to_json raised a TypeError); nor could a key that is no
    text (a TypeError too, before)."""
    from enum import StrEnum

    from pricing._limits import check_tree

    class Code(StrEnum):
        A = "A"

    shaped = [True, None, 1, "x", Code.A, 1.5, D("1.5"), (1,), datetime(2026, 1, 1), {"k": []}]
    check_tree({"all": shaped})  # (every kind of JSON-shaped value passes)
    discount = {"id": 1, "localizeInfos": {"x": object()}}
    with pytest.raises(pricing.ScenarioError, match="not a Python object") as err:
        pricing.Engine(currency="USD", discounts=[discount])
    assert err.value.path == "discounts[0].localizeInfos.x"
    order = {"products": [], None: float("nan")}
    engine = pricing.Engine(currency="USD")
    with pytest.raises(pricing.ScenarioError, match="a key that is a Python NoneType") as err:
        engine.preview(order, at=datetime(2026, 11, 22, tzinfo=UTC))
    assert err.value.path == "order"


@pytest.mark.parametrize(
    ("make", "path", "problem"),
    [
        # a title holding the writer's number marks came out as a bare number: "title":12
        (
            lambda: {"catalog": [pricing.Product(id=1, price="1.00", title="\udc8012\udc80")]},
            "catalog[0].title",
            "lone surrogate",
        ),
        (
            lambda: {"customer": pricing.Customer(id=1, attributes={"a": float("nan")})},
            "customer.attributes.a",
            "not a number JSON allows",
        ),
        (
            lambda: {"customer": pricing.Customer(id=1, attributes={"a": {1, 2}})},
            "customer.attributes.a",
            "must be a list",
        ),
        (
            lambda: {"discounts": [pricing.Discount(id=1, localize_infos={"t": 10**50})]},
            "discounts[0].localizeInfos.t",
            "at most 40 digits",
        ),
    ],
)
def test_a_model_the_caller_made_is_held_to_the_input_limits(make, path, problem) -> None:
    """Pydantic lets through what the limits refuse: a model made by the caller is walked
    where it enters, as its JSON form would be."""
    parts = make()
    at = datetime(2026, 11, 22, tzinfo=UTC)
    order = {"products": [{"productId": 1, "quantity": 1}]}

    def priced() -> None:
        engine = pricing.Engine(
            currency="USD",
            catalog=parts.get("catalog", [{"id": 1, "price": "1.00"}]),
            discounts=parts.get("discounts", []),
        )
        engine.preview(order, customer=parts.get("customer"), at=at)

    with pytest.raises(pricing.ScenarioError, match=problem) as err:
        priced()
    assert err.value.path == path


def test_input_walked_once_is_not_walked_again(monkeypatch, tmp_path) -> None:
    """A scenario's text is walked as it is parsed, a model the caller made where it
    enters: neither again on the way (the one-call path cost a third more)."""
    import pricing._limits
    from pricing import batch

    walks: list[str] = []
    walk = pricing._limits.check_tree

    def counted(root, *, prefix="", **kw):
        walks.append(prefix)
        return walk(root, prefix=prefix, **kw)

    for module in ("_engine", "_ruleset", "_stages.intake", "batch.io"):
        monkeypatch.setattr(f"pricing.{module}.check_tree", counted)
    scenario = {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "catalog": [{"id": 1, "price": "1.00"}],
        "order": {"products": [{"productId": 1, "quantity": 1}], "couponCodes": []},
        "customer": {"id": 1, "attributes": {"a": [1]}},
    }
    pricing.preview_json(json.dumps(scenario))
    assert walks == []
    pricing.preview(scenario)
    assert walks == [""]  # (the whole scenario, once)
    (cart,) = batch.read_carts([json.dumps({"order": scenario["order"]})])
    assert cart.walked
    walks.clear()
    when = datetime(2026, 11, 22, tzinfo=UTC)
    rule_set = {"currency": "USD", "catalog": scenario["catalog"]}
    rows = batch.price_many([cart], batch.RuleSet(rule_set), at=when, processes=1)
    assert rows[0].error is None
    assert walks == [""]  # (the rule set's data; not the cart)
    rule_file = tmp_path / "rules.json"
    rule_file.write_text(json.dumps(rule_set))
    walks.clear()
    batch.RuleSet.load(rule_file)  # (parsed from text: walked as it was read)
    assert walks == []
    by_hand = batch.Cart("x", pricing.Order.model_validate(scenario["order"]))
    walks.clear()
    batch.price_many([by_hand], batch.RuleSet(rule_set), at=when, processes=1)
    assert walks == ["", "order"]


def test_a_model_stands_only_where_a_model_type_puts_it() -> None:
    """In free-form JSON (a display field, an extra key, an object's value) a model could
    not be echoed (a TypeError at to_json): refused there; where the schema puts models
    (a list of products, a scenario's usage) it is walked."""
    category = pricing.Category(id=1)
    cases = [
        ({"id": 1, "localizeInfos": {"m": category}}, "discounts[0].localizeInfos.m"),
        (pricing.Discount(id=1, localize_infos=category), "discounts[0].localizeInfos"),
        ({"id": 1, "extraKey": category}, "discounts[0].extraKey"),
    ]
    for discount, path in cases:
        with pytest.raises(pricing.ScenarioError, match="not a Python Category") as err:
            pricing.Engine(currency="USD", discounts=[discount])
        assert err.value.path == path
    # a key named as the walk's own mark once was is walked like any other
    hidden = pricing.Discount.model_validate({"id": 1, "_walked": True, "foo": float("nan")})
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.Engine(currency="USD", discounts=[hidden])
    assert err.value.path == "discounts[0].foo"
    scenario = pricing.Scenario.model_validate(
        {
            "at": "2026-11-22T12:00:00Z",
            "currency": "USD",
            "catalog": [{"id": 1, "price": "1.00"}],
            "discounts": [{"id": 1, "usageLimit": 5}],
            "order": {"products": [{"productId": 1, "quantity": 1}]},
            "usage": {"1": {"uses": 5}},
        }
    )
    result = pricing.preview(scenario)  # (usage's entries are models: walked, not refused)
    assert result.explanation[0].reason == "usage_limit_reached"


@pytest.mark.parametrize("key", [(1, 2), b"k", D("1.5"), float("nan"), object(), 1, True])
def test_a_key_that_is_no_text_is_refused_where_it_is(key: object) -> None:
    """A Python dict's key of another type passed the walk, and the echo could not be
    written (a TypeError at to_json); an object's repr named it by its address. An
    integer key was written as text, so ``{1: 3, "1": 4}`` wrote one key twice."""
    discount = {"id": 1, "localizeInfos": {"title": {key: 3}}}
    with pytest.raises(pricing.ScenarioError) as err:
        pricing.Engine(currency="USD", discounts=[discount])
    assert err.value.path == "discounts[0].localizeInfos.title"
    assert err.value.message == f"has a key that is a Python {type(key).__name__}: keys are text"


@pytest.mark.parametrize(
    ("value", "refused"), [(10**40 - 1, False), (10**40, True), (2**133 - 1, True)]
)
def test_an_integer_from_python_has_at_most_40_digits_as_in_json_text(value, refused) -> None:
    """10**40 has 41 digits: refused in JSON text, it was accepted from a Python dict
    (the walk bounded integers by 133 bits, and 2**133 > 10**40)."""
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "1.00"}])
    customer = {"id": 1, "attributes": {"n": value}}
    order = {"products": [{"productId": 1, "quantity": 1}]}
    at = datetime(2026, 11, 22, tzinfo=UTC)
    if not refused:
        assert engine.preview(order, customer=customer, at=at).total_due == D("1.00")
        return
    with pytest.raises(pricing.ScenarioError, match="at most 40 digits") as err:
        engine.preview(order, customer=customer, at=at)
    assert err.value.path == "customer.attributes.n"


# ---------------------------------------------------------------------------
# the size of an answer: discounts, gifts and shares are bounded like lines


def _bare_discounts(n: int) -> list[dict[str, object]]:
    """``n`` discounts with no value nor condition: each applies to every line."""
    return [{"id": k} for k in range(1, n + 1)]


@pytest.mark.parametrize(
    "given_as",
    [
        lambda discounts: pricing.Engine(currency="USD", discounts=discounts),
        lambda discounts: pricing.preview(
            {
                "at": "2026-11-22T12:00:00Z",
                "currency": "USD",
                "discounts": discounts,
                "order": {"products": []},
            }
        ),
    ],
    ids=["engine", "scenario"],
)
def test_more_discounts_than_the_limit_is_refused(given_as) -> None:
    with pytest.raises(pricing.ScenarioError) as info:
        given_as(_bare_discounts(MAX_DISCOUNTS + 1))
    assert info.value.path == "discounts"
    assert f"at most {MAX_DISCOUNTS} items" in info.value.message


def test_the_gifts_of_all_discounts_are_bounded_together() -> None:
    """One discount may not list more gifts than an order has lines, nor may all of them
    together: a 2-byte entry each, a small file made hundreds of thousands of lines."""
    catalog = [{"id": 1, "price": 1}]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(currency="USD", catalog=catalog,
                       discounts=[{"id": 1, "gifts": [1] * (MAX_GIFTS + 1)}])  # fmt: skip
    assert info.value.path == "discounts[0].gifts"
    half = MAX_GIFTS // 2
    fits = [{"id": 1, "gifts": [1] * half}, {"id": 2, "gifts": [1] * (MAX_GIFTS - half)}]
    pricing.Engine(currency="USD", catalog=catalog, discounts=fits)  # exactly at the bound
    over = [*fits, {"id": 3, "gifts": [1]}]
    with pytest.raises(pricing.ScenarioError) as info:
        pricing.Engine(currency="USD", catalog=catalog, discounts=over)
    assert info.value.path == "discounts[2].gifts"
    assert f"more than {MAX_GIFTS:,} entries" in info.value.message


def test_the_shares_of_one_preview_are_bounded() -> None:
    """1,000 discounts that apply to every line of 1,000 lines make 1,000,000 shares: the
    bound, priced; one line more is refused before a share is worked out."""
    assert MAX_LINE_SHARES == 1000 * 1000
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": k, "price": 1} for k in range(1001)],
        discounts=_bare_discounts(1000),
    )
    lines = [{"productId": k, "quantity": 1} for k in range(1001)]
    result = engine.preview({"products": lines[:1000]}, at=AT)
    assert result.total_due == D(1000)  # (bare discounts take nothing)
    with pytest.raises(pricing.ScenarioError) as info:
        engine.preview({"products": lines}, at=AT)
    assert info.value.path == "discounts"
    assert info.value.message.startswith("1,001,000 shares in one preview")


def test_the_shares_of_a_shipping_discount_are_its_shipping_lines() -> None:
    """A shipping discount is shared over the shipping lines: 1,001 of them under 1,000
    shipping discounts are over the bound, with a single goods line."""
    free_shipping = {"value": 100, "discountType": "PERCENTAGE", "applicability": "TO_SHIPPING"}
    engine = pricing.Engine(
        currency="USD",
        catalog=[{"id": 1, "price": 1}],
        discounts=[{"id": k, "discountValue": free_shipping} for k in range(1, 1001)],
    )
    ships = [{"id": str(k), "price": 1} for k in range(1001)]
    order = {"products": [{"productId": 1, "quantity": 1}], "shippingLines": ships[:1000]}
    assert engine.preview(order, at=AT).total_due == D(1)  # 1.00 of goods, shipping free
    with pytest.raises(pricing.ScenarioError) as info:
        engine.preview({**order, "shippingLines": ships}, at=AT)
    assert info.value.message.startswith("1,001,000 shares in one preview")
