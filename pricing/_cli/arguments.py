"""Argument types the commands share."""

from __future__ import annotations

import argparse
import re

__all__ = ["ascii_int"]


def ascii_int(text: str) -> int:
    """An integer argument written in ASCII digits (``int`` also reads ``1_0`` and other
    scripts' digits)."""
    if not re.fullmatch(r"-?[0-9]{1,40}", text, re.ASCII):
        raise argparse.ArgumentTypeError(f"not an integer of at most 40 digits: {text[:100]!r}")
    return int(text)
