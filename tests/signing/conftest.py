"""Fixtures of the signed-price tests: keys, signers and verifiers for each algorithm."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pricing._signing import PriceSigner, PriceVerifier

from .support import SECRET, private_pem, public_pem


@pytest.fixture(scope="session")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def ec_key2() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def signers(
    ec_key: ec.EllipticCurvePrivateKey, rsa_key: rsa.RSAPrivateKey
) -> dict[str, PriceSigner]:
    return {
        "HS256": PriceSigner.hs256(SECRET, kid="hs-1"),
        "ES256": PriceSigner.from_pem(private_pem(ec_key), kid="es-1", algorithm="ES256"),
        "RS256": PriceSigner.from_pem(private_pem(rsa_key), kid="rs-1", algorithm="RS256"),
    }


@pytest.fixture(scope="session")
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
