"""Tests for signed price tokens (SPEC §7): round trips, rotation and every refusal reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk as jose_jwk
from jose import jws as jose_jws
from jose.backends.base import Key as JoseKey

from pricing._errors import PricingConfigError, PricingError, SignedPriceError
from pricing._signing import (
    MAX_TOKEN_LENGTH,
    PriceSigner,
    PriceVerifier,
    SignedPrice,
    VerificationKey,
    load_key_file,
)

AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
IAT = 1_795_348_800  # AT as Unix seconds
SECRET = b"0123456789abcdef0123456789abcdef-secret"
OTHER_SECRET = b"fedcba9876543210fedcba9876543210-other"
BIND: dict[str, Any] = {"product_id": 2957, "currency": "USD", "storage_marker": "orders"}


# ---------------------------------------------------------------------------
# Helpers


def b64(data: bytes) -> str:
    """Unpadded base64url, as JWS uses."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(segment: str) -> bytes:
    """Inverse of :func:`b64`."""
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def hs256(secret: bytes) -> Callable[[bytes], bytes]:
    """An HMAC-SHA256 signing function over ``secret`` (independent of python-jose)."""
    return lambda msg: hmac.new(secret, msg, hashlib.sha256).digest()


def craft(
    header: dict[str, Any] | bytes,
    claims: dict[str, Any] | bytes,
    sign: Callable[[bytes], bytes] | None,
) -> str:
    """Build a compact JWS by hand, signing ``header.payload`` with ``sign`` (or no signature)."""
    head = header if isinstance(header, bytes) else json.dumps(header).encode()
    body = claims if isinstance(claims, bytes) else json.dumps(claims).encode()
    signing_input = f"{b64(head)}.{b64(body)}"
    signature = sign(signing_input.encode("ascii")) if sign is not None else b""
    return f"{signing_input}.{b64(signature)}"


def claims(**overrides: Any) -> dict[str, Any]:
    """Valid claims for ``BIND`` at ``AT``, with ``overrides`` applied (None removes)."""
    base: dict[str, Any] = {
        "pid": 2957,
        "price": "150.00",
        "cur": "USD",
        "mkr": "orders",
        "iat": IAT,
        "exp": IAT + 600,
        "jti": "t-1",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def refused(verifier: PriceVerifier, token: str, **kw: Any) -> SignedPriceError:
    """Verify ``token`` expecting a refusal; return the error."""
    args = {**BIND, "at": AT, **kw}
    with pytest.raises(SignedPriceError) as info:
        verifier.verify(token, **args)
    return info.value


def private_pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    """PKCS#8 PEM of a private key."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    """SubjectPublicKeyInfo PEM of a private key's public half."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_der(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> bytes:
    """SubjectPublicKeyInfo DER of a private key's public half."""
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def pem_body_lines(pem: bytes) -> list[str]:
    """The base64 lines of a PEM (what would leak if a message quoted the key)."""
    return [line for line in pem.decode().splitlines() if line and not line.startswith("-----")]


# ---------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def ec_key2() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def signers(
    ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey
) -> dict[str, PriceSigner]:
    return {
        "HS256": PriceSigner.hs256(SECRET, kid="hs-1"),
        "ES256": PriceSigner.from_pem(private_pem(ec_key), kid="es-1", algorithm="ES256"),
        "RS256": PriceSigner.from_pem(private_pem(rsa_key), kid="rs-1", algorithm="RS256"),
    }


@pytest.fixture(scope="module")
def verifiers(
    ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey
) -> dict[str, PriceVerifier]:
    """One verifier per algorithm, each built the way a deployment would build it."""
    return {
        "HS256": PriceVerifier.hs256({"hs-1": SECRET}),
        "ES256": PriceVerifier.from_public_pems({"es-1": ("ES256", public_pem(ec_key))}),
        "RS256": PriceVerifier.from_public_pems({"rs-1": ("RS256", public_pem(rsa_key).decode())}),
    }


@pytest.fixture
def hs_verifier() -> PriceVerifier:
    return PriceVerifier.hs256({"hs-1": SECRET})


ALGS = ["HS256", "ES256", "RS256"]


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

    monkeypatch.setattr("pricing._signing._b64url_decode", boom)
    monkeypatch.setattr("pricing._signing._json_object", boom)
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


