"""Write the student notebooks of the labs: OUTDIR/<en|es>/NN-name.ipynb.

    python scripts/make_labs.py OUTDIR [--languages en es] [--chapters 03 04]

Each notebook is a chapter of the book (read with Jupytext from its MyST file)
made for a learner to work in, anywhere (Binder, Colab, a laptop):

* the cells tagged ``solution`` and ``remove-cell`` are left out, every output
  is cleared: the learner sees the stubs (``exercise``) and the checks (``check``);
* MyST that plain Jupyter does not render (glue roles, tabs, dropdowns,
  exercise directives, other directives and roles) becomes plain Markdown;
* a first code cell makes ``minigrad`` and ``minigrad_labs`` importable (if they
  are not, it pip-installs this repository from the URL in ``_config.yml``), sets
  the language of the checks' messages to the notebook's language, and checks
  that the packages the chapter imports (PyTorch, scikit-learn, ...) are there:
  if one is missing, "Run all" stops in that cell with the pip command to run;
* exercises are numbered per chapter, "Exercise 3.1", as on the site
  (_ext/exercise_numbers.py) and in the checks' docstrings.

Nothing is executed: the notebooks are ready in a second.
"""

import argparse
import re
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
LANGUAGES = ("en", "es")
DROP_TAGS = {"solution", "remove-cell"}

WORDS = {
    "en": {"exercise": "Exercise", "value": "value computed in the book", "setup":
           "Run this cell first: it makes `minigrad` and the lab checks importable and "
           "sets their language. Then, for each exercise, write your code in the cell "
           "tagged `exercise`, run it, and run the check below it."},
    "es": {"exercise": "Ejercicio", "value": "valor calculado en el libro", "setup":
           "Ejecuta primero esta celda: hace que `minigrad` y las comprobaciones del "
           "laboratorio se puedan importar y fija su idioma. Después, en cada ejercicio, "
           "escribe tu código en la celda marcada `exercise`, ejecútala y ejecuta la "
           "comprobación que hay debajo."},
}

SETUP = '''\
# Setup: make minigrad and the lab checks importable (Binder, Colab, a laptop).
import importlib.util
import sys
import types

if importlib.util.find_spec("minigrad") is None or importlib.util.find_spec("minigrad_labs") is None:
    %pip install -q "{pip_url}"
if importlib.util.find_spec("myst_nb") is None:        # the book's glue(): not needed here
    sys.modules["myst_nb"] = types.ModuleType("myst_nb")
    sys.modules["myst_nb"].glue = lambda name, value, display=True: None

import minigrad_labs
from minigrad_labs.environment import require

minigrad_labs.set_language("{language}")
require({packages})      # what this chapter imports: if one is missing, how to install it'''


