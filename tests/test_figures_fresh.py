"""The figures and outputs committed in docs/figures/ match the snippets that made them."""
import json

from project import FIGURES, run_build


def test_committed_figures_are_fresh():
    proc = run_build("--check", timeout=60)
    assert proc.returncode == 0, (
        "stale figures; run `python scripts/build.py` and commit docs/figures/:\n"
        + proc.stdout + proc.stderr)


def test_every_figure_comes_in_both_languages():
    """One run makes each figure in English and in Chinese (figure_build/backend.py): the Chinese
    twin exists, comes from the same run, and keeps no English words the lesson's table
    (snippets/<lesson>/figures.zh.json) lacks."""
    problems = []
    for path in sorted(FIGURES.glob("*/*.manifest.json")):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        made = set(manifest["outputs"])
        for name in made:
            stem, _, suffix = name.rpartition(".")
            if suffix in {"svg", "png"} and not stem.endswith("-zh") \
                    and f"{stem}-zh.{suffix}" not in made:
                problems.append(f"{name}: no Chinese twin {stem}-zh.{suffix} from the same run")
        for figure, texts in manifest.get("untranslated", {}).items():
            problems.append(f"{path.parent.name}/{figure} keeps English text {texts}: add "
                            f"it to snippets/{path.parent.name}/figures.zh.json")
    assert not problems, "\n".join(problems)
