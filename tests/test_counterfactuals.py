"""Counterfactual edits: a lesson's central claims are guarded only if breaking them fails a test.

Each lesson lists, in snippets/<lesson>/counterfactuals.toml, small edits of its own snippets
that make one of its claims false while the code still runs:

    [[edit]]
    claim = "the residual block adds its input back"    # the page's claim, in a few words
    snippet = "degradation.py"
    replace = "return torch.relu(out + self.shortcut(x))"  # found exactly once in the snippet
    with = "return torch.relu(out)"
    # survives = "why no quick-profile assert can see this"   (only when it is so)

test_edit_is_caught runs the edited snippet alone in the quick profile, as the notebook test
runs it, and passes when one of its asserts fails (an AssertionError; any other error means the
edit broke the code rather than the claim, and fails the test). An edit declared `survives`
is expected to survive and the test says why (xfail); if an assert starts catching it the test
fails, so the declaration is removed. Those runs take minutes and are opt-in:

    .venv/bin/python -m pytest --counterfactuals -m counterfactual     (CI runs it)

The declarations themselves are checked by every test run: each lesson has some, every
`replace` is still in its snippet, and at most one in ten is declared to survive."""
import subprocess
import sys
import tomllib

import pytest

from dlcamp.facts import SNIPPETS
from dlcamp.lessons import LESSONS
from project import snippet_env

FILE = "counterfactuals.toml"
SHARE_SURVIVING = 0.10  # the bar: at least 90 % of the declared edits are caught


def declared() -> list[tuple[str, int, dict]]:
    edits = []
    for lesson in LESSONS:
        path = SNIPPETS / lesson.slug / FILE
        if path.exists():
            for n, edit in enumerate(tomllib.loads(path.read_text("utf-8")).get("edit", []), 1):
                edits.append((lesson.slug, n, edit))
    return edits


EDITS = declared()
IDS = [f"{slug}-{n}" for slug, n, _ in EDITS]


def edited_source(slug: str, edit: dict) -> str:
    path = SNIPPETS / slug / edit["snippet"]
    source = path.read_text("utf-8")
    count = source.count(edit["replace"])
    assert count == 1, (
        f"snippets/{slug}/{FILE}: the edit of {edit['claim']!r} replaces text found {count} "
        f"times in {edit['snippet']} (it must be found once): {edit['replace']!r}")
    return source.replace(edit["replace"], edit["with"])


@pytest.mark.parametrize("slug", [lesson.slug for lesson in LESSONS])
def test_every_lesson_declares_counterfactual_edits(slug):
    path = SNIPPETS / slug / FILE
    assert path.exists(), f"snippets/{slug}/{FILE} is missing (see tests/test_counterfactuals.py)"
    edits = [edit for s, _, edit in EDITS if s == slug]
    assert len(edits) >= 2, f"snippets/{slug}/{FILE}: declare an edit for each central claim"


@pytest.mark.parametrize("slug,n,edit", EDITS, ids=IDS)
def test_declared_edit_still_applies(slug, n, edit):
    """A snippet changed since its edits were written is caught here, in the normal run."""
    assert set(edit) <= {"claim", "snippet", "replace", "with", "survives"}, (
        f"snippets/{slug}/{FILE} edit {n}: unknown keys {set(edit) - {'claim', 'snippet'}}")
    assert edit["replace"] != edit["with"]
    edited_source(slug, edit)


def test_at_most_a_tenth_of_the_edits_survive():
    surviving = [f"{slug}-{n}" for slug, n, edit in EDITS if "survives" in edit]
    assert len(surviving) <= SHARE_SURVIVING * len(EDITS), (
        f"{len(surviving)} of {len(EDITS)} declared edits survive: {surviving}")


@pytest.mark.counterfactual
@pytest.mark.parametrize("slug,n,edit", EDITS, ids=IDS)
def test_edit_is_caught(slug, n, edit, tmp_path, mnist_root):
    script = tmp_path / edit["snippet"]
    script.write_text(edited_source(slug, edit), "utf-8")
    proc = subprocess.run([sys.executable, script.name], cwd=tmp_path, env=snippet_env(mnist_root),
                          capture_output=True, text=True, timeout=600)
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    caught = proc.returncode != 0 and last.startswith("AssertionError")
    if "survives" in edit:
        assert not caught, (f"{slug}-{n} ({edit['claim']}) is now caught by {last!r}: "
                            f"remove its `survives` from snippets/{slug}/{FILE}")
        pytest.xfail(f"survives: {edit['survives']}")
    assert proc.returncode != 0, (
        f"snippets/{slug}/{edit['snippet']}: the claim {edit['claim']!r} is not guarded; "
        f"with {edit['replace']!r} -> {edit['with']!r} every quick-profile assert passes")
    assert caught, (f"{slug}-{n}: the edit broke the code instead of the claim "
                    f"({edit['claim']!r}): {last or proc.stdout[-300:]}")
