"""Signed price tokens (SPEC §7): compact JWS made by `PriceSigner`, checked by `PriceVerifier`.

All python-jose use lives in this module. Keys are built once with ``jose.jwk.construct``
when a signer or verifier is made; verification uses those key objects and the
algorithm configured for the key, never the algorithm named in the token. No clock is
ever read here: callers pass the instant ``at``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import model_validator as _model_validator

from ._errors import PricingConfigError, SignedPriceError

try:
    import jose as _jose
    from cryptography.hazmat.primitives.asymmetric import ec as _ec
    from cryptography.hazmat.primitives.asymmetric import rsa as _rsa
    from jose import backends as _jose_backends
    from jose import jwk as _jwk
    from jose import jws as _jws
    from jose.backends.base import Key as _JoseKey
    from jose.backends.cryptography_backend import (
        CryptographyECKey as _CryptoECKey,
    )
    from jose.backends.cryptography_backend import (
        CryptographyHMACKey as _CryptoHMACKey,
    )
    from jose.backends.cryptography_backend import (
        CryptographyRSAKey as _CryptoRSAKey,
    )
    from jose.exceptions import JOSEError as _JOSEError
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        "pricing signed prices need python-jose with its cryptography backend: "
        "install 'python-jose[cryptography]>=3.4'"
    ) from exc


def _jose_version() -> tuple[int, ...]:
    """python-jose's version as a tuple of its leading numeric parts."""
    parts = re.findall(r"\d+", _jose.__version__)[:2]
    return tuple(int(p) for p in parts)


if _jose_version() < (3, 4):  # pragma: no cover - depends on the installation
    raise ImportError(
        "pricing signed prices need python-jose >= 3.4 (earlier releases carry the 2024 "
        "algorithm-confusion CVE): install 'python-jose[cryptography]>=3.4'"
    )

if (
    _jose_backends.RSAKey is not _CryptoRSAKey
    or _jose_backends.ECKey is not _CryptoECKey
    or _jose_backends.HMACKey is not _CryptoHMACKey
    or _jwk.get_key("RS256") is not _CryptoRSAKey
    or _jwk.get_key("ES256") is not _CryptoECKey
    or _jwk.get_key("HS256") is not _CryptoHMACKey
):
    raise ImportError(
        "python-jose is not using its cryptography backend (it fell back to the pure-python "
        "rsa/ecdsa backends, or another key class was registered): "
        "install 'python-jose[cryptography]>=3.4'"
    )

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

ALGORITHMS: Final = frozenset({"HS256", "ES256", "RS256"})
"""Algorithms this module signs and verifies with."""

MAX_TOKEN_LENGTH: Final = 4096
"""Longest token accepted, in characters; longer ones are refused before any parsing."""

MIN_HMAC_SECRET_BYTES: Final = 32
"""Shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash output size)."""

MIN_RSA_KEY_BITS: Final = 2048
"""Smallest RSA modulus accepted."""

DEFAULT_LIFETIME: Final = timedelta(minutes=10)
"""Default time between a token's ``iat`` and ``exp``."""

DEFAULT_LEEWAY: Final = timedelta(seconds=5)
"""Default clock-skew allowance when checking ``iat`` and ``exp``."""

MAX_LEEWAY: Final = timedelta(minutes=5)
"""Largest leeway a verifier accepts: leeway absorbs clock skew, it is not extra lifetime."""

_MAX_KEY_FILE_BYTES: Final = 1 << 20
_MAX_TIMESTAMP: Final = 253_402_300_799  # 9999-12-31T23:59:59Z, the last second datetime holds
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_SECOND: Final = timedelta(seconds=1)

_KID_RE: Final = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_B64URL_RE: Final = re.compile(r"[A-Za-z0-9_-]*")
_HEADER_FIELDS: Final = frozenset({"alg", "kid", "typ"})

_PRICE_PATTERN: Final = r"^-?[0-9]+(\.[0-9]+)?$"  # [0-9], not \d: \d also matches non-ASCII digits
_CURRENCY_PATTERN: Final = r"^[A-Z]{3}$"
_JTI_PATTERN: Final = r"^[A-Za-z0-9._:-]{1,128}$"


# ---------------------------------------------------------------------------
# Claims


