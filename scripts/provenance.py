"""MkDocs hook: under each printed output, where it came from (and classes for its style).

A page includes what a snippet printed with `--8<-- "docs/figures/<lesson>/<name>.txt"` in a
fenced block. Below that block this hook adds one line from the snippet's manifest (written
by scripts/build.py): the device, the run time, the PyTorch version and the date of the run,
in the page's language. Readers see what the code costs to run and how fresh the output is."""
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebooks  # noqa: E402  scripts/notebooks.py knows the page's language

OUTPUT = re.compile(r'^(?P<indent>[ \t]*)--8<--\s+"docs/figures/(?P<path>[^"]+)\.txt"\s*$')
FENCE = re.compile(r"^[ \t]*(```|~~~)")
OPENING = re.compile(r'^(?P<indent>[ \t]*)```text(?P<title> title="[^"]*")?\s*$')
TEXT = {
    "zh": "{device}上运行，用时 {seconds}，PyTorch {torch}，{date}",
    "en": "Ran on {device} in {seconds}, PyTorch {torch}, {date}",
}
DEVICE = {"zh": {"cpu": "CPU（{name}）", "cuda": "GPU（{name}）"},
          "en": {"cpu": "a CPU ({name})", "cuda": "a GPU ({name})"}}


def looks_like_a_table(text: str) -> bool:
    """Printed output with aligned columns: three or more lines with a run of spaces between
    words, or a character padded into place that three lines have in the same column
    ("vertical edges  : ...", "horizontal edges: ..."). On a phone such a block scrolls
    sideways in its own box, keeping its columns; any other output wraps (a wrapped table
    puts numbers under the wrong headers)."""
    rows = text.splitlines()
    if sum(bool(re.search(r"\S {2,}\S", row.strip())) for row in rows) >= 3:
        return True
    padded = {(m.end() - 1, m[1]) for row in rows for m in re.finditer(r"\S {2,}(\S)", row)}
    return any(sum(len(row) > column and row[column] == char for row in rows) >= 3
               for column, char in padded)


def line(manifest: dict, lang: str) -> str:
    seconds = manifest["duration_s"]
    shown = (f"{seconds:.1f} 秒" if lang == "zh" else f"{seconds:.1f} s") if seconds < 60 else \
        (f"{seconds / 60:.1f} 分钟" if lang == "zh" else f"{seconds / 60:.1f} min")
    device = DEVICE[lang][manifest["device"]].format(name=manifest["device_name"])
    return TEXT[lang].format(device=device, seconds=shown, torch=manifest["versions"]["torch"],
                             date=f'<span class="dl-date">{manifest["date"][:10]}</span>')


def on_page_markdown(markdown, page, config, **kwargs):
    figures = Path(config["docs_dir"]) / "figures"
    lang = notebooks.page_language(Path(page.file.src_uri))
    lines, out, pending = markdown.split("\n"), [], None
    for text in lines:
        out.append(text)
        if m := OUTPUT.match(text):
            # mark the block as printed output, for the stylesheet (on a phone it wraps,
            # or scrolls in its box if it is a table)
            if len(out) > 1 and (fence := OPENING.match(out[-2])):
                printed = figures / f"{m['path']}.txt"
                table = printed.exists() and looks_like_a_table(printed.read_text("utf-8"))
                classes = ".text .dl-output" + (" .dl-table" if table else "")
                out[-2] = f"{fence['indent']}``` {{{classes}{fence['title'] or ''}}}"
            manifest = figures / f"{m['path']}.manifest.json"
            if manifest.exists():
                pending = (m["indent"], json.loads(manifest.read_text(encoding="utf-8")))
        elif pending and FENCE.match(text):  # the block's closing fence
            indent, manifest = pending
            out += [indent, f"{indent}{line(manifest, lang)}", f"{indent}{{: .dl-provenance }}"]
            pending = None
    return "\n".join(out)
