"""Every number a lesson page's prose quotes from a run is printed by an output the page
includes, at the page's rounding; a rebuild that changes such an output fails here, naming
the page, the sentence and the number. The rule, and what is exempt: prose_numbers.py and
CONTRIBUTING.md ("Numbers in the prose")."""
import re

import pytest

from project import ROOT
from prose_numbers import declared, lesson_pages, number_of, outputs_of, prose, quotes

PAGES = lesson_pages()
FIX = ("  Fix: if it is a result, make a snippet the page includes print it (a ratio, "
       "difference or share too: printed, not worked out in the text), rerun that snippet "
       "and quote what it prints. If it is not from a run (a paper's figure, arithmetic, a "
       "setting the code does not state), list it with a reason in the page's front "
       "matter:\n    not_from_runs:\n      \"<number as written>\": <why it needs no run>\n"
       "  (CONTRIBUTING.md, \"Numbers in the prose\")")


def _range(number) -> str:
    step = 10.0 ** -number.decimals
    low, high = number.value - step / 2, number.value + step / 2
    unit = " %" if number.percent else ""
    fmt = (lambda v: f"{v:,.{max(number.decimals + 1, 0)}f}")
    return f"{fmt(low)}{unit} to {fmt(high)}{unit}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name.removesuffix(".md") for p in PAGES])
def test_every_number_the_prose_quotes_is_printed(page):
    searched = ", ".join(p.relative_to(ROOT).as_posix() for p in outputs_of(page)) or "none"
    problems = [
        f"{page.relative_to(ROOT)}:{q.line}: {q.number.text!r} is not printed by any output "
        f"this page includes (at its rounding: a printed value from {_range(q.number)})\n"
        f"    sentence: {q.sentence}"
        for q in quotes(page) if q.kind == "unbacked"]
    if problems:
        pytest.fail("\n".join(problems) + f"\n  outputs searched: {searched}\n" + FIX,
                    pytrace=False)


@pytest.mark.parametrize("page", PAGES, ids=[p.name.removesuffix(".md") for p in PAGES])
def test_declared_numbers_are_quoted_with_a_reason(page):
    """A `not_from_runs` entry has a reason, is still in the prose and is not a result:
    a declared number that an output prints would escape the check when the output moves."""
    problems, quoted = [], quotes(page)
    for written, reason in declared(page).items():
        same = [q for q in quoted if q.number.value == number_of(written).value
                and q.number.percent == number_of(written).percent]
        if not reason.strip():
            problems.append(f"{written!r}: give the reason it needs no run")
        if not same:
            problems.append(f"{written!r}: not in the prose (any more): remove it")
        elif all(q.kind != "declared" for q in same):
            kinds = " / ".join(sorted({q.kind for q in same}))
            problems.append(f"{written!r}: already {kinds}; remove it from not_from_runs, "
                            "so that the check follows the output")
    if problems:
        pytest.fail(f"{page.relative_to(ROOT)}, not_from_runs in the front matter:\n  "
                    + "\n  ".join(problems), pytrace=False)


def test_prose_excludes_code_math_and_link_targets():
    """What counts as prose, on a made-up page."""
    page = ("---\ndescription: \"d 1\"\n---\n\nLoss 0.117 after `steps = 300` and $x^2$;\n"
            "<!-- 5 -->\n```text\n--8<-- \"docs/figures/x/y.txt\"\n```\n"
            "![a](../figures/x/f2.svg) see [lesson](spiral.md#s3) 42.\n$$\n7\n$$\n")
    assert re.findall(r"\d+(?:\.\d+)?", prose(page)) == ["0.117", "42"]
