"""Every condition type, attribute operators, AND/OR logic, the older form, and exclusions."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

# Category tree: 11 ─ 12 ─ 13, and 21 on its own (ids distinct from product ids).
CATEGORIES = [
    {"id": 11, "parentId": None},
    {"id": 12, "parentId": 11},
    {"id": 13, "parentId": 12},
    {"id": 21, "parentId": None},
]
# Cart: one of each of products 1, 2, 3 → 30 + 20 + 50 = totalRaw 100.00.
# Product 4 is in the catalog but not in the cart.
CATALOG = [
    {
        "id": 1,
        "price": "30.00",
        "categoryIds": [13],
        "attributes": {"brand": "Acme", "size": "10", "color": "red", "weight": 9},
    },
    {
        "id": 2,
        "price": "20.00",
        "categoryIds": [21],
        "attributes": {"brand": "other", "size": "9", "weight": "12"},
    },
    {"id": 3, "price": "50.00", "categoryIds": [12], "attributes": {}},
    {"id": 4, "price": "1.00", "categoryIds": [21], "attributes": {}},
]
CART = ((1, 1), (2, 1), (3, 1))
ALL = {1, 2, 3}


def _targets(
    sb, conditions, logic=None, *, buyer=None, exclusions=None, applicability="TO_PRODUCT"
):
    """Which product lines a 10 % discount with these conditions targets (empty: not applied)."""
    fields = {"conditions": conditions, "exclusions": exclusions}
    if logic is not None:
        fields["conditionLogic"] = logic
    d = sb.discount(1, "PERCENTAGE", 10, applicability, **fields)
    kwargs = {} if buyer is None else {"buyer": buyer}
    result = sb.run(
        sb.scenario(CART, catalog=CATALOG, categories=CATEGORIES, discounts=[d], **kwargs)
    )
    got = sb.targeted(result, "d1")
    (e,) = result.explanation
    assert (e.status == "applied") == bool(got)
    if not got:
        assert e.reason == "conditions_not_met"
    return got


def _cond(kind, ids=None, value=None, **extra):
    c = {"conditionType": kind}
    if ids is not None:
        c["entityIds"] = ids
    if value is not None:
        c["value"] = value
    c.update(extra)
    return c


def _attr(name, value):
    return _cond("ATTRIBUTE", [{"id": name}], value)


# ---------------------------------------------------------------------------
# product-level conditions


def test_no_conditions_targets_every_line(sb):
    """No conditions: every line."""
    assert _targets(sb, []) == ALL
    assert _targets(sb, None) == ALL


def test_product_condition(sb):
    """PRODUCT: the line's product id is in entityIds (ids, or ``{id}`` objects)."""
    assert _targets(sb, [_cond("PRODUCT", [1, 3])]) == {1, 3}
    assert _targets(sb, [_cond("PRODUCT", [{"id": 2}])]) == {2}
    assert _targets(sb, [_cond("PRODUCT", [4])]) == set()


@pytest.mark.parametrize(
    ("refs", "want"),
    [
        ([12], {3}),  # only 3 is in 12 itself; 1 is in 13, a child of 12
        ([{"id": 12, "isNested": True}], {1, 3}),  # 13 is a descendant of 12
        ([{"id": 11, "isNested": True}], {1, 3}),  # 12 and 13 descend from 11
        ([11], set()),  # nobody is directly in 11
        ([{"id": 13, "isNested": True}], {1}),  # nesting looks down, not up: 3 (in 12) is out
        ([21, 13], {1, 2}),
    ],
)
def test_category_condition(sb, refs, want):
    """CATEGORY with and without isNested (on the entityIds entry)."""
    assert _targets(sb, [_cond("CATEGORY", refs)]) == want


def test_category_is_nested_on_the_condition(sb):
    """``isNested`` given on the condition applies to its entries; an entry's own value wins."""
    assert _targets(sb, [_cond("CATEGORY", [11], isNested=True)]) == {1, 3}
    nested_off = [{"id": 11, "isNested": False}]
    assert _targets(sb, [_cond("CATEGORY", nested_off, isNested=True)]) == set()


