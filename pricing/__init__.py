"""pricing: an exact, explainable, side-effect-free discount engine.

``pricing.preview(scenario)`` prices one scenario (SPEC §1) and returns the
OneEntry previewOrder breakdown plus every line's share of every discount and the
reason each rule applied or not. ``pricing.Engine`` compiles a rule set once for
pricing many carts.
"""

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
from ._models import (
    Category,
    Customer,
    Discount,
    Order,
    OrderProduct,
    Product,
    Scenario,
    Settings,
)
from ._result import LineDiscount, LineResult, PreviewResult, RuleExplanation

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
    "PricingConfigError",
    "PricingError",
    "Product",
    "RuleExplanation",
    "Scenario",
    "ScenarioError",
    "Settings",
    "SignedPriceError",
    "dumps_json",
    "loads_json",
    "preview",
    "preview_json",
]
