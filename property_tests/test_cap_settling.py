"""Settling the rules past the cap (stage 5) is sharing every rule, then capping (stage 6).

Past the cap, the order stage settles rules from bounds on their base instead of
sharing them (``pricing._stages.cap.settle_past_cap``): a differential property of the
two ways, on random line amounts and rules whose bases sit near the edges (fixed
prices near a base, tiny percentages, maxAmount 0).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

import pricing
from pricing._money import Rate
from pricing._ruleset.formulas import order_keeper, order_taker
from pricing._ruleset.rules import Rule
from pricing._stages.cap import apply_cap, cap_limit
from pricing._stages.order_discounts import apply_order_discounts
from pricing._stages.records import Applied

_TEMPLATE = pricing.Engine(
    currency="USD", catalog=[{"id": 1, "price": "1.00"}], discounts=[{"id": 1}]
)._rs.index.rules[0]


def _rule(kind: str, percent: str, value: int, max_amount: int | None, rid: int = 1) -> Rule:
    rate = Rate.from_percent(D(percent))
    return dataclasses.replace(
        _TEMPLATE,
        id=rid,
        kind=kind,
        rate=rate,
        value=value,
        max_amount=max_amount,
        take=order_taker(kind, rate, value, max_amount),
        keep=order_keeper(kind, rate, value, max_amount),
    )


@st.composite
def _rules(draw: Any, lines: int, scale: int) -> tuple[Rule, tuple[int, ...]]:
    kind = draw(st.sampled_from(["PERCENTAGE", "FIXED_AMOUNT", "FIXED_PRICE", "NONE"]))
    percent = draw(st.sampled_from(["0", "0.5", "1", "10", "33.333", "50", "99", "100"]))
    value = draw(st.integers(0, scale))
    max_amount = draw(st.none() | st.integers(0, scale))
    rule = _rule(kind, percent, value, max_amount, draw(st.integers(1, 10**6)))
    every = draw(st.booleans())
    targets = (
        tuple(range(lines))
        if every
        else tuple(sorted(draw(st.sets(st.integers(0, lines - 1), min_size=1))))
    )
    return rule, targets


@st.composite
def _carts(draw: Any) -> tuple[list[int], list[tuple[Rule, tuple[int, ...]]], Rate]:
    # Amounts of a few minor units most of the time: there one unit of rounding
    # (equal remainders), or one line a pending rule took, decides whether a later
    # amount is 0.
    scale = draw(st.sampled_from([3, 12, 5000]))
    amounts = draw(st.lists(st.integers(0, scale), min_size=1, max_size=6))
    chosen = draw(st.lists(_rules(len(amounts), scale), max_size=10))
    # A 0 % cap is used up before the first rule: every rule is settled past it.
    percent = draw(st.sampled_from(["0", "0", "1", "5", "10", "25", "40", "100"]))
    cap = Rate.from_percent(D(percent))
    return amounts, chosen, cap


def _outcome(applied: list[Applied]) -> list[tuple[Any, ...]]:
    return [(id(a.rule), a.targets, list(a.shares), a.amount, a.capped) for a in applied]


@settings(max_examples=max(400, settings().max_examples))
@given(_carts())
# Lines of 0.01, 0.03, 0.01, 0.01 and a 0 % cap. d1 (fixed price 0, maxAmount 0.03)
# takes 0.03, shared 0.01, 0.02, 0, 0 (quotas ½, 1½, ½, ½: equal remainders, so the
# earlier lines): 0.00, 0.01, 0.01, 0.01 left. d2 (fixed price 0.01 on lines 1-2)
# then finds a base of 0.01 and takes 0: applied with 0. d1 leaves at least half of
# each line, ½·0.04 = 0.02 for d2, which would take 0.01: only the rounding unit
# (one a line) makes that bound 0.00 and undecided, so that d1 is shared.
@example(
    (
        [1, 3, 1, 1],
        [
            (_rule("FIXED_PRICE", "0", 0, 3), (0, 1, 2, 3)),
            (_rule("FIXED_PRICE", "0", 1, None, 2), (0, 1)),
        ],
        Rate.from_percent(D(0)),
    )
)
def test_settling_past_the_cap_is_sharing_then_capping(
    cart: tuple[list[int], list[tuple[Rule, tuple[int, ...]]], Rate],
) -> None:
    amounts, chosen, cap = cart
    total_raw = sum(amounts)
    everything = apply_order_discounts(chosen, amounts.copy())
    settled = apply_order_discounts(chosen, amounts.copy(), cap_limit(total_raw, cap))
    assert _outcome(apply_cap(settled, total_raw, cap)) == _outcome(
        apply_cap(everything, total_raw, cap)
    )
