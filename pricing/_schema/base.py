"""The two kinds of boundary model: strict everywhere, lenient where display data lives."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from .._values import Display

__all__ = ["_Lenient", "_Strict"]


class _Strict(BaseModel):
    """Base of the scenario models: camelCase, snake_case accepted, unknown fields refused."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=False,
    )


class _Lenient(_Strict):
    """Base of the parts of a discount object: unknown fields are kept and echoed, as
    display fields are (and nested as deeply as they may be)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Display]
