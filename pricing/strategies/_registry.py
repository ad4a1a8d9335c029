"""``st.from_type`` for the public models: the ``hypothesis`` entry point's registrations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ._arguments import _exponent
from ._basics import Json
from ._catalog import _category_tree, _product, catalogs
from ._discounts import discounts
from ._orders import customers, discount_settings, orders
from ._scalars import _to_minor, currencies
from ._scenarios import scenarios


def _register(model: type[Any], build: Callable[[], SearchStrategy[Any]]) -> None:
    """Register ``model`` for ``st.from_type``: its JSON form validated into it."""
    st.register_type_strategy(model, lambda _: build().map(model.model_validate))


def _product_for(code: str) -> SearchStrategy[Json]:
    """One product priced in ``code``."""
    exponent = _exponent(code)
    return st.integers(1, 60).flatmap(
        lambda pid: _product(pid, exponent, (1, 2), _to_minor(200, exponent), None)
    )


def _order_for(code: str) -> SearchStrategy[Json]:
    """An order for a catalog in ``code``."""
    return catalogs(code, unavailable=False).flatmap(lambda c: orders(code, catalog=c))


def _discounts_for(code: str) -> SearchStrategy[Json]:
    """One discount about a catalog in ``code``."""
    return catalogs(code).flatmap(
        lambda c: discounts(code, catalog=c, min_size=1, max_size=1).map(lambda d: d[0])
    )


def register_types() -> None:
    """Register ``st.from_type`` strategies for the public models.

    Nothing is drawn or materialised here: every registration is a function that
    builds its strategy on first use.
    """
    from .. import _schema as models

    builders: dict[type[Any], Callable[[], SearchStrategy[Any]]] = {
        models.Scenario: scenarios,
        models.Category: lambda: _category_tree(4).filter(bool).map(lambda c: c[-1]),
        models.Product: lambda: currencies().flatmap(_product_for),
        models.Discount: lambda: currencies().flatmap(_discounts_for),
        models.Settings: lambda: currencies().flatmap(lambda c: discount_settings(c)),
        models.Customer: lambda: (
            currencies()
            .flatmap(lambda c: customers(c, guests=False))
            .filter(lambda c: c is not None)
        ),
        models.Order: lambda: currencies().flatmap(_order_for),
        models.OrderProduct: lambda: st.fixed_dictionaries(
            {"productId": st.integers(1, 60), "quantity": st.integers(1, 1_000_000)}
        ),
    }
    for model, build in builders.items():
        _register(model, build)
