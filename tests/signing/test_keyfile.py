"""load_key_file: a key file read into a signer and a verifier, and every refusal."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pricing._errors import PricingConfigError
from pricing._signing import (
    PriceSigner,
    PriceVerifier,
    load_key_file,
)

from .support import (
    AT,
    BIND,
    OTHER_SECRET,
    SECRET,
    b64,
    pem_body_lines,
    private_pem,
    public_pem,
)

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
    # Not hashable: once a TypeError from the set lookup, now refused like any bad alg.
    yield "alg-list", {"keys": [{"kid": "a", "alg": [], "secret": secret}]}, r"\.alg"
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
    yield (  # padding beyond what the length needs: not canonical
        "over-padded-secret",
        {"keys": [{"kid": "a", "alg": "HS256", "secret": secret.rstrip("=") + "=" * 9}]},
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
    yield (  # a secret pasted as a field's name: named by its length only
        "secret-as-field-name",
        {"keys": [{"kid": "a", "alg": "HS256", "secret": secret, secret: 1}]},
        f"one of {len(secret)} characters",
    )
    yield (
        "secret-in-broken-json",  # the decoder's error (holding the text) is not chained
        f'{{"keys": [{{"kid": "a", "alg": "HS256", "secret": "{secret}"}}',
        "not valid JSON",
    )
    yield (  # (a UnicodeEncodeError traceback, before)
        "lone-surrogate-pem",
        {"keys": [{"kid": "e1", "alg": "ES256", "publicKeyPem": "\ud800"}]},
        "PEM text is not valid Unicode",
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
        # nor anywhere an error reporter walking the chain would look
        chained = info.value.__cause__ or info.value.__context__
        assert chained is None or not any(leak in repr(vars(chained)) for leak in leaks), name
        seen.append(name)
    assert len(seen) == 26


def test_load_key_file_missing(tmp_path: Path) -> None:
    with pytest.raises(PricingConfigError, match="cannot be read"):
        load_key_file(tmp_path / "missing.json")
