"""Mutation check: break the engine on purpose and see which properties notice.

Each mutation is applied to a *scratch copy* of the project (the engine in the
working tree is never touched); the property suite (and tests/ruleset/test_formulas.py, the
properties of the amount formulas) then runs against the copy
with the ``mutants`` profile (the ``ci`` examples, no shrinking). Usage, from the project root::

    .venv/bin/python -m property_tests.mutate            # all mutations
    .venv/bin/python -m property_tests.mutate half_even  # some of them

It prints a Markdown table (the one kept in property_tests/MUTATIONS.md). A
mutation whose text no longer matches the engine is reported as "did not apply"
so the table goes stale loudly, not silently.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    edits: tuple[tuple[str, str, str], ...]  # (file under pricing/, old text, new text)


_ORDER_HALF_UP = "            return (base * num2 + den) // den2"
_LINE_HALF_UP = "[(current[i] * num2 + den) // den2 for"
_HALF_UP_ONE = "        return (2 * numerator + denominator) // (2 * denominator)"
_FRACTION = "__import__('fractions').Fraction"

MUTATIONS = (
    Mutation(
        "half_even",
        "round half-even instead of half-up (percentages)",
        (
            (
                "_ruleset/formulas.py",
                _ORDER_HALF_UP,
                f"            return round({_FRACTION}(base * num2, den2))",
            ),
            (
                "_ruleset/formulas.py",
                _LINE_HALF_UP,
                f"[round({_FRACTION}(current[i] * num2, den2)) for",
            ),
            (
                "_money.py",
                _HALF_UP_ONE,
                f"        return round({_FRACTION}(numerator, denominator))",
            ),
        ),
    ),
    Mutation(
        "percent_floor",
        "percentage amounts rounded down instead of half-up",
        (
            ("_ruleset/formulas.py", _ORDER_HALF_UP, "            return base * num2 // den2"),
            ("_ruleset/formulas.py", _LINE_HALF_UP, "[current[i] * num2 // den2 for"),
            ("_money.py", _HALF_UP_ONE, "        return numerator // denominator"),
        ),
    ),
    Mutation(
        "cap_ceil",
        "ceil instead of floor in the maxDiscountValue cap",
        (
            (
                "_stages/cap.py",
                "    return cap_rate.of_floor(total_raw)",
                "    return -((-total_raw * cap_rate.num) // cap_rate.den)",
            ),
        ),
    ),
    Mutation(
        "cap_first_applied",
        "the cap reduces the first-applied discounts first (not the last)",
        (
            (
                "_stages/cap.py",
                "    for k in range(len(result) - 1, -1, -1):",
                "    for k in range(len(result)):",
            ),
        ),
    ),
    Mutation(
        "no_largest_remainder",
        "drop the largest-remainder correction (shares are only floored)",
        (
            (
                "_money.py",
                "    left = total - sum(shares)\n    if left:",
                "    left = 0\n    if left:",
            ),
        ),
    ),
    Mutation(
        "remainder_ties_late",
        "largest-remainder ties go to the later line",
        (
            (
                "_money.py",
                "sorted(range(n), key=remainders.__getitem__, reverse=True)",
                "sorted(range(n), key=lambda i: (remainders[i], i), reverse=True)",
            ),
        ),
    ),
    Mutation(
        "order_before_product",
        "apply TO_ORDER discounts before TO_PRODUCT ones",
        (
            (
                "_engine.py",
                "        applied = apply_product_discounts("
                "eligibility.to_product, paid, current, budgets)",
                "        applied = []",
            ),
            (
                "_engine.py",
                "        applied += apply_order_discounts("
                "eligibility.to_order, current, budget, budgets)",
                "        applied = apply_order_discounts("
                "eligibility.to_order, current, None, budgets)\n"
                "        applied += apply_product_discounts("
                "eligibility.to_product, paid, current, budgets)",
            ),
        ),
    ),
    Mutation(
        "past_cap_no_rounding_unit",
        "past the cap, bounds forget the minor unit a largest-remainder share may add",
        (
            (
                "_stages/cap.py",
                "        least = (g * least >> _SCALE) - len(pending) * len(targets)",
                "        least = g * least >> _SCALE",
            ),
        ),
    ),
    Mutation(
        "past_cap_lines_unbounded",
        "past the cap, a pending rule on some lines is not counted in their lower bounds",
        (
            (
                "_stages/cap.py",
                "                low[i] = low[i] * num // den",
                "                pass",
            ),
        ),
    ),
    Mutation(
        "past_cap_fixed_price_keeps_more",
        "past the cap, a fixed price is taken to leave v/least of a line (v/most is sure)",
        (
            (
                "_ruleset/formulas.py",
                "            return _best((value, most), max_amount, least)",
                "            return _best((value, least), max_amount, least)",
            ),
        ),
    ),
    Mutation(
        "ignore_max_amount",
        "ignore discountValue.maxAmount",
        (
            (
                "_stages/product_discounts.py",
                "if rule.max_amount is not None and total > rule.max_amount:",
                "if False:",
            ),
            ("_ruleset/formulas.py", "    cap = max_amount\n", "    cap = None\n"),
        ),
    ),
    Mutation(
        "ignore_exclusions",
        "ignore discount exclusions",
        (
            (
                "_ruleset/rules.py",
                "    allowed = catalog.all_mask & ~excluded_mask",
                "    allowed = catalog.all_mask",
            ),
        ),
    ),
    Mutation(
        "fixed_amount_unclamped",
        "FIXED_AMOUNT TO_PRODUCT not clamped to the line amount",
        (
            (
                "_ruleset/formulas.py",
                "off if (off := value * lines[i].quantity) < current[i] else current[i] for i in",
                "value * lines[i].quantity for i in",
            ),
        ),
    ),
    Mutation(
        "fixed_price_negative",
        "FIXED_PRICE not clamped at 0 (a unit price above the list price adds money)",
        (
            (
                "_ruleset/formulas.py",
                "rest if (rest := current[i] - value * lines[i].quantity) > 0 else 0 for i in",
                "current[i] - value * lines[i].quantity for i in",
            ),
            (
                "_ruleset/formulas.py",
                "            return lambda base: base - value if base > value else 0",
                "            return lambda base: base - value",
            ),
        ),
    ),
    Mutation(
        "always_stack",
        "allowStacking: false ignored",
        (
            (
                "_stages/eligibility.py",
                "dropped = 0 if allow_stacking else matched.keep_first()",
                "dropped = 0",
            ),
        ),
    ),
    Mutation(
        "bonus_percent_ignored",
        "maxBonusPaymentPercent ignored",
        (("_stages/bonus.py", "        if settings.bonus_rate is not None:", "        if False:"),),
    ),
    Mutation(
        "guest_personal",
        "a guest passes a PERSONAL_DISCOUNT",
        (
            (
                "_ruleset/gates.py",
                'if rule.user_groups or rule.type == "PERSONAL_DISCOUNT":',
                "if rule.user_groups:",
            ),
        ),
    ),
    Mutation(
        "gift_replace_ignored",
        "giftsReplaceCartItems ignored (gift always added)",
        (("_stages/gifts.py", "            if rule.gifts_replace:", "            if False:"),),
    ),
    Mutation(
        "ties_by_list_order",
        "priority ties broken by list order instead of id",
        (
            (
                "_ruleset/rules.py",
                "rules.sort(key=lambda r: (r.priority[0], r.priority[1], _id_order(r.id)))",
                "rules.sort(key=lambda r: (r.priority[0], r.priority[1]))",
            ),
        ),
    ),
    Mutation(
        "ties_by_address",
        "priority ties broken by object address (unstable order)",
        (
            (
                "_ruleset/rules.py",
                "rules.sort(key=lambda r: (r.priority[0], r.priority[1], _id_order(r.id)))",
                "rules.sort(key=lambda r: (r.priority[0], r.priority[1], id(r)))",
            ),
        ),
    ),
    Mutation(
        "mutate_input",
        "keep the caller's discount dict and write the echo's coupon into it",
        (
            (
                "_schema/discount.py",
                "model._raw = copy_json(data, strict=True)",
                "model._raw = data",
            ),
            (
                "_result/document.py",
                "        echo: dict[str, Any] = make()\n",
                "        echo = rule.raw  # type: ignore[assignment]\n",
            ),
        ),
    ),
    Mutation(
        "set_order_gifts",
        "excludedGiftProductIds built from a set (hash order)",
        (
            (
                "_stages/gifts.py",
                "    return Gifts(new_lines, tuple(gift_lines), tuple(excluded))",
                "    return Gifts(new_lines, tuple(gift_lines), tuple(set(excluded)))",
            ),
        ),
    ),
    Mutation(
        "set_order_warnings",
        "unknown-marker warnings built from a set (hash order)",
        (("_stages/eligibility.py", "for m in dict.fromkeys(markers)", "for m in set(markers)"),),
    ),
    Mutation(
        "money_not_quantized",
        "money Decimals normalised instead of carrying the currency exponent",
        (
            (
                "_money.py",
                "        return Decimal(minor).scaleb(-self.exponent, _EXACT)",
                "        return Decimal(minor).scaleb(-self.exponent, _EXACT).normalize()",
            ),
        ),
    ),
    Mutation(
        "window_end_inclusive",
        "the rule index keeps a discount live from its endDate to the next date (docs: until it)",
        (
            (
                "_ruleset/gates.py",
                "            live = (live | starts.get(t, 0)) & ~ends.get(t, 0)\n"
                "            stretches.append(live)",
                "            live = live | starts.get(t, 0)\n"
                "            stretches.append(live)\n"
                "            live &= ~ends.get(t, 0)",
            ),
        ),
    ),
    Mutation(
        "group_gate_any_group",
        "the gate mask lets a customer of any group through a group-only discount",
        (
            (
                "_ruleset/gates.py",
                "                blocked |= self.grouped & ~admitted",
                "                blocked |= self.grouped & ~admitted if not customer.groups else 0",
            ),
        ),
    ),
    Mutation(
        "unit_ties_late",
        "units of equal unit amount: the later line's first",
        (("_ruleset/units.py", "        return i - j", "        return j - i"),),
    ),
    Mutation(
        "unit_base_floor",
        "the base of d units rounded down instead of half up",
        (
            (
                "_ruleset/units.py",
                "    return (2 * n * d + q) // (2 * q)",
                "    return n * d // q",
            ),
        ),
    ),
    Mutation(
        "unit_order_ignored",
        "maxQuantity over the order always takes the cheapest units (unitOrder ignored)",
        (
            (
                "_ruleset/quantity.py",
                '            dv.unit_order == "MOST_EXPENSIVE_FIRST",',
                "            False,",
            ),
        ),
    ),
    Mutation(
        "tier_first_reached",
        "a tiered discount uses the first tier reached, not the last",
        (
            (
                "_stages/quantities.py",
                "    j = bisect_right(tiers.thresholds, reached) - 1",
                "    j = min(bisect_right(tiers.thresholds, reached) - 1, 0)",
            ),
        ),
    ),
    Mutation(
        "buy_get_shared_uncapped",
        "buy-get takes units both bought and got past the cap Bo + O − k·X",
        (
            (
                "_ruleset/units.py",
                "                d = min(d, shared_left)",
                "                d = d",
            ),
        ),
    ),
    Mutation(
        "buy_get_sets_unbounded",
        "buy-get sets without the bound on all units, ⌊(Bo + Go + O)/(X + Y)⌋",
        (
            (
                "_stages/quantities.py",
                "    sets = min(sets, (only_bought + only_got + both) // (x + y))",
                "    sets = min(sets, sets)",
            ),
        ),
    ),
    Mutation(
        "units_in_cart_count_all",
        "PRODUCT/CATEGORY_QUANTITY_IN_CART count the units of every line",
        (
            (
                "_ruleset/conditions.py",
                "        return lambda cart: cart.units(counted) >= amount",
                "        return lambda cart: cart.units(-1) >= amount",
            ),
        ),
    ),
    Mutation(
        "line_quantity_or_ignored",
        "under OR, a LINE_QUANTITY condition adds no line",
        (
            (
                "_stages/cart.py",
                "                if i in given or (bit & allowed and lines[i].quantity >= least)",
                "                if i in given",
            ),
        ),
    ),
    Mutation(
        "echo_text_misplaced",
        "the compact writer puts the first pre-written echo where any echo stands",
        (
            (
                "_result/text.py",
                "t.echoes[rule.index] if coupon is None",
                "t.echoes[0] if coupon is None",
            ),
        ),
    ),
    Mutation(
        "entry_text_per_rule",
        "the compact writer's memo of not-applied entries forgets the reason",
        (
            (
                "_result/text.py",
                "[passed_over[i, why] for i, why in",
                "[passed_over[i, 'not_started'] for i, why in",
            ),
        ),
    ),
    Mutation(
        "share_text_of_first_rule",
        "the compact writer names every line share after the first rule",
        (("_stages/explain.py", "head = heads[rule.index]", "head = heads[0]"),),
    ),
    Mutation(
        "echo_shallow",
        "a document's echoed discount objects share their insides with the rule set",
        (
            (
                "_result/document.py",
                "        echo: dict[str, Any] = make()\n",
                "        echo = dict(rule.raw)\n",
            ),
        ),
    ),
    Mutation(
        "copier_shares_nested",
        "the echo maker copies the top level only, sharing the nested containers",
        (
            (
                "_result/document.py",
                "(key, copier(part) if type(part) in (dict, list) else partial(copy.deepcopy,"
                " part))",
                "(key, lambda part=part: part)",
            ),
        ),
    ),
    Mutation(
        "entries_handed_out",
        "a document's explanation holds the entries the rule set keeps, not copies",
        (
            (
                "_result/document.py",
                "out = list(map(dict.copy, t.before_cart(o.eligibility)))",
                "out = list(t.before_cart(o.eligibility))",
            ),
        ),
    ),
    Mutation(
        "in_cart_entry_handed_out",
        "the entry of a rule judged on the cart that did not apply is the kept one, not a copy",
        (
            (
                "_result/document.py",
                "out[k] = t.not_applied[rule.index, reason].copy()",
                "out[k] = t.not_applied[rule.index, reason]",
            ),
        ),
    ),
    Mutation(
        "audience_without_groups",
        "the memo of reasons before gate 7 keys carts by audience without the customer's groups",
        (
            (
                "_ruleset/gates.py",
                "customer.groups.intersection(self.by_group) if self.grouped else _NOTHING",
                "_NOTHING",
            ),
        ),
    ),
    Mutation(
        "audience_without_dates",
        "the memo of reasons before gate 7 forgets which stretch between two dates a cart is in",
        (("_stages/eligibility.py", "index.windows.stretch(self._now),", "0,"),),
    ),
)

# Shipping discounts, usage limits and budgets, several coupon codes.
_CAP_THEN_SHIPPING = """        applied = cap_discounts(settings, total_raw, applied)
        # Shares always sum to their discount's amount; a capped-out one's amount is 0.
        total_with_discount = total_raw - sum([a.amount for a in applied])
        shipping, charges = apply_shipping_discounts(
            eligibility.to_shipping, request, read_charges(rs, request), budgets
        )
