"""Matplotlib backend that scripts/build.py gives every snippet: Agg, plus a Chinese copy
of every figure the snippet saves.

A snippet saves `loss.svg` as usual; this backend also writes `loss-zh.svg`, the same figure
with each text replaced from the lesson's table `snippets/<lesson>/figures.zh.json`
({"English text": "中文"}; a key with {} matches any text there, as in
{"lr = {}": "学习率 = {}"}; build.py names the table in DLCAMP_FIGURE_LABELS), drawn with a CJK font
as paths, so readers need no font. The snippet itself knows nothing of this: a reader who
runs it gets the English figure only. Texts with Latin words that the table lacks are kept
in English and listed in `.untranslated.json` beside the figures (build.py reports them).
Terms that stay English in Chinese too (ReLU, CNN, Adam) are entries mapping to themselves.
"""
import json
import os
import re
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg, FigureManager  # noqa: F401
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

CJK_FONT = "Noto Sans CJK SC"
# Where Debian (fonts-noto-cjk), Fedora and Homebrew put it; DLCAMP_CJK_FONT overrides.
FONT_FILES = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
              "/opt/homebrew/share/fonts/NotoSansCJK-Regular.ttc"]
WORDS = re.compile(r"[A-Za-z]{2,}")
MATH = re.compile(r"\$[^$]*\$")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def table() -> dict[str, str]:
    path = os.environ.get("DLCAMP_FIGURE_LABELS")
    return json.loads(Path(path).read_text(encoding="utf-8")) if path and Path(path).exists() else {}


def cjk_font() -> str:
    if any(f.name == CJK_FONT for f in font_manager.fontManager.ttflist):
        return CJK_FONT
    for path in [os.environ.get("DLCAMP_CJK_FONT")] + FONT_FILES:
        if path and Path(path).exists():
            font_manager.fontManager.addfont(path)
            if any(f.name == CJK_FONT for f in font_manager.fontManager.ttflist):
                return CJK_FONT
    raise RuntimeError(f"no {CJK_FONT} font for the Chinese figures: install it "
                       "(Debian: apt-get install fonts-noto-cjk) or point DLCAMP_CJK_FONT at "
                       "NotoSansCJK-Regular.ttc")


def translate(text: str, labels: dict[str, str]) -> str | None:
    if text in labels:
        return labels[text]
    for key, value in labels.items():
        if "{}" in key:
            pattern = re.escape(key).replace(re.escape("{}"), "(.+?)")
            if m := re.fullmatch(pattern, text):
                return value.format(*m.groups())
    return None


def needs_translation(text: str) -> bool:
    return bool(WORDS.search(MATH.sub("", text)))


class FigureCanvas(FigureCanvasAgg):
    def print_figure(self, filename, *args, **kwargs):
        result = super().print_figure(filename, *args, **kwargs)
        if isinstance(filename, (str, os.PathLike)):
            path = Path(filename)
            if path.suffix in {".svg", ".png"} and not path.stem.endswith("-zh"):
                # "-zh", not ".zh": mkdocs-static-i18n would take x.zh.svg for its own
                self.print_chinese(path.with_name(f"{path.stem}-zh{path.suffix}"), *args,
                                   **kwargs)
        return result

    def print_chinese(self, path, *args, **kwargs):
        labels, missing = table(), set()
        english = Text.get_text

        marked = []

        def chinese(text_artist):  # every text, tick labels included, as it is drawn
            text = english(text_artist)
            zh = translate(text, labels)
            if zh is not None:
                if "$" in zh and CJK.search(zh):
                    # mathtext draws the words around $...$ in the first font of the
                    # family list, without falling back: the CJK font goes first
                    text_artist._fontproperties.cjk_first = True
                    marked.append(text_artist._fontproperties)
                return zh
            if needs_translation(text):
                missing.add(text)
            return text

        # Latin glyphs as in the English figure, Chinese ones from the CJK font (matplotlib
        # falls back along a list of families, not within the generic "sans-serif")
        sans = ["DejaVu Sans", cjk_font()]
        family = FontProperties.get_family

        def with_cjk(prop):
            order = sans[::-1] if getattr(prop, "cjk_first", False) else sans
            return [f for name in family(prop)
                    for f in (order if name == "sans-serif" else [name])]

        Text.get_text, FontProperties.get_family = chinese, with_cjk
        try:
            super().print_figure(path, *args, **kwargs)
        finally:
            Text.get_text, FontProperties.get_family = english, family
            for prop in marked:
                prop.__dict__.pop("cjk_first", None)
        if missing:
            report = Path(".untranslated.json")
            found = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
            found[path.name] = sorted(missing)
            report.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
