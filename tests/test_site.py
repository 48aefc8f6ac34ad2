"""The site: strict build, both languages with the same structure, every include, figure
and snippet accounted for, and no broken internal links or anchors in the built HTML."""
import gzip
import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest

from dlcamp.lessons import LESSONS as LESSONS_IN_ORDER
from dlcamp.lessons import heading
from dlcamp.facts import LANGUAGES, notebook_links, page_language, source_name, url_prefix

LANGS = LANGUAGES
from dlcamp.site_build import math_at_build, notebook_pages
from project import (DOCS, FIGURES, INCLUDE, ROOT, all_pages, all_snippets, build_site,
                     en_pages, en_twin, shared_site, images, includes, lesson_pages,
                     site_pages, split_include, structure, zh_pages)

pytestmark = pytest.mark.xdist_group("site")  # one worker builds the site once


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return shared_site(tmp_path_factory)


# ---------------------------------------------------------------- reading built HTML
# Structure (links, rows, footers, classes) is read from a parsed tree, never by regex, so
# that attribute order, quoting or whitespace cannot fool a test.

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
HAN = re.compile(r"[\u4e00-\u9fff]")  # Chinese characters
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # ... and their punctuation


class Element:
    """An element of a parsed page: tag, attributes, children (elements and text)."""

    def __init__(self, tag: str, attrs: dict, parent: "Element | None" = None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self, skip=lambda element: False) -> str:
        """The text inside, without the elements `skip` says to leave out."""
        return "".join(child if isinstance(child, str) else
                       "" if skip(child) else child.text(skip) for child in self.children)

    def words(self) -> str:
        """The text with whitespace collapsed, as a reader sees it."""
        return " ".join(self.text().split())

    def descendants(self):
        """Every element inside, in document order. A stack of the open elements' children,
        not nested generators, which pass each element up through every level (a KaTeX
        formula is deep): half the time, and the tests here walk every page many times."""
        stack = [iter(self.children)]
        while stack:
            for child in stack[-1]:
                if isinstance(child, Element):
                    yield child
                    stack.append(iter(child.children))
                    break
            else:
                stack.pop()

    def kids(self, tag: str | None = None) -> list["Element"]:
        return [c for c in self.children if isinstance(c, Element) and tag in (None, c.tag)]

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs) -> list:
        """Descendants with this tag, class and attributes (data_md_level: data-md-level;
        True: the attribute is there, whatever its value)."""
        attrs = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [e for e in self.descendants() if tag in (None, e.tag)
                and (cls is None or cls in e.classes)
                and all(e.attrs.get(name) == value or (value is True and name in e.attrs)
                        for name, value in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def ancestor(self, tag: str) -> "Element | None":
        element = self.parent
        while element is not None and element.tag != tag:
            element = element.parent
        return element


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.open = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_startendtag(self, tag, attrs):  # <path ... /> in an SVG
        self.open.children.append(Element(tag, dict(attrs), self.open))

    def handle_endtag(self, tag):
        element = self.open  # closes the elements left open inside it too
        while element is not self.root and element.tag != tag:
            element = element.parent
        if element is not self.root:
            self.open = element.parent

    def handle_data(self, data):
        self.open.children.append(data)


_TREES: dict[Path, Element] = {}


def dom(page: Path) -> Element:
    """The parsed page (parsed once per test session)."""
    if page not in _TREES:
        tree = _Tree()
        tree.feed(page.read_text(encoding="utf-8"))
        _TREES[page] = tree.root
    return _TREES[page]


def lang_of(site: Path, page: Path) -> str:
    """The language a built page is in, from where it lies (/en/... or the default's)."""
    first = page.relative_to(site).parts[0]
    return first if first in LANGS[1:] else LANGS[0]


def test_xdist_keeps_groups_together(request):
    """The site is built once and the browser started once only if pytest-xdist sends a
    group's tests to one worker (`--dist loadgroup`, which marks their ids `@group`); with
    pytest 9 it silently did not, and every group ran on both workers."""
    if request.config.getoption("dist", "no") == "no" and \
            not os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("not running under pytest-xdist")
    assert request.node.nodeid.endswith("@site"), (
        f"{request.node.nodeid}: pytest-xdist ignored xdist_group (see pyproject.toml)")


def test_strict_build(site):
    assert (site / "index.html").exists() and (site / "en" / "index.html").exists()


def _validation_settings() -> str:
    """The `validation:` block of mkdocs.yml, as written."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.search(r"^validation:\n(?:[ #].*\n|\n)+", text, re.M).group(0)


@pytest.mark.parametrize("nav, page", [
    ("nav:\n  - index.md\n  - missing.md\n", "# Home\n"),
    ("", "# Home\n\n[a section](#no-such-section)\n"),
    ("", "# Home\n\n[a page](missing.md)\n"),
], ids=["nav-to-missing-page", "missing-anchor", "link-to-missing-page"])
def test_strict_build_fails_on_any_warning(tmp_path, nav, page):
    """build_site (used for the site the tests check) fails where `mkdocs build --strict`
    does, with this project's validation settings: not passing with --quiet."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page)
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\n{nav}{_validation_settings()}")
    with pytest.raises(AssertionError, match="WARNING"):
        build_site(tmp_path / "site", config)


def test_every_page_in_both_languages():
    missing = [f"{p.relative_to(ROOT)} has no English twin {en_twin(p).name}"
               for p in zh_pages() if not en_twin(p).exists()]
    missing += [f"{p.relative_to(ROOT)} has no Chinese original"
                for p in en_pages() if not p.with_name(p.name.replace(".en.md", ".md")).exists()]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("page", zh_pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_same_structure_in_both_languages(page):
    twin = en_twin(page)
    if not twin.exists():
        pytest.skip("reported by test_every_page_in_both_languages")
    zh, en = structure(page), structure(twin)
    assert zh == en, (f"{page.relative_to(ROOT)} and {twin.name} differ in headings, "
                      f"includes, figures or code blocks:\n zh: {zh}\n en: {en}")


def test_includes_exist():
    problems = []
    for page in all_pages():
        for target in includes(page):
            path, section = split_include(target)
            if not path.exists():
                problems.append(f"{page.relative_to(ROOT)}: includes missing {target}")
            elif section and f"--8<-- [start:{section}]" not in path.read_text():
                problems.append(f"{page.relative_to(ROOT)}: {path.name} has no section "
                                f"'{section}'")
    assert not problems, "\n".join(problems)


def test_figures_exist():
    problems = [f"{page.relative_to(ROOT)}: shows missing {img.relative_to(ROOT)}"
                for page in all_pages() for img in images(page) if not img.exists()]
    assert not problems, "\n".join(problems)


PHONE_COLUMN_PX = 358  # Material's content column on a 390 px phone
MAX_FIGURE_INCHES = 5.0


def _width_inches(figure: Path) -> float:
    """A figure's width as saved (after matplotlib's tight bounding box)."""
    if figure.suffix == ".svg":
        head = figure.read_text()[:3000]
        return float(re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', head).group(1)) / 72
    from PIL import Image  # matplotlib's dependency
    with Image.open(figure) as img:
        return img.size[0] / img.info["dpi"][0]


def test_figures_stay_legible_on_a_phone():
    """On a phone a figure shrinks to the 358 px column: f-point text in a figure W inches
    wide is f * 358 / (72 W) CSS px tall, so at most 5 inches keeps 9-point labels at
    about 9 px (an 8-inch strip brought them down to 5-6 px)."""
    shown = {img for page in all_pages() for img in images(page)}
    too_wide = [f"{img.relative_to(FIGURES)}: {_width_inches(img):.1f} in wide, its 11-pt "
                f"text {11 * PHONE_COLUMN_PX / (72 * _width_inches(img)):.1f} px on a phone"
                for img in sorted(shown) if _width_inches(img) > MAX_FIGURE_INCHES]
    assert not too_wide, (f"figures wider than {MAX_FIGURE_INCHES} in (stack panels or "
                          "use a grid; PNG width = pixels / dpi):\n" + "\n".join(too_wide))


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_lists_every_lesson_in_teaching_order(site, lang):
    """A numbered list (a table's number column took a third of a phone's width), made
    from the lesson registry by site_build/lessons.py: every lesson, in order, linked."""
    article = dom(site / url_prefix(lang) / "index.html").find("article")
    lists = [[(li.find("a").attrs.get("href"), li.words()) for li in ol.kids("li")]
             for ol in article.find_all("ol")]
    expected = [(f"lessons/{lesson.slug}/", lesson.home_line(lang))
                for lesson in LESSONS_IN_ORDER]
    assert expected in lists, (f"the {lang} home page should list the registry's lessons in "
                               f"order, in a numbered list: {lists}")


def test_every_snippet_is_used():
    included = {split_include(t)[0] for p in all_pages() for t in includes(p)}
    unused = [s.path.relative_to(ROOT).as_posix()
              for s in all_snippets() if s.path not in included]
    assert not unused, f"snippets no page includes: {unused}"


def test_every_figure_and_output_is_used():
    used = {img for p in all_pages() for img in images(p)}
    used |= {split_include(t)[0] for p in all_pages() for t in includes(p)}
    unused = [f.relative_to(ROOT).as_posix() for f in sorted(FIGURES.glob("*/*"))
              if f.suffix in {".svg", ".png", ".txt"} and f not in used]
    assert not unused, f"generated files no page shows: {unused}"


def _hrefs(page: Path) -> list[str]:
    """Every href and src of a built page (not the language alternates in <head>)."""
    return [element.attrs[name] for element in dom(page).descendants()
            for name in ("href", "src") if element.attrs.get(name)
            and not (element.tag == "link" and element.attrs.get("rel") == "alternate")]


_IDS: dict[Path, set[str]] = {}


def _ids(page: Path) -> set[str]:
    """The ids a link's #fragment may name on a built page."""
    if page not in _IDS:
        _IDS[page] = {e.attrs["id"] for e in dom(page).descendants() if "id" in e.attrs}
    return _IDS[page]


def _site_url(site: Path) -> str:
    """site_url from mkdocs.yml, as the built sitemap shows it."""
    return re.search(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text()).group(1)


def _resolve(site: Path, page: Path, path: str) -> Path:
    """The file a link's path points to in the built site ('' is the page itself).
    Absolute paths start with the path of site_url (the 404 page uses them)."""
    if not path:
        return page
    if path.startswith("/"):
        root = urlsplit(_site_url(site)).path
        assert path.startswith(root), f"{path} is outside the site ({root})"
        base, path = site, path[len(root):]
    else:
        base = page.parent
    target = (base / unquote(path)).resolve()
    return target / "index.html" if target.is_dir() else target


def test_no_broken_internal_links(site):
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in _hrefs(page):
            url = urlsplit(link)
            if url.scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            target = _resolve(site, page, url.path)
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
            elif url.fragment and target.suffix == ".html":
                if unquote(url.fragment) not in _ids(target):
                    broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken)))


def test_language_switcher_leads_to_the_same_page(site):
    problems = []
    for page in site_pages(site):
        rel = page.relative_to(site)
        in_en = rel.parts[0] == "en"
        zh_twin = site / Path(*rel.parts[1:]) if in_en else page
        en_twin_page = page if in_en else site / "en" / rel
        switcher = _switcher(dom(page))
        for lang, want in (("zh", zh_twin), ("en", en_twin_page)):
            if lang not in switcher:
                problems.append(f"{rel}: no language link for '{lang}'")
                continue
            if _resolve(site, page, switcher[lang]) != want.resolve():
                problems.append(f"{rel}: '{lang}' link goes to {switcher[lang]}, "
                                f"not {want.relative_to(site)}")
    assert not problems, "\n".join(problems)


def _switcher(page: Element) -> dict[str, str]:
    """The language selector's links: language -> href."""
    return {a.attrs["hreflang"]: a.attrs.get("href") for a in page.find_all("a", hreflang=True)}


def _meta(page: Element) -> tuple[str | None, str | None]:
    """<html lang> and the meta description."""
    html, desc = page.find("html"), page.find("meta", name="description")
    return (html and html.attrs.get("lang")), (desc and desc.attrs.get("content"))


def test_every_page_has_its_own_description_in_its_language(site):
    """Search engines and link previews show the description: one per page, per language."""
    problems, seen = [], {}
    for page in site_pages(site):
        rel = page.relative_to(site)
        want = "en" if rel.parts[0] == "en" else "zh"
        lang, desc = _meta(dom(page))
        if lang != want:
            problems.append(f"{rel}: <html lang={lang!r}>, expected {want!r}")
        has_chinese = bool(desc and re.search(r"[\u4e00-\u9fff]", desc))
        if not desc or has_chinese != (want == "zh"):
            problems.append(f"{rel}: description {desc!r} is missing or not in {want}")
        elif desc in seen:
            problems.append(f"{rel}: same description as {seen[desc]}")
        else:
            seen[desc] = rel
    assert not problems, "\n".join(problems)


def test_404_page_speaks_both_languages(site):
    page = dom(site / "404.html")
    assert "找不到页面" in page.words() and "Page not found" in page.words()
    links = _hrefs(site / "404.html")
    root = urlsplit(_site_url(site)).path  # the 404 page is served at any depth
    assert root in links and root + "en/" in links, "the 404 page should link to both homes"
    assert _meta(page)[0] == "zh", "the 404 page should come from the default language"
    switcher = _switcher(page)
    assert switcher == {"zh": root, "en": root + "en/"}, (
        f"the language links of the 404 page should lead to the two home pages: {switcher}")


def test_sitemap_uses_the_site_url(site):
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())
    assert locs and all(loc.startswith(("https://", "http://")) and "None" not in loc
                        for loc in locs), f"site_url is not set: {locs[:2]}"


