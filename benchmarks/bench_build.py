"""How fast the book builds, and how much each kind of edit re-executes.

    .venv/bin/python benchmarks/bench_build.py [--keep]

Builds a copy of the book (tests/bookutils.copy_book with every chapter in
_toc.yml, so the work tree is never touched) five times and prints:

1. a clean build of both languages                          target <= 120 s
2. a rebuild with nothing changed                           target <= 15 s
3. kernel executions in the clean build == distinct chapters with code
   (twins have byte-identical code, so the second twin hits the cache)
4. an edit of one chapter's prose re-executes nothing
5. a change to minigrad (a comment) re-executes every chapter

Executions are counted twice, independently: myst-nb's log lines
("Executing notebook" vs "Using cached notebook") and the records in the
jupyter-cache database under _build/.jupyter_cache/minigrad-<hash>.
Timings are wall-clock on whatever else the machine is doing: run it on an
idle machine for numbers to compare.
"""

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from bookutils import build, code_cells, copy_book, toc_chapters  # noqa: E402

EXECUTING = re.compile(r"Executing notebook using")
CACHED = re.compile(r"Using cached notebook")


def execution_seconds(root):
    """{chapter file: seconds its kernel ran}, from the jupyter-cache records."""
    from jupyter_cache import get_cache

    (cache,) = (root / "_build" / ".jupyter_cache").glob("minigrad-*")
    return {Path(r.uri).name: r.data.get("execution_seconds", 0.0) for r in get_cache(cache).list_cache_records()}


def cache_records(root):
    """Executed notebooks stored in the (current) execution cache."""
    from jupyter_cache import get_cache

    caches = list((root / "_build" / ".jupyter_cache").glob("minigrad-*"))
    if len(caches) != 1:
        return None
    return len(get_cache(caches[0]).list_cache_records())


def timed_build(root, label, *args):
    start = time.monotonic()
    result = build(root, *args)
    seconds = time.monotonic() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        print(log[-4000:])
        raise SystemExit(f"{label}: the build failed")
    executed = len(EXECUTING.findall(log))
    cached = len(CACHED.findall(log))
    return seconds, executed, cached, log


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the copy (its path is printed)")
    parser.add_argument("--build-args", default="", help="extra jupyter-book build arguments, e.g. '-j 2'")
    args = parser.parse_args()
    extra = args.build_args.split()

    stems = toc_chapters()
    with_code = [s for s in stems if code_cells(ROOT / "book" / "en" / f"{s}.md")]
    workdir = Path(tempfile.mkdtemp(prefix="bench-build-"))
    root = copy_book(workdir / "book", stems)
    print(f"{len(stems)} chapters x 2 languages, {len(with_code)} with code; copy in {root}")
    rows, ok = [], True

    def report(name, value, target, passed):
        nonlocal ok
        ok &= passed
        rows.append((name, value, target, "ok" if passed else "MISSED"))
        print(f"  {name:52s} {value:>16s}   target {target:14s} {'ok' if passed else 'MISSED'}", flush=True)

    seconds, executed, cached, _ = timed_build(root, "clean build", *extra)
    records = cache_records(root)
    report("1. clean build, both languages", f"{seconds:.1f} s", "<= 120 s", seconds <= 120)
    report(
        "3. notebooks executed in the clean build",
        f"{executed} (cache: {records})",
        f"== {len(with_code)} chapters",
        executed == len(with_code) and records == len(with_code),
    )
    report("   ... their twins served from the cache", f"{cached}", f"== {len(with_code)}", cached == len(with_code))
    seconds_by_chapter = execution_seconds(root)
    print("     kernel time per chapter: " + ", ".join(
        f"{name[:2]} {t:.1f} s" for name, t in sorted(seconds_by_chapter.items())
    ) + f" (total {sum(seconds_by_chapter.values()):.0f} s)")

    seconds, executed, cached, _ = timed_build(root, "rebuild", *extra)
    report("2. rebuild, nothing changed", f"{seconds:.1f} s", "<= 15 s", seconds <= 15)
    report("   ... notebooks executed", f"{executed}", "== 0", executed == 0)

    # 4. Prose edit: one chapter, English only (a translation typo fix, say).
    stem = with_code[0]
    page = root / "book" / "en" / f"{stem}.md"
    text = page.read_text()
    first_code = text.index("```{code-cell}")
    cut = text.rindex("\n\n", 0, first_code)
    page.write_text(text[:cut] + "\n\nA sentence added by the build benchmark." + text[cut:])
    seconds, executed, cached, _ = timed_build(root, "prose edit", *extra)
    html = (root / "_build" / "html" / "en" / f"{stem}.html").read_text()
    report(f"4. prose edit in {stem} (en): executed", f"{executed} ({seconds:.1f} s)", "== 0", executed == 0)
    report(
        "   ... the page was re-read (cache hits), new text out",
        f"{cached}, {'yes' if 'added by the build benchmark' in html else 'no'}",
        "== 1, yes",
        cached == 1 and "added by the build benchmark" in html,
    )

    # 5. Engine change: a comment in the copy's minigrad.
    with open(root / "minigrad" / "scalar.py", "a") as f:
        f.write("\n# a comment added by the build benchmark\n")
    seconds, executed, cached, _ = timed_build(root, "minigrad edit", *extra)
    records = cache_records(root)
    report(
        "5. minigrad edited: notebooks executed",
        f"{executed} (cache: {records}, {seconds:.0f} s)",
        f"== {len(with_code)}",
        executed == len(with_code) and records == len(with_code),
    )

    if args.keep:
        print(f"kept {root}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
