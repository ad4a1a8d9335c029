"""Every condition type, attribute operators, AND/OR logic, the older form, and exclusions."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

import pricing

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


@pytest.mark.parametrize("operator", ["GT", "Eq", "between", 1, None])
def test_an_attribute_operator_is_one_of_the_nine_as_written(sb, operator):
    """Operators are the lower-case names the docs list: another spelling is refused,
    not read as one of them."""
    with pytest.raises(pricing.ScenarioError) as info:
        _targets(sb, [_attr("size", {"value": 9, "condition": operator})])
    assert info.value.path == "discounts[0].conditions[0].value.condition"
    assert "unknown attribute operator" in info.value.message


@pytest.mark.parametrize("kind", ["ATTRIBUTE", "USER_ATTRIBUTE"])
@pytest.mark.parametrize("name", [1, {"id": 1}])
def test_an_attribute_is_named_by_text(sb, kind, name):
    """Attributes are named by text: an integer there is refused, not read as the
    text of its digits (as product and category ids are integers, not text)."""
    with pytest.raises(pricing.ScenarioError) as info:
        _targets(sb, [_cond(kind, [name], {"value": 9, "condition": "gt"})])
    assert info.value.path.startswith("discounts[0].conditions[0].entityIds[0]")
    assert "names attributes: text" in info.value.message


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
    # ids as objects, as entityIds has them: nesting read from each
    nested = {"type": "CATEGORY", "value": [{"id": 12, "isNested": True}]}
    assert _targets(sb, [nested]) == {1, 3}
    assert _targets(sb, [{"type": "CATEGORY", "value": [{"id": 12}]}]) == {3}


@pytest.mark.parametrize(
    ("ref", "path", "message"),
    [
        # "false" is no boolean: it read as true (the discount applied to the nested lines)
        ({"id": 12, "isNested": "false"}, "value[0].isNested", "valid boolean"),
        ({"id": 12, "isNestd": True}, "value[0].isNestd", "unknown field"),  # was ignored
        ({"isNested": True}, "value[0].id", "field required"),
        ({"id": "12"}, "value[0].id", "names ids: integers"),
        (10**40, "value[0]", "at most 40 digits"),  # (as entityIds refuses it)
    ],
)
def test_older_form_ids_as_objects_are_read_strictly(sb, ref, path, message):
    """An id object in the older form's ``value`` is read as strictly as one in
    ``entityIds``: typos and loose types are errors, never a changed price."""
    d = sb.discount(1, "PERCENTAGE", 10, "TO_ORDER")
    d["conditions"] = [{"type": "CATEGORY", "value": [ref]}]
    scn = sb.scenario(CART, catalog=CATALOG, categories=CATEGORIES, discounts=[d])
    with pytest.raises(pricing.ScenarioError, match=message) as info:
        sb.run(scn)
    assert info.value.path == f"discounts[0].conditions[0].{path}"


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


# ---------------------------------------------------------------------------
# quantity conditions: paid units of the cart as requested

# Product 1 × 3 (category 13, under 12 and 11), product 2 × 1 (category 21),
# product 3 × 2 (category 12): 6 units.
QCART = ((1, 3), (2, 1), (3, 2))


def _quantity_targets(sb, conditions, logic=None, *, exclusions=None, cart=QCART):
    """Which product lines a 10 % product discount with these conditions targets."""
    fields = {"conditions": conditions, "exclusions": exclusions}
    if logic is not None:
        fields["conditionLogic"] = logic
    d = sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT", **fields)
    result = sb.run(sb.scenario(cart, catalog=CATALOG, categories=CATEGORIES, discounts=[d]))
    (e,) = result.explanation
    got = sb.targeted(result, "d1")
    assert (e.status, e.reason) == (
        ("applied", None) if got else ("not_applied", "conditions_not_met")
    )
    return got


def _units(kind, n, ids=None, **extra):
    return _cond(kind, ids, {"quantity": n}, **extra)


@pytest.mark.parametrize(("n", "want"), [(1, {1, 2, 3}), (2, {1, 3}), (3, {1}), (4, set())])
def test_line_quantity_is_the_line_s_own_quantity(sb, n, want):
    # quantities 3, 1, 2: a line is targeted when its quantity ≥ n (3 ≥ 3: exactly at it).
    assert _quantity_targets(sb, [_units("LINE_QUANTITY", n)]) == want


def test_line_quantity_under_and_with_a_product_condition(sb):
    # PRODUCT [1, 2] and quantity ≥ 2: line 1 (3 units); line 2 has 1 unit; line 3 is
    # not a product named.
    conds = [_cond("PRODUCT", [1, 2]), _units("LINE_QUANTITY", 2)]
    assert _quantity_targets(sb, conds) == {1}


def test_line_quantity_under_or_adds_the_lines_of_that_quantity(sb):
    # OR: product 2 by its product; lines 1 (3 units) by quantity ≥ 3; line 3 (2) by neither.
    conds = [_cond("PRODUCT", [2]), _units("LINE_QUANTITY", 3)]
    assert _quantity_targets(sb, conds, "OR") == {1, 2}


def test_line_quantity_under_or_never_targets_an_excluded_line(sb):
    # Product 1 is excluded: its 3 units do not make it a target; line 3 (2 units) is.
    conds = [_cond("PRODUCT", [2]), _units("LINE_QUANTITY", 2)]
    exclusions = [{"id": 1, "isNested": False}]
    assert _quantity_targets(sb, conds, "OR", exclusions=exclusions) == {2, 3}


def test_line_quantity_the_largest_under_and_the_smallest_under_or(sb):
    # Two LINE_QUANTITY conditions, 2 and 3: AND wants both (≥ 3: line 1), OR either (≥ 2).
    conds = [_units("LINE_QUANTITY", 2), _units("LINE_QUANTITY", 3)]
    assert _quantity_targets(sb, conds) == {1}
    assert _quantity_targets(sb, conds, "OR") == {1, 3}


@pytest.mark.parametrize(("n", "want"), [(6, ALL), (7, set())])
def test_cart_quantity_counts_every_paid_unit(sb, n, want):
    # 3 + 1 + 2 = 6 units: true for every line at 6 (exactly), false at 7.
    assert _quantity_targets(sb, [_units("CART_QUANTITY", n)]) == want


@pytest.mark.parametrize(("n", "want"), [(5, ALL), (6, set())])
def test_product_quantity_in_cart_counts_the_units_of_the_products_named(sb, n, want):
    # Products 1 and 3: 3 + 2 = 5 units; product 2's unit does not count.
    assert _quantity_targets(sb, [_units("PRODUCT_QUANTITY_IN_CART", n, [1, 3])]) == want


def test_product_quantity_in_cart_adds_up_lines_of_the_same_product(sb):
    # Product 1 on two lines of 2: 4 units of it.
    cart = ((1, 2), (2, 1), (1, 2))
    cond = _units("PRODUCT_QUANTITY_IN_CART", 4, [1])
    assert _quantity_targets(sb, [cond], cart=cart) == {1, 2}


@pytest.mark.parametrize(
    ("nested", "n", "want"),
    [
        (True, 5, ALL),  # product 1 (in 13, under 12) and product 3 (in 12): 3 + 2 = 5
        (True, 6, set()),
        (False, 2, ALL),  # only product 3 is in 12 itself: 2 units
        (False, 3, set()),
    ],
)
def test_category_quantity_in_cart_counts_with_nesting(sb, nested, n, want):
    cond = _units("CATEGORY_QUANTITY_IN_CART", n, [{"id": 12, "isNested": nested}])
    assert _quantity_targets(sb, [cond]) == want


def test_quantity_conditions_combine_with_others_under_and(sb):
    # CART_QUANTITY 6 (true everywhere) and CATEGORY 21 (line 2 only): line 2.
    conds = [_units("CART_QUANTITY", 6), _cond("CATEGORY", [21])]
    assert _quantity_targets(sb, conds) == {2}


def test_gift_lines_never_count_and_replaced_units_still_do(sb):
    """Conditions count the paid units of the cart as requested."""
    catalog = [sb.product(1, "10.00"), sb.product(2, "4.00")]
    # "gifts" (priority 1) gives 5 units of product 2; "five" needs 5 units in the cart.
    gifts = sb.discount(
        1, "NONE", 0, position=1, identifier="gifts", gifts=[{"productId": 2, "quantity": 5}]
    )
    five = sb.discount(
        2, "PERCENTAGE", 10, "TO_PRODUCT", position=2, identifier="five",
        conditions=[_units("CART_QUANTITY", 5)],
    )  # fmt: skip
    # Paid: 1 × 3 and 2 × 1 = 4 units; the 5 gift units do not count → not met.
    result = sb.run(sb.scenario([(1, 3), (2, 1)], catalog=catalog, discounts=[gifts, five]))
    assert sb.status(result)["five"] == ("not_applied", "conditions_not_met")
    # A replacing gift of 2 units of product 1 (paid 1 × 5 → 3 paid, 2 gifts): the cart as
    # requested has 5 units, so "five" applies, to what is left: 10 % of 3 × 10.00 = 3.00.
    gifts["gifts"] = [{"productId": 1, "quantity": 2}]
    gifts["giftsReplaceCartItems"] = True
    result = sb.run(sb.scenario([(1, 5)], catalog=catalog, discounts=[gifts, five]))
    assert sb.status(result)["five"] == ("applied", None)
    assert sb.shares(result, "five") == [D("3.00"), None]


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        ({"conditionType": "CART_QUANTITY", "value": 3}, "value"),
        ({"conditionType": "CART_QUANTITY", "value": {"quantity": 0}}, "value.quantity"),
        ({"conditionType": "CART_QUANTITY", "value": {"quantity": "3"}}, "value.quantity"),
        ({"conditionType": "CART_QUANTITY", "value": {"quantity": True}}, "value.quantity"),
        ({"conditionType": "LINE_QUANTITY", "value": {"quantity": 1.5}}, "value.quantity"),
        ({"conditionType": "LINE_QUANTITY", "value": {}}, "value.quantity"),
        ({"conditionType": "LINE_QUANTITY", "value": {"quantity": 10**11}}, "value.quantity"),
        ({"conditionType": "LINE_QUANTITY", "value": {"quantity": 2, "qty": 2}}, "value.qty"),
        ({"conditionType": "PRODUCT_QUANTITY_IN_CART", "value": {"quantity": 2}}, "entityIds"),
        (
            {
                "conditionType": "CATEGORY_QUANTITY_IN_CART",
                "entityIds": ["12"],
                "value": {"quantity": 2},
            },
            "entityIds[0]",
        ),
    ],
)
def test_bad_quantity_conditions_are_refused_by_path(sb, condition, path):
    d = sb.discount(1, "PERCENTAGE", 10, "TO_PRODUCT", conditions=[condition])
    with pytest.raises(pricing.ScenarioError) as raised:
        sb.run(sb.scenario(QCART, catalog=CATALOG, categories=CATEGORIES, discounts=[d]))
    assert raised.value.path == f"discounts[0].conditions[0].{path}"


@pytest.mark.parametrize(
    ("attribute", "condition", "value", "applies"),
    [
        # numbers when both sides are plain decimals (ASCII digits, optional - and point)
        ("1000", "gt", "999", True),  # 1000 > 999
        ("-5.50", "lt", "-5", True),  # -5.5 < -5
        ("007", "eq", 7, True),  # 7 == 7
        # otherwise text, in code-point order
        ("1_000", "gt", "999", False),  # "1" < "9": an underscore is not a number
        ("1e3", "gt", "999", False),  # no exponents either
        ("+5", "gt", "40", False),  # "+" (U+002B) < "4"
        (" 5", "gt", "40", False),  # " " < "4": no spaces around a number
        ("\u0665", "lt", "6", False),  # Arabic-Indic five: U+0665 > "6"
        ("5.", "gt", "40", True),  # "5." > "40" as text (a point needs digits after it)
    ],
)
def test_ordering_reads_numbers_only_in_their_plain_form(sb, attribute, condition, value, applies):
    """`gt`/`lt`/`eq` compare numbers when both sides parse as numbers, which text does
    only in the plain decimal form of amounts (-?digits(.digits)?); else as text."""
    buyer = sb.customer(attributes={"a": attribute})
    cond = _cond("USER_ATTRIBUTE", [{"id": "a"}], {"value": value, "condition": condition})
    assert _targets(sb, [cond], buyer=buyer) == (ALL if applies else set())


@pytest.mark.parametrize(
    ("attribute", "value", "applies"),
    [
        (None, "null", True),  # (was compared as "None")
        (None, "None", False),
        (True, "true", True),
        (["a", "b"], '["a","b"]', True),  # its compact JSON text (was "['a', 'b']")
        ({"k": 1}, '{"k":1}', True),
        ("x", "null", False),
    ],
)
def test_an_attribute_that_is_not_text_compares_as_its_json_text(sb, attribute, value, applies):
    """Compared as strings, a value that is not text is its JSON text, as written in the
    scenario (``null``, ``true``, ``["a","b"]``): never Python's spelling of it."""
    buyer = sb.customer(attributes={"a": attribute})
    cond = _cond("USER_ATTRIBUTE", [{"id": "a"}], value)
    assert _targets(sb, [cond], buyer=buyer) == (ALL if applies else set())
