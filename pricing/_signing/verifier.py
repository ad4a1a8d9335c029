"""`PriceVerifier`: checks price tokens against configured keys, each with its own algorithm.

The algorithm comes from the configured key, never from the token; every refusal is
a `SignedPriceError` with a reason (docs/signed-prices.md, "Verification").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Final

from pydantic import ValidationError

from .._errors import PricingConfigError, SignedPriceError
from .backend import JOSEError, jws
from .claims import (
    MAX_TOKEN_LENGTH,
    Claims,
    SignedPrice,
    aware,
    describe_validation_error,
    from_epoch,
    since_epoch,
)
from .codec import b64url_decode, json_object
from .keys import VerificationKey

__all__ = ["DEFAULT_LEEWAY", "MAX_LEEWAY", "PriceVerifier"]

DEFAULT_LEEWAY: Final = timedelta(seconds=5)
"""Default clock-skew allowance when checking ``iat`` and ``exp``."""

MAX_LEEWAY: Final = timedelta(minutes=5)
"""Largest leeway a verifier accepts: leeway absorbs clock skew, it is not extra lifetime."""

_HEADER_FIELDS: Final = frozenset({"alg", "kid", "typ"})


def _refuse(reason: str, message: str) -> SignedPriceError:
    """A SignedPriceError; messages are fixed texts that never quote the token or a key."""
    return SignedPriceError(reason, message)


def _header(token: object) -> tuple[str, str | None]:
    """The ``alg`` and ``kid`` of a well-formed token, after its size and structure checks."""
    if not isinstance(token, str):
        raise _refuse("malformed", "signed price token must be a string")
    if len(token) > MAX_TOKEN_LENGTH:
        raise _refuse(
            "oversized", f"signed price token is longer than {MAX_TOKEN_LENGTH} characters"
        )
    parts = token.split(".")
    if len(parts) != 3:
        raise _refuse("malformed", "signed price token is not a compact JWS (three parts)")
    header_bytes = b64url_decode(parts[0])
    payload_bytes = b64url_decode(parts[1])
    if (
        header_bytes is None
        or payload_bytes is None
        or not payload_bytes
        or b64url_decode(parts[2]) is None
    ):
        raise _refuse("malformed", "signed price token parts are not base64url")
    header = json_object(header_bytes)
    if header is None:
        raise _refuse("malformed", "signed price token header is not a JSON object")
    if not header.keys() <= _HEADER_FIELDS:
        raise _refuse("malformed", "signed price token header has unsupported fields")
    alg = header.get("alg")
    kid = header.get("kid")
    if not isinstance(alg, str) or ("kid" in header and not isinstance(kid, str)):
        raise _refuse("malformed", "signed price token header alg/kid are not strings")
    if header.get("typ", "JWT") != "JWT":
        raise _refuse("malformed", "signed price token header typ is not JWT")
    return alg, kid


def _verified_claims(token: str, key: VerificationKey) -> Claims:
    """The token's claims once its signature verifies with ``key`` and its algorithm."""
    try:
        # Key object and a one-element algorithm list fixed by configuration.
        payload = jws.verify(token, key._key, algorithms=[key.algorithm])
    except JOSEError:
        raise _refuse("bad_signature", "signed price token signature is invalid") from None
    raw_claims = json_object(payload)
    if raw_claims is None:
        raise _refuse("malformed", "signed price token claims are not a JSON object")
    try:
        return Claims.model_validate(raw_claims)
    except ValidationError as exc:
        raise _refuse(
            "invalid_claims",
            f"signed price token claims are invalid: {describe_validation_error(exc)}",
        ) from None


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

        Args:
            token: the compact JWS, as a line's `signedPrice` carries it.
            product_id: the line's product; the token's `pid` must be it.
            currency: the order's currency; the token's `cur` must be it.
            storage_marker: the order's storage marker; the token's `mkr` must be it.
            at: the instant of the check, timezone-aware.

        Returns:
            The verified price and its claims.

        Raises:
            SignedPriceError: the token is refused; ``reason`` says why.
            PricingConfigError: ``at`` is not a timezone-aware datetime.
        """
        at = aware(at)
        alg, kid = _header(token)
        key = self._select_key(kid)
        if alg != key.algorithm:
            raise _refuse(
                "unsupported_algorithm",
                f"signed price token algorithm does not match key {key.kid!r} "
                f"(expected {key.algorithm})",
            )
        claims = _verified_claims(token, key)
        self._check_time(claims, at)
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
            issued_at=from_epoch(claims.iat),
            expires_at=from_epoch(claims.exp),
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

    def _check_time(self, claims: Claims, at: datetime) -> None:
        """Refuse a token that is not valid yet or has expired at ``at``.

        Compared as durations since the epoch, so any aware ``at`` (even at year 1 or
        9999) and any claims the model admits are judged without overflow.
        """
        elapsed = since_epoch(at)
        if elapsed + self._leeway < timedelta(seconds=claims.iat):
            raise _refuse("not_yet_valid", "signed price token is not valid yet (iat is ahead)")
        if elapsed >= timedelta(seconds=claims.exp) + self._leeway:
            raise _refuse("expired", "signed price token has expired")

    def __repr__(self) -> str:
        return f"PriceVerifier(kids={sorted(self._keys)!r}, leeway={self._leeway!r})"