class _Claims(BaseModel):
    """The claims of a price token, validated strictly after the signature is checked."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    pid: int
    price: Annotated[str, StringConstraints(pattern=_PRICE_PATTERN, max_length=64)]
    cur: Annotated[str, StringConstraints(pattern=_CURRENCY_PATTERN)]
    mkr: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    iat: Annotated[int, Field(ge=0, le=_MAX_TIMESTAMP)]
    exp: Annotated[int, Field(ge=0, le=_MAX_TIMESTAMP)]
    jti: Annotated[str, StringConstraints(pattern=_JTI_PATTERN)]

    @_model_validator(mode="after")
    def _consistent(self) -> _Claims:
        """Refuse negative prices (``-0`` included) and tokens that expire before issue."""
        if self.price.startswith("-"):
            raise ValueError("price must not be negative")
        if self.exp <= self.iat:
            raise ValueError("exp must be after iat")
        return self


def _describe_validation_error(exc: ValidationError) -> str:
    """Render pydantic errors as ``field: message`` without the offending input values."""
    parts = []
    for err in exc.errors(include_url=False, include_input=False, include_context=False):
        loc = ".".join(str(p) for p in err["loc"])
        parts.append(f"{loc}: {err['msg']}" if loc else str(err["msg"]))
    return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class SignedPrice:
    """A verified price token: the price a trusted party fixed for one product, marker, currency.

    Attributes:
        product_id: the product the price is for (``pid``).
        price: the unit price (``price``), exact.
        currency: ISO 4217 code (``cur``).
        storage_marker: the order storage marker the price is for (``mkr``).
        issued_at: ``iat`` as an aware UTC datetime.
        expires_at: ``exp`` as an aware UTC datetime.
        jti: the token's unique id, for callers that track used tokens.
        kid: id of the key that verified the token.
    """

    product_id: int
    price: Decimal
    currency: str
    storage_marker: str
    issued_at: datetime
    expires_at: datetime
    jti: str
    kid: str


# ---------------------------------------------------------------------------
# Keys


def _check_kid(kid: object) -> str:
    """Return ``kid`` if it is a usable key id, else raise PricingConfigError."""
    if not isinstance(kid, str) or not _KID_RE.fullmatch(kid):
        raise PricingConfigError(
            "a key id (kid) must be 1 to 64 characters from A-Z a-z 0-9 . _ : -"
        )
    return kid


def _construct(key_data: bytes, algorithm: str, *, kid: str) -> _JoseKey:
    """Build the jose key object once, hiding jose's messages (they may quote the key)."""
    try:
        key = _jwk.construct(key_data, algorithm)
    except (_JOSEError, ValueError, TypeError):
        raise PricingConfigError(
            f"key {kid!r}: not a usable {algorithm} key (unparseable, encrypted or wrong type)"
        ) from None
    return key


def _is_public(key: _JoseKey) -> bool:
    """Whether an ES/RS key object holds only a public key (checked on cryptography's type)."""
    prepared = getattr(key, "prepared_key", None)
    return isinstance(prepared, (_ec.EllipticCurvePublicKey, _rsa.RSAPublicKey))


def _hmac_key(kid: str, secret: object) -> _JoseKey:
    """Build an HS256 key object from a secret of at least 32 bytes."""
    if not isinstance(secret, bytes):
        raise PricingConfigError(f"key {kid!r}: an HS256 secret must be bytes")
    if len(secret) < MIN_HMAC_SECRET_BYTES:
        raise PricingConfigError(
            f"key {kid!r}: an HS256 secret must be at least {MIN_HMAC_SECRET_BYTES} bytes, "
            f"got {len(secret)}"
        )
    key = _construct(secret, "HS256", kid=kid)
    if not isinstance(key, _CryptoHMACKey):  # pragma: no cover - guards jose's key registry
        raise PricingConfigError(f"key {kid!r}: python-jose built an unexpected HS256 key type")
    return key


