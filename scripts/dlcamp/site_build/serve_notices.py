"""MkDocs hook: a page whose snippets have not run, or have changed since they ran, says so.

`mkdocs serve` never runs snippets: it shows the figures and printed outputs of the last
build. When an author edits a snippet, the page shows the new code next to the old output;
for a new lesson there is no output at all yet. Under `serve` this hook puts a notice at
the top of such a page (and one line in serve's log) naming the snippets and the
`scripts/build.py` command that updates them, and shows a placeholder where an output or a
figure does not exist yet, so that prose can be previewed before its snippet has run.
Under `mkdocs build` a missing output or figure stops the build with one message naming the
page and the command; stale outputs are the business of `build.py --check` (tests, deploy).
"""
import logging
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from dlcamp.facts import page_language
from dlcamp.outputs import BuildError, Snippet, matplotlibrc, stale_reasons

log = logging.getLogger("mkdocs.hooks.serve_notices")
SNIPPET = re.compile(r'--8<--\s+"snippets/([^"/]+)/([^":]+)\.py(?::[^"]*)?"')
OUTPUT = re.compile(r'^(?P<indent>[ \t]*)--8<--\s+"docs/figures/(?P<lesson>[^"/]+)/'
                    r'(?P<name>[^"/]+)\.txt"\s*$', re.M)
FIGURE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<ref>(?:\.\./)+figures/(?P<lesson>[^/)]+)/"
                    r"(?P<file>[^)\s]+))\)")
NOTICE = {
    "zh": ('!!! warning "输出已过期（只在 mkdocs serve 中显示）"\n'
           "    下面这些脚本改过之后还没有重新运行（或者还没有运行过），页面上的输出和图"
           "不是当前代码的结果：{snippets}。运行 `python scripts/build.py {ids}` 更新。\n\n"),
    "en": ('!!! warning "Stale outputs (shown by mkdocs serve only)"\n'
           "    These snippets changed since their last run (or have never run), so the "
           "outputs and figures on this page do not come from the current code: {snippets}. "
           "Run `python scripts/build.py {ids}` to update them.\n\n"),
}
PLACEHOLDER = {"zh": "（还没有输出：运行 python scripts/build.py {id}）",
               "en": "(no output yet: run python scripts/build.py {id})"}
MISSING_FIGURE = {"zh": "*（还没有这张图：运行 `python scripts/build.py {lesson}`）*",
                  "en": "*(this figure does not exist yet: run `python scripts/build.py "
                        "{lesson}`)*"}
SERVING = False


def on_startup(command, dirty, **kwargs):
    global SERVING
    SERVING = command == "serve"


def on_page_markdown(markdown, page, config, **kwargs):
    root = Path(config.config_file_path).resolve().parent
    figures = Path(config.docs_dir) / "figures"
    lang = page_language(page.file.src_uri)
    markdown, missing = without_missing_files(markdown, page, figures, lang)
    if not SERVING:
        return markdown
    snippets = [Snippet(root / "snippets" / lesson / f"{name}.py")
                for lesson, name in dict.fromkeys(SNIPPET.findall(markdown))]
    rc = matplotlibrc(root / "snippets")
    try:
        stale = [s for s in snippets  # a missing snippet fails the build by itself
                 if s.path.exists() and stale_reasons(s, figures, rc)]
    except BuildError as err:  # a manifest that is not JSON
        raise PluginError(f"{page.file.src_uri}: {err}") from None
    ids = list(dict.fromkeys([s.id for s in stale] + missing))
    whole = {i for i in ids if "/" not in i}  # a lesson to build whole: not its snippets again
    ids = [i for i in ids if "/" not in i or i.split("/")[0] not in whole]
    if not ids:
        return markdown
    log.info("%s: outputs of %s are stale or missing: run python scripts/build.py %s",
             page.file.src_uri, ", ".join(ids), " ".join(ids))
    shown = [f"`snippets/{i}.py`" if "/" in i else f"`snippets/{i}/`" for i in ids]
    notice = NOTICE[lang].format(snippets=", ".join(shown), ids=" ".join(ids))
    # after the title, so the page still starts with its heading
    title = re.search(r"^# .*\n", markdown, re.M)
    at = title.end() if title else 0
    return markdown[:at] + "\n" + notice + markdown[at:]


def without_missing_files(markdown: str, page, figures: Path, lang: str):
    """Under serve, a placeholder for each output or figure that does not exist yet (and
    the ids of the snippets concerned); under build, a PluginError naming the first."""
    missing = []

    def output(m):
        snippet_id = f"{m['lesson']}/{m['name']}"
        if (figures / m["lesson"] / f"{m['name']}.txt").exists():
            return m[0]
        if not SERVING:
            raise PluginError(f"{page.file.src_uri}: shows docs/figures/{snippet_id}.txt, "
                              f"which does not exist: run python scripts/build.py {snippet_id}")
        missing.append(snippet_id)
        return m["indent"] + PLACEHOLDER[lang].format(id=snippet_id)

    def figure(m):
        if (figures / m["lesson"] / m["file"]).exists():
            return m[0]
        if not SERVING:
            raise PluginError(f"{page.file.src_uri}: shows figures/{m['lesson']}/{m['file']}, "
                              "which does not exist: run python scripts/build.py "
                              f"{m['lesson']}")
        missing.append(m["lesson"])
        return MISSING_FIGURE[lang].format(lesson=m["lesson"])

    markdown = OUTPUT.sub(output, markdown)
    return FIGURE.sub(figure, markdown), missing
