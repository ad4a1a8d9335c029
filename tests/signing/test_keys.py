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
    public_der,
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


# ---------------------------------------------------------------------------
# A key object the caller built: held to the same requirements


def _hs(secret: bytes, algorithm: str = "HS256") -> Any:
    from jose import jwk

    return jwk.construct(secret, algorithm)


def _pem_key(key: Any, algorithm: str, *, private: bool = False) -> Any:
    from jose import jwk

    return jwk.construct(private_pem(key) if private else public_pem(key), algorithm)


@pytest.mark.parametrize(
    ("make", "algorithm", "problem"),
    [
        # a 1-byte secret (the hs256 constructor refused it; a key object was taken)
        (lambda: _hs(b"a"), "HS256", "at least 32 bytes"),
        (lambda: _hs(b""), "HS256", "at least 32 bytes"),
        # an HMAC-SHA512 key called HS256: its tokens' signatures are SHA-512
        (lambda: _hs(SECRET, "HS512"), "HS256", "not built for HS256"),
        (lambda: _pem_key(rsa.generate_private_key(65537, 1024), "RS256"), "RS256", "2048 bits"),
        (lambda: _pem_key(ec.generate_private_key(ec.SECP384R1()), "ES256"), "ES256", "P-256"),
        (lambda: _pem_key(rsa.generate_private_key(65537, 2048), "RS512"), "RS256", "not built"),
    ],
    ids=["one-byte", "empty", "hs512", "rsa-1024", "p-384", "rs512"],
)
def test_a_key_object_built_by_the_caller_meets_the_key_requirements(make, algorithm, problem):
    """``VerificationKey(key, ...)`` and ``PriceSigner(key, ...)`` checked only the key's
    class: a 1-byte secret, an HS512 key or a 1024-bit RSA key passed as they were."""
    key = make()
    with pytest.raises(PricingConfigError, match=problem):
        VerificationKey(key, kid="k", algorithm=algorithm)
    if algorithm == "HS256":  # (an ES/RS public key is refused by a signer for its half)
        with pytest.raises(PricingConfigError, match=problem):
            PriceSigner(key, kid="k", algorithm=algorithm)


def test_a_key_object_that_meets_the_requirements_is_taken(rsa_key: rsa.RSAPrivateKey) -> None:
    assert VerificationKey(_hs(SECRET), kid="k", algorithm="HS256").algorithm == "HS256"
    assert VerificationKey(_pem_key(rsa_key, "RS256"), kid="r", algorithm="RS256").kid == "r"


@pytest.mark.parametrize("form", ["public-der", "private-der", "certificate-der", "public-pem"])
def test_an_hs256_secret_is_never_a_key(form: str, rsa_key: rsa.RSAPrivateKey) -> None:
    """A public key (DER or PEM) as an HMAC secret is known to all: whoever has it could
    sign prices. python-jose refused the PEM form only."""
    from cryptography.hazmat.primitives import serialization

    secret = {
        "public-der": lambda: public_der(rsa_key),
        "private-der": lambda: rsa_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        "certificate-der": lambda: _certificate(rsa_key).public_bytes(serialization.Encoding.DER),
        "public-pem": lambda: public_pem(rsa_key),
    }[form]()
    builds = [
        lambda: VerificationKey.hs256(secret, kid="k"),
        lambda: PriceSigner.hs256(secret, kid="k"),
    ]
    if form != "public-pem":  # (python-jose builds no HMAC key of PEM text itself)
        builds.append(lambda: VerificationKey(_hs(secret), kid="k", algorithm="HS256"))
    for build in builds:
        with pytest.raises(PricingConfigError, match="must not be a key or certificate"):
            build()


def _certificate(key: rsa.RSAPrivateKey) -> Any:
    """A self-signed X.509 certificate of ``key``."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "prices")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )


def test_a_certificate_is_not_taken_for_a_public_key(rsa_key: rsa.RSAPrivateKey) -> None:
    """Its dates and issuer would be ignored; an EC certificate was refused, an RSA one
    taken."""
    from cryptography.hazmat.primitives import serialization

    pem = _certificate(rsa_key).public_bytes(serialization.Encoding.PEM)
    with pytest.raises(PricingConfigError, match="a certificate is not a key"):
        VerificationKey.from_public_pem(pem, kid="r", algorithm="RS256")


def test_a_pem_that_is_not_unicode_leaves_no_trace_of_itself(ec_key) -> None:
    """The encoding error holds the whole PEM text: it must not be the refusal's context."""
    text = public_pem(ec_key).decode() + "\ud800"
    with pytest.raises(PricingConfigError, match="not valid Unicode") as info:
        VerificationKey.from_public_pem(text, kid="e", algorithm="ES256")
    assert info.value.__context__ is None