def _asymmetric_key(kid: str, algorithm: str, pem: object, *, private: bool) -> _JoseKey:
    """Build an ES256 (P-256) or RS256 (>= 2048 bit) key object from PEM text."""
    if algorithm not in ("ES256", "RS256"):
        raise PricingConfigError(
            f"key {kid!r}: algorithm must be 'ES256' or 'RS256' for a PEM key, got {algorithm!r}"
        )
    if isinstance(pem, str):
        pem = pem.encode("utf-8")
    if not isinstance(pem, bytes):
        raise PricingConfigError(f"key {kid!r}: a PEM key must be str or bytes")
    key = _construct(pem, algorithm, kid=kid)
    expected = _CryptoECKey if algorithm == "ES256" else _CryptoRSAKey
    if not isinstance(key, expected):  # pragma: no cover - guards jose's key registry
        raise PricingConfigError(f"key {kid!r}: python-jose built an unexpected key type")
    if _is_public(key) == private:
        wanted = "private" if private else "public"
        raise PricingConfigError(f"key {kid!r}: expected a {wanted} key")
    # jose loads whatever the PEM holds (an EC key under RS256 too): check type and size.
    prepared = key.prepared_key
    if algorithm == "ES256":
        ec_types = (_ec.EllipticCurvePrivateKey, _ec.EllipticCurvePublicKey)
        if not isinstance(prepared, ec_types) or not isinstance(prepared.curve, _ec.SECP256R1):
            raise PricingConfigError(f"key {kid!r}: ES256 needs a P-256 (secp256r1) EC key")
    else:
        rsa_types = (_rsa.RSAPrivateKey, _rsa.RSAPublicKey)
        if not isinstance(prepared, rsa_types) or prepared.key_size < MIN_RSA_KEY_BITS:
            raise PricingConfigError(f"key {kid!r}: RS256 needs an RSA key of at least 2048 bits")
    return key


class VerificationKey:
    """One key a `PriceVerifier` accepts: a key id, its fixed algorithm and the key object.

    Build it with `hs256`, `from_public_pem` or `PriceSigner.verification_key`; the
    algorithm given here is the only one a token signed under this ``kid`` may use.
    """

    __slots__ = ("_algorithm", "_key", "_kid")

    def __init__(self, key: _JoseKey, *, kid: str, algorithm: str) -> None:
        """Wrap an already-built python-jose key object, checking it fits ``algorithm``."""
        self._kid = _check_kid(kid)
        expected: type[_JoseKey]
        if algorithm == "HS256":
            expected = _CryptoHMACKey
        elif algorithm == "ES256":
            expected = _CryptoECKey
        elif algorithm == "RS256":
            expected = _CryptoRSAKey
        else:
            raise PricingConfigError(
                f"key {kid!r}: algorithm must be one of HS256, ES256, RS256, got {algorithm!r}"
            )
        if not isinstance(key, expected):
            raise PricingConfigError(f"key {kid!r}: the key object does not fit {algorithm}")
        if algorithm != "HS256" and not _is_public(key):
            raise PricingConfigError(f"key {kid!r}: a verification key must be a public key")
        self._algorithm = algorithm
        self._key = key

    @classmethod
    def hs256(cls, secret: bytes, *, kid: str) -> VerificationKey:
        """An HS256 shared secret (at least 32 bytes) under ``kid``."""
        kid = _check_kid(kid)
        return cls(_hmac_key(kid, secret), kid=kid, algorithm="HS256")

    @classmethod
    def from_public_pem(cls, pem: bytes | str, *, kid: str, algorithm: str) -> VerificationKey:
        """An ES256 or RS256 public key (PEM SubjectPublicKeyInfo) under ``kid``."""
        kid = _check_kid(kid)
        key = _asymmetric_key(kid, algorithm, pem, private=False)
        return cls(key, kid=kid, algorithm=algorithm)

    @property
    def kid(self) -> str:
        """The key id tokens name in their ``kid`` header."""
        return self._kid

    @property
    def algorithm(self) -> str:
        """The only algorithm accepted for this key."""
        return self._algorithm

    def __repr__(self) -> str:
        return f"VerificationKey(kid={self._kid!r}, algorithm={self._algorithm!r})"


# ---------------------------------------------------------------------------
# Signing


def _aware(at: object, what: str = "at") -> datetime:
    """Return ``at`` if it is a timezone-aware datetime, else raise PricingConfigError."""
    if not isinstance(at, datetime) or at.utcoffset() is None:
        raise PricingConfigError(f"{what} must be a timezone-aware datetime")
    return at


def _epoch_seconds(at: datetime) -> int:
    """Whole seconds since the Unix epoch, floored, computed exactly (no float)."""
    return (at - _EPOCH) // _ONE_SECOND


