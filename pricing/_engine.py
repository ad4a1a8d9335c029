"""The engine: a compiled rule set, and the preview pipeline in SPEC order.

lines → eligibility → gifts → product discounts → order discounts → cap → bonus
→ tax → result. Each stage is a module of its own; data flows one way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from ._applied import amounts_left
from ._bonus import accrual, settle_bonus
from ._cap import apply_cap, cap_limit
from ._compile import (
    compile_catalog,
    compile_rules,
    compile_settings,
    compile_tax_rates,
    index_rules,
)
from ._eligibility import decide
from ._errors import ScenarioError
from ._gifts import Gifts, settle_gifts
from ._intake import read_request
from ._json import loads
from ._lines import PriceVerifierLike
from ._models import (
    Category,
    Customer,
    Discount,
    Order,
    Product,
    Scenario,
    Settings,
    TaxRate,
    validate,
)
from ._money import currency as lookup_currency
from ._order_discounts import apply_order_discounts
from ._product_discounts import apply_product_discounts
from ._result import PreviewResult, assemble
from ._tax import Taxable, TaxTable, compute_taxes, taxable_amounts

__all__ = ["Engine", "preview", "preview_json"]


def _validated_list(model: type[Any], items: Sequence[Any], name: str) -> list[Any]:
    if isinstance(items, str | bytes | Mapping):
        raise ScenarioError(name, "must be a list")
    return [validate(model, item, f"{name}[{i}]") for i, item in enumerate(items)]


class RuleSetFields(Protocol):
    """What :meth:`Engine.from_rule_set` reads: a scenario's fields minus the cart."""

    @property
    def currency(self) -> str: ...
    @property
    def catalog(self) -> Sequence[Product]: ...
    @property
    def discounts(self) -> Sequence[Discount]: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def categories(self) -> Sequence[Category]: ...
    @property
    def storage_marker(self) -> str | None: ...
    @property
    def tax_rates(self) -> Sequence[TaxRate] | None: ...
    @property
    def locale(self) -> str | None: ...


