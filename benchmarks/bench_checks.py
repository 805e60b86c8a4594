"""Benchmark: how long each lab check takes with the book's solution (each should take <= 2 s).

For every chapter with a lab, the chapter's code cells run in one namespace up
to the lab (the lab's solutions may use what the chapter built), then the lab's
cells run in order with the ``solution`` cells in place of the exercises; each
``check`` cell is timed on its own. A check is meant to run after every edit,
so a slow one is a problem to fix; this prints a table, it asserts nothing.

    python benchmarks/bench_checks.py [--chapters 01 02] [--repeats 3] [--skip-body 08]

``--skip-body NN`` runs only the lab of chapter NN (with the chapter's first cell,
its imports), for chapters whose body trains for minutes.
"""

import argparse
import contextlib
import io
import re
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET = 2.0


def cells(chapter):
    """(tags, source) of every code cell, and the index of the first lab cell."""
    import jupytext

    notebook = jupytext.read(chapter)
    found, lab_at, in_lab = [], None, False
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and re.search(r"^## (Lab|Laboratorio)\s*$", cell.source, re.M):
            in_lab = True
        if cell.cell_type == "code":
            if in_lab and lab_at is None:
                lab_at = len(found)
            found.append((set(cell.metadata.get("tags", [])), cell.source))
    return found, lab_at


def quiet_glue():
    """The book's glue() outside a kernel: a no-op (as in the student notebooks)."""
    module = types.ModuleType("myst_nb")
    module.glue = lambda name, value, display=True: None
    sys.modules["myst_nb"] = module


def run(source, namespace):
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, "<cell>", "exec"), namespace)


def bench_chapter(chapter, repeats, skip_body):
    import matplotlib

    matplotlib.use("Agg")
    found, lab_at = cells(chapter)
    namespace = {"__name__": "__main__"}
    body = found[:1] if skip_body else found[:lab_at]
    for tags, source in body:
        if "remove-cell" not in tags or "glue(" not in source:
            run(source.replace("%matplotlib inline", ""), namespace)
    rows, number = [], 0
    for tags, source in found[lab_at:]:
        if "exercise" in tags:
            continue
        if "check" not in tags:
            run(source, namespace)
            continue
        number += 1
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run(source, namespace)
            times.append(time.perf_counter() - start)
        rows.append((f"{chapter.name[:2]}.{number}", source.strip().splitlines()[-1], statistics.median(times)))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chapters", nargs="+", metavar="NN")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-body", nargs="*", default=["08"], metavar="NN")
    args = parser.parse_args(argv)
    quiet_glue()
    import minigrad_labs

    minigrad_labs.set_language("en")
    chapters = sorted((ROOT / "book" / "en").glob("[0-9][0-9]-*.md"))
    rows = []
    for chapter in chapters:
        number = chapter.name[:2]
        if args.chapters and number not in args.chapters:
            continue
        found, lab_at = cells(chapter)
        if lab_at is None:
            continue
        rows += bench_chapter(chapter, args.repeats, number in args.skip_body)
    print(f"{'exercise':<9} {'check cell':<52} {'median s':>9}  budget {BUDGET:g} s")
    for exercise, cell, seconds in rows:
        flag = "" if seconds <= BUDGET else "  OVER"
        print(f"{exercise:<9} {cell[:52]:<52} {seconds:9.3f}{flag}")
    over = sum(seconds > BUDGET for *_, seconds in rows)
    print(f"{len(rows)} checks, {over} over {BUDGET:g} s; slowest {max(s for *_, s in rows):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