def _price_text(price: object) -> str:
    """The price as a plain decimal string (no exponent), or raise PricingConfigError."""
    if isinstance(price, str):
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", price):
            raise PricingConfigError("price must be a plain decimal string such as '150.00'")
        return price
    if isinstance(price, Decimal):
        if not price.is_finite():
            raise PricingConfigError("price must be a finite decimal")
        return format(price.copy_abs() if price.is_zero() else price, "f")
    raise PricingConfigError("price must be a Decimal or a decimal string")


class PriceSigner:
    """Makes price tokens with one private key or shared secret, named by ``kid``."""

    __slots__ = ("_algorithm", "_key", "_kid")

    def __init__(self, key: _JoseKey, *, kid: str, algorithm: str) -> None:
        """Wrap a built key; prefer the `hs256` and `from_pem` constructors."""
        self._kid = _check_kid(kid)
        if algorithm not in ALGORITHMS:
            raise PricingConfigError(
                f"key {kid!r}: algorithm must be one of HS256, ES256, RS256, got {algorithm!r}"
            )
        expected = {"HS256": _CryptoHMACKey, "ES256": _CryptoECKey, "RS256": _CryptoRSAKey}
        if not isinstance(key, expected[algorithm]):
            raise PricingConfigError(f"key {kid!r}: the key object does not fit {algorithm}")
        if algorithm != "HS256" and _is_public(key):
            raise PricingConfigError(f"key {kid!r}: signing needs a private key")
        self._algorithm = algorithm
        self._key = key

    @classmethod
    def hs256(cls, secret: bytes, *, kid: str) -> PriceSigner:
        """A signer with an HS256 shared secret of at least 32 bytes."""
        kid = _check_kid(kid)
        return cls(_hmac_key(kid, secret), kid=kid, algorithm="HS256")

    @classmethod
    def from_pem(cls, private_pem: bytes | str, *, kid: str, algorithm: str) -> PriceSigner:
        """A signer with an unencrypted ES256 (P-256) or RS256 private key in PEM."""
        kid = _check_kid(kid)
        key = _asymmetric_key(kid, algorithm, private_pem, private=True)
        return cls(key, kid=kid, algorithm=algorithm)

    @property
    def kid(self) -> str:
        """The key id written into every token's header."""
        return self._kid

    @property
    def algorithm(self) -> str:
        """The algorithm written into every token's header."""
        return self._algorithm

    def verification_key(self) -> VerificationKey:
        """The key a verifier needs for this signer's tokens (the public half for ES/RS)."""
        key = self._key if self._algorithm == "HS256" else self._key.public_key()
        return VerificationKey(key, kid=self._kid, algorithm=self._algorithm)

    def sign(
        self,
        *,
        product_id: int,
        price: Decimal | str,
        currency: str,
        storage_marker: str,
        at: datetime,
        lifetime: timedelta = DEFAULT_LIFETIME,
        jti: str | None = None,
    ) -> str:
        """Sign ``price`` for one product, currency and storage marker, valid from ``at``.

        ``iat`` is ``at`` floored to the second and ``exp`` is ``iat + lifetime`` (whole
        seconds, at least one). ``jti`` defaults to 128 random bits in hex.

        Raises:
            PricingConfigError: an argument would make a token no verifier accepts.
        """
        at = _aware(at)
        if not isinstance(lifetime, timedelta) or lifetime < _ONE_SECOND:
            raise PricingConfigError("lifetime must be a timedelta of at least one second")
        iat = _epoch_seconds(at)
        claims: dict[str, Any] = {
            "pid": product_id,
            "price": _price_text(price),
            "cur": currency,
            "mkr": storage_marker,
            "iat": iat,
            "exp": iat + lifetime // _ONE_SECOND,
            "jti": secrets.token_hex(16) if jti is None else jti,
        }
        try:
            _Claims.model_validate(claims)
        except ValidationError as exc:
            raise PricingConfigError(f"cannot sign: {_describe_validation_error(exc)}") from None
        payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8")
        token = _jws.sign(payload, self._key, headers={"kid": self._kid}, algorithm=self._algorithm)
        if len(token) > MAX_TOKEN_LENGTH:
            raise PricingConfigError(
                f"cannot sign: the token would exceed {MAX_TOKEN_LENGTH} characters"
            )
        return token

    def __repr__(self) -> str:
        return f"PriceSigner(kid={self._kid!r}, algorithm={self._algorithm!r})"


# ---------------------------------------------------------------------------
# Verification


def _refuse(reason: str, message: str) -> SignedPriceError:
    """A SignedPriceError; messages are fixed texts that never quote the token or a key."""
    return SignedPriceError(reason, message)


