"""Every snippet runs in the quick profile on the CPU and makes the files its pages use.

Snippets are found automatically: a new file under snippets/<lesson>/ is tested without
touching this file. Runs write into a temporary folder, never into docs/."""
import json

import pytest

from project import FIGURES, ROOT, build, pages_using, run_build

SNIPPETS = build.discover(ROOT / "snippets")


def test_snippets_exist():
    assert SNIPPETS, "no snippets found under snippets/<lesson>/*.py"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.id)
def test_snippet_runs(snippet, tmp_path):
    where = ", ".join(pages_using(snippet.path)) or "no page"
    proc = run_build(snippet.id, "--quick", "--cpu", "--force", "--jobs", "1",
                     "--timeout", "300", "--out", str(tmp_path))
    if proc.returncode != 0:
        pytest.fail(f"snippets/{snippet.id}.py (shown on {where}) failed in the quick "
                    f"profile:\n{proc.stderr.strip() or proc.stdout.strip()}", pytrace=False)
    # The quick run must make the same files as the full run whose outputs the pages show.
    committed = FIGURES / snippet.lesson / f"{snippet.name}.manifest.json"
    if committed.exists():
        made = json.loads((tmp_path / committed.relative_to(FIGURES)).read_text())
        expected = set(json.loads(committed.read_text())["outputs"])
        missing = expected - set(made["outputs"])
        assert not missing, (f"snippets/{snippet.id}.py (shown on {where}) no longer "
                             f"writes {sorted(missing)} in the quick profile")
