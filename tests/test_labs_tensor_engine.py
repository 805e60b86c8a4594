"""Chapters 10 and 11: the learner's tensor engine under ARENA 0.4's names.

(a) the book's solution engine keeps ARENA's contracts (Recipe, is_leaf, backprop,
    the backward functions, nn, cross_entropy, SGD), tested here directly;
(b) chapter 11's given engine cell is chapter 10's solution, unchanged;
(c) every check passes on the solution, and planted wrong learner code fails its
    check with a message naming the mistake.

The engine is read from the chapters themselves: the lab cells, without the
exercise stubs and without the check calls, run in a fresh namespace.
"""

import ast
import re

import numpy as np
import pytest
import torch

import minigrad_labs as labs
from bookutils import BOOK
from minigrad_labs import checks as check
from minigrad_labs.feedback import CheckFailed

CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?::tags: \[([^\]]*)\]\n)?(.*?)^```[ \t]*$", re.S | re.M)
CH10 = BOOK / "en" / "10-your-tensor-engine.md"
CH11 = BOOK / "en" / "11-your-nn-on-mnist.md"


@pytest.fixture(autouse=True)
def english():
    labs.set_language("en")
    yield
    labs.set_language(None)


def lab_cells(path):
    """(tags, source) of the lab's code cells, without the stubs and the removed cells."""
    text = path.read_text(encoding="utf-8")
    lab = text[text.index("\n## Lab\n"):]
    cells = []
    for tags, source in CELL.findall(lab):
        tags = {t.strip() for t in tags.split(",") if t.strip()}
        if tags & {"exercise", "remove-cell"}:
            continue
        cells.append((tags, source))
    return cells


def without_checks(source):
    """The cell's source without its top-level statements that call ``check.*`` (comments stay)."""
    drop = set()
    for node in ast.parse(source).body:
        if any(isinstance(n, ast.Name) and n.id == "check" for n in ast.walk(node)):
            drop.update(range(node.lineno, node.end_lineno + 1))
    return "\n".join(line for number, line in enumerate(source.splitlines(), 1) if number not in drop)


def engine(path=CH11):
    """A namespace holding the chapter's solution engine (chapter 11's: everything)."""
    namespace = {"__name__": "learner_notebook"}
    for _, source in lab_cells(path):
        exec(compile(without_checks(source), f"<{path.name}>", "exec"), namespace)
    return namespace


def plant(namespace, source):
    """Replace some of the learner's definitions with (wrong) ones, in the same namespace."""
    exec(compile(source, "<planted>", "exec"), namespace)
    return namespace


def failure(check_fn, *learner):
    with pytest.raises(CheckFailed) as info:
        check_fn(*learner)
    return str(info.value)


@pytest.fixture
def e():
    return engine()


# --- (a) ARENA's contracts, on the solution -------------------------------------


def test_recipe_keeps_the_numpy_function_the_very_arrays_and_parents_by_position(e):
    Tensor = e["Tensor"]
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    out = 3 * a
    assert out.recipe.func is np.multiply and out.recipe.args[0] == 3 and out.recipe.args[1] is a.array
    assert set(out.recipe.parents) == {1} and out.recipe.parents[1] is a and not out.is_leaf
    summed = a.sum(0, keepdim=True)
    assert summed.recipe.kwargs == {"dim": 0, "keepdim": True} and summed.shape == (1,)


def test_is_leaf_and_no_grad_follow_torch(e):
    Tensor, NoGrad = e["Tensor"], e["NoGrad"]
    a, frozen = Tensor(np.ones(2), requires_grad=True), Tensor(np.ones(2))
    assert a.is_leaf and frozen.is_leaf and not (a * frozen).is_leaf
    with NoGrad():
        untracked = a * frozen
        with NoGrad():
            pass
        assert e["grad_tracking_enabled"] is False
    assert untracked.is_leaf and not untracked.requires_grad and untracked.recipe is None
    assert e["grad_tracking_enabled"] is True
    assert (a == a).recipe is None                      # np.equal is not differentiable


def test_topological_sort_raises_on_a_cycle_and_handles_deep_chains(e):
    class Node:
        def __init__(self, *children):
            self.children = list(children)

    a, b = Node(), Node()
    a.children, b.children = [b], [a]
    with pytest.raises(ValueError, match="cycle"):
        e["topological_sort"](a, lambda n: n.children)
    node = Node()
    for _ in range(5000):
        node = Node(node)
    order = e["topological_sort"](node, lambda n: n.children)
    assert len(order) == 5001 and order[-1] is node


@pytest.mark.parametrize("seed", range(5))
def test_backprop_agrees_with_torch_on_a_random_mlp_with_every_op(e, seed):
    """relu (maximum), matmul, broadcasting add, exp, log, sum, getitem, division, negation."""
    Tensor = e["Tensor"]
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=(5, 4)), rng.normal(size=(3, 4)), rng.normal(size=3)]
    labels = rng.integers(0, 3, 5)
    ours = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    loss = e["cross_entropy"](e["relu"](ours[0]) @ ours[1].T + ours[2], Tensor(labels)).sum() / 5
    loss.backward()
    torch.nn.functional.cross_entropy(torch.relu(theirs[0]) @ theirs[1].T + theirs[2],
                                      torch.tensor(labels)).backward()
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad.array, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_backprop_adds_shares_and_leaves_inner_nodes_without_grad(e):
    Tensor = e["Tensor"]
    a = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    b, c = a * 2, a * 1
    d = b * c
    d.backward(np.ones(3))
    np.testing.assert_allclose(a.grad.array, 4 * a.array)
    assert b.grad is None and c.grad is None and d.grad is None
    (a * a).backward(np.ones(3))                        # a second pass adds
    np.testing.assert_allclose(a.grad.array, 6 * a.array)


def test_repeated_indices_ties_and_relu_at_zero(e):
    Tensor = e["Tensor"]
    a = Tensor(np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]), requires_grad=True)
    a[(np.array([0, 1, 0, 1, 0]), np.array([0, 0, 1, 2, 0]))].sum().backward(np.array(10.0))
    np.testing.assert_allclose(a.grad.array, [[20, 10, 0], [10, 0, 10]])     # (0, 0) is picked twice
    x = Tensor(np.array([-1.0, 0.0, 1.0]), requires_grad=True)
    x.relu().backward(np.ones(3))
    np.testing.assert_allclose(x.grad.array, [0.0, 0.5, 1.0])           # ARENA's and torch.maximum's


def test_expand_is_broadcasting_whose_backward_is_unbroadcast(e):
    Tensor = e["Tensor"]
    a = Tensor(np.arange(3.0).reshape(1, 3), requires_grad=True)
    b = a.expand((4, 2, -1, 3))
    assert b.shape == (4, 2, 1, 3)
    grad_out = np.random.default_rng(0).normal(size=b.shape)
    b.backward(grad_out)
    np.testing.assert_allclose(a.grad.array, grad_out.sum(axis=(0, 1)))


def test_cross_entropy_gives_one_finite_loss_per_row(e):
    Tensor = e["Tensor"]
    logits = np.array([[1000.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    losses = e["cross_entropy"](Tensor(logits), Tensor(np.array([1, 2])))
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor([1, 2]), reduction="none")
    assert losses.shape == (2,)
    np.testing.assert_allclose(losses.array, expected.numpy())


def test_sgd_updates_in_place_and_module_registers(e):
    Tensor, Parameter = e["Tensor"], e["Parameter"]
    model = e["MLP"]()
    params = list(model.parameters())
    assert len(params) == 6 and all(isinstance(p, Parameter) for p in params)
    assert [type(m).__name__ for m in model.modules()] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    p = Parameter(Tensor(np.array([1.0, 2.0])))
    array = p.array
    p.grad = Tensor(np.array([1.0, -1.0]))
    e["SGD"]([p], 0.5).step()
    assert p.array is array and p.recipe is None
    np.testing.assert_allclose(p.array, [0.5, 2.5])


# --- (b) chapter 11 starts from chapter 10's solution ---------------------------


def test_chapter_11_given_engine_is_chapter_10s_solution():
    ch10 = "\n\n\n".join(without_checks(src).strip("\n") for _, src in lab_cells(CH10)
                         if without_checks(src).strip() and "from minigrad_labs import checks" not in src)
    given = next(src for tags, src in CELL.findall(CH11.read_text(encoding="utf-8"))
                 if "hide-input" in tags)
    assert given.strip("\n") == ch10.strip("\n"), "chapter 11's engine cell must be chapter 10's lab, solved"


# --- (c) the checks: pass on the solution, name each planted mistake -----------


def test_every_check_passes_on_the_solution(e, capsys):
    check.backward_functions(e["log_back"], e["unbroadcast"], e["multiply_back0"], e["multiply_back1"],
                             e["forward_and_back"])
    check.graph_record(e["BackwardFuncLookup"], e["log_forward"], e["multiply_forward"], e["Tensor"])
    check.wrap_forward(e["wrap_forward_fn"], e["Tensor"])
    check.topological_sort(e["topological_sort"], e["sorted_computational_graph"], e["Tensor"])
    check.backprop(e["backprop"], e["Tensor"])
    check.more_backward(*(e[n] for n in ("negative_back", "exp_back", "reshape_back", "permute_back", "sum_back",
                                         "true_divide_back0", "true_divide_back1", "Tensor")))
    check.index_max_matmul(*(e[n] for n in ("getitem_back", "maximum_back0", "maximum_back1", "relu",
                                            "matmul2d_back0", "matmul2d_back1", "Tensor")))
    check.modules_from_scratch(*(e[n] for n in ("NoGrad", "Parameter", "Module", "Linear", "ReLU", "MLP", "Tensor")))
    check.loss_and_sgd(e["cross_entropy"], e["SGD"], e["Parameter"], e["Tensor"])
    assert capsys.readouterr().out.count("✓") == 9


PLANTED_10 = {
    "log_back forgets grad_out": ("backward_functions", '''
def log_back(grad_out, out, x):
    return 1 / x
''', "not multiplied by `grad_out`"),
    "unbroadcast without keepdims": ("backward_functions", '''
def unbroadcast(broadcasted, original):
    extra = broadcasted.ndim - np.ndim(original)
    summed = broadcasted.sum(axis=tuple(range(extra))) if extra > 0 else broadcasted
    stretched = tuple(axis for axis, n in enumerate(np.shape(original)) if n == 1 and summed.shape[axis] != 1)
    return summed.sum(axis=stretched) if stretched else summed
''', "`keepdims=True`"),
    "unbroadcast sums the axes whose length is 1, by value": ("backward_functions", '''
def unbroadcast(broadcasted, original):
    extra = broadcasted.ndim - np.ndim(original)
    summed = broadcasted.sum(axis=tuple(range(extra))) if extra > 0 else broadcasted
    for n in np.shape(original):
        if n == 1:
            summed = summed.sum(axis=n, keepdims=True)
    return summed
''', "summed the wrong axes"),
    "multiply_back0 without unbroadcast": ("backward_functions", '''
def multiply_back0(grad_out, out, x, y):
    return grad_out * np.asarray(y)
''', "forgot `unbroadcast`"),
    "multiply_back1 gives each factor its own value": ("backward_functions", '''
def multiply_back1(grad_out, out, x, y):
    return unbroadcast(grad_out * np.asarray(y), y)
''', "the *other* factor"),
    "log_forward records under NoGrad": ("graph_record", '''
def log_forward(x):
    out = Tensor(np.log(x.array))
    if x.requires_grad:
        out.requires_grad = True
        out.recipe = Recipe(func=np.log, args=(x.array,), kwargs={}, parents={0: x})
    return out
''', "tracking was off"),
    "multiply_forward keeps the Tensors in args": ("graph_record", '''
def multiply_forward(a, b):
    args = tuple(t.array if isinstance(t, Tensor) else t for t in (a, b))
    out = Tensor(np.multiply(*args))
    parents = {i: t for i, t in enumerate((a, b)) if isinstance(t, Tensor) and t.requires_grad}
    if grad_tracking_enabled and parents:
        out.requires_grad = True
        out.recipe = Recipe(func=np.multiply, args=(a, b), kwargs={}, parents=parents)
    return out
''', "the very input arrays"),
    "wrap_forward_fn ignores is_differentiable": ("wrap_forward", '''
def wrap_forward_fn(numpy_func, is_differentiable=True):
    def tensor_func(*args, **kwargs):
        arrays = tuple(a.array if isinstance(a, Tensor) else a for a in args)
        out = Tensor(numpy_func(*arrays, **kwargs))
        parents = {i: a for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad}
        if grad_tracking_enabled and parents:
            out.requires_grad = True
            out.recipe = Recipe(func=numpy_func, args=arrays, kwargs=kwargs, parents=parents)
        return out
    return tensor_func
''', "(not differentiable)"),
    "wrap_forward_fn drops the keyword settings": ("wrap_forward", '''
def wrap_forward_fn(numpy_func, is_differentiable=True):
    def tensor_func(*args, **kwargs):
        arrays = tuple(a.array if isinstance(a, Tensor) else a for a in args)
        out = Tensor(numpy_func(*arrays, **kwargs))
        parents = {i: a for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad}
        if grad_tracking_enabled and is_differentiable and parents:
            out.requires_grad = True
            out.recipe = Recipe(func=numpy_func, args=arrays, kwargs={}, parents=parents)
        return out
    return tensor_func
''', "keyword settings go into recipe.kwargs"),
    "topological_sort returns an order for a cycle": ("topological_sort", '''
def topological_sort(node, get_children):
    order, done = [], set()
    stack = [(node, iter(get_children(node)))]
    while stack:
        current, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if current not in done:
                done.add(current)
                order.append(current)
        elif child not in done and all(child is not n for n, _ in stack):
            stack.append((child, iter(get_children(child))))
    return order
''', "a graph with a cycle has none"),
    "topological_sort recursive": ("topological_sort", '''
def topological_sort(node, get_children):
    order, done = [], set()

    def visit(n, path):
        if n in path:
            raise ValueError("cycle")
        if n in done:
            return
        for child in get_children(n):
            visit(child, path | {n})
        done.add(n)
        order.append(n)

    visit(node, frozenset())
    return order
''', "recursion"),
    "topological_sort visits a node once per path": ("topological_sort", '''
def topological_sort(node, get_children):
    order = []
    stack = [(node, iter(get_children(node)), frozenset([node]))]
    while stack:
        current, children, path = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            order.append(current)
        elif child in path:
            raise ValueError("cycle")
        else:
            stack.append((child, iter(get_children(child)), path | {child}))
    return order
''', "appears more than once"),
    "backprop with = instead of +=": ("backprop", '''
def backprop(end_node, end_grad=None):
    grads = {end_node: np.ones(end_node.shape) if end_grad is None else np.asarray(getattr(end_grad, "array", end_grad))}
    for node in sorted_computational_graph(end_node):
        grad = grads.pop(node)
        if node.is_leaf:
            if node.requires_grad:
                node.grad = Tensor(grad) if node.grad is None else Tensor(node.grad.array + grad)
            continue
        for position, parent in node.recipe.parents.items():
            back_fn = BACK_FUNCS.get_back_func(node.recipe.func, position)
            grads[parent] = back_fn(grad, node.array, *node.recipe.args, **node.recipe.kwargs)
''', "`=` instead of `+=`"),
    "backprop forgets the is_leaf case": ("backprop", '''
def backprop(end_node, end_grad=None):
    grads = {end_node: np.ones(end_node.shape) if end_grad is None else np.asarray(getattr(end_grad, "array", end_grad))}
    for node in sorted_computational_graph(end_node):
        grad = grads.pop(node)
        node.grad = Tensor(grad) if node.grad is None else Tensor(node.grad.array + grad)
        if node.recipe is None:
            continue
        for position, parent in node.recipe.parents.items():
            back_fn = BACK_FUNCS.get_back_func(node.recipe.func, position)
            share = back_fn(grad, node.array, *node.recipe.args, **node.recipe.kwargs)
            grads[parent] = share if parent not in grads else grads[parent] + share
''', "the `is_leaf` case"),
    "backprop replaces a leaf's .grad": ("backprop", '''
def backprop(end_node, end_grad=None):
    grads = {end_node: np.ones(end_node.shape) if end_grad is None else np.asarray(getattr(end_grad, "array", end_grad))}
    for node in sorted_computational_graph(end_node):
        grad = grads.pop(node)
        if node.is_leaf:
            if node.requires_grad:
                node.grad = Tensor(grad)
            continue
        for position, parent in node.recipe.parents.items():
            back_fn = BACK_FUNCS.get_back_func(node.recipe.func, position)
            share = back_fn(grad, node.array, *node.recipe.args, **node.recipe.kwargs)
            grads[parent] = share if parent not in grads else grads[parent] + share
''', "a second backprop must add"),
    "backprop visits a node twice": ("backprop", '''
def backprop(end_node, end_grad=None):
    def every_path(t):
        parents = [] if t.recipe is None else list(t.recipe.parents.values())
        return [t] + [n for p in parents for n in every_path(p)]

    grads = {end_node: np.ones(end_node.shape) if end_grad is None else np.asarray(getattr(end_grad, "array", end_grad))}
    for node in every_path(end_node):
        grad = grads[node]
        if node.is_leaf:
            if node.requires_grad:
                node.grad = Tensor(grad) if node.grad is None else Tensor(node.grad.array + grad)
            continue
        for position, parent in node.recipe.parents.items():
            back_fn = BACK_FUNCS.get_back_func(node.recipe.func, position)
            share = back_fn(grad, node.array, *node.recipe.args, **node.recipe.kwargs)
            grads[parent] = share if parent not in grads else grads[parent] + share
''', "visited twice"),
}

ARGUMENTS = {
    "backward_functions": ("log_back", "unbroadcast", "multiply_back0", "multiply_back1", "forward_and_back"),
    "graph_record": ("BackwardFuncLookup", "log_forward", "multiply_forward", "Tensor"),
    "wrap_forward": ("wrap_forward_fn", "Tensor"),
    "topological_sort": ("topological_sort", "sorted_computational_graph", "Tensor"),
    "backprop": ("backprop", "Tensor"),
    "more_backward": ("negative_back", "exp_back", "reshape_back", "permute_back", "sum_back",
                      "true_divide_back0", "true_divide_back1", "Tensor"),
    "index_max_matmul": ("getitem_back", "maximum_back0", "maximum_back1", "relu", "matmul2d_back0",
                         "matmul2d_back1", "Tensor"),
    "modules_from_scratch": ("NoGrad", "Parameter", "Module", "Linear", "ReLU", "MLP", "Tensor"),
    "loss_and_sgd": ("cross_entropy", "SGD", "Parameter", "Tensor"),
    "mnist_on_your_engine": ("train_epoch", "MLP", "SGD", "Parameter", "NoGrad", "Tensor"),
}

PLANTED_11 = {
    "permute_back with axes, not their inverse": ("more_backward", '''
def permute_back(grad_out, out, x, axes):
    return np.transpose(grad_out, axes)
''', "*inverse* permutation"),
    "permute_back forgets negative axes": ("more_backward", '''
def permute_back(grad_out, out, x, axes):
    return np.transpose(grad_out, np.argsort(axes))
''', "negative axes"),
    "sum_back forgets keepdim=False": ("more_backward", '''
def sum_back(grad_out, out, x, dim=None, keepdim=False):
    return np.broadcast_to(grad_out, x.shape).copy()
''', "without keepdim"),
    "exp_back forgets grad_out": ("more_backward", '''
def exp_back(grad_out, out, x):
    return out
''', "not multiplied by `grad_out`"),
    "true_divide_back1 without unbroadcast": ("more_backward", '''
def true_divide_back1(grad_out, out, x, y):
    return -grad_out * np.asarray(x) / np.asarray(y) ** 2
''', "forgot `unbroadcast`"),
    "getitem_back assigns repeated indices": ("index_max_matmul", '''
def getitem_back(grad_out, out, x, index):
    grad = np.zeros(x.shape)
    grad[coerce_index(index)] = grad_out
    return grad
''', "`np.add.at`"),
    "maximum_back0 gives ties the whole gradient": ("index_max_matmul", '''
def maximum_back0(grad_out, out, x, y):
    return unbroadcast(grad_out * (x >= y), x)
''', "ties"),
    "maximum_back1 without unbroadcast": ("index_max_matmul", '''
def maximum_back1(grad_out, out, x, y):
    return grad_out * ((x < y) + 0.5 * (x == y))
''', "forgot `unbroadcast`"),
    "matmul2d_back0 forgets the transpose": ("index_max_matmul", '''
def matmul2d_back0(grad_out, out, x, y):
    return grad_out @ y
''', "match the shapes"),
    "NoGrad does not restore": ("modules_from_scratch", '''
class NoGrad:
    def __enter__(self):
        global grad_tracking_enabled
        grad_tracking_enabled = False

    def __exit__(self, type, value, traceback):
        pass
''', "on exit"),
    "Module does not register sub-modules": ("modules_from_scratch", '''
class Module(Module):
    def __setattr__(self, key, val):
        if isinstance(val, Parameter):
            self._parameters[key] = val
        object.__setattr__(self, key, val)
''', "direct sub-modules"),
    "cross_entropy returns the mean": ("loss_and_sgd", '''
_per_row = cross_entropy


def cross_entropy(logits, true_labels):
    return _per_row(logits, true_labels).sum() / logits.shape[0]
''', "one loss per row"),
    "SGD replaces the arrays": ("loss_and_sgd", '''
class SGD(SGD):
    def step(self):
        for p in self.params:
            p.array = p.array - self.lr * p.grad.array
''', "in place"),
}


def planted_check(name, source):
    namespace = plant(engine(), source)
    return getattr(check, name), [namespace[n] for n in ARGUMENTS[name]]


@pytest.mark.parametrize("mistake", sorted(PLANTED_10) + sorted(PLANTED_11))
def test_a_planted_mistake_fails_its_check_naming_it(mistake):
    name, source, named = {**PLANTED_10, **PLANTED_11}[mistake]
    check_fn, learner = planted_check(name, source)
    message = failure(check_fn, *learner)
    assert named in message, message
    assert f"`{message.split('`')[1]}`" in message          # names the function


def test_mnist_check_names_a_loop_that_never_steps_and_a_parameter_that_is_not_theirs():
    check_fn, learner = planted_check("mnist_on_your_engine", '''
def train_epoch(model, optimizer, images, labels, batch_size=64):
    for start in range(0, len(images), batch_size):
        x = Tensor(images[start:start + batch_size])
        loss = cross_entropy(model(x), Tensor(labels[start:start + batch_size])).sum() / len(x)
        optimizer.zero_grad()
        loss.backward()
    return 0.0
''')
    assert "no weight changed" in failure(check_fn, *learner)
    check_fn, learner = planted_check("mnist_on_your_engine", '''
class Linear(Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        bound = in_features ** -0.5
        self.weight = Tensor(np.random.uniform(-bound, bound, (out_features, in_features)), requires_grad=True)
        self.bias = Tensor(np.random.uniform(-bound, bound, out_features), requires_grad=True)

    def forward(self, x):
        return x @ self.weight.T + self.bias
''')
    assert "must be your Parameter" in failure(check_fn, *learner)


def test_spanish_messages_of_a_planted_mistake():
    labs.set_language("es")
    name, source, _ = PLANTED_10["backprop with = instead of +="]
    check_fn, learner = planted_check(name, source)
    message = failure(check_fn, *learner)
    assert "Causa probable" in message and "`=` en lugar de `+=`" in message


def test_mnist_check_fetches_the_digits_and_says_what_to_do_offline(monkeypatch, tmp_path):
    """No digits in the cache and no network: one clear message, in the learner's language, no traceback."""
    import minigrad.data
    from minigrad_labs.feedback import LabError

    def offline(url, destination, timeout=60):
        raise OSError("network is unreachable")

    monkeypatch.setenv("MINIGRAD_CACHE", str(tmp_path))
    monkeypatch.setattr(minigrad.data, "download", offline)
    e = engine()
    with pytest.raises(LabError) as info:
        check.mnist_on_your_engine(*(e[n] for n in ARGUMENTS["mnist_on_your_engine"]))
    assert "offline" in str(info.value) and str(tmp_path) in str(info.value)