def _b64url_decode(segment: str) -> bytes | None:
    """Decode one canonical unpadded base64url segment, or ``None`` if it is not one."""
    if not _B64URL_RE.fullmatch(segment) or len(segment) % 4 == 1:
        return None
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - alphabet and length checked above
        return None
    # One token text per signed content: refuse non-zero padding bits.
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != segment:
        return None
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object hook: refuse duplicate member names instead of keeping the last one."""
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError("duplicate member name")
        result[name] = value
    return result


def _no_constant(name: str) -> Any:
    """json hook: refuse NaN and Infinity, which are not JSON."""
    raise ValueError("non-standard JSON constant")


def _json_object(data: bytes) -> dict[str, Any] | None:
    """Parse strict UTF-8 JSON that must be an object, or return ``None``."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
        )
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _from_epoch(seconds: int) -> datetime:
    """An aware UTC datetime for ``seconds`` since the epoch."""
    return _EPOCH + timedelta(seconds=seconds)


class PriceVerifier:
    """Checks price tokens against a fixed set of keys, each with its own algorithm.

    Several keys may be configured at once (rotation); the token's ``kid`` header picks
    one. With a single key a token without ``kid`` is checked against it.
    """

    __slots__ = ("_keys", "_leeway")

    def __init__(
        self, keys: Iterable[VerificationKey], *, leeway: timedelta = DEFAULT_LEEWAY
    ) -> None:
        """Configure the accepted keys (unique kids, at least one) and the clock leeway."""
        by_kid: dict[str, VerificationKey] = {}
        for key in keys:
            if not isinstance(key, VerificationKey):
                raise PricingConfigError("verifier keys must be VerificationKey objects")
            if key.kid in by_kid:
                raise PricingConfigError(f"key id {key.kid!r} is configured twice")
            by_kid[key.kid] = key
        if not by_kid:
            raise PricingConfigError("a verifier needs at least one key")
        if not isinstance(leeway, timedelta) or not timedelta(0) <= leeway <= MAX_LEEWAY:
            raise PricingConfigError(f"leeway must be a timedelta between 0 and {MAX_LEEWAY}")
        self._keys: Mapping[str, VerificationKey] = by_kid
        self._leeway = leeway

    @classmethod
    def hs256(
        cls, secrets_by_kid: Mapping[str, bytes], *, leeway: timedelta = DEFAULT_LEEWAY
    ) -> PriceVerifier:
        """A verifier for HS256 shared secrets, one per key id."""
        keys = [VerificationKey.hs256(secret, kid=kid) for kid, secret in secrets_by_kid.items()]
        return cls(keys, leeway=leeway)

    @classmethod
    def from_public_pems(
        cls,
        pems_by_kid: Mapping[str, tuple[str, bytes | str]],
        *,
        leeway: timedelta = DEFAULT_LEEWAY,
    ) -> PriceVerifier:
        """A verifier for ES256/RS256 public keys given as ``kid -> (algorithm, pem)``."""
        keys = []
        for kid, entry in pems_by_kid.items():
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise PricingConfigError(f"key {kid!r}: expected an (algorithm, pem) pair")
            algorithm, pem = entry
            keys.append(VerificationKey.from_public_pem(pem, kid=kid, algorithm=algorithm))
        return cls(keys, leeway=leeway)

    @property
    def kids(self) -> frozenset[str]:
        """The key ids this verifier accepts."""
        return frozenset(self._keys)

    @property
    def leeway(self) -> timedelta:
        """Clock-skew allowance applied to ``iat`` and ``exp``."""
        return self._leeway

    def verify(
        self,
        token: str,
        *,
        product_id: int,
        currency: str,
        storage_marker: str,
        at: datetime,
    ) -> SignedPrice:
        """Check ``token`` at instant ``at`` for one product, currency and storage marker.

        Order: size, structure, key id, algorithm, signature, claims, time, binding. A
        token is valid while ``iat - leeway <= at < exp + leeway``.

        Raises:
            SignedPriceError: the token is refused; ``reason`` says why.
            PricingConfigError: ``at`` is not a timezone-aware datetime.
        """
        at = _aware(at)
        if not isinstance(token, str):
            raise _refuse("malformed", "signed price token must be a string")
        if len(token) > MAX_TOKEN_LENGTH:
            raise _refuse(
                "oversized", f"signed price token is longer than {MAX_TOKEN_LENGTH} characters"
            )

        parts = token.split(".")
        if len(parts) != 3:
            raise _refuse("malformed", "signed price token is not a compact JWS (three parts)")
        header_bytes = _b64url_decode(parts[0])
        payload_bytes = _b64url_decode(parts[1])
        if (
            header_bytes is None
            or payload_bytes is None
            or not payload_bytes
            or _b64url_decode(parts[2]) is None
        ):
            raise _refuse("malformed", "signed price token parts are not base64url")
        header = _json_object(header_bytes)
        if header is None:
            raise _refuse("malformed", "signed price token header is not a JSON object")
        if not header.keys() <= _HEADER_FIELDS:
            raise _refuse("malformed", "signed price token header has unsupported fields")
        alg = header.get("alg")
        kid = header.get("kid")
        if not isinstance(alg, str) or (kid is not None and not isinstance(kid, str)):
            raise _refuse("malformed", "signed price token header alg/kid are not strings")
        if header.get("typ", "JWT") != "JWT":
            raise _refuse("malformed", "signed price token header typ is not JWT")

        key = self._select_key(kid)
        if alg != key.algorithm:
            raise _refuse(
                "unsupported_algorithm",
                f"signed price token algorithm does not match key {key.kid!r} "
                f"(expected {key.algorithm})",
            )
        try:
            # Key object and a one-element algorithm list fixed by configuration.
            verified_payload = _jws.verify(token, key._key, algorithms=[key.algorithm])
        except _JOSEError:
            raise _refuse("bad_signature", "signed price token signature is invalid") from None

        raw_claims = _json_object(verified_payload)
        if raw_claims is None:
            raise _refuse("malformed", "signed price token claims are not a JSON object")
        try:
            claims = _Claims.model_validate(raw_claims)
        except ValidationError as exc:
            raise _refuse(
                "invalid_claims",
                f"signed price token claims are invalid: {_describe_validation_error(exc)}",
            ) from None

        if at + self._leeway < _from_epoch(claims.iat):
            raise _refuse("not_yet_valid", "signed price token is not valid yet (iat is ahead)")
        if at >= _from_epoch(claims.exp) + self._leeway:
            raise _refuse("expired", "signed price token has expired")

        if type(product_id) is not int or claims.pid != product_id:
            raise _refuse("wrong_product", "signed price token is for another product")
        if claims.mkr != storage_marker:
            raise _refuse("wrong_marker", "signed price token is for another storage marker")
        if claims.cur != currency:
            raise _refuse("wrong_currency", "signed price token is for another currency")

        try:
            price = Decimal(claims.price)
        except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
            raise _refuse("invalid_claims", "signed price token price is not a decimal") from None
        return SignedPrice(
            product_id=claims.pid,
            price=price,
            currency=claims.cur,
            storage_marker=claims.mkr,
            issued_at=_from_epoch(claims.iat),
            expires_at=_from_epoch(claims.exp),
            jti=claims.jti,
            kid=key.kid,
        )

    def _select_key(self, kid: str | None) -> VerificationKey:
        """The configured key named by ``kid``; without a kid, the only key if there is one."""
        if kid is None:
            if len(self._keys) == 1:
                return next(iter(self._keys.values()))
            raise _refuse(
                "unknown_kid", "signed price token has no kid and several keys are configured"
            )
        key = self._keys.get(kid)
        if key is None:
            raise _refuse("unknown_kid", "signed price token names a key id that is not configured")
        return key

    def __repr__(self) -> str:
        return f"PriceVerifier(kids={sorted(self._keys)!r}, leeway={self._leeway!r})"


