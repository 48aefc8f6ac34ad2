"""The build script's own behaviour, on a small throwaway project of tiny snippets."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from importlib import metadata
from pathlib import Path

import pytest

from project import BUILD_SCRIPT, ROOT, run_build

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
    proc, out = build(project, "--timeout", "0.2")  # started or not, it cannot finish in time
    assert proc.returncode == 1 and "timed out after 0.2 s" in out, out
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


# ---------------------------------------------------------------- robustness (issue 14)

SLOW_FIGURE = """\
import os, subprocess, time
child = subprocess.Popen(["sleep", "60"])  # a process the snippet starts
open({pids!r} + ".tmp", "w").write(f"{{os.getpid()}} {{child.pid}}")
os.replace({pids!r} + ".tmp", {pids!r})  # the test never reads half of it
for _ in range(6000):  # until the test creates the go file (60 s at most)
    if os.path.exists({go!r}):
        break
    time.sleep(0.01)
open("demo.svg", "w").write("<svg>new</svg>")
print("done")
"""


def slow_snippet(project: Path) -> tuple[Path, Path]:
    """demo/a.py: starts a child process, writes both pids to the file `pids`, then waits
    until the test creates the file `go` (no fixed sleep: the test says when it is done)."""
    pids, go = project / "pids", project / "go"
    write(project, "demo/a.py", SLOW_FIGURE.format(pids=str(pids), go=str(go)))
    return pids, go


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent to reap it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in {"Z", "X"}


def ended(*pids: int, seconds: float = 10) -> bool:
    """Whether the processes end within `seconds`. build.py kills with SIGKILL, which takes
    effect when the kernel next runs the process: on a busy machine that can be after
    build.py has exited (0.16 s measured with the CPUs busy)."""
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def wait_for(path: Path, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} never appeared")


# A shell without job control starts a background job (`pytest ... &` in a script) with
# SIGINT ignored; the processes it starts inherit that, and Python then installs no
# KeyboardInterrupt handler: build.py would never see the test's SIGINT. So build.py starts
# with SIGINT's default action, as from a terminal (the exec keeps the pid).
DEFAULT_SIGINT = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                  "os.execv(sys.executable, [sys.executable] + sys.argv[1:])")


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_build_left_running():
    """A failed test may leave a build waiting for its snippet: kill -9 ends it and (through
    the launcher's PR_SET_PDEATHSIG) the snippet."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def start_build(project: Path, *args: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", DEFAULT_SIGINT, str(BUILD_SCRIPT),
                             "--snippets", str(project / "snippets"),
                             "--out", str(project / "figures"), "--cpu", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    STARTED.append(proc)
    return proc


def test_a_second_build_of_the_same_folder_stops_with_a_clear_message(project):
    pids, go = slow_snippet(project)
    first = start_build(project)
    wait_for(pids)  # the first build holds the lock until its snippet goes on
    proc, out = build(project)
    assert proc.returncode == 2, out
    assert f"another build (pid {first.pid}) is writing to" in out, out
    assert "Traceback" not in out
    go.touch()
    # done when the snippet is, without waiting for the `sleep 60` it started
    assert first.wait(20) == 0, first.stdout.read()
    assert (project / "figures" / "demo" / "demo.svg").read_text() == "<svg>new</svg>"
    assert ended(int(pids.read_text().split()[1])), "the snippet's child outlived it"


GATE = """\
import os, time
open(os.path.join({runs!r}, str(os.getpid())), "w").close()  # a build runs its snippets
for _ in range(6000):  # until the test creates the go file (60 s at most)
    if os.path.exists({go!r}):
        break
    time.sleep(0.01)
print("gate")
"""


def test_parallel_builds_never_corrupt_each_other(project):
    """Three builds at once over the same folder (the collision in issue 14 was on the
    manifest's temporary file): one builds, the others stop; all files intact. They overlap
    for certain: the snippet demo/gate of the build that runs waits until the others end."""
    runs, go = project / "gate-runs", project / "go"
    runs.mkdir()
    write(project, "demo/gate.py", GATE.format(runs=str(runs), go=str(go)))
    for n in range(6):
        write(project, f"demo/s{n}.py", f'print("{n}")\n')
    procs = [start_build(project, "--jobs", "2") for _ in range(3)]
    deadline = time.monotonic() + 60
    while (sum(p.poll() is not None for p in procs) < 2 and len(list(runs.iterdir())) < 2
           and time.monotonic() < deadline):
        time.sleep(0.02)
    at_once = len(list(runs.iterdir()))
    go.touch()
    outs = [(p.wait(120), p.stdout.read()) for p in procs]
    assert at_once <= 1, f"{at_once} builds ran snippets in the same folder at once: {outs}"
    assert sorted(rc for rc, _ in outs) == [0, 2, 2], outs
    assert all("another build (pid " in out for rc, out in outs if rc == 2), outs
    assert len(list(runs.iterdir())) == 1, outs
    assert not any("Traceback" in out for _, out in outs), outs
    proc, out = build(project, "--check")
    assert proc.returncode == 0, out


def test_timeout_ends_the_processes_the_snippet_started(project):
    pids, _ = slow_snippet(project)  # never told to go on
    # The timeout must leave the snippet time to start (two Python start-ups): 0.1 s idle,
    # 0.4 s with the CPUs busy; a busy full-suite run once took over 1 s.
    proc, out = build(project, "--timeout", "3")
    assert proc.returncode == 1 and "timed out after 3 s" in out, out
    assert pids.exists(), "the snippet had not started its child after 3 s: machine too busy"
    snippet, child = map(int, pids.read_text().split())
    assert ended(snippet, child), "the snippet or its child survived"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_stops_the_running_snippets_and_saves_nothing_after(project, sig):
    write(project, "demo/a.py", FIGURE.format("old"))
    assert build(project)[0].returncode == 0
    pids, _ = slow_snippet(project)  # never told to go on: running when the signal comes
    running = start_build(project)
    snippet, child = map(int, wait_for(pids).split())
    running.send_signal(sig)  # to build.py alone, as `kill` does
    assert running.wait(30) == 130
    out = running.stdout.read()
    assert "interrupted: 0 snippets finished before it and are saved; the other 1 keep " \
           "their old figures" in out, out
    # build.py has exited and the snippet is gone: nothing can install its figure later
    assert ended(snippet, child), "the snippet or its child survived"
    assert (project / "figures" / "demo" / "demo.svg").read_text() == "<svg>old</svg>"
    assert not list((project / "figures").glob(".figures-tmp-*")), "scratch folder left"


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux only")
def test_sigkill_of_the_build_ends_the_snippet_and_the_next_build_cleans_up(project):
    pids, _ = slow_snippet(project)  # never told to go on
    running = start_build(project)
    snippet, child = map(int, wait_for(pids).split())
    running.kill()
    running.wait(10)
    assert ended(snippet, child), "orphaned by kill -9 of build.py"
    scratch = list((project / "figures").glob(".figures-tmp-*"))
    assert scratch, "expected the killed build's scratch folder"
    proc, out = build(project, "--check")
    assert f"note: 1 scratch folders left by an interrupted build ({scratch[0].name})" \
           in out, out
    write(project, "demo/a.py", FIGURE.format("a"))
    proc, out = build(project)
    assert proc.returncode == 0 and f"removed {scratch[0].name}" in out, out
    assert not list((project / "figures").glob(".figures-tmp-*"))


LESSON = """\
---
description: "demo"
---
# Demo

## One

```python
--8<-- "snippets/demo/a.py"
```

![a figure](../figures/demo/demo.svg)
"""


def test_failed_or_timed_out_snippet_leaves_the_notebooks_as_they_were(project):
    """A notebook never shows code next to outputs that code did not produce."""
    lessons = project / "docs" / "lessons"
    lessons.mkdir(parents=True)
    for name in ("demo.md", "demo.en.md"):
        (lessons / name).write_text(LESSON, encoding="utf-8")
    write(project, "demo/a.py", FIGURE.format("old"))
    figures = str(project / "docs" / "figures")
    proc, out = build(project, "--out", figures)
    assert proc.returncode == 0 and "notebooks: 2 rewritten" in out, out
    notebooks = sorted((project / "docs" / "notebooks").glob("*.ipynb"))
    before = [p.read_text() for p in notebooks]
    assert "answer: 42" in before[0] and "<svg>old</svg>" in before[0]

    write(project, "demo/a.py", FIGURE.format("new") + 'raise RuntimeError("boom")\n')
    proc, out = build(project, "--out", figures)
    assert proc.returncode == 1, out
    assert [p.read_text() for p in notebooks] == before, "a failed build rewrote a notebook"
    write(project, "demo/a.py", "import time\ntime.sleep(30)\n" + FIGURE.format("new"))
    proc, out = build(project, "--out", figures, "--timeout", "0.2")
    assert proc.returncode == 1, out
    assert [p.read_text() for p in notebooks] == before, "a timeout rewrote a notebook"

    write(project, "demo/a.py", FIGURE.format("new"))
    assert build(project, "--out", figures)[0].returncode == 0
    after = notebooks[0].read_text()
    assert "<svg>new</svg>" in after and "FIGURE" not in after and "time.sleep" not in after


@pytest.mark.parametrize("args, message", [
    (["-j", "-1"], "argument -j/--jobs: wants a whole number of snippets, 1 or more, got '-1'"),
    (["-j", "two"], "argument -j/--jobs: wants a whole number"),
    (["--timeout", "inf"], "argument --timeout: wants a number of seconds above 0, got 'inf'"),
    (["--timeout", "nan"], "got 'nan'"),
    (["--timeout", "0"], "got '0'"),
    (["--timeout", "-1"], "got '-1'"),
])
def test_bad_options_get_one_clear_line(project, args, message):
    write(project, "demo/a.py", FIGURE.format("a"))
    proc, out = build(project, *args)
    assert proc.returncode == 2 and message in out, out
    assert "Traceback" not in out


def test_unwritable_output_folder_gets_one_clear_line(project):
    write(project, "demo/a.py", FIGURE.format("a"))
    (project / "a-file").write_text("")
    proc, out = build(project, "--out", str(project / "a-file" / "figures"))
    assert proc.returncode == 2, out
    assert f"error: cannot write to the output folder {project / 'a-file' / 'figures'}" in out
    assert "Traceback" not in out


def test_a_page_that_is_not_utf8_is_named(project):
    lessons = project / "docs" / "lessons"
    lessons.mkdir(parents=True)
    (lessons / "demo.md").write_bytes(LESSON.replace("Demo", "演示").encode("gbk"))
    (lessons / "demo.en.md").write_text(LESSON, encoding="utf-8")
    write(project, "demo/a.py", FIGURE.format("a"))
    for args in ([], ["--check"]):
        proc, out = build(project, "--out", str(project / "docs" / "figures"), *args)
        assert proc.returncode == 2, out
        assert f"{lessons / 'demo.md'}: not UTF-8 text" in out, out
        assert "Traceback" not in out


def test_snippet_contract_imports_are_enforced(project):
    write(project, "demo/a.py", "import pandas\n" + FIGURE.format("a"))
    write(project, "demo/b.py", "from .helpers import x\n" + FIGURE.format("b"))
    proc, out = build(project)
    assert proc.returncode == 1, out
    assert ("snippets/demo/a.py: imports pandas; a snippet may import only torch, "
            "torchvision, matplotlib, numpy and the standard library") in out, out
    assert "snippets/demo/b.py: imports .helpers;" in out, out
    assert not (project / "figures" / "demo" / "a.txt").exists()


def test_mkdocs_serve_marks_pages_with_stale_outputs(project):
    """site_build/serve_notices.py (a MkDocs hook): under `mkdocs serve`, a page that shows
    a snippet edited since its last run says so at the top, in the page's language."""
    from types import SimpleNamespace

    from dlcamp.site_build import serve_notices

    a = write(project, "demo/a.py", FIGURE.format("a"))
    assert build(project, "--out", str(project / "docs" / "figures"))[0].returncode == 0
    config = SimpleNamespace(config_file_path=str(project / "mkdocs.yml"),
                             docs_dir=str(project / "docs"))

    def page(name):
        return SimpleNamespace(file=SimpleNamespace(src_uri=f"lessons/{name}"))

    def shown(name, command="serve"):
        serve_notices.on_startup(command=command, dirty=False)
        return serve_notices.on_page_markdown(LESSON, page=page(name), config=config)

    assert shown("demo.md") == LESSON, "fresh outputs: no notice"
    a.write_text(a.read_text() + "# edited\n")
    zh, en = shown("demo.md"), shown("demo.en.md")
    assert zh.startswith(LESSON[:LESSON.index("## One")].split("# Demo")[0] + "# Demo\n")
    assert "输出已过期" in zh and "`snippets/demo/a.py`" in zh
    assert "python scripts/build.py demo/a" in zh
    assert "Stale outputs" in en and "`snippets/demo/a.py`" in en
    assert shown("demo.md", command="build") == LESSON, "mkdocs build is left alone"


# NotoSansCJK-Regular.ttc 2.004, the file of noto-cjk-sans-otc 0.0.1 and of Debian bookworm's
# fonts-noto-cjk, with which the committed Chinese figures were made
NOTO_SANS_CJK_SHA256 = "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"


def test_every_figure_is_also_made_in_chinese(project):
    """figure_build/backend.py: the snippet saves one figure; the build also
    writes its Chinese twin from the lesson's table, and names the texts the table lacks."""
    pytest.importorskip("matplotlib")
    (project / "snippets" / "matplotlibrc").write_text(
        (ROOT / "snippets" / "matplotlibrc").read_text())
    write(project, "demo/plot.py", """\
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1], label="training loss")
        ax.set(xlabel="step", ylabel="lr = 0.5", title="untranslated words")
        ax.legend()
        fig.savefig("plot.svg")
        """)
    (project / "snippets" / "demo" / "figures.zh.json").write_text(
        json.dumps({"training loss": "训练损失", "step": "步数", "lr = {}": "学习率 = {}"}),
        encoding="utf-8")
    proc, out = build(project)
    assert proc.returncode == 0, out
    figs = project / "figures" / "demo"
    english, chinese = (figs / "plot.svg").read_text(), (figs / "plot-zh.svg").read_text()
    assert english != chinese
    manifest = json.loads((figs / "plot.manifest.json").read_text())
    assert set(manifest["outputs"]) == {"demo/plot.svg", "demo/plot-zh.svg"}
    assert manifest["untranslated"] == {"plot-zh.svg": ["untranslated words"]}
    if not os.environ.get("DLCAMP_CJK_FONT"):  # the pinned package's file, no system font
        assert manifest["cjk_font"] == {
            "family": "Noto Sans CJK SC", "file": "NotoSansCJK-Regular.ttc", "face": 2,
            "source": "noto-cjk-sans-otc " + metadata.version("noto-cjk-sans-otc"),
            "version": "2.004", "sha256": NOTO_SANS_CJK_SHA256}
    assert "note: demo/plot-zh.svg keeps English text 'untranslated words'" in out
    first = chinese
    assert build(project, "--force")[0].returncode == 0
    assert (figs / "plot-zh.svg").read_text() == first, "the Chinese figure is not stable"
    (project / "snippets" / "demo" / "figures.zh.json").write_text("{}", encoding="utf-8")
    proc, out = build(project, "--check")
    assert "figures.zh.json changed since its Chinese figures were made" in out, out


def test_a_broken_table_of_chinese_labels_is_one_line(project):
    """figures.zh.json is read inside the snippet's process by the backend: without a check
    before the run, a typo in it ended in the backend's traceback, naming no file."""
    write(project, "demo/a.py", FIGURE.format("a"))
    labels = project / "snippets" / "demo" / "figures.zh.json"
    for text, message in [('{"step": "步数",}', "not a JSON table"),
                          ('["step", "步数"]', '"English text": "中文"')]:
        labels.write_text(text, encoding="utf-8")
        proc, out = build(project)
        assert proc.returncode == 1, out
        assert f"{labels}: " in out and message in out, out
        assert "Traceback" not in out