# ---------------------------------------------------------------------------
# Configuration


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda s: PriceSigner.hs256(s, kid="k"), id="signer"),
        pytest.param(lambda s: PriceVerifier.hs256({"k": s}), id="verifier"),
        pytest.param(lambda s: VerificationKey.hs256(s, kid="k"), id="verification-key"),
    ],
)
def test_short_secret_refused(build: Callable[[bytes], object]) -> None:
    short = b"s3cr3t-that-is-31-bytes-long!!!"
    assert len(short) == 31
    with pytest.raises(PricingConfigError) as info:
        build(short)
    assert "32 bytes" in str(info.value)
    assert short.decode() not in str(info.value)
    build(short + b"x")  # 32 bytes is enough


def test_secret_must_be_bytes() -> None:
    with pytest.raises(PricingConfigError, match="bytes"):
        PriceSigner.hs256("a" * 40, kid="k")  # type: ignore[arg-type]


def test_naive_at_refused(signers: dict[str, PriceSigner], hs_verifier: PriceVerifier) -> None:
    naive = datetime(2026, 11, 22, 12, 0)
    with pytest.raises(PricingConfigError, match="timezone-aware"):
        signers["HS256"].sign(price="1", at=naive, **BIND)
    token = signers["HS256"].sign(price="1", at=AT, **BIND)
    with pytest.raises(PricingConfigError, match="timezone-aware"):
        hs_verifier.verify(token, at=naive, **BIND)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        pytest.param({"price": "-1"}, "negative", id="negative"),
        pytest.param({"price": Decimal("NaN")}, "finite", id="nan"),
        pytest.param({"price": "1e3"}, "plain decimal", id="exponent-string"),
        pytest.param({"price": 1.5}, "Decimal", id="float"),
        pytest.param({"currency": "usd"}, "cur", id="currency"),
        pytest.param({"storage_marker": ""}, "mkr", id="marker"),
        pytest.param({"product_id": True}, "pid", id="bool-product"),
        pytest.param({"jti": "has space"}, "jti", id="jti"),
        pytest.param({"lifetime": timedelta(0)}, "lifetime", id="lifetime"),
    ],
)
def test_sign_refuses_bad_arguments(
    signers: dict[str, PriceSigner], kwargs: dict[str, Any], match: str
) -> None:
    args: dict[str, Any] = {**BIND, "price": "1.00", "at": AT, **kwargs}
    with pytest.raises(PricingConfigError, match=match):
        signers["HS256"].sign(**args)


def test_pem_keys_are_checked(
    ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey
) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    small_rsa = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: PriceSigner.from_pem(public_pem(ec_key), kid="k", algorithm="ES256"), "private"),
        (
            lambda: PriceVerifier.from_public_pems({"k": ("ES256", private_pem(ec_key))}),
            "public",
        ),
        (lambda: PriceSigner.from_pem(private_pem(ec_key), kid="k", algorithm="RS256"), "RSA"),
        (lambda: PriceSigner.from_pem(private_pem(rsa_key), kid="k", algorithm="ES256"), "P-256"),
        (lambda: PriceSigner.from_pem(private_pem(p384), kid="k", algorithm="ES256"), "P-256"),
        (lambda: PriceSigner.from_pem(private_pem(small_rsa), kid="k", algorithm="RS256"), "2048"),
        (lambda: PriceSigner.from_pem(private_pem(ec_key), kid="k", algorithm="HS256"), "ES256"),
        (lambda: PriceSigner.from_pem(b"garbage", kid="k", algorithm="ES256"), "not a usable"),
        (
            lambda: PriceSigner.from_pem(private_pem(ec_key), kid="bad kid", algorithm="ES256"),
            "kid",
        ),
    ]
    for build, match in cases:
        with pytest.raises(PricingConfigError, match=match) as info:
            build()
        for line in pem_body_lines(private_pem(ec_key)) + pem_body_lines(public_pem(ec_key)):
            assert line not in str(info.value)


def test_hmac_refuses_pem_as_secret(rsa_key: rsa.RSAPrivateKey) -> None:
    """python-jose refuses asymmetric key text as an HMAC secret; we surface it as config."""
    with pytest.raises(PricingConfigError) as info:
        PriceSigner.hs256(public_pem(rsa_key), kid="k")
    assert "BEGIN" not in str(info.value)


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


