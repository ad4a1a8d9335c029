"""The ``pricing`` command line: preview a scenario, sign a price.

Exit codes (docs/errors.md, "The CLI"): 0 success, 2 bad input (one clear line on stderr, never a
traceback), 1 anything else.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn, TextIO

from ._engine import preview
from ._errors import PricingConfigError, PricingError, ScenarioError
from ._json import dumps, loads
from ._result.views import PreviewResult

__all__ = ["main"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"pricing: error: {message}\n")


def _read_text(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError("", f"no such file: {name}") from None
    except UnicodeDecodeError:
        raise ScenarioError("", f"{name} is not UTF-8 text") from None
    except OSError as exc:
        raise ScenarioError("", f"cannot read {name}: {exc.strerror}") from None


def _load_verifier(key_file: str | None) -> Any:
    if key_file is None:
        return None
    from ._signing import load_key_file

    return load_key_file(key_file)[1]


def _cmd_preview(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    data = loads(_read_text(args.scenario))
    if isinstance(data, Mapping) and data.get("at") is None:
        now = datetime.now(UTC).replace(microsecond=0)
        err.write(
            f"pricing: note: the scenario has no 'at'; using the current time {now.isoformat()}\n"
        )
        data = {**data, "at": now}
    result = preview(data, price_verifier=_load_verifier(args.key_file))
    if args.json:
        out.write(result.to_json())
        out.write("\n")
    else:
        out.write(render_summary(result))
    return EXIT_OK


def _lifetime(seconds: int) -> timedelta:
    """``--lifetime`` as a timedelta; one no datetime holds is bad input, not an OverflowError."""
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ScenarioError(
            "--lifetime", "out of range: a token expires by 9999-12-31T23:59:59Z at the latest"
        ) from None


def _cmd_sign(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._signing import load_key_file

    signer, _ = load_key_file(args.key_file)
    if signer is None:
        raise ScenarioError("--key-file", "the key file has no signing key (signingKid)")
    try:
        product_id: int | str = int(args.product)
    except ValueError:
        product_id = args.product
    token = signer.sign(
        product_id=product_id,  # type: ignore[arg-type]
        price=args.price,
        currency=args.currency,
        storage_marker=args.marker,
        at=datetime.now(UTC),
        lifetime=_lifetime(args.lifetime),
    )
    out.write(token + "\n")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``pricing`` command."""
    parser = _Parser(prog="pricing", description="Exact, explainable discount previews.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("preview", help="preview a scenario (docs/scenario.md) and print the result")
    p.add_argument("scenario", help="scenario JSON file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print the previewOrder JSON document")
    p.add_argument("--key-file", help="key file to verify signed prices with")
    p.set_defaults(handler=_cmd_preview)

    s = sub.add_parser("sign", help="sign a product price for a storage (prints a token)")
    s.add_argument("--key-file", required=True, help="key file holding the signing key")
    s.add_argument("--product", required=True, help="product id")
    s.add_argument("--price", required=True, help="price as a decimal string, e.g. 149.90")
    s.add_argument("--currency", required=True, help="ISO 4217 code")
    s.add_argument("--marker", required=True, help="order storage marker")
    s.add_argument("--lifetime", type=int, default=600, help="seconds the token is valid")
    s.set_defaults(handler=_cmd_sign)

    _add_extra_commands(sub)
    return parser


def _add_extra_commands(sub: Any) -> None:
    """Hook for commands living in their own modules (kept out of the core import path)."""
    try:
        module = importlib.import_module("pricing._whatif_cli")
    except ImportError:  # pragma: no cover - the module ships with the package
        return
    module.add_whatif_command(sub)


def main(
    argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args, out, err)
        return code
    except (ScenarioError, PricingConfigError) as exc:
        err.write(f"pricing: bad input: {exc}\n")
        return EXIT_BAD_INPUT
    except PricingError as exc:
        reason = getattr(exc, "reason", None)
        label = type(exc).__name__ + (f" ({reason})" if reason else "")
        err.write(f"pricing: {label}: {exc}\n")
        return EXIT_FAILURE


def run() -> NoReturn:
    """Console-script entry point."""
    sys.exit(main())


# ---------------------------------------------------------------------------
# the readable summary


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def fmt(row: Sequence[str]) -> str:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return [fmt(headers), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows]


def _bonus_limit(doc: Mapping[str, Any]) -> str:
    """How ``maxBonusDiscount`` came about, in words (docs/bonus.md)."""
    config = doc["discountConfig"]
    settings, bonus = config["settings"], config["bonus"]
    payable = config["totalSumWithDiscount"]
    if "taxes" in doc:
        payable += (
            doc["taxes"]["shipping"]
            if not settings.get("pricesIncludeTax")
            else (doc["taxes"]["shippingWithTax"])
        )
    floor_order = settings["minOrderAmountForBonus"]
    floor_balance = settings["minBonusAmount"]
    if floor_order is not None and payable < floor_order:
        return f"0: order {payable} is below minOrderAmountForBonus {floor_order}"
    if floor_balance is not None and bonus["availableBalance"] < floor_balance:
        return f"0: balance is below minBonusAmount {floor_balance}"
    terms = [f"balance {bonus['availableBalance']}", f"payable {payable}"]
    percent = settings["maxBonusPaymentPercent"]
    if percent is not None:
        terms.append(f"{percent}% of {payable}, rounded down")
    return "the least of " + ", ".join(terms)


def render_summary(result: PreviewResult) -> str:
    """A person's view of a preview: totals, lines with their discounts, every rule's status."""
    doc = result.document
    cur = result.currency
    out: list[str] = []
    out.append(f"Order total ({cur})")
    totals = [
        ("total raw", result.total_raw),
        ("discount", -result.total_discount),
        ("with discount", result.total_sum_with_discount),
        ("bonus applied", -result.bonus_applied),
        ("total due", result.total_due),
    ]
    for label, value in totals:
        out.append(f"  {label:<15}{value:>14}")
    out.append("")

    rows = []
    for line in result.lines:
        shares = (
            ", ".join(f"{d.identifier}: -{d.amount}" for d in line.discounts if d.amount) or "-"
        )
        name = str(line.product_id) + (" (gift)" if line.is_gift else "")
        if line.price_locked:
            name += " (signed price)"
        rows.append(
            [
                name,
                str(line.quantity),
                str(line.unit_price),
                str(line.total),
                str(line.product_discount + line.order_discount),
                str(line.total_with_discount),
                shares,
            ]
        )
    out.append("Lines")
    out.extend(
        "  " + r
        for r in _table(
            ["product", "qty", "unit", "total", "discount", "to pay", "discount shares"],
            rows,
            {1, 2, 3, 4, 5},
        )
    )
    out.append("")

    out.append("Rules (priority order)")
    rule_rows = []
    for e in result.explanation:
        status = e.status + (" (capped)" if e.capped and e.status == "applied" else "")
        rule_rows.append([str(e.id), e.identifier or "", status, e.reason or "", str(e.amount)])
    out.extend(
        "  " + r for r in _table(["id", "identifier", "status", "reason", "amount"], rule_rows, {4})
    )

    config = doc["discountConfig"]
    coupon = config.get("coupon")
    if coupon:
        out.append("")
        out.append(
            f"Coupon {coupon['code']}: valid, {'applied' if coupon['applied'] else 'not applied'}"
            f" (discount {coupon['discountIdentifier']})"
        )
    bonus = config.get("bonus")
    if bonus is not None:
        out.append("")
        out.append("Bonus")
        out.append(f"  available balance   {bonus['availableBalance']}")
        out.append(f"  max bonus discount  {bonus['maxBonusDiscount']}  ({_bonus_limit(doc)})")
        out.append(f"  applied             {bonus['bonusApplied']}  (requested, up to the maximum)")
    if result.bonus_accrual:
        out.append(f"  points to accrue    {result.bonus_accrual}")
    taxes = doc.get("taxes")
    if taxes is not None:
        out.append("")
        out.append("Tax")
        for label, key in (
            ("goods", "subTotal"),
            ("goods with tax", "subTotalWithTax"),
            ("shipping", "shipping"),
            ("shipping with tax", "shippingWithTax"),
            ("surcharges", "surcharges"),
            ("total", "total"),
            ("total with tax", "totalWithTax"),
        ):
            out.append(f"  {label:<19}{taxes[key]:>14}")
        tax_rows = [
            [str(r["name"] or r["taxRateId"]), f"{r['rate']}%", str(r["base"]), str(r["tax"])]
            for r in taxes["taxSummary"]
        ]
        if tax_rows:
            out.extend("  " + r for r in _table(["rate", "%", "base", "tax"], tax_rows, {1, 2, 3}))
        display = doc["displayPrice"]
        out.append(
            f"  display price: {display['withTax']['formatted']} with tax, "
            f"{display['withoutTax']['formatted']} without"
        )
        if result.bonus_applied:
            pay = taxes["totalWithTax"] - result.bonus_applied
            out.append(f"  the shopper pays {pay} (total with tax − bonus applied)")
    excluded = config.get("excludedGiftProductIds")
    if excluded:
        out.append("")
        out.append("Gifts left out (missing or unavailable): " + ", ".join(excluded))
    for w in result.warnings:
        out.append(f"warning: {dumps(dict(w))}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    run()
