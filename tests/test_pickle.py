"""Engines and errors pickle: they travel to worker processes and Dask workers."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pricing
from pricing import batch
from tests.batch.support import AT_DT, BASELINE, CARTS


def test_an_engine_pickles_and_prices_the_same() -> None:
    engine = batch.RuleSet(BASELINE).engine
    again = pickle.loads(pickle.dumps(engine))
    assert again.currency == engine.currency
    for cart in CARTS[:60]:
        outcomes = []
        for e in (engine, again):
            try:
                outcomes.append(
                    e.preview(cart["order"], customer=cart["customer"], at=AT_DT).to_json()
                )
            except pricing.PricingError as exc:
                outcomes.append(repr(exc))
        assert outcomes[0] == outcomes[1]


AT = datetime(2026, 11, 22, 12, tzinfo=UTC)
ORDER = {"products": [{"productId": 1, "quantity": 1}]}


def _rule_set() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    catalog = [{"id": 1, "price": "10.00", "attributes": {"tags": ["a"]}}]
    discount = {
        "id": 1,
        "identifier": "ten",
        "discountValue": {"value": 10, "discountType": "PERCENTAGE", "applicability": "TO_ORDER"},
    }
    return catalog, [discount]


def test_an_engine_pickles_as_its_data_was_when_it_was_built() -> None:
    """A caller that reuses its dicts after building an engine changes neither the
    engine nor the engine a worker process gets (a pickle, as a spawned worker's)."""
    catalog, discounts = _rule_set()
    engine = pricing.Engine(currency="USD", catalog=catalog, discounts=discounts)
    # 10.00 − 10 % = 9.00
    assert engine.preview(ORDER, at=AT).total_due == Decimal("9.00")
    discounts[0]["discountValue"]["value"] = 90
    catalog[0]["price"] = "1000.00"
    catalog[0]["attributes"]["tags"].append("b")
    again = pickle.loads(pickle.dumps(engine))
    assert again.preview(ORDER, at=AT).total_due == Decimal("9.00")
    assert again.preview(ORDER, at=AT).to_json() == engine.preview(ORDER, at=AT).to_json()


def test_an_engine_built_from_mappings_that_do_not_pickle_still_pickles() -> None:
    """A ``mappingproxy`` (read-only view) or ``dict_values`` is fine to compile from,
    and the engine pickles as plain dicts and lists of the same data."""
    catalog, discounts = _rule_set()
    engine = pricing.Engine(
        currency="USD",
        catalog=[MappingProxyType(catalog[0])],
        discounts={1: discounts[0]}.values(),
    )
    again = pickle.loads(pickle.dumps(engine))
    assert again.preview(ORDER, at=AT).to_json() == engine.preview(ORDER, at=AT).to_json()
    assert again.preview(ORDER, at=AT).total_due == Decimal("9.00")


def test_a_rule_set_pickles_as_its_data_was_when_it_was_read() -> None:
    """The same for a what-if rule set, whose model holds the caller's nested lists."""
    catalog, discounts = _rule_set()
    discounts[0]["conditions"] = [
        {"conditionType": "ATTRIBUTE", "entityIds": [{"id": "tags"}], "value": '["a"]'}
    ]
    rules = batch.RuleSet({"currency": "USD", "catalog": catalog, "discounts": discounts})
    catalog[0]["attributes"]["tags"][0] = "b"  # the list the product's attributes hold
    # tags ["a"] (as JSON text '["a"]') matches: 10.00 − 10 % = 9.00, in all of them
    # (the rule set, its copy, and its engine sent on its own).
    for engine in (
        rules.engine,
        pickle.loads(pickle.dumps(rules)).engine,
        pickle.loads(pickle.dumps(rules.engine)),
    ):
        assert engine.preview(ORDER, at=AT).total_due == Decimal("9.00")


def test_a_rule_set_of_data_that_does_not_pickle_as_given_still_pickles() -> None:
    catalog, discounts = _rule_set()
    catalog[0]["attributes"]["size"] = MappingProxyType({"cm": 30})  # (kept as given)
    rules = batch.RuleSet({"currency": "USD", "catalog": catalog, "discounts": discounts})
    again = pickle.loads(pickle.dumps(rules))
    assert again.engine.preview(ORDER, at=AT).total_due == Decimal("9.00")
    assert pickle.loads(pickle.dumps(rules.engine)).preview(ORDER, at=AT).total_due == Decimal(
        "9.00"
    )


def test_errors_pickle_with_their_fields() -> None:
    """Errors raised in a worker process reach the parent whole."""
    errors: list[Any] = [
        pricing.ScenarioError("a.b", "bad", (("a.b", "bad"), ("c", "worse"))),
        pricing.CouponError("expired", "SAVE", "coupon 'SAVE' has expired"),
        pricing.SignedPriceError("expired", "token expired", "order.products[0].signedPrice"),
    ]
    for error in errors:
        again = pickle.loads(pickle.dumps(error))
        assert (type(again), str(again), vars(again)) == (type(error), str(error), vars(error))