LESSONS = [page.stem for page in lesson_pages()]



def _links(lesson: str, lang: str) -> dict[str, str]:
    return notebook_links(lesson, lang)


def _repo(site: Path) -> str:
    """repo_url from mkdocs.yml, as the header's repository link shows it."""
    return dom(site / "index.html").find("a", "md-source").attrs["href"]


def _footer(page: Element) -> dict[str, tuple[str, str]]:
    """Material's previous/next links: 'prev'/'next' -> (href, title shown)."""
    found = {}
    for a in page.find_all("a", "md-footer__link"):
        side = [c.removeprefix("md-footer__link--") for c in a.classes
                if c.startswith("md-footer__link--")]
        title = a.find(cls="md-ellipsis")
        found[side[0] if side else "?"] = (a.attrs.get("href"), title and title.words())
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_pages_render_in_both_languages(site, lang):
    """mkdocs-jupyter's HTML, not the notebook's JSON (what mkdocs-static-i18n alone gives),
    with the .ipynb beside it for download and no edit link (the notebook is generated).
    Its previous/next links: test_previous_and_next_follow_the_registry."""
    problems = []
    for lesson in LESSONS:
        page = site / _links(lesson, lang)["notebook"] / "index.html"
        if not page.exists():
            problems.append(f"no notebook page {page.relative_to(site)}")
            continue
        html, tree = page.read_text(), dom(page)
        if not tree.find(cls="jp-Notebook") or '"cell_type"' in html:
            problems.append(f"{page.relative_to(site)}: not a rendered notebook")
        if _meta(tree)[0] != lang:
            problems.append(f"{page.relative_to(site)}: not in {lang}")
        if tree.find_all(rel="edit"):
            problems.append(f"{page.relative_to(site)}: edit link to a generated file")
        source = DOCS / "notebooks" / source_name(lesson, lang, ".ipynb")
        download = page.parent / source.name
        if not download.exists() or download.read_bytes() != source.read_bytes():
            problems.append(f"{download.relative_to(site)}: missing or not the notebook")
    assert not problems, "\n".join(problems)


