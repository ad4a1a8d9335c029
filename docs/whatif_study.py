"""The what-if study of docs/whatif.md, end to end: carts, comparison, plot.

    python docs/whatif_study.py            # uses docs/whatif/carts.jsonl (made if missing)
    python docs/whatif_study.py --regenerate

Writes docs/img/whatif-discount-spend.png with matplotlib when it is installed
(``pip install matplotlib``); without it, prints the same distribution as a text
histogram. The carts are generated with a seeded ``random.Random``: the same file
on every machine.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pricing  # noqa: E402
from pricing import batch  # noqa: E402
from pricing._cli.whatif import render_aggregate  # noqa: E402

STUDY = HERE / "whatif"
PLOT = HERE / "img" / "whatif-discount-spend.png"
AT = "2026-11-22T12:00:00+00:00"


def make_carts(count: int, seed: int = 11) -> list[dict[str, object]]:
    """``count`` carts over the study's catalog: 1–5 lines, a quarter of shoppers gold."""
    catalog = pricing.loads_json((STUDY / "baseline.json").read_text(encoding="utf-8"))["catalog"]
    ids = [p["id"] for p in catalog]
    rng = random.Random(seed)
    carts: list[dict[str, object]] = []
    for n in range(1, count + 1):
        products = [
            {"productId": pid, "quantity": rng.choice((1, 1, 1, 2, 3))}
            for pid in rng.sample(ids, rng.randint(1, 5))
        ]
        customer = None
        if rng.random() < 0.75:
            customer = {
                "id": rng.randint(1, 400),
                "attributes": {"tier": "gold" if rng.random() < 0.25 else "regular"},
                "bonusBalance": f"{rng.randint(0, 40)}.00",
            }
        order: dict[str, object] = {"products": products}
        if customer is not None and rng.random() < 0.2:
            order["bonusAmount"] = "10.00"
        carts.append({"id": f"cart-{n:04d}", "order": order, "customer": customer, "at": AT})
    return carts


def text_histogram(values: list[Decimal], width: int = 10) -> str:
    """Counts of ``values`` in buckets of ``width`` dollars, as bars of ``#``."""
    buckets = Counter(int(v // width) for v in values)
    top = max(buckets.values())
    lines = []
    for b in range(0, max(buckets) + 1):
        n = buckets.get(b, 0)
        label = f"{b * width:>4}–{(b + 1) * width:<4}"
        lines.append(f"{label} {'#' * round(40 * n / top):<40} {n}")
    return "\n".join(lines)


def plot(baseline: list[Decimal], candidate: list[Decimal], delta: list[Decimal]) -> bool:
    """Save the discount-spend distribution; ``False`` when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    bins = range(0, int(max(baseline + candidate)) + 5, 5)
    left.hist([float(v) for v in baseline], bins=bins, alpha=0.6, label="baseline")
    left.hist([float(v) for v in candidate], bins=bins, alpha=0.6, label="candidate")
    left.set(title="Discount per cart", xlabel="discount (USD)", ylabel="carts")
    left.legend()
    right.hist([float(v) for v in delta], bins=30, color="tab:green")
    right.set(title="Change per cart (candidate − baseline)", xlabel="USD", ylabel="carts")
    fig.tight_layout()
    PLOT.parent.mkdir(exist_ok=True)
    fig.savefig(PLOT, metadata={"Software": None})  # no version stamp: reproducible bytes
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regenerate", action="store_true", help="write carts.jsonl again")
    parser.add_argument("--carts", type=int, default=1000, help="how many carts to generate")
    args = parser.parse_args()

    carts_file = STUDY / "carts.jsonl"
    if args.regenerate or not carts_file.exists():
        with carts_file.open("w", encoding="utf-8") as out:
            for cart in make_carts(args.carts):
                out.write(pricing.dumps_json(cart) + "\n")

    study = batch.whatif(
        batch.read_carts(carts_file),
        baseline=batch.RuleSet.load(STUDY / "baseline.json"),
        candidate=batch.RuleSet.load(STUDY / "candidate.json"),
        progress=False,
    )
    print(render_aggregate(study.aggregate))

    ok = [r for r in study.rows if r.error is None]
    base = [r.baseline.total_discount or Decimal(0) for r in ok]
    cand = [r.candidate.total_discount or Decimal(0) for r in ok]
    delta = [r.discount_delta or Decimal(0) for r in ok]
    if plot(base, cand, delta):
        print(f"plot written to {PLOT.relative_to(HERE.parent)}")
    else:
        print("matplotlib is not installed; the distribution as text:\n")
        print("discount per cart, baseline\n" + text_histogram(base))
        print("\ndiscount per cart, candidate\n" + text_histogram(cand))
    return 0


if __name__ == "__main__":
    sys.exit(main())
