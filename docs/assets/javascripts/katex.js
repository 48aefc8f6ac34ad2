// Render the math that pymdownx.arithmatex (generic mode) leaves as \( \) and \[ \].
// KaTeX is served by the site itself (docs/assets/katex), so no CDN is contacted.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true },
    ],
    throwOnError: false,
  });
});
