"""The package is layered: every module imports only the modules below it, never in a circle.

    autograd            the chain rule: grad mode, Function, topological_order, backward
    ops, scalar         the operations (tensor Functions) and the scalar engine
    tensor              the Tensor facade (hands autograd its constructor)
    functional, gradcheck, viz
    nn -> optim, train  the layers a training loop is made of
    data                standalone (numpy and the standard library only)
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "minigrad"

# module -> the minigrad modules it may import
ALLOWED = {
    "autograd": set(),
    "ops": {"autograd"},
    "scalar": {"autograd"},
    "tensor": {"autograd", "ops"},
    "functional": {"autograd", "tensor"},
    "gradcheck": {"tensor"},
    "viz": {"autograd", "scalar", "tensor"},
    "nn": {"tensor", "functional"},
    "optim": {"tensor", "nn"},
    "train": {"tensor", "functional", "nn", "optim"},
    "data": set(),
}


def minigrad_imports(module):
    """The minigrad modules that minigrad/<module>.py imports (anywhere in the file)."""
    imported = set()
    for node in ast.walk(ast.parse((PACKAGE / f"{module}.py").read_text())):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("minigrad")):
            name = (node.module or "").replace("minigrad.", "").replace("minigrad", "")
            imported |= {name.split(".")[0]} if name else {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {a.name.split(".")[1] for a in node.names if a.name.startswith("minigrad.")}
    return imported


def import_graph():
    modules = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
    return {module: minigrad_imports(module) for module in modules}


def find_circle(graph):
    """An import circle as a list [a, b, ..., a], or None. Depth-first search with colours."""
    state = {}  # missing: not visited; "open": on the current path; "done": no circle below

    def visit(module, path):
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                return path[path.index(imported):] + [module, imported] if imported in path else [module, imported]
            if imported not in state:
                circle = visit(imported, path + [module])
                if circle:
                    return circle
        state[module] = "done"
        return None

    for module in graph:
        if module not in state:
            circle = visit(module, [])
            if circle:
                return circle
    return None


def test_every_module_imports_only_the_layers_below_it():
    graph = import_graph()
    assert set(graph) == set(ALLOWED), "a module was added or removed: place it in ALLOWED above"
    for module, imported in graph.items():
        assert imported <= ALLOWED[module], f"minigrad/{module}.py imports {imported - ALLOWED[module]}"


def test_no_import_circle():
    assert find_circle(import_graph()) is None, f"import circle: {' -> '.join(find_circle(import_graph()))}"
    assert find_circle(ALLOWED) is None  # the allowed table itself is a layering


def test_the_circle_finder_finds_circles():
    assert find_circle({"tensor": {"ops"}, "ops": {"autograd"}, "autograd": set()}) is None
    assert find_circle({"autograd": {"tensor"}, "tensor": {"ops"}, "ops": {"autograd"}}) == [
        "autograd", "tensor", "ops", "autograd"]
    assert find_circle({"a": {"a"}}) == ["a", "a"]


def test_autograd_knows_no_tensor():
    """The engine works on the node protocol; it never names the Tensor or Value classes."""
    source = (PACKAGE / "autograd.py").read_text()
    tree = ast.parse(source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert not names & {"Tensor", "Value"}
