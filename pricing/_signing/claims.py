"""What a price token carries: its claims model, its size bound, and its instants.

Shared by the signer (which refuses claims no verifier would accept) and the
verifier; the claims are documented in docs/signed-prices.md, "Token format".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import model_validator as _model_validator

from .._errors import PricingConfigError, cut
from .._limits import MAX_MONEY_DIGITS
from .._validation import json_path
from .._values import is_aware

__all__ = [
    "LAST_TIMESTAMP",
    "MAX_TOKEN_LENGTH",
    "ONE_SECOND",
    "Claims",
    "SignedPrice",
    "aware",
    "describe_validation_error",
    "epoch_seconds",
    "from_epoch",
    "since_epoch",
]

MAX_TOKEN_LENGTH: Final = 4096
"""Longest token accepted, in characters; longer ones are refused before any parsing."""

ONE_SECOND: Final = timedelta(seconds=1)
"""The unit of ``iat``, ``exp`` and token lifetimes."""

LAST_TIMESTAMP: Final = 253_402_300_799
"""9999-12-31T23:59:59Z, the last whole second a ``datetime`` holds: the latest ``iat``/``exp``."""

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

_PRICE_PATTERN: Final = r"^-?[0-9]+(\.[0-9]+)?$"  # [0-9], not \d: \d also matches non-ASCII digits
_CURRENCY_PATTERN: Final = r"^[A-Z]{3}$"
_JTI_PATTERN: Final = r"^[A-Za-z0-9._:-]{1,128}$"
_MAX_PRICE: Final = Decimal(10) ** MAX_MONEY_DIGITS


class Claims(BaseModel):
    """The claims of a price token, validated strictly after the signature is checked."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    pid: int
    price: Annotated[str, StringConstraints(pattern=_PRICE_PATTERN, max_length=64)]
    cur: Annotated[str, StringConstraints(pattern=_CURRENCY_PATTERN)]
    mkr: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    iat: Annotated[int, Field(ge=0, le=LAST_TIMESTAMP)]
    exp: Annotated[int, Field(ge=0, le=LAST_TIMESTAMP)]
    jti: Annotated[str, StringConstraints(pattern=_JTI_PATTERN)]

    @_model_validator(mode="after")
    def _consistent(self) -> Claims:
        """Refuse negative prices (``-0`` included), prices beyond the money limit, and
        tokens that expire before issue."""
        if self.price.startswith("-"):
            raise ValueError("price must not be negative")
        if Decimal(self.price) > _MAX_PRICE:  # (the limit of every amount: docs/scenario.md)
            raise ValueError(f"price must be at most 10^{MAX_MONEY_DIGITS}")
        if self.exp <= self.iat:
            raise ValueError("exp must be after iat")
        return self


def describe_validation_error(exc: ValidationError) -> str:
    """Render pydantic errors as ``field: message`` without the offending input values."""
    parts = []
    for err in exc.errors(include_url=False, include_input=False, include_context=False):
        # (a claim's name is the token's text: escaped as any key of the input, and cut)
        loc = cut(json_path(tuple(err["loc"]), last_is_key=True))
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


def aware(at: object, what: str = "at") -> datetime:
    """Return ``at`` if it is a timezone-aware datetime, else raise PricingConfigError."""
    if not is_aware(at):
        raise PricingConfigError(f"{what} must be a timezone-aware datetime")
    return at


def since_epoch(at: datetime) -> timedelta:
    """Time from the Unix epoch to ``at``: exact, and defined for every aware datetime.

    Instants compared as such durations cannot overflow, while ``at + leeway`` can
    near year 1 or 9999.
    """
    return at - _EPOCH


def epoch_seconds(at: datetime) -> int:
    """Whole seconds since the Unix epoch, floored, computed exactly (no float)."""
    return since_epoch(at) // ONE_SECOND


def from_epoch(seconds: int) -> datetime:
    """An aware UTC datetime for ``seconds`` since the epoch."""
    return _EPOCH + timedelta(seconds=seconds)
