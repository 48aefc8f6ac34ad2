"""Which numbers a lesson page's prose quotes, and what backs each one.

A number in the prose (the Markdown outside code, math, comments, link targets, include
lines and front matter) is one of:

- printed:  an output the page includes (`--8<-- "docs/figures/<slug>/<name>.txt"`) prints
            it at the page's rounding (0.117 <- 0.1170 or 0.11699; 12,000 <- 11,742;
            18 % <- 0.18; 0.18 <- 18.0%; 1.2 万 <- 12,000);
- in code:  a snippet the page includes states it as a literal (`lr = 0.1`, `nn.Linear(2, 3)`,
            `num_steps = 1_000`): a setting, not a result;
- a name:   part of a name or a reference: ResNet-50, float64, 3-layer, 2D, "lesson 5",
            "Fig. 1", 第 5 课, a year (1900-2099);
- exercise: in the Exercises section, which asks rather than reports;
- declared: listed with a reason in the page's front matter, for what is true but not from a
            run (a paper's reported figure, arithmetic):

              not_from_runs:
                "24.7": top-1 error of ResNet-50 reported by He et al. (2016), Table 4

- unbacked: none of these. tests/test_prose_numbers.py fails on it, naming the page, the
            sentence, the number and the outputs searched.

`python tests/prose_numbers.py` prints how many numbers of each kind every lesson page has;
`python tests/prose_numbers.py resnet` also lists each unbacked number with its sentence.
"""
from __future__ import annotations

import io
import math
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import yaml

from dlcamp.facts import FENCE, stem_of
from project import en_twin, includes, split_include
from project import lesson_pages as zh_lesson_pages

KINDS = ("printed", "in code", "a name", "exercise", "declared", "unbacked")
EXERCISES = re.compile(r"^##\s.*\{#exercises\}", re.M)

# ---------------------------------------------------------------- the page's prose

FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)
NOT_PROSE = re.compile(
    r"<!--.*?-->"                          # HTML comments
    r"|\$\$.*?\$\$|(?<![\\$])\$[^$\n]+\$"  # math, display and inline
    r"|(`+).*?\1"                          # inline code
    r"|\]\([^)]*\)"                        # link and image targets
    r"|\{[#:.][^}\n]*\}|\{ [^}\n]*\}"      # attribute lists: {#id}, { width="480" }
    r"|<[^>\n]+>"                          # HTML tags
    r"|^[ \t]*--8<--[^\n]*"                   # include lines
    r"|^[ \t]*///[^\n]*"                      # caption fences
    r"|^[ \t]*(?:\d+[.)]|[-*+])[ \t]"      # list markers: "1. ", "- "
    r"|^[ \t]*\|?[ \t:|-]+\|[ \t:|-]*$",   # a table's separator row
    re.S | re.M)


def front_matter(text: str) -> dict:
    m = FRONT_MATTER.match(text)
    return (yaml.safe_load(m.group(1)) or {}) if m else {}


def prose(text: str) -> str:
    """The page with everything that is not prose blanked out (same length, same lines,
    so that positions still point into the page)."""
    def blank(s: str) -> str:
        return re.sub(r"[^\n]", " ", s)

    m = FRONT_MATTER.match(text)
    if m:
        text = blank(m.group(0)) + text[m.end():]
    lines, fenced = text.split("\n"), False
    for i, line in enumerate(lines):
        if FENCE.match(line) or fenced:
            if FENCE.match(line):
                fenced = not fenced
            lines[i] = blank(line)
    text = "\n".join(lines)
    return NOT_PROSE.sub(lambda m: blank(m.group(0)), text)


# ---------------------------------------------------------------- numbers

NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?"
                    r"(?![\w.]\d)")  # not 2.3.1 (a version), not 1,2
UNITS = {"x", "ms", "s", "us", "µs", "ns", "M", "K", "k", "B", "GB", "MB", "KB", "MiB",
         "GiB", "min", "h", "px", "pt", "in"}
