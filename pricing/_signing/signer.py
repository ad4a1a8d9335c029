"""`PriceSigner`: makes price tokens with one private key or shared secret.

It refuses to make a token no verifier would accept (docs/signed-prices.md).
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from pydantic import ValidationError

from .._errors import PricingConfigError
from .._money import currency, unknown_currency
from .backend import jws
from .claims import (
    LAST_TIMESTAMP,
    MAX_TOKEN_LENGTH,
    ONE_SECOND,
    Claims,
    aware,
    describe_validation_error,
    epoch_seconds,
)
from .keys import KeyHolder, VerificationKey

__all__ = ["DEFAULT_LIFETIME", "PriceSigner"]

DEFAULT_LIFETIME: Final = timedelta(minutes=10)
"""Default time between a token's ``iat`` and ``exp``."""


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


def _check_price(price: str, code: str) -> None:
    """Refuse a price no engine would charge: in no currency with minor units, or with
    more decimals than its currency has (7.001 USD)."""
    try:
        cur = currency(code)
    except (KeyError, TypeError):
        raise PricingConfigError(f"cannot sign: {unknown_currency(code)}") from None
    if cur.to_minor(Decimal(price)) is None:
        raise PricingConfigError(
            f"cannot sign: {price} has more decimals than {cur.code} allows ({cur.exponent})"
        )


def _check_instants(iat: int, exp: int) -> None:
    """Refuse ``iat``/``exp`` outside the instants a token carries (1970 to year 9999)."""
    if iat < 0:
        raise PricingConfigError("cannot sign: at is before 1970-01-01T00:00:00Z (Unix time 0)")
    if exp > LAST_TIMESTAMP:
        raise PricingConfigError(
            "cannot sign: at + lifetime is after 9999-12-31T23:59:59Z, "
            "the last instant a token can carry"
        )


class PriceSigner(KeyHolder, private=True):
    """Makes price tokens with one private key or shared secret, named by ``kid``.

    Build it with `hs256` or `from_pem`; the constructor wraps a key object already built.
    """

    __slots__ = ()

    @classmethod
    def from_pem(cls, private_pem: bytes | str, *, kid: str, algorithm: str) -> PriceSigner:
        """A signer with an unencrypted ES256 (P-256) or RS256 private key in PEM."""
        return cls._from_pem(private_pem, kid=kid, algorithm=algorithm)

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
        seconds, at least one).

        Args:
            product_id: the product the price is for (`pid`).
            price: the unit price, not negative, as a `Decimal` or a plain decimal
                string (`"149.90"`).
            currency: ISO 4217 code (`cur`).
            storage_marker: the order storage marker the price is for (`mkr`).
            at: the signing instant, timezone-aware.
            lifetime: how long the token is valid, at least one second.
            jti: the token's unique id; by default 128 random bits in hex.

        Returns:
            The token: a compact JWS (`header.claims.signature`).

        Raises:
            PricingConfigError: an argument would make a token no verifier accepts.
        """
        at = aware(at)
        if not isinstance(lifetime, timedelta) or lifetime < ONE_SECOND:
            raise PricingConfigError("lifetime must be a timedelta of at least one second")
        iat = epoch_seconds(at)
        exp = iat + lifetime // ONE_SECOND
        _check_instants(iat, exp)
        claims: dict[str, Any] = {
            "pid": product_id,
            "price": _price_text(price),
            "cur": currency,
            "mkr": storage_marker,
            "iat": iat,
            "exp": exp,
            "jti": secrets.token_hex(16) if jti is None else jti,
        }
        try:
            Claims.model_validate(claims)
        except ValidationError as exc:
            raise PricingConfigError(f"cannot sign: {describe_validation_error(exc)}") from None
        _check_price(claims["price"], currency)
        payload = json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8")
        token = jws.sign(payload, self._key, headers={"kid": self._kid}, algorithm=self._algorithm)
        if len(token) > MAX_TOKEN_LENGTH:
            raise PricingConfigError(
                f"cannot sign: the token would exceed {MAX_TOKEN_LENGTH} characters"
            )
        return token