ATTRIBUTE_CASES = [
    # plain value: equality compared as strings (case-sensitive)
    ("brand", "Acme", {1}),
    ("brand", "acme", set()),
    ("weight", "9", {1}),  # attribute 9 (a number) equals "9" as a string
    ("brand", {"value": "other"}, {2}),  # {value} without condition is eq
    # eq / neq: absent attributes never match (product 3 has none)
    ("size", {"value": 10, "condition": "eq"}, {1}),
    ("brand", {"value": "Acme", "condition": "neq"}, {2}),
    # numeric when both sides parse as numbers: 10 > 9 numerically but "10" < "9" as text
    ("size", {"value": 9, "condition": "gt"}, {1}),
    ("size", {"value": "9", "condition": "gte"}, {1, 2}),
    ("size", {"value": 10, "condition": "lt"}, {2}),
    ("size", {"value": 9, "condition": "lte"}, {2}),
    # mixed stored types (9 the number, "12" the string) still compare numerically
    ("weight", {"value": 10, "condition": "gt"}, {2}),
    ("weight", {"value": "9.0", "condition": "lte"}, {1}),
    # strings when a side is not a number: "other" > "B" ('o' > 'B'), "Acme" < "B"
    ("brand", {"value": "B", "condition": "gt"}, {2}),
    ("brand", {"value": "B", "condition": "lt"}, {1}),
    # lke: substring, case-insensitive
    ("brand", {"value": "ACM", "condition": "lke"}, {1}),  # "acme" contains "acm"
    ("brand", {"value": "zzz", "condition": "lke"}, set()),
    # exs / nex: present / absent
    ("color", {"condition": "exs"}, {1}),
    ("color", {"condition": "nex"}, {2, 3}),
    ("brand", {"condition": "nex"}, {3}),
]


@pytest.mark.parametrize(("name", "value", "want"), ATTRIBUTE_CASES)
def test_attribute_condition(sb, name, value, want):
    """ATTRIBUTE with each operator (docs/eligibility.md attribute operators, decisions page)."""
    assert _targets(sb, [_attr(name, value)]) == want


def test_attribute_condition_any_of_several_names(sb):
    """Several ``entityIds`` names: a line matches when any named attribute matches."""
    cond = _cond("ATTRIBUTE", [{"id": "color"}, {"id": "brand"}], {"value": "other"})
    assert _targets(sb, [cond]) == {2}


# ---------------------------------------------------------------------------
# cart-level conditions (same answer on every line)


def test_product_in_cart(sb):
    """PRODUCT_IN_CART: true for every line when some paid line has one of the products."""
    assert _targets(sb, [_cond("PRODUCT_IN_CART", [2])]) == ALL
    assert _targets(sb, [_cond("PRODUCT_IN_CART", [4])]) == set()


def test_category_in_cart(sb):
    """CATEGORY_IN_CART with nesting as CATEGORY."""
    assert _targets(sb, [_cond("CATEGORY_IN_CART", [{"id": 11, "isNested": True}])]) == ALL
    assert _targets(sb, [_cond("CATEGORY_IN_CART", [11])]) == set()
    assert _targets(sb, [_cond("CATEGORY_IN_CART", [13])]) == ALL


@pytest.mark.parametrize(
    ("amount", "applies"),
    [("100.00", True), (100, True), ("99.99", True), ("100.01", False)],
)
def test_min_cart_amount_boundary(sb, amount, applies):
    """MIN_CART_AMOUNT: totalRaw (100.00) ≥ value.amount."""
    got = _targets(sb, [_cond("MIN_CART_AMOUNT", value={"amount": amount})])
    assert got == (ALL if applies else set())


