"""The book as a gate: inject one fault at a time into a backward rule, build the book.

    .venv/bin/python scripts/book_gate.py            # every mutant: the full table
    .venv/bin/python scripts/book_gate.py --fast     # a few mutants (CI, < 5 minutes)
    .venv/bin/python scripts/book_gate.py --only mul  # the mutants of rules named mul / Mul

For every backward rule the chapters exercise, each fault below is injected into
a fresh copy of the book (tests/bookutils.copy_book, chapters from _toc.yml) and
the copy is built with its own, empty execution cache. A mutant is *caught by
the book* when the build fails in an executed cell (the "An error occurred while
executing the following cell" marker, as in tests/test_book.py). Separately, the
engine tests are run against the same mutated copy (pytest -x, hypothesis on its
'mutation' profile); a mutant is *caught by the tests* when they fail.

Shared with mutation testing (scripts/mutation.sh): the backward rules are the
classes and Value._*_backward methods named in scripts/mutation-targets.txt, and
the engine tests are [tool.mutmut] pytest_add_cli_args_test_selection in
pyproject.toml.

Faults
------
scalar rules (Value._*_backward, which accumulate into parent.grad):
  drop      every ``p.grad += x`` becomes ``pass``: the rule adds nothing
  assign    ``p.grad += x`` becomes ``p.grad = x``: overwrites earlier uses
  sign      ``p.grad += x`` becomes ``p.grad -= x``
  swap      (binary rules) a's share goes to b and b's to a
tensor rules (Function.backward, which *return* one gradient per input):
  drop      every returned gradient is replaced by zeros
  assign    the analogue of "=" for a rule that returns its gradients:
            autograd.backward stores this op's contribution to an input with
            ``grads[parent] = g`` instead of adding it to what other uses of
            the same input already contributed (the last contribution wins)
  sign      every returned gradient is negated
  swap      (binary ops) the two returned gradients change places
  no-unbroadcast  (binary ops that broadcast) autograd.backward skips
            ``unbroadcast`` for this op's inputs
A fault that cannot change anything is reported as n/a (e.g. swap for add,
whose two gradients are the same array).

Which chapters exercise a rule is measured, not guessed: every chapter is first
executed once (a kernel per chapter, no Sphinx) against a copy of minigrad whose
rules log their own names; a chapter that fails then is reported and the gate
stops, because a mutant cannot be judged against a book that is already red.
Each mutant then builds only the chapters that run its rule.
"""

import argparse
import ast
import concurrent.futures as futures
import dataclasses
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from bookutils import build, copy_book, toc_chapters  # noqa: E402

CELL_FAILED = "An error occurred while executing the following cell"
BINARY_SCALAR = {"_add_backward", "_mul_backward", "_div_backward", "_pow_backward"}
BROADCASTING = {"Add", "Sub", "Mul", "Div", "Pow", "MatMul"}


@dataclasses.dataclass(frozen=True)
class Mutant:
    """One injected fault: ``kind`` "scalar" (a Value._*_backward rule) or "tensor" (a Function)."""

    kind: str
    module: str  # the minigrad module that defines the rule, e.g. "ops"
    rule: str  # "_mul_backward" (scalar) or "Mul" (tensor)
    fault: str  # drop, assign, sign, swap, no-unbroadcast

    @property
    def trace_key(self):  # how the tracing copy of minigrad logs the rule
        return f"{self.kind}:{self.rule}"

    @property
    def name(self):  # the rule as the table shows it
        return f"Value.{self.rule}" if self.kind == "scalar" else f"{self.rule}.backward"


FAST = [
    Mutant("scalar", "scalar", "_mul_backward", "sign"),
    Mutant("scalar", "scalar", "_tanh_backward", "assign"),
    Mutant("tensor", "ops", "Mul", "no-unbroadcast"),
    Mutant("tensor", "ops", "MatMul", "swap"),
]


# --------------------------------------------------------------------------
# The shared configuration: the engine tests and the backward code
# --------------------------------------------------------------------------

