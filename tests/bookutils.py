"""Helpers shared by the book tests: reading chapters and building copies of the book."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
LANGUAGES = ("en", "es")
BUILD_BOOK = ROOT / "scripts" / "build_book.py"

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def toc_files(toc_path=ROOT / "_toc.yml"):
    """Every page in the table of contents (both sites build from it), root first, in order."""
    toc = yaml.safe_load(Path(toc_path).read_text())
    parts = toc.get("parts", [{"chapters": toc.get("chapters", [])}])
    return [toc["root"]] + [c["file"] for part in parts for c in part.get("chapters", [])]


def toc_chapters():
    """Page stems listed in _toc.yml (the same in both languages)."""
    return list(dict.fromkeys(toc_files()))


def built_page(site, language, stem):
    """A page of the built site, parsed: built_page(site, "es", "03-worked-backprop")."""
    from bs4 import BeautifulSoup

    return BeautifulSoup((Path(site) / language / f"{stem}.html").read_text(), "html.parser")


def chapter_names(language):
    return sorted(p.name for p in (BOOK / language).glob("*.md"))


def code_cells(path):
    """The code cells of a MyST notebook, in order, each with its options lines."""
    return CODE_CELL.findall(Path(path).read_text(encoding="utf-8"))


def copy_book(destination, chapters):
    """A minimal copy of the book: config, extensions, minigrad and some chapters.

    ``chapters`` are file stems such as "03-worked-backprop"; each is copied in
    both languages and listed in a table of contents of its own.
    """
    destination = Path(destination)
    destination.mkdir(parents=True)
    for name in ("_config.yml", "_ext", "minigrad", "minigrad_labs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, destination / name)
    for language in LANGUAGES:
        (destination / "book" / language).mkdir(parents=True)
        for stem in chapters:
            shutil.copy(BOOK / language / f"{stem}.md", destination / "book" / language / f"{stem}.md")
    # A root page of its own, so every copy has a table of contents to navigate
    # (the theme cannot draw the sidebar of a site that is a single page).
    for language in LANGUAGES:
        index = destination / "book" / language / "index.md"
        if not index.exists():
            index.write_text("# A copy of the book\n")
    chapters = [stem for stem in chapters if stem != "index"]
    toc = "format: jb-book\nroot: index\nchapters:\n" + "".join(f"  - file: {stem}\n" for stem in chapters)
    (destination / "_toc.yml").write_text(toc)
    return destination


def build(root, *extra_args, warnings_are_errors=False):
    """Build both language sites of root (scripts/build_book.py), importing minigrad from root itself.

    PYTHONPATH puts root's own minigrad ahead of the installed one, both for
    Sphinx (which hashes it for the cache) and for the kernels (which inherit
    the environment), so a copy with a broken engine really runs broken.
    """
    args = [sys.executable, str(BUILD_BOOK), "--source", str(root), "-n", "--keep-going", *extra_args]
    if warnings_are_errors:
        args.append("-W")
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=900)


def break_rule(root, old, new):
    """Replace one line of a copied minigrad/scalar.py (and make sure it was there)."""
    path = Path(root) / "minigrad" / "scalar.py"
    source = path.read_text()
    assert source.count(old) == 1, f"cannot find {old!r} to break in {path}"
    path.write_text(source.replace(old, new))
