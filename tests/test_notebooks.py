"""The lesson notebooks (docs/notebooks/) hold exactly the snippets their page includes, need
nothing Colab lacks, are up to date with the last build, and run top to bottom."""
import ast
import json
import re
import sys

import pytest

from project import (DOCS, FIGURES, ROOT, build, en_twin, includes, lesson_pages,
                     split_include)

sys.path.insert(0, str(ROOT / "scripts"))
import notebooks  # noqa: E402  scripts/notebooks.py

NOTEBOOKS = DOCS / "notebooks"
LESSONS = lesson_pages()
# What a notebook may import: Colab has these preinstalled, and the standard library.
COLAB_HAS = {"torch", "torchvision", "matplotlib", "numpy"}
MARKER = re.compile(r"^[ \t]*# --8<-- \[(start|end):\w+\][ \t]*\n", re.M)


def notebook_for(page):
    return NOTEBOOKS / (page.name.removesuffix(".md") + ".ipynb")


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code"]


def snippets_in(page):
    """The snippet files a page includes, in order of first inclusion."""
    shown = []
    for target in includes(page):
        file, _ = split_include(target)
        if file.suffix == ".py" and file not in shown:
            shown.append(file)
    return shown


def test_every_snippet_runs_in_a_lesson_notebook():
    """test_notebook_runs_top_to_bottom is where snippets run: none may be left out."""
    run = {file for page in LESSONS for file in snippets_in(page)}
    left_out = [s.id for s in build.discover(ROOT / "snippets") if s.path not in run]
    assert not left_out, f"snippets no lesson page includes, so never run: {left_out}"


def test_notebooks_are_up_to_date():
    problems = notebooks.stale()
    assert not problems, ("run `python scripts/notebooks.py` (or scripts/build.py) and commit "
                          "docs/notebooks/:\n" + "\n".join(problems))


@pytest.mark.parametrize("page", LESSONS + [en_twin(p) for p in LESSONS],
                         ids=lambda p: p.name)
def test_notebook_holds_the_snippets_of_its_page(page):
    """One code cell per included snippet, in page order: the whole file, markers removed."""
    path = notebook_for(page)
    assert path.exists(), f"{page.relative_to(ROOT)} has no notebook {path.relative_to(ROOT)}"
    expected = [MARKER.sub("", f.read_text(encoding="utf-8")).rstrip("\n")
                for f in snippets_in(page)]
    assert code_cells(path) == expected, (
        f"{path.relative_to(ROOT)} does not match the snippets {page.relative_to(ROOT)} shows")


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_both_languages_run_the_same_code(page):
    zh, en = notebook_for(page), NOTEBOOKS / f"{page.stem}.en.ipynb"
    assert code_cells(zh) == code_cells(en)


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_notebook_needs_only_what_colab_has(page):
    nb = json.loads(notebook_for(page).read_text(encoding="utf-8"))
    assert nb["cells"][0]["cell_type"] == "markdown", "the first cell installs nothing"
    for source in code_cells(notebook_for(page)):
        assert not re.search(r"^\s*[!%]\s*pip\b", source, re.M), "no pip install: Colab has it"
        for node in ast.walk(ast.parse(source)):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for name in names:
                top = name.split(".")[0]
                assert top in COLAB_HAS or top in sys.stdlib_module_names, (
                    f"{notebook_for(page).name} imports {name}, which Colab does not have")


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(page, tmp_path, monkeypatch):
    """This is where every snippet runs under pytest: a fresh kernel runs the lesson's
    notebook (as scripts/notebooks.py makes it from the current snippets) cell by cell on
    the CPU in the quick profile, so each snippet's asserts check
    the lesson's claims. A failure names the snippet and its page. Afterwards every figure
    the full build made must have been made again (the English notebook has the same code,
    see above). MNIST comes from DLCAMP_DATA (conftest.py)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("DLCAMP_QUICK", "1")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")  # the quick profile runs on the CPU
    # the notebook as the current snippets make it (the committed one may be stale: that
    # is test_notebooks_are_up_to_date's business), so an edited snippet is run at once
    nb = nbformat.reads(notebooks.render(notebooks.notebook(page)), as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    snippets = snippets_in(page)
    assert len(code) == len(snippets), "see test_notebook_holds_the_snippets_of_its_page"
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    failure = None
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
            except nbclient.exceptions.CellExecutionError as err:
                snippet = snippets[code.index(cell)].relative_to(ROOT)
                failure = (f"{snippet} (shown on {page.relative_to(ROOT)}) failed in the quick "
                           f"profile, run in {notebook_for(page).name}:\n"
                           + re.sub(r"\x1b\[[0-9;]*m", "", str(err)))  # no terminal colours
                break
    if failure:
        pytest.fail(failure, pytrace=False)
    missing = []
    for snippet, cell in zip(snippets, code):
        manifest = FIGURES / snippet.parent.name / f"{snippet.stem}.manifest.json"
        made = json.loads(manifest.read_text())["outputs"] if manifest.exists() else {}
        missing += [f"{snippet.relative_to(ROOT)} no longer makes {name}" for name in made
                    if name.endswith((".svg", ".png"))
                    and not (tmp_path / name.split("/")[-1]).exists()]
        if any(name.endswith(".txt") for name in made) and not any(
                o.output_type == "stream" for o in cell.outputs):
            missing.append(f"{snippet.relative_to(ROOT)} printed nothing")
    assert not missing, "in the quick profile:\n" + "\n".join(missing)