MUTMUT = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
ENGINE_TESTS = MUTMUT["pytest_add_cli_args_test_selection"]  # what mutation.sh runs against each mutant
SEP = "\u01c1"  # "ǁ": mutmut names the method Class.f of module m "m.xǁClassǁf"
TARGETS = [line.strip() for line in (ROOT / "scripts/mutation-targets.txt").read_text().splitlines()
           if line.strip() and not line.lstrip().startswith("#")]


def _is_target(module, cls, function):
    """Is this function in scripts/mutation-targets.txt (the list mutation.sh mutates)?"""
    mangled = f"minigrad.{module}.x{SEP}{cls}{SEP}{function}__mutmut_1"
    return any(fnmatch.fnmatchcase(mangled, target) for target in TARGETS)


def backward_rules():
    """(kind, module, rule) of every backward rule among the targets.

    Scalar rules are the Value._*_backward methods; tensor rules are the classes
    whose ``backward`` is a target (the Function subclasses).
    """
    modules = sorted({t.split(".")[1] for t in TARGETS})
    rules = []
    for module in modules:
        tree = ast.parse((ROOT / f"minigrad/{module}.py").read_text())
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
            for fn in (f for f in cls.body if isinstance(f, ast.FunctionDef) and _is_target(module, cls.name, f.name)):
                if cls.name == "Value" and re.fullmatch(r"_\w+_backward", fn.name):
                    rules.append(("scalar", module, fn.name))
                elif fn.name == "backward" and cls.name != "Value":
                    rules.append(("tensor", module, cls.name))
    return rules


TRACER = '''

# --- added by scripts/book_gate.py: log which backward rules run ---------------
def _gate_trace():
    import functools, os
    path = os.environ.get("MINIGRAD_RULE_TRACE")
    if not path:
        return
    seen = set()

    def log(name):
        if name not in seen:
            seen.add(name)
            with open(path, "a") as f:
                f.write(name + "\\n")

    from . import autograd, scalar, ops, functional
    for op, rule in list(scalar._BACKWARD_RULES.items()):
        def traced(out, _rule=rule):
            log("scalar:" + _rule.__name__)
            return _rule(out)
        scalar._BACKWARD_RULES[op] = traced
    for module in (ops, functional):
        for cls in list(vars(module).values()):
            if isinstance(cls, type) and issubclass(cls, autograd.Function) and "backward" in vars(cls):
                original = cls.backward
                @functools.wraps(original)
                def traced_backward(ctx, grad_out, _original=original, _name=cls.__name__):
                    log("tensor:" + _name)
                    return _original(ctx, grad_out)
                cls.backward = staticmethod(traced_backward)


_gate_trace()
'''

RUN_CHAPTER = """
import sys, jupytext, nbclient
nb = jupytext.read(sys.argv[1])
nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}}).execute()
"""


def probe(stems, workdir, jobs):
    """Run each chapter once with a tracing minigrad: {stem: set of rules}, plus failures."""
    root = copy_book(workdir / "probe", stems)
    with open(root / "minigrad" / "__init__.py", "a") as f:
        f.write(TRACER)

    def run(stem):
        trace = workdir / f"trace-{stem}.txt"
        trace.write_text("")
        env = dict(os.environ, PYTHONPATH=str(root), MINIGRAD_RULE_TRACE=str(trace))
        chapter = root / "book" / "en" / f"{stem}.md"
        result = subprocess.run(
            [sys.executable, "-c", RUN_CHAPTER, str(chapter), str(chapter.parent)],
            cwd=root, env=env, capture_output=True, text=True, timeout=900,
        )
        return stem, result, set(trace.read_text().split())

    rules, failures = {}, {}
    with futures.ThreadPoolExecutor(jobs) as pool:
        for stem, result, traced in pool.map(run, stems):
            rules[stem] = traced
            if result.returncode != 0:
                failures[stem] = (result.stdout + result.stderr)[-2000:]
    return rules, failures


# --------------------------------------------------------------------------
# Faults, as AST transforms of the copy's sources
# --------------------------------------------------------------------------


