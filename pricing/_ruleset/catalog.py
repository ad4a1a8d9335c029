"""The catalog, compiled once: products in minor units, the category tree as masks.

Sets of products are *masks* (integers with one bit per catalog product), so that
what a rule can touch in a cart is one ``&`` at preview time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._errors import ScenarioError
from .._limits import MAX_CATEGORY_DEPTH
from .._money import Currency, to_minor
from .._schema import Category, Product
from .attributes import AttributeIndex, AttributeTest

__all__ = ["CatalogItem", "CompiledCatalog", "compile_catalog", "key_of"]


def key_of(value: object) -> str:
    """The id as a string: ``2957`` and ``"2957"`` name the same thing."""
    return str(value)


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """A product ready for pricing."""

    id: int | str
    key: str
    title: str | None
    sku: str | None
    price: int
    categories: frozenset[str]
    """Its own categories."""
    nested_categories: frozenset[str]
    """Its own categories and all their ancestors (for ``isNested`` matching)."""
    attributes: Mapping[str, Any]
    available: bool
    tax_rate_key: str | None
    index: int
    """Its position in the catalog."""
    bit: int
    """``1 << index``: its member bit in a product mask."""


@dataclass(frozen=True, slots=True)
class CompiledCatalog:
    """The catalog indexed by product key, and its category tree.

    Sets of products are *masks*: integers with the products' :attr:`CatalogItem.bit`
    set. A rule's product-level conditions compile to masks, a cart to the mask of
    its products, and whether a rule can touch a cart is one ``&``.
    """

    items: Mapping[str, CatalogItem]
    order: tuple[str, ...]
    """Product keys in catalog order."""
    all_mask: int
    own_category_masks: Mapping[str, int]
    """Category key → the products directly in it."""
    nested_category_masks: Mapping[str, int]
    """Category key → the products in it or in one of its descendants."""
    attribute_indexes: dict[str, AttributeIndex] = field(default_factory=dict)
    """Memo of :meth:`attribute_mask`: attribute name → its products by value."""
    by_id: Mapping[int | str, CatalogItem] = field(default_factory=dict)
    """The available :attr:`items` by id: a plain ``productId`` finds its item without
    :func:`key_of`."""

    def product_mask(self, keys: Iterable[str]) -> int:
        """The products named by ``keys`` (keys not in the catalog name none)."""
        mask = 0
        for k in keys:
            item = self.items.get(k)
            if item is not None:
                mask |= item.bit
        return mask

    def category_mask(self, cats: Iterable[tuple[str, bool]]) -> int:
        """The products in any of ``cats`` (``(key, isNested)`` pairs), as conditions match them."""
        mask = 0
        for c, nested in cats:
            mask |= (self.nested_category_masks if nested else self.own_category_masks).get(c, 0)
        return mask

    def attribute_mask(self, names: Iterable[str], test: AttributeTest) -> int:
        """The products for which ``test`` holds on one of the attributes ``names``."""
        mask = 0
        for name in names:
            index = self.attribute_indexes.get(name)
            if index is None:
                index = self.attribute_indexes[name] = self._index_attribute(name)
            mask |= index.mask(test)
        return mask

    def _index_attribute(self, name: str) -> AttributeIndex:
        groups: dict[object, tuple[object, int]] = {}
        unset = 0
        for item in self.items.values():
            value = item.attributes.get(name, _ABSENT)
            if value is _ABSENT:
                unset |= item.bit
                continue
            # A value compares as its text or its number: (type, str) decides both.
            key = (type(value), str(value))
            sample, mask = groups.get(key, (value, 0))
            groups[key] = (sample, mask | item.bit)
        return AttributeIndex(groups.values(), unset)


_ABSENT = object()


def _ancestors(categories: Sequence[Category]) -> dict[str, frozenset[str]]:
    """Each category's ancestors, in one pass over the tree: linear in its size, since
    a category's set is its parent's plus the parent (the tree is at most 64 deep)."""
    parent: dict[str, str | None] = {}
    position: dict[str, int] = {}
    for i, cat in enumerate(categories):
        k = key_of(cat.id)
        if k in parent:
            raise ScenarioError(f"categories[{i}].id", f"duplicate category id {cat.id}")
        parent[k] = None if cat.parent_id is None else key_of(cat.parent_id)
        position[k] = i
    result: dict[str, frozenset[str]] = {}
    for k in parent:
        chain: list[str] = []  # k and those of its ancestors not yet known, child first
        on_chain: set[str] = set()
        p: str | None = k
        while p is not None and p not in result:
            if p in on_chain:
                raise ScenarioError(
                    f"categories[{position[p]}].parentId", f"category {p} is its own ancestor"
                )
            chain.append(p)
            on_chain.add(p)
            p = parent.get(p)
        known = frozenset() if p is None else result[p] | {p}
        for c in reversed(chain):  # root side first
            if len(known) >= MAX_CATEGORY_DEPTH:
                raise ScenarioError(
                    f"categories[{position[c]}].parentId",
                    f"the category tree may be at most {MAX_CATEGORY_DEPTH} levels deep",
                )
            result[c] = known
            known = known | {c}
    return result


def compile_catalog(
    cur: Currency, categories: Sequence[Category], products: Sequence[Product]
) -> CompiledCatalog:
    """Index the catalog; prices to minor units, categories to their ancestor closure."""
    ancestors = _ancestors(categories)
    items: dict[str, CatalogItem] = {}
    own_masks: dict[str, int] = {}
    nested_masks: dict[str, int] = {}
    for i, p in enumerate(products):
        k = key_of(p.id)
        if k in items:
            raise ScenarioError(f"catalog[{i}].id", f"duplicate product id {p.id}")
        own = frozenset(key_of(c) for c in p.category_ids)
        nested = set(own)
        for c in own:
            # Categories not declared in `categories` are roots (decision, docs/scenario.md).
            nested |= ancestors.get(c, frozenset())
        items[k] = CatalogItem(
            id=p.id,
            key=k,
            title=p.title,
            sku=p.sku,
            price=to_minor(cur, p.price, f"catalog[{i}].price"),
            categories=own,
            nested_categories=frozenset(nested),
            attributes=dict(p.attributes),
            available=p.available,
            tax_rate_key=None if p.tax_rate_id is None else key_of(p.tax_rate_id),
            index=i,
            bit=1 << i,
        )
        for c in own:
            own_masks[c] = own_masks.get(c, 0) | 1 << i
        for c in nested:
            nested_masks[c] = nested_masks.get(c, 0) | 1 << i
    by_id = {item.id: item for item in items.values() if item.available}
    return CompiledCatalog(
        items=items,
        by_id=by_id,
        order=tuple(items),
        all_mask=(1 << len(items)) - 1,
        own_category_masks=own_masks,
        nested_category_masks=nested_masks,
    )
