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
import functools
import hashlib
import json
import os
import re
from importlib import metadata, resources
from pathlib import Path

from fontTools.ttLib import TTFont  # a matplotlib dependency
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg, FigureManager  # noqa: F401
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from dlcamp.facts import FIGURE_SUFFIXES, figure_in, is_translated_figure

CJK_FONT = "Noto Sans CJK SC"
# The font file comes from PyPI, pinned in pyproject.toml, so that every machine draws the same
# glyphs: noto-cjk-sans-otc ships NotoSansCJK-Regular.ttc (Noto Sans CJK 2.004, the very file
# of Debian's fonts-noto-cjk). DLCAMP_CJK_FONT names another file (a system one) on purpose.
FONT_PACKAGE, FONT_MODULE, FONT_FILE = ("noto-cjk-sans-otc", "noto_cjk_sans_otc",
                                        "NotoSansCJK-Regular.ttc")
WORDS = re.compile(r"[A-Za-z]{2,}")
MATH = re.compile(r"\$[^$]*\$")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def table() -> dict[str, str]:
    path = os.environ.get("DLCAMP_FIGURE_LABELS")
    return json.loads(Path(path).read_text(encoding="utf-8")) if path and Path(path).exists() else {}


def cjk_font_file() -> tuple[Path, str]:
    """The file the Chinese glyphs come from, and why: DLCAMP_CJK_FONT when set, else the
    packaged one."""
    if explicit := os.environ.get("DLCAMP_CJK_FONT"):
        if not Path(explicit).is_file():
            raise RuntimeError(f"DLCAMP_CJK_FONT={explicit}: no such file")
        return Path(explicit), "DLCAMP_CJK_FONT"
    try:
        path = resources.files(FONT_MODULE) / FONT_FILE
    except ModuleNotFoundError:
        raise RuntimeError(f"no {CJK_FONT} font for the Chinese figures: the {FONT_PACKAGE} "
                           "package is missing (pip install -e .[test] installs it), or point "
                           f"DLCAMP_CJK_FONT at a file with {CJK_FONT}") from None
    return Path(str(path)), f"{FONT_PACKAGE} {metadata.version(FONT_PACKAGE)}"


@functools.cache
def cjk_font() -> dict:
    """Registers the one Noto Sans CJK SC the figures use; returns what it is."""
    path, source = cjk_font_file()
    fonts = font_manager.fontManager
    # Only this file may answer to the name: a system Noto Sans CJK SC listed before it would
    # win findfont's tie and draw other glyphs.
    fonts.ttflist[:] = [f for f in fonts.ttflist if f.name != CJK_FONT]
    fonts.addfont(path)  # every face of a .ttc (matplotlib >= 3.11); clears findfont's cache
    face = next((f for f in fonts.ttflist if f.name == CJK_FONT), None)
    if face is None:
        raise RuntimeError(f"{path} ({source}) holds no {CJK_FONT} face")
    with TTFont(path, fontNumber=face.index, lazy=True) as font:
        version = font["name"].getDebugName(5) or ""  # "Version 2.004;hotconv 1.0.118;..."
    return {"family": CJK_FONT, "file": path.name, "face": face.index, "source": source,
            "version": version.split(";")[0].removeprefix("Version "),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


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
            if path.suffix in FIGURE_SUFFIXES and not is_translated_figure(path.name):
                self.print_chinese(path.with_name(figure_in(path.name, "zh")), *args,
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
        sans = ["DejaVu Sans", cjk_font()["family"]]
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
        Path(".cjk_font.json").write_text(json.dumps(cjk_font()), encoding="utf-8")
        if missing:
            report = Path(".untranslated.json")
            found = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
            found[path.name] = sorted(missing)
            report.write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