class ScalarFault(ast.NodeTransformer):
    def __init__(self, rule, fault):
        self.rule, self.fault, self.changed = rule, fault, 0

    def visit_FunctionDef(self, node):
        if node.name != self.rule:
            return node
        return self.generic_visit(node)

    def visit_AugAssign(self, node):
        target = node.target
        if not (isinstance(node.op, ast.Add) and isinstance(target, ast.Attribute) and target.attr == "grad"):
            return node
        self.changed += 1
        if self.fault == "drop":
            return ast.Pass()
        if self.fault == "assign":
            return ast.Assign(targets=[ast.Attribute(target.value, "grad", ast.Store())], value=node.value)
        if self.fault == "sign":
            return ast.AugAssign(target=target, op=ast.Sub(), value=node.value)
        if self.fault == "swap":
            name = target.value.id
            other = {"a": "b", "b": "a"}[name]
            return ast.AugAssign(target=ast.Attribute(ast.Name(other, ast.Load()), "grad", ast.Store()), op=node.op, value=node.value)
        raise ValueError(self.fault)


FAULT_HELPERS = '''

# --- added by scripts/book_gate.py: the injected fault ------------------------
def _gate_fault(grads, _fault={fault!r}):
    import numpy as _np
    grads = tuple(grads)
    if _fault == "drop":
        return tuple(None if g is None else _np.zeros_like(g) for g in grads)
    if _fault == "sign":
        return tuple(None if g is None else -g for g in grads)
    if _fault == "swap":
        return (grads[1], grads[0]) + grads[2:]
    return grads
'''


class TensorRuleFault(ast.NodeTransformer):
    """Wrap every ``return`` of Class.backward in _gate_fault(...)."""

    def __init__(self, cls):
        self.cls, self.inside, self.changed = cls, False, 0

    def visit_ClassDef(self, node):
        if node.name != self.cls:
            return node
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "backward":
                self.inside = True
                self.generic_visit(item)
                self.inside = False
        return node

    def visit_Return(self, node):
        if self.inside and node.value is not None:
            self.changed += 1
            node.value = ast.Call(ast.Name("_gate_fault", ast.Load()), [node.value], [])
        return node


class TensorEngineFault(ast.NodeTransformer):
    """In autograd.backward (and its helper _pass_to_inputs): assign, or skip unbroadcast, for one op."""

    def __init__(self, op_name, fault):
        self.op_name, self.fault, self.changed = op_name, fault, 0

    def is_this_op(self):
        return ast.Compare(
            ast.Attribute(ast.Name("node", ast.Load()), "_op", ast.Load()), [ast.Eq()], [ast.Constant(self.op_name)]
        )

    def visit_FunctionDef(self, node):
        if node.name in ("backward", "_pass_to_inputs"):  # the loop, and the step that hands gradients on
            self.generic_visit(node)
        return node

    def visit_Assign(self, node):
        value = node.value
        if self.fault == "no-unbroadcast" and isinstance(value, ast.Call) and getattr(value.func, "id", "") == "unbroadcast":
            self.changed += 1
            node.value = ast.IfExp(self.is_this_op(), value.args[0], value)
        if (
            self.fault == "assign"
            and isinstance(node.targets[0], ast.Subscript)
            and getattr(node.targets[0].value, "id", "") == "grads"
            and isinstance(value, ast.IfExp)
        ):
            self.changed += 1
            # grads[p] = grads[p] + g if p in grads else g   ->   grads[p] = g if node is this op else (...)
            node.value = ast.IfExp(self.is_this_op(), value.orelse, value)
        return node


