"""One run of one snippet: check, supervise, judge, collect, install.

The snippet runs in a scratch folder beside its outputs, in a process group of its own
under a small launcher, with a timeout. Its files replace the old ones only when it
succeeded and no interrupt came first, so a failing, timed-out or interrupted snippet keeps
the previous figures (and the notebooks built from them).
"""
from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from dlcamp.facts import FIGURE_SUFFIXES, IMPORT_RULE, forbidden_imports
from dlcamp.outputs import Snippet, manifest_path, sha256

SCRATCH_PREFIX = ".figures-tmp-"

# A snippet runs under this launcher, the leader of a new process group, so that a timeout
# or an interrupt can end the snippet together with every process it started. On Linux the
# kernel also sends the launcher SIGTERM when the build dies, even by SIGKILL
# (PR_SET_PDEATHSIG), and the launcher then kills its whole group: nothing is orphaned.
LAUNCHER = """\
import ctypes, os, signal, subprocess, sys
def end_group(*_):
    os.killpg(0, signal.SIGKILL)
signal.signal(signal.SIGTERM, end_group)
if sys.platform == "linux":
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != int(sys.argv[1]):  # the build died before prctl
        end_group()
sys.exit(subprocess.call([sys.executable, sys.argv[2]]))
"""


@dataclass
class Result:
    snippet: Snippet
    status: str  # "ok", "cached", "failed", "stopped"
    seconds: float = 0.0
    message: str = ""
    untranslated: dict = field(default_factory=dict)  # Chinese figure -> English texts left


class Supervisor:
    """What the snippets running at once share with the build: the process groups to end
    on an interrupt, and the rule that after an interrupt nothing more is installed (a
    snippet installs its files only holding `install` with `stop` clear)."""

    def __init__(self):
        self.stop, self.install = threading.Event(), threading.Lock()
        self.running: set[subprocess.Popen] = set()

    def interrupt(self) -> None:
        with self.install:
            self.stop.set()
        for proc in list(self.running):
            end_group(proc)


