"""``pricing.batch`` pricing many carts: every figure equals a single preview's."""

from __future__ import annotations

import json
import pickle
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing import batch
from pricing.batch import pool

from .support import (
    AT_DT,
    BASELINE,
    CANDIDATE,
    CARTS,
    EXAMPLES,
    PRICED_CART,
    assert_same,
    one_preview,
    scenario_of,
)


def test_price_many_equals_single_previews() -> None:
    priced = batch.price_many(CARTS, BASELINE, at=AT_DT, processes=1)
    assert [p.id for p in priced] == [c["id"] for c in CARTS]
    outcomes = [one_preview(BASELINE, c) for c in CARTS]
    for p, single in zip(priced, outcomes, strict=True):
        assert_same(p, single)
    # The generator reaches both priced and refused carts.
    assert any(isinstance(s, str) for s in outcomes)
    assert sum(1 for s in outcomes if not isinstance(s, str)) > 100


def test_price_many_with_a_compiled_engine_equals_engine_preview() -> None:
    engine = batch.RuleSet(BASELINE).engine
    priced = batch.price_many(CARTS[:40], engine, at=AT_DT)
    for p, cart in zip(priced, CARTS[:40], strict=True):
        try:
            r = engine.preview(cart["order"], customer=cart["customer"], at=AT_DT)
        except pricing.PricingError:
            assert p.error is not None
            continue
        assert (p.total_raw, p.total_due, p.applied) == (r.total_raw, r.total_due, r.applied_ids)


def test_worker_processes_give_the_same_rows() -> None:
    one = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
    two = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=2)
    assert two.rows == one.rows
    assert two.aggregate == one.aggregate


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_examples_as_rule_set_and_cart(example: Path) -> None:
    scenario = pricing.loads_json(example.read_text(encoding="utf-8"))
    cart_keys = ("order", "customer", "at", "usage")
    ruleset = {k: v for k, v in scenario.items() if k not in cart_keys}
    cart = {k: scenario[k] for k in cart_keys if k in scenario}
    (priced,) = batch.price_many([cart], ruleset)
    assert_same(priced, pricing.preview(scenario))


@pytest.mark.parametrize(("cart_id", "named"), [("x", "x"), (7, "7"), ("a\nb", '"a\\nb"')])
def test_cart_without_any_instant_is_bad_input(cart_id: object, named: str) -> None:
    """The cart is named by its id; one that would break the message's line is quoted."""
    with pytest.raises(pricing.ScenarioError) as err:
        batch.price_many([{"id": cart_id, "order": CARTS[0]["order"]}], BASELINE)
    assert err.value.path == f"cart {named}: at"


def test_a_compiled_engine_goes_to_worker_processes_too() -> None:
    """An engine pickles (as what it was built from), so a pool can price with it."""
    engine = batch.RuleSet(BASELINE).engine
    two = batch.price_many(CARTS[:40], engine, at=AT_DT, processes=2)
    assert two == batch.price_many(CARTS[:40], BASELINE, at=AT_DT, processes=1)
    with pytest.raises(pricing.PricingConfigError, match="at least 1"):
        batch.price_many(CARTS[:2], engine, at=AT_DT, processes=0)


def test_progress_without_tqdm_is_a_plain_counter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    batch.price_many(CARTS[:10], BASELINE, at=AT_DT, progress=True)
    assert "10/10 carts" in capsys.readouterr().err
    batch.price_many(CARTS[:10], BASELINE, at=AT_DT, progress=False)
    assert capsys.readouterr().err == ""


def test_rule_set_and_results_survive_pickling() -> None:
    """Rule sets travel to workers as data; a result pickles with its built views."""
    ruleset = pickle.loads(pickle.dumps(batch.RuleSet(BASELINE)))
    cart = PRICED_CART
    result = ruleset.engine.preview(cart["order"], customer=cart["customer"], at=AT_DT)
    copy_ = pickle.loads(pickle.dumps(result))
    assert copy_ == result
    assert copy_.to_json() == result.to_json()
    assert (copy_.lines, copy_.explanation) == (result.lines, result.explanation)


def test_result_views_are_built_on_demand_and_kept() -> None:
    engine = batch.RuleSet(BASELINE).engine
    cart = PRICED_CART
    result = engine.preview(cart["order"], customer=cart["customer"], at=AT_DT)
    assert result.document is result.document
    assert result.to_json() == pricing.preview(scenario_of(BASELINE, cart)).to_json()
    with pytest.raises(AttributeError):
        result.total_due = Decimal(0)  # type: ignore[misc]


def test_ctrl_c_during_a_pooled_batch_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """An interrupt while workers price propagates as is (the CLI turns it into exit 130)."""

    def interrupted(self: object, n: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pool.Progress, "update", interrupted)
    with pytest.raises(KeyboardInterrupt):
        batch.price_many(CARTS, BASELINE, at=AT_DT, processes=2, progress=False)
    # Nothing is left behind: the next pooled batch runs as usual.
    monkeypatch.undo()
    assert batch.price_many(CARTS[:3], BASELINE, at=AT_DT, processes=2) == batch.price_many(
        CARTS[:3], BASELINE, at=AT_DT, processes=1
    )


