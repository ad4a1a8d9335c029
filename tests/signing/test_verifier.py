"""PriceVerifier: rotation, and every refusal reason in its order of checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from jose import jwk as jose_jwk
from jose import jws as jose_jws
from jose.backends.base import Key as JoseKey

from pricing._errors import PricingConfigError, PricingError, SignedPriceError
from pricing._signing import (
    MAX_LEEWAY,
    MAX_TOKEN_LENGTH,
    PriceSigner,
    PriceVerifier,
    VerificationKey,
)

from .support import (
    ALGS,
    AT,
    BIND,
    IAT,
    OTHER_SECRET,
    SECRET,
    b64,
    claims,
    craft,
    hs256,
    private_pem,
    public_der,
    public_pem,
    refused,
    unb64,
)


def test_token_without_kid_accepted_when_one_key(hs_verifier: PriceVerifier) -> None:
    token = craft({"alg": "HS256"}, claims(), hs256(SECRET))
    assert hs_verifier.verify(token, at=AT, **BIND).kid == "hs-1"


# ---------------------------------------------------------------------------
# Rotation


def test_key_rotation(
    signers: dict[str, PriceSigner],
    ec_key: ec.EllipticCurvePrivateKey,
    ec_key2: ec.EllipticCurvePrivateKey,
) -> None:
    old = signers["ES256"]
    new = PriceSigner.from_pem(private_pem(ec_key2), kid="es-2", algorithm="ES256")
    verifier = PriceVerifier.from_public_pems(
        {"es-1": ("ES256", public_pem(ec_key)), "es-2": ("ES256", public_pem(ec_key2))}
    )
    assert verifier.kids == {"es-1", "es-2"}

    old_token = old.sign(price="1.00", at=AT, jti="old", **BIND)
    new_token = new.sign(price="2.00", at=AT, jti="new", **BIND)

    assert verifier.verify(old_token, at=AT, **BIND).kid == "es-1"
    assert verifier.verify(new_token, at=AT, **BIND).price == Decimal("2.00")

    # After the old key is retired, its tokens are refused by kid.
    retired = PriceVerifier.from_public_pems({"es-2": ("ES256", public_pem(ec_key2))})
    assert refused(retired, old_token).reason == "unknown_kid"
    assert retired.verify(new_token, at=AT, **BIND).kid == "es-2"


def test_kid_selects_the_key(signers: dict[str, PriceSigner]) -> None:
    """A valid signature under key A presented with kid B is a bad signature, not accepted."""
    verifier = PriceVerifier.hs256({"a": SECRET, "b": OTHER_SECRET})
    token = craft({"alg": "HS256", "kid": "b"}, claims(), hs256(SECRET))
    assert refused(verifier, token).reason == "bad_signature"
    good = craft({"alg": "HS256", "kid": "a"}, claims(), hs256(SECRET))
    assert verifier.verify(good, at=AT, **BIND).kid == "a"


def test_unknown_kid(hs_verifier: PriceVerifier) -> None:
    token = craft({"alg": "HS256", "kid": "nope"}, claims(), hs256(SECRET))
    assert refused(hs_verifier, token).reason == "unknown_kid"


def test_missing_kid_with_several_keys() -> None:
    verifier = PriceVerifier.hs256({"a": SECRET, "b": OTHER_SECRET})
    token = craft({"alg": "HS256"}, claims(), hs256(SECRET))
    assert refused(verifier, token).reason == "unknown_kid"


# ---------------------------------------------------------------------------
# Size and structure


def test_oversized(hs_verifier: PriceVerifier) -> None:
    assert refused(hs_verifier, "a" * (MAX_TOKEN_LENGTH + 1)).reason == "oversized"
    # The bound is exact: one character less is parsed (and found malformed).
    assert refused(hs_verifier, "a" * MAX_TOKEN_LENGTH).reason == "malformed"


def test_oversized_is_refused_before_any_parsing(
    hs_verifier: PriceVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_token = craft({"alg": "HS256", "kid": "hs-1"}, claims(mkr="m" * 4000), hs256(SECRET))
    assert len(long_token) > MAX_TOKEN_LENGTH

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed an oversized token")

    monkeypatch.setattr("pricing._signing.verifier.b64url_decode", boom)
    monkeypatch.setattr("pricing._signing.verifier.json_object", boom)
    monkeypatch.setattr(jose_jws, "verify", boom)
    assert refused(hs_verifier, long_token).reason == "oversized"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("", id="empty"),
        pytest.param("abc", id="one-part"),
        pytest.param("a.b", id="two-parts"),
        pytest.param("a.b.c.d", id="four-parts"),
        pytest.param("e30.e30.sig!", id="bad-alphabet"),
        pytest.param("e30.e30.a", id="impossible-length"),
        pytest.param(".e30.", id="empty-header"),
        pytest.param("e30..", id="empty-payload"),
        pytest.param(f"{b64(b'not json')}.e30.", id="header-not-json"),
        pytest.param(f"{b64(b'[1]')}.e30.", id="header-not-object"),
        pytest.param(f"{b64(bytes([0xFF, 0xFE]))}.e30.", id="header-not-utf8"),
        pytest.param(f"{b64(b'[' * 3000)}.e30.", id="header-deeply-nested"),
        pytest.param(
            b64(b'{"alg":"none","alg":"HS256","kid":"hs-1"}') + ".e30.",
            id="header-duplicate-member",
        ),
        pytest.param(b64(b'{"alg":1}') + ".e30.", id="alg-not-string"),
        pytest.param(b64(b'{"alg":"HS256","kid":7}') + ".e30.", id="kid-not-string"),
    ],
)
def test_malformed_structure(hs_verifier: PriceVerifier, token: str) -> None:
    err = refused(hs_verifier, token)
    assert err.reason == "malformed"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param({"alg": "HS256", "kid": "hs-1", "jku": "https://evil/keys"}, id="jku"),
        pytest.param({"alg": "HS256", "kid": "hs-1", "crit": ["exp"]}, id="crit"),
        pytest.param({"alg": "HS256", "kid": "hs-1", "typ": "JOSE+JSON"}, id="typ"),
    ],
)
def test_malformed_header_fields(hs_verifier: PriceVerifier, header: dict[str, Any]) -> None:
    """Even correctly signed, a header with fields we do not define is refused."""
    token = craft(header, claims(), hs256(SECRET))
    assert refused(hs_verifier, token).reason == "malformed"


def test_non_canonical_base64_is_malformed(hs_verifier: PriceVerifier) -> None:
    token = craft({"alg": "HS256", "kid": "hs-1"}, claims(), hs256(SECRET))
    head, body, sig = token.split(".")
    # The last character of a 43-char HS256 signature carries 2 unused bits: set one.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twisted = sig[:-1] + alphabet[alphabet.index(sig[-1]) ^ 1]
    assert unb64(twisted) == unb64(sig)  # the same signature bytes, another spelling
    assert hs_verifier.verify(token, at=AT, **BIND).jti == "t-1"
    assert refused(hs_verifier, f"{head}.{body}.{twisted}").reason == "malformed"


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"not json", id="not-json"),
        pytest.param(b"[1, 2]", id="array"),
        pytest.param(b'{"pid": NaN}', id="nan"),
        pytest.param(b'{"pid": 1, "pid": 2957}', id="duplicate-claim"),
    ],
)
def test_malformed_claims_after_valid_signature(hs_verifier: PriceVerifier, payload: bytes) -> None:
    token = craft({"alg": "HS256", "kid": "hs-1"}, payload, hs256(SECRET))
    assert refused(hs_verifier, token).reason == "malformed"


# ---------------------------------------------------------------------------
# Algorithms


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_refused(hs_verifier: PriceVerifier, alg: str) -> None:
    token = craft({"alg": alg, "kid": "hs-1", "typ": "JWT"}, claims(), None)
    assert token.endswith(".")
    assert refused(hs_verifier, token).reason == "unsupported_algorithm"


def test_alg_none_without_kid_single_key(hs_verifier: PriceVerifier) -> None:
    token = craft({"alg": "none"}, claims(), None)
    assert refused(hs_verifier, token).reason == "unsupported_algorithm"


@pytest.mark.parametrize("alg", ["HS512", "HS384", "RS256", "ES256", "PS256"])
def test_other_algorithm_than_the_keys(hs_verifier: PriceVerifier, alg: str) -> None:
    token = craft({"alg": alg, "kid": "hs-1"}, claims(), hs256(SECRET))
    assert refused(hs_verifier, token).reason == "unsupported_algorithm"


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
@pytest.mark.parametrize("encoding", ["pem", "der"])
def test_algorithm_confusion_public_key_as_hmac_secret(
    alg: str,
    encoding: str,
    signers: dict[str, PriceSigner],
    verifiers: dict[str, PriceVerifier],
    ec_key: ec.EllipticCurvePrivateKey,
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    """The classic forgery: HMAC the token with the verifier's *public* key bytes."""
    key = ec_key if alg == "ES256" else rsa_key
    public = public_pem(key) if encoding == "pem" else public_der(key)
    forged = craft(
        {"alg": "HS256", "kid": signers[alg].kid, "typ": "JWT"},
        claims(price="0.01"),
        hs256(public),
    )
    err = refused(verifiers[alg], forged)
    assert err.reason == "unsupported_algorithm"

    # Labelled with the key's own algorithm, the HMAC is simply a bad signature.
    relabelled = craft({"alg": alg, "kid": signers[alg].kid}, claims(price="0.01"), hs256(public))
    assert refused(verifiers[alg], relabelled).reason == "bad_signature"


