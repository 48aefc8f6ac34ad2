"""DL Camp's own code, arranged by when it runs.

    facts.py, lessons.py, outputs.py   shared facts: languages, URLs, figure names, the import
                                       rule; the lesson registry; snippets and their manifests
    figure_build/   runs when you run scripts/build.py: the runner, one snippet's run, the
                    matplotlib backend (inside each snippet's process), the notebooks
    site_build/     runs inside `mkdocs build` and `mkdocs serve`: one hook per concern
                    (listed in mkdocs.yml), display only
    tools/          run by hand: translations check, phone screenshots, a new lesson

The commands are scripts/*.py (build, notebooks, translations, screenshots, new_lesson).
Data flows one way: snippets -> figure_build -> docs/figures + docs/notebooks -> site_build.
"""
