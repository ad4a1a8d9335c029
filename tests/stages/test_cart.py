"""The cart as the conditions see it: products as a mask, units, totals, lines by product."""

from __future__ import annotations

from datetime import UTC, datetime

import pricing
from pricing._stages.cart import Cart
from pricing._stages.intake import read_request

AT = datetime(2026, 11, 22, 12, tzinfo=UTC)
ENGINE = pricing.Engine(
    currency="USD",
    catalog=[{"id": i, "price": f"{i}.00"} for i in range(1, 13)],
)


def _cart(*lines: tuple[int, int]) -> Cart:
    order = {"products": [{"productId": p, "quantity": q} for p, q in lines]}
    request = read_request(ENGINE._rs, order, None, verifier=None, at=AT)
    return Cart(request.lines, None)


def _bit(product: int) -> int:
    return 1 << (product - 1)  # catalog order: product i is at position i - 1


def test_totals_and_units() -> None:
    # 2 × 3.00 + 1 × 5.00 + 4 × 3.00 = 23.00; units 2 + 1 + 4 = 7, of product 3 alone 6
    cart = _cart((3, 2), (5, 1), (3, 4))
    assert cart.total_raw() == 2300
    assert cart.units(cart.mask) == 7
    assert cart.units(_bit(3)) == 6
    assert cart.units(_bit(7)) == 0


def test_lines_of_a_product_set_in_request_order() -> None:
    cart = _cart((9, 1), (2, 1), (5, 1), (11, 1), (1, 1))
    assert cart.lines_of(cart.mask) == (0, 1, 2, 3, 4)
    assert cart.lines_of(_bit(5)) == (2,)
    assert cart.lines_of(_bit(11) | _bit(2)) == (1, 3)
    # a product on two lines: found by scanning, still in request order
    twice = _cart((4, 1), (6, 2), (4, 3))
    assert twice.line_of is None
    assert twice.lines_of(_bit(4)) == (0, 2)
