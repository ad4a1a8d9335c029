"""The property tests that docs/property-testing.md defines hold.

Sybil (conftest.py at the root) runs every Python block of the docs, this page's
too, but its blocks only *define* test functions. Here they are called, as pytest
would call them in a user's suite, under this suite's Hypothesis profile (and so
for longer in ``make nightly``).
"""

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
