"""MkDocs hook: the lesson registry (dlcamp/lessons.py) on the site.

- the navigation: mkdocs.yml's section `课程: lessons/` becomes the list of lesson pages in
  the registry's order (each titled by its page's heading, in the page's language);
- each lesson page starts with its numbered title, `# 3. 反向传播`, so a page file holds no
  `# ` title line and moving a lesson renumbers every page;
- the line `<!-- lessons -->` on the home pages becomes the numbered list of lessons.
A lesson page without a registry entry, a title written into a lesson page, or a home page
without the marker stops the build with a message saying what to do."""
import re

from mkdocs.exceptions import PluginError

from dlcamp.facts import page_language, stem_of
from dlcamp.lessons import BY_SLUG, LESSONS, heading, number

PLACEHOLDER = "lessons/"  # the nav section the lessons fill
MARKER = "<!-- lessons -->"
TITLE = re.compile(r"^# ", re.M)
FENCE = re.compile(r"^\s*(```|~~~).*?^\s*\1", re.M | re.S)


def on_config(config, **kwargs):
    """Runs for each language's build (mkdocs-static-i18n builds them in turn, with the
    same config: the second time the section is filled already)."""
    pages = [f"lessons/{lesson.slug}.md" for lesson in LESSONS]
    for item in config.nav or []:
        if isinstance(item, dict):
            for title, value in item.items():
                if value in (PLACEHOLDER, pages):
                    item[title] = pages
                    return config
    raise PluginError(f"mkdocs.yml: no nav section `<title>: {PLACEHOLDER}` for the lessons "
                      "(dlcamp/site_build/lessons.py fills it from dlcamp/lessons.py)")


def on_page_markdown(markdown, page, **kwargs):
    src = page.file.src_uri
    lang = page_language(src)
    if src.startswith("lessons/"):
        slug = stem_of(src)
        if slug not in BY_SLUG:
            raise PluginError(f"{src}: no lesson '{slug}' in scripts/dlcamp/lessons.py: add "
                              f'Lesson("{slug}", {{"zh": "...", "en": "..."}}) where it '
                              "belongs in the teaching order")
        if TITLE.search(FENCE.sub("", markdown)):
            raise PluginError(f"{src}: a `# ` title line; a lesson's title comes from "
                              "scripts/dlcamp/lessons.py (with its number): delete the line")
        return f"# {heading(slug, lang)}\n\n{markdown}"
    if stem_of(src) == "index":
        if MARKER not in markdown:
            raise PluginError(f"{src}: no line `{MARKER}` where the list of lessons goes")
        items = "\n".join(f"{number(lesson.slug)}. [{lesson.home_line(lang)}]"
                          f"(lessons/{lesson.slug}.md)" for lesson in LESSONS)
        return markdown.replace(MARKER, items)
    return markdown
