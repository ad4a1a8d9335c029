"""Any split of the carts into partitions, merged in any order, gives the same aggregate."""

from __future__ import annotations

import random
from functools import reduce
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from pricing import batch
from tests.batch.support import AT_DT, BASELINE, CANDIDATE, CARTS

WHOLE = batch.whatif(CARTS, baseline=BASELINE, candidate=CANDIDATE, at=AT_DT, processes=1)
ROWS = WHOLE.rows


@given(
    cuts=st.lists(st.integers(0, len(ROWS)), max_size=12).map(sorted),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_split_merged_in_any_order_is_the_whole(cuts: list[int], seed: int) -> None:
    bounds = [0, *cuts, len(ROWS)]
    partials = [batch.Aggregate.of_rows("USD", ROWS[a:b]) for a, b in pairwise(bounds)]
    rng = random.Random(seed)
    rng.shuffle(partials)
    # merged as a random tree: pairs of neighbours until one is left
    while len(partials) > 1:
        i = rng.randrange(len(partials) - 1)
        partials[i : i + 2] = [partials[i].combine(partials[i + 1])]
    assert partials[0] == WHOLE.aggregate
    assert reduce(batch.Aggregate.combine, partials, batch.Aggregate.empty("USD")) == partials[0]


@given(st.lists(st.integers(0, len(ROWS)), min_size=2, max_size=2).map(sorted))
def test_combine_is_associative_with_an_identity(cut: list[int]) -> None:
    a, b, c = (
        batch.Aggregate.of_rows("USD", ROWS[i:j])
        for i, j in ((0, cut[0]), (cut[0], cut[1]), (cut[1], len(ROWS)))
    )
    empty = batch.Aggregate.empty("USD")
    assert (a + b) + c == a + (b + c) == WHOLE.aggregate
    assert a + empty == empty + a == a