def test_worker_processes_price_carts_with_usage_customers_and_instants_alike() -> None:
    """Carts go to the workers as their JSON form and instant (checked against the
    schema here; there the engine reads the JSON as it reads any): with usage
    counters, a customer or a guest, and each cart's own instant, a pool gives the
    rows this process gives."""
    scenario = pricing.loads_json((EXAMPLES / "usage-limits.json").read_text(encoding="utf-8"))
    ruleset = {k: v for k, v in scenario.items() if k not in ("order", "customer", "at", "usage")}
    carts = []
    for n in range(60):  # counters near each limit, guests and customers, two instants
        usage = {key: {**counts, "uses": counts.get("uses", 0) + n % 3}
                 for key, counts in scenario["usage"].items()}  # fmt: skip
        carts.append(
            {
                "id": n,
                "order": scenario["order"],
                "customer": scenario["customer"] if n % 4 else None,
                "at": scenario["at"] if n % 5 else "2026-12-31T23:59:59+01:00",
                "usage": usage,
            }
        )
    here = batch.price_many(carts, ruleset, processes=1)
    assert batch.price_many(carts, ruleset, processes=2) == here
    assert len({(p.total_due, p.applied) for p in here}) >= 2  # (the counters tell carts apart)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"at": "2026-11-22T12:00:00Z"}, pricing.ScenarioError, "timezone-aware datetime"),
        ({"processes": "2"}, pricing.PricingConfigError, "an integer of at least 1"),
        ({"processes": 0}, pricing.PricingConfigError, "an integer of at least 1"),
    ],
)
def test_a_batch_option_of_the_wrong_type_is_refused_clearly(
    options: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        batch.whatif(CARTS[:2], baseline=BASELINE, candidate=CANDIDATE, **options)


@pytest.mark.parametrize("carts", [None, 5, "carts.jsonl", {"order": {"products": []}}])
def test_carts_that_are_no_collection_are_bad_input(carts: Any) -> None:
    """``None``, a number, a file name or a single cart raised a TypeError (or read a
    string's characters as carts)."""
    with pytest.raises(pricing.ScenarioError, match="must be carts") as err:
        batch.price_many(carts, BASELINE)
    assert err.value.path == "carts"


def test_a_cart_given_as_another_mapping_is_priced_in_worker_processes_too() -> None:
    """Its JSON form is sent to workers only when it is a dict (a mappingproxy does not
    pickle): else the validated cart goes."""
    from types import MappingProxyType

    carts = [MappingProxyType(c) for c in CARTS[:3]]
    here = batch.price_many(carts, BASELINE, at=AT_DT, processes=1)
    assert batch.price_many(carts, BASELINE, at=AT_DT, processes=2) == here


def test_a_cart_changed_after_it_was_read_is_walked_again() -> None:
    """``dataclasses.replace`` makes a cart that was not read: its parts are walked when
    it is priced (a NaN attribute got through)."""
    import dataclasses

    (cart,) = batch.read_carts([json.dumps({"order": CARTS[0]["order"]})])
    assert cart.walked
    odd = dataclasses.replace(cart, customer=pricing.Customer(id=1, attributes={"x": float("nan")}))
    assert not odd.walked
    (row,) = batch.price_many([odd], BASELINE, at=AT_DT, processes=1)
    assert row.error is not None
    assert "customer.attributes.x: nan is not a number" in row.error


def test_a_cart_holding_another_mapping_anywhere_goes_to_workers_validated() -> None:
    from types import MappingProxyType

    carts = [{**c, "order": MappingProxyType(c["order"])} for c in CARTS[:3]]
    here = batch.price_many(carts, BASELINE, at=AT_DT, processes=1)
    assert batch.price_many(carts, BASELINE, at=AT_DT, processes=2) == here


def test_a_cart_without_at_is_refused_before_any_is_priced(monkeypatch) -> None:
    """With no batch instant, every cart must bring its own: one without is bad input
    before the carts ahead of it are priced (it stopped the study halfway)."""
    import pricing.batch.pool as pool

    dated = {"order": {"products": [{"productId": 1, "quantity": 1}]},
             "at": "2026-11-22T12:00:00Z"}  # fmt: skip
    undated = {"id": "late", "order": {"products": [{"productId": 1, "quantity": 1}]}}
    priced = []
    real = pool._price
    monkeypatch.setattr(pool, "_price", lambda *a, **k: priced.append(a) or real(*a, **k))
    for run in (
        lambda: batch.whatif([dated, undated], baseline=BASELINE, candidate=CANDIDATE),
        lambda: batch.price_many([dated, undated], BASELINE),
    ):
        with pytest.raises(pricing.ScenarioError) as err:
            run()
        message = "cart late: at: field required (give it in the cart or for the batch)"
        assert str(err.value) == message
    assert priced == []
