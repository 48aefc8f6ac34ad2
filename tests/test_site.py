"""The site: strict build, both languages with the same structure, every include, figure
and snippet accounted for, and no broken internal links or anchors in the built HTML."""
import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import pytest

from dlcamp.lessons import LESSONS as LESSONS_IN_ORDER
from dlcamp.facts import LANGUAGES, notebook_links, page_language, source_name, url_prefix

LANGS = LANGUAGES
from dlcamp.site_build import math_at_build, notebook_pages
from project import (DOCS, FIGURES, ROOT, all_pages, all_snippets, build_site, en_pages,
                     en_twin, shared_site, images, includes, lesson_pages, site_pages,
                     split_include, structure, zh_pages)

pytestmark = pytest.mark.xdist_group("site")  # one worker builds the site once


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return shared_site(tmp_path_factory)


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
    html = (site / url_prefix(lang) / "index.html").read_text()
    listed = re.findall(r'<li><a href="lessons/(\w+)/">([^<]+)</a></li>', html)
    assert listed == [(lesson.slug, lesson.home_line(lang)) for lesson in LESSONS_IN_ORDER], \
        f"the {lang} home page should list the registry's lessons in order: {listed}"
    assert re.search(r"<ol>\s*<li><a href=\"lessons/basics/", html), "a numbered list"


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


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") == "alternate"):
                self.links.append(attrs[name])