NOTEBOOK_PAGE_BUDGET = 45_000  # gzipped bytes of HTML (what a slow line carries; the
# largest is 33 KB); with mkdocs-jupyter's inlining a page was up to 1.5 MB


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_pages_stay_light(site, lang):
    """What site_build/notebook_pages.py promises: no inlined JupyterLab stylesheet, no figure
    inlined as base64 (each page uses the shared figure files), and a size budget."""
    problems = []
    for lesson in LESSONS:
        page = site / _links(lesson, lang)["notebook"] / "index.html"
        html = page.read_text()
        if dom(page).find("article").find_all("style"):
            problems.append(f"{page.relative_to(site)}: an inline stylesheet")
        if any(element.attrs.get(name, "").startswith("data:image/")
               for element in dom(page).descendants() for name in ("src", "href")):
            problems.append(f"{page.relative_to(site)}: a base64 figure")
        if (size := len(gzip.compress(html.encode()))) > NOTEBOOK_PAGE_BUDGET:
            problems.append(f"{page.relative_to(site)}: {size:,} bytes gzipped, over "
                            f"the budget of {NOTEBOOK_PAGE_BUDGET:,}")
    assert not problems, "\n".join(problems)


def test_notebook_hook_fails_loudly_when_mkdocs_jupyter_changes():
    """A changed private API or markup stops the build with a message, never silently."""
    config = SimpleNamespace(plugins={"mkdocs-jupyter": object()}, docs_dir=str(DOCS))
    with pytest.raises(notebook_pages.PluginError, match="update the hook"):
        notebook_pages.on_post_build(config)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="notebooks/spiral.ipynb",
                                                abs_src_path=str(DOCS / "notebooks" /
                                                                 "spiral.ipynb")),
                           url="notebooks/spiral/")
    html = '<article><img alt="" src="data:image/png;base64,AAAA"></article>'
    with pytest.raises(notebook_pages.PluginError, match="update the hook"):
        notebook_pages.on_post_page(html, page=page, config=None)


