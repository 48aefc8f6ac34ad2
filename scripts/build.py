"""Run the lesson snippets and regenerate the figures and outputs the pages show.

    python scripts/build.py                 # rebuild what changed (full profile)
    python scripts/build.py spiral          # one lesson; 'spiral/spiral_train' for one snippet
    python scripts/build.py --force         # rerun regardless of the cache
    python scripts/build.py --check         # report stale or missing figures, run nothing
    python scripts/build.py --changed       # rerun only edited snippets, keep GPU-made figures
    python scripts/build.py --quick --out /tmp/figs   # quick profile, somewhere else

For every snippet `snippets/<lesson>/<name>.py` the script writes into `<out>/<lesson>/`:
the figures the snippet saved (*.svg, *.png), what it printed (`<name>.txt`) and a manifest
(`<name>.manifest.json`) with the cache key and the provenance of each file. Building into
docs/figures also rewrites the lesson notebooks in docs/notebooks/ (scripts/notebooks.py),
and `--check` then reports out-of-date notebooks as well.

A snippet reruns only when its cache key changes: its source, the shared matplotlibrc, the
profile, the device kind (cpu/cuda) and the library versions. Each one runs in its own
process group, in a scratch folder, with a timeout; a timeout or an interrupt (Ctrl-C,
SIGTERM) ends the group, and its files replace the old ones only when it succeeds. One
build at a time writes to an output folder (a lock; a second one stops and says so).
Needs only the standard library (torch is imported only to ask about a GPU).
"""
from __future__ import annotations

import argparse
import ast
import concurrent.futures as cf
import datetime
import fnmatch
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import notebooks  # noqa: E402  scripts/notebooks.py: the lesson notebooks are built from the outputs

FIGURES = ROOT / "docs" / "figures"
FIGURE_SUFFIXES = {".svg", ".png"}
LIBRARIES = ("torch", "torchvision", "matplotlib", "numpy")
MANIFEST_SUFFIX = ".manifest.json"
SCRATCH_PREFIX = ".figures-tmp-"
LOCK_NAME = ".build.lock"
LABELS_NAME = "figures.zh.json"
# Every figure a snippet saves also comes out in Chinese (<name>-zh.svg): a matplotlib
# backend that only the build uses, so the snippets stay free of translation machinery.
BACKEND_DIR = ROOT / "scripts" / "backend"
# The snippet contract: a snippet imports what every reader has after
# `pip install torch torchvision matplotlib` (numpy comes with them) and the standard library.
ALLOWED_IMPORTS = set(LIBRARIES)
IMPORT_RULE = ("a snippet may import only torch, torchvision, matplotlib, numpy and the "
               "standard library (what every reader has), never project code or another "
               "snippet")


class BuildError(Exception):
    """A problem with the input: reported as one line, without a traceback."""


@dataclass
class Snippet:
    path: Path  # snippets/<lesson>/<name>.py
    lesson: str
    name: str

    def __str__(self) -> str:
        """The path as a reader types it: relative to the working directory if possible."""
        try:
            return str(self.path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)

    @property
    def id(self) -> str:
        return f"{self.lesson}/{self.name}"

    @property
    def labels(self) -> Path:
        """The lesson's table for the Chinese figures (scripts/backend/dlcamp_figures.py)."""
        return self.path.parent / LABELS_NAME

    def labels_sha256(self) -> str:
        """The table matters only to snippets that save figures."""
        if not self.labels.exists() or b"savefig(" not in self.path.read_bytes():
            return ""
        return sha256(self.labels.read_bytes())


@dataclass
class Result:
    snippet: Snippet
    status: str  # "ok", "cached", "failed"
    seconds: float = 0.0
    message: str = ""
    files: list[str] = field(default_factory=list)
    untranslated: dict = field(default_factory=dict)  # Chinese figure -> English texts left


# ---------------------------------------------------------------- discovery


def discover(snippets_dir: Path) -> list[Snippet]:
    """Every snippets/<lesson>/<name>.py, except files starting with '_'."""
    found = []
    for path in sorted(snippets_dir.glob("*/*.py")):
        if not path.name.startswith("_"):
            found.append(Snippet(path, path.parent.name, path.stem))
    return found


