"""One Jupyter notebook per lesson page, from the snippets the page includes.

    python scripts/notebooks.py            # (re)write docs/notebooks/*.ipynb
    python scripts/notebooks.py --check    # exit 1 if a committed notebook is out of date

`docs/lessons/<lesson>.md` gives `docs/notebooks/<lesson>.ipynb` (Chinese) and
`<lesson>.en.md` gives `<lesson>.en.ipynb` (English). Each snippet the page includes becomes
one code cell, in the order the page first shows it, under the page's section heading; the
code cell is the whole snippet file without its `--8<--` section markers, so the notebook runs
exactly the code the tests run. Its outputs are what the last build printed
(`docs/figures/<lesson>/<name>.txt`) and the figures it saved, so the site shows a real run
and never executes anything. The runner calls this after every build; the title and the
data instructions come from the lesson registry (dlcamp/lessons.py).
Standard library only.
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import sys
from pathlib import Path

from dlcamp import lessons
from dlcamp.facts import DATASETS, ROOT, figure_in, page_language, source_name, stem_of
from dlcamp.outputs import BuildError, Snippet, read_manifest, read_text as read, sha256

INCLUDE = re.compile(r'--8<--\s+"(snippets/[^":]+\.py)(?::[^"]*)?"')
MARKER = re.compile(r"^\s*# --8<-- \[(start|end):\w+\]\s*$")
IMAGE = re.compile(r"!\[([^\]]*)\]\((?:\.\./)+figures/([^)\s]+)\)")
SAVEFIG = re.compile(r'savefig\(\s*"([^"]+\.(?:svg|png))"')


TEXT = {
    "zh": {
        "intro": (
            "# {title}（notebook）\n\n"
            "本 notebook 由网页《{title}》中的代码生成：每个代码单元就是网页上展示、"
            "并由测试运行过的那个脚本，下面的输出和图来自最近一次真实运行。\n\n"
            "- Colab 已经预装了所需的全部库（torch、torchvision、matplotlib、numpy），"
            "不需要安装任何东西。\n"
            "- 有 GPU 时代码会自动使用它（Colab 菜单：代码执行程序 → 更改运行时类型）。\n"
            "- 想先快速跑通，可以先运行 `%env DLCAMP_QUICK=1`：训练步数更少，"
            "结果与网页上的不同。"
        ),
        "description": "《{title}》一课的全部代码和真实运行的输出：可下载，也可在 Colab 中运行。",
        "data": (
            "\n- {datasets} 会下载到 `./data`；已有一份时，用 `%env DLCAMP_DATA=路径` "
            "指向包含 {folders} 的文件夹。"
        ),
        "and": " 和 ",
        "verb": ("", ""),
    },
    "en": {
        "intro": (
            "# {title} (notebook)\n\n"
            "This notebook is generated from the code on the page “{title}”: each code cell "
            "is the script the page shows and the tests run, and the outputs and figures "
            "below come from its last real run.\n\n"
            "- Colab already has every library it needs (torch, torchvision, matplotlib, "
            "numpy): nothing to install.\n"
            "- The code uses a GPU when there is one (Colab menu: Runtime → Change runtime "
            "type).\n"
            "- For a fast first run, execute `%env DLCAMP_QUICK=1` first: fewer training "
            "steps, so the results differ from the page."
        ),
        "description": ("All the code of the lesson “{title}” with the outputs of a real run: "
                        "download it or open it in Colab."),
        "data": (
            "\n- {datasets} {verb} downloaded to `./data`; if you have a copy, point "
            "`%env DLCAMP_DATA=path` at the folder that holds {folders}."
        ),
        "and": " and ",
        "verb": ("is", "are"),  # one dataset, several
    },
}


def lines(text: str) -> list[str]:
    """Notebook JSON keeps multi-line strings as a list of lines."""
    return text.splitlines(keepends=True)


def clean_heading(line: str) -> str:
    return re.sub(r"\s*\{[^}]*\}\s*$", "", line.lstrip("#").strip())


def snippet_cells(page: Path, root: Path) -> list[tuple[str, Path]]:
    """In order of first inclusion, (section heading, snippet path)."""
    heading, found = "", {}
    for line in read(page).splitlines():
        if line.startswith("## "):
            heading = clean_heading(line)
        for match in INCLUDE.finditer(line):
            found.setdefault(match.group(1), heading)
    return [(h, root / path) for path, h in found.items()]


def title_and_data(page: Path, lang: str) -> tuple[str, str]:
    """The lesson's numbered title and the notebook's line about its datasets, from the
    registry. A page outside it (a throwaway test project) is titled by its file name."""
    lesson = lessons.BY_SLUG.get(stem_of(page))
    if lesson is None:
        return stem_of(page), ""
    if not lesson.datasets:
        return lessons.heading(lesson.slug, lang), ""
    text = TEXT[lang]
    return lessons.heading(lesson.slug, lang), text["data"].format(
        datasets=text["and"].join(DATASETS[d] for d in lesson.datasets),
        verb=text["verb"][len(lesson.datasets) > 1],
        folders=text["and"].join(f"`{d}/raw/`" for d in lesson.datasets))


def alt_texts(page: Path) -> dict[str, str]:
    """Figure path under docs/figures/ -> the alt text the page gives it."""
    text = read(page)
    return {m.group(2): m.group(1) for m in IMAGE.finditer(text)}


def figure_for(name: str, lang: str, folder: Path) -> str:
    """The figure in the notebook's language (loss-zh.svg, made by backend.py), where the
    build made one."""
    translated = figure_in(name, lang)
    return translated if (folder / translated).exists() else name


def outputs(snippet: Path, figures: Path, alts: dict[str, str], lang: str) -> list[dict]:
    """What the last build printed, then the figures in the order the source saves them,
    in the notebook's language. Each figure's metadata names its file and alt text:
    site_build/notebook_pages.py shows the shared file on the site instead of a copy inlined
    in every notebook page."""
    folder = figures / snippet.parent.name
    result = []
    printed = folder / f"{snippet.stem}.txt"
    if printed.exists() and printed.read_text(encoding="utf-8"):
        result.append({"name": "stdout", "output_type": "stream",
                       "text": lines(printed.read_text(encoding="utf-8"))})
    for name in dict.fromkeys(SAVEFIG.findall(read(snippet))):
        name = figure_for(name, lang, folder)
        figure = folder / name
        if not figure.exists():
            continue  # not built yet: the freshness test reports it
        if figure.suffix == ".svg":
            data = {"image/svg+xml": lines(figure.read_text(encoding="utf-8"))}
        else:
            data = {"image/png": base64.b64encode(figure.read_bytes()).decode("ascii")}
        data["text/plain"] = [f"<Figure {name}>"]
        path = f"{snippet.parent.name}/{name}"
        result.append({"data": data, "output_type": "display_data",
                       "metadata": {"dlcamp": {"figure": path, "alt": alts.get(path, name)}}})
    return result


def built_from(snippet: Path, figures: Path) -> bool:
    """Whether the outputs in `figures` come from the snippet's current code: the manifest
    of its last successful run records the hash of the source it ran."""
    try:
        manifest = read_manifest(figures, Snippet(snippet))
    except BuildError:  # not JSON: as if never built (--check reports it)
        return False
    return bool(manifest) and manifest.get("source_sha256") == sha256(snippet.read_bytes())


def notebook(page: Path, root: Path = ROOT, kept: dict[str, dict] | None = None) -> dict:
    """The notebook of a lesson page. A code cell shows a snippet's current code with the
    outputs of its last run, but only when that run was of this code. For a snippet edited
    since (not built yet, or its build failed or was stopped), the cell in `kept` (the
    notebook as it was: old code, old outputs) stays; without one, the new code comes
    without outputs. So a notebook never shows outputs that its code did not produce."""
    lang = page_language(page)
    if lang not in TEXT:
        raise BuildError(f"{page}: dlcamp/figure_build/notebooks.py has no notebook texts "
                         f"for '{lang}'")
    lesson = stem_of(page)
    includes = snippet_cells(page, root)
    if not includes:
        raise BuildError(f"{page} includes no snippet")
    sources = [read(path) for _, path in includes]
    alts = alt_texts(page)
    figures = root / "docs" / "figures"
    title, data = title_and_data(page, lang)
    intro = TEXT[lang]["intro"].format(title=title) + data
    cells = [{"cell_type": "markdown", "id": f"{lesson}-intro", "metadata": {},
              "source": lines(intro)}]
    previous, section = None, 0
    for n, ((heading, path), source) in enumerate(zip(includes, sources), start=1):
        rel = path.relative_to(root).as_posix()
        label = f"`{rel}`"
        if heading != previous:
            # numbered: mkdocs-jupyter gives a heading of only Chinese characters an empty
            # id, so the page's table of contents could not link to it
            section += 1
            label = f"## {section}. {heading}\n\n{label}"
        previous = heading
        cells.append({"cell_type": "markdown", "id": f"{lesson}-{n}-title", "metadata": {},
                      "source": lines(label)})
        code = "".join(line for line in lines(source) if not MARKER.match(line))
        cell = {"cell_type": "code", "execution_count": None, "id": f"{lesson}-{n}",
                "metadata": {"dlcamp": {"snippet": rel}}, "outputs": [],
                "source": lines(code.rstrip("\n"))}
        if built_from(path, figures):
            cell["outputs"] = outputs(path, figures, alts, lang)
        elif kept and rel in kept:
            cell.update(outputs=kept[rel]["outputs"], source=kept[rel]["source"])
            for out in cell["outputs"]:
                if figure := out.get("metadata", {}).get("dlcamp"):
                    figure["alt"] = alts.get(figure["figure"], figure["alt"])
        cells.append(cell)
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
            # the page's metadata on the site (site_build/notebook_pages.py): a search should
            # land on the lesson, whose prose explains the code
            "mkdocs": {"description": TEXT[lang]["description"].format(title=title),
                       "search": {"exclude": True}},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def render(nb: dict) -> str:
    """Serialise the way Jupyter does (sorted keys, indent 1), so diffs stay small."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def code_cells_by_snippet(path: Path) -> dict[str, dict]:
    """The code cells of an existing notebook, by the snippet each one shows."""
    try:
        nb = json.loads(read(path))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return {cell["metadata"]["dlcamp"]["snippet"]: cell for cell in nb.get("cells", [])
            if cell.get("cell_type") == "code" and "dlcamp" in cell.get("metadata", {})}