def inject(root, mutant):
    """Edit the copy's minigrad so that the mutant's rule has its fault. Returns False if n/a."""
    path = root / "minigrad" / f"{mutant.module}.py"
    if mutant.kind == "scalar":
        tree = ast.parse(path.read_text())
        transformer = ScalarFault(mutant.rule, mutant.fault)
        tree = transformer.visit(tree)
        if not transformer.changed:
            return False
        path.write_text(ast.unparse(ast.fix_missing_locations(tree)))
        return True
    if mutant.fault in ("drop", "sign", "swap"):
        tree = ast.parse(path.read_text())
        transformer = TensorRuleFault(mutant.rule)
        tree = transformer.visit(tree)
        assert transformer.changed, f"no return in {mutant.rule}.backward"
        path.write_text(ast.unparse(ast.fix_missing_locations(tree)) + FAULT_HELPERS.format(fault=mutant.fault))
        return True
    fault, op_name = mutant.fault, _op_name(mutant.module, mutant.rule)
    autograd_py = root / "minigrad" / "autograd.py"
    tree = ast.parse(autograd_py.read_text())
    transformer = TensorEngineFault(op_name, fault)
    tree = transformer.visit(tree)
    assert transformer.changed == 1, f"cannot inject {fault} into autograd.backward (found {transformer.changed} places)"
    autograd_py.write_text(ast.unparse(ast.fix_missing_locations(tree)))
    return True


def _op_name(module, cls):
    tree = ast.parse((ROOT / "minigrad" / f"{module}.py").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    for item in node.body:
        if isinstance(item, ast.Assign) and getattr(item.targets[0], "id", "") == "name":
            return item.value.value
    raise ValueError(f"{cls} has no name")


def faults_for(kind, module, rule):
    if kind == "scalar":
        return ["drop", "assign", "sign"] + (["swap"] if rule in BINARY_SCALAR else [])
    faults = ["drop", "assign", "sign"]
    if _n_inputs(module, rule) >= 2:
        faults.append("swap")
    if rule in BROADCASTING:
        faults.append("no-unbroadcast")
    return faults


def _n_inputs(module, cls):
    tree = ast.parse((ROOT / "minigrad" / f"{module}.py").read_text())
    node = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    forward = next(f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "forward")
    return len([a for a in forward.args.args[1:] if a.arg not in ("axis", "keepdims", "shape", "axes", "index")]) - (
        1 if cls == "CrossEntropy" else 0  # targets are integers, not differentiable
    )


NOT_APPLICABLE = {
    Mutant("scalar", "scalar", "_add_backward", "swap"): "both operands get out.grad: swapping changes nothing",
    Mutant("tensor", "ops", "Add", "swap"): "both gradients are grad_out: swapping changes nothing",
}


# --------------------------------------------------------------------------
# One mutant
# --------------------------------------------------------------------------


def run_mutant(mutant, chapters, workdir, with_tests=True):
    root = copy_book(workdir / f"{mutant.kind}-{mutant.rule}-{mutant.fault}", chapters)
    if not inject(root, mutant):
        return dict(mutant=mutant, book="n/a", tests="n/a", seconds=0)
    start = time.monotonic()
    result = build(root)
    log = result.stdout + result.stderr
    failed_in_cell = result.returncode != 0 and CELL_FAILED in log
    if result.returncode != 0 and not failed_in_cell:
        book = "build error (not in a cell)"
    else:
        book = "caught" if failed_in_cell else "MISSED"
    cell = ""
    match = re.search(CELL_FAILED + r":\n-+\n(.*?)\n-+\n", log, re.S)
    if match:
        cell = match.group(1).strip().splitlines()[-1][:70] if match.group(1).strip() else ""
    build_seconds = time.monotonic() - start
    tests = run_engine_tests(root) if with_tests else "not run"
    shutil.rmtree(root, ignore_errors=True)
    return dict(mutant=mutant, book=book, tests=tests, seconds=round(build_seconds), cell=cell)


def run_engine_tests(root):
    (root / "tests").mkdir(exist_ok=True)
    for helper in ("conftest.py", "bookutils.py"):
        shutil.copy(ROOT / "tests" / helper, root / "tests" / helper)
    for test in ENGINE_TESTS:
        shutil.copy(ROOT / test, root / test)
    (root / "pytest.ini").write_text("[pytest]\nmarkers =\n    book: x\n    browser: x\n")
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--hypothesis-profile=mutation",
         *ENGINE_TESTS],
        cwd=root, env=env, capture_output=True, text=True, timeout=900,
    )
    return {0: "missed", 1: "caught"}.get(result.returncode, f"error {result.returncode}")


