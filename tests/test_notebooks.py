"""The lesson notebooks (docs/notebooks/) hold exactly the snippets their page includes, need
nothing Colab lacks, are up to date with the last build, and run top to bottom."""
import json
import re

import pytest

from dlcamp.facts import IMPORT_RULE, forbidden_imports, page_language, source_name, stem_of
from dlcamp.figure_build import notebooks
from project import (DOCS, FIGURES, ROOT, all_snippets, en_twin, includes, lesson_pages,
                     split_include)

NOTEBOOKS = DOCS / "notebooks"
LESSONS = lesson_pages()
MARKER = re.compile(r"^[ \t]*# --8<-- \[(start|end):\w+\][ \t]*\n", re.M)


def notebook_for(page):
    return NOTEBOOKS / source_name(stem_of(page), page_language(page), ".ipynb")


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
    left_out = [s.id for s in all_snippets() if s.path not in run]
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


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_is_valid_nbformat(path):
    """Every committed notebook passes nbformat's schema, so Jupyter, Colab and
    mkdocs-jupyter open it. Fails on what the generator could get wrong: a cell without
    its metadata, outputs on a markdown cell, a stream output without its name."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)  # raises ValidationError, naming the field


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_both_languages_run_the_same_code(page):
    zh, en = notebook_for(page), notebook_for(en_twin(page))
    assert code_cells(zh) == code_cells(en)


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_notebook_needs_only_what_colab_has(page):
    """The snippet contract (scripts/build.py enforces it too): torch, torchvision,
    matplotlib, numpy and the standard library, all on Colab already; no pip install."""
    nb = json.loads(notebook_for(page).read_text(encoding="utf-8"))
    assert nb["cells"][0]["cell_type"] == "markdown", "the first cell installs nothing"
    for source in code_cells(notebook_for(page)):
        assert not re.search(r"^\s*[!%]\s*pip\b", source, re.M), "no pip install: Colab has it"
        bad = forbidden_imports(source)
        assert not bad, f"{notebook_for(page).name} imports {', '.join(bad)}; {IMPORT_RULE}"


# Snippets of a lesson share one kernel (torch is imported once per lesson), but each must
# still run as it does alone in scripts/build.py. Before each snippet the kernel forgets every
# name (RESET; imported modules stay loaded, so that costs nothing), so a snippet that uses a
# name it did not define itself (a deleted `import torch`) fails here too. After each one,
# PROBE reads the settings that outlive a cell; a snippet that changes one fails, because
# here and on Colab the snippets after it would run differently than in build.py.
RESET = """\
def _forget(ns=get_ipython().user_ns, hidden=get_ipython().user_ns_hidden):
    for name in [n for n in ns if n not in hidden and not n.startswith("__")]:
        del ns[name]
_forget()
"""  # what `%reset -f` does to the names, without its gc.collect() (0.2 s a cell)
PROBE = r"""
def _dlcamp_state():
    import json, os, sys
    state = {f"environment variable {k}": v for k, v in os.environ.items()}
    state["working folder"] = os.getcwd()
    state["sys.path"] = repr(sys.path)
    torch = sys.modules.get("torch")
    if torch is not None:
        state.update({
            "torch default dtype": str(torch.get_default_dtype()),
            "torch grad mode": str(torch.is_grad_enabled()),
            "torch threads": str(torch.get_num_threads()),
            "torch deterministic algorithms": str(torch.are_deterministic_algorithms_enabled()),
            "torch anomaly detection": str(torch.is_anomaly_enabled()),
            "torch print options": repr(vars(torch._tensor_str.PRINT_OPTS)),
        })
        if hasattr(torch, "get_default_device"):
            state["torch default device"] = str(torch.get_default_device())
    np = sys.modules.get("numpy")
    if np is not None:
        state["numpy print options"] = repr(np.get_printoptions())
        state["numpy floating-point errors"] = repr(np.geterr())
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        state.update({f"matplotlib rcParams[{k!r}]": repr(v) for k, v in mpl.rcParams.items()})
    print(json.dumps(state))
