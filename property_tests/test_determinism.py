"""Byte-identical JSON across processes: nothing in the output may depend on hash
seeds (set or dict-of-set iteration order), the clock, or the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pricing
from pricing import strategies as ps
from pricing._values import instant

_RUN = """
import json, sys
import pricing
scenarios = json.load(open(sys.argv[1]))
print(json.dumps([pricing.preview(s).to_json() for s in scenarios]))
"""


def _in_subprocess(path: Path, seed: int) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "HYPOTHESIS_NO_PLUGINS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: list[str] = json.loads(done.stdout)
    return result


# Lists the engine builds itself (left-out gifts, warnings, lines' discounts) are
# where a set could sneak in: a third of each batch is heavy on them.
SCENARIOS = st.one_of(
    ps.scenarios(),
    ps.scenarios(features={"gifts", "unavailable", "markers", "input_variants"}),
)


@settings(max_examples=3, suppress_health_check=[HealthCheck.large_base_example])
@given(st.lists(SCENARIOS, min_size=20, max_size=20))
def test_output_does_not_depend_on_the_process(
    tmp_path_factory: Any, batch: list[dict[str, Any]]
) -> None:
    path = tmp_path_factory.mktemp("batch") / "scenarios.json"
    path.write_text(json.dumps(batch))
    here = [pricing.preview(s).to_json() for s in batch]
    for seed in (1, 2):
        assert _in_subprocess(path, seed) == here


_CART_KEYS = ("order", "customer", "at", "usage")
"""A scenario's keys that are not its rule set's."""


@st.composite
def _carts_of_one_rule_set(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Scenarios sharing one rule set, each with its own cart, customer and instant."""
    first = draw(ps.scenarios(max_discounts=8))
    rule_set = {key: value for key, value in first.items() if key not in _CART_KEYS}
    drawn = ("currency", "categories", "catalog", "discounts", "settings")
    more = draw(
        st.lists(ps.scenarios(**{key: first[key] for key in drawn}), min_size=1, max_size=12)
    )
    return [first, *({**s, **rule_set} for s in more)]


@st.composite
def _customers_of_one_cart(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One scenario again and again with other customers: only the audience changes."""
    first = draw(ps.scenarios(max_discounts=8))
    first.pop("usage", None)  # (with counters given, the reasons are not remembered)
    customers = draw(
        st.lists(ps.customers(first["currency"], discounts=first["discounts"]), max_size=8)
    )
    # and one customer in each group a rule names, then in none: only the groups change
    groups = {
        group["id"] if isinstance(group, dict) else group
        for discount in first["discounts"]
        for group in discount.get("userGroups") or ()
    }
    base = first.get("customer") or {"id": 1}
    customers += [{**base, "groupIds": [g]} for g in sorted(groups)] + [{**base, "groupIds": []}]
    return [first, *({**first, "customer": c} for c in customers)]


@st.composite
def _instants_across_a_date(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One cart priced on both sides of one of its discounts' dates: only the stretch
    between two dates changes (what the memo of the gates' reasons is keyed by)."""
    first = draw(ps.scenarios(max_discounts=8))
    dates = sorted({d[k] for d in first["discounts"] for k in ("startDate", "endDate") if d.get(k)})
    if not dates:
        return [first]
    edge = instant(draw(st.sampled_from(dates)))
    steps = (timedelta(microseconds=-1), timedelta(0), timedelta(days=1), timedelta(days=-1))
    return [first, *({**first, "at": (edge + step).isoformat()} for step in steps)]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(_carts_of_one_rule_set() | _customers_of_one_cart() | _instants_across_a_date())
def test_an_engine_used_for_many_carts_answers_as_a_fresh_one(
    batch: list[dict[str, Any]],
) -> None:
    # An engine remembers, per rule set, what carts share (the gates' reasons per
    # audience, texts of amounts and entries): none of it may leak from one cart into
    # another's answer.
    engine = pricing.Engine.from_rule_set(pricing.Scenario.model_validate(batch[0]))
    for scenario in batch * 2:  # (the second round meets every memo filled)
        at = datetime.fromisoformat(scenario["at"])
        order, customer, usage = scenario["order"], scenario.get("customer"), scenario.get("usage")
        # (a refusal too: a code whose discount is outside its dates at this instant)
        fresh = _answer(pricing.preview, scenario)
        assert _answer(engine.preview, order, customer=customer, at=at, usage=usage) == fresh
        text = _answer(
            engine.preview_json,
            pricing.dumps_json(order),
            pricing.dumps_json(customer),
            at=at,
            usage=usage,
        )
        assert text == (fresh if isinstance(fresh, tuple) else fresh["compact"])


def _answer(call: Any, *args: Any, **kwargs: Any) -> object:
    """The JSON of what ``call`` returns (both forms of a result), or the class and
    message of the error it raises."""
    try:
        result = call(*args, **kwargs)
    except pricing.PricingError as error:
        return type(error).__name__, str(error)
    if isinstance(result, str):
        return result
    return {"compact": result.to_json(indent=None), "indented": result.to_json()}
