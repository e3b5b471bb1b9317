"""The teaching notebooks: each runs top to bottom in a fresh kernel without an error (their own
asserts check every result against numpy or torch), and each is committed with its outputs.

The kernel's IPython, Jupyter, matplotlib and CuPy folders point into a temporary folder, so a run
writes nothing into the home directory; the notebooks run with that folder as their working directory.
"""
import json
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 240  # seconds; the slowest cell (a short transformer run) takes a fraction of that


def test_the_five_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "01_backprop_by_hand.ipynb", "02_attention_by_hand.ipynb", "03_kernels.ipynb",
        "04_training.ipynb", "05_property_based_testing.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_executed_in_order_without_errors(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code, "no code cells"
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1)), \
        "run the whole notebook once, top to bottom, before committing it"
    assert any(cell["outputs"] for cell in code), "committed without outputs"
    errors = [out for cell in code for out in cell["outputs"] if out["output_type"] == "error"]
    assert not errors, f"committed with an error: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    first = notebook["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# "), \
        "the first cell is the title and the introduction"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, tmp_path, monkeypatch):
    for module in ("ipykernel", "torch", "triton", "matplotlib", "sklearn", "tqdm"):
        pytest.importorskip(module, reason=f"the notebooks need {module}: pip install -e '.[test]'")
    nbformat = pytest.importorskip("nbformat", reason="the notebooks need nbformat: pip install -e '.[test]'")
    nbclient = pytest.importorskip("nbclient", reason="the notebooks need nbclient: pip install -e '.[test]'")
    for variable in ("IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                     "MPLCONFIGDIR", "CUPY_CACHE_DIR"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # pytest-xdist runs one worker per core: more BLAS threads per kernel would only contend
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(variable, "1")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    produced = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    assert produced, "the notebook printed nothing"
