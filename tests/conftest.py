"""Shared set-up: no network for anything the tests start, and data without downloading.

Snippets that use MNIST or Fashion-MNIST read them from $DLCAMP_DATA. When that names a
real copy of both (on a machine that has one), the tests use it; otherwise every test session
writes small stand-ins in the real file format (see fake_mnist.py) and points DLCAMP_DATA
there."""
import math
import os
import re
from pathlib import Path

import pytest

from fake_mnist import DATASETS, write_fake_mnist

# A proxy nobody listens on: any download attempt fails at once instead of going out.
for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
    os.environ[var] = "http://127.0.0.1:9"
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "localhost,127.0.0.1"  # the browser tests

# One thread per snippet, however many workers: pytest-xdist already runs one kernel or
# snippet per core (more threads only fight over the cores: a 2-core machine ran some snippets
# 4 times slower), and a snippet's numbers depend on the thread count, so a run with -n 0 or
# -n 1 must see what the suite sees (activations/deep_gradients' quick-profile assert "only
# ReLU + Kaiming learns" passes with one thread and fails with two: issue 22).
os.environ["OMP_NUM_THREADS"] = "1"


def has_data(root: str | None) -> bool:
    return bool(root) and all((Path(root) / folder / "raw" / "t10k-labels-idx1-ubyte").exists()
                              for folder in DATASETS)


@pytest.fixture(scope="session", autouse=True)
def mnist_root(tmp_path_factory) -> Path:
    configured = os.environ.get("DLCAMP_DATA")
    if has_data(configured):
        return Path(configured)
    root = write_fake_mnist(tmp_path_factory.mktemp("data"))
    os.environ["DLCAMP_DATA"] = str(root)
    return root


# ---------------------------------------------------------------- the author's loop

# `pytest --lesson <slug>`: every check that concerns one lesson, in well under a minute.
# Its snippets run in the quick profile (its notebook test), its pages and notebooks are
# checked, and so is what one lesson can break elsewhere: the registry, translations,
# freshness, the site's nav, home lists, glossary and links (one site build). Left out: the
# other lessons, the build script's own tests, the browser, workflows and missing-data runs.
LOOP_MODULES = {"test_lessons.py", "test_translations.py", "test_figures_fresh.py",
                "test_site.py", "test_notebooks.py", "test_printed_tables.py",
                "test_prose_numbers.py"}
NOT_IN_THE_LOOP = {"test_one_kernel_catches_what_leaks_between_snippets",  # a kernel of its own
                   "test_strict_build_fails_on_any_warning"}  # three mkdocs builds


def pytest_addoption(parser):
    parser.addoption("--lesson", metavar="SLUG",
                     help="run only the checks that concern one lesson (CONTRIBUTING.md)")
    parser.addoption("--counterfactuals", action="store_true",
                     help="also run every lesson's counterfactual edits (minutes; "
                          "tests/test_counterfactuals.py)")


def pytest_collection_modifyitems(config, items):
    _only_one_lesson(config, items)
    _counterfactuals_on_request(config, items)
    _slowest_first(config, items)


def _only_one_lesson(config, items):
    slug = config.getoption("--lesson")
    if not slug:
        return
    from dlcamp.lessons import BY_SLUG
    if slug not in BY_SLUG:
        raise pytest.UsageError(f"--lesson {slug}: no such lesson in scripts/dlcamp/lessons.py "
                                f"({', '.join(BY_SLUG)})")
    keep, drop = [], []
    for item in items:
        ids = item.callspec.id if hasattr(item, "callspec") else ""
        lessons = set(re.split(r"[^a-z0-9_]+", ids.lower())) & set(BY_SLUG)
        wanted = (item.path.name in LOOP_MODULES and item.originalname not in NOT_IN_THE_LOOP
                  and (not lessons or slug in lessons))
        (keep if wanted else drop).append(item)
    items[:] = keep
    config.hook.pytest_deselected(items=drop)


# ---------------------------------------------------------------- counterfactual edits

def _counterfactuals_on_request(config, items):
    """The edited snippets run only with --counterfactuals (test_counterfactuals.py)."""
    if config.getoption("--counterfactuals"):
        return
    drop = [item for item in items if item.get_closest_marker("counterfactual")]
    if drop:
        items[:] = [item for item in items if item not in drop]
        config.hook.pytest_deselected(items=drop)


_caught: dict[str, list[int]] = {}  # lesson: [caught, declared]


def _count_counterfactual(report):
    if "test_edit_is_caught[" not in report.nodeid or report.when != "call":
        return
    lesson = report.nodeid.rsplit("[", 1)[1].rsplit("-", 1)[0]
    counts = _caught.setdefault(lesson, [0, 0])
    counts[0] += report.passed
    counts[1] += 1


def pytest_terminal_summary(terminalreporter):
    if not _caught:
        return
    write = terminalreporter.write_line
    write("counterfactual edits caught, per lesson:")
    for lesson, (caught, declared) in _caught.items():
        write(f"  {lesson:14} {caught}/{declared}")
    caught, declared = map(sum, zip(*_caught.values()))
    write(f"  {'all':14} {caught}/{declared} ({caught / declared:.0%})")


# ---------------------------------------------------------------- slowest first

# With `--dist loadgroup` a pytest-xdist worker that is almost out of work takes the next unit
# from one queue: a group (xdist_group: site, data, browser) as a whole, bigger groups first,
# then every other test on its own, in collection order. On 2 cores the suite keeps both busy
# until the queue runs dry, so what decides the end is what starts last: resnet's notebook
# (18 s) queued late, as collection order can have it, leaves the other core idle for most of
# it. So the tests outside groups are queued slowest first, by their durations in the last
# run (pytest's cache, .pytest_cache/), and the short ones fill the end. A notebook run never
# measured (a fresh checkout, a new lesson) counts as slow. Only the order changes, never
# which tests run; under plain pytest (-n 0) the collection order is kept.
DURATIONS = "dlcamp/durations"  # cache key: {test id: seconds, setup and teardown included}
_LAST = pytest.StashKey[dict]()
_now: dict[str, float] = {}


def pytest_configure(config):
    cache = getattr(config, "cache", None)  # absent under -p no:cacheprovider
    if not hasattr(config, "workerinput"):  # the controller, or pytest without xdist
        config.stash[_LAST] = cache.get(DURATIONS, {}) if cache else {}


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist: the workers get the durations the controller read once. Every worker
    must queue the same order, and one reading the cache itself could see the write of a
    session that ended in between."""
    node.workerinput[DURATIONS] = node.config.stash[_LAST]


def _slowest_first(config, items):
    if not hasattr(config, "workerinput"):
        return
    last = config.workerinput.get(DURATIONS, {})

    def expected(item) -> float:
        if item.nodeid in last:
            return last[item.nodeid]
        return math.inf if item.originalname == "test_notebook_runs_top_to_bottom" else 0.0

    grouped = [item for item in items if item.get_closest_marker("xdist_group")]
    alone = sorted((item for item in items if not item.get_closest_marker("xdist_group")),
                   key=expected, reverse=True)  # stable: equals keep collection order
    items[:] = grouped + alone


def pytest_runtest_logreport(report):
    _count_counterfactual(report)
    _now[report.nodeid] = _now.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    cache = getattr(session.config, "cache", None)
    if cache and not hasattr(session.config, "workerinput") and _now:
        cache.set(DURATIONS, {**session.config.stash[_LAST], **_now})
