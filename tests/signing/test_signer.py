"""PriceSigner: round trips, the token it writes, and the arguments it refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

import pytest

from pricing._errors import PricingConfigError
from pricing._signing import (
    DEFAULT_LIFETIME,
    PriceSigner,
    PriceVerifier,
    SignedPrice,
)

from .support import (
    ALGS,
    AT,
    BIND,
    IAT,
    SECRET,
    unb64,
)

# ---------------------------------------------------------------------------
# Round trips


@pytest.mark.parametrize("alg", ALGS)
def test_round_trip(
    alg: str, signers: dict[str, PriceSigner], verifiers: dict[str, PriceVerifier]
) -> None:
    token = signers[alg].sign(price=Decimal("150.00"), at=AT, jti="abc-123", **BIND)

    got = verifiers[alg].verify(token, at=AT, **BIND)

    assert got == SignedPrice(
        product_id=2957,
        price=Decimal("150.00"),
        currency="USD",
        storage_marker="orders",
        issued_at=AT,
        expires_at=AT + timedelta(minutes=10),
        jti="abc-123",
        kid=signers[alg].kid,
    )
    assert isinstance(got.price, Decimal)
    assert str(got.price) == "150.00"  # exact, trailing zeros kept


@pytest.mark.parametrize("alg", ALGS)
def test_token_format(alg: str, signers: dict[str, PriceSigner]) -> None:
    token = signers[alg].sign(
        price="9.99", at=AT + timedelta(microseconds=999_999), jti="j", **BIND
    )
    head, body, sig = token.split(".")

    assert json.loads(unb64(head)) == {"alg": alg, "kid": signers[alg].kid, "typ": "JWT"}
    # iat is floored to the second, exp = iat + default lifetime; prices travel as strings.
    assert json.loads(unb64(body)) == {
        "pid": 2957,
        "price": "9.99",
        "cur": "USD",
        "mkr": "orders",
        "iat": IAT,
        "exp": IAT + 600,
        "jti": "j",
    }
    assert len(unb64(sig)) == {"HS256": 32, "ES256": 64, "RS256": 256}[alg]


def test_lifetime_and_price_normalisation(signers: dict[str, PriceSigner]) -> None:
    token = signers["HS256"].sign(
        price=Decimal("1E+2"), at=AT, lifetime=timedelta(seconds=90), jti="j", **BIND
    )
    body = json.loads(unb64(token.split(".")[1]))
    assert body["price"] == "100"  # plain decimal, never exponent notation
    assert body["exp"] - body["iat"] == 90

    zero = signers["HS256"].sign(price=Decimal("-0.00"), at=AT, jti="j", **BIND)
    assert json.loads(unb64(zero.split(".")[1]))["price"] == "0.00"


def test_at_in_another_timezone_is_the_same_instant(
    signers: dict[str, PriceSigner], hs_verifier: PriceVerifier
) -> None:
    paris = timezone(timedelta(hours=1))
    token = signers["HS256"].sign(price="1.00", at=AT.astimezone(paris), jti="j", **BIND)
    assert json.loads(unb64(token.split(".")[1]))["iat"] == IAT
    assert hs_verifier.verify(token, at=AT.astimezone(paris), **BIND).issued_at == AT


def test_default_jti_is_random_hex(signers: dict[str, PriceSigner]) -> None:
    first = signers["HS256"].sign(price="1", at=AT, **BIND)
    second = signers["HS256"].sign(price="1", at=AT, **BIND)
    jtis = {json.loads(unb64(t.split(".")[1]))["jti"] for t in (first, second)}
    assert len(jtis) == 2
    assert all(len(j) == 32 and int(j, 16) >= 0 for j in jtis)


class _BrokenZone(tzinfo):
    """A tzinfo whose offset is a day or more: datetime raises when asked for it."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=30)


