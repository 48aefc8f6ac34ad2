"""Run the lesson snippets and regenerate the figures and outputs the pages show.

    python scripts/build.py                 # rebuild what changed (full profile)
    python scripts/build.py spiral          # one lesson; 'spiral/spiral_train' for one snippet
    python scripts/build.py --force         # rerun regardless of the cache
    python scripts/build.py --check         # report stale or missing figures, run nothing
    python scripts/build.py --changed       # rerun only edited snippets, keep GPU-made figures
    python scripts/build.py --quick --out /tmp/figs   # quick profile, somewhere else

A build is three steps: plan (which snippets, which are cached, the environment they run
in), run (each snippet as in run_snippet.py, `jobs` at a time, with progress; Ctrl-C or
SIGTERM stops them all) and report (a timing table, failures, notes, and the lesson
notebooks rewritten from the new outputs). For every snippet `snippets/<lesson>/<name>.py`
it writes into `<out>/<lesson>/` the figures the snippet saved (*.svg, *.png, and their
Chinese twins), what it printed (`<name>.txt`) and `<name>.manifest.json`.

A snippet reruns only when its cache key changes: its source, the shared matplotlibrc, the
Chinese labels, the profile, the device kind (cpu/cuda) and the library versions. One build
at a time writes to an output folder (a lock; a second one stops and says so). Needs only
the standard library (torch is imported only to ask about a GPU).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import fnmatch
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from dlcamp.facts import FIGURES, ROOT, SNIPPETS
from dlcamp.figure_build import notebooks
from dlcamp.figure_build.run_snippet import (SCRATCH_PREFIX, Job, Result, Supervisor,
                                             run as run_snippet)
from dlcamp.lessons import BY_SLUG
from dlcamp.outputs import (BuildError, Snippet, discover, matplotlibrc, orphans,
                            outputs_intact, read_manifest, sha256, stale_reasons)

LIBRARIES = ("torch", "torchvision", "matplotlib", "numpy")
LOCK_NAME = ".build.lock"
# the matplotlib backend every snippet runs with: Agg, and each figure again in Chinese
BACKEND = "module://dlcamp.figure_build.backend"
SCRIPTS = Path(__file__).resolve().parents[2]  # the folder that holds the dlcamp package


# ---------------------------------------------------------------- plan


@dataclass
class Plan:
    profile: str  # "full" or "quick"
    device: str  # "cpu" or "cuda"
    device_name: str
    jobs: int
    libs: dict[str, str]
    todo: list[Job]  # the snippets to run, each with its environment
    cached: list[Result]  # those whose outputs are fresh


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


def threads_for(snippet: Snippet, jobs: int) -> int:
    """CPU threads per snippet: OMP_NUM_THREADS when set (the tests set 1), else the
    lesson's own setting (lessons.py: its prose was written for that run), else the cores
    shared between the snippets running at once. Another thread count sums floats in
    another order, and a sensitive training run can end elsewhere."""
    if os.environ.get("OMP_NUM_THREADS"):
        return int(os.environ["OMP_NUM_THREADS"])
    lesson = BY_SLUG.get(snippet.lesson)
    if lesson and lesson.threads:
        return lesson.threads
    return max(1, (os.cpu_count() or 1) // jobs)


def snippet_env(profile: str, force_cpu: bool, threads: int, rc_file: Path) -> dict:
    env = dict(os.environ)
    env.update(
        MPLBACKEND=BACKEND,
        PYTHONPATH=os.pathsep.join(filter(None, [str(SCRIPTS), os.environ.get("PYTHONPATH")])),
        MATPLOTLIBRC=str(rc_file),  # house style and svg.hashsalt: byte-identical SVGs
        SOURCE_DATE_EPOCH="0",  # no run date inside SVG/PNG files
        PYTHONHASHSEED="0",
        PYTHONUNBUFFERED="1",
        PYTHONIOENCODING="utf-8",
        OMP_NUM_THREADS=str(threads),
    )
    # Datasets live in data/ at the repository root unless DLCAMP_DATA points elsewhere,
    # never in the scratch folder whose files become the page's outputs.
    env.setdefault("DLCAMP_DATA", str(ROOT / "data"))
    env.pop("DLCAMP_QUICK", None)
    if profile == "quick":
        env["DLCAMP_QUICK"] = "1"
    if force_cpu:
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


def plan(args: argparse.Namespace, chosen: list[Snippet], out: Path, rc_file: Path) -> Plan:
    """Which snippets run (the others are cached) and the environment each runs in."""
    rc = rc_file.read_bytes() if rc_file.exists() else b""
    profile = "quick" if args.quick else "full"
    device, device_name = detect_device(args.cpu)
    libs = versions()
    jobs = args.jobs or (1 if device == "cuda" else max(1, os.cpu_count() or 1))
    todo, cached = [], []
    for snippet in chosen:
        key = cache_key(snippet, rc, profile, device, libs)
        previous = read_manifest(out, snippet)
        if args.changed:  # keep figures made elsewhere (a GPU, other versions)
            fresh = not stale_reasons(snippet, out, rc, profile)
        else:
            fresh = (previous is not None and previous.get("key") == key
                     and not outputs_intact(out, previous))
        if fresh and not args.force:
            cached.append(Result(snippet, "cached"))
            continue
        threads = threads_for(snippet, jobs)
        provenance = dict(profile=profile, device=device, device_name=device_name,
                          threads=threads, versions=libs, matplotlibrc_sha256=sha256(rc),
                          source_sha256=sha256(snippet.path.read_bytes()),
                          labels_sha256=snippet.labels_sha256())
        todo.append(Job(snippet, out, snippet_env(profile, args.cpu, threads, rc_file),
                        args.timeout, key, provenance, previous))
    return Plan(profile, device, device_name, jobs, libs, todo, cached)


# ---------------------------------------------------------------- run


def run_all(plan: Plan) -> tuple[list[Result], bool]:
    """Run the planned snippets, `jobs` at a time, with progress. Returns the results and
    whether the build was interrupted (Ctrl-C or SIGTERM): then the running snippets are
    stopped with all their processes and nothing more is installed."""
    supervisor, results = Supervisor(), []

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt
    previous_handler = signal.signal(signal.SIGTERM, on_sigterm)
    pool = cf.ThreadPoolExecutor(max_workers=plan.jobs)
    futures = {}
    try:
        for job in plan.todo:
            futures[pool.submit(run_snippet, job, supervisor)] = job.snippet
        if plan.todo:
            print(f"running {len(plan.todo)} snippets: "
                  + ", ".join(job.snippet.id for job in plan.todo), flush=True)
        started, pending = time.monotonic(), set(futures)
        while pending:
            finished, pending = cf.wait(pending, timeout=30, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                results.append(result)
                mark = "ok" if result.status == "ok" else result.status.upper()
                print(f"[{len(results)}/{len(plan.todo)}] {mark:7s} {result.snippet.id} "
                      f"({result.seconds:.1f} s)", flush=True)
            if not finished:  # a heartbeat, so a long run does not look stuck
                running = [futures[f].id for f in pending if f.running()]
                print(f"  ... {time.monotonic() - started:.0f} s: running "
                      f"{', '.join(running)}; {len(pending) - len(running)} waiting",
                      flush=True)
        pool.shutdown()
        return results, False
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.interrupt()
        pool.shutdown(wait=True, cancel_futures=True)
        counted = {id(r) for r in results}
        results += [f.result() for f in futures
                    if f.done() and not f.cancelled() and id(f.result()) not in counted]
        return results, True
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


# ---------------------------------------------------------------- report


def report(plan: Plan, results: list[Result], interrupted: bool) -> None:
    failed = [r for r in results if r.status == "failed"]
    saved = [r for r in results if r.status == "ok"]
    if plan.todo:
        width = max(len(r.snippet.id) for r in results + plan.cached)
        print(f"\n{'snippet':{width}s}  {'status':7s}  {'seconds':>8s}")
        for r in sorted(results + plan.cached, key=lambda r: -r.seconds):
            print(f"{r.snippet.id:{width}s}  {r.status:7s}  {r.seconds:8.1f}")
    for r in results:
        for figure, texts in r.untranslated.items():
            print(f"note: {r.snippet.lesson}/{figure} keeps English text "
                  f"{', '.join(repr(t) for t in texts)}: add it to {r.snippet.labels}")
    for r in failed:
        print(f"\nFAILED {r.message}", file=sys.stderr)
    if interrupted:
        print(f"\ninterrupted: {len(saved)} snippets finished before it and are saved"
              + (f" ({', '.join(r.snippet.id for r in saved)})" if saved else "")
              + f"; the other {len(plan.todo) - len(saved)} keep their old figures")
    else:
        print(f"\n{len(saved)} ok, {len(plan.cached)} cached, {len(failed)} failed")


# ---------------------------------------------------------------- the command


def project_root(snippets_dir: Path, out: Path) -> Path | None:
    """The project root when `out` is its docs/figures: the notebooks there carry the
    outputs and are rewritten with them; None when building somewhere else."""
    root = snippets_dir.resolve().parent
    if out.resolve() == root / "docs" / "figures" and (root / "docs" / "lessons").is_dir():
        return root
    return None


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
    file = open(out / LOCK_NAME, "a+", encoding="utf-8")
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


def check(chosen: list[Snippet], out: Path, rc: bytes, profile: str, everything: bool,
          root: Path | None) -> int:
    """--check: list what is stale, run nothing; 1 if anything is."""
    problems = [p for s in chosen for p in stale_reasons(s, out, rc, profile)]
    if everything:
        problems += orphans(chosen, out)
        if root:
            problems += notebooks.stale(root)
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
    chosen = select(discover(snippets_dir), args.patterns)
    if args.shard:
        index, count = args.shard
        chosen = chosen[index::count]
    root = project_root(snippets_dir, out)
    rc_file = snippets_dir / "matplotlibrc"
    if args.check:
        return check(chosen, out, matplotlibrc(snippets_dir), "quick" if args.quick else "full",
                     not args.patterns and not args.shard, root)

    try:
        out.mkdir(parents=True, exist_ok=True)
        held = lock(out)  # noqa: F841  held until this process ends
    except OSError as err:
        raise BuildError(f"cannot write to the output folder {out}: "
                         f"{err.strerror or err}") from None
    for stale in scratch_folders(out):  # we hold the lock: no other build is using them
        shutil.rmtree(stale, ignore_errors=True)
        print(f"removed {stale.name}, a scratch folder an interrupted build left in {out}")

    the_plan = plan(args, chosen, out, rc_file)
    print(f"device: {the_plan.device} ({the_plan.device_name}); profile: {the_plan.profile}; "
          f"jobs: {the_plan.jobs}; torch {the_plan.libs['torch']}")
    results, interrupted = run_all(the_plan)
    report(the_plan, results, interrupted)
    if root:
        # The notebooks carry the outputs: keep them in step. A snippet whose current code
        # has no outputs yet (failed, stopped) keeps its old cell (notebooks.py).
        try:
            changed = notebooks.write(root)
        except BuildError as err:
            raise BuildError(f"the figures are built, but not the notebooks: {err}") from None
        print(f"notebooks: {len(changed)} rewritten in docs/notebooks/")
    failed = any(r.status == "failed" for r in results)
    return 130 if interrupted else 1 if failed else 0


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
    parser = argparse.ArgumentParser(prog="scripts/build.py",
                                     description=__doc__.split("\n\n")[0])
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
    parser.add_argument("--snippets", default=str(SNIPPETS), help=argparse.SUPPRESS)
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