def end_group(proc: subprocess.Popen) -> None:
    """Kill a snippet's whole process group (the snippet and anything it started)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # Windows: no process groups; only the launcher goes (not its child)
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass  # already gone


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file of a unique name, then rename: never half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(tmp, path)


@dataclass
class Job:
    """Everything one run needs: the snippet, where its outputs go, how to run it."""
    snippet: Snippet
    out: Path
    env: dict
    timeout: float
    key: str  # the cache key the manifest records
    provenance: dict  # profile, device, versions, threads, ... for the manifest
    previous: dict | None  # the manifest of the last run, if any


def run(job: Job, supervisor: Supervisor) -> Result:
    """Run one snippet; move its files into the output folder only on success."""
    if supervisor.stop.is_set():
        return Result(job.snippet, "stopped", 0.0, f"{job.snippet}: not run (interrupted)")
    if problem := precheck(job.snippet):
        return Result(job.snippet, "failed", 0.0, problem)
    (job.out / job.snippet.lesson).mkdir(parents=True, exist_ok=True)
    # The scratch folder sits beside the outputs so the final move is a rename.
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=job.out) as tmp:
        start = time.monotonic()
        returncode, stdout, stderr = supervise(job, Path(tmp), supervisor)
        seconds = time.monotonic() - start
        if supervisor.stop.is_set():
            return Result(job.snippet, "stopped", seconds,
                          f"{job.snippet}: stopped by the interrupt (previous figures kept)")
        if returncode is None:
            return Result(job.snippet, "failed", seconds,
                          f"{job.snippet}: timed out after {job.timeout:g} s; it and the "
                          "processes it started were stopped (previous figures kept)")
        if problem := judge(job, Path(tmp), returncode, stdout, stderr):
            return Result(job.snippet, "failed", seconds, problem)
        names, manifest = collect(job, Path(tmp), stdout, seconds)
        if not install(job, Path(tmp), names, manifest, supervisor):
            return Result(job.snippet, "stopped", seconds,
                          f"{job.snippet}: finished after the interrupt; not saved "
                          "(previous figures kept)")
    return Result(job.snippet, "ok", seconds, untranslated=manifest.get("untranslated", {}))


def precheck(snippet: Snippet) -> str | None:
    """A syntax error, a forbidden import or a broken table of Chinese labels, found
    without running anything."""
    source = snippet.path.read_bytes()
    try:
        compile(source, str(snippet.path), "exec")
    except SyntaxError as err:
        return f"{snippet}:{err.lineno}: SyntaxError: {err.msg}"
    if bad := forbidden_imports(source.decode("utf-8")):
        return f"{snippet}: imports {', '.join(bad)}; {IMPORT_RULE}"
    if snippet.labels.exists():
        try:
            labels = json.loads(snippet.labels.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as err:
            return f"{snippet.labels}: not a JSON table of UTF-8 text ({err})"
        if not (isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())):
            return f'{snippet.labels}: should be {{"English text": "中文", ...}}'
    return None


def supervise(job: Job, scratch: Path, supervisor: Supervisor):
    """Run the snippet in `scratch` under the launcher; (returncode, stdout, stderr), the
    returncode None when it timed out or an interrupt came first. Whatever the snippet
    started is ended with it."""
    # Output goes to files, not pipes: a process the snippet leaves behind would hold a
    # pipe open, and the build would wait for it.
    with tempfile.TemporaryFile("w+b") as out_file, tempfile.TemporaryFile("w+b") as err_file:
        # An interrupt sets `stop` holding `install`, then kills what is in `running`:
        # starting the snippet holding `install`, it either sees this one or keeps it from
        # starting (else a snippet started in between would run on, unseen, to its timeout).
        with supervisor.install:
            if supervisor.stop.is_set():
                return None, "", ""
            proc = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, str(os.getpid()),
                 str(job.snippet.path.resolve())],
                cwd=scratch, env=dict(job.env, DLCAMP_FIGURE_LABELS=str(job.snippet.labels)),
                stdout=out_file, stderr=err_file, start_new_session=True)
            supervisor.running.add(proc)
        try:
            proc.wait(timeout=job.timeout)
            returncode = proc.returncode
        except subprocess.TimeoutExpired:
            returncode = None
        finally:
            end_group(proc)  # the snippet, if still running, and whatever it left
            proc.wait()
            supervisor.running.discard(proc)
        out_file.seek(0)
        err_file.seek(0)
        return (returncode, out_file.read().decode("utf-8", errors="replace"),
                err_file.read().decode("utf-8", errors="replace"))


def judge(job: Job, scratch: Path, returncode: int, stdout: str, stderr: str) -> str | None:
    """Why a finished run does not count as a success; None when it does."""
    if returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-12:])
        return (f"{job.snippet}: exited with code {returncode} (previous figures kept)\n"
                f"{tail}")
    figures = figures_in(scratch)
    if not figures and not stdout.strip():
        return f"{job.snippet}: wrote no figure (*.svg, *.png) and printed nothing"
    lost = [Path(rel).name for rel in (job.previous or {}).get("outputs", {})
            if Path(rel).suffix in FIGURE_SUFFIXES and Path(rel).name not in figures]
    if lost:
        return (f"{job.snippet}: no longer writes {', '.join(lost)}, which its last run "
                "made (pages may use it); previous figures kept")
    return None


def figures_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()
                  if p.is_file() and p.suffix in FIGURE_SUFFIXES)


def collect(job: Job, scratch: Path, stdout: str, seconds: float) -> tuple[list[str], dict]:
    """The files to install (figures, and <name>.txt for what it printed) and the manifest."""
    names = figures_in(scratch)
    if stdout.strip():
        (scratch / f"{job.snippet.name}.txt").write_text(stdout, encoding="utf-8")
        names.append(f"{job.snippet.name}.txt")
    manifest = dict(job.provenance, snippet=f"snippets/{job.snippet.id}.py", key=job.key,
                    duration_s=round(seconds, 2),
                    date=datetime.datetime.now(datetime.timezone.utc)
                    .isoformat(timespec="seconds"),
                    outputs={f"{job.snippet.lesson}/{name}": sha256((scratch / name).read_bytes())
                             for name in names})
    report = scratch / ".untranslated.json"  # written by the figure backend
    if report.exists():
        manifest["untranslated"] = json.loads(report.read_text(encoding="utf-8"))
    font = scratch / ".cjk_font.json"  # the backend's Chinese font, when it drew one
    if font.exists():
        manifest["cjk_font"] = json.loads(font.read_text(encoding="utf-8"))
    return names, manifest


def install(job: Job, scratch: Path, names: list[str], manifest: dict,
            supervisor: Supervisor) -> bool:
    """Move the files into place and write the manifest; False (nothing moved) when an
    interrupt came first."""
    lesson_dir = job.out / job.snippet.lesson
    with supervisor.install:
        if supervisor.stop.is_set():
            return False
        for name in names:
            os.replace(scratch / name, lesson_dir / name)
        old_output = lesson_dir / f"{job.snippet.name}.txt"
        if f"{job.snippet.name}.txt" not in names and old_output.exists():
            old_output.unlink()
        write_atomic(manifest_path(job.out, job.snippet),
                     json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return True