@pytest.mark.parametrize("lang", LANGS)
def test_lessons_link_their_notebook_download_and_colab(site, lang):
    repo = urlsplit(_repo(site))
    assert repo.hostname == "github.com", "Colab opens notebooks from GitHub"
    problems = []
    for lesson in LESSONS:
        page = site / _links(lesson, lang)["lesson"] / "index.html"
        bar = dom(page).find("nav", "dl-notebook")
        links = [a.attrs.get("href") for a in bar.find_all("a")] if bar else []
        if len(links) != 3:
            problems.append(f"{page.relative_to(site)}: notebook links {links}")
            continue
        view, download, colab = links
        notebook = site / _links(lesson, lang)["notebook"]
        name = source_name(lesson, lang, ".ipynb")
        if _resolve(site, page, view) != (notebook / "index.html").resolve():
            problems.append(f"{page.relative_to(site)}: notebook link {view}")
        if _resolve(site, page, download) != (notebook / name).resolve():
            problems.append(f"{page.relative_to(site)}: download link {download}")
        m = re.fullmatch(rf"https://colab\.research\.google\.com/github{repo.path}"
                         r"/blob/[\w.-]+/(.+)", colab)
        if not m or m.group(1) != f"docs/notebooks/{name}" \
                or not (ROOT / m.group(1)).exists():
            problems.append(f"{page.relative_to(site)}: Colab link {colab}")
    assert not problems, "\n".join(problems)


def test_edit_links_point_at_each_pages_source(site):
    repo, problems = _repo(site), []
    for page in site_pages(site):
        rel = page.relative_to(site)
        if "notebooks" in rel.parts:
            continue  # generated: checked above
        edit = dom(page).find("a", rel="edit")
        href = edit and edit.attrs.get("href")
        source = href and re.fullmatch(re.escape(repo) + r"/edit/[\w.-]+/(.+)", href)
        if not source or not (ROOT / source.group(1)).exists():
            problems.append(f"{rel}: edit link {href}")
        elif (rel.parts[0] == "en") != source.group(1).endswith(".en.md"):
            problems.append(f"{rel}: edits {source.group(1)}, the other language")
    assert not problems, "\n".join(problems)


def _index(site: Path, lang: str) -> dict:
    path = site / ("search" if lang == "zh" else "en/search") / "search_index.json"
    assert path.exists(), f"no search index for {lang} at {path.relative_to(site)}"
    return json.loads(path.read_text())


def _pages_with_word(index: dict, word: str) -> set[str]:
    """Pages whose indexed text has `word` as a whole token, split as lunr will split it."""
    separator = re.compile(index["config"]["separator"])
    pages = set()
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]).lower()
        if word in separator.split(text):
            pages.add(doc["location"].split("#")[0])
    return pages


def test_one_search_index_per_language(site):
    zh, en = _index(site, "zh"), _index(site, "en")
    assert zh["docs"] and en["docs"]
    assert not [d for d in zh["docs"] if d["location"].startswith("en/")]
    # English locations are relative to /en/, where English pages look for the index
    for doc in en["docs"]:
        page = doc["location"].split("#")[0]
        assert (site / "en" / page / "index.html").exists() or page == "", doc["location"]
    # ... and Material finds it through the page's "base": /en/ for English pages
    base = re.compile(r'"base": "([^"]*)"')
    assert base.search((site / "en/lessons/conv/index.html").read_text()).group(1) == "../.."
    assert base.search((site / "en/index.html").read_text()).group(1) == "."


@pytest.mark.parametrize("word, page", [("梯度", "lessons/activations/"),
                                        ("卷积", "lessons/conv/"),
                                        ("数据", "lessons/pipeline/")])
def test_chinese_words_inside_sentences_are_indexed(site, word, page):
    """Without word segmentation the index only splits Chinese text at punctuation, so a
    word inside a sentence (梯度 in 梯度下降与过拟合) is not a token and cannot be found.
    What a reader's query finds is checked in a real browser (test_browser.py)."""
    assert page in _pages_with_word(_index(site, "zh"), word)


def _figures(page: Element) -> list[Element]:
    """The figures a built page shows (generated, in docs/figures/)."""
    return [img for img in page.find_all("img") if "figures/" in img.attrs.get("src", "")]


def test_every_figure_opens_larger(site):
    """Figures are wrapped in a lightbox link (mkdocs-glightbox) that opens the full image."""
    bare = []
    for page in site_pages(site):
        for img in _figures(dom(page)):
            link = img.parent
            if not (link.tag == "a" and "glightbox" in link.classes
                    and link.attrs.get("href") == img.attrs["src"]):
                bare.append(f"{page.relative_to(site)}: {img.attrs['src']}")
    assert not bare, "figures without a lightbox link:\n" + "\n".join(bare)


