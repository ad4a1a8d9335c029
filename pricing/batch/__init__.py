"""Price many carts against one rule set, and compare two rule sets (a what-if study).

A *rule set* is a scenario without ``order``, ``customer`` and ``at``: ``currency``,
``catalog``, ``categories``, ``discounts``, ``settings`` (and optionally
``storageMarker``, ``taxRates``, ``locale``). A *cart* is ``{"order", "customer",
"at", "id", "usage"}`` with only ``order`` required. docs/whatif.md describes both file
formats (a rule set JSON file, carts as JSON Lines) and walks through a study.

```python
from pricing import batch

baseline = batch.RuleSet.load("rules-now.json")
candidate = batch.RuleSet.load("rules-next.json")
carts = batch.read_carts("carts.jsonl")

study = batch.whatif(carts, baseline=baseline, candidate=candidate)
study.aggregate.discount_delta      # Decimal: how much more (or less) discount
study.rows[0].total_due_delta       # per cart
study.to_dataframe(money="float")   # pandas, with the [notebook] extra

# Streaming: memory flat in the number of carts; aggregates add up exactly.
for row in batch.iter_whatif(batch.iter_carts("carts.jsonl"), baseline=..., candidate=...):
    ...
agg = batch.fold_whatif(batch.iter_carts("part-1.jsonl"), baseline=..., candidate=...)
total = agg + batch.fold_whatif(batch.iter_carts("part-2.jsonl"), ...)
```

Every figure is the one [`Engine.preview`][pricing.Engine.preview] gives for that cart alone,
exactly (``Decimal``, never ``float``). A cart the engine refuses (an unknown
product, a bad coupon code) becomes a row with ``error`` set instead of stopping
the batch; bad *structure* (a line that is not a cart) is a
[`ScenarioError`][pricing.ScenarioError] before anything is priced.

The modules follow the flow: `pricing.batch.io` reads rule sets and carts, `pricing.batch.pool`
prices them (in worker processes for large batches, with a progress bar),
`pricing.batch.whatif` compares two rule sets, `pricing.batch.frame` makes DataFrames and
`pricing.batch.output` writes rows. `pricing.dask` runs a study on a Dask cluster.
"""

from .io import Cart, RuleSet, iter_carts, parse_cart, read_carts
from .pool import POOL_THRESHOLD, Priced, price_many
from .whatif import (
    COLUMNS,
    MONEY_COLUMNS,
    Aggregate,
    WhatIf,
    WhatIfRow,
    fold_whatif,
    iter_whatif,
    whatif,
)

__all__ = [
    "COLUMNS",
    "MONEY_COLUMNS",
    "POOL_THRESHOLD",
    "Aggregate",
    "Cart",
    "Priced",
    "RuleSet",
    "WhatIf",
    "WhatIfRow",
    "fold_whatif",
    "iter_carts",
    "iter_whatif",
    "parse_cart",
    "price_many",
    "read_carts",
    "whatif",
]
