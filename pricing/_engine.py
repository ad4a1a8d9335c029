"""The engine: a rule set compiled once, and the preview pipeline, stage by stage.

intake → eligibility → gifts → product discounts → order discounts → cap →
shipping discounts → bonus → tax → result. What is compiled once lives in
:mod:`pricing._ruleset`; each per-cart stage is a module of :mod:`pricing._stages`;
data flows one way.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from ._errors import PricingConfigError, ScenarioError, moved, under
from ._json import loads, loads_cart
from ._limits import check_tree
from ._money import currency as lookup_currency
from ._money import unknown_currency
from ._result.document import Templates
from ._result.text import write_compact
from ._result.views import Made, PreviewResult
from ._ruleset import CompiledRuleSet, compile_rule_set
from ._schema import (
    Category,
    Customer,
    Discount,
    Order,
    Product,
    RuleSet,
    Scenario,
    Settings,
    TaxRate,
    validate,
)
from ._stages.bonus import accrual, settle_bonus
from ._stages.cap import budget_left, cap_discounts
from ._stages.eligibility import decide
from ._stages.gifts import settle_gifts
from ._stages.intake import PriceVerifierLike, read_request
from ._stages.order_discounts import apply_order_discounts
from ._stages.product_discounts import apply_product_discounts
from ._stages.records import Outcome
from ._stages.shipping_discounts import apply_shipping_discounts
from ._stages.tax import read_charges, tax_extensions
from ._stages.usage import budgets_for
from ._values import is_aware

__all__ = ["Engine", "preview", "preview_json"]


class Engine:
    """A rule set compiled once; [`preview`][pricing.Engine.preview] does only the per-cart work.

    The rule set is validated and compiled when the engine is made; an engine is
    immutable and can price any number of carts, from any number of threads.
    Every argument takes the validated model or its JSON form (camelCase keys, or
    snake_case), as in a scenario (docs/scenario.md).

    Args:
        currency: ISO 4217 code of every amount (`"USD"`, `"JPY"`, `"KWD"`).
        catalog: the products, with their prices.
        discounts: the discount rules, in any order (priority decides).
        settings: the OneEntry discount settings (`allowStacking`,
            `maxDiscountValue`, ...); `None` for the defaults.
        categories: the category tree that conditions and exclusions match on.
        storage_marker: the order storage marker signed prices must be made for.
        tax_rates: tax rates, for taxes and display prices (docs/taxes.md).
        locale: the CLDR locale of display prices (`"en_US"`, `"de_DE"`).
        price_verifier: verifies the lines' `signedPrice` tokens (a
            [`PriceVerifier`][pricing.PriceVerifier]); without it a line that
            carries one is refused.
        strict: an unknown key of a discount or coupon object is an error
            instead of an `unknown_field` warning.

    Raises:
        ScenarioError: the rule set is invalid; `path` names the field.

    Example:
        ```python
        engine = pricing.Engine(currency="USD", catalog=catalog, discounts=discounts)
        for cart in carts:
            result = engine.preview(cart, customer=customer, at=now)
        ```
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
        strict: bool = False,
    ) -> None:
        self._compile(
            {
                "currency": currency,
                "catalog": _listed(catalog),
                "discounts": _listed(discounts),
                "settings": settings,
                "categories": _listed(categories),
                "storage_marker": storage_marker,
                "tax_rates": _listed(tax_rates),
                "locale": locale,
                "price_verifier": price_verifier,
                "strict": strict,
            },
            walked=False,
        )

    def _compile(self, source: dict[str, Any], *, walked: bool) -> None:
        """Compile the constructor's arguments; ``walked``: they are the parts of a rule set
        held to the input limits already, not to be walked again."""
        # What the engine is built from: it pickles as this and compiles again (the
        # compiled rule set holds closures, which do not pickle). The caller's data is
        # pickled now, as it is compiled: the caller may edit it afterwards, and an
        # engine sent to a worker must price as this one does. What the one-call path
        # parsed (walked) is nobody else's.
        self._source = source
        _check_options(source)
        currency = source["currency"]
        try:
            cur = lookup_currency(currency)
        except (KeyError, TypeError):
            raise ScenarioError("currency", unknown_currency(currency)) from None
        self._rs: CompiledRuleSet = compile_rule_set(
            cur,
            categories=source["categories"],
            catalog=source["catalog"],
            discounts=source["discounts"],
            settings=source["settings"],
            tax_rates=source["tax_rates"],
            locale=source["locale"],
            storage_marker=source["storage_marker"],
            strict=source["strict"],
            walked=walked,
        )
        self._frozen = None if walked else _frozen(source)
        templates = Templates(self._rs)
        self._made = Made(self._rs, templates)
        self._money = templates.amounts.__getitem__
        self._verifier = source["price_verifier"]

    @classmethod
    def from_rule_set(
        cls,
        rules: RuleSet,
        *,
        price_verifier: PriceVerifierLike | None = None,
        strict: bool = False,
    ) -> Engine:
        """Compile a validated rule set (a [`Scenario`][pricing.Scenario] is one, with a cart).

        Args:
            rules: the validated rule set.
            price_verifier: as for the constructor.
            strict: as for the constructor.
        """
        return cls(**_arguments(rules, price_verifier, strict))

    @classmethod
    def _of_walked(
        cls, rules: RuleSet, price_verifier: PriceVerifierLike | None, strict: bool
    ) -> Engine:
        """:meth:`from_rule_set` of a rule set validated from input held to the limits."""
        engine = cls.__new__(cls)
        engine._compile(_arguments(rules, price_verifier, strict), walked=True)
        return engine

    def __getstate__(self) -> dict[str, Any]:
        """What the engine was built from, as it was when built (later edits of the
        caller's data do not reach it), and the verifier, if any, which must pickle too."""
        if self._frozen is None:
            return self._source
        state = {key: value for key, value in self._source.items() if key not in _DATA}
        state[_FROZEN] = self._frozen
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Compile the rule set again, with a fresh amount cache. The data is the pickle's
        own, held to the input limits when the engine was first built: not copied or
        walked again."""
        source = dict(state)
        frozen = source.pop(_FROZEN, None)
        if frozen is not None:
            source.update(pickle.loads(frozen))  # (bytes this class made)
        self._compile(source, walked=True)

    @property
    def currency(self) -> str:
        """The rule set's ISO 4217 currency code."""
        return self._rs.currency.code

    def preview(
        self,
        order: Order | Mapping[str, Any],
        *,
        at: datetime,
        customer: Customer | Mapping[str, Any] | None = None,
        usage: Mapping[str, Any] | None = None,
    ) -> PreviewResult:
        """Price one cart for `customer` at the instant `at`.

        Args:
            order: the order body (`products`, `couponCode`,
                `additionalDiscountsMarkers`, `bonusAmount`, ...).
            at: the instant the preview is for, timezone-aware: dates, coupon
                windows and signed prices are checked against it. The engine
                never reads a clock.
            customer: the shopper; `None` is a guest.
            usage: what the caller's storage knows of each discount's use
                (docs/usage-limits.md): `{"<discount id>": {"uses", "customerUses",
                "spent"}}`.

        Returns:
            The previewOrder breakdown, each line's share of each discount, and
                the reason each rule applied or did not.

        Raises:
            ScenarioError: the order or customer is invalid (`path` names the field).
            CouponError: the presented coupon code cannot be used.
            SignedPriceError: a line's signed price is refused.
        """
        return self._preview(order, customer, at, usage, walked=False)

    def _preview(
        self,
        order: Order | Mapping[str, Any],
        customer: Customer | Mapping[str, Any] | None,
        at: datetime,
        usage: Mapping[str, Any] | None,
        walked: bool,
    ) -> PreviewResult:
        """:meth:`preview`; ``walked``: the order and customer were held to the input limits
        already (the parts of a scenario or a cart read from input that was)."""
        return PreviewResult(self._price(order, customer, at, usage, walked), self._made)

    def _price(
        self,
        order: Order | Mapping[str, Any],
        customer: Customer | Mapping[str, Any] | None,
        at: datetime,
        usage: Mapping[str, Any] | None,
        walked: bool = False,
    ) -> Outcome:
        """The pipeline, stage by stage: what :meth:`preview` returns a view of.
        ``walked``: the order and customer were held to the input limits already."""
        if not is_aware(at):
            raise ScenarioError("at", "must be a timezone-aware datetime")
        rs = self._rs
        settings = rs.settings
        request = read_request(
            rs, order, customer, verifier=self._verifier, at=at, usage=usage, walked=walked
        )
        eligibility = decide(rs.index, request, at=at, allow_stacking=settings.allow_stacking)
        gifts = settle_gifts(rs, request.lines, eligibility.applying)
        paid = gifts.lines
        current = [line.unit_price * line.quantity for line in paid]
        total_raw = sum(current)
        budgets = budgets_for(rs, request)  # what each discount's own budget has left
        applied = apply_product_discounts(eligibility.to_product, paid, current, budgets)
        budget = budget_left(settings, total_raw, applied)
        applied += apply_order_discounts(eligibility.to_order, current, budget, budgets)
        applied = cap_discounts(settings, total_raw, applied)
        # Shares always sum to their discount's amount; a capped-out one's amount is 0.
        total_with_discount = total_raw - sum([a.amount for a in applied])
        shipping, charges = apply_shipping_discounts(
            eligibility.to_shipping, request, read_charges(rs, request), budgets
        )
        bonus = settle_bonus(
            total_with_discount, request, settings, shipping=charges.shipping_total
        )
        accrued = accrual(eligibility.accruing, bonus.total_due, budgets)
        extensions = tax_extensions(rs, charges, paid, applied)
        return Outcome(
            rs.currency,
            settings,
            eligibility,
            gifts,
            applied,
            bonus,
            accrued,
            request.markers,
            extensions,
            total_raw,
            total_with_discount,
            self._money,
            shipping,
            rs.ships,
            rs.limited or request.usage is not None,
        )

    def preview_json(
        self,
        order: str | bytes,
        customer: str | bytes | None = None,
        *,
        at: datetime,
        usage: Mapping[str, Any] | None = None,
        indent: int | None = None,
    ) -> str:
        """The backend's path: the order (and the customer) as JSON text in, the
        previewOrder JSON text out, compact unless ``indent`` is given.

        The same text as ``preview(...).to_json(indent=indent)``, written without
        building the document first. Bad text is a `ScenarioError` naming the field,
        as for [`preview`][pricing.Engine.preview].

        Args:
            order: the order body as JSON text (UTF-8 when `bytes`).
            customer: the shopper as JSON text; `None` (or the text `null`) is a guest.
            at: the instant the preview is for, timezone-aware.
            usage: the discounts' usage counters, as for `preview`.
            indent: spaces per level; `None` writes one line.
        """
        part = "order"  # (a problem's path starts there, as inside a scenario)
        try:
            order_data = loads_cart(order)
            part = "customer"
            customer_data = None if customer is None else loads_cart(customer)  # "null" too
        except ScenarioError as error:
            raise moved(error, lambda path: under(part, path)) from None
        outcome = self._price(order_data, customer_data, at, usage, walked=True)  # (loads')
        if indent is None:  # (no result object: the text is all the caller gets)
            return write_compact(outcome, self._made.texts)
        return PreviewResult(outcome, self._made).to_json(indent=indent)


