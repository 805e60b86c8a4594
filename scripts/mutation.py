"""Mutation testing of minigrad's backward code with mutmut, and its report.

    bash scripts/mutation.sh            # set up, run, print the report
    .venv/bin/python scripts/mutation.py [--workdir DIR] [--max-children N]

What is mutated: only the code that computes gradients.
  scalar    Value._*_backward (every rule in _BACKWARD_RULES), Value._backward,
            Value.backward, Value._topological_order
  tensor    every Function subclass's backward (minigrad/tensor.py and the fused
            ones in minigrad/functional.py), unbroadcast, _expand_reduced (the
            reductions' backward helper), Tensor.backward, Tensor._topological_order
Lines that are only an error message's text, and ``raise`` statements, are
not mutated (mutmut's ``do_not_mutate_patterns``): their wording is not backward
logic, and whether they are reached is decided by the ``if`` above them, which is.

What runs against each mutant: the engine tests only (never the book builds),
with hypothesis capped to a few derandomized examples
(MINIGRAD_HYPOTHESIS_PROFILE=mutation, see tests/conftest.py); mutmut itself
runs only the tests that execute the mutated function.

Everything happens in a scratch copy (minigrad/, tests/, a generated
pyproject.toml), so the work tree is never touched. The script exits non-zero
when a mutant survives that is not listed, with its reason, in EQUIVALENT below.
"""

import argparse
import ast
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE_TESTS = [
    "test_scalar.py",
    "test_tensor*.py",
    "test_functional*.py",
    "test_gradcheck*.py",
    "test_nn*.py",
    "test_mutation_killers.py",
]
MUTATED_FILES = ["minigrad/scalar.py", "minigrad/autograd.py", "minigrad/ops.py", "minigrad/functional.py"]
SEP = "ǁ"  # mutmut's separator in mangled method names: xǁClassǁmethod

# Surviving mutants that cannot change any gradient, keyed by
# (function, line before, line after) so the list survives renumbering.
# A survivor not listed here fails the run: kill it with a test in
# tests/test_mutation_killers.py, or list it here with the reason it is equivalent.
EQUIVALENT = {
    ("minigrad.autograd.x_unbroadcast", "if extra > 0:", "if extra >= 0:"): (
        "with extra == 0 the sum runs over no axes (axis=()), which returns the gradient unchanged"
    ),
    (
        "minigrad.autograd.x_backward",
        "if parent_grad is None or not parent.requires_grad:",
        "if parent_grad is None and not parent.requires_grad:",
    ): (
        "a gradient stored for an input that needs none is never read (such inputs are not in the "
        "topological order), and no Function returns None for an input that needs a gradient "
        "(tests/test_mutation_killers.py checks that contract)"
    ),
}


def target_functions():
    """mutmut's mangled names of the backward functions, read from the sources."""
    names = []
    scalar = ast.parse((ROOT / "minigrad/scalar.py").read_text())
    for cls in (n for n in scalar.body if isinstance(n, ast.ClassDef) and n.name == "Value"):
        for fn in cls.body:
            if isinstance(fn, ast.FunctionDef) and (
                re.fullmatch(r"_\w+_backward", fn.name) or fn.name in ("_backward", "backward", "_topological_order")
            ):
                names.append(f"minigrad.scalar.x{SEP}Value{SEP}{fn.name}")
    for module in ("autograd", "ops", "functional"):
        tree = ast.parse((ROOT / f"minigrad/{module}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in (
                "unbroadcast", "_expand_reduced", "topological_order", "backward", "_input_gradients", "_sums_down_to"
            ):
                names.append(f"minigrad.{module}.x_{node.name}")
            if not isinstance(node, ast.ClassDef):
                continue
            is_function = any(isinstance(b, ast.Name) and b.id == "Function" for b in node.bases)
            for fn in node.body:
                if not isinstance(fn, ast.FunctionDef):
                    continue
                if is_function and fn.name == "backward":
                    names.append(f"minigrad.{module}.x{SEP}{node.name}{SEP}{fn.name}")
    return names


def engine_tests():
    found = []
    for pattern in ENGINE_TESTS:
        found += sorted(p.name for p in (ROOT / "tests").glob(pattern))
    return [f"tests/{name}" for name in dict.fromkeys(found)]


def prepare(workdir, tests):
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / "minigrad", workdir / "minigrad", ignore=ignore)
    (workdir / "tests").mkdir()
    for helper in ("conftest.py", "bookutils.py"):
        shutil.copy(ROOT / "tests" / helper, workdir / "tests" / helper)
    for test in tests:
        shutil.copy(ROOT / test, workdir / test)
    toml_list = lambda items: "[" + ", ".join(json.dumps(i) for i in items) + "]"  # noqa: E731
    (workdir / "pyproject.toml").write_text(
        f"""[tool.pytest.ini_options]
testpaths = ["tests"]
markers = ["book: builds the book", "browser: drives a browser"]

[tool.mutmut]
source_paths = ["minigrad"]
only_mutate = {toml_list(MUTATED_FILES)}
pytest_add_cli_args_test_selection = {toml_list(tests)}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]
# error-message text is not backward logic: lines that are only a string literal,
# and raise statements (whether they are reached is still mutated: the if above them)
do_not_mutate_patterns = ['^\\s*(f|rf|r)?"', '^\\s*raise ']
# torch in the test process is not fork-safe; fork each mutant from a clean server
process_isolation = "forkserver"
use_git_change_detection = false
"""
    )


