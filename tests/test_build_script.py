"""The build script's own behaviour, on a small throwaway project of tiny snippets."""
import json
import textwrap
from pathlib import Path

import pytest

from project import run_build

FIGURE = """\
import os
print("answer: 42")
open("demo.svg", "w").write("<svg>{}</svg>")
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "snippets" / "demo").mkdir(parents=True)
    return tmp_path


def write(project: Path, name: str, code: str) -> Path:
    path = project / "snippets" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code))
    return path


def build(project: Path, *args: str, timeout: float = 120):
    proc = run_build("--snippets", str(project / "snippets"), "--out",
                     str(project / "figures"), "--cpu", *args, timeout=timeout)
    return proc, proc.stdout + proc.stderr


def test_run_then_cache_hit_then_miss(project):
    write(project, "demo/a.py", FIGURE.format("a"))
    write(project, "demo/b.py", 'print("b")\n')
    proc, out = build(project)
    assert proc.returncode == 0, out
    assert "2 ok, 0 cached, 0 failed" in out
    figs = project / "figures" / "demo"
    assert (figs / "demo.svg").read_text() == "<svg>a</svg>"
    assert (figs / "a.txt").read_text() == "answer: 42\n"
    manifest = json.loads((figs / "a.manifest.json").read_text())
    assert set(manifest["outputs"]) == {"demo/demo.svg", "demo/a.txt"}
    assert manifest["device"] == "cpu" and manifest["profile"] == "full"

    proc, out = build(project)
    assert proc.returncode == 0 and "0 ok, 2 cached, 0 failed" in out, out

    write(project, "demo/b.py", 'print("b, edited")\n')  # only b changes
    proc, out = build(project)
    assert "1 ok, 1 cached, 0 failed" in out, out
    assert (figs / "b.txt").read_text() == "b, edited\n"

    proc, out = build(project, "--quick")  # another profile is another cache key
    assert "2 ok, 0 cached" in out, out
    proc, out = build(project, "--quick", "--force", "demo/a")
    assert "1 ok, 0 cached" in out, out


def test_failure_keeps_previous_figures_and_others_still_run(project):
    write(project, "demo/a.py", FIGURE.format("old"))
    assert build(project)[0].returncode == 0
    write(project, "demo/a.py", FIGURE.format("new") + 'raise RuntimeError("boom")\n')
    write(project, "demo/z.py", 'print("z ran")\n')
    proc, out = build(project)
    assert proc.returncode == 1
    assert "snippets/demo/a.py" in out and "RuntimeError: boom" in out
    assert "previous figures kept" in out
    assert (project / "figures" / "demo" / "demo.svg").read_text() == "<svg>old</svg>"
    assert (project / "figures" / "demo" / "z.txt").read_text() == "z ran\n"
    assert not list((project / "figures").glob(".figures-tmp-*")), "scratch folder left"


def test_timeout_keeps_previous_figures(project):
    write(project, "demo/a.py", FIGURE.format("old"))
    assert build(project)[0].returncode == 0
    write(project, "demo/a.py", "import time\ntime.sleep(30)\n" + FIGURE.format("new"))
    proc, out = build(project, "--timeout", "1")
    assert proc.returncode == 1 and "timed out after 1 s" in out, out
    assert (project / "figures" / "demo" / "demo.svg").read_text() == "<svg>old</svg>"


def test_check_mode(project):
    a = write(project, "demo/a.py", FIGURE.format("a"))
    proc, out = build(project, "--check")
    assert proc.returncode == 1 and "never built" in out
    build(project)
    proc, out = build(project, "--check")
    assert proc.returncode == 0 and "all figures are fresh" in out, out

    a.write_text(a.read_text() + "# edited\n")
    proc, out = build(project, "--check")
    assert proc.returncode == 1 and "snippets/demo/a.py: changed since" in out, out
    build(project)

    (project / "figures" / "demo" / "demo.svg").write_text("<svg>by hand</svg>")
    proc, out = build(project, "--check")
    assert proc.returncode == 1 and "demo/demo.svg was changed by hand" in out, out
    (project / "figures" / "demo" / "demo.svg").unlink()
    proc, out = build(project, "--check")
    assert "demo/demo.svg is missing" in out, out

    build(project, "--quick")
    proc, out = build(project, "--check")
    assert "'quick' profile, not 'full'" in out, out

    a.unlink()
    proc, out = build(project, "--check")
    assert "snippets/demo/a.py no longer exists" in out, out


def test_check_mode_ignores_device_and_versions(project):
    write(project, "demo/a.py", FIGURE.format("a"))
    build(project)
    path = project / "figures" / "demo" / "a.manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(device="cuda", device_name="NVIDIA H100", key="made-elsewhere")
    manifest["versions"]["torch"] = "9.9.9"
    path.write_text(json.dumps(manifest))
    proc, out = build(project, "--check")
    assert proc.returncode == 0, out


def test_bad_input_gets_one_clear_message(project):
    write(project, "demo/bad.py", "x = 1\nif x\n    pass\n")
    write(project, "demo/silent.py", "x = 1\n")
    proc, out = build(project)
    assert proc.returncode == 1
    assert "snippets/demo/bad.py:2: SyntaxError" in out, out
    assert "snippets/demo/silent.py: wrote no figure" in out, out
    assert "Traceback" not in out

    proc, out = build(project, "nosuchlesson")
    assert proc.returncode == 2
    assert "no lesson or snippet matches 'nosuchlesson' (lessons: demo)" in out
    assert "Traceback" not in out


def test_snippet_that_stops_writing_a_figure_fails(project):
    a = write(project, "demo/a.py", FIGURE.format("a"))
    build(project)
    a.write_text('print("no figure any more")\n')
    proc, out = build(project)
    assert proc.returncode == 1 and "no longer writes demo.svg" in out, out
    assert (project / "figures" / "demo" / "demo.svg").exists()


def test_matplotlib_figures_are_byte_identical(project):
    (project / "snippets" / "matplotlibrc").write_text(
        (Path(__file__).parent.parent / "snippets" / "matplotlibrc").read_text())
    write(project, "demo/plot.py", """\
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([0, 1, 2], [0, 1, 4], label="x^2")
        ax.legend()
        fig.savefig("plot.svg")
        fig.savefig("plot.png")
        """)
    build(project)
    figs = [project / "figures" / "demo" / name for name in ("plot.svg", "plot.png")]
    first = [f.read_bytes() for f in figs]
    proc, out = build(project, "--force")
    assert proc.returncode == 0, out
    assert first == [f.read_bytes() for f in figs], "a rerun changed the figure bytes"


def test_changed_mode_keeps_figures_made_elsewhere(project):
    write(project, "demo/a.py", FIGURE.format("a"))
    b = write(project, "demo/b.py", 'print("b")\n')
    build(project)
    path = project / "figures" / "demo" / "a.manifest.json"
    manifest = json.loads(path.read_text())
    manifest.update(device="cuda", key="made-on-a-gpu")
    path.write_text(json.dumps(manifest))
    b.write_text('print("b, edited")\n')
    proc, out = build(project, "--changed")
    assert "1 ok, 1 cached" in out, out  # a keeps its GPU figures, b reruns
    assert json.loads(path.read_text())["device"] == "cuda"
