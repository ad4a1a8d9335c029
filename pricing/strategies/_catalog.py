"""Category forests and catalogs: products with prices, categories and attributes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn, SearchStrategy

from ._arguments import (
    MAX_CATEGORIES,
    MAX_PRODUCTS,
    _check_bool,
    _check_int,
    _check_parts,
    _check_sizes,
    _exponent,
)
from ._basics import (
    _BOOLEANS,
    _PRODUCT_ATTRIBUTES,
    _UNDECLARED_CATEGORIES,
    Json,
    _given_part,
    _ints,
    _one_of,
    _pick,
    _sometimes,
)
from ._scalars import _max_price_minor, _money_minor


@st.composite
def _category_tree(draw: DrawFn, max_size: int) -> list[Json]:
    """Up to ``max_size`` categories, each parent declared before its children."""
    ids = draw(st.lists(_ints(1, 40), unique=True, max_size=max_size))
    result: list[Json] = []
    for i, cid in enumerate(ids):
        parent = draw(st.none() | st.sampled_from(ids[:i])) if i else None
        result.append({"id": cid, "parentId": parent})
    return result


def categories(*, max_size: int = 4) -> SearchStrategy[list[Json]]:
    """A category forest: ``[{id, parentId}]``, every parent declared before its children."""
    return _category_tree(_check_int("max_size", max_size, 0, MAX_CATEGORIES))


@st.composite
def _product(
    draw: DrawFn,
    pid: int,
    exponent: int,
    category_ids: Sequence[Any],
    max_price_minor: int,
    available: bool | None,
) -> Json:
    """One product: price, categories, some attributes, maybe unavailable (``available=None``)."""
    attributes = {
        name: _pick(draw, values)
        for name, values in _PRODUCT_ATTRIBUTES.items()
        if not _sometimes(draw)
    }
    cats = (
        draw(st.lists(_one_of(tuple(category_ids)), unique=True, max_size=2))
        if category_ids
        else []
    )
    product: Json = {
        "id": pid,
        "title": _pick(draw, (f"Product {pid}", None)),
        "sku": _pick(draw, (None, f"SKU-{pid}")),
        "price": draw(_money_minor(0, max_price_minor, exponent)),
        "categoryIds": cats,
        "attributes": attributes,
    }
    if available is None:
        available = draw(_BOOLEANS)
    if not available or draw(_BOOLEANS):
        product["available"] = available
    return product


@st.composite
def _catalog(
    draw: DrawFn,
    currency: str,
    cats: list[Json],
    min_size: int,
    max_size: int,
    max_price: Decimal | int | str,
    unavailable: bool,
) -> list[Json]:
    """Products with unique ids, the first always available."""
    exponent = _exponent(currency)
    declared = [c["id"] for c in cats]
    category_ids = declared + ([] if draw(_BOOLEANS) else list(_UNDECLARED_CATEGORIES))
    # Ids 1-60 (a large catalog: as many as it has), never those of missing products.
    top = max(60, max_size)
    ids = draw(st.lists(_ints(1, top), unique=True, min_size=max(min_size, 1), max_size=max_size))
    max_minor = _max_price_minor(max_price, exponent)
    return [
        draw(
            _product(
                pid, exponent, category_ids, max_minor, True if i == 0 or not unavailable else None
            )
        )
        for i, pid in enumerate(ids)
    ]


def catalogs(
    currency: str,
    *,
    categories: list[Json] | SearchStrategy[list[Json]] | None = None,
    min_size: int = 1,
    max_size: int = 6,
    max_price: Decimal | int | str = 200,
    unavailable: bool = True,
) -> SearchStrategy[list[Json]]:
    """Catalogs (``[{id, title, sku, price, categoryIds, attributes, available}]``).

    At least one product is available. Products name categories of ``categories``
    (drawn when not given) and sometimes undeclared ones (roots, by decision).
    """
    _max_price_minor(max_price, _exponent(currency))  # (refused now, not when drawn)
    _check_sizes(("min_size", "max_size"), min_size, max_size, 0, MAX_PRODUCTS)
    if max_size < 1:
        raise InvalidArgument("max_size=0: a catalog has at least one (available) product")
    _check_bool("unavailable", unavailable)
    _check_parts("categories", categories)
    cats = _given_part(categories, _category_tree(4))
    return cats.flatmap(lambda c: _catalog(currency, c, min_size, max_size, max_price, unavailable))
