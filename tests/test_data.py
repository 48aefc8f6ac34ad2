"""Snippets that need a dataset: a clear message when it is missing, no download when not.

The snippets are found by what they read ($DLCAMP_DATA), so a new one is covered too."""
import os
import subprocess
import sys

import pytest

from project import all_snippets

USING_DATA = [s for s in all_snippets()
              if "DLCAMP_DATA" in s.path.read_text()]


def run_snippet(snippet, data_root, tmp_path):
    env = dict(os.environ, DLCAMP_DATA=str(data_root), DLCAMP_QUICK="1",
               MPLBACKEND="Agg", CUDA_VISIBLE_DEVICES="")
    return subprocess.run([sys.executable, str(snippet.path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_some_snippets_use_data():
    assert USING_DATA, "expected the MNIST and Fashion-MNIST snippets to read DLCAMP_DATA"


@pytest.mark.parametrize("snippet", USING_DATA, ids=lambda s: s.id)
def test_missing_data_offline_gives_one_clear_message(snippet, tmp_path):
    empty = tmp_path / "no-data-here"
    proc = run_snippet(snippet, empty, tmp_path)  # the proxy in conftest.py: no network
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    folder = "FashionMNIST" if "FashionMNIST" in snippet.path.read_text() else "MNIST"
    name = {"MNIST": "MNIST", "FashionMNIST": "Fashion-MNIST"}[folder]
    assert f"{name} is not in {empty}/{folder}/raw" in proc.stderr
    assert f"set DLCAMP_DATA to a folder that holds {folder}/raw/" in proc.stderr


def test_configured_copy_is_used_without_download(mnist_root, tmp_path):
    snippet = min(USING_DATA, key=lambda s: s.path.stat().st_size)  # the quickest one
    proc = run_snippet(snippet, mnist_root, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Downloading" not in proc.stdout + proc.stderr
