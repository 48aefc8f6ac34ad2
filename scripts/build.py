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
process, in a temporary folder, with a timeout; its files replace the old ones only when it
succeeds. Needs only the standard library (torch is imported only to ask about a GPU).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime
import fnmatch
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
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


@dataclass
class Result:
    snippet: Snippet
    status: str  # "ok", "cached", "failed"
    seconds: float = 0.0
    message: str = ""
    files: list[str] = field(default_factory=list)


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


def snippet_env(profile: str, force_cpu: bool, threads: int, rc_file: Path) -> dict:
    env = dict(os.environ)
    env.update(
        MPLBACKEND="Agg",
        MATPLOTLIBRC=str(rc_file),  # house style and svg.hashsalt: byte-identical SVGs
        SOURCE_DATE_EPOCH="0",  # no run date inside SVG/PNG files
        PYTHONHASHSEED="0",
        PYTHONUNBUFFERED="1",
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


def run_one(snippet: Snippet, out: Path, env: dict, timeout: float, key: str,
            provenance: dict, previous: dict | None) -> Result:
    """Run a snippet in a scratch folder; move its files into `out` only on success."""
    start = time.monotonic()
    if error := syntax_error(snippet):
        return Result(snippet, "failed", 0.0, error)
    lesson_dir = out / snippet.lesson
    lesson_dir.mkdir(parents=True, exist_ok=True)
    # The scratch folder sits beside the outputs so the final move is a rename.
    with tempfile.TemporaryDirectory(prefix=".figures-tmp-", dir=out) as tmp:
        try:
            proc = subprocess.run([sys.executable, str(snippet.path.resolve())], cwd=tmp,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Result(snippet, "failed", time.monotonic() - start,
                          f"{snippet}: timed out after {timeout:g} s "
                          "(previous figures kept)")
        seconds = time.monotonic() - start
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
            return Result(snippet, "failed", seconds,
                          f"{snippet}: exited with code {proc.returncode} "
                          f"(previous figures kept)\n{tail}")
        figures = sorted(p.name for p in Path(tmp).iterdir()
                         if p.is_file() and p.suffix in FIGURE_SUFFIXES)
        if not figures and not proc.stdout.strip():
            return Result(snippet, "failed", seconds,
                          f"{snippet}: wrote no figure (*.svg, *.png) and printed nothing")
        lost = [Path(rel).name for rel in (previous or {}).get("outputs", {})
                if Path(rel).suffix in FIGURE_SUFFIXES and Path(rel).name not in figures]
        if lost:
            return Result(snippet, "failed", seconds,
                          f"{snippet}: no longer writes {', '.join(lost)}, which its "
                          "last run made (pages may use it); previous figures kept")
        if proc.stdout.strip():
            (Path(tmp) / f"{snippet.name}.txt").write_text(proc.stdout)
        names = figures + ([f"{snippet.name}.txt"] if proc.stdout.strip() else [])
        outputs = {}
        for name in names:
            outputs[f"{snippet.lesson}/{name}"] = sha256((Path(tmp) / name).read_bytes())
            os.replace(Path(tmp) / name, lesson_dir / name)
        old_output = lesson_dir / f"{snippet.name}.txt"
        if not proc.stdout.strip() and old_output.exists():
            old_output.unlink()
    manifest = dict(provenance, snippet=f"snippets/{snippet.id}.py", key=key, duration_s=round(seconds, 2),
                    date=datetime.datetime.now(datetime.timezone.utc)
                    .isoformat(timespec="seconds"), outputs=outputs)
    path = manifest_path(out, snippet)
    path.with_suffix(".tmp").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(path.with_suffix(".tmp"), path)
    return Result(snippet, "ok", seconds, files=names)


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

    if args.check:
        everything = not args.patterns and not args.shard
        problems = check(chosen, out, rc, profile, orphans=everything)
        if everything and out.resolve() == FIGURES:
            problems += notebooks.stale()
        for line in problems:
            print(line)
        print(f"{len(chosen)} snippets checked: "
              f"{'all figures are fresh' if not problems else f'{len(problems)} problems'}")
        return 1 if problems else 0

    device, device_name = detect_device(args.cpu)
    libs = versions()
    jobs = args.jobs or (1 if device == "cuda" else max(1, os.cpu_count() or 1))
    # Share the cores between parallel snippets, unless OMP_NUM_THREADS says otherwise
    # (the tests set it to 1: pytest-xdist already runs one snippet per core).
    threads = int(os.environ.get("OMP_NUM_THREADS") or max(1, (os.cpu_count() or 1) // jobs))
    env = snippet_env(profile, args.cpu, threads, rc_file)
    out.mkdir(parents=True, exist_ok=True)
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

    provenance = dict(profile=profile, device=device, device_name=device_name,
                      versions=libs, matplotlibrc_sha256=sha256(rc))
    done = 0
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for snippet, key, previous in todo:
            prov = dict(provenance, source_sha256=sha256(snippet.path.read_bytes()))
            futures[pool.submit(run_one, snippet, out, env, args.timeout, key, prov,
                                previous)] = snippet
        if todo:
            print(f"running {len(todo)} of {len(chosen)} snippets: "
                  + ", ".join(s.id for s, _, _ in todo), flush=True)
        started, pending = time.monotonic(), set(futures)
        try:
            while pending:
                finished, pending = cf.wait(pending, timeout=30,
                                            return_when=cf.FIRST_COMPLETED)
                for future in finished:
                    result = future.result()
                    results.append(result)
                    done += 1
                    mark = "ok" if result.status == "ok" else "FAILED"
                    print(f"[{done}/{len(todo)}] {mark:6s} {result.snippet.id} "
                          f"({result.seconds:.1f} s)", flush=True)
                if not finished:  # a heartbeat, so a long run does not look stuck
                    running = [futures[f].id for f in pending if f.running()]
                    print(f"  ... {time.monotonic() - started:.0f} s: running "
                          f"{', '.join(running)}; {len(pending) - len(running)} waiting",
                          flush=True)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            print("\ninterrupted: finished snippets are saved, the rest keep their old figures")
            return 130

    failed = [r for r in results if r.status == "failed"]
    cached = sum(r.status == "cached" for r in results)
    if todo:
        print_table(results)
    for r in failed:
        print(f"\nFAILED {r.message}", file=sys.stderr)
    print(f"\n{len(todo) - len(failed)} ok, {cached} cached, {len(failed)} failed")
    if out.resolve() == FIGURES:  # the notebooks carry the outputs: keep them in step
        try:
            changed = notebooks.write()
        except (OSError, ValueError) as err:
            raise BuildError(f"the figures are built, but not the notebooks: {err}") from err
        print(f"notebooks: {len(changed)} rewritten in docs/notebooks/")
    return 1 if failed else 0


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
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="snippets run at once (default: 1 on a GPU, else one per core)")
    parser.add_argument("--timeout", type=float, default=1800,
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


if __name__ == "__main__":
    sys.exit(main())