# ---------------------------------------------------------------------------
# Key files


_KEY_ENTRY_FIELDS: Final = frozenset({"kid", "alg", "secret", "privateKeyPem", "publicKeyPem"})
_MATERIAL_FIELDS: Final = ("secret", "privateKeyPem", "publicKeyPem")


def _decode_secret(text: str) -> bytes | None:
    """Decode a base64url secret (padding optional); ``None`` if not canonical base64url."""
    return _b64url_decode(text.rstrip("="))


def _load_key_entry(
    where: str, index: int, entry: object
) -> tuple[str, VerificationKey, PriceSigner | None]:
    """One ``keys[i]`` entry: its kid, its verification key, and its signer if private."""
    at = f"{where}: keys[{index}]"
    if not isinstance(entry, dict):
        raise PricingConfigError(f"{at}: must be an object")
    unknown = sorted(set(entry) - _KEY_ENTRY_FIELDS)
    if unknown:
        raise PricingConfigError(f"{at}: unknown field(s) {', '.join(map(repr, unknown))}")
    kid = entry.get("kid")
    if not isinstance(kid, str) or not _KID_RE.fullmatch(kid):
        raise PricingConfigError(f"{at}.kid: must be 1 to 64 characters from A-Z a-z 0-9 . _ : -")
    alg = entry.get("alg")
    if alg not in ALGORITHMS:
        raise PricingConfigError(f"{at}.alg: must be one of 'ES256', 'HS256', 'RS256'")
    present = [name for name in _MATERIAL_FIELDS if name in entry]
    if len(present) != 1:
        raise PricingConfigError(
            f"{at}: needs exactly one of 'secret', 'privateKeyPem', 'publicKeyPem'"
        )
    field = present[0]
    material = entry[field]
    if not isinstance(material, str):
        raise PricingConfigError(f"{at}.{field}: must be a string")
    if (field == "secret") != (alg == "HS256"):
        wanted = "'secret'" if alg == "HS256" else "'privateKeyPem' or 'publicKeyPem'"
        raise PricingConfigError(f"{at}.{field}: {alg} keys need {wanted}")
    try:
        if field == "secret":
            secret = _decode_secret(material)
            if secret is None:
                raise PricingConfigError("is not canonical base64url")
            signer = PriceSigner.hs256(secret, kid=kid)
            return kid, signer.verification_key(), signer
        if field == "privateKeyPem":
            signer = PriceSigner.from_pem(material, kid=kid, algorithm=alg)
            return kid, signer.verification_key(), signer
        return kid, VerificationKey.from_public_pem(material, kid=kid, algorithm=alg), None
    except PricingConfigError as exc:
        # The constructors' messages name the problem and never quote the material.
        raise PricingConfigError(f"{at}.{field}: {exc}") from None


