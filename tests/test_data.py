"""Snippets that need a dataset: a clear message when it is missing, no download when not.

The snippets are found by what they read ($DLCAMP_DATA), so a new one is covered too."""
import json
import subprocess
import sys

import pytest

from project import all_snippets, datasets_loaded, snippet_env

pytestmark = pytest.mark.xdist_group("data")  # one worker runs the missing-data snippets once

USING_DATA = [s for s in all_snippets()
              if "DLCAMP_DATA" in s.path.read_text()]


def run_snippet(snippet, data_root, tmp_path):
    """As a reader runs it: `python snippets/<lesson>/<name>.py`."""
    return subprocess.run([sys.executable, str(snippet.path)], cwd=tmp_path,
                          env=snippet_env(data_root), capture_output=True, text=True,
                          timeout=300)


# Each snippet as `python <snippet>` runs it, but all in one interpreter, which imports torch
# once (a fresh one per snippet took 3-12 s each): __main__ in a fresh namespace, sys.argv
# and sys.path[0] as for a script, its own empty working folder, and its own stdout and
# stderr (file descriptors 1 and 2, so output from C code counts too). It ends the way the
# interpreter ends a script: SystemExit(None) is 0, an int is that code, anything else is
# printed to stderr and gives 1; any other exception prints its traceback and gives 1.
# test_the_report_shows_what_a_reader_sees checks this against a real `python <snippet>`.
ONE_INTERPRETER = r"""
import json, os, runpy, sys, tempfile, traceback
paths, report_path = json.loads(sys.argv[1]), sys.argv[2]
environ, path0, report = dict(os.environ), sys.path[0], {}
for path in paths:
    with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        os.chdir(cwd)
        saved = os.dup(1), os.dup(2)
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.argv, sys.path[0] = [path], os.path.dirname(path)
        try:
            runpy.run_path(path, run_name="__main__")
            code = 0
        except SystemExit as exit:
            code = exit.code
            if code is None:
                code = 0
            elif not isinstance(code, int):
                print(code, file=sys.stderr)
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            os.chdir("/")
            os.environ.clear()
            os.environ.update(environ)
            sys.path[0] = path0
        out.seek(0)
        err.seek(0)
        report[path] = dict(returncode=code, stdout=out.read().decode("utf-8", "replace"),
                            stderr=err.read().decode("utf-8", "replace"))
with open(report_path, "w", encoding="utf-8") as file:
    json.dump(report, file)
"""


@pytest.fixture(scope="session")  # once per worker, even if others' tests come between
def missing_data(tmp_path_factory):
    """(the empty data folder, {snippet id: returncode, stdout, stderr}): every data snippet
    run with DLCAMP_DATA pointing at a folder that does not exist, offline (the proxy in
    conftest.py)."""
    tmp = tmp_path_factory.mktemp("missing-data")
    empty, report = tmp / "no-data-here", tmp / "report.json"
    proc = subprocess.run([sys.executable, "-c", ONE_INTERPRETER,
                           json.dumps([str(s.path) for s in USING_DATA]), str(report)],
                          cwd=tmp, env=snippet_env(empty), capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = json.loads(report.read_text(encoding="utf-8"))
    return empty, {s.id: runs[str(s.path)] for s in USING_DATA}


def test_every_snippet_that_loads_a_dataset_reads_it_from_dlcamp_data():
    """The missing-data tests cover the snippets that read DLCAMP_DATA: every snippet that
    loads a dataset must (tests/test_lessons.py checks the lessons' datasets against the
    registry)."""
    for snippet in all_snippets():
        if loaded := datasets_loaded(snippet.path.read_text()):
            assert snippet in USING_DATA, f"{snippet} loads {loaded} but not from DLCAMP_DATA"


@pytest.mark.parametrize("snippet", USING_DATA, ids=lambda s: s.id)
def test_missing_data_offline_gives_one_clear_message(snippet, missing_data):
    empty, runs = missing_data
    run = runs[snippet.id]
    assert run["returncode"] == 1, run["stderr"]
    assert "Traceback" not in run["stderr"], run["stderr"]
    folder = "FashionMNIST" if "FashionMNIST" in snippet.path.read_text() else "MNIST"
    name = {"MNIST": "MNIST", "FashionMNIST": "Fashion-MNIST"}[folder]
    assert f"{name} is not in {empty}/{folder}/raw" in run["stderr"], run["stderr"]
    assert f"set DLCAMP_DATA to a folder that holds {folder}/raw/" in run["stderr"], \
        run["stderr"]


def test_the_report_shows_what_a_reader_sees(missing_data, tmp_path):
    """The shortcut is faithful: for one snippet (the last one run in that interpreter, after
    all the others), a separate `python <snippet>` gives the same code, stderr and stdout."""
    empty, runs = missing_data
    snippet = USING_DATA[-1]
    proc = run_snippet(snippet, empty, tmp_path)
    run = runs[snippet.id]
    assert (proc.returncode, proc.stderr, proc.stdout) == \
           (run["returncode"], run["stderr"], run["stdout"])


def test_configured_copy_is_used_without_download(mnist_root, tmp_path):
    snippet = min(USING_DATA, key=lambda s: s.path.stat().st_size)  # the quickest one
    proc = run_snippet(snippet, mnist_root, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Downloading" not in proc.stdout + proc.stderr
