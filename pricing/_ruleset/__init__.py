"""What is compiled once per rule set: catalog, conditions, rules, gates, index, settings.

A rule set (currency, catalog, categories, discounts, settings, tax rates) is turned
here into immutable structures in minor units and masks, so that a preview does
only the work that depends on the cart, the customer and the instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._errors import ScenarioError
from .._limits import MAX_DISCOUNTS, check_tree
from .._money import Currency
from .._schema import Category, Discount, Product, Settings, TaxRate, unknown_fields, validate
from .catalog import CompiledCatalog, compile_catalog
from .index import RuleIndex, index_rules
from .rules import compile_rules
from .settings import CompiledSettings, TaxTable, compile_settings, compile_tax_rates

__all__ = ["CompiledRuleSet", "compile_rule_set"]


@dataclass(frozen=True, slots=True)
class CompiledRuleSet:
    """A rule set ready for previews."""

    currency: Currency
    catalog: CompiledCatalog
    index: RuleIndex
    settings: CompiledSettings
    tax_table: TaxTable
    taxed: bool
    """Whether tax output is asked for (a tax input is given): otherwise the output has none."""
    gives_gifts: bool
    """Whether any rule has gifts (else the gift stage is skipped)."""
    ships: bool
    """Whether any rule is ``TO_SHIPPING`` (else the shipping discount stage is skipped)."""
    budgeted: bool
    """Whether any rule has a ``budget`` (else no amount is checked against one)."""
    limited: bool
    """Whether any rule has a usage limit or a budget (the ``usage`` output is then shown)."""
    storage_marker: str | None


def _validated_list(
    model: type[Any], items: Sequence[Any], name: str, walked: bool, limit: int | None = None
) -> list[Any]:
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise ScenarioError(name, "must be a list")  # (None too: a TypeError was no help)
    items = list(items)  # (read once: a generator given would be empty the second time)
    if limit is not None and len(items) > limit:  # (as the scenario's model says it)
        raise ScenarioError(
            name, f"List should have at most {limit} items after validation, not {len(items)}"
        )
    if not walked:  # (models too: pydantic lets through what the limits refuse)
        check_tree(items, prefix=name)
    return [validate(model, item, f"{name}[{i}]") for i, item in enumerate(items)]


def _unknown_field_warnings(
    discounts: Sequence[Discount], strict: bool
) -> tuple[Mapping[str, Any], ...]:
    """``unknown_field`` warnings, in document order; under ``strict``, the first is an error."""
    paths = [path for i, d in enumerate(discounts) for path in unknown_fields(d, i)]
    if strict and paths:
        raise ScenarioError(paths[0], "unknown field (typos must not silently change prices)")
    return tuple({"code": "unknown_field", "path": path} for path in paths)


def compile_rule_set(
    cur: Currency,
    *,
    categories: Sequence[Category | Mapping[str, Any]],
    catalog: Sequence[Product | Mapping[str, Any]],
    discounts: Sequence[Discount | Mapping[str, Any]],
    settings: Settings | Mapping[str, Any] | None,
    tax_rates: Sequence[TaxRate | Mapping[str, Any]] | None,
    locale: str | None,
    storage_marker: str | None,
    strict: bool = False,
    walked: bool = False,
) -> CompiledRuleSet:
    """Hold to the input limits (unless ``walked``: parts of a rule set that was),
    validate (models pass through as they are) and compile, part by part: the first
    error raised names its JSON path."""
    compiled_catalog = compile_catalog(
        cur,
        _validated_list(Category, categories, "categories", walked),
        _validated_list(Product, catalog, "catalog", walked),
    )
    discount_models = _validated_list(Discount, discounts, "discounts", walked, MAX_DISCOUNTS)
    warnings = _unknown_field_warnings(discount_models, strict)
    rules = compile_rules(cur, discount_models, compiled_catalog)
    index = index_rules(rules, compiled_catalog, warnings)
    if settings is not None and not walked:
        check_tree(settings, prefix="settings")
    settings_m = validate(Settings, {} if settings is None else settings, "settings")
    compiled_settings = compile_settings(cur, settings_m)
    rates = compile_tax_rates(
        None if tax_rates is None else _validated_list(TaxRate, tax_rates, "taxRates", walked)
    )
    table = TaxTable.build(rates, compiled_settings.prices_include_tax, locale)
    for i, product in enumerate(compiled_catalog.items.values()):
        table.rate_key(product.tax_rate_key, f"catalog[{i}].taxRateId")
    return CompiledRuleSet(
        currency=cur,
        catalog=compiled_catalog,
        index=index,
        settings=compiled_settings,
        tax_table=table,
        taxed=(
            tax_rates is not None or locale is not None or settings_m.prices_include_tax is not None
        ),
        gives_gifts=any(rule.gifts for rule in rules),
        ships=any(rule.to_shipping for rule in rules),
        budgeted=any(rule.budget is not None for rule in rules),
        limited=any(rule.limited for rule in rules),
        storage_marker=storage_marker,
    )