def test_algorithm_confusion_with_mixed_keys(rsa_key: rsa.RSAPrivateKey) -> None:
    """With an HS256 and an RS256 key configured, neither accepts a public-key HMAC."""
    verifier = PriceVerifier(
        [
            VerificationKey.hs256(SECRET, kid="h"),
            VerificationKey.from_public_pem(public_pem(rsa_key), kid="r", algorithm="RS256"),
        ]
    )
    pem = public_pem(rsa_key)
    as_rsa = craft({"alg": "HS256", "kid": "r"}, claims(), hs256(pem))
    as_hmac = craft({"alg": "HS256", "kid": "h"}, claims(), hs256(pem))
    assert refused(verifier, as_rsa).reason == "unsupported_algorithm"
    assert refused(verifier, as_hmac).reason == "bad_signature"


def test_verification_uses_prebuilt_key_objects_and_fixed_algorithm(
    signers: dict[str, PriceSigner],
    verifiers: dict[str, PriceVerifier],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No key is constructed at verification; jws.verify gets a key object and one alg."""
    calls: list[tuple[object, object]] = []
    real_verify = jose_jws.verify

    def spy(token: str, key: JoseKey, algorithms: list[str]) -> bytes:
        calls.append((key, algorithms))
        return real_verify(token, key, algorithms=algorithms)

    def no_construct(*args: object, **kwargs: object) -> None:
        raise AssertionError("a key was constructed during verification")

    monkeypatch.setattr(jose_jws, "verify", spy)
    monkeypatch.setattr(jose_jwk, "construct", no_construct)
    for alg in ALGS:
        token = signers[alg].sign(price="1", at=AT, **BIND)
        verifiers[alg].verify(token, at=AT, **BIND)
    assert [algs for _, algs in calls] == [["HS256"], ["ES256"], ["RS256"]]
    assert all(isinstance(key, JoseKey) for key, _ in calls)


# ---------------------------------------------------------------------------
# Signatures


@pytest.mark.parametrize("alg", ALGS)
def test_tampered_payload(
    alg: str, signers: dict[str, PriceSigner], verifiers: dict[str, PriceVerifier]
) -> None:
    token = signers[alg].sign(price="150.00", at=AT, jti="j", **BIND)
    head, body, sig = token.split(".")
    changed = json.loads(unb64(body))
    changed["price"] = "1.50"
    tampered = f"{head}.{b64(json.dumps(changed).encode())}.{sig}"
    assert refused(verifiers[alg], tampered).reason == "bad_signature"


@pytest.mark.parametrize("alg", ALGS)
def test_tampered_signature(
    alg: str, signers: dict[str, PriceSigner], verifiers: dict[str, PriceVerifier]
) -> None:
    token = signers[alg].sign(price="150.00", at=AT, **BIND)
    head, body, sig = token.split(".")
    raw = bytearray(unb64(sig))
    raw[0] ^= 0x01
    assert refused(verifiers[alg], f"{head}.{body}.{b64(bytes(raw))}").reason == "bad_signature"
    assert refused(verifiers[alg], f"{head}.{body}.{b64(bytes(raw[:-1]))}").reason == (
        "bad_signature"
    )
    assert refused(verifiers[alg], f"{head}.{body}.").reason == "bad_signature"


def test_signed_with_another_secret(hs_verifier: PriceVerifier) -> None:
    other = PriceSigner.hs256(OTHER_SECRET, kid="hs-1")
    token = other.sign(price="150.00", at=AT, **BIND)
    assert refused(hs_verifier, token).reason == "bad_signature"


def test_signed_with_another_ec_key(
    ec_key: ec.EllipticCurvePrivateKey, ec_key2: ec.EllipticCurvePrivateKey
) -> None:
    impostor = PriceSigner.from_pem(private_pem(ec_key2), kid="es-1", algorithm="ES256")
    verifier = PriceVerifier.from_public_pems({"es-1": ("ES256", public_pem(ec_key))})
    assert refused(verifier, impostor.sign(price="1", at=AT, **BIND)).reason == "bad_signature"


# ---------------------------------------------------------------------------
# Time


def test_expiry_boundaries(signers: dict[str, PriceSigner]) -> None:
    token = signers["HS256"].sign(price="1", at=AT, **BIND)
    exp = AT + timedelta(minutes=10)
    leeway = timedelta(seconds=5)
    verifier = PriceVerifier.hs256({"hs-1": SECRET}, leeway=leeway)

    last = exp + leeway - timedelta(microseconds=1)
    assert verifier.verify(token, at=last, **BIND).expires_at == exp
    assert refused(verifier, token, at=exp + leeway).reason == "expired"
    assert refused(verifier, token, at=exp + timedelta(days=365)).reason == "expired"


def test_expiry_without_leeway(signers: dict[str, PriceSigner]) -> None:
    token = signers["HS256"].sign(price="1", at=AT, lifetime=timedelta(seconds=30), **BIND)
    verifier = PriceVerifier.hs256({"hs-1": SECRET}, leeway=timedelta(0))
    exp = AT + timedelta(seconds=30)
    assert verifier.verify(token, at=exp - timedelta(microseconds=1), **BIND).jti
    assert refused(verifier, token, at=exp).reason == "expired"


def test_not_yet_valid_boundaries(signers: dict[str, PriceSigner]) -> None:
    token = signers["HS256"].sign(price="1", at=AT, **BIND)
    leeway = timedelta(seconds=5)
    verifier = PriceVerifier.hs256({"hs-1": SECRET}, leeway=leeway)

    assert verifier.verify(token, at=AT - leeway, **BIND).issued_at == AT
    err = refused(verifier, token, at=AT - leeway - timedelta(microseconds=1))
    assert err.reason == "not_yet_valid"
    assert refused(verifier, token, at=AT - timedelta(hours=1)).reason == "not_yet_valid"


def test_default_leeway_is_small_and_configurable() -> None:
    assert PriceVerifier.hs256({"k": SECRET}).leeway == timedelta(seconds=5)
    assert PriceVerifier.hs256({"k": SECRET}, leeway=timedelta(seconds=30)).leeway == timedelta(
        seconds=30
    )


# ---------------------------------------------------------------------------
# Instants near the calendar's ends (docs/signed-prices.md, "Verification")

LAST = 253_402_300_799  # 9999-12-31T23:59:59Z as Unix seconds, the latest iat/exp
FAR_EAST = timezone(timedelta(hours=14))
FAR_WEST = timezone(timedelta(hours=-14))
LEEWAYS = [timedelta(0), timedelta(seconds=5), MAX_LEEWAY]
LEEWAY_IDS = ["no-leeway", "5s", "max-leeway"]


def wide_verifier(leeway: timedelta) -> PriceVerifier:
    """The HS256 verifier of ``hs-1`` with ``leeway``."""
    return PriceVerifier.hs256({"hs-1": SECRET}, leeway=leeway)


def token_with(**overrides: Any) -> str:
    """A correctly signed HS256 token for ``BIND`` with the claims ``overrides``."""
    return craft({"alg": "HS256", "kid": "hs-1"}, claims(**overrides), hs256(SECRET))


@pytest.mark.parametrize("leeway", LEEWAYS, ids=LEEWAY_IDS)
def test_exp_at_the_last_second_is_judged_without_overflow(leeway: timedelta) -> None:
    """exp + leeway past year 9999 raised OverflowError; the token is valid until then."""
    token = token_with(exp=LAST)
    verifier = wide_verifier(leeway)
    got = verifier.verify(token, at=AT, **BIND)
    assert got.expires_at == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    # The last instant a datetime holds is before exp + leeway unless the leeway is 0.
    last_instant = datetime.max.replace(tzinfo=UTC)
    if leeway:
        assert verifier.verify(token, at=last_instant, **BIND) == got
    else:
        assert refused(verifier, token, at=last_instant).reason == "expired"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"exp": LAST + 1}, id="exp-one-second-past-9999"),
        pytest.param({"exp": 10**15}, id="exp-huge"),
        pytest.param({"exp": 10**400}, id="exp-hundreds-of-digits"),
        pytest.param({"exp": -(10**11)}, id="exp-before-year-1"),
        pytest.param({"exp": -1}, id="exp-before-1970"),
        pytest.param({"iat": 10**15, "exp": 10**15 + 600}, id="iat-huge"),
        pytest.param({"iat": LAST, "exp": LAST + 600}, id="iat-last-second-exp-past"),
        pytest.param({"iat": -(10**11)}, id="iat-before-year-1"),
        pytest.param({"iat": -(10**15), "exp": -(10**15) + 600}, id="both-far-before"),
    ],
)
def test_instants_beyond_the_calendar_are_invalid_claims(overrides: dict[str, Any]) -> None:
    token = token_with(**overrides)
    for leeway in LEEWAYS:
        for at in (AT, datetime.max.replace(tzinfo=UTC), datetime.min.replace(tzinfo=UTC)):
            assert refused(wide_verifier(leeway), token, at=at).reason == "invalid_claims"


def test_exp_far_ahead_within_the_calendar_is_a_valid_claim() -> None:
    """exp = 10**11 is 5138-11-16: representable, so only the time checks judge it."""
    token = token_with(exp=10**11)
    verifier = wide_verifier(MAX_LEEWAY)
    assert verifier.verify(token, at=AT, **BIND).expires_at.year == 5138
    assert refused(verifier, token, at=datetime.max.replace(tzinfo=UTC)).reason == "expired"


@pytest.mark.parametrize("leeway", LEEWAYS, ids=LEEWAY_IDS)
@pytest.mark.parametrize("tz", [UTC, FAR_EAST, FAR_WEST], ids=["utc", "plus-14h", "minus-14h"])
def test_at_at_the_calendar_ends_is_judged_without_overflow(
    leeway: timedelta, tz: timezone
) -> None:
    """at + leeway past year 9999 raised OverflowError; at is never shifted now."""
    token = token_with()
    verifier = wide_verifier(leeway)
    assert refused(verifier, token, at=datetime.max.replace(tzinfo=tz)).reason == "expired"
    assert refused(verifier, token, at=datetime.min.replace(tzinfo=tz)).reason == "not_yet_valid"


def test_iat_at_the_last_second_with_at_at_the_end() -> None:
    """The latest token there can be is valid at the last instant, not before its iat."""
    token = token_with(iat=LAST - 1, exp=LAST)
    verifier = wide_verifier(MAX_LEEWAY)
    got = verifier.verify(token, at=datetime.max.replace(tzinfo=UTC), **BIND)
    assert got.issued_at == datetime(9999, 12, 31, 23, 59, 58, tzinfo=UTC)
    assert refused(verifier, token, at=AT).reason == "not_yet_valid"


_TIMESTAMPS = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.integers(min_value=LAST - 1_000, max_value=LAST + 1_000),
    st.integers(min_value=-1_000, max_value=1_000),
)
_ZONES = st.just(UTC) | st.builds(
    timezone,
    st.timedeltas(
        min_value=-timedelta(hours=23, minutes=59), max_value=timedelta(hours=23, minutes=59)
    ),
)
_AWARE_INSTANTS = st.one_of(
    st.datetimes(min_value=datetime.min, max_value=datetime.max, timezones=_ZONES),
    st.builds(
        lambda naive, tz: naive.replace(tzinfo=tz),
        st.sampled_from([datetime.min, datetime.max]),
        _ZONES,
    ),
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@settings(max_examples=300)
@given(
    iat=_TIMESTAMPS,
    exp=_TIMESTAMPS,
    at=_AWARE_INSTANTS,
    leeway=st.sampled_from(LEEWAYS),
)
def test_any_instants_verify_or_refuse(iat: int, exp: int, at: datetime, leeway: timedelta) -> None:
    """Any iat/exp and any aware at: a SignedPrice or a SignedPriceError, by the documented rule."""
    token = token_with(iat=iat, exp=exp)
    try:
        got = wide_verifier(leeway).verify(token, at=at, **BIND)
    except SignedPriceError as exc:
        reason: str | None = exc.reason
    else:
        reason = None
        assert (got.issued_at, got.expires_at) == (
            _EPOCH + timedelta(seconds=iat),
            _EPOCH + timedelta(seconds=exp),
        )
    # The rule in exact integers (microseconds): claims in range, then
    # iat - leeway <= at < exp + leeway.
    micro = timedelta(microseconds=1)
    at_us, leeway_us = (at - _EPOCH) // micro, leeway // micro
    if not (0 <= iat < exp <= LAST):
        assert reason == "invalid_claims"
    elif at_us + leeway_us < iat * 10**6:
        assert reason == "not_yet_valid"
    elif at_us >= exp * 10**6 + leeway_us:
        assert reason == "expired"
    else:
        assert reason is None


# ---------------------------------------------------------------------------
# Claims


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"price": "-1.00"}, id="negative-price"),
        pytest.param({"price": "-0"}, id="negative-zero"),
        pytest.param({"price": "1e5"}, id="exponent-price"),
        pytest.param({"price": "1."}, id="trailing-dot"),
        pytest.param({"price": " 1.00"}, id="space"),
        pytest.param({"price": "1.00\n"}, id="trailing-newline"),
        pytest.param({"price": "\u0661\u0662"}, id="non-ascii-digits"),
        pytest.param({"price": "NaN"}, id="nan-price"),
        # beyond the limit of any amount: 10^12 (once charged as a rounded 28-digit number)
        pytest.param({"price": "1000000000000.01"}, id="price-beyond-the-limit"),
        pytest.param({"price": "1234567890123456789012345678.91"}, id="price-of-30-digits"),
        pytest.param({"price": 150.0}, id="float-price"),
        pytest.param({"price": 150}, id="int-price"),
        pytest.param({"pid": "2957"}, id="string-pid"),
        pytest.param({"pid": True}, id="bool-pid"),
        pytest.param({"pid": 2957.0}, id="float-pid"),
        pytest.param({"cur": "usd"}, id="lowercase-currency"),
        pytest.param({"cur": "USDT"}, id="long-currency"),
        pytest.param({"mkr": ""}, id="empty-marker"),
        pytest.param({"mkr": 5}, id="int-marker"),
        pytest.param({"jti": ""}, id="empty-jti"),
        pytest.param({"jti": None}, id="missing-jti"),
        pytest.param({"exp": None}, id="missing-exp"),
        pytest.param({"iat": "1795348800"}, id="string-iat"),
        pytest.param({"exp": IAT}, id="exp-equals-iat"),
        pytest.param({"exp": IAT - 1}, id="exp-before-iat"),
        pytest.param({"exp": 10**20}, id="exp-out-of-range"),
        pytest.param({"iat": -1}, id="negative-iat"),
        pytest.param({"extra": "x"}, id="unknown-claim"),
    ],
)
def test_invalid_claims(hs_verifier: PriceVerifier, overrides: dict[str, Any]) -> None:
    token = craft({"alg": "HS256", "kid": "hs-1"}, claims(**overrides), hs256(SECRET))
    err = refused(hs_verifier, token)
    assert err.reason == "invalid_claims"


def test_valid_handcrafted_claims_are_accepted(hs_verifier: PriceVerifier) -> None:
    """Control for test_invalid_claims: the same construction without overrides passes."""
    token = craft({"alg": "HS256", "kid": "hs-1"}, claims(price="0"), hs256(SECRET))
    assert hs_verifier.verify(token, at=AT, **BIND).price == Decimal(0)


# ---------------------------------------------------------------------------
# Binding


def test_wrong_product(signers: dict[str, PriceSigner], hs_verifier: PriceVerifier) -> None:
    token = signers["HS256"].sign(price="1", at=AT, **BIND)
    assert refused(hs_verifier, token, product_id=2958).reason == "wrong_product"
    assert refused(hs_verifier, token, product_id="2957").reason == "wrong_product"


def test_wrong_marker(signers: dict[str, PriceSigner], hs_verifier: PriceVerifier) -> None:
    token = signers["HS256"].sign(price="1", at=AT, **BIND)
    assert refused(hs_verifier, token, storage_marker="orders2").reason == "wrong_marker"


def test_wrong_currency(signers: dict[str, PriceSigner], hs_verifier: PriceVerifier) -> None:
    token = signers["HS256"].sign(price="1", at=AT, **BIND)
    assert refused(hs_verifier, token, currency="EUR").reason == "wrong_currency"
    assert refused(hs_verifier, token, currency="usd").reason == "wrong_currency"


def test_error_is_a_pricing_value_error(hs_verifier: PriceVerifier) -> None:
    err = refused(hs_verifier, "x")
    assert isinstance(err, PricingError)
    assert isinstance(err, ValueError)
    assert err.path == ""


def test_verifier_configuration_checked(signers: dict[str, PriceSigner]) -> None:
    key = signers["HS256"].verification_key()
    with pytest.raises(PricingConfigError, match="twice"):
        PriceVerifier([key, key])
    with pytest.raises(PricingConfigError, match="at least one"):
        PriceVerifier([])
    with pytest.raises(PricingConfigError, match="leeway"):
        PriceVerifier([key], leeway=timedelta(seconds=-1))
    with pytest.raises(PricingConfigError, match="leeway"):
        PriceVerifier([key], leeway=timedelta(hours=1))


# ---------------------------------------------------------------------------
# No secrets in messages


def test_messages_never_contain_secrets_or_token(
    signers: dict[str, PriceSigner], verifiers: dict[str, PriceVerifier]
) -> None:
    token = signers["HS256"].sign(price="150.00", at=AT, **BIND)
    head, body, sig = token.split(".")
    attempts: list[tuple[str, dict[str, Any]]] = [
        (token, {"product_id": 1}),
        (token, {"currency": "EUR"}),
        (token, {"storage_marker": "x"}),
        (token, {"at": AT + timedelta(days=1)}),
        (f"{head}.{body}.{sig[::-1]}", {}),
        (token + "." + token, {}),
        (token + "A" * MAX_TOKEN_LENGTH, {}),
        (craft({"alg": "HS256", "kid": "hs-1"}, claims(price="-1"), hs256(SECRET)), {}),
        (craft({"alg": "HS256", "kid": "evil-" + SECRET.hex()}, claims(), hs256(SECRET)), {}),
    ]
    messages = []
    for candidate, kw in attempts:
        err = refused(verifiers["HS256"], candidate, **kw)
        messages.append(str(err))
        assert candidate not in str(err)
        for part in candidate.split("."):
            if len(part) > 8:
                assert part not in str(err)
    for msg in messages:
        assert SECRET.decode() not in msg
        assert SECRET.hex() not in msg
        assert b64(SECRET) not in msg


@pytest.mark.parametrize("alg", ["HS256", "ES256", "RS256"])
def test_a_verifier_pickles_and_verifies_the_same(
    alg: str, signers: dict[str, PriceSigner], verifiers: dict[str, PriceVerifier]
) -> None:
    """An engine with a verifier travels to worker processes: the backend's key objects
    do not pickle, so a key is carried as its public material and built again."""
    import pickle

    again = pickle.loads(pickle.dumps(verifiers[alg]))
    token = signers[alg].sign(price="150.00", at=AT, **BIND)
    assert again.verify(token, at=AT, **BIND).price == Decimal("150.00")
    other = {"HS256": "ES256", "ES256": "RS256", "RS256": "HS256"}[alg]
    forged = signers[other].sign(price="1.00", at=AT, **BIND)  # another key: refused
    assert refused(again, forged).reason in {"unknown_kid", "bad_signature"}


def test_a_kid_of_null_is_malformed_not_missing(hs_verifier: PriceVerifier) -> None:
    """A ``kid`` that is there must be text; null passed as if there were none."""
    token = craft({"alg": "HS256", "kid": None}, claims(), hs256(SECRET))
    assert refused(hs_verifier, token).reason == "malformed"


def test_an_unknown_claim_is_named_escaped_and_cut(hs_verifier: PriceVerifier) -> None:
    """A claim's name is the token's text: one with a newline or a terminal's escape is
    written as a JSON string, and cut to 100 characters (it was written raw, in full)."""
    name = "\r\x1b[32mFAKE\n" + "A" * 2000
    token = craft({"alg": "HS256", "kid": "hs-1"}, claims(**{name: 1}), hs256(SECRET))
    err = refused(hs_verifier, token)
    assert err.reason == "invalid_claims"
    assert "\x1b" not in str(err)
    assert "\n" not in str(err)
    assert '["\\r\\u001b[32mFAKE\\nAAA' in str(err)
    assert len(str(err)) < 300
