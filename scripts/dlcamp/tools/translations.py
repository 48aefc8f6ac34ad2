"""Keep the two languages of every page in step, section by section.

    python scripts/translations.py                          # check; exit 1 if out of step
    python scripts/translations.py mark lessons/mnist#results   # one section reviewed
    python scripts/translations.py mark lessons/mnist           # every section of a page
    python scripts/translations.py mark --all                   # everything (first use)

Every section heading (##, ###) carries an id written after it, `## 数据 {#data}`, the same
in both languages: it is the section's anchor on both pages (a link to #data means the same
section in zh and en, and does not change when a section is inserted), and it pairs the
section with its twin. translations.json records, for each section, a hash of its Chinese
and of its English text as they were when someone last checked that the two say the same
thing. When either side changes, the check names the page and the section; after updating
the other language, `mark` records the pair as reviewed. Either language may come first.
The text before the first ## heading (title, front matter, introduction) is section `intro`.
Standard library only.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from dlcamp import facts
from dlcamp.outputs import BuildError, read_text

ROOT = facts.ROOT
DOCS = facts.DOCS
RECORD = ROOT / "translations.json"
ZH, EN = facts.LANGUAGES  # the record keeps one hash per language for each section


class TranslationError(Exception):
    """A bad request to `mark`: reported as one line, without a traceback."""
HEADING = re.compile(r"^(#{2,3})\s+(.*?)\s*(?:\{#([A-Za-z][\w-]*)\})?\s*$")


def sections(text: str) -> list[tuple[str, str]]:
    """(id, text) of each section; a heading without an id gets id '' (an error)."""
    found, current, lines, fenced = [], "intro", [], False
    for line in text.splitlines():
        if facts.FENCE.match(line):
            fenced = not fenced
        m = None if fenced else HEADING.match(line)
        if m:
            found.append((current, "\n".join(lines)))
            current, lines = m.group(3) or "", []
        lines.append(line.rstrip())
    found.append((current, "\n".join(lines)))
    return found


def digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def pairs() -> list[tuple[str, Path, Path]]:
    """(name, zh page, en page) for every page that has both languages."""
    result = []
    for zh in sorted(DOCS.rglob("*.md")):
        if facts.page_language(zh) == ZH and \
                (en := zh.with_name(facts.source_name(zh.stem, EN))).exists():
            result.append((zh.relative_to(DOCS).with_suffix("").as_posix(), zh, en))
    return result


def current(zh: Path, en: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """{section id: {"zh": hash, "en": hash}} and the problems with the ids themselves."""
    problems, state = [], {}
    zs, es = sections(read(zh)), sections(read(en))
    for page, secs in ((zh, zs), (en, es)):
        ids = [i for i, _ in secs]
        if "" in ids:
            problems.append(f"{page.relative_to(ROOT)}: a ## or ### heading without an id "
                            "(write it as `## Heading {#some-id}`, the same id in both languages)")
        if len(set(ids)) != len(ids):
            problems.append(f"{page.relative_to(ROOT)}: the same section id twice")
    if [i for i, _ in zs] != [i for i, _ in es]:
        problems.append(f"{zh.relative_to(ROOT)} and {en.name}: different section ids or order:"
                        f"\n  zh: {[i for i, _ in zs]}\n  en: {[i for i, _ in es]}")
        return state, problems
    for (sid, ztext), (_, etext) in zip(zs, es):
        state[sid] = {ZH: digest(ztext), EN: digest(etext)}
    return state, problems


def read(page: Path) -> str:
    try:
        return read_text(page)
    except BuildError as err:  # not UTF-8
        raise TranslationError(str(err)) from None


def load() -> dict:
    try:
        return json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}
    except ValueError as err:
        raise TranslationError(f"{RECORD.name} is not valid JSON ({err}): take it back from "
                               "git (git checkout translations.json), then mark again") from None


def check() -> list[str]:
    record, problems = load(), []
    for name, zh, en in pairs():
        state, id_problems = current(zh, en)
        problems += id_problems
        reviewed = record.get(name, {})
        for sid, hashes in state.items():
            was = reviewed.get(sid)
            if was is None:
                problems.append(f"{name}#{sid}: never reviewed in both languages")
                continue
            changed = [lang for lang in (ZH, EN) if was[lang] != hashes[lang]]
            if changed:
                which = ("the Chinese" if changed == [ZH] else "the English"
                         if changed == [EN] else "both")
                problems.append(
                    f"{name}#{sid}: {which} {'text' if len(changed) == 1 else 'texts'} "
                    f"changed since the twins were last reviewed together; bring the other "
                    f"language in step, then run python scripts/translations.py mark "
                    f"{name}#{sid}")
    return problems


def mark(targets: list[str]) -> list[str]:
    """Record the named sections (or pages, or all with '--all') as reviewed."""
    record, marked = load(), []
    known = {name: (zh, en) for name, zh, en in pairs()}
    if targets == ["--all"]:
        targets = list(known)
    for target in targets:
        name, _, sid = target.partition("#")
        name = name.removeprefix("docs/").removesuffix(".md").removesuffix(".en")
        if name not in known:
            raise TranslationError(f"no page '{name}' in both languages "
                                   f"(pages: {', '.join(known)})")
        state, problems = current(*known[name])
        if problems:
            raise TranslationError("\n".join(problems))
        if sid and sid not in state:
            raise TranslationError(f"{name} has no section '{sid}' "
                                   f"(sections: {', '.join(state)})")
        page = record.setdefault(name, {})
        for key in [sid] if sid else list(state):
            page[key] = state[key]
            marked.append(f"{name}#{key}")
        for key in [k for k in page if k not in state]:  # sections that are gone
            del page[key]
    for name in [n for n in record if n not in known]:
        del record[name]
    RECORD.write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return marked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/translations.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["check", "mark"], default="check")
    parser.add_argument("targets", nargs="*", help="page, page#section, or --all (mark)")
    args, extra = parser.parse_known_args(argv)
    if unknown := [option for option in extra if option != "--all"]:
        parser.error(f"unknown option {' '.join(unknown)}")
    targets = args.targets + extra
    try:
        if args.command == "mark":
            if not targets:
                parser.error("mark wants page#section, a page, or --all")
            for line in mark(targets):
                print(f"reviewed: {line}")
            return 0
        problems = check()
    except TranslationError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    print(f"translations: {'all sections in step' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0

