"""MkDocs hook: one search index per language, so a search finds pages in the reader's language.

mkdocs-static-i18n writes a single index at /search/ with the pages of both languages, and
every page, English ones included, loads it. After the build this hook splits it: Chinese
pages stay in /search/search_index.json, English pages move to /en/search/search_index.json
(locations made relative to /en/), and each English page's "base" (which Material uses to
find the index and to resolve result links) is pointed at /en/ instead of the site root."""
import json
import re
import sys
from pathlib import Path

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks  # noqa: E402  scripts/notebooks.py knows the site's languages

FIRST, SECOND = notebooks.languages()  # the default language at /, the other under /en/


@event_priority(-200)  # after mkdocs-static-i18n (-100) has written the combined index
def on_post_build(config, **kwargs):
    site = Path(config["site_dir"])
    root_index = site / "search" / "search_index.json"
    if not root_index.exists():
        return
    index = json.loads(root_index.read_text(encoding="utf-8"))
    prefix = SECOND + "/"
    if not any(doc["location"].startswith(prefix) for doc in index["docs"]):
        return  # a language build inside i18n's own build, or already split
    for doc in index["docs"]:  # jieba's word breaks stay in the text (lunr splits there),
        doc["title"] = doc["title"].replace("\u200b", "")  # not in the titles readers see
    zh = [d for d in index["docs"] if not d["location"].startswith(prefix)]
    en = [dict(d, location=d["location"][len(prefix):])
          for d in index["docs"] if d["location"].startswith(prefix)]
    write(root_index, dict(index, config=dict(index["config"], lang=[FIRST]), docs=zh))
    write(site / SECOND / "search" / "search_index.json",
          dict(index, config=dict(index["config"], lang=[SECOND]), docs=en))
    for page in (site / SECOND).rglob("*.html"):
        # Material's "base" is the site root as seen from the page ("../../.." on
        # /en/lessons/x/); English pages get /en/ instead: one ".." per folder below /en/.
        depth = len(page.parent.relative_to(site / SECOND).parts)
        base = "/".join([".."] * depth) or "."
        html = page.read_text(encoding="utf-8")
        fixed = re.sub(r'"base": "[./]*"', f'"base": "{base}"', html, count=1)
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")


def write(path: Path, index: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
