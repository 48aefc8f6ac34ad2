"""Every snippet is tested, and the build script runs real ones.

Each snippet runs under pytest in its lesson's notebook (test_notebooks.py: a fresh kernel per
lesson, quick profile, CPU), where its asserts check the lesson's claims and the figures it
makes are checked. That pays the import of torch once per lesson instead of once per snippet.
None escapes (test_notebooks.py: test_every_snippet_runs_in_a_lesson_notebook). Here
scripts/build.py runs a real snippet from start to end, as authors and CI do to regenerate
the figures."""
import json

import pytest

from project import FIGURES, ROOT, all_snippets, run_build

SNIPPETS = all_snippets()


def test_every_lesson_has_snippets_and_every_snippet_a_lesson():
    """A snippet folder outside the registry is run by no lesson page; a registered lesson
    without snippets has no code to show (and the discovery would have found nothing)."""
    from dlcamp.lessons import BY_SLUG
    folders = {s.lesson for s in SNIPPETS}
    assert folders - set(BY_SLUG) == set(), (
        f"snippets/{sorted(folders - set(BY_SLUG))}: no such lesson in scripts/dlcamp/lessons.py")
    assert set(BY_SLUG) - folders == set(), (
        f"lessons without snippets: {sorted(set(BY_SLUG) - folders)}")


def _quickest_with_chinese_glyphs():
    """The CPU-made snippet whose last full run was the shortest among those whose Chinese
    figures draw Chinese glyphs (not only digits and math)."""
    runs = []
    for manifest in FIGURES.glob("*/*.manifest.json"):
        data = json.loads(manifest.read_text())
        chinese = [FIGURES / name for name in data["outputs"] if name.endswith("-zh.svg")]
        if data["device"] == "cpu" and any("NotoSansCJKsc" in f.read_text() for f in chinese):
            runs.append((data["duration_s"], data["snippet"]))
    return min(runs)[1] if runs else None


def test_build_script_reproduces_committed_figures_byte_for_byte(tmp_path):
    """scripts/build.py runs a real snippet in the full profile, as authors and CI do, and
    every file it makes, the Chinese figure drawn with the packaged font included, is the
    committed one byte for byte: the build is deterministic and every machine draws the
    same glyphs (noto-cjk-sans-otc, pinned in pyproject.toml)."""
    path = _quickest_with_chinese_glyphs()
    if path is None:
        pytest.skip("no committed Chinese figures yet")
    snippet = next(s for s in SNIPPETS if s.path == ROOT / path)
    proc = run_build(snippet.id, "--cpu", "--force", "--jobs", "1", "--timeout", "300",
                     "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr.strip() or proc.stdout.strip()
    committed = json.loads((FIGURES / snippet.lesson / f"{snippet.name}.manifest.json")
                           .read_text())
    made = json.loads((tmp_path / snippet.lesson / f"{snippet.name}.manifest.json").read_text())
    assert made["profile"] == "full" and made["device"] == "cpu"
    assert made["outputs"] == committed["outputs"], (
        f"{snippet.id}: a rerun made other bytes than the committed files: "
        + ", ".join(name for name in committed["outputs"]
                    if made["outputs"].get(name) != committed["outputs"][name]))
