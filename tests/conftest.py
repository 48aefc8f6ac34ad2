"""Shared set-up: no network for anything the tests start, and data without downloading.

Snippets that use MNIST or Fashion-MNIST read them from $DLCAMP_DATA. When that names a
real copy of both (on a machine that has one), the tests use it; otherwise every test session
writes small stand-ins in the real file format (see fake_mnist.py) and points DLCAMP_DATA
there."""
import os
import re
from pathlib import Path

import pytest

from fake_mnist import DATASETS, write_fake_mnist

# A proxy nobody listens on: any download attempt fails at once instead of going out.
for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
    os.environ[var] = "http://127.0.0.1:9"
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "localhost,127.0.0.1"  # the browser tests

# pytest-xdist already runs one kernel or snippet per core; more threads per process only fight
# over the cores (a 2-core machine ran some snippets 4 times slower).
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
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
                "test_site.py", "test_notebooks.py", "test_printed_tables.py"}
NOT_IN_THE_LOOP = {"test_one_kernel_catches_what_leaks_between_snippets",  # a kernel of its own
                   "test_strict_build_fails_on_any_warning"}  # three mkdocs builds


def pytest_addoption(parser):
    parser.addoption("--lesson", metavar="SLUG",
                     help="run only the checks that concern one lesson (CONTRIBUTING.md)")


def pytest_collection_modifyitems(config, items):
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
