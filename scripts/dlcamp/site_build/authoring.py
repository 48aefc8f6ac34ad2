"""MkDocs hook: `mkdocs serve` for authors, fast and quiet. `mkdocs build` is left alone.

A one-character edit rebuilt both languages in 6.2 s on 2 cores, 40 % of it in the search
plugin (it parses every page and splits its Chinese into words), and each rebuild logged
about 100 INFO lines around the one an author needs. Under `serve`:
- no search index (readers search the built site; under serve the search box finds nothing);
- no notebook pages (0.6 s a rebuild; they are generated, not written): the .ipynb files are
  served as they are; `DLCAMP_SERVE_NOTEBOOKS=1 mkdocs serve` shows the pages too;
- the chatty INFO lines go (mkdocs-jupyter's cache and copy lines, mkdocs-static-i18n's
  per-language lines, jieba's dictionary lines); warnings and the notices of
  serve_notices.py stay.
The 7-line Material banner prints before any hook runs: the README's serve command sets
NO_MKDOCS_2_WARNING=1 for it."""
import logging
import os
from types import SimpleNamespace

from mkdocs.plugins import event_priority

QUIET = ["mkdocs.plugins.mkdocs_jupyter", "mkdocs.mkdocs-jupyter",
         "mkdocs.plugins.mkdocs_static_i18n", "jieba"]
SERVING = False


def on_startup(command, dirty, **kwargs):
    global SERVING
    SERVING = command == "serve"
    if SERVING:
        for name in QUIET:
            logging.getLogger(name).setLevel(logging.WARNING)


@event_priority(100)  # before the search plugin's own on_config
def on_config(config, **kwargs):
    search = config.plugins.get("material/search")
    if SERVING and search is not None:
        search.config.enabled = False
        # mkdocs-static-i18n gathers the entries of each language's index after the build
        search.search_index = SimpleNamespace(_entries=[])
    return config


@event_priority(-120)  # after notebook_pages.py has made the notebooks pages (-110)
def on_files(files, config, **kwargs):
    if SERVING and not os.environ.get("DLCAMP_SERVE_NOTEBOOKS"):
        for file in files:
            if file.src_uri.endswith(".ipynb"):
                file.is_documentation_page = lambda: False  # copied as a plain file
    return files
