"""Memory stays flat in the number of carts: the aggregate-only what-if over 10× the
carts peaks within 20 % of the smaller one (Python's allocations, tracemalloc).

The first ~2,000 carts fill the interpreter's free lists and the engines' bounded
caches (about 260 KiB here); from there the peak stays put, so the smaller run
has 2,000 carts.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterator
from typing import Any

from pricing import batch

from .support import AT_DT

RULES: dict[str, Any] = {
    "currency": "USD",
    "catalog": [
        {"id": 1, "title": "Tee", "price": "20.00", "categoryIds": []},
        {"id": 2, "title": "Mug", "price": "12.50", "categoryIds": []},
    ],
    "discounts": [
        {
            "id": 1,
            "identifier": "ten",
            "discountValue": {
                "value": 10,
                "discountType": "PERCENTAGE",
                "applicability": "TO_ORDER",
            },
        }
    ],
}
CANDIDATE = {
    **RULES,
    "discounts": [
        {
            **RULES["discounts"][0],
            "discountValue": {
                "value": "3.00",
                "discountType": "FIXED_AMOUNT",
                "applicability": "TO_ORDER",
            },
        }
    ],
}


def _carts(count: int) -> Iterator[dict[str, Any]]:
    """``count`` small carts, made as they are read (a few distinct totals, so the
    engines' bounded cache of amounts stays small next to what is measured)."""
    for n in range(count):
        yield {"id": n, "order": {"products": [{"productId": 1 + n % 2, "quantity": 1 + n % 3}]}}


def _peak(count: int) -> int:
    """The peak of Python's allocations while folding ``count`` carts."""
    baseline, candidate = batch.RuleSet(RULES), batch.RuleSet(CANDIDATE)
    gc.collect()  # (empties the interpreter's free lists too: each run starts alike)
    tracemalloc.start()
    try:
        agg = batch.fold_whatif(
            _carts(count), baseline=baseline, candidate=candidate, at=AT_DT, processes=1
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert agg.carts == agg.priced == count
    return peak


def test_ten_times_the_carts_peak_within_twenty_percent() -> None:
    small, large = _peak(2_000), _peak(20_000)
    assert large < 1.2 * small, (small, large)