class Engine:
    """A rule set compiled once; :meth:`preview` does only the per-cart work.

    Example:
        >>> engine = Engine(currency="USD", catalog=[...], discounts=[...])
        >>> engine.preview({"products": [{"productId": 1, "quantity": 2}]}, at=now)
    """

    def __init__(
        self,
        *,
        currency: str,
        catalog: Sequence[Product | Mapping[str, Any]] = (),
        discounts: Sequence[Discount | Mapping[str, Any]] = (),
        settings: Settings | Mapping[str, Any] | None = None,
        categories: Sequence[Category | Mapping[str, Any]] = (),
        storage_marker: str | None = None,
        tax_rates: Sequence[TaxRate | Mapping[str, Any]] | None = None,
        locale: str | None = None,
        price_verifier: PriceVerifierLike | None = None,
    ) -> None:
        try:
            self._currency = lookup_currency(currency)
        except (KeyError, TypeError):
            raise ScenarioError(
                "currency", f"unknown ISO 4217 currency {currency!r} (or one without minor units)"
            ) from None
        cur = self._currency
        # Minor units → Decimal, memoised: results of one rule set share many amounts.
        self._money = lru_cache(maxsize=1 << 14)(cur.to_decimal)
        self._catalog = compile_catalog(
            cur,
            _validated_list(Category, categories, "categories"),
            _validated_list(Product, catalog, "catalog"),
        )
        self._rules = index_rules(
            compile_rules(cur, _validated_list(Discount, discounts, "discounts"), self._catalog),
            self._catalog,
        )
        self._gives_gifts = any(rule.gifts for rule in self._rules.rules)
        settings_m = validate(Settings, settings if settings is not None else {}, "settings")
        self._settings = compile_settings(cur, settings_m)
        self._tax_rates = compile_tax_rates(
            None if tax_rates is None else _validated_list(TaxRate, tax_rates, "taxRates")
        )
        # §11 is on when any of its inputs is given; otherwise the output is §9 exactly.
        self._taxed = (
            tax_rates is not None or locale is not None or settings_m.prices_include_tax is not None
        )
        self._tax_table = TaxTable.build(self._tax_rates, self._settings.prices_include_tax, locale)
        for i, product in enumerate(self._catalog.items.values()):
            self._tax_table.rate_key(product.tax_rate_key, f"catalog[{i}].taxRateId")
        self._storage_marker = storage_marker
        self._verifier = price_verifier

    @classmethod
    def from_rule_set(
        cls, rules: RuleSetFields, *, price_verifier: PriceVerifierLike | None = None
    ) -> Engine:
        """Compile the rule-set part of a validated scenario (or of a rule-set file)."""
        return cls(
            currency=rules.currency,
            catalog=rules.catalog,
            discounts=rules.discounts,
            settings=rules.settings,
            categories=rules.categories,
            storage_marker=rules.storage_marker,
            tax_rates=rules.tax_rates,
            locale=rules.locale,
            price_verifier=price_verifier,
        )

    @property
    def currency(self) -> str:
        """The rule set's ISO 4217 currency code."""
        return self._currency.code

    def preview(
        self,
        order: Order | Mapping[str, Any],
        *,
        at: datetime,
        customer: Customer | Mapping[str, Any] | None = None,
    ) -> PreviewResult:
        """Price one cart for ``customer`` at the instant ``at`` (timezone-aware)."""
        if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
            raise ScenarioError("at", "must be a timezone-aware datetime")
        cur = self._currency
        settings = self._settings
        request = read_request(
            cur,
            self._catalog,
            order,
            customer,
            storage_marker=self._storage_marker,
            verifier=self._verifier,
            at=at,
        )
        lines = request.lines
        shopper = request.customer

        eligibility = decide(
            self._rules,
            lines,
            customer=shopper,
            at=at,
            coupon_code=request.coupon_code,
            markers=request.markers,
            allow_stacking=settings.allow_stacking,
        )
        if self._gives_gifts:
            gifts = settle_gifts(
                self._catalog,
                lines,
                [rule for rule, _ in eligibility.applying],
                allow_gift_stacking=settings.allow_gift_stacking,
            )
        else:
            gifts = Gifts(lines, (), ())
        paid = gifts.lines
        current = [line.unit_price * line.quantity for line in paid]
        total_raw = sum(current)
        applied = apply_product_discounts(eligibility.to_product, paid, current)
        budget = None  # what the cap still allows, once the product discounts are in
        if settings.allow_stacking and settings.cap_rate is not None:
            budget = cap_limit(total_raw, settings.cap_rate) - sum([a.amount for a in applied])
        applied += apply_order_discounts(eligibility.to_order, current, budget)
        if settings.allow_stacking:
            applied = apply_cap(applied, total_raw, settings.cap_rate)
        # Shares always sum to their discount's amount; a capped-out one's amount is 0.
        total_with_discount = total_raw - sum([a.amount for a in applied])

        table = self._tax_table
        shipping = (
            taxable_amounts(cur, table, request.shipping_lines, "order.shippingLines")
            if request.shipping_lines
            else []
        )
        surcharges = (
            taxable_amounts(cur, table, request.surcharges, "order.surcharges")
            if request.surcharges
            else []
        )
        bonus = settle_bonus(
            total_with_discount,
            shopper,
            request.bonus_requested,
            settings,
            shipping=sum(s.amount for s in shipping) if shipping else 0,
        )
        accrued = accrual(eligibility.accruing, bonus.total_due)

        extensions = None
        if self._taxed or shipping or surcharges:
            left = amounts_left([line.total for line in paid], applied)
            goods = [
                Taxable(amount, line.item.tax_rate_key)
                for line, amount in zip(paid, left, strict=True)
            ]
            extensions = compute_taxes(cur, table, goods, shipping, surcharges)

        return assemble(
            cur,
            self._money,
            settings=settings,
            eligibility=eligibility,
            gifts=gifts,
            applied=applied,
            total_raw=total_raw,
            total_with_discount=total_with_discount,
            bonus=bonus,
            accrued=accrued,
            markers=request.markers,
            extensions=extensions,
        )


def preview(
    scenario: Scenario | Mapping[str, Any], *, price_verifier: PriceVerifierLike | None = None
) -> PreviewResult:
    """Price one whole scenario (SPEC §1) in one call: compile, then preview."""
    s = validate(Scenario, scenario)
    if s.at is None:
        raise ScenarioError("at", "field required (the instant the preview is computed for)")
    engine = Engine.from_rule_set(s, price_verifier=price_verifier)
    return engine.preview(s.order, customer=s.customer, at=s.at)


def preview_json(text: str | bytes, *, price_verifier: PriceVerifierLike | None = None) -> str:
    """JSON in, §9 JSON out: the path the CLI takes."""
    return preview(loads(text), price_verifier=price_verifier).to_json()
