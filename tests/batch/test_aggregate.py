"""``batch.Aggregate`` is a mergeable value: partials of any split add up exactly."""

from __future__ import annotations

import pickle
from decimal import Decimal
from functools import reduce

import pytest

import pricing
from pricing import batch

from .support import AT_DT, BASELINE, CANDIDATE, CARTS

WHOLE = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)


def test_an_aggregate_of_an_unknown_currency_is_bad_input() -> None:
    with pytest.raises(pricing.ScenarioError, match="unknown ISO 4217 currency 'usd'"):
        batch.Aggregate.empty("usd")  # (a KeyError, before)


def test_empty_is_the_identity_and_prints_the_currency_decimals() -> None:
    empty = batch.Aggregate.empty("USD")
    assert (empty.carts, empty.priced, str(empty.revenue_baseline)) == (0, 0, "0.00")
    assert str(batch.Aggregate.empty("JPY").discount_delta) == "0"
    agg = WHOLE.aggregate
    assert empty + agg == agg + empty == agg
    assert batch.fold_whatif([], baseline=BASELINE, candidate=CANDIDATE, at=AT_DT) == empty


def test_partitions_fold_to_the_whole_with_combine_plus_and_sum() -> None:
    parts = [CARTS[:7], CARTS[7:90], CARTS[90:91], CARTS[91:]]
    partials = [
        batch.fold_whatif(p, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
        for p in parts
    ]
    agg = WHOLE.aggregate
    assert reduce(batch.Aggregate.combine, partials, batch.Aggregate.empty("USD")) == agg
    assert partials[0] + partials[1] + partials[2] + partials[3] == agg
    assert sum(partials) == agg  # 0 + aggregate is the aggregate
    # the figures are Decimals written with the currency's decimals, as the whole's
    merged = sum(reversed(partials))
    assert isinstance(merged, batch.Aggregate)
    assert {k: str(v) for k, v in merged.as_dict().items()} == {
        k: str(v) for k, v in agg.as_dict().items()
    }


def test_combine_refuses_two_currencies_and_other_values() -> None:
    with pytest.raises(pricing.PricingConfigError, match="USD and EUR"):
        batch.Aggregate.empty("USD").combine(batch.Aggregate.empty("EUR"))
    with pytest.raises(TypeError):
        batch.Aggregate.empty("USD") + 1  # type: ignore[operator]


def test_sums_are_exact_past_the_default_decimal_precision() -> None:
    """28 significant digits would round these; the aggregate never does."""
    big = batch.Aggregate.empty("USD").figures()
    big["revenue_baseline"] = Decimal("123456789012345678901234567.89")
    one = batch.Aggregate(currency="USD", **big)
    cent = batch.Aggregate(currency="USD", **{**big, "revenue_baseline": Decimal("0.01")})
    assert (one + cent).revenue_baseline == Decimal("123456789012345678901234567.90")


def test_an_aggregate_pickles() -> None:
    agg = WHOLE.aggregate
    assert pickle.loads(pickle.dumps(agg)) == agg
