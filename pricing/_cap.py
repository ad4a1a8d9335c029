"""Stage 6 — cap: ``maxDiscountValue`` limits the total discount (SPEC §6)."""

from __future__ import annotations

from collections.abc import Sequence

from ._applied import Applied
from ._money import Rate, allocate

__all__ = ["apply_cap", "cap_limit"]


def cap_limit(total_raw: int, cap_rate: Rate) -> int:
    """floor(totalRaw × maxDiscountValue / 100) in minor units."""
    return cap_rate.of_floor(total_raw)


def apply_cap(applied: Sequence[Applied], total_raw: int, cap_rate: Rate | None) -> list[Applied]:
    """Reduce the last-applied discounts first until the total fits under the cap.

    A reduced discount keeps its lines' proportions (largest remainder over its
    previous shares); one reduced to 0 is no longer applied (``capped_out``).
    Discounts already at 0 (gift-only ones) are passed over.
    """
    result = list(applied)
    if cap_rate is None:
        return result
    excess = sum([a.amount for a in applied]) - cap_limit(total_raw, cap_rate)
    for k in range(len(result) - 1, -1, -1):
        if excess <= 0:
            break
        a = result[k]
        if a.amount == 0:
            continue
        cut = min(excess, a.amount)
        new_total = a.amount - cut
        if new_total == 0:
            # Capped out: no longer applied, so no line keeps a share of it.
            result[k] = Applied(a.rule, (), [], 0, True)
        else:
            result[k] = Applied(a.rule, a.targets, allocate(new_total, a.shares), new_total, True)
        excess -= cut
    return result
