"""Whole scenarios: every part generated, or fixed by the caller and the rest drawn to fit.

The parts are drawn in a fixed order (currency, categories, catalog, discounts and
the instant, customer, settings, order), each from the vocabulary of those before.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from ._basics import (
    _BOOLEANS,
    _DATE_OFFSETS,
    _ZONES,
    APPLICABILITIES,
    DISCOUNT_TYPES,
    Json,
    T,
    _check_choice,
    _features,
    _fixed_or,
    _iso,
    _pick,
    _sometimes,
)
from ._catalog import _catalog, _category_tree
from ._discounts import _discount_list, _space
from ._extensions import _usage_input
from ._orders import _customer, _order, _settings
from ._scalars import (
    _exponent,
    _max_price,
    _max_price_minor,
    _max_quantity,
    currencies,
    instants,
)
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
) -> Json:
    """One whole scenario: each part drawn, or taken from the strategy given for it."""
    code = draw(currency)
    exponent = _exponent(code)
    max_price_minor = _max_price_minor(max_price, exponent)
    cats = draw(categories if categories is not None else _category_tree(4))
    products = draw(
        catalog
        if catalog is not None
        else _catalog(code, cats, 1, max_products, max_price, "unavailable" in features)
    )
    rules, moment = _rules_and_instant(
        draw, code, products, cats, discounts, at, features, kinds, max_price_minor
    )
    vocab = _vocabulary(exponent, features, products, cats, rules, moment, max_price_minor)
    zone = _pick(draw, _ZONES) if "input_variants" in features else UTC
    scenario = {
        "at": _iso(moment, zone),
        "currency": code,
        "categories": cats,
        "catalog": products,
        "customer": draw(customer if customer is not None else _customer(vocab, True)),
        "discounts": rules,
        "settings": draw(
            settings if settings is not None else _settings(exponent, features, max_price_minor)
        ),
        "order": draw(_order(vocab, *lines, coupon_errors)),
    }
    if "usage" in features and not _sometimes(draw, 3):
        scenario["usage"] = _usage_input(draw, exponent, rules)
    return scenario


def _given(value: T | SearchStrategy[T] | None) -> SearchStrategy[T] | None:
    """A part the caller fixed, as a strategy (a value is copied afresh); ``None``: generate."""
    return None if value is None else _fixed_or(value, st.nothing())


def _currency(
    currency: str | SearchStrategy[str] | None, *fixed: object | None
) -> SearchStrategy[str]:
    """The currency strategy; it must be given when money is (``fixed``: catalog, ...)."""
    if currency is None:
        if any(part is not None for part in fixed):
            raise ValueError("give currency= with a fixed catalog, discounts or settings")
        return currencies()
    if isinstance(currency, str):
        _exponent(currency)
        return st.just(currency)
    return currency


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
    ``customer`` and ``at`` may be fixed (a value, copied afresh for every example)
    or a strategy; what is not given is generated. When ``catalog``, ``discounts``
    or ``settings`` is fixed, give ``currency`` too (their money must fit it).
    A fixed ``customer`` of ``None`` cannot be told from "generate one": pass
    ``st.none()`` for always-guest scenarios.

    ``coupon_errors=True`` also presents unknown, used-up and out-of-date codes, for
    which the engine raises [`pricing.CouponError`][pricing.CouponError].
    """
    currency_st = _currency(currency, catalog, discounts, settings)
    _max_price(max_price)
    _max_quantity(max_quantity)
    chosen = _features(features)
    types = _check_choice("discount_types", discount_types, DISCOUNT_TYPES)
    kinds = (types, _check_choice("applicabilities", applicabilities, APPLICABILITIES))
    return _scenario(
        currency=currency_st,
        categories=_given(categories),
        catalog=_given(catalog),
        discounts=_given(discounts),
        settings=_given(settings),
        customer=_given(customer),
        at=_given(at),
        features=chosen,
        kinds=(*kinds, max_discounts),
        max_products=max_products,
        lines=(min_lines, max_lines, max_quantity),
        max_price=max_price,
        coupon_errors=coupon_errors,
    )
