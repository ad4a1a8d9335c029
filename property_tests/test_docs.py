"""The examples of docs/property-testing.md run, and pass."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "property-testing.md"


def _examples() -> dict[str, Any]:
    code = "\n".join(re.findall(r"```python\n(.*?)```", PAGE.read_text(), re.DOTALL))
    namespace: dict[str, Any] = {"__name__": "docs_property_testing"}
    exec(compile(code, str(PAGE), "exec"), namespace)
    return namespace


EXAMPLES = _examples()


@pytest.mark.parametrize("name", sorted(n for n in EXAMPLES if n.startswith("test_")))
def test_documented_example(name: str) -> None:
    EXAMPLES[name]()
