"""A small valid scenario, and running the CLI on broken versions of it (shared by the
tests of the boundary: tests/test_schema.py, tests/test_json.py, tests/ruleset/test_catalog.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from pricing._cli import main


def base_scenario() -> dict[str, Any]:
    return {
        "at": "2026-11-22T12:00:00Z",
        "currency": "USD",
        "categories": [{"id": 10, "parentId": None}],
        "catalog": [
            {"id": 1, "title": "A", "price": "150.00", "categoryIds": [10]},
            {"id": 2, "title": "B", "price": "10.00", "available": False},
        ],
        "customer": {"id": 42, "groupIds": [3], "attributes": {"tier": "gold"}},
        "discounts": [
            {
                "id": 7,
                "identifier": "ten",
                "discountValue": {"value": 10, "discountType": "PERCENTAGE"},
            }
        ],
        "settings": {"allowStacking": True},
        "order": {"products": [{"productId": 1, "quantity": 2}]},
    }


def run_cli(tmp_path: Path, text: str) -> tuple[int, str, str]:
    file = tmp_path / "scenario.json"
    file.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["preview", str(file), "--json"], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def assert_bad_input(code: int, out: str, err: str, path: str) -> None:
    assert code == 2
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert err.startswith("pricing: bad input: ")
    assert path in err
