"""MkDocs hook: one 404 page, in the default language's chrome, whose language links lead to
the two home pages.

mkdocs-static-i18n builds the site once per language, and each build writes /404.html: the
last one (English) won, and its language links were whatever the last page built had set
(a notebook page's). The page's own text is in both languages (overrides/404.html), so it
keeps the default language's build and points the language links at the home pages."""
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks  # noqa: E402  scripts/notebooks.py: the languages and where their pages live

FIRST = {}


@event_priority(-200)  # after mkdocs-static-i18n and scripts/notebook_pages.py
def on_template_context(context, template_name, config, **kwargs):
    if template_name == "404.html":
        for alternate in getattr(config.extra, "alternate", None) or []:
            alternate["link"] = notebooks.url_prefix(alternate["lang"])  # its home page
    return context


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name != "404.html":
        return output_content
    return FIRST.setdefault("404", output_content)  # the first build's: the default language
