"""docs/whatif.md tells the truth: its ``pricing whatif`` session prints what it shows.

(Its Python examples are run, and their output compared, with every page's: conftest.py.)
"""

from __future__ import annotations

import doctest
import io
import re
import shlex
from pathlib import Path

import pytest

from pricing._cli import main

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "whatif.md"
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _blocks(language: str) -> list[tuple[int, str]]:
    """The fenced blocks of ``language``: (line number, text)."""
    text = PAGE.read_text(encoding="utf-8")
    return [
        (text.count("\n", 0, m.start()) + 1, m.group(1))
        for m in re.finditer(rf"```{language}\n(.*?)```", text, re.DOTALL)
    ]


def test_the_command_line_session_prints_what_the_page_shows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    (session,) = [code for _, code in _blocks("console") if "$ head -3 rows.csv" in code]
    lines = session.splitlines()
    ends = next(i for i, line in enumerate(lines) if not line.endswith("\\"))
    argv = shlex.split(" ".join(line.rstrip("\\") for line in lines[: ends + 1]))
    shown = lines[ends + 1 : lines.index("$ head -3 rows.csv")]
    head = lines[lines.index("$ head -3 rows.csv") + 1 :]
    rows = tmp_path / "rows.csv"
    argv = [str(rows) if a == "rows.csv" else a for a in argv[2:]]  # less "$ pricing"
    out, err = io.StringIO(), io.StringIO()
    assert main([*argv, "--no-progress"], out=out, err=err) == 0, err.getvalue()
    assert out.getvalue().replace(str(rows), "rows.csv").splitlines() == shown
    assert rows.read_text(encoding="utf-8").splitlines()[:3] == head
