"""The site hooks' failures are one PluginError naming the page and what to do, never a
traceback or a build that hangs (scripts/dlcamp/site_build/)."""
import json
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from dlcamp.site_build import math_at_build, provenance

PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="lessons/demo.md"))
FORMULA = '<span class="arithmatex">\\(x^{2} + 1\\)</span>'


@pytest.fixture
def node(monkeypatch):
    """A fresh Node process running the given JavaScript instead of KaTeX's renderer."""
    def use(renderer: str, timeout: float = 30):
        monkeypatch.setattr(math_at_build, "RENDERER", renderer)
        monkeypatch.setattr(math_at_build, "TIMEOUT", timeout)
        monkeypatch.setattr(math_at_build, "_node", None)
        monkeypatch.setattr(math_at_build, "_typeset", {})
    yield use
    if math_at_build._node is not None:
        math_at_build._node.close()


def test_node_that_dies_is_named_with_the_page(node):
    node('process.stderr.write("out of memory"); process.exit(3);')
    with pytest.raises(PluginError, match=r"lessons/demo.md: Node.js exited while "
                                          r"typesetting 'x\^\{2\} \+ 1': out of memory"):
        math_at_build.on_page_content(FORMULA, page=PAGE)


def test_node_that_hangs_times_out_naming_the_page(node):
    node('setInterval(() => {}, 1000);  // reads nothing, answers nothing', timeout=0.5)
    with pytest.raises(PluginError, match=r"lessons/demo.md: Node.js gave no answer in 0.5 s"):
        math_at_build.on_page_content(FORMULA, page=PAGE)


def test_the_same_formula_is_typeset_once(node):
    """Under `mkdocs serve` every rebuild would typeset every formula again."""
    node(math_at_build.RENDERER)
    first = math_at_build.on_page_content(FORMULA, page=PAGE)
    math_at_build._node.close()  # a second request to Node would now fail
    assert math_at_build.on_page_content(FORMULA, page=PAGE) == first


def test_a_broken_manifest_is_named_with_the_page(tmp_path):
    (tmp_path / "figures" / "demo").mkdir(parents=True)
    (tmp_path / "figures" / "demo" / "a.manifest.json").write_text("{not json")
    markdown = '```text title="Output"\n--8<-- "docs/figures/demo/a.txt"\n```\n'
    with pytest.raises(PluginError, match=r"lessons/demo.md: .*a.manifest.json: not valid "
                                          r"JSON .*python scripts/build.py demo/a"):
        provenance.on_page_markdown(markdown, page=PAGE, config={"docs_dir": str(tmp_path)})
    (tmp_path / "figures" / "demo" / "a.manifest.json").write_text(json.dumps({
        "duration_s": 75.0, "device": "cpu", "device_name": "x86_64",
        "versions": {"torch": "2.14.1"}, "date": "2026-12-02T00:00:00+00:00"}))
    shown = provenance.on_page_markdown(markdown, page=PAGE, config={"docs_dir": str(tmp_path)})
    assert "CPU（x86_64）上运行，用时 1.2 分钟，PyTorch 2.14.1" in shown