"""
_SHIPPING_IN_THE_CAP = """        shipping, charges = apply_shipping_discounts(
            eligibility.to_shipping, request, read_charges(rs, request), budgets
        )
        if shipping is not None:  # the shipping discounts counted under maxDiscountValue
            capped = cap_discounts(settings, total_raw, [*applied, *shipping.applied])
            applied, shipping.applied = capped[: len(applied)], capped[len(applied) :]
        else:
            applied = cap_discounts(settings, total_raw, applied)
        total_with_discount = total_raw - sum([a.amount for a in applied])
"""
_MAX_AMOUNT_THEN_BUDGET = """        if rule.max_amount is not None and total > rule.max_amount:
            most = rule.max_amount
        capped = False
        if budgets is not None:
            most, capped = budgets.cut(rule, most)
"""
_BUDGET_THEN_MAX_AMOUNT = """        capped = False
        if budgets is not None:
            most, capped = budgets.cut(rule, most)
        if rule.max_amount is not None and most > rule.max_amount:
            most = rule.max_amount
"""
_FIRST_USAGE_GATE = """    uses, customer_uses, spent = (0, 0, 0) if counts is None else counts
"""

EXTENSION_MUTATIONS = (
    Mutation(
        "shipping_in_the_cap",
        "shipping discounts counted against maxDiscountValue (the cap limits goods only)",
        (("_engine.py", _CAP_THEN_SHIPPING, _SHIPPING_IN_THE_CAP),),
    ),
    Mutation(
        "budget_before_max_amount",
        "a TO_PRODUCT discount's budget applied before its maxAmount (capped set by the wrong cut)",
        (("_stages/product_discounts.py", _MAX_AMOUNT_THEN_BUDGET, _BUDGET_THEN_MAX_AMOUNT),),
    ),
    Mutation(
        "budget_ignored",
        "a discount's budget never cuts its amount (only the budget_exhausted gate holds)",
        (
            (
                "_stages/usage.py",
                "        return (total, False) if total <= left else (left, True)",
                "        return total, False",
            ),
        ),
    ),
    Mutation(
        "usage_gates_out_of_order",
        "budget_exhausted asked before usage_limit_reached and the per-customer gates",
        (
            (
                "_ruleset/gates.py",
                _FIRST_USAGE_GATE,
                _FIRST_USAGE_GATE
                + "    if rule.budget is not None and spent >= rule.budget:\n"
                + '        return "budget_exhausted"\n',
            ),
        ),
    ),
    Mutation(
        "guest_meets_customer_limit",
        "a guest passes a usageLimitPerCustomer (counted as 0 uses) instead of failing with guest",
        (
            (
                "_ruleset/gates.py",
                '        if customer is None:\n            return "guest"\n'
                "        if customer_uses",
                "        if customer_uses",
            ),
        ),
    ),
    Mutation(
        "duplicate_codes_accepted",
        "a coupon code presented twice is not refused",
        (("_stages/intake.py", "        if norm in seen:", "        if False:"),),
    ),
    Mutation(
        "first_code_only",
        "gate 5 opens only for the first presented code, not for any of them",
        (
            (
                "_stages/eligibility.py",
                "        codes = _normalised(coupon, coupons)",
                "        codes = () if coupon is None else (coupon.normalised,)",
            ),
        ),
    ),
    Mutation(
        "no_shipping_ignored",
        "a TO_SHIPPING discount without shipping lines stays eligible (and can take the one place)",
        (("_stages/eligibility.py", "        if ships:\n", "        if True:\n"),),
    ),
    Mutation(
        "tax_on_undiscounted_shipping",
        "shipping taxed on its price as entered, not after the shipping discounts",
        (
            (
                "_engine.py",
                "        extensions = tax_extensions(rs, charges, paid, applied)",
                "        extensions = tax_extensions(rs, read_charges(rs, request), paid, applied)",
            ),
        ),
    ),
    Mutation(
        "bonus_on_undiscounted_shipping",
        "the bonus payable total counts shipping as entered, not after its discounts",
        (
            (
                "_engine.py",
                "shipping=charges.shipping_total",
                "shipping=read_charges(rs, request).shipping_total",
            ),
        ),
    ),
)

MUTATIONS += EXTENSION_MUTATIONS

SUITES = ("property_tests", "tests/ruleset/test_formulas.py")
"""The property suite, and the properties of the amount formulas (the amount table)."""
PYTEST_ARGS = ("-q", "-rfE", "--tb=no", "-p", "no:cacheprovider")
_FAILED = re.compile(r"^(?:FAILED|ERROR) (?:property_)?tests/(\S+?)(?: - .*)?$", re.MULTILINE)


def _scratch_copy(mutation: Mutation, into: Path) -> str | None:
    """Copy the project into ``into`` and apply ``mutation``; a problem, or None."""
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", ".pytest_cache")
    for part in ("pricing", "property_tests", "tests", "docs"):
        shutil.copytree(ROOT / part, into / part, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    for file, old, new in mutation.edits:
        path = into / "pricing" / file
        text = path.read_text()
        if text.count(old) != 1:
            return f"did not apply ({file}: text found {text.count(old)} times)"
        path.write_text(text.replace(old, new))
    return None


def run(mutation: Mutation) -> tuple[Mutation, str, list[str]]:
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutation.name}-") as tmp:
        scratch = Path(tmp)
        problem = _scratch_copy(mutation, scratch)
        if problem:
            return mutation, problem, []
        # The ci profile's examples, without shrinking: which property fails is
        # the question here, not the smallest example.
        env = {**os.environ, "PYTHONPATH": str(scratch), "HYPOTHESIS_PROFILE": "mutants"}
        where = subprocess.run(
            [sys.executable, "-c", "import pricing; print(pricing.__file__)"],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if not where.stdout.startswith(str(scratch)):
            return mutation, f"scratch copy not imported: {where.stdout}{where.stderr}", []
        done = subprocess.run(
            [sys.executable, "-m", "pytest", *SUITES, *PYTEST_ARGS],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        caught = sorted(set(_FAILED.findall(done.stdout)))
        status = "caught" if caught else "NOT CAUGHT"
        if done.returncode not in (0, 1):
            status += f" (pytest exit {done.returncode})"
        return mutation, status, caught


def main(names: list[str]) -> int:
    chosen = [m for m in MUTATIONS if not names or m.name in names]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, chosen))
    print("| mutation | what | status | properties that failed |")
    print("|---|---|---|---|")
    missed = 0
    for mutation, status, caught in results:
        missed += not caught
        names_ = "<br>".join(f"`{c}`" for c in caught) or "—"
        print(f"| `{mutation.name}` | {mutation.what} | {status} | {names_} |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
