"""The labs: every chapter ends in exercises whose checks grade the learner's own code.

(a) every chapter 01-08 has >= 2 exercise/solution/check triples in both languages
    (the book build runs every solution and every check: a failing check fails it);
(b) every student notebook, executed as is, fails exactly at its checks, each with
    the "not implemented yet" message, and holds no solution source;
(c) planted wrong learner code fails the matching check, naming the gradient and
    the likely cause (tests/test_labs_planted.py; for labs 01-04 a whole corpus of
    right and wrong solutions, tests/test_labs_corpus_01_04.py);
(d) exercise numbers agree: the site (built HTML), the notebooks, the checks' docstrings;
(e) any machine: the setup cell requires what the chapter imports, and "Run all"
    without PyTorch stops there with the pip command.
"""

import ast
import os
import re
import subprocess
import sys

import nbformat
import pytest
import yaml
from bookutils import BOOK, LANGUAGES, ROOT

CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?::tags: \[([^\]]*)\]\n)?(.*?)^```[ \t]*$", re.S | re.M)
# Chapters 01-08 must have a lab; a later chapter's lab (e.g. 09) is held to the same rules.
LAB_CHAPTERS = sorted({f"{n:02d}" for n in range(1, 9)} | {
    p.name[:2] for p in BOOK.glob("en/[0-9][0-9]-*.md")
    if re.search(r"^:tags: \[.*\bexercise\b", p.read_text(encoding="utf-8"), re.M)})


def chapter(language, number):
    return next((BOOK / language).glob(f"{number}-*.md"))


def tagged_cells(path):
    """(tags, source) of every code cell of a MyST chapter, in order."""
    return [({t.strip() for t in tags.split(",") if t.strip()}, source)
            for tags, source in CELL.findall(path.read_text(encoding="utf-8"))]


def defined_names(source):
    """Top-level function and class names a cell defines."""
    return {node.name for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def triples(path):
    """The (exercise, solution, check) sources of a chapter, in order."""
    cells = [(tags, src) for tags, src in tagged_cells(path) if tags & {"exercise", "solution", "check"}]
    kinds = [next(iter(tags & {"exercise", "solution", "check"})) for tags, _ in cells]
    assert kinds == ["exercise", "solution", "check"] * (len(kinds) // 3), \
        f"{path.name}: lab cells must come as exercise, solution, check: {kinds}"
    return [tuple(src for _, src in cells[i:i + 3]) for i in range(0, len(cells), 3)]


# --- (a) the labs in the chapters ------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("number", LAB_CHAPTERS)
def test_every_chapter_ends_in_a_lab_of_exercise_solution_check_triples(language, number):
    path = chapter(language, number)
    text = path.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert headings[-1] == {"en": "Lab", "es": "Laboratorio"}[language], f"{path.name} ends in {headings[-1]!r}"
    found = triples(path)
    assert 2 <= len(found) <= 5, f"{path.name}: {len(found)} exercises"
    for exercise, solution, check in found:
        names = defined_names(exercise)
        assert names, f"{path.name}: an exercise cell must define a function or class:\n{exercise}"
        assert "raise NotImplementedError" in exercise
        assert defined_names(solution) >= names, f"{path.name}: the solution must rebind {names}"
        assert re.search(r"\bcheck\.\w+\(", check) and any(re.search(rf"\b{n}\b", check) for n in names)
    # difficulty and minutes are on every exercise's title
    badges = re.findall(r"^:::\{exercise-start\} .*\n:label: .*\n:::\n\n(.*)$", text, re.M)
    assert len(badges) == len(found)
    levels = {"en": "(easy|medium|hard)", "es": "(fácil|media|difícil)"}[language]
    for badge in badges:
        assert re.fullmatch(rf"\*\*(core|stretch|núcleo|ampliación)\*\* · {levels} · \d+ min", badge), badge


def test_exercise_tags_are_where_the_hook_greps_them():
    for path in sorted(p for p in BOOK.glob("*/0[1-8]-*.md") if p.name[:2] in LAB_CHAPTERS):
        text = path.read_text(encoding="utf-8")
        n = len(re.findall(r"^:tags: \[.*\bexercise\b", text, re.M))
        assert n == len(re.findall(r"^:::\{exercise-start\}", text, re.M)) >= 2, path


def test_sphinx_exercise_is_configured_and_pinned():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "sphinx_exercise" in config["sphinx"]["extra_extensions"]
    assert re.search(r"^sphinx-exercise==\d", (ROOT / "requirements.txt").read_text(), re.M)
    assert '"minigrad_labs"' in (ROOT / "pyproject.toml").read_text()


def test_labels_of_exercises_are_unique_and_solutions_point_to_them():
    seen = set()
    for path in sorted(p for p in BOOK.glob("*/0[1-8]-*.md") if p.name[:2] in LAB_CHAPTERS):
        text = path.read_text(encoding="utf-8")
        labels = re.findall(r"^:::\{exercise-start\}.*\n:label: (\S+)$", text, re.M)
        assert labels == re.findall(r"^:::\{solution-start\} (\S+)$", text, re.M)
        assert not seen & set(labels)
        seen |= set(labels)


# --- (b) the student notebooks -------------------------------------------------


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("labs")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_labs.py"), str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


def student(student_dir, language, number):
    return nbformat.read(next((student_dir / language).glob(f"{number}-*.ipynb")), as_version=4)


def code_sources(notebook):
    return [c.source for c in notebook.cells if c.cell_type == "code"]


@pytest.mark.parametrize("number", LAB_CHAPTERS)
def test_student_notebooks_hold_no_solution_and_no_myst(student_dir, number):
    for language in LANGUAGES:
        notebook = student(student_dir, language, number)
        solutions = [src for tags, src in tagged_cells(chapter(language, number)) if "solution" in tags]
        removed = [src for tags, src in tagged_cells(chapter(language, number)) if "remove-cell" in tags]
        assert solutions
        text = "\n".join(c.source for c in notebook.cells)
        for source in solutions + removed:
            assert source.strip() not in text, f"{language}/{number}: a removed cell leaked:\n{source}"
        for cell in notebook.cells:
            assert not {"solution", "remove-cell"} & set(cell.metadata.get("tags", []))
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
            else:
                assert not re.search(r"\{[\w:-]+\}`|^:::|^```\{", cell.source, re.M), cell.source
        setup = notebook.cells[1]
        assert f'minigrad_labs.set_language("{language}")' in setup.source
        assert "pip install" in setup.source and "git+https://github.com/" in setup.source


@pytest.mark.parametrize("number", LAB_CHAPTERS)
def test_student_notebooks_of_both_languages_run_the_same_code(student_dir, number):
    english, spanish = (code_sources(student(student_dir, lang, number)) for lang in LANGUAGES)
    assert english[1:] == spanish[1:]        # all but the setup cell, which sets the language


def execute(notebook, tmp_path):
    from nbclient import NotebookClient

    NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return [(set(c.metadata.get("tags", [])), o) for c in notebook.cells if c.cell_type == "code"
            for o in c.outputs if o.output_type == "error"]


@pytest.mark.parametrize("number", LAB_CHAPTERS)
def test_student_notebook_fails_exactly_at_its_checks(student_dir, number, tmp_path):
    """Executed as is, cell by cell: every check says "not implemented yet", nothing else fails.

    Both languages run the same code (test above), so English is executed for every
    chapter and Spanish for the core chapter 04, where the message must be Spanish.
    """
    languages = ["en", "es"] if number == "04" else ["en"]
    for language in languages:
        notebook = student(student_dir, language, number)
        n_checks = sum("check" in c.metadata.get("tags", []) for c in notebook.cells)
        errors = execute(notebook, tmp_path)
        assert all("check" in tags for tags, _ in errors), [(t, e.ename, e.evalue) for t, e in errors]
        assert len(errors) == n_checks >= 2
        message = {"en": "is not implemented yet", "es": "todavía sin implementar"}[language]
        for _, error in errors:
            assert error.ename == "NotImplementedYet" and message in error.evalue, error.evalue
            assert len(error.traceback) == 1, "a stub gives one line, not a traceback"


# --- the learning path on the landing page ---------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_landing_page_learning_path_matches_the_labs(language):
    """Each chapter's row: its track and lab minutes are those of its exercises."""
    index = (BOOK / language / "index.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[(\d\d) · [^\]]+\]\(\1-[\w-]+\.md\) \| .+ \| (\S+) \| \d+ min \| (\d+) min \|$",
                      index, re.M)
    assert [number for number, _, _ in rows] == LAB_CHAPTERS
    for number, track, minutes in rows:
        text = chapter(language, number).read_text(encoding="utf-8")
        badges = re.findall(r"^\*\*(\S+)\*\* · \S+ · (\d+) min$", text, re.M)
        assert sum(int(m) for _, m in badges) == int(minutes), f"{language}/{number}"
        assert {t for t, _ in badges} == {track}, f"{language}/{number}: {track} vs {badges}"


# --- exercise numbers: the same on the site, in the notebooks and in the checks ----


def exercise_titles(path):
    """The titles of a chapter's exercises, in order (the argument of exercise-start)."""
    return re.findall(r"^:::\{exercise-start\} (.*)$", path.read_text(encoding="utf-8"), re.M)


def check_docstring_numbers():
    """{check name: "3.1"} from the first line of each check's docstring ("Exercise 3.1: ...")."""
    from minigrad_labs import checks as check

    numbers = {}
    for name in check.__all__:
        match = re.match(r"Exercise (\d+\.\d+)\b", getattr(check, name).__doc__ or "")
        assert match, f"check.{name}'s docstring must start with its exercise number"
        numbers[name] = match.group(1)
    return numbers


@pytest.mark.parametrize("number", LAB_CHAPTERS)
def test_notebooks_and_checks_number_exercises_per_chapter(student_dir, number):
    docstrings = check_docstring_numbers()
    for language in LANGUAGES:
        word = {"en": "Exercise", "es": "Ejercicio"}[language]
        text = "\n".join(c.source for c in student(student_dir, language, number).cells if c.cell_type == "markdown")
        headings = re.findall(rf"^### {word} (\d+\.\d+): (.*)$", text, re.M)
        titles = exercise_titles(chapter(language, number))
        assert [n for n, _ in headings] == [f"{int(number)}.{k}" for k in range(1, len(titles) + 1)]
        assert [t for _, t in headings] == titles
    for k, (_, _, check_cell) in enumerate(triples(chapter("en", number)), 1):
        name = re.search(r"\bcheck\.(\w+)\(", check_cell).group(1)
        assert docstrings[name] == f"{int(number)}.{k}", f"check.{name} is exercise {int(number)}.{k}"


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_the_site_numbers_exercises_per_chapter_as_the_notebooks(built_site):
    from bookutils import built_page

    for language in LANGUAGES:
        word = {"en": "Exercise", "es": "Ejercicio"}[language]
        for number in LAB_CHAPTERS:
            stem = chapter(language, number).stem
            page = built_page(built_site, language, stem)
            shown = [s.get_text().strip() for s in page.select(".admonition-title .caption-number")]
            expected = [f"{word} {int(number)}.{k}" for k in range(1, len(exercise_titles(chapter(language, number))) + 1)]
            assert shown == expected, f"{language}/{stem}: {shown}"
            # a solution's title links its exercise: "Solution to Exercise 1.1", "Solución del ejercicio 1.1"
            linked = {"en": "Exercise", "es": "ejercicio"}[language]
            solutions = [a.get_text() for a in page.select(".admonition-title a.reference.internal")
                         if a.get_text().strip().startswith(linked)]
            assert [s.split("(")[0].strip() for s in solutions] == [e.replace(word, linked) for e in expected]


# --- any machine: the setup cell and a runtime without PyTorch ---------------------


@pytest.mark.parametrize("number", LAB_CHAPTERS)
def test_the_setup_cell_requires_what_the_chapter_imports(student_dir, number):
    notebook = student(student_dir, "en", number)
    required = re.search(r"^require\((.*)\)", notebook.cells[1].source, re.M).group(1)
    code = "\n".join(code_sources(notebook)[1:])
    for package in ("torch", "numpy", "sklearn", "matplotlib"):
        imported = re.search(rf"^\s*(import|from) {package}\b", code, re.M) is not None
        assert (f'"{package}"' in required) == imported, f"{number}: {package} in {required}?"


HIDE_TORCH = '''
import sys


class HideTorch:
    """A runtime without PyTorch (e.g. a fresh laptop venv): `import torch` fails."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, HideTorch())
'''


@pytest.mark.parametrize("language", LANGUAGES)
def test_without_torch_run_all_stops_at_the_setup_cell_with_the_pip_command(student_dir, tmp_path, monkeypatch,
                                                                            language):
    """Run all on a runtime without PyTorch: the first error is the setup cell's, saying what to install."""
    (tmp_path / "sitecustomize.py").write_text(HIDE_TORCH)
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    notebook = student(student_dir, language, "03")
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    failed = [c for c in notebook.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)]
    assert len(failed) == 1 and "setup" in failed[0].metadata.get("tags", [])
    error = next(o for o in failed[0].outputs if o.output_type == "error")
    assert error.ename == "MissingPackage" and len(error.traceback) == 1
    assert "%pip install torch" in error.evalue
    assert {"en": "PyTorch, which the checks compare", "es": "PyTorch, con el que las comprobaciones"}[language] \
        in error.evalue


def test_a_check_without_torch_says_what_to_install(monkeypatch):
    """Past the setup cell (or without it), a check that needs PyTorch says so: no ModuleNotFoundError."""
    import builtins

    import minigrad_labs
    from minigrad_labs import checks as check
    from minigrad_labs.environment import MissingPackage

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    minigrad_labs.set_language("es")
    try:
        with pytest.raises(MissingPackage, match=r"necesita `torch`.*%pip install torch"):
            check.divide_backward(lambda g, x, y: (g / y, -g * x / y ** 2))
    finally:
        minigrad_labs.set_language(None)
