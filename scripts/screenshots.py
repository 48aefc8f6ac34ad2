"""Screenshots of the built site as a phone shows it (run `mkdocs build` first): see
dlcamp/tools/screenshots.py.

    python scripts/screenshots.py [lessons/conv/ en/ ...] [--width 390] [--out artifacts/phone]
"""
import sys

from dlcamp.tools.screenshots import main  # scripts/ is on the path: this file's folder

if __name__ == "__main__":
    sys.exit(main())