REFERENCE = re.compile(
    r"(?:\b(?:lessons?|sections?|chapters?|fig(?:ure)?s?\.?|tables?|eqs?\.?|equations?"
    r"|exercises?|steps? of exercise|issue|part|appendix)|第|图|表|式|练习)\s*$", re.I)


@dataclass(frozen=True)
class Number:
    text: str      # as written: "12,000", "0.117", "18 %"
    value: float   # always >= 0: the sign is the prose's wording ("drops by 0.027")
    decimals: int  # the page's rounding: 3 for 0.117, -3 for 12,000, 0 for 7
    percent: bool


SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
TIMES_TEN = re.compile(r"\s*[×x]\s*10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")  # 1.7×10⁻⁶, as printed 1.7e-06


def parse(m: re.Match, after: str) -> Number:
    whole, frac, exp = m.group(1), m.group(2) or "", m.group(3) or ""
    power = TIMES_TEN.match(after)
    if power and not exp:
        exp = "e" + power.group(1).translate(SUPERSCRIPT)
        after = after[power.end():]
    value = float(whole.replace(",", "") + frac + exp)
    if exp:
        decimals = len(frac) - 1 - int(exp[1:])
    elif frac:
        decimals = len(frac) - 1
    else:
        digits = whole.replace(",", "")
        decimals = -(len(digits) - len(digits.rstrip("0"))) if value else 0
    text = m.group(0)
    unit = re.match(r"\s*([%％万亿]|percentage points?|个?百分点)", after)
    percent = bool(unit) and unit.group(1)[0] not in "万亿"
    if unit and unit.group(1) in "万亿":
        scale = 4 if unit.group(1) == "万" else 8
        value, decimals = value * 10 ** scale, decimals - scale
    if unit:
        text += unit.group(0)
    return Number(text, value, decimals, percent)


def is_name(text: str, start: int, end: int) -> bool:
    """Part of a name or a reference: ResNet-50, float64, 3-layer, 2D, lesson 5, 第 5 课."""
    before, after = text[max(0, start - 30):start], text[end:end + 12]
    if re.search(r"[A-Za-z]-?$", before) or re.match(r"-[A-Za-z]", after):
        return True
    word = re.match(r"[A-Za-zµ]+", after)
    if word and word.group(0) not in UNITS:
        return True
    if re.match(r"\s*课", after):
        return True
    return bool(REFERENCE.search(before))


def numbers_in(text: str) -> list[Number]:
    """Every number printed in an output, with its precision."""
    return [parse(m, text[m.end():m.end() + 3]) for m in NUMBER.finditer(text)]


def backs(printed: Number, quoted: Number) -> bool:
    """Does the printed number give the quoted one at the quote's rounding?"""
    value, decimals = printed.value, printed.decimals
    if quoted.percent and not printed.percent:
        value, decimals = value * 100, decimals - 2
    elif printed.percent and not quoted.percent:
        value, decimals = value / 100, decimals + 2
    if decimals < quoted.decimals:  # the prose would be more precise than the output
        return False
    return abs(value - quoted.value) <= 0.5 * 10 ** -quoted.decimals * (1 + 1e-9)


def literals(source: str) -> set[float]:
    """The numeric literals of a snippet's code (not its comments or strings)."""
    found = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.NUMBER and not tok.string.endswith(("j", "J")):
            found.add(float(tok.string.replace("_", "")) if "." in tok.string or "e" in
                      tok.string.lower() else int(tok.string.replace("_", ""), 0))
    return found


def number_of(written: str) -> Number:
    """A number as written in `not_from_runs`: "24.7", "1,000", "25%", "1.2 万"."""
    m = NUMBER.search(written)
    if not m:
        raise ValueError(f"not_from_runs: {written!r} is not a number")
    return parse(m, written[m.end():])


