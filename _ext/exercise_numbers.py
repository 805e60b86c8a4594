"""Exercises are numbered per chapter, "Exercise 3.1", as in the lab text and the notebooks.

sphinx-exercise numbers exercises with Sphinx's numfig counter, which, without a
numbered table of contents, runs across the whole book ("Exercise 10" in chapter
04). The student notebooks (scripts/make_labs.py) and the checks' docstrings
number them per chapter instead: exercise 1 of chapter 03 is 3.1. After Sphinx has
assigned its figure numbers (the toctree collector, on env-get-updated), this
renumbers each page's exercises as (chapter, k), k counting from 1 in page
order, which every title, solution title and reference then shows as "3.1".
Pages whose name does not start with a chapter number keep their numbers.
"""

import re


def renumber(app, env):
    """Give the exercises of chapter NN (pages <lang>/NN-name) the numbers (NN, 1), (NN, 2), ..."""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        chapter = re.match(r"(\d\d)-", docname.rsplit("/", 1)[-1])
        exercises = numbers.get("exercise")
        if not chapter or not exercises:
            continue
        in_order = sorted(exercises, key=lambda node_id: exercises[node_id])
        renumbered = {node_id: (int(chapter.group(1)), k) for k, node_id in enumerate(in_order, 1)}
        if renumbered != exercises:
            numbers["exercise"] = renumbered
            changed.append(docname)
    return changed


def setup(app):
    app.connect("env-get-updated", renumber, priority=900)      # after the toctree collector (500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
