"""``pricing example``: the bundled example scenarios, so an installed wheel can be tried at once.

The files are the repository's ``examples/*.json``: a wheel carries them as
``pricing/_examples`` (hatch's force-include in pyproject.toml), and a source
checkout (an editable install) reads ``examples/`` itself. One source, no copies.
"""

from __future__ import annotations

import argparse
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TextIO

from .._errors import ScenarioError, quote

__all__ = ["add_arguments", "example_names", "example_text", "run"]


def _folder() -> Traversable | None:
    """Where the examples are: in the installed package, else in the source checkout."""
    bundled = resources.files("pricing").joinpath("_examples")
    if bundled.is_dir():
        return bundled
    checkout = Path(__file__).resolve().parents[2] / "examples"
    return checkout if checkout.is_dir() else None


def _files() -> dict[str, Traversable]:
    """The example files by name, sorted (none when neither place has them)."""
    folder = _folder()
    if folder is None:
        return {}
    found = (f for f in folder.iterdir() if f.name.endswith(".json") and f.is_file())
    return {f.name.removesuffix(".json"): f for f in sorted(found, key=lambda f: f.name)}


def example_names() -> list[str]:
    """The names of the bundled examples (their file names without ``.json``), sorted."""
    return list(_files())


def example_text(name: str) -> str:
    """The JSON text of the example ``name``.

    Raises:
        ScenarioError: there is no such example (the message lists the names).
    """
    files = _files()
    if name not in files:
        known = ", ".join(files) or "none are installed"
        raise ScenarioError("", f"no example {quote(name)} (examples: {known})")
    return files[name].read_text(encoding="utf-8")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``pricing example``."""
    parser.add_argument("name", nargs="?", metavar="NAME", help="the example to print")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print a bundled example scenario (without NAME: list them).

    Print one of the example scenarios that come with the package, as JSON: a
    starting point for your own. Without NAME, list their names. 'pricing preview
    --example NAME' previews one directly.
    """
    if args.name is not None:
        out.write(example_text(args.name))
        return 0
    out.write("".join(f"{name}\n" for name in example_names()))
    err.write(
        "pricing: print one with 'pricing example NAME', "
        "preview it with 'pricing preview --example NAME'\n"
    )
    return 0