@pytest.mark.parametrize(
    ("ltv", "amount", "applies"),
    [
        ("1200.00", "1200.00", True),  # boundary: ≥
        ("1200.00", "1200.01", False),
        (None, "0", False),  # unknown ltv: false even against 0
    ],
)
def test_user_ltv(sb, ltv, amount, applies):
    """USER_LTV: customer ltv ≥ value.amount; unknown ltv is false."""
    buyer = sb.customer(ltv=ltv)
    got = _targets(sb, [_cond("USER_LTV", value={"amount": amount})], buyer=buyer)
    assert got == (ALL if applies else set())


def test_user_ltv_guest_is_false(sb):
    """USER_LTV for a guest is false, even against 0."""
    cond = _cond("USER_LTV", value={"amount": 0})
    d = sb.discount(1, conditions=[cond])
    result = sb.run(sb.scenario(CART, catalog=CATALOG, discounts=[d], buyer=None))
    assert sb.status(result) == {"d1": ("not_applied", "conditions_not_met")}


@pytest.mark.parametrize(
    ("value", "applies"),
    [
        ("gold", True),
        ({"value": "silver"}, False),
        ({"value": "OL", "condition": "lke"}, True),
        ({"value": 3, "condition": "gte"}, True),  # level 3 ≥ 3 numerically
        ({"value": 10, "condition": "lt"}, True),  # 3 < 10 numerically ("3" > "10" as text)
        ({"condition": "nex"}, False),
    ],
)
def test_user_attribute(sb, value, applies):
    """USER_ATTRIBUTE: a customer attribute named by entityIds matches value."""
    buyer = sb.customer(attributes={"tier": "gold", "level": "3"})
    name = (
        "level" if isinstance(value, dict) and value.get("condition") in ("gte", "lt") else "tier"
    )
    got = _targets(sb, [_cond("USER_ATTRIBUTE", [{"id": name}], value)], buyer=buyer)
    assert got == (ALL if applies else set())


def test_user_attribute_guest_is_false(sb):
    """USER_ATTRIBUTE for a guest is false."""
    d = sb.discount(1, conditions=[_cond("USER_ATTRIBUTE", [{"id": "tier"}], "gold")])
    result = sb.run(sb.scenario(CART, catalog=CATALOG, discounts=[d], buyer=None))
    assert sb.status(result) == {"d1": ("not_applied", "conditions_not_met")}


# ---------------------------------------------------------------------------
# AND / OR


def test_and_needs_every_condition_on_the_line(sb):
    """AND (the default): all conditions true for the line."""
    assert _targets(sb, [_cond("PRODUCT", [1, 2]), _cond("CATEGORY", [21])]) == {2}
    assert _targets(sb, [_cond("PRODUCT", [1]), _cond("CATEGORY", [21])], "AND") == set()
    assert _targets(sb, [_cond("PRODUCT", [1]), _cond("CATEGORY", [21])]) == set()


def test_or_needs_any_condition_on_the_line(sb):
    """OR: any condition true for the line."""
    assert _targets(sb, [_cond("PRODUCT", [1]), _cond("CATEGORY", [21])], "OR") == {1, 2}
    assert _targets(sb, [_cond("PRODUCT", [4]), _cond("CATEGORY", [13])], "OR") == {1}


def test_cart_conditions_combine_per_line(sb):
    """A cart condition gives the same answer on every line, inside AND and OR."""
    in_cart = _cond("MIN_CART_AMOUNT", value={"amount": 50})
    too_much = _cond("MIN_CART_AMOUNT", value={"amount": 500})
    product1 = _cond("PRODUCT", [1])
    assert _targets(sb, [in_cart, product1], "AND") == {1}
    assert _targets(sb, [in_cart, product1], "OR") == ALL
    assert _targets(sb, [too_much, product1], "AND") == set()
    assert _targets(sb, [too_much, product1], "OR") == {1}
    assert _targets(sb, [too_much], "OR") == set()


def test_older_type_value_form(sb):
    """The older ``{type, value}`` form: ids in value (list or one), amount as value."""
    assert _targets(sb, [{"type": "PRODUCT", "value": [1, 2]}]) == {1, 2}
    assert _targets(sb, [{"type": "PRODUCT", "value": 3}]) == {3}
    assert _targets(sb, [{"type": "CATEGORY", "value": [12], "isNested": True}]) == {1, 3}
    assert _targets(sb, [{"type": "MIN_CART_AMOUNT", "value": 100}]) == ALL
    assert _targets(sb, [{"type": "MIN_CART_AMOUNT", "value": "100.01"}]) == set()


