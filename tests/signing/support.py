"""Shared helpers of the signed-price tests: constants, hand-made tokens, PEM encodings."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pricing._errors import SignedPriceError
from pricing._signing import PriceVerifier

AT = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
IAT = 1_795_348_800  # AT as Unix seconds
SECRET = b"0123456789abcdef0123456789abcdef-secret"
OTHER_SECRET = b"fedcba9876543210fedcba9876543210-other"
BIND: dict[str, Any] = {"product_id": 2957, "currency": "USD", "storage_marker": "orders"}


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


ALGS = ["HS256", "ES256", "RS256"]