def _arguments(
    rules: RuleSet, price_verifier: PriceVerifierLike | None, strict: bool
) -> dict[str, Any]:
    """The constructor's arguments for a validated rule set."""
    return {
        "currency": rules.currency,
        "catalog": rules.catalog,
        "discounts": rules.discounts,
        "settings": rules.settings,
        "categories": rules.categories,
        "storage_marker": rules.storage_marker,
        "tax_rates": rules.tax_rates,
        "locale": rules.locale,
        "price_verifier": price_verifier,
        "strict": strict,
    }


_DATA = ("catalog", "discounts", "settings", "categories", "tax_rates")
"""The constructor's arguments that hold the caller's (mutable) data."""
_FROZEN = "frozen data"
"""The key of a pickled engine's state that holds those arguments pickled when it was built."""


def _frozen(source: Mapping[str, Any]) -> bytes | None:
    """The rule set's data of the constructor's arguments, pickled as it is now."""
    return pickled_now({key: source[key] for key in _DATA})


def pickled_now(data: Any) -> bytes | None:
    """``data`` pickled as it is now (``None``: it does not pickle even as plain
    JSON-shaped values; the caller then pickles it as it is when asked).

    Pickling is the quickest deep copy (an M rule set: 0.13 ms, 1 % of compiling it),
    and the copy an engine or a rule set is sent to workers as. Data that does not
    pickle as given (a ``mappingproxy``, a ``dict_values``) is made plain dicts and
    lists first.
    """
    try:
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # (pickling raises whatever the objects' own code raises)
        pass
    try:
        return pickle.dumps(_plain(data), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return None


def _plain(value: Any) -> Any:
    """``value`` with every mapping a ``dict``, every other collection a ``list`` and every
    model its fields by alias (as set), leaves as they are."""
    if isinstance(value, BaseModel):
        value = value.model_dump(by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    return value


def _listed(items: Any) -> Any:
    """``items`` as a list if it is an iterator (a generator); anything else as given
    (a wrong type is refused, naming the argument, when the rule set is compiled)."""
    return list(items) if isinstance(items, Iterator) else items


def preview(
    scenario: Scenario | Mapping[str, Any],
    *,
    price_verifier: PriceVerifierLike | None = None,
    strict: bool = False,
) -> PreviewResult:
    """Price one whole scenario in one call: compile its rule set, then preview its cart.

    Args:
        scenario: the whole input (docs/scenario.md): a
            JSON-shaped `dict` (as [`loads_json`][pricing.loads_json] returns)
            or a [`Scenario`][pricing.Scenario]. It must have `at`.
        price_verifier: verifies the lines' `signedPrice` tokens.
        strict: an unknown key of a discount or coupon object is an error
            instead of an `unknown_field` warning.

    Returns:
        The result; [`to_json`][pricing.PreviewResult.to_json] writes the
            previewOrder document.

    Raises:
        ScenarioError: the scenario is invalid; `path` names the field.
        CouponError: the presented coupon code cannot be used.
        SignedPriceError: a line's signed price is refused.
    """
    return preview_scenario(scenario, price_verifier, strict)


def _check_options(source: Mapping[str, Any]) -> None:
    """The arguments that are the caller's set-up, not data of the rule set: refused here
    rather than met later as an ``AttributeError`` (a verifier without ``verify``) or as
    every token failing (a storage marker that is no text)."""
    if type(source["strict"]) is not bool:
        raise PricingConfigError(f"strict must be True or False, not {source['strict']!r:.100}")
    verifier = source["price_verifier"]
    if verifier is not None and not callable(getattr(verifier, "verify", None)):
        raise PricingConfigError(
            "price_verifier must have a verify method, as pricing.PriceVerifier has "
            f"(given: {type(verifier).__name__})"
        )
    marker = source["storage_marker"]
    if marker is not None and not isinstance(marker, str):
        raise ScenarioError("storageMarker", "Input should be a valid string")


def preview_scenario(
    scenario: Scenario | Mapping[str, Any],
    price_verifier: PriceVerifierLike | None,
    strict: bool,
    *,
    walked: bool = False,
) -> PreviewResult:
    """:func:`preview`; ``walked``: ``scenario`` is what ``loads`` returned, which refuses
    all that the walk of the input limits would (on a small scenario the second walk
    cost a third of the call)."""
    if not walked:
        check_tree(scenario)  # (a Scenario the caller made too: pydantic lets through NaN...)
    s = validate(Scenario, scenario)
    if s.at is None:
        if "at" in s.model_fields_set:  # given as null
            raise ScenarioError("at", "must be an ISO 8601 date-time with a zone offset, not null")
        raise ScenarioError("at", "field required (the instant the preview is computed for)")
    engine = Engine._of_walked(s, price_verifier, strict)
    return engine._preview(s.order, s.customer, s.at, s.usage, walked=True)


def preview_json(
    text: str | bytes, *, price_verifier: PriceVerifierLike | None = None, strict: bool = False
) -> str:
    """JSON in, previewOrder JSON out: the path the CLI takes.

    Numbers are read and written exactly (never through `float`), and the same
    input always gives the same bytes.

    Args:
        text: the scenario as JSON text (UTF-8 when `bytes`).
        price_verifier: verifies the lines' `signedPrice` tokens.
        strict: as for [`preview`][pricing.preview].

    Returns:
        The result document as JSON text, indented by two spaces.

    Raises:
        ScenarioError: malformed JSON or an invalid scenario.
        CouponError: the presented coupon code cannot be used.
        SignedPriceError: a line's signed price is refused.
    """
    return preview_scenario(loads(text), price_verifier, strict, walked=True).to_json()
