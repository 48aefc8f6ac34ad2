"""Write the skeleton of a new lesson: its two pages, a first snippet and its registry entry.

    python scripts/new_lesson.py attention --zh "注意力机制" --en "Attention" --after rnn

Writes docs/lessons/<slug>.md and <slug>.en.md (the same sections in both languages),
snippets/<slug>/first_look.py (the snippet template: seed, device, quick profile, a figure,
an assert) with snippets/<slug>/figures.zh.json for its figure's words, and adds
`Lesson("<slug>", {"zh": ..., "en": ...})` to scripts/dlcamp/lessons.py after the lesson
named by --after (default: last). Refuses to overwrite anything. Then `mkdocs serve` shows
the pages at once (with a notice until the snippet has run); CONTRIBUTING.md says the rest.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from dlcamp.facts import DOCS, LANGUAGES, ROOT, SNIPPETS, source_name
from dlcamp.lessons import BY_SLUG, LESSONS, number

REGISTRY = Path(__file__).resolve().parents[1] / "lessons.py"

DESCRIPTION = {"zh": "{title}：一句话说明这一课讲什么（每页不同）。",
               "en": "{title}: one sentence on what this lesson teaches "
                     "(different on every page)."}
PAGE = {
    "zh": '''---
description: {description}
---

两到四句话的引言：这一课的目标，以及需要先读哪一课。

## 第一个例子 {{#first-look}}

先讲思想和公式，再用一句话引出代码。

```python title="first_look.py"
--8<-- "snippets/{slug}/first_look.py:train"
```

```text title="输出"
--8<-- "docs/figures/{slug}/first_look.txt"
```

![训练损失随步数下降的曲线](../figures/{slug}/loss-zh.svg)

/// caption
训练损失随步数下降。
///

最后说明结果的含义。

## 小结 {{#summary}}

- 三到五条要点。

## 练习 {{#exercises}}

1. 三到六道练习，提示折叠起来。
''',
    "en": '''---
description: {description}
---

Two to four sentences of introduction: the lesson's goal, and what to read first.

## A first look {{#first-look}}

The idea and the formula first, then one sentence that announces the code.

```python title="first_look.py"
--8<-- "snippets/{slug}/first_look.py:train"
```

```text title="Output"
--8<-- "docs/figures/{slug}/first_look.txt"
```

![The training loss falling with the steps](../figures/{slug}/loss.svg)

/// caption
The training loss falls with the steps.
///

Then what the result means.

## Summary {{#summary}}

- Three to five points.

## Exercises {{#exercises}}

1. Three to six exercises, hints folded.
''',
}

SNIPPET = '''"""One line: what this snippet shows."""
import os

import matplotlib.pyplot as plt
import torch

torch.manual_seed(0)  # every run gives the same numbers and figures
device = "cuda" if torch.cuda.is_available() else "cpu"
quick = os.environ.get("DLCAMP_QUICK") == "1"  # the tests: a smaller run
num_steps = 20 if quick else 200

# --8<-- [start:train]
w = torch.zeros(1, device=device, requires_grad=True)
optimizer = torch.optim.SGD([w], lr=0.1)
losses = []
for step in range(num_steps):
    loss = (w - 3.0).pow(2).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
print(f"final loss: {losses[-1]:.4f}")  # labelled, fixed precision, ASCII
# --8<-- [end:train]

fig, ax = plt.subplots(figsize=(4.5, 3))
ax.plot(losses)
ax.set(xlabel="step", ylabel="training loss")  # every axis labelled, no title
fig.savefig("loss.svg")  # explicit name, current folder
assert losses[-1] < losses[0], "the loss should fall"  # the lesson's claim
'''


def registry_with(slug: str, zh: str, en: str, after: str | None) -> str:
    """The registry's source with the new entry in place; it must still compile."""
    text = REGISTRY.read_text(encoding="utf-8")
    titles = json.dumps({"zh": zh, "en": en}, ensure_ascii=False)  # quotes, backslashes
    entry = f'    Lesson("{slug}", {titles}),\n'
    if after is None:
        at = text.index("\n)\n\nBY_SLUG") + 1
    else:
        start = text.index(f'    Lesson("{after}",')
        at = re.compile(r"^    Lesson\(|^\)", re.M).search(text, start + 1).start()
    new = text[:at] + entry + text[at:]
    compile(new, str(REGISTRY), "exec")  # a SyntaxError here is a bug of this tool
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/new_lesson.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("slug", help="short English name: lowercase letters, digits and _")
    parser.add_argument("--zh", required=True, help="the Chinese title")
    parser.add_argument("--en", required=True, help="the English title")
    parser.add_argument("--after", help="the lesson it follows (default: the last one)")
    args = parser.parse_args(argv)
    problems = []
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.slug):
        problems.append(f"'{args.slug}': use lowercase letters, digits and _ (a file name)")
    if args.slug in BY_SLUG:
        problems.append(f"'{args.slug}' is lesson {number(args.slug)} already")
    if args.after and args.after not in BY_SLUG:
        problems.append(f"--after {args.after}: no such lesson "
                        f"({', '.join(lesson.slug for lesson in LESSONS)})")
    if not re.search(r"[\u4e00-\u9fff]", args.zh):
        problems.append("--zh: the Chinese title has no Chinese characters")
    if re.search(r"[\u4e00-\u9fff]", args.en):
        problems.append("--en: Chinese characters in the English title")
    if set(PAGE) != set(LANGUAGES):
        problems.append(f"new_lesson.py has page templates for {sorted(PAGE)}, the site's "
                        f"languages are {list(LANGUAGES)}")
    pages = {lang: DOCS / "lessons" / source_name(args.slug, lang) for lang in PAGE}
    folder = SNIPPETS / args.slug
    problems += [f"{path.relative_to(ROOT)} exists already"
                 for path in [*pages.values(), folder] if path.exists()]
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    registry = registry_with(args.slug, args.zh, args.en, args.after)
    for lang, path in pages.items():
        title = args.zh if lang == "zh" else args.en
        description = json.dumps(DESCRIPTION[lang].format(title=title), ensure_ascii=False)
        path.write_text(PAGE[lang].format(slug=args.slug, description=description),
                        encoding="utf-8")  # a JSON string is a valid YAML string
    folder.mkdir()
    (folder / "first_look.py").write_text(SNIPPET, encoding="utf-8")
    (folder / "figures.zh.json").write_text('{"step": "步数", "training loss": "训练损失"}\n',
                                            encoding="utf-8")
    REGISTRY.write_text(registry, encoding="utf-8")
    for path in [*pages.values(), folder / "first_look.py", folder / "figures.zh.json",
                 REGISTRY]:
        print(f"wrote {path.relative_to(ROOT)}")
    print(f"\nnext: mkdocs serve (the pages, with a notice until the snippet has run), then\n"
          f"  python scripts/build.py {args.slug}      # figures, output, notebooks\n"
          f"  python -m pytest --lesson {args.slug}   # every check of this lesson, fast\n"
          "CONTRIBUTING.md, 'Adding a lesson', has the whole checklist.")
    return 0
