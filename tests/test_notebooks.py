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


def _execute(name: str):
    """Run a notebook in a fresh ``python3`` kernel (this interpreter) from notebooks/."""
    pytest.importorskip("nbclient", reason="nbclient is in the test extra")
    pytest.importorskip("ipykernel", reason="ipykernel is in the test extra")
    pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")
    pytest.importorskip("networkx", reason="networkx is in the test extra")
    from nbclient import NotebookClient

    book = _read(name)
    client = NotebookClient(
        book,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError naming the cell on any error
    return book


def _outputs(book, kinds=("execute_result", "display_data", "stream")):
    return [
        o
        for c in book.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") in kinds
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name):
    book = _execute(name)
    assert not _outputs(book, ("error",))
    shown = _outputs(book)
    assert shown, f"{name} printed nothing"
    if name in ("02-comparing-outlets", "03-framing"):
        figures = [o for o in shown if "image/png" in o.get("data", {})]
        assert len(figures) >= 2, f"{name}: the figures did not render"
    if name == "01-quickstart":
        html = [o for o in shown if "text/html" in o.get("data", {})]
        assert any('class="sk sk-doc"' in "".join(o["data"]["text/html"]) for o in html)


@pytest.mark.slow
def test_evaluation_notebook_says_plainly_when_the_data_is_absent(tmp_path, monkeypatch):
    monkeypatch.setenv("STANCEKIT_SHARED", str(tmp_path / "no-shared-here"))
    book = _execute("04-evaluation")
    text = "".join(o.get("text", "") for o in _outputs(book, ("stream",)))
    assert "NOT available" in text
    assert "skipping" in text
