"""MkDocs hook: the lesson notebooks (docs/notebooks/*.ipynb) as pages in both languages.

mkdocs-jupyter renders the notebooks; mkdocs-static-i18n, which runs after it, does not know
them as pages (mkdocs-static-i18n issue #198). Five small repairs, each explained below:
mark them as pages again, give them a description, point the language selector at their
twin, make the pages light (no inlined stylesheet and figures), keep mkdocs-jupyter's cache.
Nothing here runs a notebook: the outputs are those figure_build/notebooks.py wrote in.

The repairs depend on how mkdocs-jupyter 0.26 renders and caches (pinned in pyproject.toml).
If a new version changes that, the build stops with a message naming the repair, instead of
quietly shipping 1.5 MB pages; tests/test_site.py checks the promised result on every page.
It also gives every lesson and notebook page its notebook links (dlcamp/facts.py knows
the URLs; overrides/partials/actions.html only draws them)."""
import html
import json
import re
from pathlib import Path
from types import SimpleNamespace

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from dlcamp import lessons
from dlcamp.facts import notebook_links, page_language, stem_of
from dlcamp.site_build.printed_tables import mark_rows


def changed(what: str) -> PluginError:
    from importlib.metadata import version
    return PluginError(f"dlcamp/site_build/notebook_pages.py: {what}; mkdocs-jupyter "
                       f"{version('mkdocs-jupyter')} renders notebooks differently from the "
                       "version this hook was written for (see pyproject.toml): update the hook")


def lesson_of(page) -> tuple[str, str] | None:
    """(lesson, language) for a lesson page or a lesson's notebook page, else None."""
    src = page.file.src_uri
    if src.startswith("lessons/") or (src.startswith("notebooks/") and src.endswith(".ipynb")):
        return stem_of(src), page_language(src)
    return None


@event_priority(-110)  # after mkdocs-static-i18n's on_files (-100)
def on_files(files, config, **kwargs):
    """mkdocs-jupyter marks each .ipynb as a page; mkdocs-static-i18n then re-creates every
    File, turning them back into plain files that MkDocs would copy over the page as raw
    JSON. Mark this language's notebooks as pages again; mkdocs-jupyter knows them by their
    .ipynb source when it renders them."""
    for file in files:
        if file.src_uri.endswith(".ipynb"):
            file.is_documentation_page = lambda: True  # a page, not a file to copy
    return files


def on_page_markdown(markdown, page, **kwargs):
    """A notebook's "front matter": the page metadata figure_build/notebooks.py stores under
    "mkdocs" in the notebook's metadata (its description, and leaving it out of search)."""
    if page.file.src_uri.endswith(".ipynb"):
        page.meta.update(json.loads(markdown)["metadata"].get("mkdocs", {}))
    return markdown


@event_priority(-100)  # after mkdocs-static-i18n (50) has set the selector's links
def on_page_context(context, page, config, nav, **kwargs):
    """Give lesson and notebook pages their notebook links (the `dl_notebook` that
    overrides/partials/actions.html draws), and point the language selector of a notebook
    page at the same notebook in the other language:
    mkdocs-static-i18n met the notebooks as plain files, so it knows no twins for them
    and would send the reader to the other language's home page."""
    found = lesson_of(page)
    if found is None:
        return context
    lesson, lang = found
    context["dl_notebook"] = notebook_links(lesson, lang, config.repo_url or "",
                                            config.edit_uri or "")
    if page.file.src_uri.endswith(".ipynb"):
        # mkdocs-static-i18n sets the attribute, which is what the template reads
        for alternate in getattr(config.extra, "alternate", None) or []:
            alternate["link"] = notebook_links(lesson, alternate["lang"])["notebook"]
        page.previous_page, page.next_page = neighbour_notebooks(lesson, lang)
    return context


NOTEBOOK = {"zh": "（notebook）", "en": " (notebook)"}  # after a title


def neighbour_notebooks(lesson: str, lang: str):
    """A notebook page is not in the nav, so Material's footer would offer no previous and
    next page: give it the notebooks of the lessons before and after it (the registry's
    order, which is also the nav's)."""
    if lesson not in lessons.BY_SLUG:
        return None, None
    return tuple(SimpleNamespace(url=notebook_links(other.slug, lang)["notebook"],
                                 title=lessons.heading(other.slug, lang) + NOTEBOOK[lang])
                 if other else None for other in lessons.neighbours(lesson))


