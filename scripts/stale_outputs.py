"""MkDocs hook: while `mkdocs serve` runs, a page whose outputs are stale says so.

`mkdocs serve` never runs snippets: it shows the figures and printed outputs of the last
build. When an author edits a snippet, the page shows the new code next to the old output.
This hook puts a notice at the top of such a page (and a line in serve's log) naming the
snippets and the command that rebuilds them; `build.py --check` decides what is stale.
`mkdocs build` is left alone: the tests and the deploy job run `build.py --check`."""
import importlib.util
import logging
import re
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "dlcamp_build", Path(__file__).resolve().parent / "build.py")
build = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("dlcamp_build", build)  # dataclasses look their module up there
_spec.loader.exec_module(build)

log = logging.getLogger("mkdocs.hooks.stale_outputs")
INCLUDE = re.compile(r'--8<--\s+"snippets/([^"/]+)/([^":]+)\.py(?::[^"]*)?"')
SERVING = False
NOTICE = {
    "zh": ('!!! warning "输出已过期（只在 mkdocs serve 中显示）"\n'
           "    下面这些脚本改过之后还没有重新运行，页面上的输出和图还是旧代码的结果：{snippets}。"
           "运行 `python scripts/build.py {ids}` 更新。\n\n"),
    "en": ('!!! warning "Stale outputs (shown by mkdocs serve only)"\n'
           "    These snippets changed since their last run, so the outputs and figures on "
           "this page come from older code: {snippets}. Run "
           "`python scripts/build.py {ids}` to update them.\n\n"),
}


def on_startup(command, dirty, **kwargs):
    global SERVING
    SERVING = command == "serve"


def on_page_markdown(markdown, page, config, **kwargs):
    if not SERVING:
        return markdown
    root = Path(config.config_file_path).resolve().parent
    snippets = [build.Snippet(root / "snippets" / lesson / f"{name}.py", lesson, name)
                for lesson, name in dict.fromkeys(INCLUDE.findall(markdown))]
    snippets = [s for s in snippets if s.path.exists()]  # a missing one fails the build
    rc_file = root / "snippets" / "matplotlibrc"
    rc = rc_file.read_bytes() if rc_file.exists() else b""
    stale = [s for s in snippets
             if build.check([s], Path(config.docs_dir) / "figures", rc, "full", orphans=False)]
    if not stale:
        return markdown
    ids = " ".join(s.id for s in stale)
    log.info("%s shows stale outputs of %s: run python scripts/build.py %s",
             page.file.src_uri, ", ".join(s.id for s in stale), ids)
    lang = build.notebooks.page_language(Path(page.file.src_uri))
    notice = NOTICE[lang].format(
        snippets=", ".join(f"`snippets/{s.id}.py`" for s in stale), ids=ids)
    # after the title, so the page still starts with its heading
    title = re.search(r"^# .*\n", markdown, re.M)
    at = title.end() if title else 0
    return markdown[:at] + "\n" + notice + markdown[at:]
