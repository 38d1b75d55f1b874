"""The notebooks run top to bottom with the current Python (kernel ``python3``) and are
committed clean (no outputs)."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01-quickstart", "02-comparing-outlets", "03-framing", "04-evaluation"]
CELL_TIMEOUT = 300  # seconds per cell


def _read(name: str):
    nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra")
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def test_every_notebook_is_listed():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_committed_clean(name):
    book = _read(name)
    assert book.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code, "a notebook without code"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, (
            f"{name}: clear the outputs before committing (jupyter nbconvert --clear-output)"
        )
    prose = [c for c in book.cells if c.cell_type == "markdown"]
    assert len(prose) >= 3, "notebooks teach: keep the prose cells"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, monkeypatch):
    pytest.importorskip("nbclient", reason="nbclient is in the test extra")
    pytest.importorskip("ipykernel", reason="ipykernel is in the test extra")
    pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")
    pytest.importorskip("networkx", reason="networkx is in the test extra")
    from nbclient import NotebookClient

    monkeypatch.setenv("MPLBACKEND", "Agg")
    book = _read(name)
    client = NotebookClient(
        book,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    errors = [
        o
        for c in book.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    shown = [
        o
        for c in book.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") in ("execute_result", "display_data", "stream")
    ]
    assert shown, f"{name} printed nothing"
