"""Write the skeleton of a new lesson (pages, a first snippet, its registry entry): see
dlcamp/tools/new_lesson.py.

    python scripts/new_lesson.py attention --zh "注意力机制" --en "Attention" --after rnn
"""
import sys

from dlcamp.tools.new_lesson import main  # scripts/ is on the path: this file's folder

if __name__ == "__main__":
    sys.exit(main())