# ---------------------------------------------------------------------------
# exclusions (a TO_ORDER 10 % discount; base = Σ targeted lines)


@pytest.mark.parametrize(
    ("exclusions", "want_targets", "want_off"),
    [
        # product 3 (50) excluded: base 30 + 20 = 50 → 10 % = 5.00 (not 10.00)
        ([{"id": 3}], {1, 2}, "5.00"),
        # category 12 not nested: only 3 (directly in 12) is out → base 50 → 5.00
        ([{"id": 12}], {1, 2}, "5.00"),
        # category 12 nested: 3 and 1 (in 13 under 12) are out → base 20 → 2.00
        ([{"id": 12, "isNested": True}], {2}, "2.00"),
        # category 11 nested: 1 and 3 out → base 20 → 2.00
        ([{"id": 11, "isNested": True}], {2}, "2.00"),
        # category 11 not nested: nobody is directly in 11 → base 100 → 10.00
        ([{"id": 11}], ALL, "10.00"),
        # product 1 (30) and category 21 (product 2, 20) out → base 50 → 5.00
        ([{"id": 1}, {"id": 21}], {3}, "5.00"),
        # everything excluded → conditions_not_met, nothing off
        ([{"id": 11, "isNested": True}, {"id": 21}], set(), "0.00"),
    ],
)
def test_exclusions(sb, exclusions, want_targets, want_off):
    """Excluded lines are never targeted and never part of a TO_ORDER base."""
    d = sb.discount(1, "PERCENTAGE", 10, "TO_ORDER", exclusions=exclusions)
    result = sb.run(sb.scenario(CART, catalog=CATALOG, categories=CATEGORIES, discounts=[d]))
    assert sb.targeted(result, "d1") == want_targets
    assert result.total_raw - result.total_sum_with_discount == D(want_off)
    for line in result.lines:
        if line.product_id not in want_targets:
            assert line.order_discount == D(0)
            assert line.discounts == ()


def test_exclusion_beats_a_condition(sb):
    """A line both excluded and matched by a condition is not targeted."""
    got = _targets(sb, [_cond("PRODUCT", [1, 2])], exclusions=[{"id": 1}])
    assert got == {2}
    assert _targets(sb, [_cond("PRODUCT", [1])], exclusions=[{"id": 13}]) == set()


def test_to_order_base_is_the_targeted_lines_only(sb):
    """A TO_ORDER fixed price is computed on the targeted lines' base only."""
    # CATEGORY 21 targets product 2 only: base 20.00; FIXED_PRICE 15 → max(0, 20 − 15) = 5.
    # (On the whole cart it would be 100 − 15 = 85.)
    d = sb.discount(1, "FIXED_PRICE", 15, "TO_ORDER", conditions=[_cond("CATEGORY", [21])])
    result = sb.run(sb.scenario(CART, catalog=CATALOG, categories=CATEGORIES, discounts=[d]))
    assert sb.shares(result, "d1") == [None, D("5.00"), None]
    assert result.total_sum_with_discount == D("95.00")


def test_plain_attribute_value_compares_as_strings_but_eq_compares_numbers(sb):
    """A plain value is string equality; `{value, condition}` is numeric when both parse.

    Product 1 has size "10". Plain "10.0" ≠ "10" as strings → no line targeted;
    `{value: "10.0", condition: eq}` → 10.0 == 10 numerically → line 1 targeted.
    """
    size = [{"id": "size"}]
    assert _targets(sb, [_cond("ATTRIBUTE", size, "10.0")]) == set()
    assert _targets(sb, [_cond("ATTRIBUTE", size, {"value": "10.0", "condition": "eq"})]) == {1}
    assert _targets(sb, [_cond("ATTRIBUTE", size, "10")]) == {1}