def _parse(path: Path, cache: dict) -> _Links:
    if path not in cache:
        parser = _Links()
        parser.feed(path.read_text(errors="replace"))
        cache[path] = parser
    return cache[path]


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
    cache, broken = {}, []
    for page in sorted(site.rglob("*.html")):
        for link in _parse(page, cache).links:
            url = urlsplit(link)
            if url.scheme or link.startswith("//") or link.startswith("mailto:"):
                continue
            target = _resolve(site, page, url.path)
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {link} (no such file)")
            elif url.fragment and target.suffix == ".html":
                if unquote(url.fragment) not in _parse(target, cache).ids:
                    broken.append(f"{page.relative_to(site)}: {link} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken)))


def test_language_switcher_leads_to_the_same_page(site):
    problems = []
    for page in site_pages(site):
        rel = page.relative_to(site)
        in_en = rel.parts[0] == "en"
        zh_twin = site / Path(*rel.parts[1:]) if in_en else page
        en_twin_page = page if in_en else site / "en" / rel
        html = page.read_text()
        for lang, want in (("zh", zh_twin), ("en", en_twin_page)):
            m = re.search(rf'href="([^"]*)" hreflang="{lang}"', html)
            if not m:
                problems.append(f"{rel}: no language link for '{lang}'")
                continue
            if _resolve(site, page, m.group(1)) != want.resolve():
                problems.append(f"{rel}: '{lang}' link goes to {m.group(1)}, "
                                f"not {want.relative_to(site)}")
    assert not problems, "\n".join(problems)


def _meta(html: str) -> tuple[str | None, str | None]:
    lang = re.search(r'<html lang="([^"]+)"', html)
    desc = re.search(r'<meta name="description" content="([^"]*)"', html)
    return (lang and lang.group(1)), (desc and desc.group(1))


def test_every_page_has_its_own_description_in_its_language(site):
    """Search engines and link previews show the description: one per page, per language."""
    problems, seen = [], {}
    for page in site_pages(site):
        rel = page.relative_to(site)
        want = "en" if rel.parts[0] == "en" else "zh"
        lang, desc = _meta(page.read_text())
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
    html = (site / "404.html").read_text()
    assert "找不到页面" in html and "Page not found" in html
    links = _parse(site / "404.html", {}).links
    root = urlsplit(_site_url(site)).path  # the 404 page is served at any depth
    assert root in links and root + "en/" in links, "the 404 page should link to both homes"
    assert '<html lang="zh"' in html, "the 404 page should come from the default language"
    switcher = dict((lang, href) for href, lang in
                    re.findall(r'href="([^"]*)" hreflang="(\w+)"', html))
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
    html = (site / "index.html").read_text()
    return re.search(r'<a href="([^"]+)" title="[^"]*" class="md-source"', html).group(1)


FOOTER_LINKS = re.compile(r'<a href="([^"]+)" class="md-footer__link md-footer__link--(\w+)"')


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_pages_render_in_both_languages(site, lang):
    """mkdocs-jupyter's HTML, not the notebook's JSON (what mkdocs-static-i18n alone gives),
    with the .ipynb beside it for download and no edit link (the notebook is generated)."""
    problems = []
    for lesson in LESSONS:
        page = site / _links(lesson, lang)["notebook"] / "index.html"
        if not page.exists():
            problems.append(f"no notebook page {page.relative_to(site)}")
            continue
        html = page.read_text()
        if 'class="jp-Notebook"' not in html or '"cell_type"' in html:
            problems.append(f"{page.relative_to(site)}: not a rendered notebook")
        if f'<html lang="{lang}"' not in html:
            problems.append(f"{page.relative_to(site)}: not in {lang}")
        if 'rel="edit"' in html:
            problems.append(f"{page.relative_to(site)}: edit link to a generated file")
        # previous/next: the notebooks of the lessons before and after, so the same
        # relative links as the lesson page's (../optimizers/ from lessons/ or notebooks/)
        lesson_page = (site / _links(lesson, lang)["lesson"] / "index.html").read_text()
        lessons_around = [(href, side) for href, side in FOOTER_LINKS.findall(lesson_page)
                          if re.fullmatch(r"\.\./[a-z]+/", href)]  # not home, glossary
        if FOOTER_LINKS.findall(html) != lessons_around:
            problems.append(f"{page.relative_to(site)}: previous/next "
                            f"{FOOTER_LINKS.findall(html)}, expected {lessons_around}")
        source = DOCS / "notebooks" / source_name(lesson, lang, ".ipynb")
        download = page.parent / source.name
        if not download.exists() or download.read_bytes() != source.read_bytes():
            problems.append(f"{download.relative_to(site)}: missing or not the notebook")
    assert not problems, "\n".join(problems)


NOTEBOOK_PAGE_BUDGET = 45_000  # gzipped bytes of HTML (what a slow line carries; the
# largest is 33 KB); with mkdocs-jupyter's inlining a page was up to 1.5 MB


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_pages_stay_light(site, lang):
    """What scripts/notebook_pages.py promises: no inlined JupyterLab stylesheet, no figure
    inlined as base64 (each page uses the shared figure files), and a size budget."""
    problems = []
    for lesson in LESSONS:
        page = site / _links(lesson, lang)["notebook"] / "index.html"
        html = page.read_text()
        article = html[html.index("<article"):html.index("</article>")]
        if "<style" in article:
            problems.append(f"{page.relative_to(site)}: an inline stylesheet")
        if re.search(r'(src|href)="data:image/', html):
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
        bar = re.search(r'<nav class="dl-notebook".*?</nav>', page.read_text(), re.S)
        links = re.findall(r'href="([^"]+)"', bar.group(0)) if bar else []
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
        m = re.search(r'<a href="([^"]+)"[^>]*rel="edit"', page.read_text())
        source = m and re.fullmatch(re.escape(repo) + r"/edit/[\w.-]+/(.+)", m.group(1))
        if not source or not (ROOT / source.group(1)).exists():
            problems.append(f"{rel}: edit link {m and m.group(1)}")
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


def test_every_figure_opens_larger(site):
    """Figures are wrapped in a lightbox link (mkdocs-glightbox) that opens the full image."""
    bare = []
    for page in site_pages(site):
        html = page.read_text()
        for img in re.finditer(r'(<a [^>]*>)?<img [^>]*src="([^"]*figures/[^"]*)"', html):
            if not (img.group(1) and 'class="glightbox"' in img.group(1)):
                bare.append(f"{page.relative_to(site)}: {img.group(2)}")
    assert not bare, "figures without a lightbox link:\n" + "\n".join(bare)


def test_every_output_says_where_it_came_from(site):
    """scripts/provenance.py: under each printed output, the device, run time, PyTorch
    version and date of the run that printed it, from its manifest, in the page's language."""
    problems = []
    for page in all_pages():
        outputs = [t for t in includes(page) if t.startswith("docs/figures/")]
        if not outputs:
            continue
        rel = page.relative_to(DOCS).as_posix().removesuffix(".md")
        lang = page_language(page)
        name = rel.removesuffix(f".{lang}")
        built = site / url_prefix(lang) / ("" if name == "index" else name) / "index.html"
        lines = [re.sub(r"<[^>]+>", "", line) for line in  # the date is in a <span>
                 re.findall(r'<p class="dl-provenance">(.*?)</p>', built.read_text())]
        if len(lines) != len(outputs):
            problems.append(f"{rel}: {len(outputs)} outputs, {len(lines)} provenance lines")
            continue
        for target, text in zip(outputs, lines):
            manifest = json.loads((ROOT / target.replace(".txt", ".manifest.json"))
                                  .read_text(encoding="utf-8"))
            if manifest["versions"]["torch"] not in text or manifest["date"][:10] not in text:
                problems.append(f"{rel}: '{text}' does not match {target}'s manifest")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_reads_on_a_phone_in_teaching_order(site, lang):
    """scripts/glossary.py: one pair per row (three columns), every term an anchor shared by
    both languages, links to the lessons that use it, rows in the order readers meet them."""
    html = (site / url_prefix(lang) / "glossary" / "index.html").read_text()
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>.*?</td>\s*<td>(.*?)</td>\s*</tr>", html, re.S)
    assert len(rows) > 40, "the glossary table should have one term per row"
    ids = [re.search(r'<span id="([\w-]+)"></span>', term) for term, _ in rows]
    assert all(ids), "every term should carry an anchor"
    firsts = [int(m[1]) if (m := re.search(r">(\d+)</a>", links)) else 99 for _, links in rows]
    assert firsts == sorted(firsts), "rows should follow the order of the lessons"
    assert sum(f < 99 for f in firsts) > 40, "most terms should link to a lesson"


def test_glossary_anchors_are_the_same_in_both_languages(site):
    """The same anchors, in the same order, with the same lessons in both languages."""
    zh, en = ([(term, re.findall(r">(\d+)</a>", links)) for term, links in re.findall(
        r'<span id="([\w-]+)"></span>.*?</td>\s*<td>.*?</td>\s*<td>(.*?)</td>',
        (site / url_prefix(lang) / "glossary" / "index.html").read_text(), re.S)]
        for lang in LANGS)
    assert len({term for term, _ in zh}) == len(zh) > 40
    assert zh == en, [(a, b) for a, b in zip(zh, en) if a != b][:5]


def test_math_is_typeset_in_the_built_html(site):
    """scripts/math_at_build.py: the HTML holds typeset math (no raw TeX while scripts load,
    with scripts off, or in search), and no page loads KaTeX's script."""
    problems = []
    for page in site_pages(site):
        html = page.read_text()
        rel = page.relative_to(site)
        for m in re.finditer(r'<(span|div) class="arithmatex">(.{0,40})', html):
            if not m[2].startswith('<span class="katex'):
                problems.append(f"{rel}: untypeset math {m[2]!r}")
        if "katex.min.js" in html or "auto-render" in html:
            problems.append(f"{rel}: still loads KaTeX's script")
    assert not problems, "\n".join(problems[:20])
    assert 'class="katex-display"' in (site / "lessons" / "softmax" / "index.html").read_text()


@pytest.mark.parametrize("lang", LANGS)
def test_search_shows_no_tex_and_no_zero_width_spaces(site, lang):
    index = _index(site, lang)
    tex = [d["location"] for d in index["docs"]
           if re.search(r"\\(mathbf|frac|hat|sum|sigma|lambda|ell)\b", d["text"])]
    assert not tex, f"TeX in the search index: {tex}"
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
    """scripts/notebook_archive.py: one zip per language with every lesson's notebook (as
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
