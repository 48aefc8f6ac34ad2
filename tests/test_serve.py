"""`mkdocs serve` for authors: a page previews before its snippets have run (with a notice
and placeholders, no traceback), `mkdocs build` stops on the same page naming the command,
and serve skips the work a preview does not need. The hooks are called as MkDocs calls them."""
import logging
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from dlcamp.site_build import authoring, serve_notices

PAGE = """\
Intro.

## One {#one}

```python title="a.py"
--8<-- "snippets/demo/a.py"
```

```text title="Output"
--8<-- "docs/figures/demo/a.txt"
```

![a figure](../figures/demo/a.svg)
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "snippets" / "demo").mkdir(parents=True)
    (tmp_path / "snippets" / "demo" / "a.py").write_text('print("a")\n')
    (tmp_path / "docs" / "figures").mkdir(parents=True)  # never built: no outputs at all
    return SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"),
                           docs_dir=str(tmp_path / "docs"))


def shown(config, name, command):
    serve_notices.on_startup(command=command, dirty=False)
    page = SimpleNamespace(file=SimpleNamespace(src_uri=f"lessons/{name}"))
    return serve_notices.on_page_markdown("# 16. Demo\n\n" + PAGE, page=page, config=config)


@pytest.mark.parametrize("name, notice, placeholder", [
    ("demo.md", "输出已过期", "（还没有输出：运行 python scripts/build.py demo/a）"),
    ("demo.en.md", "Stale outputs", "(no output yet: run python scripts/build.py demo/a)")],
    ids=["zh", "en"])
def test_a_new_page_previews_before_its_snippet_has_run(project, name, notice, placeholder):
    """A brand-new lesson under serve: no output file, no figure (pymdownx.snippets would
    stop serve with a traceback on the missing include, and strict mode on the image)."""
    page = shown(project, name, "serve")
    assert notice in page and "python scripts/build.py demo`" in page, page
    assert "docs/figures/demo/a.txt" not in page, "the missing include is still there"
    assert placeholder in page, page
    assert "../figures/demo/a.svg" not in page, "the missing figure is still shown"
    assert "python scripts/build.py demo" in page
    assert page.startswith("# 16. Demo\n"), "the notice goes under the title"


def test_build_stops_on_a_missing_output_naming_the_command(project):
    with pytest.raises(PluginError, match=r"lessons/demo.md: shows docs/figures/demo/a.txt, "
                                          r"which does not exist: run python scripts/build.py "
                                          r"demo/a"):
        shown(project, "demo.md", "build")


def test_serve_builds_no_search_index_and_no_notebook_pages():
    search = SimpleNamespace(config=SimpleNamespace(enabled=True))
    notebook = SimpleNamespace(src_uri="notebooks/demo.ipynb",
                               is_documentation_page=lambda: True)
    lesson = SimpleNamespace(src_uri="lessons/demo.md", is_documentation_page=lambda: True)
    for command, is_page in (("build", True), ("serve", False)):
        search.config.enabled = True
        authoring.on_startup(command=command, dirty=False)
        authoring.on_config(SimpleNamespace(plugins={"material/search": search}))
        authoring.on_files([notebook, lesson], config=None)
        assert search.config.enabled is (command == "build")
        assert notebook.is_documentation_page() is is_page and lesson.is_documentation_page()
    assert logging.getLogger("mkdocs.plugins.mkdocs_jupyter").level == logging.WARNING
    authoring.on_startup(command="build", dirty=False)
