"""``pricing.batch``: many carts, two rule sets; every figure equals a single preview's.

The carts and rule sets are generated with a seeded ``random.Random`` (no
hypothesis): the same every run, and varied enough to reach gifts, coupons,
markers, bonus, caps, stacking off and refused carts.
"""

from __future__ import annotations

import copy
import io
import json
import pickle
import random
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import pricing
from pricing import batch

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AT = "2026-11-22T12:00:00+00:00"
AT_DT = datetime.fromisoformat(AT)


# ---------------------------------------------------------------------------
# deterministic rule sets and carts


def _ruleset(seed: int, *, discounts: int = 14, stacking: bool = True) -> dict[str, Any]:
    rng = random.Random(seed)
    catalog = [
        {
            "id": pid,
            "title": f"P{pid}",
            "price": f"{rng.randint(1, 300)}.{rng.randint(0, 99):02d}",
            "categoryIds": [rng.choice([10, 11, 20])],
            "attributes": {"brand": rng.choice(["acme", "globex"]), "rating": rng.randint(1, 5)},
            "available": pid != 7,
        }
        for pid in range(1, 25)
    ]
    kinds = ["PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE"]
    rules = []
    for did in range(1, discounts + 1):
        kind = rng.choice(kinds)
        value = rng.choice([5, 10, 12.5]) if kind == "PERCENTAGE" else f"{rng.randint(1, 40)}.50"
        rule: dict[str, Any] = {
            "id": did,
            "identifier": f"r{did}",
            "position": rng.choice([None, did, 3]),
            "discountValue": {
                "value": value,
                "discountType": kind,
                "applicability": rng.choice(["TO_PRODUCT", "TO_ORDER"]),
                "maxAmount": rng.choice([None, "25.00"]),
            },
            "conditionLogic": rng.choice(["AND", "OR"]),
            "conditions": rng.choice(
                [
                    [],
                    [{"conditionType": "CATEGORY", "entityIds": [{"id": 1, "isNested": True}]}],
                    [
                        {
                            "conditionType": "ATTRIBUTE",
                            "entityIds": [{"id": "brand"}],
                            "value": "acme",
                        }
                    ],
                    [{"conditionType": "MIN_CART_AMOUNT", "value": {"amount": "150"}}],
                    [{"conditionType": "PRODUCT_IN_CART", "entityIds": [3, 4, 5]}],
                    [
                        {
                            "conditionType": "USER_ATTRIBUTE",
                            "entityIds": [{"id": "tier"}],
                            "value": "gold",
                        }
                    ],
                ]
            ),
        }
        roll = rng.random()
        if roll < 0.1:
            rule["coupons"] = [f"CODE{did}"]
        elif roll < 0.2:
            rule["activation"] = "ON_REQUEST"
        elif roll < 0.3:
            rule["gifts"] = [{"productId": rng.randint(1, 24), "quantity": 1}]
            rule["giftsReplaceCartItems"] = rng.random() < 0.5
        elif roll < 0.35:
            rule["type"] = "BONUS"
        elif roll < 0.45:
            rule["userGroups"] = [1]
        rules.append(rule)
    return {
        "currency": "USD",
        "categories": [{"id": 1}, {"id": 10, "parentId": 1}, {"id": 11, "parentId": 1}, {"id": 20}],
        "catalog": catalog,
        "discounts": rules,
        "settings": {
            "allowStacking": stacking,
            "maxDiscountValue": 45,
            "allowGiftStacking": rng.random() < 0.5,
            "maxBonusPaymentPercent": 50,
        },
    }


def _carts(seed: int, count: int, codes: list[str]) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    carts = []
    for n in range(count):
        order: dict[str, Any] = {
            "products": [
                {"productId": rng.randint(1, 24), "quantity": rng.randint(1, 4)}
                for _ in range(rng.randint(1, 6))
            ]
        }
        if rng.random() < 0.2:
            order["couponCode"] = rng.choice([*codes, "NOPE"])
        if rng.random() < 0.2:
            order["additionalDiscountsMarkers"] = [f"r{rng.randint(1, 16)}"]
        if rng.random() < 0.3:
            order["bonusAmount"] = "20"
        customer = None
        if rng.random() < 0.7:
            customer = {
                "id": n,
                "groupIds": rng.choice([[], [1]]),
                "attributes": {"tier": rng.choice(["gold", "silver"])},
                "bonusBalance": "50.00",
            }
        cart: dict[str, Any] = {"id": f"c{n}", "order": order, "customer": customer}
        if rng.random() < 0.5:
            cart["at"] = AT
        carts.append(cart)
    return carts


