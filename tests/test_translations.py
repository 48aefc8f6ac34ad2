"""Both languages of every page stay in step, section by section (scripts/translations.py, dlcamp/tools/translations.py)."""
import pytest

from dlcamp.tools import translations


def test_every_section_was_reviewed_in_both_languages():
    problems = translations.check()
    assert not problems, "\n".join(problems)


PAGE = """\
---
description: "{word}"
---
# {word}

## {word} one {{#one}}

Text of {word}.

## {word} two {{#two}}

More of {word}.
"""


@pytest.fixture
def docs(tmp_path, monkeypatch):
    lessons = tmp_path / "docs" / "lessons"
    lessons.mkdir(parents=True)
    (lessons / "demo.md").write_text(PAGE.format(word="中文"), encoding="utf-8")
    (lessons / "demo.en.md").write_text(PAGE.format(word="English"), encoding="utf-8")
    monkeypatch.setattr(translations, "ROOT", tmp_path)
    monkeypatch.setattr(translations, "DOCS", tmp_path / "docs")
    monkeypatch.setattr(translations, "RECORD", tmp_path / "translations.json")
    translations.mark(["--all"])
    return lessons


@pytest.mark.parametrize("page, which", [("demo.md", "the Chinese text"),
                                         ("demo.en.md", "the English text")])
def test_editing_one_language_names_the_page_and_section(docs, page, which):
    assert translations.check() == []
    path = docs / page
    path.write_text(path.read_text(encoding="utf-8").replace("More of", "Much more of"),
                    encoding="utf-8")
    problems = translations.check()
    assert len(problems) == 1 and problems[0].startswith(f"lessons/demo#two: {which}"), problems
    assert "python scripts/translations.py mark lessons/demo#two" in problems[0]
    translations.mark(["lessons/demo#two"])  # the author brought the twin in step
    assert translations.check() == []


def test_section_ids_must_match_between_languages(docs):
    en = docs / "demo.en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("{#two}", "{#second}"),
                  encoding="utf-8")
    assert any("different section ids" in p for p in translations.check())
    en.write_text(en.read_text(encoding="utf-8").replace(" {#second}", ""), encoding="utf-8")
    assert any("heading without an id" in p for p in translations.check())