def test_verification_key_needs_public_key(signers: dict[str, PriceSigner]) -> None:
    with pytest.raises(PricingConfigError, match="public"):
        VerificationKey(signers["ES256"]._key, kid="es-1", algorithm="ES256")
    with pytest.raises(PricingConfigError, match="does not fit"):
        VerificationKey(signers["ES256"].verification_key()._key, kid="es-1", algorithm="RS256")


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


def test_reprs_hide_keys(
    signers: dict[str, PriceSigner], verifiers: dict[str, PriceVerifier]
) -> None:
    for obj in [*signers.values(), *verifiers.values(), signers["HS256"].verification_key()]:
        text = repr(obj)
        assert SECRET.decode() not in text
        assert "BEGIN" not in text
        assert "kid" in text


# ---------------------------------------------------------------------------
# Key files


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


@pytest.fixture
def key_document(ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey) -> dict[str, Any]:
    return {
        "keys": [
            {"kid": "hs-old", "alg": "HS256", "secret": b64(OTHER_SECRET)},
            {"kid": "es-new", "alg": "ES256", "privateKeyPem": private_pem(ec_key).decode()},
            {"kid": "rs-partner", "alg": "RS256", "publicKeyPem": public_pem(rsa_key).decode()},
        ],
        "signingKid": "es-new",
    }


def test_load_key_file(
    tmp_path: Path, key_document: dict[str, Any], signers: dict[str, PriceSigner]
) -> None:
    signer, verifier = load_key_file(write(tmp_path, key_document))
    assert signer is not None
    assert (signer.kid, signer.algorithm) == ("es-new", "ES256")
    assert verifier.kids == {"hs-old", "es-new", "rs-partner"}

    own = signer.sign(price="3.00", at=AT, **BIND)
    assert verifier.verify(own, at=AT, **BIND).kid == "es-new"
    old = PriceSigner.hs256(OTHER_SECRET, kid="hs-old").sign(price="4.00", at=AT, **BIND)
    assert verifier.verify(old, at=AT, **BIND).price == Decimal("4.00")
    partner = PriceSigner(signers["RS256"]._key, kid="rs-partner", algorithm="RS256").sign(
        price="5.00", at=AT, **BIND
    )
    assert verifier.verify(partner, at=AT, **BIND).kid == "rs-partner"


def test_load_key_file_without_signing_kid(tmp_path: Path, key_document: dict[str, Any]) -> None:
    del key_document["signingKid"]
    signer, verifier = load_key_file(str(write(tmp_path, key_document)))
    assert signer is None
    assert len(verifier.kids) == 3


def test_load_key_file_hs256_signer_and_padded_secret(tmp_path: Path) -> None:
    secret = SECRET + b"!"  # 40 bytes: its base64url carries padding
    padded = base64.urlsafe_b64encode(secret).decode()
    assert padded.endswith("=")
    signer, verifier = load_key_file(
        write(
            tmp_path, {"keys": [{"kid": "h", "alg": "HS256", "secret": padded}], "signingKid": "h"}
        )
    )
    assert signer is not None
    token = signer.sign(price="1", at=AT, **BIND)
    assert PriceVerifier.hs256({"h": secret}).verify(token, at=AT, **BIND).kid == "h"
    assert verifier.verify(token, at=AT, **BIND).kid == "h"