def _built(site: Path, page: Path) -> Path:
    """The built page of a page's source (docs/lessons/conv.en.md -> en/lessons/conv/)."""
    lang = page_language(page)
    name = page.relative_to(DOCS).as_posix().removesuffix(".md").removesuffix(f".{lang}")
    return site / url_prefix(lang) / ("" if name == "index" else name) / "index.html"


def _provenance_line(manifest: dict, lang: str) -> str:
    """What the line under an output says, written out here from the manifest: the device
    kind and name, the run time (seconds under a minute, else minutes, one decimal), the
    PyTorch version and the date, in the page's language."""
    kind = {"cpu": "CPU", "cuda": "GPU"}[manifest["device"]]
    name, seconds = manifest["device_name"], manifest["duration_s"]
    torch, date = manifest["versions"]["torch"], manifest["date"][:10]
    if lang == "zh":
        took = f"{seconds:.1f} 秒" if seconds < 60 else f"{seconds / 60:.1f} 分钟"
        return f"{kind}（{name}）上运行，用时 {took}，PyTorch {torch}，{date}"
    took = f"{seconds:.1f} s" if seconds < 60 else f"{seconds / 60:.1f} min"
    return f"Ran on a {kind} ({name}) in {took}, PyTorch {torch}, {date}"


def test_every_output_says_where_it_came_from(site):
    """site_build/provenance.py: under each printed output, the device (CPU or GPU, and its
    name), run time (as seconds or minutes), PyTorch version and date of the run that
    printed it, from its manifest, in the page's language (Chinese on a Chinese page, none
    on an English one). Fails on a line that names the wrong device, shows the duration in
    the wrong unit or language, or comes from another output's manifest."""
    problems = []
    for page in all_pages():
        outputs = [t for t in includes(page) if t.startswith("docs/figures/")]
        if not outputs:
            continue
        rel, lang = page.relative_to(DOCS).as_posix(), page_language(page)
        shown = dom(_built(site, page)).find_all("p", "dl-provenance")
        if len(shown) != len(outputs):
            problems.append(f"{rel}: {len(outputs)} outputs, {len(shown)} provenance lines")
            continue
        for target, line in zip(outputs, shown):
            manifest = json.loads((ROOT / target.replace(".txt", ".manifest.json"))
                                  .read_text(encoding="utf-8"))
            want, text = _provenance_line(manifest, lang), line.words()
            if bool(HAN.search(text)) != (lang == "zh") or (lang != "zh" and CJK.search(text)):
                problems.append(f"{rel}: '{text}' is not in the page's language ({lang})")
            elif text != want:
                problems.append(f"{rel}: '{text}' under {target}, expected '{want}'")
            date = line.find("span", "dl-date")
            if not date or date.words() != manifest["date"][:10]:
                problems.append(f"{rel}: the date of '{text}' is not in its <span>")
    assert not problems, "\n".join(problems)


GLOSSARY_ROW = re.compile(r"^\|(.*)\|\s*$")


def _glossary_pairs(source: Path) -> list[tuple[str, str]]:
    """The (Chinese, English) pairs of a glossary page's source table, read here on their
    own: every `| 中文 | English | 中文 | English |` line holds up to two pairs; the header
    row and the `| --- |` line hold none."""
    pairs = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not (m := GLOSSARY_ROW.match(line.strip())):
            continue
        cells = [cell.strip() for cell in m[1].split("|")]
        if all(re.fullmatch(r":?-+:?", cell) for cell in cells) or cells[:2] == ["中文",
                                                                                "English"]:
            continue
        assert len(cells) % 2 == 0, f"{source.name}: an odd number of cells: {line}"
        pairs += [(cells[i], cells[i + 1]) for i in range(0, len(cells), 2) if cells[i]]
    return pairs


def _glossary_rows(site: Path, lang: str) -> list[list[Element]]:
    """The cells of each body row of the built glossary's table."""
    table = dom(site / url_prefix(lang) / "glossary" / "index.html").find("article").find(
        "table")
    body = table.find("tbody") or table
    return [row.kids("td") for row in body.find_all("tr") if row.kids("td")]


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_shows_every_pair_of_its_source_once(site, lang):
    """Every term pair of docs/glossary.md (glossary.en.md for English) is one row of the
    built glossary, exactly once, the page's language first; no row is made up. Fails on a
    pair the hook drops (e.g. the second pair of a source line) or shows twice."""
    source = DOCS / source_name("glossary", lang)
    pairs = _glossary_pairs(source)
    assert len(pairs) > 40, f"{source.name}: the pairs were not read ({len(pairs)})"
    rows = [(cells[0].words(), cells[1].words()) for cells in _glossary_rows(site, lang)]
    shown = [row if lang == "zh" else row[::-1] for row in rows]  # as (Chinese, English)
    twice = [row for row, n in Counter(shown).items() if n > 1]
    missing = sorted(set(pairs) - set(shown))
    extra = sorted(set(shown) - set(pairs))
    assert not (twice or missing or extra), (
        f"the {lang} glossary should show each pair of {source.name} once:\n"
        f" shown twice: {twice}\n missing: {missing}\n not in the source: {extra}")
    assert len(shown) == len(pairs)


