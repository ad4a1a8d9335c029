"""Argument types the commands share."""

from __future__ import annotations

import argparse
import re

__all__ = ["ascii_int", "ascii_integer"]

_INTEGER = re.compile(r"-?[0-9]{1,40}", re.ASCII)


def ascii_integer(text: str) -> int | None:
    """``text`` as an integer if it is one in ASCII digits, at most 40 (``int`` also reads
    ``1_0`` and other scripts' digits, and raises past 4,300); else ``None``."""
    return int(text) if _INTEGER.fullmatch(text) else None


def ascii_int(text: str) -> int:
    """An integer argument (see :func:`ascii_integer`)."""
    number = ascii_integer(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"not an integer of at most 40 digits: {text[:100]!r}")
    return number
