"""A reference oracle: the rules of docs/ written out plainly, slowly and exactly.

This is deliberately *not* the engine: it shares no code with ``pricing/`` (not
even the models; it reads the JSON-shaped scenario itself), keeps every amount
as an exact ``fractions.Fraction`` of the major unit, and follows the text of
the docs step by step, in their words, rather than the engine's pipeline (the
scenario, eligibility, stacking and cap, rounding, gifts and bonus pages, and the
result as docs/scenario.md gives it). It follows docs/decisions.md for the choices
gathered there, and where the docs are silent it says so in a comment marked
``UNDOCUMENTED`` (these are listed in the property-testing report).

It only needs to understand the scenarios ``pricing.strategies`` generates (no
signed prices, no tax rates: shipping lines are read for shipping discounts and the
bonus, not taxed), in camelCase. Shipping discounts follow
docs/shipping-discounts.md, usage limits and budgets docs/usage-limits.md, and
several coupon codes docs/eligibility.md#several-coupon-codes.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

# ISO 4217 minor-unit exponents of the currencies the strategies draw (scenario.md).
EXPONENT = {"USD": 2, "EUR": 2, "JPY": 0, "KWD": 3}


class OracleCouponError(Exception):
    """The coupon error docs/eligibility.md says the preview must raise."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------
# numbers


def exact(value: Any) -> Fraction:
    """A JSON number or decimal string as an exact fraction."""
    assert not isinstance(value, bool | float)
    return Fraction(Decimal(str(value).strip()))


def floor_to_unit(amount: Fraction, unit: Fraction) -> Fraction:
    return math.floor(amount / unit) * unit


def round_half_up_to_unit(amount: Fraction, unit: Fraction) -> Fraction:
    """ROUND_HALF_UP (the amounts rounded are never negative)."""
    assert amount >= 0
    return math.floor(amount / unit + Fraction(1, 2)) * unit


def largest_remainder(
    whole: Fraction, weights: Sequence[Fraction], unit: Fraction
) -> list[Fraction]:
    """Share ``whole`` in proportion to ``weights`` in minor units (rounding-and-sharing.md).

    Every share starts as its exact quota rounded down to a minor unit; the minor
    units left over go one each to the largest remainders, earlier line first
    among equal remainders.
    """
    if not weights:
        assert whole == 0
        return []
    total_weight = sum(weights, Fraction(0))
    if total_weight == 0:
        # Nothing to be proportional to: only ever happens with nothing to share.
        assert whole == 0, (whole, weights)
        return [Fraction(0)] * len(weights)
    quotas = [whole * w / total_weight for w in weights]
    shares = [floor_to_unit(q, unit) for q in quotas]
    left = int((whole - sum(shares, Fraction(0))) / unit)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += unit
    return shares


def money_out(amount: Fraction, exponent: int) -> Decimal:
    minor = amount * 10**exponent
    assert minor.denominator == 1, amount
    return Decimal(minor.numerator).scaleb(-exponent)


def number_out(value: Any) -> Any:
    """Settings are echoed as given; numbers come back as ``Decimal``."""
    if value is None or isinstance(value, bool):
        return value
    return Decimal(str(value))


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    # Discount dates without a time zone are read as UTC (decisions.md).
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def same_id(a: Any, b: Any) -> bool:
    """Ids are compared as strings (decisions.md)."""
    return str(a) == str(b)


def id_of(ref: Any) -> Any:
    return ref["id"] if isinstance(ref, Mapping) else ref


# ---------------------------------------------------------------------------
# attribute matching (eligibility.md and decisions.md "Conditions")