def load_key_file(path: str | os.PathLike[str]) -> tuple[PriceSigner | None, PriceVerifier]:
    """Read a JSON key file (docs/signed-prices.md) into a signer and a verifier.

    The verifier accepts every key in the file; the signer uses the key named by
    ``signingKid`` and is ``None`` when the file has no ``signingKid``.

    Raises:
        PricingConfigError: the file cannot be read or is invalid; the message names the
            problem and never quotes key material.
    """
    where = f"key file {os.fspath(path)!s}"
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise PricingConfigError(f"{where}: cannot be read ({exc.strerror or 'error'})") from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise PricingConfigError(f"{where}: larger than {_MAX_KEY_FILE_BYTES} bytes")
    try:
        document = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as exc:
        raise PricingConfigError(
            f"{where}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except (ValueError, RecursionError):
        raise PricingConfigError(
            f"{where}: not valid JSON (bad encoding, duplicate names or nesting)"
        ) from None
    if not isinstance(document, dict):
        raise PricingConfigError(f"{where}: must be a JSON object")
    unknown = sorted(set(document) - {"keys", "signingKid"})
    if unknown:
        raise PricingConfigError(f"{where}: unknown field(s) {', '.join(map(repr, unknown))}")
    entries = document.get("keys")
    if not isinstance(entries, list) or not entries:
        raise PricingConfigError(f"{where}: 'keys' must be a non-empty list")

    verification_keys: list[VerificationKey] = []
    signers: dict[str, PriceSigner] = {}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        kid, verification_key, signer = _load_key_entry(where, index, entry)
        if kid in seen:
            raise PricingConfigError(f"{where}: keys[{index}].kid: {kid!r} appears twice")
        seen.add(kid)
        verification_keys.append(verification_key)
        if signer is not None:
            signers[kid] = signer

    signing_kid = document.get("signingKid")
    signer_out: PriceSigner | None = None
    if signing_kid is not None:
        if not isinstance(signing_kid, str) or signing_kid not in seen:
            raise PricingConfigError(f"{where}: signingKid does not name a key in 'keys'")
        signer_out = signers.get(signing_kid)
        if signer_out is None:
            raise PricingConfigError(
                f"{where}: signingKid {signing_kid!r} names a public key; signing needs "
                "'secret' or 'privateKeyPem'"
            )
    return signer_out, PriceVerifier(verification_keys)
