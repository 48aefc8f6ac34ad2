"""MkDocs hook: one search index per language, so a search finds pages in the reader's language.

mkdocs-static-i18n writes a single index at /search/ with the pages of every language, and
every page loads it. After the build this hook splits it: pages of the default language stay
in /search/search_index.json, those of another language move to /<lang>/search/ (locations
made relative to /<lang>/), and each such page's "base" (which Material uses to find the
index and to resolve result links) is pointed at /<lang>/ instead of the site root."""
import json
import re
from pathlib import Path

from mkdocs.plugins import event_priority

from dlcamp.facts import DEFAULT, LANGUAGES, url_prefix


@event_priority(-200)  # after mkdocs-static-i18n (-100) has written the combined index
def on_post_build(config, **kwargs):
    site = Path(config["site_dir"])
    root_index = site / "search" / "search_index.json"
    if not root_index.exists():
        return
    index = json.loads(root_index.read_text(encoding="utf-8"))
    others = [lang for lang in LANGUAGES if lang != DEFAULT]
    if not any(doc["location"].startswith(url_prefix(lang))
               for doc in index["docs"] for lang in others):
        return  # a language build inside i18n's own build, or already split
    for doc in index["docs"]:  # jieba's word breaks stay in the text (lunr splits there),
        doc["title"] = doc["title"].replace("\u200b", "")  # not in the titles readers see
    for lang in others:
        prefix = url_prefix(lang)
        mine = [d for d in index["docs"] if d["location"].startswith(prefix)]
        write(site / lang / "search" / "search_index.json",
              dict(index, config=dict(index["config"], lang=[lang]),
                   docs=[dict(d, location=d["location"][len(prefix):]) for d in mine]))
        point_base_at_language(site, lang)
    default_docs = [d for d in index["docs"]
                    if not any(d["location"].startswith(url_prefix(lang)) for lang in others)]
    write(root_index, dict(index, config=dict(index["config"], lang=[DEFAULT]),
                           docs=default_docs))


def point_base_at_language(site: Path, lang: str) -> None:
    """Material's "base" is the site root as seen from the page ("../../.." on
    /en/lessons/x/); the pages of /<lang>/ get /<lang>/ instead: one ".." per folder below."""
    for page in (site / lang).rglob("*.html"):
        depth = len(page.parent.relative_to(site / lang).parts)
        base = "/".join([".."] * depth) or "."
        html = page.read_text(encoding="utf-8")
        fixed = re.sub(r'"base": "[./]*"', f'"base": "{base}"', html, count=1)
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")


def write(path: Path, index: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
