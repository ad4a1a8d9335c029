"""Whole scenarios: every part generated, or fixed by the caller and the rest drawn to fit.

The parts are drawn in a fixed order (currency, categories, catalog, discounts and
the instant, settings, customer, order), each from the vocabulary of those before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn, SearchStrategy

from .. import Engine, PricingError
from ._arguments import (
    MAX_DISCOUNTS,
    MAX_LINES,
    MAX_PRODUCTS,
    _check_aware,
    _check_bool,
    _check_cart_catalog,
    _check_choice,
    _check_int,
    _check_parts,
    _check_sizes,
    _exponent,
    _features,
    _max_price,
    _max_quantity,
)
from ._basics import (
    _BOOLEANS,
    _DATE_OFFSETS,
    _ZONES,
    APPLICABILITIES,
    DISCOUNT_TYPES,
    Json,
    _given_part,
    _iso,
    _pick,
    _sometimes,
    _to_json,
)
from ._catalog import _catalog, _category_tree
from ._discounts import _discount_list, _space
from ._extensions import _usage_input
from ._orders import _customer, _order, _settings
from ._scalars import _max_price_minor, currencies, instants
from ._vocabulary import _vocabulary


@st.composite
def _instant_near(draw: DrawFn, moments: Sequence[datetime]) -> datetime:
    """An instant, often on or next to one of ``moments`` (the rules' dates)."""
    if len(moments) > 0 and draw(_BOOLEANS):
        base = _pick(draw, tuple(moments))
        return base + _pick(draw, _DATE_OFFSETS)
    return draw(instants())


def _rules_and_instant(
    draw: DrawFn,
    code: str,
    products: list[Json],
    cats: list[Json],
    discounts: SearchStrategy[list[Json]] | None,
    at: SearchStrategy[datetime] | None,
    features: frozenset[str],
    kinds: tuple[tuple[str, ...], tuple[str, ...], int],
    max_price_minor: int,
) -> tuple[list[Json], datetime]:
    """The discounts and the preview instant.

    Fixed discounts come first and the instant is drawn near their dates; generated
    discounts are drawn around the instant. ``kinds``: the discount types, the
    applicabilities and the most discounts.
    """
    exponent = _exponent(code)
    if discounts is not None:
        rules = draw(discounts)
        moments = _vocabulary(exponent, features, products, cats, rules, None, 0).instants
        return rules, draw(at if at is not None else _instant_near(moments))
    moment = draw(at if at is not None else instants())
    types, applicabilities, max_discounts = kinds
    space = _space(
        exponent, features, types, applicabilities, products, cats, moment, max_price_minor
    )
    return draw(_discount_list(space, 0, max_discounts)), moment


class _RuleSetCheck:
    """The fixed catalog, categories, discounts and settings, checked as a rule set in a
    currency by building a `pricing.Engine` from them once per currency: money that does
    not fit the currency (a cents catalog in yen), an unknown field, a cycle in the
    category tree, ... is refused as ``InvalidArgument``, not met in every example."""

    def __init__(self, parts: Mapping[str, Any]) -> None:
        self.parts = {k: v for k, v in parts.items() if not isinstance(v, SearchStrategy | None)}
        self.checked: set[str] = set()

    def __call__(self, code: str) -> None:
        """Refuse the fixed parts unless they make a valid rule set in ``code``."""
        if not self.parts or code in self.checked:
            return
        try:
            Engine(currency=code, **self.parts)
        except PricingError as error:
            names = ", ".join(f"{name}=" for name in self.parts)
            raise InvalidArgument(
                f"the fixed parts ({names}) are not a valid rule set in {code}: {error}"
            ) from error
        self.checked.add(code)


@st.composite
def _scenario(
    draw: DrawFn,
    *,
    currency: SearchStrategy[str],
    categories: SearchStrategy[list[Json]] | None,
    catalog: SearchStrategy[list[Json]] | None,
    discounts: SearchStrategy[list[Json]] | None,
    settings: SearchStrategy[Json] | None,
    customer: SearchStrategy[Json | None] | None,
    at: SearchStrategy[datetime] | None,
    features: frozenset[str],
    kinds: tuple[tuple[str, ...], tuple[str, ...], int],
    max_products: int,
    lines: tuple[int, int, int],
    max_price: Decimal | int | str,
    coupon_errors: bool,
    check: _RuleSetCheck,
) -> Json:
    """One whole scenario: each part drawn, or taken from the strategy given for it."""
    code = draw(currency)
    check(code)
    exponent = _exponent(code)
    max_price_minor = _max_price_minor(max_price, exponent)
    if categories is not None:
        cats = draw(categories)
    elif catalog is not None:
        # The caller's catalog without a tree: its categories are roots, as its author sees
        # them. A drawn tree would declare some of them children of others, and a rule on
        # one, nested, would then discount the products of another.
        cats = []
    else:
        cats = draw(_category_tree(4))
    products = draw(
        catalog
        if catalog is not None
        else _catalog(code, cats, 1, max_products, max_price, "unavailable" in features)
    )
    if catalog is not None:
        _check_cart_catalog(products)  # (given as a strategy: known only once drawn)
    rules, moment = _rules_and_instant(
        draw, code, products, cats, discounts, at, features, kinds, max_price_minor
    )
    # Settings before the customer and the order: balances and bonus amounts are drawn
    # near their thresholds.
    chosen_settings = draw(
        settings if settings is not None else _settings(exponent, features, max_price_minor)
    )
    vocab = _vocabulary(
        exponent, features, products, cats, rules, moment, max_price_minor, chosen_settings
    )
    zone = _pick(draw, _ZONES) if "input_variants" in features else UTC
    scenario = {
        "at": _iso(moment, zone),
        "currency": code,
        "categories": cats,
        "catalog": products,
        "customer": draw(customer if customer is not None else _customer(vocab, True)),
        "discounts": rules,
        "settings": chosen_settings,
        "order": draw(_order(vocab, *lines, coupon_errors)),
    }
    if "usage" in features and not _sometimes(draw, 3):
        scenario["usage"] = _usage_input(draw, exponent, rules)
    return scenario


def _currency(
    currency: str | SearchStrategy[str] | None, *fixed: object | None
) -> SearchStrategy[str]:
    """The currency strategy; it must be given when money is (``fixed``: catalog, ...)."""
    if currency is None:
        if any(part is not None for part in fixed):
            raise InvalidArgument(
                "currency=None: give it with a fixed catalog, discounts or settings"
            )
        return currencies()
    if isinstance(currency, SearchStrategy):
        return currency
    _exponent(currency)
    return st.just(currency)


def scenarios(
    *,
    currency: str | SearchStrategy[str] | None = None,
    categories: list[Json] | SearchStrategy[list[Json]] | None = None,
    catalog: list[Json] | SearchStrategy[list[Json]] | None = None,
    discounts: list[Json] | SearchStrategy[list[Json]] | None = None,
    settings: Json | SearchStrategy[Json] | None = None,
    customer: Json | SearchStrategy[Json | None] | None = None,
    at: datetime | SearchStrategy[datetime] | None = None,
    features: Collection[str] | None = None,
    discount_types: Collection[str] = DISCOUNT_TYPES,
    applicabilities: Collection[str] = APPLICABILITIES,
    max_products: int = 6,
    min_lines: int = 1,
    max_lines: int = 5,
    max_discounts: int = 5,
    max_quantity: int = 1000,
    max_price: Decimal | int | str = 200,
    coupon_errors: bool = False,
) -> SearchStrategy[Json]:
    """Whole scenarios (docs/scenario.md): JSON-shaped dicts that `pricing.preview` accepts.

    Each of ``currency``, ``categories``, ``catalog``, ``discounts``, ``settings``,
    ``customer`` and ``at`` may be fixed (a value, copied afresh for every example;
    models such as `pricing.Product` are taken in their JSON form) or a strategy; what
    is not given is generated, except the categories when a catalog is given (its
    categories are then roots: give ``categories`` for a tree). When ``catalog``,
    ``discounts`` or ``settings`` is fixed, give ``currency`` too: the fixed parts
    are checked to be a valid rule set in it when the strategy is made.
    A fixed ``customer`` of ``None`` cannot be told from "generate one": pass
    ``st.none()`` for always-guest scenarios.

    ``coupon_errors=True`` also presents unknown, used-up and out-of-date codes, for
    which the engine raises [`pricing.CouponError`][pricing.CouponError].
    """
    currency_st = _currency(currency, catalog, discounts, settings)
    for name, listed in (
        ("categories", categories),
        ("catalog", catalog),
        ("discounts", discounts),
    ):
        _check_parts(name, listed)
    given: dict[str, Any] = {
        "categories": categories,
        "catalog": catalog,
        "discounts": discounts,
        "settings": settings,
        "customer": customer,
    }
    fixed = {
        name: _to_json(value)
        for name, value in given.items()
        if value is not None and not isinstance(value, SearchStrategy)
    }
    if "catalog" in fixed:
        _check_cart_catalog(fixed["catalog"])
    check = _RuleSetCheck({k: v for k, v in fixed.items() if k != "customer"})
    if isinstance(currency, str):
        check(currency)
    if at is not None and not isinstance(at, SearchStrategy):
        _check_aware("at", at)
    _max_price(max_price)
    _max_quantity(max_quantity)
    chosen = _features(features)
    types = _check_choice("discount_types", discount_types, DISCOUNT_TYPES)
    kinds = (types, _check_choice("applicabilities", applicabilities, APPLICABILITIES))
    _check_int("max_products", max_products, 1, MAX_PRODUCTS)
    _check_int("max_discounts", max_discounts, 0, MAX_DISCOUNTS)
    _check_sizes(("min_lines", "max_lines"), min_lines, max_lines, 0, MAX_LINES)
    # Each part as a strategy (None: generate it); fixed ones already in their JSON form.
    parts: dict[str, SearchStrategy[Any] | None] = {
        name: None if value is None else _given_part(fixed.get(name, value), st.nothing())
        for name, value in given.items()
    }
    aware_at = partial(_check_aware, "at")  # (an instant drawn from a strategy too)
    return _scenario(
        currency=currency_st,
        categories=parts["categories"],
        catalog=parts["catalog"],
        discounts=parts["discounts"],
        settings=parts["settings"],
        customer=parts["customer"],
        at=None if at is None else _given_part(at, st.nothing()).map(aware_at),
        features=chosen,
        kinds=(*kinds, max_discounts),
        max_products=max_products,
        lines=(min_lines, max_lines, max_quantity),
        max_price=max_price,
        coupon_errors=_check_bool("coupon_errors", coupon_errors),
        check=check,
    )