def function_source(tree, source, name):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(source, node)
    return None


def mutant_diff(workdir, mutant):
    """(line before, line after) of a mutant, read from mutmut's mutated copy."""
    module, _, name = mutant.rpartition(".")
    path = workdir / "mutants" / (module.replace(".", "/") + ".py")
    cache = mutant_diff.__dict__.setdefault("cache", {})
    if path not in cache:
        source = path.read_text()
        cache[path] = (ast.parse(source), source)
    tree, source = cache[path]
    base = name.rsplit("__mutmut_", 1)[0]
    mutated = function_source(tree, source, name)
    original = function_source(tree, source, base + "__mutmut_orig")
    if mutated is None or original is None:
        return ("?", "?")
    before, after = [], []
    for line in difflib.ndiff(original.splitlines()[1:], mutated.splitlines()[1:]):
        if line.startswith("- "):
            before.append(line[2:].strip())
        elif line.startswith("+ "):
            after.append(line[2:].strip())
    return (" / ".join(before), " / ".join(after))


def pretty(mangled):
    """xǁTensorǁbackward -> Tensor.backward, x_unbroadcast -> unbroadcast."""
    return mangled[2:].replace(SEP, ".") if mangled.startswith(("x_", "x" + SEP)) else mangled


def report(workdir, targets):
    from mutmut.stats import status_by_exit_code

    results = {}
    for meta in (workdir / "mutants" / "minigrad").glob("*.py.meta"):
        results.update(json.loads(meta.read_text())["exit_code_by_key"])
    prefixes = tuple(t + "__mutmut_" for t in targets)
    rows = defaultdict(Counter)
    survivors, equivalent = [], []
    for mutant, code in sorted(results.items()):
        if not mutant.startswith(prefixes):
            continue
        status = status_by_exit_code[code]
        function = mutant.rsplit("__mutmut_", 1)[0]
        if status == "survived":
            key = (function, *mutant_diff(workdir, mutant))
            if key in EQUIVALENT:
                status = "equivalent"
                equivalent.append((mutant, key, EQUIVALENT[key]))
            else:
                survivors.append((mutant, key))
        rows[function][status] += 1

    by_file = defaultdict(Counter)
    for function, counts in rows.items():
        by_file["minigrad/" + function.split(".")[1] + ".py"].update(counts)
    statuses = ["killed", "timeout", "survived", "equivalent", "no tests", "suspicious", "not checked"]
    print("\nMutation testing of the backward code (mutmut)")
    header = f"{'':58s}" + "".join(f"{s:>12s}" for s in ["total"] + statuses)
    print(header)
    for path, counts in sorted(by_file.items()):
        print(f"{path:58s}" + f"{sum(counts.values()):12d}" + "".join(f"{counts[s]:12d}" for s in statuses))
        for function, fcounts in sorted(rows.items()):
            if "minigrad/" + function.split(".")[1] + ".py" == path:
                label = "  " + pretty(function.split(".", 2)[2])
                print(f"{label:58s}" + f"{sum(fcounts.values()):12d}" + "".join(f"{fcounts[s]:12d}" for s in statuses))
    total = Counter()
    for counts in by_file.values():
        total.update(counts)
    print(f"{'TOTAL':58s}" + f"{sum(total.values()):12d}" + "".join(f"{total[s]:12d}" for s in statuses))
    for mutant, key, reason in equivalent:
        print(f"\nequivalent: {mutant}\n    - {key[1]}\n    + {key[2]}\n    because {reason}")
    for mutant, key in survivors:
        print(f"\nSURVIVED: {mutant}\n    - {key[1]}\n    + {key[2]}")
    unchecked = total["not checked"] + total["no tests"] + total["suspicious"]
    return 1 if survivors or unchecked else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("MUTATION_DIR", "/tmp/minigrad-mutation")))
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--report-only", action="store_true", help="print the report of the last run in --workdir")
    args = parser.parse_args()

    targets = target_functions()
    if not args.report_only:
        tests = engine_tests()
        print(f"mutating {len(targets)} backward functions; tests: {' '.join(tests)}")
        prepare(args.workdir, tests)
        mutmut = Path(sys.executable).parent / "mutmut"
        env = dict(os.environ, MINIGRAD_HYPOTHESIS_PROFILE="mutation", PYTHONDONTWRITEBYTECODE="1")
        env.pop("PYTHONPATH", None)
        start = time.monotonic()
        run = subprocess.run(
            [str(mutmut), "run", "--max-children", str(args.max_children), *(t + "__mutmut_*" for t in targets)],
            cwd=args.workdir,
            env=env,
            capture_output=True,
            text=True,
        )
        (args.workdir / "mutmut-run.log").write_text(run.stdout + run.stderr)
        print(f"mutmut run: exit {run.returncode}, {time.monotonic() - start:.0f} s (log: {args.workdir}/mutmut-run.log)")
        if not list((args.workdir / "mutants" / "minigrad").glob("*.meta")):
            print((run.stdout + run.stderr)[-3000:])
            return 2
    return report(args.workdir, targets)


if __name__ == "__main__":
    sys.exit(main())
