"""The quantity-aware fields of ``discountValue``, read once per rule (docs/quantity-promotions.md).

Which of ``per``, ``maxQuantity``, ``quantityScope``, ``unitOrder``, ``tiers`` and
``buyGet`` go together, and with which applicability, is checked here, each refusal
naming its field. Then ``per`` and ``maxQuantity`` become the rule's ``take_lines``
(:mod:`.units`); ``tiers`` their thresholds and values, from which the rule module
makes one rule per tier (the eligibility stage uses the one a cart reaches); and
``buyGet`` a :class:`BuyGet`, whose sets the eligibility stage counts per cart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from .._errors import ScenarioError
from .._limits import MAX_PERCENT_DECIMALS
from .._money import Currency, Rate, to_minor
from .._schema import Discount, DiscountValue
from .conditions import Targeting
from .formulas import LineTaker
from .units import UnitTaker, max_quantity_taker, per_line_taker, unit_taker

if TYPE_CHECKING:
    from .rules import Rule

__all__ = ["BuyGet", "TierValue", "Tiers", "check_fields", "tier_values", "unit_limits"]


@dataclass(frozen=True, slots=True)
class Tiers:
    """A tiered discount: the thresholds, and the discount with each tier's value."""

    by_amount: bool
    """Thresholds are amounts (minor units) of the targeted lines; otherwise their units."""
    thresholds: tuple[int, ...]
    """Strictly increasing."""
    rules: tuple[Rule, ...]
    """``rules[j]``: the discount with the value of tier ``j`` (its ``tier`` is ``j``)."""


@dataclass(frozen=True, slots=True)
class BuyGet:
    """Buy X, get Y: which units count as bought, the counts, and the d-unit formula."""

    buy: Targeting
    """``buyConditions`` with the discount's exclusions: the lines whose units are bought."""
    buy_quantity: int
    get_quantity: int
    max_sets: int | None
    take: UnitTaker


class TierValue(NamedTuple):
    """One tier, compiled: its threshold, and its value as the rule's ``rate``/``value``."""

    threshold: int
    rate: Rate
    value: int


_UNIT_FIELDS = (
    ("per", "per"),
    ("max_quantity", "maxQuantity"),
    ("quantity_scope", "quantityScope"),
    ("unit_order", "unitOrder"),
    ("buy_get", "buyGet"),
)
_EXCLUSIVE = (("tiers", "tiers"), ("buy_get", "buyGet"), ("max_quantity", "maxQuantity"))


def check_fields(d: Discount, path: str) -> None:
    """Refuse, naming the field, a ``discountValue`` whose quantity fields do not go
    together (docs/quantity-promotions.md, "Which fields go together")."""
    dv = d.discount_value
    if dv is None:
        return
    at = f"{path}.discountValue"
    if dv.tiers is None:
        if dv.value is None:
            raise ScenarioError(f"{at}.value", "must be a number (null only with tiers)")
    elif dv.value is not None and "value" in dv.model_fields_set:
        raise ScenarioError(f"{at}.value", "with tiers each tier has the value: leave it out")
    fields = (*_UNIT_FIELDS, ("tiers", "tiers"))
    given = [alias for name, alias in fields if getattr(dv, name) is not None]
    if not given:
        return
    if d.type == "BONUS" and given != ["tiers"]:  # (tiers pick its accrual: allowed)
        raise ScenarioError(
            f"{at}.{next(g for g in given if g != 'tiers')}",
            "a BONUS program has no units or buy-get (decision)",
        )
    if dv.applicability != "TO_PRODUCT":
        for name, alias in _UNIT_FIELDS:
            if getattr(dv, name) is not None:
                raise ScenarioError(f"{at}.{alias}", "only a TO_PRODUCT discount counts units")
    if dv.max_quantity is None:
        for name, alias in (("quantity_scope", "quantityScope"), ("unit_order", "unitOrder")):
            if getattr(dv, name) is not None:
                raise ScenarioError(f"{at}.{alias}", "applies only with maxQuantity")
    _check_exclusive(dv, at)
    if dv.tiers is not None:
        _check_tiers(dv, at)


def _check_exclusive(dv: DiscountValue, at: str) -> None:
    """``tiers``, ``buyGet`` and ``maxQuantity`` exclude one another; ``per: LINE`` goes
    with none of them."""
    present = [alias for name, alias in _EXCLUSIVE if getattr(dv, name) is not None]
    if len(present) > 1:
        raise ScenarioError(
            f"{at}.{present[1]}",
            f"tiers, buyGet and maxQuantity exclude one another ({present[0]})",
        )
    if dv.per == "LINE" and present:
        raise ScenarioError(
            f"{at}.per", f"per: LINE goes with none of tiers, buyGet, maxQuantity ({present[0]})"
        )


def _check_tiers(dv: DiscountValue, at: str) -> None:
    """One kind of threshold per discount, strictly increasing; percentages 0..100."""
    assert dv.tiers is not None
    by_amount = dv.tiers[0].min_amount is not None
    key = "minAmount" if by_amount else "minQuantity"
    previous: Decimal | int | None = None
    for j, tier in enumerate(dv.tiers):
        where = f"{at}.tiers[{j}]"
        threshold = tier.min_amount if by_amount else tier.min_quantity
        if threshold is None:
            other = "minQuantity" if by_amount else "minAmount"
            raise ScenarioError(f"{where}.{other}", f"one kind of threshold per discount: {key}")
        if previous is not None and threshold <= previous:
            raise ScenarioError(
                f"{where}.{key}", f"thresholds must increase (the tier before: {previous})"
            )
        previous = threshold
        if dv.discount_type in ("PERCENTAGE", "PERCENT"):
            if tier.value > 100:
                raise ScenarioError(
                    f"{where}.value", "a percentage value must be between 0 and 100"
                )
            exponent = tier.value.normalize().as_tuple().exponent
            if isinstance(exponent, int) and exponent < -MAX_PERCENT_DECIMALS:
                raise ScenarioError(
                    f"{where}.value",
                    f"a percentage may have at most {MAX_PERCENT_DECIMALS} decimals",
                )


def tier_values(cur: Currency, dv: DiscountValue, kind: str, path: str) -> tuple[TierValue, ...]:
    """Each tier's threshold (units, or minor units) and value, in the rule's terms."""
    values = []
    for j, tier in enumerate(dv.tiers or ()):
        where = f"{path}.discountValue.tiers[{j}]"
        if tier.min_amount is not None:
            threshold = to_minor(cur, tier.min_amount, f"{where}.minAmount")
        else:
            threshold = tier.min_quantity or 0
        rate, value = Rate(0, 1), 0
        if kind == "PERCENTAGE":
            rate = Rate.from_percent(tier.value)
        elif kind in ("FIXED_AMOUNT", "FIXED_PRICE"):
            value = to_minor(cur, tier.value, f"{where}.value")
        values.append(TierValue(threshold, rate, value))
    return tuple(values)


def unit_limits(dv: DiscountValue | None, kind: str, rate: Rate, value: int) -> LineTaker | None:
    """The ``take_lines`` of ``per: LINE`` or of ``maxQuantity``; ``None`` without them."""
    if dv is None:
        return None
    if dv.per == "LINE":
        return per_line_taker(kind, rate, value)
    if dv.max_quantity is not None:
        return max_quantity_taker(
            unit_taker(kind, rate, value),
            dv.max_quantity,
            dv.quantity_scope == "ORDER",
            dv.unit_order == "MOST_EXPENSIVE_FIRST",
        )
    return None
