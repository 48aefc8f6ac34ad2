"""Every snippet is tested, and the build script runs real ones.

Each snippet runs under pytest in its lesson's notebook (test_notebooks.py: a fresh kernel per
lesson, quick profile, CPU), where its asserts check the lesson's claims and the figures it
makes are checked. That pays the import of torch once per lesson instead of once per snippet.
None escapes (test_notebooks.py: test_every_snippet_runs_in_a_lesson_notebook). Here
scripts/build.py runs a real snippet from start to end, as authors and CI do to regenerate
the figures."""
import json

import pytest

from project import FIGURES, ROOT, build, run_build

SNIPPETS = build.discover(ROOT / "snippets")


def test_snippets_exist():
    assert SNIPPETS, "no snippets found under snippets/<lesson>/*.py"


def _quickest_with_a_figure():
    """The snippet whose last full run was the shortest among those that make a figure."""
    runs = []
    for manifest in FIGURES.glob("*/*.manifest.json"):
        data = json.loads(manifest.read_text())
        if any(name.endswith((".svg", ".png")) for name in data["outputs"]):
            runs.append((data["duration_s"], data["snippet"]))
    return min(runs)[1] if runs else None


def test_build_script_runs_a_real_snippet(tmp_path):
    path = _quickest_with_a_figure()
    if path is None:
        pytest.skip("no committed figures yet")
    snippet = next(s for s in SNIPPETS if s.path == ROOT / path)
    proc = run_build(snippet.id, "--quick", "--cpu", "--force", "--jobs", "1",
                     "--timeout", "300", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr.strip() or proc.stdout.strip()
    committed = FIGURES / snippet.lesson / f"{snippet.name}.manifest.json"
    made = json.loads((tmp_path / committed.relative_to(FIGURES)).read_text())
    assert set(made["outputs"]) == set(json.loads(committed.read_text())["outputs"])
    assert made["profile"] == "quick" and made["device"] == "cpu"
