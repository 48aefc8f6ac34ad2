"""The lesson registry (scripts/dlcamp/lessons.py) agrees with everything else: the pages,
mkdocs.yml, the datasets the snippets load, the notebooks' data instructions and the runs
the figures came from. Each failure names the fix. Fast (no site build, no snippet run):
part of the author's loop (`pytest --lesson <slug>`, see CONTRIBUTING.md)."""
import json
import re

import pytest
import yaml

from dlcamp.facts import DATASETS, DEFAULT, LANGUAGES, NOTEBOOKS, source_name
from dlcamp.lessons import BY_SLUG, LESSONS
from project import DOCS, FIGURES, ROOT, all_snippets, datasets_loaded

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_every_lesson_page_has_a_registry_entry_and_every_entry_its_pages():
    pages = sorted((DOCS / "lessons").glob("*.md"))
    problems = [f"{p.relative_to(ROOT)}: no Lesson(\"{p.name.split('.')[0]}\", ...) in "
                "scripts/dlcamp/lessons.py" for p in pages if p.name.split(".")[0] not in BY_SLUG]
    problems += [f"lesson '{lesson.slug}' in scripts/dlcamp/lessons.py has no page "
                 f"docs/lessons/{source_name(lesson.slug, lang)}"
                 for lesson in LESSONS for lang in LANGUAGES
                 if not (DOCS / "lessons" / source_name(lesson.slug, lang)).exists()]
    assert len(BY_SLUG) == len(LESSONS), "the same slug twice in scripts/dlcamp/lessons.py"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_titles_in_every_language(lesson):
    """Written once, in the registry, in each language (Chinese with Chinese characters,
    English without), for the page, the navigation, the notebook and the home page."""
    for lang in LANGUAGES:
        for field in ("title", "home"):
            text = getattr(lesson, field).get(lang) or (lesson.title.get(lang) if field ==
                                                        "home" else None)
            assert text and text.strip() == text, f"{lesson.slug}: no {field} in {lang}"
            assert bool(CHINESE.search(text)) == (lang == "zh"), \
                f"{lesson.slug}: the {lang} {field} {text!r} is in another language"


def test_lesson_pages_write_no_title_line():
    """The title, with its number, comes from the registry (site_build/lessons.py puts it
    on the page): a `# ` line would be a second title, typed by hand."""
    problems = []
    for page in sorted((DOCS / "lessons").glob("*.md")):
        text = re.sub(r"^(```|~~~).*?^\1", "", page.read_text(encoding="utf-8"),
                      flags=re.M | re.S)  # not the comments inside code blocks
        if re.search(r"^# ", text, re.M):
            problems.append(f"{page.relative_to(ROOT)}: delete the `# ` title line")
    assert not problems, "\n".join(problems)


def _mkdocs_yml() -> dict:
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !ENV
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


def test_mkdocs_yml_has_the_languages_of_facts_py():
    """mkdocs-static-i18n needs the languages in mkdocs.yml; dlcamp/facts.py decides them."""
    i18n = next(p["i18n"] for p in _mkdocs_yml()["plugins"]
                if isinstance(p, dict) and "i18n" in p)
    locales = [lang["locale"] for lang in i18n["languages"]]
    default = [lang["locale"] for lang in i18n["languages"] if lang.get("default")]
    assert (sorted(locales), default) == (sorted(LANGUAGES), [DEFAULT]), (
        f"mkdocs.yml's i18n languages {locales} (default {default}) differ from "
        f"LANGUAGES = {LANGUAGES} in scripts/dlcamp/facts.py (the first is the default)")
    assert _mkdocs_yml()["theme"]["language"] == DEFAULT


def test_the_nav_takes_the_lessons_from_the_registry():
    """The lessons section is filled by site_build/lessons.py; a lesson listed by hand in
    mkdocs.yml would be a second place deciding the order."""
    nav = _mkdocs_yml()["nav"]
    sections = [value for item in nav if isinstance(item, dict) for value in item.values()]
    assert "lessons/" in sections, "mkdocs.yml: keep the nav section `课程: lessons/`"
    assert "lessons/" not in json.dumps([s for s in sections if s != "lessons/"]), \
        "mkdocs.yml lists lesson pages by hand: remove them (the registry orders them)"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_datasets_are_those_the_snippets_load(lesson):
    loaded = set().union(*[datasets_loaded(s.path.read_text(encoding="utf-8"))
                           for s in all_snippets() if s.lesson == lesson.slug])
    assert set(lesson.datasets) == loaded, (
        f"{lesson.slug}: its snippets load {sorted(loaded) or 'no dataset'}; set "
        f"datasets={tuple(sorted(loaded))} in scripts/dlcamp/lessons.py")
    assert set(lesson.datasets) <= set(DATASETS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_notebook_data_instructions_name_the_datasets_the_lesson_loads(lesson):
    """The notebooks of resnet, augmentation and transfer once told readers to put MNIST
    where their snippets read Fashion-MNIST."""
    loaded = set().union(*[datasets_loaded(s.path.read_text(encoding="utf-8"))
                           for s in all_snippets() if s.lesson == lesson.slug])
    for lang in LANGUAGES:
        path = NOTEBOOKS / source_name(lesson.slug, lang, ".ipynb")
        if not path.exists():
            continue  # test_notebooks.py reports a missing notebook
        intro = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        named = set(re.findall(r"`(\w+)/raw/`", intro))
        assert named == loaded, (f"{path.name}: its data instructions name {sorted(named)}, "
                                 f"its snippets load {sorted(loaded)}")


@pytest.mark.parametrize("lesson", [l for l in LESSONS if l.threads], ids=lambda l: l.slug)
def test_committed_cpu_figures_ran_with_the_lessons_thread_count(lesson):
    """A CPU run's numbers depend on the thread count: the registry's is the one the prose
    was written for, so the committed outputs must come from it."""
    for path in sorted((FIGURES / lesson.slug).glob("*.manifest.json")):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest["device"] == "cpu":
            assert manifest["threads"] == lesson.threads, (
                f"{path.relative_to(ROOT)}: made with {manifest['threads']} threads, the "
                f"registry says {lesson.threads}: python scripts/build.py {lesson.slug} --force")
