"""Every Python example in README.md and docs/ runs as part of the test suite (Sybil).

A ```pycon block (``>>>`` lines, as an interactive session shows them) is a
doctest: each shown output is compared with what the line gives (``...`` stands
for a part left out, and runs of whitespace compare equal). A ```python block is
run as it is: it must not raise (one that starts with ``>>>`` is a doctest too).
The blocks of one page run in order in one namespace, with the repository root as
the working directory, so a page can use the files it names
(``examples/oneentry.json``, ``docs/whatif/carts.jsonl``).

A page can set up what its examples need without showing it, in an HTML comment
(``<!-- invisible-code-block: python ... -->``), and a block that cannot run here
is marked ``<!-- skip: next "the reason" -->``.
"""

from __future__ import annotations

import os
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path
from typing import Any

from _pytest._code.code import ExceptionInfo, Traceback
from sybil import Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.integration import pytest as sybil_pytest
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parent

_sybil_traceback_filter = sybil_pytest.SybilItem._traceback_filter


def _traceback_filter(
    self: sybil_pytest.SybilItem, excinfo: ExceptionInfo[BaseException]
) -> Traceback:
    # Sybil re-roots the traceback one frame below the example's own, and fails
    # with an IndexError (a pytest INTERNALERROR that hides which example failed)
    # when the cut traceback has a single entry, as for an exception raised in an
    # `except` clause of the example (simplistix/sybil#118, #171). Then the
    # traceback is shown as it is. tests/test_doc_examples.py checks this.
    if len(excinfo.traceback.cut(path=sybil_pytest.example_module_path)) < 2:
        return excinfo.traceback
    return _sybil_traceback_filter(self, excinfo)


if hasattr(sybil_pytest, "example_module_path"):  # the internals this relies on
    sybil_pytest.SybilItem._traceback_filter = _traceback_filter  # type: ignore[method-assign]


def _enter_root(namespace: dict[str, Any]) -> None:
    namespace["__previous_cwd__"] = os.getcwd()
    os.chdir(ROOT)


def _leave_root(namespace: dict[str, Any]) -> None:
    os.chdir(namespace["__previous_cwd__"])


class PyconCodeBlockParser(PythonCodeBlockParser):
    """```pycon blocks, which Sybil's parser (```python only) would leave out."""

    def __init__(self, doctest_optionflags: int = 0) -> None:
        super().__init__(doctest_optionflags=doctest_optionflags)
        self.codeblock_parser = CodeBlockParser("pycon", PythonEvaluator(()))


FLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=FLAGS),
        PyconCodeBlockParser(doctest_optionflags=FLAGS),
        SkipParser(),
    ],
    patterns=["README.md", "docs/*.md", "docs/*/*.md"],
    setup=_enter_root,
    teardown=_leave_root,
).pytest()
