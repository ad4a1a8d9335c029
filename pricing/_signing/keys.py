"""Keys: key ids, key objects built once with ``jose.jwk.construct``, and `VerificationKey`.

A key's algorithm is fixed when its key object is built; the verifier uses that
algorithm, never the one a token names (docs/signed-prices.md, "Threat model").
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final, Self

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_der_private_key,
    load_der_public_key,
)

from .._errors import PricingConfigError
from .backend import ECKey, HMACKey, JOSEError, JoseKey, RSAKey, built_for, jwk

__all__ = [
    "ALGORITHMS",
    "KEY_ID_RULE",
    "MIN_HMAC_SECRET_BYTES",
    "MIN_RSA_KEY_BITS",
    "KeyHolder",
    "VerificationKey",
    "asymmetric_key",
    "check_kid",
    "checked_key",
    "hmac_key",
    "is_public",
]

ALGORITHMS: Final = frozenset({"HS256", "ES256", "RS256"})
"""Algorithms this package signs and verifies with."""

MIN_HMAC_SECRET_BYTES: Final = 32
"""Shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash output size)."""

MIN_RSA_KEY_BITS: Final = 2048
"""Smallest RSA modulus accepted."""

KEY_ID_RULE: Final = "1 to 64 characters from A-Z a-z 0-9 . _ : -"
"""What a key id (``kid``) may be, in words for error messages."""

_KID_RE: Final = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_WRONG_HALF: Final = {
    True: "signing needs a private key",
    False: "a verification key must be a public key",
}
_KEY_TYPES: Final[dict[str, type[JoseKey]]] = {
    "HS256": HMACKey,
    "ES256": ECKey,
    "RS256": RSAKey,
}


def check_kid(kid: object) -> str:
    """Return ``kid`` if it is a usable key id, else raise PricingConfigError."""
    if not isinstance(kid, str) or not _KID_RE.fullmatch(kid):
        raise PricingConfigError(f"a key id (kid) must be {KEY_ID_RULE}")
    return kid


def is_public(key: JoseKey) -> bool:
    """Whether an ES/RS key object holds only a public key (checked on cryptography's type)."""
    prepared = getattr(key, "prepared_key", None)
    return isinstance(prepared, (ec.EllipticCurvePublicKey, rsa.RSAPublicKey))


def checked_key(key: JoseKey, *, kid: str, algorithm: str) -> JoseKey:
    """Return ``key`` if it is a key object built for ``algorithm`` that meets its key
    requirements, else raise: however the key object was made (a caller's own
    ``jwk.construct`` too), a key under an algorithm's name signs and verifies with
    that algorithm and with a key of its strength."""
    expected = _KEY_TYPES.get(algorithm) if isinstance(algorithm, str) else None
    if expected is None:
        raise PricingConfigError(
            f"key {kid!r}: algorithm must be one of HS256, ES256, RS256, got {algorithm!r}"
        )
    if not isinstance(key, expected):
        raise PricingConfigError(f"key {kid!r}: the key object does not fit {algorithm}")
    if built_for(key) != algorithm:  # (an HS512 key signs HS512, whatever it is called)
        raise PricingConfigError(f"key {kid!r}: the key object was not built for {algorithm}")
    prepared = getattr(key, "prepared_key", None)
    if algorithm == "HS256":
        if not isinstance(prepared, bytes) or len(prepared) < MIN_HMAC_SECRET_BYTES:
            raise PricingConfigError(
                f"key {kid!r}: an HS256 secret must be at least {MIN_HMAC_SECRET_BYTES} bytes"
            )
        if _is_key_encoding(prepared):
            raise PricingConfigError(_NOT_A_SECRET.format(kid=kid))
    elif algorithm == "ES256":
        ec_types = (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)
        if not isinstance(prepared, ec_types) or not isinstance(prepared.curve, ec.SECP256R1):
            raise PricingConfigError(f"key {kid!r}: ES256 needs a P-256 (secp256r1) EC key")
    else:
        rsa_types = (rsa.RSAPrivateKey, rsa.RSAPublicKey)
        if not isinstance(prepared, rsa_types) or prepared.key_size < MIN_RSA_KEY_BITS:
            raise PricingConfigError(f"key {kid!r}: RS256 needs an RSA key of at least 2048 bits")
    return key


_NOT_A_SECRET: Final = (
    "key {kid!r}: an HS256 secret must not be a key or certificate (PEM or DER): whoever "
    "holds that public key could sign prices with it"
)


def _is_key_encoding(secret: bytes) -> bool:
    """Whether ``secret`` is a public or private key or a certificate, in PEM or DER: an
    HS256 secret made of a public key is known to all (algorithm confusion)."""
    if b"-----BEGIN" in secret:
        return True
    loaders = (load_der_public_key, x509.load_der_x509_certificate)
    for load in loaders:
        try:
            load(secret)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
        return True
    try:
        load_der_private_key(secret, None)
    except TypeError:  # encrypted: a private key all the same
        return True
    except (ValueError, UnsupportedAlgorithm):
        return False
    return True


def _construct(key_data: bytes, *, kid: str, algorithm: str) -> JoseKey:
    """Build the jose key object once, hiding jose's messages (they may quote the key)."""
    try:
        key = jwk.construct(key_data, algorithm)
    except (JOSEError, ValueError, TypeError):
        raise PricingConfigError(
            f"key {kid!r}: not a usable {algorithm} key (unparseable, encrypted or wrong type)"
        ) from None
    if not isinstance(key, _KEY_TYPES[algorithm]):  # pragma: no cover - guards jose's registry
        raise PricingConfigError(f"key {kid!r}: python-jose built an unexpected key type")
    return key


def hmac_key(secret: object, *, kid: str) -> JoseKey:
    """Build an HS256 key object from a secret of at least 32 bytes."""
    if not isinstance(secret, bytes):
        raise PricingConfigError(f"key {kid!r}: an HS256 secret must be bytes")
    if len(secret) < MIN_HMAC_SECRET_BYTES:
        raise PricingConfigError(
            f"key {kid!r}: an HS256 secret must be at least {MIN_HMAC_SECRET_BYTES} bytes, "
            f"got {len(secret)}"
        )
    # (checked before python-jose sees it, which refuses a PEM secret with a message of
    # its own; checked_key asks the same of key objects built elsewhere)
    if _is_key_encoding(secret):
        raise PricingConfigError(_NOT_A_SECRET.format(kid=kid))
    return _construct(secret, kid=kid, algorithm="HS256")


_PEM_BEGIN: Final = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----", re.ASCII)
_PEM_END: Final = re.compile(rb"-----END [A-Z0-9 ]+-----", re.ASCII)


def _one_key(pem: bytes) -> bool:
    """Whether ``pem`` holds one key block (an ``EC PARAMETERS`` block beside it, as
    ``openssl ecparam -genkey`` writes, aside) and nothing after its end."""
    blocks = [m for m in _PEM_BEGIN.finditer(pem) if m.group(1) != b"EC PARAMETERS"]
    ends = list(_PEM_END.finditer(pem))
    return len(blocks) <= 1 and not (ends and pem[ends[-1].end() :].strip())


def _utf8(text: str) -> bytes | None:
    """``text`` in UTF-8, ``None`` if it has a lone surrogate (returned, not raised: the
    encoding error holds the whole text, and must not ride along as an error's context)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def asymmetric_key(pem: object, *, kid: str, algorithm: str, private: bool) -> JoseKey:
    """Build an ES256 or RS256 key object from PEM text, of the half ``private`` says (its
    curve and size are :func:`checked_key`'s to check, for the holder it is made for)."""
    if algorithm not in ("ES256", "RS256"):
        raise PricingConfigError(
            f"key {kid!r}: algorithm must be 'ES256' or 'RS256' for a PEM key, got {algorithm!r}"
        )
    if isinstance(pem, str):
        encoded = _utf8(pem)
        if encoded is None:  # (a lone surrogate: no key, and no traceback)
            raise PricingConfigError(f"key {kid!r}: the PEM text is not valid Unicode")
        pem = encoded
    if not isinstance(pem, bytes):
        raise PricingConfigError(f"key {kid!r}: a PEM key must be str or bytes")
    if not _one_key(pem):
        # (the backend reads the first block and ignores the rest: a second key, or text
        # pasted after it, would pass unseen)
        raise PricingConfigError(f"key {kid!r}: the PEM text must hold one key, nothing after it")
    if b"CERTIFICATE" in pem:  # (its dates and issuer would be ignored: give the key)
        raise PricingConfigError(
            f"key {kid!r}: a certificate is not a key; give its public key "
            "(openssl x509 -pubkey -noout)"
        )
    key = _construct(pem, kid=kid, algorithm=algorithm)
    if is_public(key) == private:
        wanted = "private" if private else "public"
        raise PricingConfigError(f"key {kid!r}: expected a {wanted} key")
    # (jose loads whatever the PEM holds, an EC key under RS256 too: the key holder it is
    # made for checks its type and size, as it does any key object)
    return key


class KeyHolder:
    """A key id, its fixed algorithm and its key object, checked once when made.

    The base of `VerificationKey` (public keys) and `PriceSigner` (private keys);
    HS256 secrets serve both.
    """

    __slots__ = ("_algorithm", "_key", "_kid")

    _PRIVATE: ClassVar[bool]
    """Whether an ES256/RS256 key must be the private half (signing) or the public one."""

    def __init_subclass__(cls, *, private: bool, **kwargs: Any) -> None:
        """Fix which half of an ES256/RS256 key pair the subclass holds."""
        super().__init_subclass__(**kwargs)
        cls._PRIVATE = private

    def __init__(self, key: JoseKey, *, kid: str, algorithm: str) -> None:
        """Wrap an already-built python-jose key object, checking it fits ``algorithm``."""
        self._kid = check_kid(kid)
        self._key = checked_key(key, kid=kid, algorithm=algorithm)
        if algorithm != "HS256" and is_public(key) == self._PRIVATE:
            raise PricingConfigError(f"key {kid!r}: {_WRONG_HALF[self._PRIVATE]}")
        self._algorithm = algorithm

    @classmethod
    def hs256(cls, secret: bytes, *, kid: str) -> Self:
        """An HS256 shared secret of at least 32 bytes, under ``kid``."""
        kid = check_kid(kid)
        return cls(hmac_key(secret, kid=kid), kid=kid, algorithm="HS256")

    @classmethod
    def _from_pem(cls, pem: bytes | str, *, kid: str, algorithm: str) -> Self:
        """An ES256 or RS256 key from PEM text, of the half this class holds."""
        kid = check_kid(kid)
        key = asymmetric_key(pem, kid=kid, algorithm=algorithm, private=cls._PRIVATE)
        return cls(key, kid=kid, algorithm=algorithm)

    @property
    def kid(self) -> str:
        """The key id tokens carry in their ``kid`` header."""
        return self._kid

    @property
    def algorithm(self) -> str:
        """The only algorithm this key signs or verifies with."""
        return self._algorithm

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kid={self._kid!r}, algorithm={self._algorithm!r})"


class VerificationKey(KeyHolder, private=False):
    """One key a `PriceVerifier` accepts: a key id, its fixed algorithm and the key object.

    Build it with `hs256`, `from_public_pem` or `PriceSigner.verification_key`; the
    algorithm given here is the only one a token signed under this ``kid`` may use.
    """

    __slots__ = ()

    @classmethod
    def from_public_pem(cls, pem: bytes | str, *, kid: str, algorithm: str) -> VerificationKey:
        """An ES256 or RS256 public key (PEM SubjectPublicKeyInfo) under ``kid``."""
        return cls._from_pem(pem, kid=kid, algorithm=algorithm)

    def __reduce__(self) -> tuple[Any, ...]:
        # A key object of the crypto backend does not pickle: carry what it was built
        # from (the public PEM, or the HS256 secret, which a verifier holds anyway).
        key: Any = self._key  # (jose's types do not name prepared_key)
        prepared = key.prepared_key
        if self._algorithm == "HS256":
            material: bytes = prepared
        else:
            material = prepared.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        return (_rebuilt, (material, self._kid, self._algorithm))


def _rebuilt(material: bytes, kid: str, algorithm: str) -> VerificationKey:
    """An unpickled `VerificationKey`, built again from its material."""
    if algorithm == "HS256":
        return VerificationKey.hs256(material, kid=kid)
    return VerificationKey.from_public_pem(material, kid=kid, algorithm=algorithm)
