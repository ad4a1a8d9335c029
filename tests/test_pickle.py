"""Engines and errors pickle: they travel to worker processes and Dask workers."""

from __future__ import annotations

import pickle
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