def test_both_glossary_sources_hold_the_same_pairs():
    """glossary.md and glossary.en.md list the same pairs (each builds one language's page)."""
    zh, en = (_glossary_pairs(DOCS / source_name("glossary", lang)) for lang in LANGS)
    assert Counter(zh) == Counter(en), (sorted(set(zh) ^ set(en)), len(zh), len(en))


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_reads_on_a_phone_in_teaching_order(site, lang):
    """site_build/glossary.py: one pair per row (three columns), every term an anchor shared by
    both languages, links to the lessons that use it, rows in the order readers meet them."""
    rows = _glossary_rows(site, lang)
    assert all(len(cells) == 3 for cells in rows), "three columns: term, other, lessons"
    assert len(rows) > 40, "the glossary table should have one term per row"
    ids = [cells[0].find("span", id=True) for cells in rows]
    assert all(ids), "every term should carry an anchor"
    numbers = [[a.words() for a in cells[2].find_all("a")] for cells in rows]
    firsts = [int(links[0]) if links else 99 for links in numbers]
    assert firsts == sorted(firsts), "rows should follow the order of the lessons"
    assert sum(f < 99 for f in firsts) > 40, "most terms should link to a lesson"


def test_glossary_anchors_are_the_same_in_both_languages(site):
    """The same anchors, in the same order, with the same lessons in both languages."""
    zh, en = ([(cells[0].find("span", id=True).attrs["id"],
                [a.words() for a in cells[2].find_all("a")])
               for cells in _glossary_rows(site, lang)] for lang in LANGS)
    assert len({term for term, _ in zh}) == len(zh) > 40
    assert zh == en, [(a, b) for a, b in zip(zh, en) if a != b][:5]


def test_math_is_typeset_in_the_built_html(site):
    """site_build/math_at_build.py: the HTML holds typeset math (no raw TeX while scripts load,
    with scripts off, or in search), and no page loads KaTeX's script."""
    problems = []
    for page in site_pages(site):
        html = page.read_text()
        rel = page.relative_to(site)
        for math in dom(page).find_all(cls="arithmatex"):
            inside = math.kids()
            loose = "".join(c for c in math.children if isinstance(c, str)).strip()
            if loose or not inside or not {"katex", "katex-display"} & set(inside[0].classes):
                problems.append(f"{rel}: untypeset math {math.text()[:40]!r}")
        if "katex.min.js" in html or "auto-render" in html:
            problems.append(f"{rel}: still loads KaTeX's script")
    assert not problems, "\n".join(problems[:20])
    assert dom(site / "lessons" / "softmax" / "index.html").find(cls="katex-display")


RAW_MATH = re.compile(r"\\[(\[]|\$\$")
NOT_READ = {"code", "pre", "script", "style", "annotation", "template"}


def _not_read(element: Element) -> bool:
    """Text a reader does not read as prose: code, scripts, KaTeX's MathML source, and the
    hidden copy of a notebook cell's code for its copy button."""
    return element.tag in NOT_READ or "clipboard-copy-txt" in element.classes


def test_no_raw_tex_in_the_visible_text(site):
    """Outside code, no built page shows \\( \\[ or $$ (math pymdownx.arithmatex or a
    notebook left for a browser script to typeset, or a formula the hook's pattern missed,
    like one split over a <span>): with scripts off, or while they load, readers would read
    raw TeX."""
    problems = []
    for page in site_pages(site):
        body = dom(page).find("body")
        text = body.text(skip=_not_read)
        for m in RAW_MATH.finditer(text):
            problems.append(f"{page.relative_to(site)}: raw TeX "
                            f"{text[max(0, m.start() - 20):m.end() + 20]!r}")
    assert not problems, "\n".join(problems[:20])


TEX_COMMAND = re.compile(r"\\[A-Za-z]+|\\[(\[]|\$")


def _prose(indexed: str) -> str:
    """An index entry's text outside <code> and <pre> (code may hold a `$x$` axis label or
    a `\\n`; prose may not)."""
    tree = _Tree()
    tree.feed(indexed)
    return tree.root.text(skip=lambda element: element.tag in {"code", "pre"})


@pytest.mark.parametrize("lang", LANGS)
def test_search_shows_no_tex_and_no_zero_width_spaces(site, lang):
    """Search results show prose as readers read it: no TeX command (any backslash and
    letters: \\alpha, \\partial, \\nabla, \\mathbf ...), no \\( \\[ or $ math
    delimiters outside code, and no zero-width spaces in titles."""
    index = _index(site, lang)
    tex = [(d["location"], m[0]) for d in index["docs"]
           for m in TEX_COMMAND.finditer(d["title"] + " " + _prose(d["text"]))]
    assert not tex, f"TeX in the search index: {tex[:20]}"
    spaces = [d["location"] for d in index["docs"] if "\u200b" in d["title"]]
    assert not spaces, f"zero-width spaces in result titles: {spaces}"


def test_bad_tex_fails_the_build_naming_the_page():
    page = SimpleNamespace(file=SimpleNamespace(src_uri="lessons/demo.md"))
    good = math_at_build.on_page_content(
        '<span class="arithmatex">\\(x^2\\)</span>', page=page)
    assert good.startswith('<span class="arithmatex"><span class="katex">')
    with pytest.raises(notebook_pages.PluginError, match="lessons/demo.md: KaTeX cannot"):
        math_at_build.on_page_content('<span class="arithmatex">\\(\\frac{1}\\)</span>',
                                      page=page)


@pytest.mark.parametrize("lang", LANGS)
def test_all_notebooks_download_in_one_archive(site, lang):
    """site_build/notebook_archive.py: one zip per language with every lesson's notebook (as
    committed, outputs included) and a README; the home page links it (link test)."""
    import zipfile
    path = site / "notebooks" / f"dlcamp-notebooks-{lang}.zip"
    with zipfile.ZipFile(path) as archive:
        names = sorted(name.split("/", 1)[1] for name in archive.namelist())
        folder = f"dlcamp-notebooks-{lang}/"
        for lesson in LESSONS:
            name = source_name(lesson, lang, ".ipynb")
            assert archive.read(folder + name) == (DOCS / "notebooks" / name).read_bytes()
    assert names == sorted(["README.txt"] + [source_name(l, lang, ".ipynb") for l in LESSONS])
    home = site / url_prefix(lang) / "index.html"
    assert f"dlcamp-notebooks-{lang}.zip" in home.read_text()