def as_number(value: Any) -> Decimal | None:
    """Numbers, and text of the form -?digits(.digits)? (ASCII digits only), are numbers."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        whole, _, fraction = value.removeprefix("-").partition(".")
        plain = whole.isascii() and whole.isdigit()
        if not plain or (_ and not (fraction.isascii() and fraction.isdigit())):
            return None
        return Decimal(value)
    number = Decimal(str(value))
    return number if number.is_finite() else None


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def attribute_matches(attributes: Mapping[str, Any], name: str, test: Any) -> bool:
    if not (isinstance(test, Mapping) and "condition" in test):
        # A plain value (or {value} alone): equality compared as strings, as eligibility.md
        # says ("10.0" is not "10"); booleans as true/false (decisions.md).
        expected = test["value"] if isinstance(test, Mapping) and "value" in test else test
        return name in attributes and as_text(attributes[name]) == as_text(expected)
    operator, expected = str(test["condition"]).lower(), test.get("value")
    if operator == "exs":
        return name in attributes
    if operator == "nex":
        return name not in attributes
    if name not in attributes:
        return False  # an absent attribute satisfies only `nex`
    actual = attributes[name]
    if operator == "lke":
        return as_text(expected).lower() in as_text(actual).lower()
    a_num, e_num = as_number(actual), as_number(expected)
    left: Any
    right: Any
    if a_num is not None and e_num is not None:
        left, right = a_num, e_num
    else:
        left, right = as_text(actual), as_text(expected)
    return {
        "eq": left == right,
        "neq": left != right,
        "gt": left > right,
        "gte": left >= right,
        "lt": left < right,
        "lte": left <= right,
    }[operator]


# ---------------------------------------------------------------------------
# the scenario


@dataclass
class Line:
    """A paid line of the cart (scenario.md)."""

    product: Mapping[str, Any]
    quantity: int
    unit: Fraction  # unit price

    @property
    def amount(self) -> Fraction:
        return self.unit * self.quantity


@dataclass
class Outcome:
    """What happened to one discount."""

    discount: Mapping[str, Any]
    reason: str | None = None  # the first failing gate, None when eligible
    targeted: list[int] = field(default_factory=list)  # line positions
    amount: Fraction = Fraction(0)
    shares: dict[int, Fraction] = field(default_factory=dict)
    applied: bool = False
    capped: bool = False
    # quantity-promotions.md: the tier reached, the buy-get's sets, and the most units
    # it may take from the lines whose units may be both bought and got
    tier: int | None = None
    sets: int | None = None
    shared_most: int = 0
    shared_lines: list[int] = field(default_factory=list)

    @property
    def kind(self) -> str:
        value = self.discount.get("discountValue")
        if value is None:
            return "NONE"  # decisions.md: no discountValue is a gift-only discount
        kind = value.get("discountType", "NONE")
        return "PERCENTAGE" if kind == "PERCENT" else kind

    @property
    def to_product(self) -> bool:
        value = self.discount.get("discountValue")
        # applicability null (or no discountValue) means TO_ORDER (scenario.md, decision)
        return value is not None and value.get("applicability") == "TO_PRODUCT"

    @property
    def to_shipping(self) -> bool:
        value = self.discount.get("discountValue")
        return value is not None and value.get("applicability") == "TO_SHIPPING"

    @property
    def budget(self) -> Fraction | None:
        """``budget.amount`` (usage-limits.md); null or absent: no budget."""
        budget = self.discount.get("budget")
        return None if budget is None else exact(budget["amount"])

    @property
    def value(self) -> Fraction:
        value = self.discount.get("discountValue")
        if value is None:
            return Fraction(0)
        if self.tier is not None:  # a tiered discount uses the value of its tier
            return exact(value["tiers"][self.tier]["value"])
        return exact(value.get("value", 0))

    @property
    def max_amount(self) -> Fraction | None:
        value = self.discount.get("discountValue")
        if value is None or value.get("maxAmount") is None:
            return None
        return exact(value["maxAmount"])


class Oracle:
    def __init__(self, scenario: Mapping[str, Any]) -> None:
        self.s = copy.deepcopy(scenario)
        self.exponent = EXPONENT[self.s["currency"]]
        self.unit = Fraction(1, 10**self.exponent)
        self.at = datetime.fromisoformat(self.s["at"])
        self.catalog = {str(p["id"]): p for p in self.s.get("catalog") or ()}
        self.parent = {
            str(c["id"]): (None if c.get("parentId") is None else str(c["parentId"]))
            for c in self.s.get("categories") or ()
        }
        self.customer = self.s.get("customer")
        self.settings = self.s.get("settings") or {}
        self.order = self.s["order"]
        self.shipping_lines = self.order.get("shippingLines") or []
        self.usage = self.s.get("usage")  # None: not given (usage-limits.md)

    # -- categories -----------------------------------------------------------

    def ancestors(self, category: str) -> list[str]:
        found = []
        parent = self.parent.get(category)
        while parent is not None:
            found.append(parent)
            parent = self.parent.get(parent)
        return found

    def in_category(self, product: Mapping[str, Any], category: Any, nested: bool) -> bool:
        """The product is in the category (with nesting: or in a descendant of it)."""
        own = [str(c) for c in product.get("categoryIds") or ()]
        if str(category) in own:
            return True
        return nested and any(str(category) in self.ancestors(c) for c in own)

    # -- conditions (eligibility.md) ------------------------------------------

    @staticmethod
    def entities(condition: Mapping[str, Any]) -> list[tuple[Any, bool]]:
        """``(id, isNested)`` of a condition's entities, older ``{type, value}`` form too."""
        if condition.get("entityIds") is not None:
            raw = condition["entityIds"]
        else:
            value = condition.get("value")
            raw = value if isinstance(value, list) else [value]
        default = bool(condition.get("isNested"))
        result = []
        for item in raw:
            if isinstance(item, Mapping):
                nested = item.get("isNested")
                result.append((item["id"], default if nested is None else bool(nested)))
            else:
                result.append((item, default))
        return result

    @staticmethod
    def amount_of(condition: Mapping[str, Any]) -> Fraction:
        value = condition.get("value")
        return exact(value["amount"] if isinstance(value, Mapping) else value)

    def condition_true(
        self, condition: Mapping[str, Any], line: Line, cart: Sequence[Line], total_raw: Fraction
    ) -> bool:
        kind = condition.get("conditionType") or condition.get("type")
        product = line.product
        if kind == "PRODUCT":
            return any(same_id(product["id"], e) for e, _ in self.entities(condition))
        if kind == "CATEGORY":
            return any(self.in_category(product, e, n) for e, n in self.entities(condition))
        if kind == "ATTRIBUTE":
            attributes = product.get("attributes") or {}
            return any(
                attribute_matches(attributes, str(e), condition.get("value"))
                for e, _ in self.entities(condition)
            )
        if kind == "PRODUCT_IN_CART":
            return any(
                same_id(other.product["id"], e)
                for other in cart
                for e, _ in self.entities(condition)
            )
        if kind == "CATEGORY_IN_CART":
            return any(
                self.in_category(other.product, e, n)
                for other in cart
                for e, n in self.entities(condition)
            )
        if kind == "MIN_CART_AMOUNT":
            return total_raw >= self.amount_of(condition)
        if kind == "USER_LTV":
            c = self.customer
            if c is None or c.get("ltv") is None:
                return False
            return exact(c["ltv"]) >= self.amount_of(condition)
        if kind in ("LINE_QUANTITY", "CART_QUANTITY"):
            # quantity-promotions.md: paid units of the cart as requested
            wanted = condition["value"]["quantity"]
            counted = [line] if kind == "LINE_QUANTITY" else cart
            return sum(other.quantity for other in counted) >= wanted
        if kind == "PRODUCT_QUANTITY_IN_CART":
            units = 0
            for other in cart:
                if any(same_id(other.product["id"], e) for e, _ in self.entities(condition)):
                    units += other.quantity
            return units >= condition["value"]["quantity"]
        if kind == "CATEGORY_QUANTITY_IN_CART":
            units = 0
            for other in cart:
                if any(self.in_category(other.product, e, n) for e, n in self.entities(condition)):
                    units += other.quantity
            return units >= condition["value"]["quantity"]
        if kind == "USER_ATTRIBUTE":
            if self.customer is None:
                return False
            attributes = self.customer.get("attributes") or {}
            return any(
                attribute_matches(attributes, str(e), condition.get("value"))
                for e, _ in self.entities(condition)
            )
        raise AssertionError(f"unknown condition {kind}")

    def excluded(self, discount: Mapping[str, Any], line: Line) -> bool:
        for ex in discount.get("exclusions") or ():
            if same_id(ex["id"], line.product["id"]):
                return True
            if self.in_category(line.product, ex["id"], bool(ex.get("isNested", False))):
                return True
        return False

    def targeted(
        self, discount: Mapping[str, Any], line: Line, cart: Sequence[Line], total_raw: Fraction
    ) -> bool:
        conditions = discount.get("conditions") or []
        logic = discount.get("conditionLogic")
        return self.matches(discount, conditions, logic, line, cart, total_raw)

    def matches(
        self,
        discount: Mapping[str, Any],
        conditions: Sequence[Mapping[str, Any]],
        logic: str | None,
        line: Line,
        cart: Sequence[Line],
        total_raw: Fraction,
    ) -> bool:
        """The line is not excluded by ``discount`` and ``conditions`` combine to true."""
        if self.excluded(discount, line):
            return False
        if not conditions:
            return True
        results = [self.condition_true(c, line, cart, total_raw) for c in conditions]
        if logic == "OR":
            return any(results)
        return all(results)

    # -- eligibility (eligibility.md) -----------------------------------------

    def window(self, discount: Mapping[str, Any]) -> str | None:
        start, end = discount.get("startDate"), discount.get("endDate")
        if start is not None and not instant(start) <= self.at:
            return "not_started"
        if end is not None and not self.at < instant(end):
            return "expired"
        return None

    @staticmethod
    def coupon_list(discount: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        return [
            {"code": c, "isUsed": False, "isReusable": False} if isinstance(c, str) else c
            for c in discount.get("coupons") or ()
        ]

    @staticmethod
    def same_code(a: str, b: str) -> bool:
        return a.strip().lower() == b.strip().lower()

    def counters(self, discount: Mapping[str, Any]) -> tuple[int, int, Fraction]:
        """``uses``, ``customerUses`` and ``spent`` the caller gave; missing ones are 0."""
        entry = (self.usage or {}).get(str(discount["id"])) or {}
        return entry.get("uses", 0), entry.get("customerUses", 0), exact(entry.get("spent", 0))

    def usage_gate(self, discount: Mapping[str, Any]) -> str | None:
        """The gates between gate 6 and gate 7 (usage-limits.md), in their order."""
        uses, customer_uses, spent = self.counters(discount)
        limit = discount.get("usageLimit")
        if limit is not None and uses >= limit:
            return "usage_limit_reached"
        per_customer = discount.get("usageLimitPerCustomer")
        if per_customer is not None:
            if self.customer is None:
                return "guest"
            if customer_uses >= per_customer:
                return "customer_limit_reached"
        budget = discount.get("budget")
        if budget is not None and spent >= exact(budget["amount"]):
            return "budget_exhausted"
        return None

    def budget_left(self, o: Outcome) -> Fraction | None:
        """What the discount's budget still allows: ``budget.amount − spent`` (None: no budget)."""
        if o.budget is None:
            return None
        return o.budget - self.counters(o.discount)[2]

    def limited(self, o: Outcome, whole: Fraction) -> Fraction:
        """``whole`` (already within maxAmount) at most what the budget has left; the
        budget cutting it sets ``capped``."""
        left = self.budget_left(o)
        if left is not None and left < whole:
            o.capped = True
            return left
        return whole

    def gates(self, discount: Mapping[str, Any], codes: list[str]) -> str | None:
        """Gates 2-6 of eligibility.md, then the usage gates; the first failing one is the
        reason."""
        reason = self.window(discount)
        if reason is not None:
            return reason
        c = self.customer
        if c is not None and any(
            same_id(id_of(u), c["id"]) for u in discount.get("userExclusions") or ()
        ):
            return "user_excluded"
        groups = discount.get("userGroups") or []
        if groups:
            if c is None:
                return "guest"
            mine = c.get("groupIds") or []
            if not any(same_id(id_of(g), m) for g in groups for m in mine):
                return "not_in_group"
        if discount.get("type") == "PERSONAL_DISCOUNT" and c is None:
            return "guest"
        coupons = self.coupon_list(discount)
        if coupons and not any(self.same_code(c, x["code"]) for c in codes for x in coupons):
            return "coupon_required"  # (passes when any presented code is one of its own)
        if discount.get("activation") == "ON_REQUEST" and discount.get("identifier") not in (
            self.order.get("additionalDiscountsMarkers") or []
        ):
            return "not_requested"
        return self.usage_gate(discount)

    def order_amount(self, o: Outcome, base: Fraction) -> Fraction:
        """What a TO_ORDER (or TO_SHIPPING) discount takes off ``base``: the amount table
        of stacking-and-cap.md, then maxAmount, then its budget."""
        v = o.value
        if o.kind == "PERCENTAGE":
            whole = round_half_up_to_unit(base * v / 100, self.unit)
        elif o.kind == "FIXED_AMOUNT":
            whole = min(v, base)
        elif o.kind == "FIXED_PRICE":
            whole = max(Fraction(0), base - v)
        else:
            whole = Fraction(0)
        if o.max_amount is not None and whole > o.max_amount:
            whole = o.max_amount
        return self.limited(o, whole)

    def presented_codes(self, discounts: list[Mapping[str, Any]]) -> list[tuple[str, Any, Any]]:
        """``(code, owner, coupon)`` of each presented code: couponCode, then couponCodes;
        a blank code is no code; each checked as eligibility.md says (OracleCouponError)."""
        typed = [self.order.get("couponCode"), *(self.order.get("couponCodes") or [])]
        presented = []
        for code in typed:
            if code is None or not code.strip():
                continue
            for d in discounts:  # "the first of them in priority order" (decisions.md)
                matching = [x for x in self.coupon_list(d) if self.same_code(code, x["code"])]
                if matching:
                    owner, found = d, matching[0]
                    break
            else:
                raise OracleCouponError("not_found")
            if found.get("isUsed") and not found.get("isReusable"):
                raise OracleCouponError("already_used")
            if self.window(owner) is not None:
                raise OracleCouponError("expired")
            presented.append((code, owner, found))
        return presented

    # -- tiers and buy X get Y (quantity-promotions.md) ----------------------

    def measure(self, o: Outcome, cart: Sequence[Line], total_raw: Fraction) -> str | None:
        """After gate 7: the tier reached, or the buy-get's sets; the reason when none."""
        value = o.discount.get("discountValue") or {}
        if value.get("tiers"):
            if "minAmount" in value["tiers"][0]:
                # amounts before any discount, of the targeted lines as requested
                reached: Fraction = sum((cart[i].amount for i in o.targeted), Fraction(0))
                thresholds = [exact(t["minAmount"]) for t in value["tiers"]]
            else:
                reached = Fraction(sum(cart[i].quantity for i in o.targeted))
                thresholds = [Fraction(t["minQuantity"]) for t in value["tiers"]]
            for j, threshold in enumerate(thresholds):
                if reached >= threshold:
                    o.tier = j  # the last one reached wins
            return "tier_not_reached" if o.tier is None else None
        if value.get("buyGet"):
            return self.count_sets(o, value["buyGet"], cart, total_raw)
        return None

    def count_sets(
        self, o: Outcome, buy_get: Mapping[str, Any], cart: Sequence[Line], total_raw: Fraction
    ) -> str | None:
        conditions = buy_get.get("buyConditions") or []
        logic = buy_get.get("buyConditionLogic")
        bought = [
            i
            for i, line in enumerate(cart)
            if self.matches(o.discount, conditions, logic, line, cart, total_raw)
        ]
        only_bought = sum(cart[i].quantity for i in bought if i not in o.targeted)
        only_got = sum(cart[i].quantity for i in o.targeted if i not in bought)
        both = sum(cart[i].quantity for i in o.targeted if i in bought)
        x, y = buy_get["buyQuantity"], buy_get["getQuantity"]
        candidates = [
            (only_bought + both) // x,
            (only_got + both) // y,
            (only_bought + only_got + both) // (x + y),
        ]
        if buy_get.get("maxSets") is not None:
            candidates.append(buy_get["maxSets"])
        o.sets = min(candidates)
        o.shared_most = only_bought + both - o.sets * x
        o.shared_lines = [i for i in o.targeted if i in bought]
        return "buy_quantity_not_met" if o.sets == 0 else None

    def units_discounted(
        self, o: Outcome, current: Sequence[Fraction], cart: Sequence[Line]
    ) -> dict[int, int]:
        """How many units of each targeted line the discount takes its amount off."""
        value = o.discount.get("discountValue") or {}
        everything = {i: cart[i].quantity for i in o.targeted}
        # one entry per unit: (its line's current unit amount, the line)
        units = [
            (current[i] / cart[i].quantity, i) for i in o.targeted for _ in range(cart[i].quantity)
        ]
        if o.sets is not None:
            wanted = o.sets * value["buyGet"]["getQuantity"]
            from_shared = 0
            taken = dict.fromkeys(o.targeted, 0)
            for _, i in sorted(units):  # the cheapest first, the earlier line first
                if wanted == 0:
                    break
                if i in o.shared_lines:
                    if from_shared == o.shared_most:
                        continue  # past the cap on shared units: skipped
                    from_shared += 1
                taken[i] += 1
                wanted -= 1
            return taken
        most = value.get("maxQuantity")
        if most is None:
            return everything
        if value.get("quantityScope") != "ORDER":
            return {i: min(q, most) for i, q in everything.items()}
        if value.get("unitOrder") == "MOST_EXPENSIVE_FIRST":
            units.sort(key=lambda u: (-u[0], u[1]))
        else:
            units.sort()
        taken = dict.fromkeys(o.targeted, 0)
        for _, i in units[:most]:
            taken[i] += 1
        return taken

    def line_amount(self, o: Outcome, n: Fraction, q: int, d: int) -> Fraction:
        """What the discount takes off d of a line's q units, its amount being n."""
        v, unit = o.value, self.unit
        value = o.discount.get("discountValue") or {}
        if value.get("per") == "LINE":
            if o.kind == "FIXED_AMOUNT":
                return min(v, n)
            if o.kind == "FIXED_PRICE":
                return max(Fraction(0), n - v)
        base = n if d == q else round_half_up_to_unit(n * d / q, unit)
        if o.kind == "PERCENTAGE":
            return round_half_up_to_unit(base * v / 100, unit)
        if o.kind == "FIXED_AMOUNT":
            return min(v * d, base)
        if o.kind == "FIXED_PRICE":
            return max(Fraction(0), base - v * d)
        return Fraction(0)

    # -- the whole preview ----------------------------------------------------

    def run(self) -> dict[str, Any]:
        unit, exponent = self.unit, self.exponent
        out = lambda amount: money_out(amount, exponent)  # noqa: E731

        # lines, as requested (scenario.md)
        cart = []
        for req in self.order.get("products") or ():
            product = self.catalog[str(req["productId"])]
            cart.append(Line(product, req["quantity"], exact(product["price"])))
        requested_total = sum((line.amount for line in cart), Fraction(0))

        # priority (stacking-and-cap.md): position ascending, null last, ties by id
        def priority(d: Mapping[str, Any]) -> tuple[Any, ...]:
            pos = d.get("position")
            # UNDOCUMENTED: ids of mixed types; the strategies only make integer ids.
            return (pos is None, pos or 0, d["id"])

        discounts = sorted(self.s.get("discounts") or (), key=priority)

        # coupons (eligibility.md): every presented code is checked, in order
        presented = self.presented_codes(discounts)
        codes = [code for code, _, _ in presented]

        # gates (eligibility.md), in priority order
        outcomes = []
        accruing = []
        for d in discounts:
            o = Outcome(d)
            reason = self.gates(d, codes)
            if reason is None:
                o.targeted = [
                    i
                    for i, line in enumerate(cart)
                    if self.targeted(d, line, cart, requested_total)
                ]
                if not o.targeted:
                    reason = "conditions_not_met"
                else:
                    reason = self.measure(o, cart, requested_total)
                    if (
                        reason is None
                        and o.to_shipping
                        and not self.shipping_lines
                        and d.get("type") != "BONUS"
                    ):
                        reason = "no_shipping"  # after gate 7, before the stacking pick
            if d.get("type") == "BONUS":
                if reason is None:
                    accruing.append(o)
                reason = "bonus_program"  # gate 1: never a price discount
            o.reason = reason
            outcomes.append(o)

        # stacking (stacking-and-cap.md)
        stacking = self.settings.get("allowStacking", True)
        eligible = [o for o in outcomes if o.reason is None]
        if not stacking:
            for o in eligible[1:]:
                o.reason = "stacking_disabled"
            eligible = eligible[:1]
        for o in eligible:
            o.applied = True

        # gifts.md: gifts of the applied discounts (before amounts: a replacing gift takes
        # paid units, and totals are computed on the result - decisions.md)
        givers = [o for o in eligible if o.discount.get("gifts")]
        if not self.settings.get("allowGiftStacking", False):
            givers = givers[:1]
        gift_lines: list[tuple[Mapping[str, Any], int]] = []
        gave: list[Outcome] = []  # the discounts whose gifts became gift lines
        left_out: list[str] = []
        for o in givers:
            for gift in o.discount["gifts"]:
                if isinstance(gift, Mapping):
                    pid, quantity = gift["productId"], gift.get("quantity", 1)
                else:
                    pid, quantity = gift, 1
                product = self.catalog.get(str(pid))
                if product is None or product.get("available", True) is False:
                    # UNDOCUMENTED: a product left out twice is listed once.
                    if str(pid) not in left_out:
                        left_out.append(str(pid))
                    continue
                if o.discount.get("giftsReplaceCartItems"):
                    wanted = quantity
                    for line in cart:  # request order
                        if wanted and same_id(line.product["id"], pid):
                            taken = min(line.quantity, wanted)
                            line.quantity -= taken
                            wanted -= taken
                    # units the paid lines did not hold are simply added (decisions.md)
                gift_lines.append((product, quantity))
                gave.append(o)

        total_raw = sum((line.amount for line in cart), Fraction(0))

        # amounts (stacking-and-cap.md): TO_PRODUCT ones first, then TO_ORDER ones, each in
        # priority order; the TO_SHIPPING ones come after the cap (shipping-discounts.md)
        current = [line.amount for line in cart]
        application = [o for o in eligible if o.to_product] + [
            o for o in eligible if not o.to_product and not o.to_shipping
        ]
        for o in application:
            if o.to_product:
                uncapped = {}
                discounted = self.units_discounted(o, current, cart)
                for i in o.targeted:
                    n, q = current[i], cart[i].quantity
                    uncapped[i] = self.line_amount(o, n, q, discounted[i])
                uncapped_total = sum(uncapped.values(), Fraction(0))
                whole = uncapped_total
                if o.max_amount is not None and whole > o.max_amount:
                    whole = o.max_amount
                whole = self.limited(o, whole)
                if whole < uncapped_total:  # one sharing, over the uncapped amounts
                    shares = largest_remainder(whole, [uncapped[i] for i in o.targeted], unit)
                    o.shares = dict(zip(o.targeted, shares, strict=True))
                else:
                    o.shares = uncapped
            else:
                base = sum((current[i] for i in o.targeted), Fraction(0))
                whole = self.order_amount(o, base)
                shares = largest_remainder(whole, [current[i] for i in o.targeted], unit)
                o.shares = dict(zip(o.targeted, shares, strict=True))
            o.amount = sum(o.shares.values(), Fraction(0))
            for i, share in o.shares.items():
                current[i] -= share

        # cap (stacking-and-cap.md)
        cap_percent = self.settings.get("maxDiscountValue")
        if stacking and cap_percent is not None:
            limit = floor_to_unit(total_raw * exact(cap_percent) / 100, unit)
            for o in reversed(application):  # the discounts applied last first
                over = sum((x.amount for x in application), Fraction(0)) - limit
                if over <= 0:
                    break
                if o.amount == 0:
                    continue  # gift-only ones are passed over
                new_total = o.amount - min(over, o.amount)
                shares = largest_remainder(new_total, [o.shares[i] for i in o.targeted], unit)
                o.shares = dict(zip(o.targeted, shares, strict=True))
                o.amount = new_total
                o.capped = True
                if new_total == 0:
                    o.applied = False
                    o.reason = "capped_out"
        applied = [o for o in application if o.applied]

        total_discount = sum((o.amount for o in applied), Fraction(0))
        total_with_discount = max(Fraction(0), total_raw - total_discount)

        # shipping discounts (shipping-discounts.md): after the cap, by priority, each on
        # what the ones before it left of the shipping lines, shared in proportion to them
        shipping_left = [exact(s["price"]) for s in self.shipping_lines]
        for o in [o for o in eligible if o.to_shipping]:
            o.amount = self.order_amount(o, sum(shipping_left, Fraction(0)))
            shares = largest_remainder(o.amount, shipping_left, unit)
            shipping_left = [
                left - share for left, share in zip(shipping_left, shares, strict=True)
            ]
        shipping_total = sum(shipping_left, Fraction(0))

        # bonus (bonus.md); bonus may pay shipping, after its discounts (taxes.md)
        payable = total_with_discount + shipping_total
        c = self.customer
        balance = Fraction(0)
        if c is not None and c.get("bonusBalance") is not None:
            balance = exact(c["bonusBalance"])
        min_order = self.settings.get("minOrderAmountForBonus")
        min_bonus = self.settings.get("minBonusAmount")
        percent = self.settings.get("maxBonusPaymentPercent")
        if (min_order is not None and payable < exact(min_order)) or (
            min_bonus is not None and balance < exact(min_bonus)
        ):
            max_bonus = Fraction(0)
        else:
            max_bonus = min(balance, payable)
            if percent is not None:
                max_bonus = min(max_bonus, floor_to_unit(payable * exact(percent) / 100, unit))
        request = self.order.get("bonusAmount")
        bonus_applied = min(exact(request) if request is not None else Fraction(0), max_bonus)
        total_due = max(Fraction(0), total_with_discount - bonus_applied)

        accrual = Fraction(0)
        for o in accruing:
            if o.kind == "PERCENTAGE":
                earned = floor_to_unit(total_due * o.value / 100, unit)
            elif o.kind == "FIXED_AMOUNT":
                earned = o.value
            else:
                earned = Fraction(0)
            if o.max_amount is not None:
                earned = min(earned, o.max_amount)
            left = self.budget_left(o)  # usage-limits.md: a budget caps accrual as well
            if left is not None:
                earned = min(earned, left)
            accrual += earned

        # output (scenario.md, the result)
        coupons = []  # one object per presented code, in order
        for _, owner_discount, found in presented:
            owner = next(o for o in outcomes if o.discount is owner_discount)
            coupons.append(
                {
                    "code": found["code"],
                    "valid": True,
                    "applied": owner.applied,
                    "discountId": owner_discount["id"],
                    "discountIdentifier": owner_discount.get("identifier"),
                }
            )
        coupon = coupons[0] if coupons else None

        def echo(o: Outcome) -> dict[str, Any]:
            # UNDOCUMENTED: with several codes, the object of the first presented code
            # that is one of its own (decisions.md says so for one code).
            own = [
                obj
                for (typed, _, _), obj in zip(presented, coupons, strict=True)
                if any(self.same_code(typed, x["code"]) for x in self.coupon_list(o.discount))
            ]
            return {**o.discount, "coupon": own[0] if own else None}

        by_priority_applied = [o for o in outcomes if o.applied]
        settings_echo = {
            "allowStacking": stacking,
            "maxDiscountValue": number_out(cap_percent),
            "allowGiftStacking": self.settings.get("allowGiftStacking", False),
            "maxBonusPaymentPercent": number_out(percent),
            "minBonusAmount": number_out(min_bonus),
            "minOrderAmountForBonus": number_out(min_order),
            "giftRefundPolicy": self.settings.get("giftRefundPolicy", "KEEP_GIFT"),
        }
        bonus = None
        if c is not None or request is not None:
            bonus = {
                "availableBalance": out(balance),
                "maxBonusDiscount": out(max_bonus),
                "minBonusAmount": number_out(min_bonus),
                "minOrderAmountForBonus": number_out(min_order),
                "bonusApplied": out(bonus_applied),
            }

        lines = []
        preview = []
        for i, line in enumerate(cart):
            if line.quantity == 0:
                continue  # every unit became a gift
            mine = [o for o in applied if i in o.targeted]
            product_off = sum((o.shares[i] for o in mine if o.to_product), Fraction(0))
            order_off = sum((o.shares[i] for o in mine if not o.to_product), Fraction(0))
            lines.append(
                {
                    "productId": line.product["id"],
                    "quantity": line.quantity,
                    "isGift": False,
                    "unitPrice": out(line.unit),
                    "total": out(line.amount),
                    "productDiscount": out(product_off),
                    "orderDiscount": out(order_off),
                    "totalWithDiscount": out(line.amount - product_off - order_off),
                    # UNDOCUMENTED: listed in application order (TO_PRODUCT ones first).
                    "discounts": [
                        {"identifier": o.discount.get("identifier"), "amount": out(o.shares[i])}
                        for o in mine
                    ],
                }
            )
            preview.append(
                {
                    "productId": line.product["id"],
                    "title": line.product.get("title"),
                    "sku": line.product.get("sku"),
                    "price": out(line.unit),
                    "quantity": line.quantity,
                    "isGift": False,
                }
            )
        for product, quantity in gift_lines:
            zero = out(Fraction(0))
            lines.append(
                {
                    "productId": product["id"],
                    "quantity": quantity,
                    "isGift": True,
                    "unitPrice": zero,
                    "total": zero,
                    "productDiscount": zero,
                    "orderDiscount": zero,
                    "totalWithDiscount": zero,
                    "discounts": [],
                }
            )
            preview.append(
                {
                    "productId": product["id"],
                    "title": product.get("title"),
                    "sku": product.get("sku"),
                    "price": zero,
                    "quantity": quantity,
                    "isGift": True,
                }
            )

        known = {d.get("identifier") for d in discounts if d.get("identifier") is not None}
        warnings = []
        for marker in self.order.get("additionalDiscountsMarkers") or []:
            entry = {"code": "unknown_marker", "marker": marker}
            # UNDOCUMENTED: a marker given twice is reported once.
            if marker not in known and entry not in warnings:
                warnings.append(entry)
        ids = {str(d["id"]) for d in discounts}
        warnings += [
            {"code": "unknown_usage", "discountId": key}
            for key in self.usage or {}
            if key not in ids
        ]

        document = {
            "totalSum": out(total_with_discount),
            "totalSumWithDiscount": out(total_with_discount),
            "bonusApplied": out(bonus_applied),
            "totalDue": out(total_due),
            "currency": self.s["currency"],
            "discountConfig": {
                "orderDiscounts": [
                    echo(o) for o in by_priority_applied if not o.to_product and not o.to_shipping
                ],
                "productDiscounts": [echo(o) for o in by_priority_applied if o.to_product],
                "coupon": coupon,
                "settings": settings_echo,
                "additionalDiscountsMarkers": list(
                    self.order.get("additionalDiscountsMarkers") or []
                ),
                "totalRaw": out(total_raw),
                "totalSumWithDiscount": out(total_with_discount),
                "excludedGiftProductIds": left_out,
                "bonus": bonus,
                "bonusApplied": out(bonus_applied),
                "totalDue": out(total_due),
            },
            "orderPreview": preview,
            "lines": lines,
            "explanation": [
                {
                    "id": o.discount["id"],
                    "identifier": o.discount.get("identifier"),
                    "status": "applied" if o.applied else "not_applied",
                    "reason": None if o.applied else o.reason,
                    "amount": out(o.amount if o.applied else Fraction(0)),
                    "capped": o.capped,
                }
                # quantity-promotions.md: the tier used, the sets made, when applied
                | ({"tier": o.tier} if o.applied and o.tier is not None else {})
                | ({"sets": o.sets} if o.applied and o.sets is not None else {})
                for o in outcomes
            ],
            "bonusAccrual": out(accrual),
            "warnings": warnings,
        }
        if any(o.to_shipping for o in outcomes):
            document["discountConfig"]["shippingDiscounts"] = [
                echo(o) for o in by_priority_applied if o.to_shipping
            ]
        document.update(self.extensions(outcomes, coupons, shipping_left, gave))
        return document

    def extensions(
        self,
        outcomes: list[Outcome],
        coupons: list[dict[str, Any]],
        shipping_left: list[Fraction],
        gave: list[Outcome],
    ) -> dict[str, Any]:
        """``coupons``, ``shipping`` and ``usage``, each only when its input is given."""
        out = lambda amount: money_out(amount, self.exponent)  # noqa: E731
        result: dict[str, Any] = {}
        if self.order.get("couponCodes") is not None:
            result["coupons"] = coupons
        if self.shipping_lines:
            result["shipping"] = [
                {
                    "id": s["id"],
                    "name": s.get("name", ""),
                    "price": out(exact(s["price"])),
                    "discount": out(exact(s["price"]) - left),
                    "priceWithDiscount": out(left),
                }
                for s, left in zip(self.shipping_lines, shipping_left, strict=True)
            ]
        fields = ("usageLimit", "usageLimitPerCustomer", "budget")
        if self.usage is not None or any(
            o.discount.get(f) is not None for o in outcomes for f in fields
        ):
            # what the order adds to the counters: every discount applied with an amount
            # above 0, or whose gifts were given (decisions.md: capped out, it counts too)
            result["usage"] = [
                {
                    "discountId": o.discount["id"],
                    "identifier": o.discount.get("identifier"),
                    "uses": 1,
                    "spent": out(o.amount if o.applied else Fraction(0)),
                }
                for o in outcomes
                if (o.applied and o.amount > 0) or any(g is o for g in gave)
            ]
        return result


def expected(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """The result document for ``scenario`` (money as ``Decimal``), or OracleCouponError."""
    return Oracle(scenario).run()
