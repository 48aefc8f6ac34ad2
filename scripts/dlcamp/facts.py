"""The facts several parts of the project need, decided here once.

Languages, where pages and notebooks live, how figures are named per language, which
datasets exist and what a snippet may import. The runner, the notebooks, the MkDocs hooks
and the tests read them from here; mkdocs.yml must repeat the languages for its plugin,
and tests/test_lessons.py names any difference. Standard library only: the figure build runs
on GPU machines that have little more than PyTorch.
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # scripts/dlcamp/facts.py -> the repository
DOCS = ROOT / "docs"
FIGURES = DOCS / "figures"  # generated: figures, printed outputs, manifests
NOTEBOOKS = DOCS / "notebooks"  # generated: one notebook per lesson and language
SNIPPETS = ROOT / "snippets"

# ---------------------------------------------------------------- languages

# The site's languages, the default first: its pages are x.md at /, the others' x.<lang>.md
# under /<lang>/. mkdocs.yml's i18n plugin lists the same (tests/test_lessons.py checks).
LANGUAGES = ("zh", "en")
DEFAULT = LANGUAGES[0]


def page_language(name: str | Path) -> str:
    """x.md is in the default language, x.<lang>.md (or x.<lang>.ipynb) in <lang>."""
    parts = Path(name).name.split(".")
    return parts[-2] if len(parts) > 2 and parts[-2] in LANGUAGES else DEFAULT


def source_name(stem: str, lang: str, suffix: str = ".md") -> str:
    """basics.md in the default language, basics.en.md in English (.ipynb alike)."""
    return f"{stem}{suffix}" if lang == DEFAULT else f"{stem}.{lang}{suffix}"


def stem_of(name: str | Path) -> str:
    """'basics' for basics.md, basics.en.md, basics.ipynb and basics.en.ipynb."""
    return Path(name).name.split(".")[0]


# ---------------------------------------------------------------- URLs


def url_prefix(lang: str) -> str:
    """Where a language's pages live, relative to the site root ('' or 'en/')."""
    return "" if lang == DEFAULT else f"{lang}/"


def lesson_url(slug: str, lang: str) -> str:
    return f"{url_prefix(lang)}lessons/{slug}/"


def notebook_url(slug: str, lang: str) -> str:
    return f"{url_prefix(lang)}notebooks/{slug}/"


def notebook_links(slug: str, lang: str, repo_url: str = "", edit_uri: str = "") -> dict:
    """The links above a lesson and its notebook page, relative to the site root, and
    Colab's absolute one (its GitHub path: repo_url, the branch from edit_uri)."""
    name = source_name(slug, lang, ".ipynb")
    blob = edit_uri.replace("edit/", "blob/", 1).strip("/")
    colab = repo_url.rstrip("/").replace("https://github.com/",
                                         "https://colab.research.google.com/github/")
    return {"lesson": lesson_url(slug, lang),
            "notebook": notebook_url(slug, lang),
            "download": notebook_url(slug, lang) + name,
            "colab": f"{colab}/{blob}/notebooks/{name}"}


# ---------------------------------------------------------------- figures

FIGURE_SUFFIXES = {".svg", ".png"}


def figure_in(name: str, lang: str) -> str:
    """The figure a page in `lang` shows: loss.svg in English, loss-zh.svg in Chinese.
    "-zh", not ".zh": mkdocs-static-i18n would take x.zh.svg for a page of its own."""
    if lang == "en":
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-{lang}.{suffix}"


def is_translated_figure(name: str) -> bool:
    """loss-zh.svg: made by the build's backend, not saved by the snippet itself."""
    stem = Path(name).stem
    return any(stem.endswith(f"-{lang}") for lang in LANGUAGES if lang != "en")


# ---------------------------------------------------------------- page syntax

# A line that opens or closes a fenced block (code or output) in a page, indented or not
FENCE = re.compile(r"^[ \t]*(```|~~~)")

# ---------------------------------------------------------------- data

# torchvision's folder name -> the dataset's name as readers know it
DATASETS = {"MNIST": "MNIST", "FashionMNIST": "Fashion-MNIST"}

# ---------------------------------------------------------------- the snippet contract

# A snippet imports what every reader has after `pip install torch torchvision matplotlib`
# (numpy comes with them) and the standard library: never project code or another snippet.
ALLOWED_IMPORTS = {"torch", "torchvision", "matplotlib", "numpy"}
IMPORT_RULE = ("a snippet may import only torch, torchvision, matplotlib, numpy and the "
               "standard library (what every reader has), never project code or another "
               "snippet")


def forbidden_imports(source: str) -> list[str]:
    """The modules a snippet imports that the snippet contract does not allow."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if not (top in ALLOWED_IMPORTS or top in sys.stdlib_module_names):
                found.append(name)
    return found
