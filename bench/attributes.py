"""Benchmark: compiling rule sets of many ``ATTRIBUTE`` conditions over a catalog of
many distinct attribute values (``python bench/attributes.py [--quick]``).

A product-level attribute condition is answered for the whole catalog when the rule
set is compiled. Each row times ``pricing.Engine(...)`` (compile only) and, in the
same process, the way it was answered before the index: asking the comparison of
every distinct value of every named attribute (``one by one``), over the same
conditions. The second grows as conditions × distinct values; the first should not.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pricing
from pricing._ruleset.attributes import read_test

OPERATORS = ["eq", "neq", "gt", "gte", "lt", "lte", "lke", "exs", "nex"]


def rule_set(products: int, discounts: int, names: int, seed: int = 7) -> dict[str, Any]:
    """``products`` each with ``names`` attributes of distinct values (numbers and
    text), and ``discounts`` each with one condition naming every attribute."""
    rng = random.Random(seed)
    catalog = [
        {
            "id": i,
            "price": "10.00",
            "attributes": {
                f"a{n}": (rng.randint(0, 10**6) if n % 2 else f"v{rng.randint(0, 10**6)}")
                for n in range(names)
            },
        }
        for i in range(1, products + 1)
    ]
    rules = []
    for d in range(1, discounts + 1):
        op = OPERATORS[d % len(OPERATORS)]
        value = rng.randint(0, 10**6) if d % 3 else f"v{rng.randint(0, 10**6)}"
        rules.append(
            {
                "id": d,
                "identifier": f"d{d}",
                "type": "DISCOUNT",
                "discountValue": {
                    "value": 5,
                    "discountType": "PERCENTAGE",
                    "applicability": "TO_PRODUCT",
                },
                "conditions": [
                    {
                        "conditionType": "ATTRIBUTE",
                        "entityIds": [{"id": f"a{n}"} for n in range(names)],
                        "value": {"condition": op, "value": value},
                    }
                ],
            }
        )
    return {"currency": "USD", "catalog": catalog, "discounts": rules}


def one_by_one(rs: dict[str, Any]) -> int:
    """Every condition's products found by asking each distinct value (the old way:
    the products grouped by value once per name, each group asked once per condition)."""
    union = 0
    items = rs["catalog"]
    by_name: dict[str, list[tuple[dict[str, Any], int]]] = {}
    for d in rs["discounts"]:
        cond = d["conditions"][0]
        holds = read_test(cond["value"], "v").predicate()
        for ref in cond["entityIds"]:
            name = ref["id"]
            if name not in by_name:
                groups: dict[tuple[type, str], tuple[dict[str, Any], int]] = {}
                for k, item in enumerate(items):
                    attrs = item["attributes"]
                    value = attrs.get(name)
                    key = (type(value), str(value))
                    sample, mask = groups.get(key, (attrs, 0))
                    groups[key] = (sample, mask | 1 << k)
                by_name[name] = list(groups.values())
            for attrs, mask in by_name[name]:
                if holds(attrs, name):
                    union |= mask
    return union


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the small rows only")
    args = parser.parse_args()
    rows = [(1000, 50, 2), (5000, 200, 5)] if args.quick else [
        (1000, 50, 2), (5000, 200, 5), (5000, 200, 50), (20000, 500, 10)
    ]  # fmt: skip
    print(f"{'products':>9} {'discounts':>9} {'names':>5} {'compile s':>10} {'one by one s':>13}")
    for products, discounts, names in rows:
        rs = rule_set(products, discounts, names)
        start = time.process_time()
        pricing.Engine(**rs)
        compiled = time.process_time() - start
        reference = "-"
        if discounts * names * products <= 50_000_000:  # (the old way takes minutes beyond)
            start = time.process_time()
            one_by_one(rs)
            reference = f"{time.process_time() - start:.2f}"
        print(f"{products:>9} {discounts:>9} {names:>5} {compiled:>10.2f} {reference:>13}")


if __name__ == "__main__":
    main()
