"""Check that the two languages of every page are in step, or mark sections as reviewed:
see dlcamp/tools/translations.py.

    python scripts/translations.py                      # check; exit 1 if out of step
    python scripts/translations.py mark lessons/mnist#results
"""
import sys

from dlcamp.tools.translations import main  # scripts/ is on the path: this file's folder

if __name__ == "__main__":
    sys.exit(main())
