"""Keys: secrets and PEM keys checked once when built, repr without material, the backend."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pricing._errors import PricingConfigError
from pricing._signing import (
    PriceSigner,
    PriceVerifier,
    VerificationKey,
)

from .support import (
    SECRET,
    pem_body_lines,
    private_pem,
    public_pem,
)

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
            lambda: PriceSigner.from_pem(
                b"-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
                kid="k",
                algorithm="ES256",
            ),
            "not a usable",
        ),
        # the backend would read the first block and ignore the rest
        (
            lambda: PriceVerifier.from_public_pems(
                {"k": ("ES256", public_pem(ec_key) + b"pasted by mistake\n")}
            ),
            "one key, nothing after it",
        ),
        (
            lambda: PriceVerifier.from_public_pems(
                {"k": ("ES256", public_pem(ec_key) + public_pem(rsa_key))}
            ),
            "one key, nothing after it",
        ),
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


def test_verification_key_needs_public_key(signers: dict[str, PriceSigner]) -> None:
    with pytest.raises(PricingConfigError, match="public"):
        VerificationKey(signers["ES256"]._key, kid="es-1", algorithm="ES256")
    with pytest.raises(PricingConfigError, match="does not fit"):
        VerificationKey(signers["ES256"].verification_key()._key, kid="es-1", algorithm="RS256")


def test_signer_needs_private_key(signers: dict[str, PriceSigner]) -> None:
    public = signers["ES256"].verification_key()._key
    with pytest.raises(PricingConfigError, match="signing needs a private key"):
        PriceSigner(public, kid="es-1", algorithm="ES256")


@pytest.mark.parametrize(
    "algorithm",
    [
        pytest.param("HS512", id="other"),
        pytest.param("none", id="none"),
        pytest.param(["HS256"], id="unhashable"),
    ],
)
def test_wrapping_constructors_refuse_unknown_algorithms(
    signers: dict[str, PriceSigner], algorithm: Any
) -> None:
    for cls in (PriceSigner, VerificationKey):
        with pytest.raises(PricingConfigError, match="algorithm must be one of"):
            cls(signers["HS256"]._key, kid="k", algorithm=algorithm)


def test_reprs_hide_keys(
    signers: dict[str, PriceSigner], verifiers: dict[str, PriceVerifier]
) -> None:
    for obj in [*signers.values(), *verifiers.values(), signers["HS256"].verification_key()]:
        text = repr(obj)
        assert SECRET.decode() not in text
        assert "BEGIN" not in text
        assert "kid" in text


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
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "cryptography backend" in result.stdout


def test_pem_keys_as_tools_write_them_are_read(ec_key: ec.EllipticCurvePrivateKey) -> None:
    """What the one-key check must let through: an ``EC PARAMETERS`` block before the key
    (``openssl ecparam -genkey``), a preamble (``openssl pkcs12 -nodes``), CRLF or CR
    line ends, surrounding whitespace."""
    pem = private_pem(ec_key)
    params = b"-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
    for text in (
        params + pem,
        b"Bag Attributes\n    localKeyID: 01\nKey Attributes: <No Attributes>\n" + pem,
        pem.replace(b"\n", b"\r\n"),
        pem.replace(b"\n", b"\r"),
        b"\n  " + pem + b"\n\n  ",
    ):
        assert PriceSigner.from_pem(text, kid="k", algorithm="ES256").kid == "k"
