"""MkDocs hook: under each printed output, where it came from (and classes for its style).

A page includes what a snippet printed with `--8<-- "docs/figures/<lesson>/<name>.txt"` in a
fenced block. Below that block this hook adds one line from the snippet's manifest (written
by scripts/build.py): the device, the run time, the PyTorch version and the date of the run,
in the page's language. Readers see what the code costs to run and how fresh the output is."""
import html
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


def table_rows(text: str) -> set[int]:
    """The lines of printed output that belong to a table: lines whose columns line up with
    another line's. A column edge is where a run of two or more spaces between words starts
    or ends (right- and left-aligned columns), or a separator (: = | -) padded into the same
    column as in two other lines ("vertical edges  : ...", "horizontal edges: ..."); spacing
    inside [...] (NumPy's) and leading indentation do not count. On a phone these lines
    keep their columns and the block scrolls sideways; every other line wraps (a wrapped
    table puts numbers under the wrong headers, a sentence cut at the edge hides its end)."""
    rows = [re.sub(r"\[[^\]]*\]", lambda m: "x" * len(m[0]), row) for row in text.split("\n")]
    gaps = [list(re.finditer(r"(?<=\S) {2,}(?=\S)", row)) for row in rows]
    padded = {(m.end(), row[m.end()]) for row, found in zip(rows, gaps) for m in found
              if row[m.end()] in ":=|-"}  # a separator, not a digit that lines up by chance
    aligned = {(column, char) for column, char in padded
               if sum(len(row) > column and row[column] == char for row in rows) >= 3}
    edges = [{edge for m in found for edge in (m.start(), m.end())} |
             {column for column, char in aligned if len(row) > column and row[column] == char}
             for row, found in zip(rows, gaps)]
    found = {i for i, mine in enumerate(edges)
             if any(mine & theirs for j, theirs in enumerate(edges) if j != i)}
    # a line with column gaps right above a row (a header whose words sit over right-aligned
    # numbers, or a row a column off because of a shorter number) is one too
    return found | {i for i in range(len(rows) - 1) if gaps[i] and i + 1 in found}


def mark_rows(code: str) -> str:
    """Wrap each table row of a highlighted output block (HTML) in <span class="dl-row">,
    after the line's anchor if it has one; in the other lines, keep "x ± y" unbroken."""
    lines = code.split("\n")
    rows = table_rows("\n".join(html.unescape(re.sub(r"<[^>]+>", "", line)) for line in lines))
    for i, line in enumerate(lines):
        if i in rows:
            anchor = re.match(r"(?:<span></span>)?(?:<a [^>]*></a>)?", line)[0]
            lines[i] = f'{anchor}<span class="dl-row">{line[len(anchor):]}</span>'
        else:  # a wrapped line keeps "0.033 ± 0.014" together
            lines[i] = re.sub(r"([^\s<>]+ ± [^\s<>]+)", r'<span class="dl-nobreak">\1</span>',
                              line)
    return "\n".join(lines)


OUTPUT_CODE = re.compile(r'(<div class="dl-output[^"]*">.*?<code>)(.*?)(</code>)', re.S)


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
            # mark the block as printed output, for the stylesheet (on_page_content marks
            # its table rows: on a phone other lines wrap, rows scroll in the box)
            if len(out) > 1 and (fence := OPENING.match(out[-2])):
                out[-2] = f"{fence['indent']}``` {{.text .dl-output{fence['title'] or ''}}}"
            manifest = figures / f"{m['path']}.manifest.json"
            if manifest.exists():
                pending = (m["indent"], json.loads(manifest.read_text(encoding="utf-8")))
        elif pending and FENCE.match(text):  # the block's closing fence
            indent, manifest = pending
            out += [indent, f"{indent}{line(manifest, lang)}", f"{indent}{{: .dl-provenance }}"]
            pending = None
    return "\n".join(out)


def on_page_content(content, page, **kwargs):
    return OUTPUT_CODE.sub(lambda m: m[1] + mark_rows(m[2]) + m[3], content)