_dlcamp_state()
"""


# Changed by the libraries themselves, not by a snippet: the notebook's inline backend turns
# matplotlib's interactive mode on at the first figure; torch sets its compiler cache folder
# the first time it loads torch._dynamo (some optimizers and torchvision do).
NOT_THE_SNIPPETS = {"matplotlib rcParams['interactive']",
                    "environment variable TORCHINDUCTOR_CACHE_DIR"}


def changes(before: dict, after: dict) -> list[str]:
    """Settings a cell changed. A key first seen after the cell is a module it imported
    (its defaults), except environment variables, which the cell set."""
    found = [f"{key}: {before[key]} -> {after.get(key, '(unset)')}"
             for key in before if before[key] != after.get(key)]
    found += [f"{key}: (unset) -> {after[key]}" for key in after
              if key not in before and key.startswith("environment variable")]
    return [line for line in found if line.split(": ")[0] not in NOT_THE_SNIPPETS]


class Kernel:
    """A Jupyter kernel that runs snippets one after another, each as if it ran alone:
    RESET before it, PROBE after it (see above). Since the snippets cannot lean on each
    other, one kernel serves every lesson a test worker runs, and torch is imported once
    per worker instead of once per lesson (about 2.5 s each)."""

    def __init__(self):
        self.nbformat = pytest.importorskip("nbformat")
        self.nbclient = pytest.importorskip("nbclient")
        self.nb = self.nbformat.v4.new_notebook()
        # shutdown_kernel: nothing is checked after close(), so the kernel is ended at once
        # instead of asked to exit (0.7-1.8 s each, at the end of every worker's session)
        self.client = self.nbclient.NotebookClient(self.nb, timeout=600,
                                                   kernel_name="python3",
                                                   shutdown_kernel="immediate")
        self.context = self.client.setup_kernel()
        self.context.__enter__()
        # the quick profile, on the CPU (set before torch looks for a GPU); the libraries
        # every lesson uses are imported first, so that PROBE knows their defaults
        self.run(f"import os\nos.environ.update({QUICK_CPU!r})\n"
                 "import torch, numpy, matplotlib.pyplot")

    def close(self):
        self.context.__exit__(None, None, None)

    def run(self, code: str):
        """Run code as a new cell (nbclient stores each cell it runs at its index in the
        notebook, so every cell, the helpers too, is a cell of the notebook)."""
        self.nb.cells.append(self.nbformat.v4.new_code_cell(code))
        index = len(self.nb.cells) - 1
        try:
            self.client.execute_cell(self.nb.cells[index], index)
        finally:
            self.nb.cells[index].setdefault("outputs", [])
        return self.nb.cells[index]

    def probe(self) -> dict:
        cell = self.run(PROBE)
        return json.loads("".join(o.get("text", "") for o in cell.outputs
                                  if o.output_type == "stream"))

    def run_snippets(self, sources: list[str], names: list[str], cwd) -> tuple[list, list]:
        """Run the snippets in folder `cwd`. Returns what went wrong (each problem names
        its snippet) and the snippets' executed cells."""
        self.run(f"import os\nos.chdir({str(cwd)!r})")
        state, problems, cells = self.probe(), [], []
        for source, name in zip(sources, names):
            self.run(RESET)
            try:
                cells.append(self.run(source))
            except self.nbclient.exceptions.CellExecutionError as err:
                cells.append(self.nb.cells[-1])
                problems.append(f"{name} failed:\n"
                                + re.sub(r"\x1b\[[0-9;]*m", "", str(err)))
            after = self.probe()
            if changed := changes(state, after):
                problems.append(f"{name} changes settings that outlive it, so the snippets "
                                "after it run differently here and on Colab than alone in "
                                "scripts/build.py; restore them at its end:\n  "
                                + "\n  ".join(changed[:10]))
            state = after
        return problems, cells


QUICK_CPU = {"DLCAMP_QUICK": "1", "CUDA_VISIBLE_DEVICES": ""}


