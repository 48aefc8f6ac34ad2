"""Printed output on a phone: which lines are a table's rows (they keep their columns and
scroll in their box) and which wrap. Used by two hooks, provenance.py (lesson pages) and
notebook_pages.py (notebook pages), so that both show output the same way."""
import html
import re


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
