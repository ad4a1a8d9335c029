"""The JSON written at once is the document's JSON, byte for byte.

``to_json`` does not write ``result.document``: compact, it joins texts made once
per rule set (each echo without coupon its rule's pre-written text, amounts once
per distinct amount) with no document built; indented, it builds a document it
does not keep and lets the C encoder write it. A plain recursive writer of
``result.document`` (money as ``Decimal``) is the reference both must match.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import pricing
from pricing import strategies as ps


def _number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if not value else text


def reference(value: Any, indent: int | None, level: int = 0) -> str:
    """JSON as the writer before the fast path wrote it (a plain recursive encoder)."""
    pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
    end = "" if indent is None else "\n" + " " * (indent * level)
    colon = ":" if indent is None else ": "
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [
            pad + json.dumps(str(k), ensure_ascii=False) + colon + reference(v, indent, level + 1)
            for k, v in value.items()
        ]
        return "{" + ",".join(items) + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[" + ",".join(pad + reference(v, indent, level + 1) for v in value) + end + "]"
    raise TypeError(type(value).__name__)


SCENARIOS = st.one_of(
    ps.scenarios(),
    ps.scenarios(features={"coupons", "gifts", "bonus", "markers", "input_variants"}),
)


@settings(max_examples=settings.default.max_examples * 2, deadline=None)
@given(SCENARIOS)
def test_to_json_is_the_document_written_plainly(scenario: dict[str, Any]) -> None:
    try:
        result = pricing.preview(scenario)
    except pricing.CouponError:
        return
    compact, indented = result.to_json(indent=None), result.to_json(indent=2)
    # the document view, built only now (to_json did not build it)
    assert compact == reference(result.document, None)
    assert indented == reference(result.document, 2)
    # and once the view is built, to_json writes that one: the same text
    assert result.to_json(indent=None) == compact


def test_amounts_beyond_a_float_are_still_exact() -> None:
    """15+ significant digits take the marked-text path: 10^12 × 999 units."""
    engine = pricing.Engine(currency="USD", catalog=[{"id": 1, "price": "999999999999.99"}])
    result = engine.preview(
        {"products": [{"productId": 1, "quantity": 999}]},
        at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    # 99999999999999 cents × 999 = 99899999999999001 cents = 998999999999990.01
    assert '"totalRaw":998999999999990.01' in result.to_json(indent=None)
    assert result.to_json(indent=None) == reference(result.document, None)
