"""Snippets and what their last run left: figures, printed output and a manifest.

For snippets/<lesson>/<name>.py the figure build writes into <out>/<lesson>/ the figures the
snippet saved, what it printed (<name>.txt) and <name>.manifest.json (cache key, source
hash, profile, device, versions, duration, date and a hash of every file it made). Whether
those are fresh is decided here, without running anything: the runner's --check, its
--changed mode, `mkdocs serve`'s notices and the tests all ask `stale_reasons`.
Standard library only.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

MANIFEST_SUFFIX = ".manifest.json"
LABELS_NAME = "figures.zh.json"  # a lesson's table for its Chinese figures


class BuildError(Exception):
    """A problem with the input: reported as one line, without a traceback."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Snippet:
    path: Path  # snippets/<lesson>/<name>.py

    @property
    def lesson(self) -> str:
        return self.path.parent.name

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def id(self) -> str:
        return f"{self.lesson}/{self.name}"

    def __str__(self) -> str:
        """The path as a reader types it: relative to the working directory if possible."""
        try:
            return str(self.path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)

    @property
    def labels(self) -> Path:
        """The lesson's table for the Chinese figures (figure_build/backend.py)."""
        return self.path.parent / LABELS_NAME

    def labels_sha256(self) -> str:
        """The table matters only to snippets that save figures."""
        if not self.labels.exists() or b"savefig(" not in self.path.read_bytes():
            return ""
        return sha256(self.labels.read_bytes())


def discover(snippets_dir: Path) -> list[Snippet]:
    """Every snippets/<lesson>/<name>.py, except files starting with '_'."""
    return [Snippet(path) for path in sorted(snippets_dir.glob("*/*.py"))
            if not path.name.startswith("_")]


def manifest_path(out: Path, snippet: Snippet) -> Path:
    return out / snippet.lesson / f"{snippet.name}{MANIFEST_SUFFIX}"


def read_manifest(out: Path, snippet: Snippet) -> dict | None:
    return load_manifest(manifest_path(out, snippet))


def load_manifest(path: Path) -> dict | None:
    """A manifest, or None when there is none; BuildError when it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as err:
        raise BuildError(f"{path}: not valid JSON ({err}); delete it to rebuild") from None


def outputs_intact(out: Path, manifest: dict) -> list[str]:
    """Problems with the files a manifest lists (missing or changed since the run)."""
    problems = []
    for rel, digest in manifest["outputs"].items():
        path = out / rel
        if not path.exists():
            problems.append(f"{rel} is missing")
        elif sha256(path.read_bytes()) != digest:
            problems.append(f"{rel} was changed by hand")
    return problems


def matplotlibrc(snippets_dir: Path) -> bytes:
    """The house style every snippet runs with (part of every cache key)."""
    path = snippets_dir / "matplotlibrc"
    return path.read_bytes() if path.exists() else b""


def stale_reasons(snippet: Snippet, out: Path, rc: bytes, profile: str = "full") -> list[str]:
    """Why a snippet's outputs in `out` are stale; empty when they are fresh.

    Stale means: never built, the snippet, matplotlibrc or the Chinese labels changed since
    the run, another profile, or an output missing or edited. Device and library versions
    do not count: figures made on a GPU machine stay valid on a CPU machine."""
    manifest = read_manifest(out, snippet)
    if manifest is None:
        return [f"{snippet}: never built (no {manifest_path(out, snippet)})"]
    problems = []
    if manifest.get("source_sha256") != sha256(snippet.path.read_bytes()):
        problems.append(f"{snippet}: changed since its figures were made")
    if manifest.get("matplotlibrc_sha256") != sha256(rc):
        problems.append(f"{snippet}: matplotlibrc changed since its figures were made")
    if manifest.get("labels_sha256", "") != snippet.labels_sha256():
        problems.append(f"{snippet}: {snippet.labels.name} changed since its Chinese "
                        "figures were made")
    if manifest.get("profile") != profile:
        problems.append(f"{snippet}: figures are from the "
                        f"'{manifest.get('profile')}' profile, not '{profile}'")
    return problems + [f"{snippet}: {p}" for p in outputs_intact(out, manifest)]


def orphans(snippets: list[Snippet], out: Path) -> list[str]:
    """Manifests whose snippet no longer exists."""
    known = {s.id for s in snippets}
    return [f"{path}: its snippet snippets/{path.parent.name}/"
            f"{path.name.removesuffix(MANIFEST_SUFFIX)}.py no longer exists"
            for path in sorted(out.glob(f"*/*{MANIFEST_SUFFIX}"))
            if f"{path.parent.name}/{path.name.removesuffix(MANIFEST_SUFFIX)}" not in known]


def read_text(path: Path) -> str:
    """A page or snippet as text; a clear error naming the file if it is not UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise BuildError(f"{path}: not UTF-8 text (byte {err.start}: {err.reason}); "
                         "save it as UTF-8") from None