# ---------------------------------------------------------------- the registry on the site

SECTIONS = {"zh": ("首页", "课程", "术语表"), "en": ("Home", "Lessons", "Glossary")}
NOTEBOOK_TITLE = {"zh": "{}（notebook）", "en": "{} (notebook)"}


def _nav(site: Path, page: Path) -> list:
    """Material's navigation on a built page: (title, the file its link leads to, or None
    for a section, [entries inside]) for each entry, in order."""
    def entries(ul: Element) -> list:
        found = []
        for li in ul.kids("li"):
            links = [c for c in li.kids() if "md-nav__link" in c.classes]  # <a> or <label>
            title = links[0].find(cls="md-ellipsis").words() if links else None
            href = next((a.attrs["href"] for a in links if a.tag == "a"), None)
            inner = [nav for nav in li.kids("nav") if "md-nav--secondary" not in nav.classes]
            target = _resolve(site, page, href).relative_to(site).as_posix() if href else None
            found.append((title, target, entries(inner[0].find("ul")) if inner else []))
        return found
    return entries(dom(page).find("nav", "md-nav--primary").kids("ul")[0])


@pytest.mark.parametrize("lang", LANGS)
def test_navigation_lists_the_registry_lessons_in_order(site, lang):
    """On every page of a language, the navigation is Home, the lessons of
    dlcamp/lessons.py in its order, each titled `N. title` in the page's language and
    linked to its page, and Glossary, the section titles translated on English pages.
    Fails on a lesson missing from the nav (the strict build lets that pass:
    omitted_files is info for the notebook pages), out of order, titled in the other
    language or by another number, or an untranslated section title."""
    home, lessons, glossary = SECTIONS[lang]
    prefix = url_prefix(lang)
    expected = [(home, f"{prefix}index.html", []),
                (lessons, None, [(heading(lesson.slug, lang),
                                  f"{prefix}lessons/{lesson.slug}/index.html", [])
                                 for lesson in LESSONS_IN_ORDER]),
                (glossary, f"{prefix}glossary/index.html", [])]
    pages = [page for page in site_pages(site) if lang_of(site, page) == lang]
    assert len(pages) > 2 * len(LESSONS_IN_ORDER)  # lessons, notebooks, home, glossary
    wrong = {page.relative_to(site).as_posix(): _nav(site, page) for page in pages}
    wrong = {page: nav for page, nav in wrong.items() if nav != expected}
    assert not wrong, (f"{len(wrong)} {lang} pages with another navigation, e.g. "
                       f"{next(iter(wrong))}:\n {next(iter(wrong.values()))}\n"
                       f"expected:\n {expected}")


@pytest.mark.parametrize("lang", LANGS)
def test_previous_and_next_follow_the_registry(site, lang):
    """Material's previous/next footer links, against dlcamp/lessons.py: a lesson page
    leads to the lessons before and after it (the first one back to the home page, the
    last one on to the glossary, as in the nav); a notebook page to the notebooks of
    those lessons (none before the first, none after the last); home and glossary to the
    first and last lesson. Every link shows its target's title in the page's language.
    Fails on a lesson left out of the order or a footer that skips or swaps one."""
    prefix = site / url_prefix(lang)
    home = (SECTIONS[lang][0], prefix / "index.html")
    glossary = (SECTIONS[lang][2], prefix / "glossary" / "index.html")

    def lesson(item, notebook=False):
        title = heading(item.slug, lang)
        if notebook:
            return NOTEBOOK_TITLE[lang].format(title), prefix / "notebooks" / item.slug / \
                "index.html"
        return title, prefix / "lessons" / item.slug / "index.html"

    order = list(LESSONS_IN_ORDER)
    expected = {home[1]: {"next": lesson(order[0])}, glossary[1]: {"prev": lesson(order[-1])}}
    for i, item in enumerate(order):
        before = order[i - 1] if i > 0 else None
        after = order[i + 1] if i + 1 < len(order) else None
        expected[lesson(item)[1]] = {"prev": lesson(before) if before else home,
                                     "next": lesson(after) if after else glossary}
        expected[lesson(item, True)[1]] = {
            side: lesson(other, True) for side, other in (("prev", before), ("next", after))
            if other}
    problems = []
    for page, want in expected.items():
        got = {side: (title, _resolve(site, page, href))
               for side, (href, title) in _footer(dom(page)).items()}
        want = {side: (title, target.resolve()) for side, (title, target) in want.items()}
        if got != want:
            problems.append(f"{page.relative_to(site)}: previous/next\n  "
                            f"{ {s: (t, str(p.relative_to(site))) for s, (t, p) in got.items()} }"
                            f"\n  expected\n  "
                            f"{ {s: (t, str(p.relative_to(site))) for s, (t, p) in want.items()} }")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- figures and outputs


def test_figure_alt_text_is_in_the_pages_language(site):
    """Every figure a page shows (lessons and notebooks) has alt text in the page's
    language: Chinese on a Chinese page, none on an English one. Fails on an empty alt or
    one left in the other language."""
    problems = []
    for page in site_pages(site):
        lang = lang_of(site, page)
        for img in _figures(dom(page)):
            alt = img.attrs.get("alt", "").strip()
            if not alt or (lang == "zh" and not HAN.search(alt)) or (lang != "zh"
                                                                     and CJK.search(alt)):
                problems.append(f"{page.relative_to(site)}: {img.attrs['src']}: alt {alt!r}")
    assert not problems, "alt text missing or not in the page's language:\n" + "\n".join(
        problems)


