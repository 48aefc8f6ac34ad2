"""Regenerate the figures and outputs of the lesson pages: see dlcamp/figure_build/runner.py.

    python scripts/build.py [lesson or lesson/snippet ...] [--check] [--force] [--quick] ...
"""
import sys

from dlcamp.figure_build.runner import main  # scripts/ is on the path: this file's folder

if __name__ == "__main__":
    sys.exit(main())
