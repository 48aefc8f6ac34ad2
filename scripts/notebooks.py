"""Rewrite (or, with --check, check) the lesson notebooks in docs/notebooks/: see
dlcamp/figure_build/notebooks.py. scripts/build.py does this after every build."""
import sys

from dlcamp.figure_build.notebooks import main  # scripts/ is on the path: this file's folder

if __name__ == "__main__":
    sys.exit(main())
