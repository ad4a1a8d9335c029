"""What-if rows as a pandas DataFrame, the money columns exact in the form asked for.

pandas is optional (the ``[notebook]`` extra) and imported only here, when asked.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

from .._errors import ScenarioError
from .._money import currency as lookup_currency

__all__ = ["MONEY_FORMS", "Money", "dataframe"]

Money = Literal["decimal", "minor", "float"]
"""How money columns are held: ``Decimal`` objects, integer minor units, or floats."""

MONEY_FORMS: tuple[Money, ...] = ("decimal", "minor", "float")


def pandas() -> Any:
    """The pandas module, or an ImportError saying how to install it."""
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            'to_dataframe() needs pandas: pip install "exact-discounts[notebook]"'
        ) from None


def dataframe(
    records: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    money_columns: Sequence[str],
    currency: str,
    money: Money = "decimal",
) -> Any:
    """``records`` as a DataFrame of ``columns``, each money column in the form ``money``.

    ``"minor"`` is exact integers of minor units (nullable ``Int64``); ``"float"`` is
    ``float64`` with the exact ``Decimal`` beside it, in ``<column>_exact``.
    """
    if money not in MONEY_FORMS:
        raise ScenarioError("money", f"must be one of {', '.join(MONEY_FORMS)}, not {money!r}")
    pd = pandas()
    frame = pd.DataFrame.from_records(list(records), columns=list(columns))
    if money == "decimal":
        return frame
    cur = lookup_currency(currency)
    for name in money_columns:
        exact: list[Decimal | None] = frame[name].tolist()
        if money == "minor":
            minor = [None if v is None else cur.to_minor(v) for v in exact]
            frame[name] = pd.array(minor, dtype="Int64")
        else:
            frame[name] = [float("nan") if v is None else float(v) for v in exact]
            frame.insert(frame.columns.get_loc(name) + 1, f"{name}_exact", exact)
    return frame