def expected(root: Path = ROOT) -> dict[Path, str]:
    """Every notebook the lesson pages call for, path -> text."""
    result = {}
    for page in sorted((root / "docs" / "lessons").glob("*.md")):
        if INCLUDE.search(read(page)):
            path = root / "docs" / "notebooks" / source_name(stem_of(page), page_language(page),
                                                             ".ipynb")
            result[path] = render(notebook(page, root, code_cells_by_snippet(path)))
    return result


def stale(root: Path = ROOT) -> list[str]:
    """Notebooks that are missing, out of date, or left over from a removed page."""
    want = expected(root)
    problems = [f"{p.relative_to(root)}: out of date" if p.exists() else
                f"{p.relative_to(root)}: missing"
                for p, text in want.items()
                if not p.exists() or p.read_text(encoding="utf-8") != text]
    problems += [f"{p.relative_to(root)}: no lesson page makes it"
                 for p in sorted((root / "docs" / "notebooks").glob("*.ipynb"))
                 if p not in want]
    return problems


def write(root: Path = ROOT) -> list[Path]:
    """Write the notebooks that changed; remove those no page makes. Returns what changed."""
    want, changed = expected(root), []
    for path, text in want.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in (root / "docs" / "notebooks").glob("*.ipynb"):
        if path not in want:
            path.unlink()
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/notebooks.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only report notebooks that are out of date; exit 1 if any")
    args = parser.parse_args(argv)
    try:
        return check() if args.check else rewrite()
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def check() -> int:
    problems = stale()
    for line in problems:
        print(line)
    print(f"notebooks: {'all up to date' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


def rewrite() -> int:
    changed = write()
    for path in changed:
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"notebooks: {len(changed)} changed")
    return 0