BASELINE = _ruleset(1)
CANDIDATE = _ruleset(2, stacking=False)
CANDIDATE["catalog"] = BASELINE["catalog"]  # the same shop, other rules
CODES = ["CODE1", "code2", "CODE5", "CODE9"]
CARTS = _carts(3, 160, CODES)
PRICED_CART = {
    "order": {"products": [{"productId": 3, "quantity": 2}, {"productId": 11, "quantity": 1}]},
    "customer": {"id": 1, "groupIds": [1], "attributes": {"tier": "gold"}, "bonusBalance": "50"},
}


def _scenario(ruleset: dict[str, Any], cart: dict[str, Any]) -> dict[str, Any]:
    return {
        **copy.deepcopy(ruleset),
        "order": cart["order"],
        "customer": cart["customer"],
        "at": cart.get("at", AT),
    }


def _single(ruleset: dict[str, Any], cart: dict[str, Any]) -> pricing.PreviewResult | str:
    """The one-call preview of the cart alone, or the error it raises."""
    try:
        return pricing.preview(_scenario(ruleset, cart))
    except pricing.PricingError as exc:
        return type(exc).__name__


def _same(priced: batch.Priced, single: pricing.PreviewResult | str) -> None:
    if isinstance(single, str):
        assert priced.error is not None
        assert priced.error.startswith(single)
        assert priced.total_due is None
        return
    assert priced.error is None
    for name in ("total_raw", "total_sum_with_discount", "bonus_applied", "total_due"):
        mine, theirs = getattr(priced, name), getattr(single, name)
        # Equal, and written the same (same exponent): exact, not merely close.
        assert (mine, str(mine)) == (theirs, str(theirs)), name
    assert priced.total_discount == single.total_discount
    applied = [e.id for e in single.explanation if e.status == "applied"]
    assert sorted(map(str, priced.applied)) == sorted(map(str, applied))


# ---------------------------------------------------------------------------
# equal to single previews


def test_price_many_equals_single_previews() -> None:
    priced = batch.price_many(CARTS, BASELINE, at=AT_DT, processes=1)
    assert [p.id for p in priced] == [c["id"] for c in CARTS]
    outcomes = [_single(BASELINE, c) for c in CARTS]
    for p, single in zip(priced, outcomes, strict=True):
        _same(p, single)
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


def test_whatif_rows_and_aggregate_equal_single_previews() -> None:
    study = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
    assert len(study.rows) == len(CARTS)
    revenue = {"b": Decimal(0), "c": Decimal(0)}
    discount = {"b": Decimal(0), "c": Decimal(0)}
    affected = errors = 0
    for row, cart in zip(study.rows, CARTS, strict=True):
        b, c = _single(BASELINE, cart), _single(CANDIDATE, cart)
        _same(row.baseline, b)
        _same(row.candidate, c)
        assert row.id == cart["id"]
        if isinstance(b, str) or isinstance(c, str):
            errors += 1
            assert row.error is not None
            assert row.total_due_delta is None
            continue
        assert row.total_due_delta == c.total_due - b.total_due
        assert row.discount_delta == c.total_discount - b.total_discount
        revenue["b"] += b.total_due
        revenue["c"] += c.total_due
        discount["b"] += b.total_discount
        discount["c"] += c.total_discount
        affected += row.affected
    agg = study.aggregate
    assert (agg.carts, agg.errors, agg.priced) == (len(CARTS), errors, len(CARTS) - errors)
    assert (agg.revenue_baseline, agg.revenue_candidate) == (revenue["b"], revenue["c"])
    assert (agg.discount_baseline, agg.discount_candidate) == (discount["b"], discount["c"])
    assert agg.revenue_delta == revenue["c"] - revenue["b"]
    assert agg.discount_delta == discount["c"] - discount["b"]
    assert agg.carts_affected == affected > 0
    assert agg.carts_paying_more + agg.carts_paying_less <= affected


def test_worker_processes_give_the_same_rows() -> None:
    one = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
    two = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=2)
    assert two.rows == one.rows
    assert two.aggregate == one.aggregate


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_examples_as_rule_set_and_cart(example: Path) -> None:
    scenario = pricing.loads_json(example.read_text(encoding="utf-8"))
    ruleset = {k: v for k, v in scenario.items() if k not in ("order", "customer", "at")}
    cart = {"order": scenario["order"], "customer": scenario.get("customer"), "at": scenario["at"]}
    (priced,) = batch.price_many([cart], ruleset)
    _same(priced, pricing.preview(scenario))


# ---------------------------------------------------------------------------
# inputs