@pytest.mark.parametrize(
    "bad", [datetime(2026, 11, 22, 12, 0), datetime(2026, 11, 22, tzinfo=_BrokenZone())]
)
def test_naive_at_refused(
    signers: dict[str, PriceSigner], hs_verifier: PriceVerifier, bad: datetime
) -> None:
    """A naive instant, or one whose zone has no valid offset (a ValueError, before)."""
    with pytest.raises(PricingConfigError, match="timezone-aware"):
        signers["HS256"].sign(price="1", at=bad, **BIND)
    token = signers["HS256"].sign(price="1", at=AT, **BIND)
    with pytest.raises(PricingConfigError, match="timezone-aware"):
        hs_verifier.verify(token, at=bad, **BIND)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"price": "-1"}, "negative", id="negative"),
        pytest.param({"price": Decimal("NaN")}, "finite", id="nan"),
        pytest.param({"price": "1e3"}, "plain decimal", id="exponent-string"),
        pytest.param({"price": "1000000000000.01"}, "10\\^12", id="beyond-the-money-limit"),
        pytest.param({"price": 1.5}, "Decimal", id="float"),
        pytest.param({"currency": "usd"}, "cur", id="currency"),
        pytest.param({"storage_marker": ""}, "mkr", id="marker"),
        pytest.param({"product_id": True}, "pid", id="bool-product"),
        pytest.param({"jti": "has space"}, "jti", id="jti"),
        pytest.param({"lifetime": timedelta(0)}, "lifetime", id="lifetime"),
        # a token no engine would accept (every preview refused it)
        pytest.param({"price": "7.001"}, "more decimals than USD allows", id="usd-decimals"),
        pytest.param(
            {"price": "7.5", "currency": "JPY"}, "than JPY allows \\(0\\)", id="jpy-decimals"
        ),
        pytest.param({"currency": "XAU"}, "unknown ISO 4217", id="no-minor-units"),
        pytest.param({"currency": "ZZZ"}, "unknown ISO 4217", id="unknown-currency"),
    ],
)
def test_sign_refuses_bad_arguments(
    signers: dict[str, PriceSigner], kwargs: dict[str, Any], match: str
) -> None:
    args: dict[str, Any] = {**BIND, "price": "1.00", "at": AT, **kwargs}
    with pytest.raises(PricingConfigError, match=match):
        signers["HS256"].sign(**args)


# ---------------------------------------------------------------------------
# Instants near the calendar's ends


LATEST_AT = datetime(9999, 12, 31, 23, 49, 59, tzinfo=UTC)  # + 10 min = the last iat/exp second


def test_sign_at_the_latest_instant_a_token_can_carry(signers: dict[str, PriceSigner]) -> None:
    token = signers["HS256"].sign(price="1", at=LATEST_AT, **BIND)
    verifier = PriceVerifier.hs256({"hs-1": SECRET})
    got = verifier.verify(token, at=datetime.max.replace(tzinfo=UTC), **BIND)
    assert got.expires_at == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "lifetime"),
    [
        pytest.param(LATEST_AT + timedelta(seconds=1), DEFAULT_LIFETIME, id="one-second-late"),
        pytest.param(datetime.max.replace(tzinfo=UTC), DEFAULT_LIFETIME, id="datetime-max"),
        pytest.param(
            datetime.max.replace(tzinfo=timezone(timedelta(hours=-14))),
            DEFAULT_LIFETIME,
            id="datetime-max-minus-14h",
        ),
        pytest.param(AT, timedelta.max, id="longest-lifetime"),
    ],
)
def test_sign_refuses_exp_past_the_calendar(
    signers: dict[str, PriceSigner], at: datetime, lifetime: timedelta
) -> None:
    with pytest.raises(PricingConfigError, match="after 9999-12-31T23:59:59Z"):
        signers["HS256"].sign(price="1", at=at, lifetime=lifetime, **BIND)


@pytest.mark.parametrize(
    "at",
    [
        pytest.param(
            datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC), id="just-before-1970"
        ),
        pytest.param(datetime.min.replace(tzinfo=UTC), id="datetime-min"),
        pytest.param(datetime.min.replace(tzinfo=timezone(timedelta(hours=14))), id="min-plus-14h"),
    ],
)
def test_sign_refuses_instants_before_1970(signers: dict[str, PriceSigner], at: datetime) -> None:
    with pytest.raises(PricingConfigError, match="before 1970-01-01T00:00:00Z"):
        signers["HS256"].sign(price="1", at=at, **BIND)
