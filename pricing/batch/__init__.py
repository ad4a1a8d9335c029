"""Price many carts against one rule set, and compare two rule sets (a what-if study).

A *rule set* is a scenario without ``order``, ``customer`` and ``at``: ``currency``,
``catalog``, ``categories``, ``discounts``, ``settings`` (and optionally
``storageMarker``, ``taxRates``, ``locale``). A *cart* is ``{"order", "customer",
"at", "id"}`` with only ``order`` required. docs/whatif.md describes both file
formats (a rule set JSON file, carts as JSON Lines) and walks through a study.

```python
from pricing import batch

baseline = batch.RuleSet.load("rules-now.json")
candidate = batch.RuleSet.load("rules-next.json")
carts = batch.read_carts("carts.jsonl")

study = batch.whatif(carts, baseline=baseline, candidate=candidate)
study.aggregate.discount_delta      # Decimal: how much more (or less) discount
study.rows[0].total_due_delta       # per cart
study.to_dataframe()                # pandas, with the [notebook] extra
```

Every figure is the one [`Engine.preview`][pricing.Engine.preview] gives for that cart alone,
exactly (``Decimal``, never ``float``). A cart the engine refuses (an unknown
product, a bad coupon code) becomes a row with ``error`` set instead of stopping
the batch; bad *structure* (a line that is not a cart) is a
[`ScenarioError`][pricing.ScenarioError] before anything is priced.

The modules follow the flow: `pricing.batch.io` reads rule sets and carts, `pricing.batch.pool`
prices them (in worker processes for large batches, with a progress bar), and
`pricing.batch.whatif` compares two rule sets.
"""

from .io import Cart, RuleSet, parse_cart, read_carts
from .pool import POOL_THRESHOLD, Priced, price_many
from .whatif import COLUMNS, Aggregate, WhatIf, WhatIfRow, whatif

__all__ = [
    "COLUMNS",
    "POOL_THRESHOLD",
    "Aggregate",
    "Cart",
    "Priced",
    "RuleSet",
    "WhatIf",
    "WhatIfRow",
    "parse_cart",
    "price_many",
    "read_carts",
    "whatif",
]