def test_read_carts_jsonl_names_lines_and_defaults_ids(tmp_path: Path) -> None:
    file = tmp_path / "carts.jsonl"
    file.write_text(
        "\n".join(json.dumps(c) for c in CARTS[:3])
        + "\n\n"
        + json.dumps({"order": CARTS[3]["order"]}),
        encoding="utf-8",
    )
    carts = batch.read_carts(file)
    assert [c.id for c in carts] == ["c0", "c1", "c2", 5]  # no id: the line number
    assert carts[3].customer is None
    assert carts[3].at is None

    file.write_text('{"order": {"products": []}}\n{"order": {"products": [{"productId": 1}]}}\n')
    with pytest.raises(pricing.ScenarioError) as err:
        batch.read_carts(file)
    assert err.value.path == f"{file}:2: order.products[0].quantity"

    with pytest.raises(pricing.ScenarioError, match="malformed JSON"):
        batch.read_carts(io.StringIO('{"order": \n'))
    with pytest.raises(pricing.ScenarioError, match="unknown field"):
        batch.read_carts(['{"order": {"products": []}, "oder": 1}'])
    with pytest.raises(pricing.ScenarioError, match="no such file"):
        batch.read_carts(tmp_path / "missing.jsonl")


def test_rule_set_format_refuses_order_customer_at_and_typos(tmp_path: Path) -> None:
    for key in ("order", "customer", "at"):
        with pytest.raises(pricing.ScenarioError, match=f"a rule set has no '{key}'"):
            batch.RuleSet({**BASELINE, key: None})
    with pytest.raises(pricing.ScenarioError) as err:
        batch.RuleSet({**BASELINE, "discount": []}, name="B.json")
    assert err.value.path == "B.json: discount"
    bad = copy.deepcopy(BASELINE)
    bad["catalog"][0]["price"] = "1.005"
    file = tmp_path / "A.json"
    file.write_text(pricing.dumps_json(bad), encoding="utf-8")
    with pytest.raises(pricing.ScenarioError) as err:
        batch.RuleSet.load(file)
    assert err.value.path == f"{file}: catalog[0].price"


def test_cart_without_any_instant_is_bad_input() -> None:
    with pytest.raises(pricing.ScenarioError, match="at"):
        batch.price_many([{"id": "x", "order": CARTS[0]["order"]}], BASELINE)


def test_rule_sets_in_two_currencies_cannot_be_compared() -> None:
    euro = {**BASELINE, "currency": "EUR"}
    with pytest.raises(pricing.ScenarioError, match="different currencies"):
        batch.whatif(CARTS[:2], baseline=BASELINE, candidate=euro, at=AT_DT)


def test_an_engine_cannot_go_to_worker_processes() -> None:
    engine = batch.RuleSet(BASELINE).engine
    with pytest.raises(pricing.PricingConfigError, match="worker processes"):
        batch.price_many(CARTS[:2], engine, at=AT_DT, processes=2)


def test_refused_carts_are_rows_not_failures() -> None:
    carts = [
        {"id": 1, "order": {"products": [{"productId": 999, "quantity": 1}]}},
        {"id": 2, "order": {"products": [{"productId": 1, "quantity": 1}], "couponCode": "NOPE"}},
        {"id": 3, "order": {"products": [{"productId": 1, "quantity": 1}]}},
    ]
    study = batch.whatif(carts, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    assert [r.error is not None for r in study.rows] == [True, True, False]
    assert "unknown product 999" in (study.rows[0].error or "")
    assert "CouponError (not_found)" in (study.rows[1].error or "")
    assert (study.aggregate.errors, study.aggregate.priced) == (2, 1)


# ---------------------------------------------------------------------------
# outputs


def test_records_and_dataframe() -> None:
    study = batch.whatif(CARTS[:20], baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    records = study.records()
    assert tuple(records[0]) == batch.COLUMNS
    pd = pytest.importorskip("pandas")
    frame = study.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == list(batch.COLUMNS)
    assert frame["baseline_total_due"].tolist() == [r["baseline_total_due"] for r in records]


def test_dataframe_without_pandas_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas → ImportError
    study = batch.whatif(CARTS[:2], baseline=BASELINE, candidate=CANDIDATE, at=AT_DT)
    with pytest.raises(ImportError, match=r"pricing\[notebook\]"):
        study.to_dataframe()


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
    assert result.to_json() == pricing.preview(_scenario(BASELINE, cart)).to_json()
    with pytest.raises(AttributeError):
        result.total_due = Decimal(0)  # type: ignore[misc]