def _bad_documents(
    ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey
) -> Iterator[tuple[str, object, str]]:
    pem = private_pem(ec_key).decode()
    pub = public_pem(rsa_key).decode()
    secret = b64(SECRET)
    yield "not-json", "{not json", "not valid JSON"
    yield "array", [], "must be a JSON object"
    yield "unknown-top", {"keys": [], "extra": 1}, "'extra'"
    yield "no-keys", {"keys": []}, "non-empty list"
    yield "entry-not-object", {"keys": ["x"]}, r"keys\[0\]: must be an object"
    yield "bad-kid", {"keys": [{"kid": "", "alg": "HS256", "secret": secret}]}, r"keys\[0\]\.kid"
    yield "bad-alg", {"keys": [{"kid": "a", "alg": "none", "secret": secret}]}, r"\.alg"
    yield "no-material", {"keys": [{"kid": "a", "alg": "HS256"}]}, "exactly one of"
    yield (
        "two-materials",
        {"keys": [{"kid": "a", "alg": "ES256", "privateKeyPem": pem, "publicKeyPem": pub}]},
        "exactly one of",
    )
    yield (
        "unknown-entry-field",
        {"keys": [{"kid": "a", "alg": "HS256", "secret": secret, "k": secret}]},
        "'k'",
    )
    yield (
        "secret-not-b64",
        {"keys": [{"kid": "a", "alg": "HS256", "secret": "not base64!" + secret}]},
        "not canonical base64url",
    )
    yield (
        "short-secret",
        {"keys": [{"kid": "a", "alg": "HS256", "secret": b64(SECRET[:20])}]},
        "at least 32 bytes",
    )
    yield (
        "secret-for-es256",
        {"keys": [{"kid": "a", "alg": "ES256", "secret": secret}]},
        "ES256 keys need 'privateKeyPem' or 'publicKeyPem'",
    )
    yield (
        "pem-for-hs256",
        {"keys": [{"kid": "a", "alg": "HS256", "privateKeyPem": pem}]},
        "HS256 keys need 'secret'",
    )
    yield (
        "private-as-public",
        {"keys": [{"kid": "a", "alg": "ES256", "publicKeyPem": pem}]},
        "expected a public key",
    )
    yield (
        "public-as-private",
        {"keys": [{"kid": "a", "alg": "RS256", "privateKeyPem": pub}]},
        "expected a private key",
    )
    yield (
        "wrong-alg-for-pem",
        {"keys": [{"kid": "a", "alg": "RS256", "privateKeyPem": pem}]},
        "RSA",
    )
    yield (
        "duplicate-kid",
        {
            "keys": [
                {"kid": "a", "alg": "HS256", "secret": secret},
                {"kid": "a", "alg": "ES256", "privateKeyPem": pem},
            ]
        },
        "appears twice",
    )
    yield (
        "unknown-signing-kid",
        {"keys": [{"kid": "a", "alg": "HS256", "secret": secret}], "signingKid": "b"},
        "signingKid",
    )
    yield (
        "public-signing-kid",
        {"keys": [{"kid": "a", "alg": "RS256", "publicKeyPem": pub}], "signingKid": "a"},
        "names a public key",
    )
    yield (
        "duplicate-member",
        f'{{"keys": [{{"kid": "a", "alg": "HS256", "secret": "{secret}", "secret": "x"}}]}}',
        "not valid JSON",
    )


def test_load_key_file_errors(
    tmp_path: Path, ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey
) -> None:
    leaks = [b64(SECRET), SECRET.decode()]
    leaks += pem_body_lines(private_pem(ec_key)) + pem_body_lines(public_pem(rsa_key))
    seen = []
    for name, document, match in _bad_documents(ec_key, rsa_key):
        path = write(tmp_path, document)
        with pytest.raises(PricingConfigError, match=match) as info:
            load_key_file(path)
        message = str(info.value)
        assert message.startswith(f"key file {path}"), name
        assert not any(leak in message for leak in leaks), name
        seen.append(name)
    assert len(seen) == 21


def test_load_key_file_missing(tmp_path: Path) -> None:
    with pytest.raises(PricingConfigError, match="cannot be read"):
        load_key_file(tmp_path / "missing.json")


# ---------------------------------------------------------------------------
# Backend check


@pytest.mark.parametrize(
    "setup",
    [
        pytest.param(
            "from jose.backends.rsa_backend import RSAKey\njose.backends.RSAKey = RSAKey",
            id="rsa-fallback",
        ),
        pytest.param(
            "from jose.backends.ecdsa_backend import ECDSAECKey\njose.backends.ECKey = ECDSAECKey",
            id="ecdsa-fallback",
        ),
        pytest.param(
            "from jose.backends.native import HMACKey\njose.jwk.register_key('HS256', HMACKey)",
            id="registered-key-class",
        ),
    ],
)
def test_import_refuses_non_cryptography_backend(setup: str) -> None:
    code = "\n".join(
        [
            "import sys",
            "import jose.backends, jose.jwk",
            setup,
            "try:",
            "    import pricing._signing",
            "except ImportError as exc:",
            "    print(exc)",
            "    sys.exit(0)",
            "sys.exit(3)",
        ]
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "cryptography backend" in result.stdout
