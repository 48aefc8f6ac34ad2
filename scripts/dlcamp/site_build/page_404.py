"""MkDocs hook: one 404 page, in the default language's chrome, whose language links lead to
the two home pages.

mkdocs-static-i18n builds the site once per language, and each build writes /404.html: the
last one (English) won, and its language links were whatever the last page built had set
(a notebook page's). The page's own text is in both languages (overrides/404.html), so it
keeps the default language's build and points the language links at the home pages."""
from mkdocs.plugins import event_priority

from dlcamp.facts import DEFAULT, url_prefix

FIRST = {}


def on_pre_build(config, **kwargs):
    """A new build of the default language (the first of each build, also on every
    rebuild under `mkdocs serve`) starts without a 404 page, so it is never an old one."""
    if config.theme["language"] == DEFAULT:
        FIRST.clear()


@event_priority(-200)  # after mkdocs-static-i18n and notebook_pages.py
def on_template_context(context, template_name, config, **kwargs):
    if template_name == "404.html":
        for alternate in getattr(config.extra, "alternate", None) or []:
            alternate["link"] = url_prefix(alternate["lang"])  # its home page
    return context


def on_post_template(output_content, template_name, config, **kwargs):
    if template_name != "404.html":
        return output_content
    return FIRST.setdefault("404", output_content)  # the first build's: the default language
