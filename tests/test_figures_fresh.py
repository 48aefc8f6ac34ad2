"""The figures and outputs committed in docs/figures/ match the snippets that made them."""
from project import run_build


def test_committed_figures_are_fresh():
    proc = run_build("--check", timeout=60)
    assert proc.returncode == 0, (
        "stale figures; run `python scripts/build.py` and commit docs/figures/:\n"
        + proc.stdout + proc.stderr)
