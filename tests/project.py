"""What the tests know about the project's files: pages, includes, figures, snippets."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from dlcamp.facts import DATASETS, DOCS, FIGURES, ROOT, SNIPPETS
from dlcamp.outputs import discover

BUILD_SCRIPT = ROOT / "scripts" / "build.py"

INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$', re.M)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
HEADING = re.compile(r"^(#{1,6})\s", re.M)


def zh_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if not p.name.endswith(".en.md"))


def en_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.en.md"))


def all_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def all_snippets():
    """Every snippet, as the figure build finds them."""
    return discover(SNIPPETS)


def datasets_loaded(source: str) -> set[str]:
    """The torchvision datasets a snippet loads: {'MNIST', 'FashionMNIST'}."""
    return set(re.findall(r"\bdatasets\.(\w+)\b", source)) & set(DATASETS)


def snippet_env(data_root) -> dict:
    """The environment of a snippet run as `python <snippet>` in the quick profile, on the CPU."""
    return dict(os.environ, DLCAMP_DATA=str(data_root), DLCAMP_QUICK="1", MPLBACKEND="Agg",
                CUDA_VISIBLE_DEVICES="", PYTHONUNBUFFERED="1")


def lesson_pages() -> list[Path]:
    """The Chinese lesson pages, docs/lessons/<lesson>.md: one notebook each."""
    return [p for p in zh_pages() if p.parent == DOCS / "lessons"]


def en_twin(zh: Path) -> Path:
    return zh.with_name(zh.stem + ".en.md")


def includes(page: Path) -> list[str]:
    """The `--8<--` targets of a page, as written: 'path' or 'path:section'."""
    return INCLUDE.findall(page.read_text())


def split_include(target: str) -> tuple[Path, str | None]:
    path, _, section = target.partition(":")
    return ROOT / path, section or None


def images(page: Path) -> list[Path]:
    """Image files a page shows, resolved to paths inside docs/."""
    return [(page.parent / ref).resolve() for ref in IMAGE.findall(page.read_text())
            if "://" not in ref]


def structure(page: Path) -> list[str]:
    """The page's skeleton: heading levels, includes, images and fences, in order."""
    text = page.read_text()
    items = []
    for m in re.finditer(r"^(#{1,6})\s|^\s*--8<--\s+\"([^\"]+)\"|!\[[^\]]*\]\(([^)\s]+)"
                         r"|^\s*(```|~~~)(\w*)|^\s*(\?\?\?|!!!|===)", text, re.M):
        heading, include, image, fence, lang, block = m.groups()
        if heading:
            items.append(f"h{len(heading)}")
        elif include:
            items.append(f"include {include}")
        elif image:  # the Chinese page shows the Chinese figure, x-zh.svg for x.svg
            items.append(f"image {re.sub(r'-zh(?=[.](svg|png)$)', '', image)}")
        elif fence:
            items.append(f"fence {lang}")
        elif block:
            items.append(f"block {block}")
    return items


def pages_using(path: Path) -> list[str]:
    rel = path.relative_to(ROOT).as_posix()
    return [p.relative_to(ROOT).as_posix() for p in all_pages()
            if any(split_include(t)[0] == path for t in includes(p))
            or rel in p.read_text()]


def run_build(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BUILD_SCRIPT), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def build_site(out: Path, config: Path = ROOT / "mkdocs.yml") -> Path:
    """`mkdocs build --strict` into `out` (never into site/); fails the test on any warning.
    Not --quiet: in MkDocs 1.6 that hides the warnings strict mode counts, and the build
    passes with them (MkDocs issue #4126)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                           "--config-file", str(config), "--site-dir", str(out)],
                          cwd=config.parent, env=env, capture_output=True, text=True)
    warnings = [line for line in (proc.stdout + proc.stderr).splitlines()
                if line.startswith(("WARNING", "ERROR"))]
    assert proc.returncode == 0 and not warnings, (
        f"mkdocs build --strict failed:\n" + "\n".join(warnings or [proc.stderr[-3000:]]))
    return out


def shared_site(tmp_path_factory) -> Path:
    """One site build per test session, shared by all pytest-xdist workers: the first
    worker to get here builds it, the others wait for it (the xdist docs' recipe)."""
    from filelock import FileLock  # a dependency of torch

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the folder all workers share
    site = root / "built-site"
    with FileLock(str(root / "built-site.lock")):
        if not site.exists():
            build_site(root / "built-site-partial").rename(site)  # never half a site
    return site


def site_pages(site: Path) -> list[Path]:
    """The index.html of every page of a built site, both languages (not assets, search)."""
    return [page for page in sorted(site.rglob("index.html"))
            if page.relative_to(site).parts[0] not in {"assets", "search"}]
