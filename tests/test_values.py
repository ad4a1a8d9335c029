"""The value types of the boundary: money, percentages and instants read strictly."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

import pricing
from pricing._json import loads
from pricing._values import few_decimals, money, to_decimal


@pytest.mark.parametrize(
    ("given", "read"),
    [
        ("150.00", D("150.00")),
        ("-2.5", D("-2.5")),
        (7, D(7)),
        (D("1.10"), D("1.10")),
        (0.1, D("0.1")),
    ],
)
def test_the_plain_forms_are_read_exactly(given: object, read: D) -> None:
    value = to_decimal(given)
    assert value == read
    assert str(value) == str(read)  # the exponent as written: no rounding, no float


@pytest.mark.parametrize(
    "given", ["1E+3", "1_000", "\uff12", " 5", "+5", "5.", ".5", "", True, None, [1], "NaN"]
)
def test_anything_else_is_refused(given: object) -> None:
    with pytest.raises(ValueError, match="must be"):
        to_decimal(given)


def test_a_json_number_with_an_exponent_is_refused_as_money() -> None:
    (number,) = loads("[1.5E+2]")
    with pytest.raises(ValueError, match="exponent"):
        to_decimal(number)


def test_money_is_non_negative_and_bounded() -> None:
    assert money("1000000000000") == D(10**12)
    with pytest.raises(ValueError, match="10\\^12"):
        money("1000000000000.01")
    with pytest.raises(ValueError, match="negative"):
        money("-0.01")


def test_a_percentage_has_at_most_twenty_decimals() -> None:
    # Trailing zeros do not count: 12.5 written with 30 decimals is still 12.5.
    assert few_decimals(D("12.5" + "0" * 29)) == D("12.5" + "0" * 29)
    assert few_decimals(D("0." + "0" * 19 + "1"))  # 20 decimals
    for tiny in (D("1E-999999999"), D("0." + "0" * 20 + "1")):
        with pytest.raises(ValueError, match="20 decimals"):
            few_decimals(tiny)


def test_instants_need_a_zone() -> None:
    from pydantic import TypeAdapter

    from pricing._values import Instant

    adapter = TypeAdapter(Instant)
    assert adapter.validate_python("2026-11-22T12:00:00Z") == datetime(2026, 11, 22, 12, tzinfo=UTC)
    for bad in ("2026-11-22T12:00:00", 1764000000, "yesterday"):
        with pytest.raises(ValueError, match="zone"):
            adapter.validate_python(bad)


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("2026-01-01T12:00:00.123456Z", None),
        ("2026-01-01T12:00:00.1234560000Z", None),  # zeros past the sixth decimal: exact
        ("2026-01-01T12:00:00,5+01:00", None),
        ("2026-01-01T12:00:00.0000001Z", "at most 6 decimals"),  # 100 ns: a datetime drops it
        ("2026-01-01T12:00:00.1234567+00:00", "at most 6 decimals"),
        ("2026-01-01T12:00:00+01:00:00.1234567", "at most 6 decimals"),  # in the offset too
        ("2026-01-01T12:00.5Z", "only seconds"),  # ISO: 12:00:30; Python read 12:00:00.5
        ("2026-01-01T12,5Z", "only seconds"),  # ISO: 12:30
        # ISO 8601 offsets have hours and minutes; Python reads seconds (and a fraction)
        ("2026-01-01T12:00:00+01:00:30", "hours and minutes only"),
        ("2026-01-01T12:00:00+01:00:00.5", "hours and minutes only"),
        ("2026-01-01T12:00:00+00:00:00", None),  # the same instant as +00:00
    ],
)
def test_an_instant_finer_than_a_microsecond_is_refused_not_cut(
    text: str, refused: str | None
) -> None:
    """A discount ending 100 ns after it starts would, cut to microseconds, end where it
    starts (refused as not after it) or end before an ``at`` it should still cover."""
    scenario = {
        "currency": "USD",
        "catalog": [{"id": 1, "price": "1.00"}],
        "discounts": [{"id": 1, "endDate": text, "discountValue": {"value": 1}}],
        "order": {"products": [{"productId": 1, "quantity": 1}]},
        "at": "2026-01-01T11:00:00Z",
    }
    if refused is None:
        assert pricing.preview(scenario).explanation[0].status == "applied"
    else:
        with pytest.raises(pricing.ScenarioError) as caught:
            pricing.preview(scenario)
        assert caught.value.path == "discounts[0].endDate"
        assert refused in caught.value.message


def test_money_text_is_accepted_with_however_many_trailing_zeros() -> None:
    """A money value that fits the exponent is accepted however many trailing zeros it
    is written with; text is still limited to 60 characters of significant digits."""
    assert money("10." + "0" * 58) == D(10)  # 61 characters
    assert money("10." + "0" * 5000) == D(10)
    assert money("10.50") == D("10.50")
    with pytest.raises(ValueError, match="too many digits"):
        money("0." + "0" * 70 + "1")
    with pytest.raises(ValueError, match="too many digits") as caught:
        money("1" * 61 + ".0")
    assert repr("1" * 61 + ".0") in str(caught.value)  # as written, not "11…1."


def test_a_price_with_many_trailing_zeros_prices_as_its_value() -> None:
    scenario = {
        "currency": "USD",
        "catalog": [{"id": 1, "price": "10." + "0" * 58}],
        "order": {"products": [{"productId": 1, "quantity": 2}]},
        "at": "2026-01-01T11:00:00Z",
    }
    assert pricing.preview(scenario).total_raw == D("20.00")  # 10 × 2