def pip_url():
    """``git+<repository.url>@<branch>`` from _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return f"git+{repo['url']}@{repo.get('branch', 'main')}"


# --- MyST to plain Markdown -----------------------------------------------------

ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
FENCE_OPEN = re.compile(r"^(:{3,}|`{3,})\{([\w:-]+)\}\s*(.*)$")
FENCE_CLOSE = re.compile(r"^(:{3,}|`{3,})\s*$")
OPTION = re.compile(r"^:[\w-]+:.*$")


def plain_role(match, language):
    role, text = match.group(1), match.group(2)
    if role.startswith("glue"):
        name = text.split(":")[0]
        return f"*[{WORDS[language]['value']}: {name}]*"
    if role == "math":
        return f"${text}$"
    label = re.match(r"^(.*?)\s*<[^>]*>$", text)      # {doc}`title <target>` -> title
    return label.group(1) if label else f"`{text}`" if role in ("code", "samp") else text


def plain_markdown(source, language, counter, chapter=0):
    """Turn the MyST of one Markdown cell into Markdown that JupyterLab and Colab render."""
    out, skipping, stack = [], False, []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = FENCE_OPEN.match(line)
        if opened:
            fence, name, argument = opened.groups()
            i += 1
            while i < len(lines) and OPTION.match(lines[i]):    # :label:, :class: ...
                i += 1
            stack.append((fence, name))
            if name == "exercise-start":
                counter[0] += 1
                out.append(f"### {WORDS[language]['exercise']} {chapter}.{counter[0]}: {argument}".rstrip(": "))
            elif name in ("solution-start", "solution"):
                skipping = True
            elif name == "math":
                out.append("$$")
            elif name.startswith("glue"):
                out.append(f"*[{WORDS[language]['value']}: {argument}]*")
            elif argument and name not in ("tab-set", "grid"):
                out.append(f"**{argument}**")
            continue
        if stack and FENCE_CLOSE.match(line) and line.strip()[0] == stack[-1][0][0] \
                and len(line.strip()) >= len(stack[-1][0]):
            _, name = stack.pop()
            if name in ("solution-start", "solution", "solution-end"):
                skipping = False
            if name == "math":
                out.append("$$")
            i += 1
            continue
        if not skipping:
            out.append(ROLE.sub(lambda m: plain_role(m, language), line))
        i += 1
    text = "\n".join(out)
    text = re.sub(r"\]\((\d\d-[\w-]+)\.md(#[\w-]+)?\)", r"](\1.ipynb\2)", text)  # chapter links
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- notebooks -------------------------------------------------------------------

# Third-party packages a chapter's cells may import, which its setup cell checks.
CHECKED_PACKAGES = ("numpy", "torch", "sklearn", "matplotlib", "threadpoolctl")
IMPORT = re.compile(r"^\s*(?:import|from)\s+(\w+)", re.M)


def needed_packages(cells):
    """The CHECKED_PACKAGES the given code cells import, in CHECKED_PACKAGES order."""
    imported = {name for cell in cells for name in IMPORT.findall(cell.source)}
    return [name for name in CHECKED_PACKAGES if name in imported]


def student_notebook(chapter, language):
    """The student notebook of one chapter file (a Path), as an nbformat notebook."""
    book_nb = jupytext.read(chapter)
    kept = [c for c in book_nb.cells if c.cell_type == "code" and not set(c.metadata.get("tags", [])) & DROP_TAGS]
    packages = ", ".join(f'"{name}"' for name in needed_packages(kept))
    cells = [
        nbformat.v4.new_markdown_cell(WORDS[language]["setup"]),
        nbformat.v4.new_code_cell(SETUP.format(pip_url=pip_url(), language=language, packages=packages),
                                  metadata={"tags": ["setup"]}),
    ]
    counter, number = [0], int(Path(chapter).name[:2])
    for cell in book_nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & DROP_TAGS:
            continue
        if cell.cell_type == "markdown":
            text = plain_markdown(cell.source, language, counter, number)
            if text:
                cells.append(nbformat.v4.new_markdown_cell(text))
        elif cell.cell_type == "code":
            metadata = {"tags": sorted(tags)} if tags else {}
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata=metadata))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(notebook.cells):
        cell.id = f"cell-{i}"          # stable ids: the same input gives the same file
    return notebook


def chapters(language, only=None):
    """The numbered chapters of one language: book/<language>/NN-name.md."""
    found = sorted(BOOK.glob(f"{language}/[0-9][0-9]-*.md"))
    return [p for p in found if only is None or p.name[:2] in only]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("outdir", type=Path, help="where to write <language>/NN-name.ipynb")
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    parser.add_argument("--chapters", nargs="+", metavar="NN", help="only these chapter numbers")
    args = parser.parse_args(argv)
    written = 0
    for language in args.languages:
        folder = args.outdir / language
        folder.mkdir(parents=True, exist_ok=True)
        for chapter in chapters(language, args.chapters):
            target = folder / (chapter.stem + ".ipynb")
            nbformat.write(student_notebook(chapter, language), target)
            written += 1
    print(f"wrote {written} student notebooks to {args.outdir}/<{'|'.join(args.languages)}>/")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