# --------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", action="store_true", help=f"only {len(FAST)} mutants (for CI)")
    parser.add_argument("--only", help="only rules whose name contains this (e.g. mul, MatMul)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--no-tests", action="store_true", help="only build the book (skip the engine tests)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="book-gate-"))
    start = time.monotonic()
    stems = toc_chapters()
    code_stems = [s for s in stems if "```{code-cell}" in (ROOT / "book/en" / f"{s}.md").read_text()]
    print(f"probing {len(code_stems)} chapters for the rules they run ...", flush=True)
    rules_by_chapter, failures = probe(code_stems, workdir, args.jobs)
    if failures:
        for stem, tail in failures.items():
            print(f"\nchapter {stem} fails WITHOUT any fault; fix it first:\n{tail}")
        return 2
    exercised = set().union(*rules_by_chapter.values())

    rules = backward_rules()
    mutants = [Mutant(kind, module, rule, fault) for kind, module, rule in rules
               for fault in faults_for(kind, module, rule) if f"{kind}:{rule}" in exercised]
    unexercised = sorted({f"{kind}:{rule}" for kind, _, rule in rules} - exercised)
    if args.fast:
        mutants = [m for m in mutants if m in FAST]
    if args.only:
        mutants = [m for m in mutants if args.only.lower() in m.rule.lower()]

    def chapters_for(mutant):
        return [s for s in code_stems if mutant.trace_key in rules_by_chapter[s]]

    print(f"{len(mutants)} mutants, {args.jobs} at a time ({time.monotonic() - start:.0f} s so far)", flush=True)
    results = [dict(mutant=m, book="n/a", tests="n/a", seconds=0, cell=NOT_APPLICABLE[m])
               for m in mutants if m in NOT_APPLICABLE]
    todo = [m for m in mutants if m not in NOT_APPLICABLE]
    with futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = {pool.submit(run_mutant, m, chapters_for(m), workdir, not args.no_tests): m for m in todo}
        for job in futures.as_completed(jobs):
            r = job.result()
            r["chapters"] = chapters_for(r["mutant"])
            results.append(r)
            m = r["mutant"]
            print(f"  {m.kind:6s} {m.rule:22s} {m.fault:15s} book: {r['book']:8s} tests: {r['tests']:7s} ({r['seconds']} s)", flush=True)

    print_table(results, rules_by_chapter, unexercised)
    print(f"\n{len(results)} mutants in {time.monotonic() - start:.0f} s")
    if args.json:
        rows = [dict(r, mutant=[r["mutant"].kind, r["mutant"].rule, r["mutant"].fault]) for r in results]
        args.json.write_text(json.dumps(rows, indent=1))
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    missed = [r for r in results if r["book"] not in ("caught", "n/a")]
    return 1 if missed else 0


def print_table(results, rules_by_chapter, unexercised):
    order = ["drop", "assign", "sign", "swap", "no-unbroadcast"]
    table = {}
    for r in results:
        mutant = r["mutant"]
        if r["book"] == "n/a":
            cell = "n/a"
        else:
            tests = {"caught": "T", "missed": "-"}.get(r["tests"], "?")
            cell = tests + "/" + ("B" if r["book"] == "caught" else "-")
        table.setdefault(mutant.name, {})[mutant.fault] = cell
    print("\nrule x fault -> caught by the engine Tests / caught by the Book  (T/B = both, -/- = neither, ? = not run)")
    print(f"| {'rule':26s} | " + " | ".join(f"{f:14s}" for f in order) + " |")
    print("|" + "-" * 28 + "|" + "|".join("-" * 16 for _ in order) + "|")
    for name in sorted(table, key=lambda n: (not n.startswith("Value."), n)):
        print(f"| {name:26s} | " + " | ".join(f"{table[name].get(f, ''):14s}" for f in order) + " |")
    print("\nchapters that run each rule:")
    for stem, rules in rules_by_chapter.items():
        print(f"  {stem}: {', '.join(sorted(r.split(':')[1] for r in rules)) or '-'}")
    if unexercised:
        print(f"rules no chapter runs (no mutants): {', '.join(unexercised)}")


if __name__ == "__main__":
    sys.exit(main())