def select(snippets: list[Snippet], patterns: list[str]) -> list[Snippet]:
    """Keep the snippets whose lesson or lesson/name matches one of the patterns."""
    if not patterns:
        return snippets
    chosen = []
    for pattern in patterns:
        pattern = pattern.removeprefix("snippets/").removesuffix(".py").rstrip("/")
        hits = [s for s in snippets
                if fnmatch.fnmatch(s.lesson, pattern) or fnmatch.fnmatch(s.id, pattern)]
        if not hits:
            lessons = sorted({s.lesson for s in snippets})
            raise BuildError(f"no lesson or snippet matches '{pattern}' "
                             f"(lessons: {', '.join(lessons) or 'none'})")
        chosen += [s for s in hits if s not in chosen]
    return chosen


# ---------------------------------------------------------------- cache keys


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for lib in LIBRARIES:
        try:
            found[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            found[lib] = "missing"
    return found


def detect_device(force_cpu: bool) -> tuple[str, str]:
    """('cuda', name) when a GPU is usable, else ('cpu', processor)."""
    cpu = ("cpu", platform.processor() or platform.machine())
    # Importing torch costs seconds: only ask it when an NVIDIA driver is there at all.
    if force_cpu or not (Path("/dev/nvidiactl").exists() or shutil.which("nvidia-smi")):
        return cpu
    probe = ("import torch; ok = torch.cuda.is_available(); "
             "print(torch.cuda.get_device_name(0) if ok else '')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    name = out.stdout.strip()
    return ("cuda", name) if out.returncode == 0 and name else cpu


def cache_key(snippet: Snippet, rc: bytes, profile: str, device: str,
              libs: dict[str, str]) -> str:
    parts = [sha256(snippet.path.read_bytes()), sha256(rc), profile, device,
             json.dumps(libs, sort_keys=True)]
    if labels := snippet.labels_sha256():  # snippets without figures keep their keys
        parts.append(labels)
    return sha256("\n".join(parts).encode())


def manifest_path(out: Path, snippet: Snippet) -> Path:
    return out / snippet.lesson / f"{snippet.name}{MANIFEST_SUFFIX}"


def read_manifest(out: Path, snippet: Snippet) -> dict | None:
    path = manifest_path(out, snippet)
    try:
        return json.loads(path.read_text())
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


# ---------------------------------------------------------------- running


def syntax_error(snippet: Snippet) -> str | None:
    try:
        compile(snippet.path.read_bytes(), str(snippet.path), "exec")
    except SyntaxError as err:
        return f"{snippet}:{err.lineno}: SyntaxError: {err.msg}"
    return None


def forbidden_imports(source: str) -> list[str]:
    """The modules a snippet imports that the snippet contract does not allow."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if not (top in ALLOWED_IMPORTS or top in sys.stdlib_module_names):
                found.append(name)
    return found


def snippet_env(profile: str, force_cpu: bool, threads: int, rc_file: Path) -> dict:
    env = dict(os.environ)
    env.update(
        MPLBACKEND="module://dlcamp_figures",  # Agg, and each figure again in Chinese
        PYTHONPATH=os.pathsep.join(filter(None, [str(BACKEND_DIR),
                                                 os.environ.get("PYTHONPATH")])),
        MATPLOTLIBRC=str(rc_file),  # house style and svg.hashsalt: byte-identical SVGs
        SOURCE_DATE_EPOCH="0",  # no run date inside SVG/PNG files
        PYTHONHASHSEED="0",
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
        OMP_NUM_THREADS=str(threads),
    )
    # Datasets (MNIST) live in data/ at the repository root unless DLCAMP_DATA points
    # elsewhere, never in the scratch folder whose files become the page's outputs.
    env.setdefault("DLCAMP_DATA", str(ROOT / "data"))
    env.pop("DLCAMP_QUICK", None)
    if profile == "quick":
        env["DLCAMP_QUICK"] = "1"
    if force_cpu:
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


# A snippet runs under this launcher, the leader of a new process group, so that a timeout
# or an interrupt can end the snippet together with every process it started. On Linux the
# kernel also sends the launcher SIGTERM when build.py dies, even by SIGKILL
# (PR_SET_PDEATHSIG), and the launcher then kills its whole group: nothing is orphaned.
LAUNCHER = """\
import ctypes, os, signal, subprocess, sys
def end_group(*_):
    os.killpg(0, signal.SIGKILL)
signal.signal(signal.SIGTERM, end_group)
if sys.platform == "linux":
    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != int(sys.argv[1]):  # build.py died before prctl
        end_group()
sys.exit(subprocess.call([sys.executable, sys.argv[2]]))
"""

# Interrupts: build.py sets STOP (holding INSTALL) and kills the running process groups.
# A snippet installs its files only while holding INSTALL with STOP clear, so after an
# interrupt no snippet's files are installed any more: the message can say what was saved.
STOP, INSTALL = threading.Event(), threading.Lock()
RUNNING: set[subprocess.Popen] = set()


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


def run_one(snippet: Snippet, out: Path, env: dict, timeout: float, key: str,
            provenance: dict, previous: dict | None) -> Result:
    """Run a snippet in a scratch folder; move its files into `out` only on success."""
    start = time.monotonic()
    if STOP.is_set():
        return Result(snippet, "stopped", 0.0, f"{snippet}: not run (interrupted)")
    if error := syntax_error(snippet):
        return Result(snippet, "failed", 0.0, error)
    if bad := forbidden_imports(snippet.path.read_text(encoding="utf-8")):
        return Result(snippet, "failed", 0.0,
                      f"{snippet}: imports {', '.join(bad)}; {IMPORT_RULE}")
    lesson_dir = out / snippet.lesson
    lesson_dir.mkdir(parents=True, exist_ok=True)
    # The scratch folder sits beside the outputs so the final move is a rename.
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=out) as tmp:
        # Output goes to files, not pipes: a process the snippet leaves behind would hold
        # a pipe open, and the build would wait for it.
        with tempfile.TemporaryFile("w+b") as out_file, \
                tempfile.TemporaryFile("w+b") as err_file:
            proc = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, str(os.getpid()),
                 str(snippet.path.resolve())],
                cwd=tmp, env=dict(env, DLCAMP_FIGURE_LABELS=str(snippet.labels)),
                stdout=out_file, stderr=err_file, start_new_session=True)
            RUNNING.add(proc)
            try:
                proc.wait(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                end_group(proc)  # the snippet, if still running, and whatever it left
                proc.wait()
                RUNNING.discard(proc)
            out_file.seek(0)
            err_file.seek(0)
            stdout = out_file.read().decode("utf-8", errors="replace")
            stderr = err_file.read().decode("utf-8", errors="replace")
        if timed_out:
            return Result(snippet, "failed", time.monotonic() - start,
                          f"{snippet}: timed out after {timeout:g} s; it and the processes "
                          "it started were stopped (previous figures kept)")
        seconds = time.monotonic() - start
        if STOP.is_set():
            return Result(snippet, "stopped", seconds,
                          f"{snippet}: stopped by the interrupt (previous figures kept)")
        if proc.returncode != 0:
            tail = "\n".join(stderr.strip().splitlines()[-12:])
            return Result(snippet, "failed", seconds,
                          f"{snippet}: exited with code {proc.returncode} "
                          f"(previous figures kept)\n{tail}")
        figures = sorted(p.name for p in Path(tmp).iterdir()
                         if p.is_file() and p.suffix in FIGURE_SUFFIXES)
        if not figures and not stdout.strip():
            return Result(snippet, "failed", seconds,
                          f"{snippet}: wrote no figure (*.svg, *.png) and printed nothing")
        lost = [Path(rel).name for rel in (previous or {}).get("outputs", {})
                if Path(rel).suffix in FIGURE_SUFFIXES and Path(rel).name not in figures]
        if lost:
            return Result(snippet, "failed", seconds,
                          f"{snippet}: no longer writes {', '.join(lost)}, which its "
                          "last run made (pages may use it); previous figures kept")
        if stdout.strip():
            (Path(tmp) / f"{snippet.name}.txt").write_text(stdout, encoding="utf-8")
        names = figures + ([f"{snippet.name}.txt"] if stdout.strip() else [])
        outputs = {f"{snippet.lesson}/{name}": sha256((Path(tmp) / name).read_bytes())
                   for name in names}
        report = Path(tmp) / ".untranslated.json"  # written by the figure backend
        untranslated = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
        manifest = dict(provenance, snippet=f"snippets/{snippet.id}.py", key=key,
                        duration_s=round(seconds, 2),
                        date=datetime.datetime.now(datetime.timezone.utc)
                        .isoformat(timespec="seconds"), outputs=outputs)
        if untranslated:
            manifest["untranslated"] = untranslated
        with INSTALL:
            if STOP.is_set():
                return Result(snippet, "stopped", seconds,
                              f"{snippet}: finished after the interrupt; not saved "
                              "(previous figures kept)")
            for name in names:
                os.replace(Path(tmp) / name, lesson_dir / name)
            old_output = lesson_dir / f"{snippet.name}.txt"
            if not stdout.strip() and old_output.exists():
                old_output.unlink()
            write_atomic(manifest_path(out, snippet),
                         json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Result(snippet, "ok", seconds, files=names, untranslated=untranslated)


# ---------------------------------------------------------------- modes


def check(snippets: list[Snippet], out: Path, rc: bytes, profile: str,
          orphans: bool = True) -> list[str]:
    """Why each snippet's committed outputs are stale; empty when all are fresh.

    Stale means: never built, the snippet or matplotlibrc changed since the run, another
    profile, or an output missing or edited. Device and library versions do not count:
    figures made on a GPU machine stay valid on a CPU machine."""
    problems = []
    for snippet in snippets:
        manifest = read_manifest(out, snippet)
        if manifest is None:
            problems.append(f"{snippet}: never built (no {manifest_path(out, snippet)})")
            continue
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
        problems += [f"{snippet}: {p}" for p in outputs_intact(out, manifest)]
    known = {f"{s.lesson}/{s.name}" for s in snippets}
    for path in sorted(out.glob(f"*/*{MANIFEST_SUFFIX}")):
        snippet_id = f"{path.parent.name}/{path.name.removesuffix(MANIFEST_SUFFIX)}"
        if orphans and snippet_id not in known:
            problems.append(f"{path}: its snippet snippets/{snippet_id}.py no longer exists")
    return problems


def print_table(results: list[Result]) -> None:
    width = max(len(r.snippet.id) for r in results)
    print(f"\n{'snippet':{width}s}  {'status':7s}  {'seconds':>8s}")
    for r in sorted(results, key=lambda r: -r.seconds):
        print(f"{r.snippet.id:{width}s}  {r.status:7s}  {r.seconds:8.1f}")


def scratch_folders(out: Path) -> list[Path]:
    return sorted(out.glob(f"{SCRATCH_PREFIX}*"))


def lock(out: Path):
    """Hold the output folder's lock, or raise BuildError naming the build that holds it.
    The operating system releases it when this process ends, however it ends. Returns the
    open lock file (keep it open), or None where the platform has no file locks."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock (one build at a time is up to the author)
        return None
    path = out / LOCK_NAME
    file = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        file.seek(0)
        holder = file.read().strip() or "unknown"
        file.close()
        raise BuildError(f"another build (pid {holder}) is writing to {out}; wait for it "
                         "to finish or stop it, then run this again") from None
    file.seek(0)
    file.truncate()
    file.write(f"{os.getpid()}\n")
    file.flush()
    return file


def project_notebooks(snippets_dir: Path, out: Path) -> Path | None:
    """The project root when `out` is its docs/figures: the notebooks there carry the
    outputs and are rewritten with them; None when building somewhere else."""
    root = snippets_dir.resolve().parent
    if out.resolve() == root / "docs" / "figures" and (root / "docs" / "lessons").is_dir():
        return root
    return None


def check_mode(chosen: list[Snippet], out: Path, rc: bytes, profile: str,
               everything: bool, root: Path | None) -> int:
    problems = check(chosen, out, rc, profile, orphans=everything)
    if everything and root:
        try:
            problems += notebooks.stale(root)
        except (OSError, ValueError) as err:
            raise BuildError(f"cannot check the notebooks: {err}") from None
    for line in problems:
        print(line)
    if scratch := scratch_folders(out) if out.is_dir() else []:
        try:
            held = lock(out)
        except BuildError:  # a build is running: its scratch folders are live
            print(f"note: a build is running in {out} ({len(scratch)} scratch folders)")
        else:
            print(f"note: {len(scratch)} scratch folders left by an interrupted build "
                  f"({', '.join(p.name for p in scratch)}); the next build removes them")
            if held:
                held.close()
    print(f"{len(chosen)} snippets checked: "
          f"{'all figures are fresh' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


def build(args: argparse.Namespace) -> int:
    snippets_dir, out = Path(args.snippets), Path(args.out)
    if not snippets_dir.is_dir():
        raise BuildError(f"snippet folder {snippets_dir} does not exist")
    rc_file = snippets_dir / "matplotlibrc"
    rc = rc_file.read_bytes() if rc_file.exists() else b""
    chosen = select(discover(snippets_dir), args.patterns)
    if args.shard:
        index, count = args.shard
        chosen = chosen[index::count]
    profile = "quick" if args.quick else "full"
    root = project_notebooks(snippets_dir, out)

    if args.check:
        everything = not args.patterns and not args.shard
        return check_mode(chosen, out, rc, profile, everything, root)

    try:
        out.mkdir(parents=True, exist_ok=True)
        held = lock(out)  # held while this function runs, released when the process ends
    except OSError as err:
        raise BuildError(f"cannot write to the output folder {out}: "
                         f"{err.strerror or err}") from None
    for stale in scratch_folders(out):  # we hold the lock: no other build is using them
        shutil.rmtree(stale, ignore_errors=True)
        print(f"removed {stale.name}, a scratch folder an interrupted build left in {out}")

    device, device_name = detect_device(args.cpu)
    libs = versions()
    jobs = args.jobs or (1 if device == "cuda" else max(1, os.cpu_count() or 1))
    # Share the cores between parallel snippets, unless OMP_NUM_THREADS says otherwise
    # (the tests set it to 1: pytest-xdist already runs one snippet per core).
    threads = int(os.environ.get("OMP_NUM_THREADS") or max(1, (os.cpu_count() or 1) // jobs))
    env = snippet_env(profile, args.cpu, threads, rc_file)
    print(f"device: {device} ({device_name}); profile: {profile}; jobs: {jobs}; "
          f"torch {libs['torch']}")

    todo, results = [], []
    for snippet in chosen:
        key = cache_key(snippet, rc, profile, device, libs)
        previous = read_manifest(out, snippet)
        if args.changed:  # keep figures made elsewhere (a GPU, other versions)
            fresh = not check([snippet], out, rc, profile, orphans=False)
        else:
            fresh = (previous is not None and previous.get("key") == key
                     and not outputs_intact(out, previous))
        if fresh and not args.force:
            results.append(Result(snippet, "cached"))
        else:
            todo.append((snippet, key, previous))

    # threads: on the CPU a different thread count sums floats in another order, and a
    # sensitive training run (resnet/degradation's deep plain net) can end elsewhere
    provenance = dict(profile=profile, device=device, device_name=device_name,
                      threads=threads, versions=libs, matplotlibrc_sha256=sha256(rc))
    interrupted = run_all(todo, out, env, args.timeout, provenance, jobs, results)

    failed = [r for r in results if r.status == "failed"]
    cached = sum(r.status == "cached" for r in results)
    saved = [r for r in results if r.status == "ok"]
    if todo:
        print_table(results)
    for r in results:
        for figure, texts in r.untranslated.items():
            print(f"note: {r.snippet.lesson}/{figure} keeps English text "
                  f"{', '.join(repr(t) for t in texts)}: add it to {r.snippet.labels}")
    for r in failed:
        print(f"\nFAILED {r.message}", file=sys.stderr)
    if interrupted:
        print(f"\ninterrupted: {len(saved)} snippets finished before it and are saved"
              + (f" ({', '.join(r.snippet.id for r in saved)})" if saved else "")
              + f"; the other {len(todo) - len(saved)} keep their old figures")
    else:
        print(f"\n{len(saved)} ok, {cached} cached, {len(failed)} failed")
    if root:
        # The notebooks carry the outputs: keep them in step. A snippet whose current code
        # has no outputs yet (failed, stopped) keeps its old cell (scripts/notebooks.py).
        try:
            changed = notebooks.write(root)
        except (OSError, ValueError) as err:
            raise BuildError(f"the figures are built, but not the notebooks: {err}") from None
        print(f"notebooks: {len(changed)} rewritten in docs/notebooks/")
    return 130 if interrupted else 1 if failed else 0


def run_all(todo, out, env, timeout, provenance, jobs, results) -> bool:
    """Run the snippets, `jobs` at a time, with progress; True when interrupted (Ctrl-C or
    SIGTERM): then the running snippets are stopped with all their processes."""
    def on_sigterm(signum, frame):
        raise KeyboardInterrupt
    previous_handler = signal.signal(signal.SIGTERM, on_sigterm)
    STOP.clear()
    done = 0
    pool = cf.ThreadPoolExecutor(max_workers=jobs)
    futures = {}
    try:
        for snippet, key, previous in todo:
            prov = dict(provenance, source_sha256=sha256(snippet.path.read_bytes()),
                        labels_sha256=snippet.labels_sha256())
            futures[pool.submit(run_one, snippet, out, env, timeout, key, prov,
                                previous)] = snippet
        if todo:
            print(f"running {len(todo)} snippets: "
                  + ", ".join(s.id for s, _, _ in todo), flush=True)
        started, pending = time.monotonic(), set(futures)
        while pending:
            finished, pending = cf.wait(pending, timeout=30, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                results.append(result)
                done += 1
                mark = "ok" if result.status == "ok" else result.status.upper()
                print(f"[{done}/{len(todo)}] {mark:7s} {result.snippet.id} "
                      f"({result.seconds:.1f} s)", flush=True)
            if not finished:  # a heartbeat, so a long run does not look stuck
                running = [futures[f].id for f in pending if f.running()]
                print(f"  ... {time.monotonic() - started:.0f} s: running "
                      f"{', '.join(running)}; {len(pending) - len(running)} waiting",
                      flush=True)
        pool.shutdown()
        return False
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with INSTALL:
            STOP.set()
        for proc in list(RUNNING):
            end_group(proc)
        pool.shutdown(wait=True, cancel_futures=True)
        counted = {id(r) for r in results}
        for future in futures:
            if future.done() and not future.cancelled():
                result = future.result()
                if id(result) not in counted:
                    results.append(result)
        return True
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"wants a whole number of snippets, 1 or more, "
                                         f"got '{text}'")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"wants a number of seconds above 0, got '{text}'")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("patterns", nargs="*",
                        help="lesson or lesson/snippet names (shell patterns); default: all")
    parser.add_argument("--force", action="store_true", help="rerun even if cached")
    parser.add_argument("--changed", action="store_true",
                        help="rerun only snippets whose source or profile changed, keeping "
                        "figures made on another device or with other library versions")
    parser.add_argument("--check", action="store_true",
                        help="only report stale or missing figures; exit 1 if any")
    parser.add_argument("--quick", action="store_true",
                        help="quick profile (DLCAMP_QUICK=1), as the tests use")
    parser.add_argument("--cpu", action="store_true", help="hide any GPU from the snippets")
    parser.add_argument("-j", "--jobs", type=positive_int, default=None,
                        help="snippets run at once (default: 1 on a GPU, else one per core)")
    parser.add_argument("--timeout", type=seconds, default=1800,
                        help="seconds before a snippet is stopped (default 1800)")
    parser.add_argument("--shard", metavar="I/N",
                        help="run only the I-th of N slices of the selection (CI runners)")
    parser.add_argument("--snippets", default=str(ROOT / "snippets"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(FIGURES),
                        help="output folder (default: docs/figures)")
    args = parser.parse_args(argv)
    if args.shard:
        try:
            index, count = (int(n) for n in args.shard.split("/"))
            assert 0 <= index < count
        except (ValueError, AssertionError):
            parser.error(f"--shard wants I/N with 0 <= I < N, got '{args.shard}'")
        args.shard = (index, count)
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        return build(parse_args(argv))
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before any snippet ran
        print("\ninterrupted before any snippet ran; nothing changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
