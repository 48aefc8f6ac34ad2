"""Shared set-up: no network for anything the tests start, and data without downloading.

Snippets that use MNIST or Fashion-MNIST read them from $DLCAMP_DATA. When that names a
real copy of both (on a machine that has one), the tests use it; otherwise every test session
writes small stand-ins in the real file format (see fake_mnist.py) and points DLCAMP_DATA
there."""
import os
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
