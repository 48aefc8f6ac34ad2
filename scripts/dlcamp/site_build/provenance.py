"""MkDocs hook: under each printed output, where it came from (and classes for its style).

A page includes what a snippet printed with `--8<-- "docs/figures/<lesson>/<name>.txt"` in a
fenced block. Below that block this hook adds one line from the snippet's manifest (written
by scripts/build.py): the device, the run time, the PyTorch version and the date of the run,
in the page's language. Readers see what the code costs to run and how fresh the output is."""
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

from dlcamp.facts import FENCE, page_language
from dlcamp.outputs import MANIFEST_SUFFIX, BuildError, load_manifest
from dlcamp.site_build.printed_tables import mark_rows

OUTPUT = re.compile(r'^(?P<indent>[ \t]*)--8<--\s+"docs/figures/(?P<path>[^"]+)\.txt"\s*$')
OPENING = re.compile(r'^(?P<indent>[ \t]*)```text(?P<title> title="[^"]*")?\s*$')
TEXT = {
    "zh": "{device}上运行，用时 {seconds}，PyTorch {torch}，{date}",
    "en": "Ran on {device} in {seconds}, PyTorch {torch}, {date}",
}
DEVICE = {"zh": {"cpu": "CPU（{name}）", "cuda": "GPU（{name}）"},
          "en": {"cpu": "a CPU ({name})", "cuda": "a GPU ({name})"}}
DURATION = {"zh": ("{:.1f} 秒", "{:.1f} 分钟"), "en": ("{:.1f} s", "{:.1f} min")}


OUTPUT_CODE = re.compile(r'(<div class="dl-output[^"]*">.*?<code>)(.*?)(</code>)', re.S)


def line(manifest: dict, lang: str) -> str:
    seconds = manifest["duration_s"]
    in_seconds, in_minutes = DURATION[lang]
    shown = in_seconds.format(seconds) if seconds < 60 else in_minutes.format(seconds / 60)
    device = DEVICE[lang][manifest["device"]].format(name=manifest["device_name"])
    return TEXT[lang].format(device=device, seconds=shown, torch=manifest["versions"]["torch"],
                             date=f'<span class="dl-date">{manifest["date"][:10]}</span>')


def on_page_markdown(markdown, page, config, **kwargs):
    figures = Path(config["docs_dir"]) / "figures"
    lang = page_language(page.file.src_uri)
    lines, out, pending = markdown.split("\n"), [], None
    for text in lines:
        out.append(text)
        if m := OUTPUT.match(text):
            # mark the block as printed output, for the stylesheet (on_page_content marks
            # its table rows: on a phone other lines wrap, rows scroll in the box)
            if len(out) > 1 and (fence := OPENING.match(out[-2])):
                out[-2] = f"{fence['indent']}``` {{.text .dl-output{fence['title'] or ''}}}"
            try:
                manifest = load_manifest(figures / f"{m['path']}{MANIFEST_SUFFIX}")
            except BuildError as err:
                raise PluginError(f"{page.file.src_uri}: {err}: python scripts/build.py "
                                  f"{m['path']}") from None
            if manifest is not None:
                pending = (m["indent"], manifest)
        elif pending and FENCE.match(text):  # the block's closing fence
            indent, manifest = pending
            out += [indent, f"{indent}{line(manifest, lang)}", f"{indent}{{: .dl-provenance }}"]
            pending = None
    return "\n".join(out)


def on_page_content(content, page, **kwargs):
    return OUTPUT_CODE.sub(lambda m: m[1] + mark_rows(m[2]) + m[3], content)
