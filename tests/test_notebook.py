"""docs/notebooks/whatif.ipynb runs cell by cell against the installed package, and is
committed without outputs (they would go stale, and bloat the history)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "whatif.ipynb"


def _code_cells(notebook: dict[str, Any]) -> list[dict[str, Any]]:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    cells = _code_cells(notebook)
    assert len(cells) >= 8
    for cell in cells:
        assert cell["outputs"] == [], "clear the outputs (Edit > Clear Outputs of All Cells)"
        assert cell["execution_count"] is None
    assert "widgets" not in notebook["metadata"]  # no saved widget state either


def test_every_cell_of_the_notebook_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # the paths of jupyter_core 6 on
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [output for cell in _code_cells(notebook) for output in cell["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    shown = [
        o.get("data", {}) for o in outputs if o["output_type"] in ("display_data", "execute_result")
    ]
    # a progress widget by default in Jupyter, the tables, and the plot
    assert any("application/vnd.jupyter.widget-view+json" in data for data in shown)
    assert any("text/html" in data for data in shown)
    assert any("image/png" in data for data in shown)
