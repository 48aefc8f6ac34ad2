"""The GitHub workflows: linted (zizmor, offline), and doing what the project needs."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from project import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_workflows_pass_zizmor():
    """Template injection, over-broad permissions, leaked credentials, unpinned actions.
    (actionlint is not on PyPI as a wheel: its package downloads the binary from GitHub.)"""
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or \
        shutil.which("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install -e '.[test]' installs it)")
    proc = subprocess.run([zizmor, "--offline", "--no-progress", "--config",
                           str(ROOT / ".github" / "zizmor.yml"), str(WORKFLOWS)],
                          capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _step_index(steps: list[dict], predicate, what: str) -> int:
    found = [i for i, step in enumerate(steps) if predicate(step)]
    assert found, f"no step that {what}"
    return found[0]


def test_figure_workflow_commits_the_notebooks_it_invalidates():
    """build.py rewrites the notebooks from the figures; each shard has only its own, so the
    commit job first downloads every shard's figures, then rebuilds all notebooks from the
    merged figures, then commits both (in this order: steps, not just their shell lines)."""
    steps = load("figures.yml")["jobs"]["commit"]["steps"]
    download = _step_index(steps, lambda s: s.get("uses", "").startswith(
        "actions/download-artifact"), "downloads the shards' figures")
    rebuild = _step_index(steps, lambda s: "python3 scripts/notebooks.py" in s.get("run", ""),
                          "rebuilds the notebooks")
    commit = _step_index(steps, lambda s: "git add docs/figures docs/notebooks"
                         in s.get("run", ""), "commits figures and notebooks")
    assert download < rebuild < commit, (
        f"figures.yml's commit job: download (step {download}), rebuild the notebooks "
        f"({rebuild}), commit ({commit}) must come in this order")
    merge = steps[download].get("with", {})
    assert merge.get("merge-multiple") is True and merge.get("pattern") == "figures-*"


def test_no_workflow_pastes_an_input_into_a_shell_script():
    for path in WORKFLOWS.glob("*.yml"):
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (
                    f"{path.name}: pass expressions to `run:` through `env:`")


def test_tests_workflow_gets_cpu_torch_in_the_venv_ci_makes():
    """.ci/run makes its own venv, so a torch installed before it is never used; the CPU
    index must reach pip inside .ci/run (through the environment)."""
    job = load("tests.yml")["jobs"]["test"]
    assert "pip install" not in runs(job), "installs outside .ci/run's venv are wasted"
    assert job["env"]["PIP_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    assert "bash .ci/run" in runs(job)


def test_deploy_builds_with_the_real_site_and_repository_url():
    """The Colab, edit and sitemap links are built from these: they must be the Pages URL
    and this repository, not merely be set."""
    steps = load("deploy.yml")["jobs"]["build"]["steps"]
    build = next(s for s in steps if s.get("run", "").startswith("mkdocs build"))
    env = build.get("env", {})
    assert env.get("DLCAMP_SITE_URL") == "${{ steps.pages.outputs.base_url }}/", env
    assert env.get("DLCAMP_REPO_URL") == "${{ github.server_url }}/${{ github.repository }}", env
    assert any(s.get("id") == "pages" and s.get("uses", "").startswith(
        "actions/configure-pages") for s in steps), "the `pages` step gives base_url"
    check = _step_index(steps, lambda s: "scripts/build.py --check" in s.get("run", ""),
                        "checks the figures are fresh")
    assert check < steps.index(build), "a stale figure must stop the deploy before the build"


def test_figure_workflow_installs_the_font_pyproject_pins():
    """The GPU runners draw the Chinese figures with the same font file as everyone else."""
    import re
    pin = re.search(r'"(noto-cjk-sans-otc==[^"]+)"', (ROOT / "pyproject.toml").read_text())[1]
    steps = load("figures.yml")["jobs"]["build"]["steps"]
    install = [s["run"] for s in steps if "noto-cjk-sans-otc" in s.get("run", "")]
    assert install and f'"{pin}"' in install[0], f"figures.yml should install {pin}"
    names = [s.get("name", "") for s in steps]
    assert names.index("Install the CJK font") < names.index("Build this shard")
