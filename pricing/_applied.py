"""What a discount took off, line by line: the record the amount stages produce."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._compile import Rule

__all__ = ["Applied", "amounts_left"]


@dataclass(slots=True)
class Applied:
    """One applied discount: its total and each targeted line's share.

    ``shares[k]`` is what the line at ``targets[k]`` gets, in minor units; the shares
    always sum to ``amount``. Never changed once made (the cap makes a new one); not
    ``frozen`` because several are made per preview and a frozen dataclass is several
    times slower to build.
    """

    rule: Rule
    targets: tuple[int, ...]
    """Positions of the targeted lines, in request order."""
    shares: list[int]
    amount: int
    capped: bool = False


def amounts_left(totals: Sequence[int], applied: Sequence[Applied]) -> list[int]:
    """Each line's amount after every applied discount's share."""
    left = list(totals)
    for a in applied:
        for pos, share in zip(a.targets, a.shares, strict=True):
            left[pos] -= share
    return left