def in_code(quoted: Number, code: set[float]) -> bool:
    candidates = {quoted.value, quoted.value / 100} if quoted.percent else {quoted.value}
    return any(math.isclose(c, v, rel_tol=1e-12) for c in candidates for v in code)


# ---------------------------------------------------------------- one page

@dataclass
class Quote:
    number: Number
    sentence: str
    kind: str
    line: int


def sentence_at(text: str, start: int, end: int) -> str:
    """The sentence around a number, on one line."""
    paragraph_start = text.rfind("\n\n", 0, start) + 1
    paragraph_end = text.find("\n\n", end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    stops = [m.end() for m in re.finditer(r"[.!?](?=\s)|[。！？；]", text[paragraph_start:start])]
    begin = paragraph_start + (stops[-1] if stops else 0)
    stop = re.search(r"[.!?](?=\s|$)|[。！？；]", text[end:paragraph_end])
    finish = end + stop.end() if stop else paragraph_end
    return " ".join(text[begin:finish].split())


def outputs_of(page: Path) -> list[Path]:
    return [path for path, _ in map(split_include, includes(page)) if path.suffix == ".txt"]


def snippets_of(page: Path) -> list[Path]:
    return list(dict.fromkeys(path for path, _ in map(split_include, includes(page))
                              if path.suffix == ".py"))


def declared(page: Path) -> dict[str, str]:
    """The page's `not_from_runs`: {number as written: reason}."""
    listed = front_matter(page.read_text(encoding="utf-8")).get("not_from_runs") or {}
    return {str(k): str(v or "") for k, v in listed.items()}


def quotes(page: Path) -> list[Quote]:
    text = page.read_text(encoding="utf-8")
    masked = prose(text)
    printed = [n for out in outputs_of(page) if out.exists()
               for n in numbers_in(out.read_text(encoding="utf-8"))]
    code = set().union(*(literals(p.read_text(encoding="utf-8"))
                         for p in snippets_of(page) if p.exists()))
    listed = [number_of(key) for key in declared(page)]
    exercises = EXERCISES.search(text)
    exercises = exercises.start() if exercises else len(text)
    found = []
    for m in NUMBER.finditer(masked):
        if m.group(0) == "10" and TIMES_TEN.match(masked[m.start() - 2:m.end() + 4]):
            continue  # the base of 1.7×10⁻⁶, read with the 1.7
        number = parse(m, masked[m.end():m.end() + 20])
        if any(backs(p, number) for p in printed):
            kind = "printed"
        elif in_code(number, code):
            kind = "in code"
        elif is_name(masked, m.start(), m.end()) or re.fullmatch(r"(19|20)\d\d", m.group(0)):
            kind = "a name"
        elif m.start() > exercises:
            kind = "exercise"
        elif any(math.isclose(d.value, number.value) and d.percent == number.percent
                 for d in listed):
            kind = "declared"
        else:
            kind = "unbacked"
        found.append(Quote(number, sentence_at(text, m.start(), m.end()), kind,
                           text.count("\n", 0, m.start()) + 1))
    return found


def lesson_pages() -> list[Path]:
    """Both languages of every lesson page, in name order."""
    return sorted(p for zh in zh_lesson_pages() for p in (zh, en_twin(zh)))



def table(pages: list[Path]) -> str:
    rows = [f"{'page':22}" + "".join(f"{k:>10}" for k in KINDS)]
    for page in pages:
        counts = [sum(q.kind == k for q in quotes(page)) for k in KINDS]
        rows.append(f"{page.name:22}" + "".join(f"{c:>10}" for c in counts))
    return "\n".join(rows)


if __name__ == "__main__":
    wanted = sys.argv[1:]
    pages = [p for p in lesson_pages() if not wanted or stem_of(p) in wanted]
    print(table(pages))
    for page in pages if wanted else []:
        for q in quotes(page):
            if q.kind == "unbacked":
                print(f"{page.name}:{q.line}: {q.number.text!r}: {q.sentence}")
