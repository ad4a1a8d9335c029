"""Signed price tokens: compact JWS made by `PriceSigner`, checked by `PriceVerifier`.

The token format, key files and threat model are in docs/signed-prices.md. No clock
is read here: callers pass the instant ``at``.
"""

from .claims import MAX_TOKEN_LENGTH, SignedPrice
from .keyfile import load_key_file
from .keys import ALGORITHMS, MIN_HMAC_SECRET_BYTES, VerificationKey
from .signer import DEFAULT_LIFETIME, PriceSigner
from .verifier import DEFAULT_LEEWAY, MAX_LEEWAY, PriceVerifier

__all__ = [
    "ALGORITHMS",
    "DEFAULT_LEEWAY",
    "DEFAULT_LIFETIME",
    "MAX_LEEWAY",
    "MAX_TOKEN_LENGTH",
    "MIN_HMAC_SECRET_BYTES",
    "PriceSigner",
    "PriceVerifier",
    "SignedPrice",
    "VerificationKey",
    "load_key_file",
]