@pytest.fixture(scope="session")
def kernel(mnist_root):  # the kernel inherits DLCAMP_DATA (conftest.py)
    """The worker's kernel; replaced by a fresh one after a lesson with a problem (a
    leaked setting, or a failure that may have left one)."""
    holder = {"kernel": None}

    def get(fresh: bool = False) -> Kernel:
        if fresh and holder["kernel"]:
            holder["kernel"].close()
            holder["kernel"] = None
        if holder["kernel"] is None:
            holder["kernel"] = Kernel()
        return holder["kernel"]

    yield get
    if holder["kernel"]:
        holder["kernel"].close()


def test_one_kernel_catches_what_leaks_between_snippets(tmp_path):
    """Each kind of leak, in one kernel (each snippet is judged on its own)."""
    sources = {"clean.py": "import torch\nx = torch.ones(2)",
               "dtype.py": "import torch\ntorch.set_default_dtype(torch.float64)",
               "name.py": "y = torch.zeros(2)  # torch was imported by an earlier cell",
               "environment.py": "import os\nos.environ['LEAK'] = '1'",
               "rcparams.py": "import matplotlib.pyplot as plt\n"
                              "plt.rcParams['lines.linewidth'] = 9"}
    kernel = Kernel()  # its own: the leaks must not reach the lessons' kernel
    try:
        problems, _ = kernel.run_snippets(list(sources.values()), list(sources), tmp_path)
    finally:
        kernel.close()
    expected = [r"^dtype.py changes settings.*torch default dtype: torch.float32 -> "
                r"torch.float64",
                r"^name.py failed:.*NameError: name 'torch' is not defined",
                r"^environment.py changes settings.*environment variable LEAK: "
                r"\(unset\) -> 1",
                r"^rcparams.py changes settings.*lines.linewidth"]
    assert len(problems) == len(expected), problems
    for problem, pattern in zip(problems, expected):
        assert re.search(pattern, problem, re.S), problem


@pytest.mark.parametrize("page", LESSONS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(page, tmp_path, kernel):
    """This is where every snippet runs under pytest: a Jupyter kernel runs the lesson's
    snippets (as figure_build/notebooks.py puts them in the notebook, from the current files)
    cell by cell on the CPU in the quick profile, each as if alone (see Kernel), so each
    snippet's asserts check the lesson's claims. A failure names
    the snippet and its page. Afterwards every figure the full build made must have been
    made again (the English notebook has the same code, see above). MNIST comes from
    DLCAMP_DATA (conftest.py)."""
    # the notebook as the current snippets make it (the committed one may be stale: that
    # is test_notebooks_are_up_to_date's business), so an edited snippet is run at once
    nb = notebooks.notebook(page)
    code = ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code"]
    snippets = snippets_in(page)
    assert len(code) == len(snippets), "see test_notebook_holds_the_snippets_of_its_page"
    names = [f"{s.relative_to(ROOT)} (shown on {page.relative_to(ROOT)}, run in the quick "
             f"profile in {notebook_for(page).name})" for s in snippets]
    problems, cells = kernel().run_snippets(code, names, tmp_path)
    if problems:
        kernel(fresh=True)  # the next lesson gets a kernel this one cannot have changed
        pytest.fail("\n\n".join(problems), pytrace=False)
    missing = []
    for snippet, cell in zip(snippets, cells):
        manifest = FIGURES / snippet.parent.name / f"{snippet.stem}.manifest.json"
        made = json.loads(manifest.read_text())["outputs"] if manifest.exists() else {}
        missing += [f"{snippet.relative_to(ROOT)} no longer makes {name}" for name in made
                    if name.endswith((".svg", ".png")) and "-zh." not in name  # build only
                    and not (tmp_path / name.split("/")[-1]).exists()]
        if any(name.endswith(".txt") for name in made) and not any(
                o.output_type == "stream" for o in cell.outputs):
            missing.append(f"{snippet.relative_to(ROOT)} printed nothing")
    assert not missing, "in the quick profile:\n" + "\n".join(missing)
