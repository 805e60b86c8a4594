"""Readers see computations, not translation tables (issue 20, item 5).

The code cells run once, in the English build, and carry the words of both
languages. A table of words written out for each language (``WORDS = {"en": ...,
"es": ...}``, ``VIEWS_ES = {...}``) lives in a cell tagged ``remove-input`` just
before the cell that uses it: the reader sees the computation, and the student
notebooks, which keep ``remove-input`` cells, still get the words.

Messages built from computed values (f-strings for ``show``) are not tables and
may stay in view.
"""

import ast
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = sorted(p.name for p in (BOOK / "en").glob("[0-9][0-9]-*.md"))
HIDING_TAGS = {"remove-input", "remove-cell"}
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)


def visible_code_cells(text):
    """(first line number, source) of each code cell whose input the reader sees."""
    for match in CELL.finditer(text):
        body = match.group(1)
        tags = re.search(r"^:tags:\s*\[(.*)\]", body, re.M)
        if tags and HIDING_TAGS & {t.strip().strip("'\"") for t in tags.group(1).split(",")}:
            continue
        source = "\n".join(line for line in body.splitlines()
                           if not line.startswith(":") and not line.lstrip().startswith(("%", "!")))
        yield text.count("\n", 0, match.start()) + 1, source


def has_written_words(node):
    """True if node holds a string written out in the code (f-strings excepted)."""
    if isinstance(node, ast.JoinedStr):
        return False
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return any(has_written_words(child) for child in ast.iter_child_nodes(node))


def translation_tables(source):
    """The line numbers (in the cell) of the translation tables a cell writes out."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            values = {key.value: value for key, value in zip(node.keys, node.values)
                      if isinstance(key, ast.Constant)}
            if {"en", "es"} <= values.keys() and has_written_words(values["es"]):
                found.append(node.lineno)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(name.upper().endswith(("_ES", "_EN")) for name in names):
                found.append(node.lineno)
    return found


def test_the_detector_catches_tables_and_spares_messages():
    assert translation_tables('WORDS = {"en": ("| a |", "sum"), "es": ("| a |", "suma")}') == [1]
    assert translation_tables('VIEWS_ES = {"by hand": "a mano"}') == [1]
    assert translation_tables('x = 1\nH = {\n  "en": "| x |",\n  "es": "| x |"}') == [2]
    assert translation_tables('lines = {"en": [], "es": []}') == []
    assert translation_tables('m = {"en": f"shape {s}", "es": f"forma {s}"}') == []
    assert translation_tables('d = {"loss": 1.0}') == []


@pytest.mark.parametrize("name", CHAPTERS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_no_visible_code_cell_writes_out_a_translation_table(language, name):
    text = (BOOK / language / name).read_text(encoding="utf-8")
    offenders = [f"{name}:{start + line}" for start, source in visible_code_cells(text)
                 for line in translation_tables(source)]
    assert not offenders, ("translation tables in cells readers see; move each into a cell "
                           f"tagged remove-input just before its use: {offenders}")
