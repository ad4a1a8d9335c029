"""pricing: an exact, explainable, side-effect-free discount engine.

``pricing.preview(scenario)`` prices one scenario (docs/scenario.md) and returns the
OneEntry previewOrder breakdown plus every line's share of every discount and the
reason each rule applied or not. ``pricing.Engine`` compiles a rule set once for
pricing many carts.
"""

from typing import TYPE_CHECKING, Any

from ._engine import Engine, preview, preview_json
from ._errors import (
    CouponError,
    PricingConfigError,
    PricingError,
    ScenarioError,
    SignedPriceError,
)
from ._json import dumps as dumps_json
from ._json import loads as loads_json
from ._result.views import LineDiscount, LineResult, PreviewResult, RuleExplanation
from ._schema import (
    Category,
    Customer,
    Discount,
    Order,
    OrderProduct,
    Product,
    Scenario,
    Settings,
)

if TYPE_CHECKING:
    from ._signing import PriceSigner, PriceVerifier, SignedPrice, VerificationKey

_LAZY = {"PriceSigner", "PriceVerifier", "SignedPrice", "VerificationKey"}


def __getattr__(name: str) -> Any:
    # The signing names load python-jose and cryptography only when first used.
    if name in _LAZY:
        from . import _signing

        return getattr(_signing, name)
    raise AttributeError(f"module 'pricing' has no attribute {name!r}")


__all__ = [
    "Category",
    "CouponError",
    "Customer",
    "Discount",
    "Engine",
    "LineDiscount",
    "LineResult",
    "Order",
    "OrderProduct",
    "PreviewResult",
    "PriceSigner",
    "PriceVerifier",
    "PricingConfigError",
    "PricingError",
    "Product",
    "RuleExplanation",
    "Scenario",
    "ScenarioError",
    "Settings",
    "SignedPrice",
    "SignedPriceError",
    "VerificationKey",
    "dumps_json",
    "loads_json",
    "preview",
    "preview_json",
]
