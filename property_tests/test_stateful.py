"""A shopper at work: lines come and go, quantities change, coupons and bonus are
applied and removed; after every step the preview holds its invariants and agrees
with the oracle."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import pricing
from pricing import strategies as ps

from . import oracle
from .support import (
    EXPONENT,
    applied_entries,
    budget_left,
    canon,
    computed_money,
    dec,
    discount_by_id,
    goods_applied,
    project,
    shipping_after_discounts,
)
from .test_oracle import predict

ZERO = Decimal(0)


def assert_invariants(scenario: dict[str, Any], doc: Any) -> None:
    """The invariants of test_invariants.py, all at once, for one preview."""
    exponent = EXPONENT[scenario["currency"]]
    settings = scenario["settings"]
    raw = doc["discountConfig"]["totalRaw"]
    assert ZERO <= doc["totalDue"] <= doc["totalSumWithDiscount"] == doc["totalSum"] <= raw
    applied = applied_entries(doc)
    total_discount = raw - doc["totalSumWithDiscount"]
    assert total_discount == sum((e["amount"] for e in goods_applied(doc)), ZERO)
    assert total_discount == sum(
        (line["productDiscount"] + line["orderDiscount"] for line in doc["lines"]), ZERO
    )
    for line in doc["lines"]:
        assert line["totalWithDiscount"] >= 0
    rules = discount_by_id(scenario)
    for e in applied:
        value = rules[str(e["id"])].get("discountValue") or {}
        if value.get("maxAmount") is not None:
            assert e["amount"] <= dec(value["maxAmount"])
    if settings.get("allowStacking", True) is False:
        assert len(applied) <= 1
    elif settings.get("maxDiscountValue") is not None:
        unit = Fraction(1, 10**exponent)
        cap = Fraction(dec(settings["maxDiscountValue"]))
        limit = (Fraction(raw) * cap / 100 // unit) * unit
        assert Fraction(total_discount) <= limit
    for path, value in computed_money(doc):
        assert value.as_tuple().exponent == -exponent, path
    request = scenario["order"].get("bonusAmount")
    assert doc["bonusApplied"] <= (ZERO if request is None else dec(request))
    assert doc["bonusApplied"] <= doc["totalSumWithDiscount"] + shipping_after_discounts(doc)
    for s in doc.get("shipping", []):
        assert ZERO <= s["discount"] <= s["price"]
        assert s["priceWithDiscount"] == s["price"] - s["discount"]
    if "usage" in doc:
        assert sum((u["spent"] for u in doc["usage"]), ZERO) == sum(
            (e["amount"] for e in applied), ZERO
        )
    for e in applied:
        left = budget_left(scenario, e["id"])
        assert left is None or e["amount"] <= left


class Shopper(RuleBasedStateMachine):
    """One rule set and one customer; the cart is what the shopper makes of it."""

    def __init__(self) -> None:
        super().__init__()
        self.scenario: dict[str, Any] = {}
        self.available: list[Any] = []
        self.codes: list[str] = []

    @initialize(
        scenario=ps.scenarios(
            min_lines=0, max_discounts=6, features=ps.FEATURES - {"input_variants"}
        )
    )
    def open_shop(self, scenario: dict[str, Any]) -> None:
        self.scenario = scenario
        self.available = [
            p["id"] for p in scenario["catalog"] if p.get("available", True) is not False
        ]
        codes = {
            c if isinstance(c, str) else c["code"]
            for d in scenario["discounts"]
            for c in d.get("coupons") or ()
        }
        self.codes = [*sorted(codes), "NO-SUCH-CODE"]
        self.scenario["order"].pop("couponCode", None)
        self.scenario["order"].pop("couponCodes", None)

    @property
    def order(self) -> dict[str, Any]:
        order: dict[str, Any] = self.scenario["order"]
        return order

    @property
    def lines(self) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = self.order["products"]
        return lines

    # -- the shopper's moves --------------------------------------------------

    @rule(data=st.data(), quantity=st.integers(1, 50))
    def add_line(self, data: st.DataObject, quantity: int) -> None:
        product = data.draw(st.sampled_from(self.available), label="product")
        self.lines.append({"productId": product, "quantity": quantity})

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data())
    def remove_line(self, data: st.DataObject) -> None:
        del self.lines[data.draw(st.integers(0, len(self.lines) - 1), label="line")]

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data(), quantity=st.integers(1, 1000))
    def change_quantity(self, data: st.DataObject, quantity: int) -> None:
        self.lines[data.draw(st.integers(0, len(self.lines) - 1), label="line")]["quantity"] = (
            quantity
        )

    @rule(data=st.data())
    def apply_coupon(self, data: st.DataObject) -> None:
        code = data.draw(st.sampled_from(self.codes), label="code")
        self.order["couponCode"] = code
        if "couponCodes" in self.order:  # a code is presented once (else: bad input)
            norm = code.strip().casefold()
            others = [c for c in self.order["couponCodes"] if c.strip().casefold() != norm]
            self.order["couponCodes"] = others
        self._unless_refused("couponCode")

    def _unless_refused(self, key: str) -> None:
        """A code the oracle says is refused raises that CouponError; the shop then
        takes back what it asked for (``key`` of the order)."""
        want = predict(self.scenario)
        if isinstance(want, str):
            with pytest.raises(pricing.CouponError) as raised:
                pricing.preview(self.scenario)
            assert raised.value.reason == want
            del self.order[key]

    @precondition(lambda self: "couponCode" in self.order)
    @rule()
    def remove_coupon(self) -> None:
        del self.order["couponCode"]

    @rule(data=st.data())
    def present_codes(self, data: st.DataObject) -> None:
        """More codes beside couponCode (each distinct from the others and from it)."""
        first = (self.order.get("couponCode") or "").strip().casefold()
        pool = [c for c in self.codes if c.strip().casefold() != first]
        codes = data.draw(st.lists(st.sampled_from(pool), unique=True, max_size=3), label="codes")
        self.order["couponCodes"] = codes
        self._unless_refused("couponCodes")

    @rule(data=st.data())
    def choose_shipping(self, data: st.DataObject) -> None:
        price = data.draw(ps.money(self.scenario["currency"], max_value=30), label="shipping")
        self.order["shippingLines"] = [{"id": "ship", "name": "Courier", "price": price}]

    @precondition(lambda self: bool(self.order.get("shippingLines")))
    @rule()
    def collect_in_store(self) -> None:
        self.order["shippingLines"] = []

    @rule(data=st.data())
    def use_bonus(self, data: st.DataObject) -> None:
        amount = data.draw(ps.money(self.scenario["currency"], max_value=500), label="bonus")
        self.order["bonusAmount"] = amount

    @precondition(lambda self: self.order.get("bonusAmount") is not None)
    @rule()
    def stop_using_bonus(self) -> None:
        self.order["bonusAmount"] = None

    @rule(data=st.data())
    def toggle_marker(self, data: st.DataObject) -> None:
        names = [d["identifier"] for d in self.scenario["discounts"] if d.get("identifier")]
        marker = data.draw(st.sampled_from([*names, "unknown-marker"]), label="marker")
        markers = self.order.setdefault("additionalDiscountsMarkers", [])
        if marker in markers:
            markers.remove(marker)
        else:
            markers.append(marker)

    # -- after every step -----------------------------------------------------

    @invariant()
    def preview_holds(self) -> None:
        if not self.scenario:
            return
        pristine = copy.deepcopy(self.scenario)
        result = pricing.preview(self.scenario)
        assert canon(self.scenario) == canon(pristine)
        doc = result.document
        assert_invariants(self.scenario, doc)
        want = oracle.expected(self.scenario)
        assert canon(project(dict(doc), want)) == canon(want)


TestShopper = Shopper.TestCase