def test_lesson_figures_have_captions_in_the_pages_language(site):
    """Every figure on a lesson page sits in a <figure> with a caption (`/// caption`,
    pymdownx.blocks.caption) in the page's language. Fails on a figure without one, an
    empty one, or one in the other language."""
    problems = []
    for lang in LANGS:
        for lesson in LESSONS:
            page = site / _links(lesson, lang)["lesson"] / "index.html"
            for img in _figures(dom(page)):
                figure = img.ancestor("figure")
                caption = figure and figure.find("figcaption")
                text = caption.words() if caption else ""
                if not text or (lang == "zh" and not HAN.search(text)) or (
                        lang != "zh" and CJK.search(text)):
                    problems.append(f"{page.relative_to(site)}: {img.attrs['src']}: "
                                    f"caption {text!r}")
    assert not problems, "captions missing or not in the page's language:\n" + "\n".join(
        problems)


def test_chinese_pages_show_the_chinese_figures(site):
    """A Chinese page (lesson or notebook) shows x-zh.svg, whose words are Chinese; an
    English page shows x.svg. Fails on a Chinese page showing the English figure."""
    problems = []
    for page in site_pages(site):
        lang = lang_of(site, page)
        for img in _figures(dom(page)):
            translated = bool(re.search(r"-zh\.(svg|png)$", img.attrs["src"]))
            if translated != (lang == "zh"):
                problems.append(f"{page.relative_to(site)} ({lang}): {img.attrs['src']}")
    assert not problems, "figures in the other language:\n" + "\n".join(problems)


SECTION_MARK = re.compile(r"^\s*# --8<-- \[(start|end):(\w+)\]")
PRINT = re.compile(r"\bprint\(")


def _shown_lines(snippet: Path, sections: list[str | None]) -> set[int]:
    """The lines of a snippet a page shows: all for a whole-file include, else those inside
    the sections it includes."""
    lines = snippet.read_text(encoding="utf-8").splitlines()
    if None in sections:
        return set(range(len(lines)))
    shown, inside = set(), set()
    for i, line in enumerate(lines):
        if m := SECTION_MARK.match(line):
            (inside.add if m[1] == "start" else inside.discard)(m[2])
        elif inside & set(sections):
            shown.add(i)
    return shown


def _snippets_shown(page: Path) -> dict[Path, list[str | None]]:
    """The snippets a page includes, with the sections it includes of each."""
    shown = {}
    for target in includes(page):
        path, section = split_include(target)
        if path.suffix == ".py":
            shown.setdefault(path, []).append(section)
    return shown


def test_every_printed_line_s_code_is_shown():
    """CONTRIBUTING.md: every output a page shows comes from a snippet the page includes, and the
    page shows the code of every line it printed (each `print(` lies in a section the page
    includes). An output quoted from another lesson (思考题 quotes four) names its snippet
    in the block's title, `输出（来自 spiral/linear_collapse.py）`, and links to that
    lesson, whose page shows the code. Fails on an output shown without its code, or a
    print left outside the sections a page shows."""
    problems = []
    for page in all_pages():
        lines, lang = page.read_text(encoding="utf-8").splitlines(), page_language(page)
        for n, line in enumerate(lines):
            target = INCLUDE.fullmatch(line)
            if not target or not target[1].startswith("docs/figures/"):
                continue
            output = ROOT / target[1]
            snippet = ROOT / json.loads(output.with_suffix(".manifest.json").read_text(
                encoding="utf-8"))["snippet"]
            rel = f"{page.relative_to(ROOT)}: {target[1]}"
            if (snippet.parent.name, snippet.stem) != (output.parent.name, output.stem):
                problems.append(f"{rel} comes from {snippet.relative_to(ROOT)}")
            where = page
            if snippet not in _snippets_shown(page):
                lesson = snippet.parent.name
                where = DOCS / "lessons" / source_name(lesson, lang)
                fence = next(line for line in reversed(lines[:n]) if line.strip())
                if f"{lesson}/{snippet.name}" not in fence or f"]({lesson}.md)" not in \
                        "\n".join(lines) or not where.exists():
                    problems.append(f"{rel}: its code, {snippet.relative_to(ROOT)}, is "
                                    "not on the page (nor named and linked as a quote)")
                    continue
            sections = _snippets_shown(where).get(snippet)
            if not sections:
                problems.append(f"{rel}: {where.name} does not show "
                                f"{snippet.relative_to(ROOT)}")
                continue
            shown = _shown_lines(snippet, sections)
            hidden = [i + 1 for i, code in enumerate(snippet.read_text(
                encoding="utf-8").splitlines()) if PRINT.search(code) and i not in shown]
            if hidden:
                problems.append(f"{rel}: {where.name} does not show the print() on line(s) "
                                f"{hidden} of {snippet.relative_to(ROOT)}")
    assert not problems, "\n".join(problems)


def _columns(line: str) -> int:
    """Columns a line takes in a monospace font (a Chinese character takes two)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_snippet_and_output_lines_fit_79_columns():
    """CONTRIBUTING.md: snippet lines are at most 79 characters, so a code block shows them whole
    at 1280 px; so are printed output lines (the browser test checks the same in Chromium,
    where there is one). Fails on a longer line in a snippet or a printed output."""
    files = [s.path for s in all_snippets()] + sorted(FIGURES.glob("*/*.txt"))
    long = [f"{path.relative_to(ROOT)}:{n}: {_columns(line)} columns"
            for path in files
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if _columns(line) > 79]
    assert len(files) > 50 and not long, "lines over 79 columns:\n" + "\n".join(long)
