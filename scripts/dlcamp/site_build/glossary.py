"""MkDocs hook: the glossary as a reader uses it.

docs/glossary.md (and .en.md) keep the term pairs in a compact table that authors edit. On
the site this hook shows them one pair per row (readable on a phone), in the page's
language first, in the order a reader meets them in the lessons, each with an anchor
(`glossary/#gradient`) and links to the lessons that use it (in either language, so the two
glossaries agree; a pair no lesson uses sorts last with a dash)."""
import functools
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from dlcamp.facts import LANGUAGES, page_language, source_name
from dlcamp.lessons import LESSONS, heading, number
from dlcamp.outputs import BuildError, read_text

ROW = re.compile(r"^\|(.+)\|\s*$")
HEADERS = {"zh": "| 术语 | English | 出现在 |\n| --- | --- | --- |",
           "en": "| Term | 中文 | Lessons |\n| --- | --- | --- |"}


def variants(term: str) -> list[str]:
    """'batch / minibatch' -> both; 'multilayer perceptron (MLP)' -> the name and MLP."""
    found = []
    for part in term.split(" / "):
        m = re.fullmatch(r"(.*?)\s*\((.*)\)", part.strip())
        found += [m[1], m[2]] if m else [part.strip()]
    return [f for f in found if f]


@functools.lru_cache(maxsize=None)
def patterns(term: str, lang: str) -> tuple[re.Pattern, ...]:
    """How a term is found in a page of that language (compiled once per process)."""
    found = []
    for word in variants(term):
        pattern = re.escape(word) if lang == "zh" else rf"(?<![\w-]){re.escape(word)}s?(?![\w-])"
        found.append(re.compile(pattern, 0 if lang == "zh" or word.isupper() else re.I))
    return tuple(found)


@functools.lru_cache(maxsize=4096)  # under `mkdocs serve`, unchanged pages cost nothing
def uses(text: str, term: str, lang: str) -> bool:
    return any(pattern.search(text) for pattern in patterns(term, lang))


def lessons(docs: Path, lang: str) -> list[tuple[int, str, str]]:
    """(number, file name, text) of each lesson page in this language, in teaching order
    (the lesson registry's)."""
    found = []
    for lesson in LESSONS:
        page = docs / "lessons" / source_name(lesson.slug, lang)
        if page.exists():  # with its title, which the page takes from the registry
            try:
                text = f"# {heading(lesson.slug, lang)}\n{read_text(page)}"
            except BuildError as err:
                raise PluginError(f"glossary: {err}") from None
            found.append((number(lesson.slug), page.name, text))
    return found


def slug(english: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", variants(english)[0].lower()).strip("-")


def on_page_markdown(markdown, page, config, **kwargs):
    if not page.file.src_uri.startswith("glossary."):
        return markdown
    lang = page_language(page.file.src_uri)
    docs = Path(config["docs_dir"])
    pages = {lg: lessons(docs, lg) for lg in LANGUAGES}
    lines, pairs, first = markdown.split("\n"), [], None
    for i, line in enumerate(lines):
        if m := ROW.match(line):
            first = i if first is None else first
            cells = [c.strip() for c in m[1].split("|")]
            if set("".join(cells)) <= set("- ") or cells[:2] == ["中文", "English"]:
                continue
            pairs += [(cells[j], cells[j + 1]) for j in range(0, len(cells) - 1, 2) if cells[j]]
    if first is None:
        return markdown
    rows = []
    for zh, en in pairs:
        # a lesson uses the pair if either of its pages uses the term in its own language,
        # so both glossaries list the same lessons in the same order
        used_in = {n for lg, term in (("zh", zh), ("en", en))
                   for n, _, text in pages[lg] if uses(text, term, lg)}
        used = [(n, name) for n, name, _ in pages[lang] if n in used_in]
        links = ", ".join(f"[{n}](lessons/{name})" for n, name in used) or "–"
        term, other = (zh, en) if lang == "zh" else (en, zh)
        rows.append(((used[0][0] if used else 99), len(rows),
                     f'| <span id="{slug(en)}"></span>{term} | {other} | {links} |'))
    table = [HEADERS[lang]] + [row for *_, row in sorted(rows)]
    last = max(i for i, line in enumerate(lines) if ROW.match(line))
    return "\n".join(lines[:first] + table + lines[last + 1:])
