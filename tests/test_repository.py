"""Rules about the repository's files themselves, not the library."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Spelled so that this file does not trip its own test.
FORBIDDEN = re.compile(r"(?<![A-Za-z])" + "SP" + r"EC(?![A-Za-z])")


def _tracked_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.CalledProcessError):  # an unpacked archive: no git
        return [
            p for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.relative_to(ROOT).parts
        ]
    return [ROOT / name for name in listed.decode().split("\0") if name]


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:  # tracked, but deleted in the work tree
        return None
    if b"\0" in data:  # binary (an image)
        return None
    return data.decode("utf-8", errors="replace")


def test_no_file_names_the_old_specification_document() -> None:
    """The contract is docs/; no file refers to a specification document by that name."""
    files = _tracked_files()
    assert files
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for path in files
        if (text := _text(path)) is not None
        for number, line in enumerate(text.splitlines(), 1)
        if FORBIDDEN.search(line)
    ]
    assert not found, "\n".join(found)


FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*([^\s`]*)", re.MULTILINE)


@pytest.mark.parametrize(
    "page",
    [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_python_examples_are_fenced_so_that_they_run(page: Path) -> None:
    """Sybil (conftest.py) runs ```python blocks, and ```pycon blocks as doctests: a
    Python example fenced as ``py``, ``python3``, ``pytb``... would be shown but never
    run, and a ```pycon block without ``>>>`` would check nothing."""
    text = page.read_text()
    languages = {lang.lower() for lang in FENCE.findall(text)}
    assert not languages & {"py", "python3", "pytb", "ipython", "py3", "doctest"}
    pycon = re.findall(r"^```pycon\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert all(block.startswith(">>> ") for block in pycon)


def test_docstrings_name_doc_pages_without_relative_links() -> None:
    """The API reference renders docstrings, but mkdocs checks no link inside them: a
    docstring names a page as plain text (docs/taxes.md) and links only objects,
    with [`X`][pricing.X] cross-references that `mkdocs build --strict` resolves."""
    relative = re.compile(r"\]\((?![a-z]+://)[^)\s]*\.md\b")
    found = [
        f"{path.relative_to(ROOT)}: {match.group()}"
        for path in sorted((ROOT / "pricing").rglob("*.py"))
        for match in relative.finditer(path.read_text())
    ]
    assert not found, "\n".join(found)