PRINTED = re.compile(r'(<div class="jp-RenderedText jp-OutputArea-output" '
                     r'data-mime-type="text/plain"[^>]*>\s*<pre>)(.*?)(?=</pre>)', re.S)
STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S)
# an inlined figure, with the lightbox link mkdocs-glightbox put around it
INLINE_IMAGE = re.compile(r'(<a class="glightbox"[^>]*? href=)"data:image/[^"]+"([^>]*>)?'
                          r'<img alt="[^"]*"(?: class="[^"]*")? src="data:image/[^"]+"')


def on_post_page(output, page, config, **kwargs):
    """Make a notebook page light and like the other pages. mkdocs-jupyter inlines into
    each notebook page all of JupyterLab's stylesheet (600 KB) and every figure (base64).
    Its styles go: the code is marked up as Material's own code blocks ("highlight"; the
    few other rules are in extra.css, light and dark). Each figure becomes a link to the
    figure file the lesson page already uses (cached by the browser) with the lesson's alt
    text, both from the figure's output metadata, in order (see figure_build/notebooks.py)."""
    if not page.file.src_uri.endswith(".ipynb"):
        return output
    notebook = json.loads(Path(page.file.abs_src_path).read_text(encoding="utf-8"))
    figures = iter([out["metadata"]["dlcamp"]
                    for cell in notebook["cells"] for out in cell.get("outputs", [])
                    if "dlcamp" in out.get("metadata", {})])
    root = "../" * page.url.count("/")  # from this page to the site root

    def shared_file(match):
        figure = next(figures, None)
        if figure is None:
            raise PluginError(f"{page.file.src_uri}: a figure without its file in the "
                              "metadata; run python scripts/notebooks.py")
        url = f'"{root}figures/{figure["figure"]}"'
        link = f"{match[1]}{url}{match[2]}" if match[1] else ""
        return f'{link}<img alt="{html.escape(figure["alt"])}" src={url}'

    start, end = output.find("<article"), output.find("</article>")
    if start < 0 or end < 0:
        raise changed(f"{page.file.src_uri}: no <article> in the page")
    content = STYLE.sub("", output[start:end])
    if '<div class="highlight-ipynb' not in content:
        raise changed(f"{page.file.src_uri}: no code cells marked 'highlight-ipynb'")
    content = content.replace('<div class="highlight-ipynb', '<div class="highlight highlight-ipynb')
    content = INLINE_IMAGE.sub(shared_file, content)
    # on a phone printed tables scroll in their box, other lines wrap (as on the lessons)
    content = PRINTED.sub(lambda m: m[1] + mark_rows(m[2]), content)
    if re.search(r'(src|href)="data:image/', content):
        raise changed(f"{page.file.src_uri}: a figure is still inlined as base64")
    if next(figures, None) is not None:
        raise changed(f"{page.file.src_uri}: fewer figures on the page than in the notebook")
    return output[:start] + content + output[end:]


@event_priority(10)  # before mkdocs-jupyter's on_post_build (0) evicts its cache
def on_post_build(config, **kwargs):
    """Keep the rendered notebooks of both languages in mkdocs-jupyter's cache.

    mkdocs-jupyter drops every cache entry the build just finished did not use, and
    mkdocs-static-i18n builds one language at a time, so each language's build threw the
    other's away and every build rendered all notebooks again (about 14 s). Marking the
    entries of every current notebook as used keeps them; entries of old versions still go."""
    plugin = config.plugins.get("mkdocs-jupyter")
    try:
        from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path
        used, options = plugin._used_cache_paths, plugin.config
    except (ImportError, AttributeError) as err:
        raise changed(f"its render cache moved ({err})") from None
    for notebook in Path(config["docs_dir"]).glob("notebooks/*.ipynb"):
        key = _compute_cache_key(notebook, options, options["execute"])
        used.add(_get_cache_path(options["cache_dir"], key))
