"""Checks of chapter 10's lab: your own tensor engine, under ARENA 0.4's names.

One check per exercise: ``backward_functions``, ``graph_record``, ``wrap_forward``,
``topological_sort``, ``backprop``. Each runs the learner's code on fixed inputs
(ARENA's own examples among them) and on random ones with broadcasting and
non-contiguous arrays, against PyTorch in float64.
"""

import types

import numpy as np

from minigrad_labs.feedback import passed
from minigrad_labs.guard import learner_code
from minigrad_labs.tensor_oracle import call, compare, noncontiguous, short, stop, torch_grads

__all__ = ["backward_functions", "graph_record", "wrap_forward", "topological_sort", "backprop"]

# (original shape, broadcast shape): leading axes added, inner and outer axes of length 1 stretched
BROADCASTS = [((2, 1, 3), (5, 1, 2, 4, 3)), ((1, 1, 3), (2, 4, 3)), ((3,), (4, 3)),
              ((4, 1), (4, 5)), ((), (2, 3)), ((2, 3), (2, 3))]


def _reference_unbroadcast(big, shape):
    import torch

    small = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    (small.expand(big.shape) * torch.tensor(big)).sum().backward()
    return small.grad.numpy()


# ---------------------------------------------------------------------------
# Exercise 10.1: backward functions on arrays
# ---------------------------------------------------------------------------


def _check_log_back(log_back, rng):
    import torch

    cases = [np.array([1.0, np.e, np.e ** np.e])] + [rng.uniform(0.5, 3.0, (2, 3)) for _ in range(2)]
    cases.append(noncontiguous(rng.uniform(0.5, 3.0, (3, 2))))
    for x in cases:
        grad_out = rng.normal(size=x.shape)
        with learner_code("log_back"):
            got = log_back(grad_out, np.log(x), x)
        (expected,) = torch_grads(torch.log, [x], grad_out)
        compare(f"for x = {short(x)}", f"para x = {short(x, language='es')}", got, expected,
                {"no_upstream": 1 / x}, name="log_back")


def _check_unbroadcast(unbroadcast, rng):
    for shape, big_shape in BROADCASTS:
        big = rng.normal(size=big_shape)
        for broadcasted in (big, noncontiguous(big)):
            original = np.ones(shape)
            got = call("unbroadcast", unbroadcast, broadcasted, original, why="wrong_axis")
            expected = _reference_unbroadcast(big, shape)
            extra = len(big_shape) - len(shape)
            lead_summed = big.sum(axis=tuple(range(extra)))
            squeezed = expected.reshape([n for n in shape if n != 1]) if 1 in shape else None
            compare(f"from {big_shape} back to {shape}", f"de {big_shape} a {shape}", got, expected,
                    {"no_keepdims": squeezed if squeezed is not None else np.zeros(0),
                     "wrong_axis": lead_summed if extra else np.zeros(0)},
                    shape_why="wrong_axis", name="unbroadcast")


def _check_multiply(multiply_back0, multiply_back1, rng):
    import torch

    cases = [(np.array([1.0, 2.0, 3.0]), np.array([2.0])),                     # ARENA's: y broadcast
             (np.array([1.0, 2.0]), np.array([[2.0, 3.0], [3.0, 4.0], [4.0, 5.0]])),
             (rng.normal(size=(3, 1)), rng.normal(size=(1, 4))),
             (noncontiguous(rng.normal(size=(2, 3))), rng.normal(size=(3,)))]
    for x, y in cases:
        out = x * y
        grad_out = rng.normal(size=out.shape)
        expected_x, expected_y = torch_grads(torch.mul, [x, y], grad_out)
        got_x = call("multiply_back0", multiply_back0, grad_out, out, x, y, why="no_unbroadcast")
        compare(f"for x of shape {x.shape}, y of shape {y.shape}",
                f"para x de forma {x.shape}, y de forma {y.shape}", got_x, expected_x,
                {"no_unbroadcast": grad_out * y, "own_factor": _reference_unbroadcast(grad_out * x, x.shape)},
                shape_why="no_unbroadcast", name="multiply_back0")
        got_y = call("multiply_back1", multiply_back1, grad_out, out, x, y, why="no_unbroadcast")
        compare(f"for x of shape {x.shape}, y of shape {y.shape}",
                f"para x de forma {x.shape}, y de forma {y.shape}", got_y, expected_y,
                {"no_unbroadcast": grad_out * x, "own_factor": _reference_unbroadcast(grad_out * y, y.shape)},
                shape_why="no_unbroadcast", name="multiply_back1")
    # a plain number as the other factor (ARENA's test_multiply_back_float)
    x, grad_out = rng.normal(size=3), rng.normal(size=3)
    with learner_code("multiply_back0"):
        got = multiply_back0(grad_out, x * 2, x, 2)
    compare("with y = 2 (a number)", "con y = 2 (un número)", got, 2 * grad_out, name="multiply_back0")
    with learner_code("multiply_back1"):
        got = multiply_back1(grad_out, 2 * x, 2, x)
    compare("with x = 2 (a number)", "con x = 2 (un número)", got, 2 * grad_out, name="multiply_back1")


def _check_forward_and_back(forward_and_back, rng):
    import torch

    def g(a, b, c):
        return torch.log(a * b * torch.log(c))

    cases = [(np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 1.0]), np.array([10.0])),
             (rng.uniform(1, 2, 4), rng.uniform(1, 2, 4), rng.uniform(2, 5, 4)),
             (rng.uniform(1, 2, (2, 3)), rng.uniform(1, 2, (3,)), rng.uniform(2, 5, (1, 1)))]
    for a, b, c in cases:
        with learner_code("forward_and_back"):
            got = forward_and_back(a, b, c)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            stop("`forward_and_back` must return three arrays: (dg/da, dg/db, dg/dc).",
                 "`forward_and_back` debe devolver tres arrays: (dg/da, dg/db, dg/dc).")
        grad_out = np.ones(np.broadcast_shapes(a.shape, b.shape, c.shape))
        expected = torch_grads(g, [a, b, c], grad_out)
        for name, mine, theirs, value in zip("abc", got, expected, (a, b, c)):
            compare(f"dg/d{name} for {name} of shape {value.shape}",
                    f"dg/d{name} para {name} de forma {value.shape}", mine, theirs, shape_why="no_unbroadcast",
                    name="forward_and_back")


def backward_functions(log_back, unbroadcast, multiply_back0, multiply_back1, forward_and_back):
    """Exercise 10.1: ``log_back``, ``unbroadcast``, ``multiply_back0/1``, ``forward_and_back``."""
    rng = np.random.default_rng(10)
    _check_log_back(log_back, rng)
    _check_unbroadcast(unbroadcast, rng)
    _check_multiply(multiply_back0, multiply_back1, rng)
    _check_forward_and_back(forward_and_back, rng)
    passed("log_back, unbroadcast, multiply_back0/1, forward_and_back agree with PyTorch "
           f"({len(BROADCASTS)} broadcasting patterns, non-contiguous arrays, plain numbers)",
           "log_back, unbroadcast, multiply_back0/1 y forward_and_back coinciden con PyTorch "
           f"({len(BROADCASTS)} patrones de difusión, arrays no contiguos, números sueltos)")


# ---------------------------------------------------------------------------
# Exercise 10.2: recording the graph
# ---------------------------------------------------------------------------


class _tracking_off:
    """Switch the learner's global ``grad_tracking_enabled`` off for a block (what NoGrad does)."""

    def __init__(self, function):
        self.namespace = function.__globals__

    def __enter__(self):
        self.before = self.namespace.get("grad_tracking_enabled", True)
        self.namespace["grad_tracking_enabled"] = False

    def __exit__(self, *exc):
        self.namespace["grad_tracking_enabled"] = self.before


def _check_recipe(name, out, func, args, parents, inputs_en, inputs_es, Tensor):
    """The output of a tracked op: requires a gradient, not a leaf, and a Recipe as ARENA's."""
    if not isinstance(out, Tensor):
        stop(f"`{name}` must return a Tensor, got {type(out).__name__}.",
             f"`{name}` debe devolver un Tensor, pero devolvió un {type(out).__name__}.")
    recipe = getattr(out, "recipe", None)
    if not out.requires_grad or recipe is None:
        stop(f"`{name}` on {inputs_en}: an input requires a gradient, so the output must too, with a Recipe "
             f"(got requires_grad={out.requires_grad}, recipe={recipe!r}).",
             f"`{name}` con {inputs_es}: una entrada requiere gradiente, así que la salida también debe requerirlo y tener una Recipe "
             f"(se obtuvo requires_grad={out.requires_grad}, recipe={recipe!r}).")
    if out.is_leaf:
        stop(f"`{name}` on {inputs_en}: the output has parents, so it is not a leaf (is_leaf must be False).",
             f"`{name}` con {inputs_es}: la salida tiene padres, así que no es una hoja (is_leaf debe ser False).")
    if recipe.func is not func:
        stop(f"`{name}`: recipe.func must be the numpy function itself ({func.__name__}), got {recipe.func!r}.",
             f"`{name}`: recipe.func debe ser la propia función de numpy ({func.__name__}), no {recipe.func!r}.")
    if len(recipe.args) != len(args) or any(g is not e for g, e in zip(recipe.args, args)):
        stop(f"`{name}` on {inputs_en}: recipe.args must hold the very input arrays (and numbers), in order: "
             "`t.array`, not a copy, and not the Tensor.",
             f"`{name}` con {inputs_es}: recipe.args debe guardar los mismos arrays de entrada (y números), en orden: "
             "`t.array`, no una copia ni el Tensor.")
    if dict(recipe.kwargs) != {}:
        stop(f"`{name}`: recipe.kwargs must be {{}} here, got {recipe.kwargs!r}.",
             f"`{name}`: recipe.kwargs debe ser {{}} aquí, no {recipe.kwargs!r}.")
    got = {k: v for k, v in recipe.parents.items() if getattr(v, "requires_grad", False)}
    if set(got) != set(parents) or any(got[k] is not parents[k] for k in parents):
        stop(f"`{name}` on {inputs_en}: recipe.parents must map each argument position holding a Tensor that "
             f"requires a gradient to that Tensor: positions {sorted(parents)} expected, got {sorted(recipe.parents)}.",
             f"`{name}` con {inputs_es}: recipe.parents debe asociar cada posición de argumento que ocupa un Tensor que "
             f"requiere gradiente con ese Tensor: se esperaban las posiciones {sorted(parents)} y se obtuvieron "
             f"{sorted(recipe.parents)}.")


def _check_untracked(name, out, why_en, why_es, why=None):
    if out.requires_grad or out.recipe is not None:
        stop(f"`{name}` {why_en}: the output must have requires_grad=False and recipe=None "
             f"(got requires_grad={out.requires_grad}, recipe={out.recipe!r}).",
             f"`{name}` {why_es}: la salida debe tener requires_grad=False y recipe=None "
             f"(se obtuvo requires_grad={out.requires_grad}, recipe={out.recipe!r}).", why)


def _check_values(name, out, expected):
    compare("forward value", "valor de la pasada hacia delante", out.array, expected, name=name)


def graph_record(BackwardFuncLookup, log_forward, multiply_forward, Tensor):
    """Exercise 10.2: the lookup table and two forward functions that record a Recipe."""
    first, second, third = (lambda *a: 0), (lambda *a: 1), (lambda *a: 2)
    with learner_code("BackwardFuncLookup"):
        table = BackwardFuncLookup()
        table.add_back_func(np.multiply, 0, first)
        table.add_back_func(np.multiply, 1, second)
        table.add_back_func(np.log, 0, third)
        found = [table.get_back_func(np.multiply, 0), table.get_back_func(np.multiply, 1),
                 table.get_back_func(np.log, 0)]
    if found != [first, second, third]:
        stop("`BackwardFuncLookup`: get_back_func must return the function added for that (forward function, "
             "position) pair; two positions of np.multiply, or two functions at position 0, must not collide.",
             "`BackwardFuncLookup`: get_back_func debe devolver la función añadida para ese par (función hacia "
             "delante, posición); dos posiciones de np.multiply, o dos funciones en la posición 0, no deben sobrescribirse.")

    rng = np.random.default_rng(11)
    a = Tensor(rng.uniform(0.5, 2.0, (2, 3)), requires_grad=True)
    with learner_code("log_forward"):
        out = log_forward(a)
    _check_values("log_forward", out, np.log(a.array))
    _check_recipe("log_forward", out, np.log, (a.array,), {0: a}, "a tensor that requires grad",
                  "un tensor que requiere gradiente", Tensor)
    with learner_code("log_forward"):
        twice = log_forward(log_forward(Tensor(np.array([np.e, np.e ** np.e]), requires_grad=True)))
    _check_values("log_forward", twice, [0.0, 1.0])
    with learner_code("log_forward"):
        plain = log_forward(Tensor(np.array([1.0, np.e])))
    _check_untracked("log_forward", plain, "on a tensor without requires_grad", "con un tensor sin requires_grad")
    with _tracking_off(log_forward), learner_code("log_forward"):
        off = log_forward(a)
    _check_untracked("log_forward", off, "with grad_tracking_enabled = False", "con grad_tracking_enabled = False",
                     "no_grad_recorded")

    x = Tensor(rng.normal(size=4), requires_grad=True)
    y = Tensor(rng.normal(size=(3, 1)), requires_grad=True)
    with learner_code("multiply_forward"):
        out = multiply_forward(x, y)
    _check_values("multiply_forward", out, x.array * y.array)
    _check_recipe("multiply_forward", out, np.multiply, (x.array, y.array), {0: x, 1: y},
                  "two tensors that require grad", "dos tensores que requieren gradiente", Tensor)
    for left, right, parents, en, es in [(x, 3, {0: x}, "x * 3", "x * 3"), (3, x, {1: x}, "3 * x", "3 * x")]:
        with learner_code("multiply_forward"):
            out = multiply_forward(left, right)
        _check_values("multiply_forward", out, x.array * 3)
        args = tuple(t.array if isinstance(t, Tensor) else t for t in (left, right))
        _check_recipe("multiply_forward", out, np.multiply, args, parents, en, es, Tensor)
    frozen = Tensor(rng.normal(size=4))
    with learner_code("multiply_forward"):
        out = multiply_forward(frozen, x)
    _check_recipe("multiply_forward", out, np.multiply, (frozen.array, x.array), {1: x},
                  "a tensor without grad times one with grad", "un tensor sin gradiente por uno con gradiente", Tensor)
    with learner_code("multiply_forward"):
        out = multiply_forward(frozen, Tensor(rng.normal(size=4)))
    _check_untracked("multiply_forward", out, "on two tensors without requires_grad", "con dos tensores sin requires_grad")
    with _tracking_off(multiply_forward), learner_code("multiply_forward"):
        out = multiply_forward(x, y)
    _check_untracked("multiply_forward", out, "with grad_tracking_enabled = False", "con grad_tracking_enabled = False",
                     "no_grad_recorded")
    passed("BackwardFuncLookup, log_forward and multiply_forward record the graph as ARENA's Recipe",
           "BackwardFuncLookup, log_forward y multiply_forward registran el grafo como la Recipe de ARENA")


# ---------------------------------------------------------------------------
# Exercise 10.3: wrap_forward_fn
# ---------------------------------------------------------------------------


def _sum_like_torch(x, dim=None, keepdim=False):
    return np.sum(x, axis=dim, keepdims=keepdim)


def wrap_forward(wrap_forward_fn, Tensor):
    """Exercise 10.3: ``wrap_forward_fn(numpy_func, is_differentiable=True)``."""
    rng = np.random.default_rng(12)
    with learner_code("wrap_forward_fn"):
        log = wrap_forward_fn(np.log)
        multiply = wrap_forward_fn(np.multiply)
        total = wrap_forward_fn(_sum_like_torch)
        equal = wrap_forward_fn(np.equal, is_differentiable=False)
    a = Tensor(rng.uniform(0.5, 2.0, (2, 3)), requires_grad=True)
    b = Tensor(rng.normal(size=(3,)), requires_grad=True)
    with learner_code("wrap_forward_fn"):
        out_log, out_mul, out_num = log(a), multiply(a, b), multiply(2, b)
        out_sum = total(a, dim=1, keepdim=True)
    _check_values("wrap_forward_fn(np.log)", out_log, np.log(a.array))
    _check_recipe("wrap_forward_fn(np.log)", out_log, np.log, (a.array,), {0: a}, "a", "a", Tensor)
    _check_values("wrap_forward_fn(np.multiply)", out_mul, a.array * b.array)
    _check_recipe("wrap_forward_fn(np.multiply)", out_mul, np.multiply, (a.array, b.array), {0: a, 1: b},
                  "a, b", "a, b", Tensor)
    _check_recipe("wrap_forward_fn(np.multiply)", out_num, np.multiply, (2, b.array), {1: b}, "2, b", "2, b", Tensor)
    _check_values("wrap_forward_fn(sum)", out_sum, a.array.sum(axis=1, keepdims=True))
    if getattr(out_sum.recipe, "kwargs", None) != {"dim": 1, "keepdim": True}:
        stop("`wrap_forward_fn`: keyword settings go into recipe.kwargs unchanged (the backward function gets "
             f"them back): expected {{'dim': 1, 'keepdim': True}}, got {getattr(out_sum.recipe, 'kwargs', None)!r}.",
             "`wrap_forward_fn`: los ajustes por palabra clave van tal cual a recipe.kwargs (la función de la pasada hacia atrás "
             f"los recibe): se esperaba {{'dim': 1, 'keepdim': True}}, se obtuvo {getattr(out_sum.recipe, 'kwargs', None)!r}.")
    with learner_code("wrap_forward_fn"):
        same = equal(a, a)
    _check_values("wrap_forward_fn(np.equal)", same, np.ones((2, 3)))
    _check_untracked("wrap_forward_fn(np.equal, is_differentiable=False)", same, "(not differentiable)",
                     "(no diferenciable)")
    with learner_code("wrap_forward_fn"):
        plain = multiply(Tensor(rng.normal(size=3)), 4.0)
    _check_untracked("wrap_forward_fn(np.multiply)", plain, "on tensors without requires_grad",
                     "con tensores sin requires_grad")
    with _tracking_off(wrap_forward_fn), learner_code("wrap_forward_fn"):
        off = log(a)
    _check_untracked("wrap_forward_fn(np.log)", off, "with grad_tracking_enabled = False",
                     "con grad_tracking_enabled = False", "no_grad_recorded")
    passed("wrap_forward_fn records func, args, kwargs and parents, and nothing when it must not",
           "wrap_forward_fn registra func, args, kwargs y parents, y nada cuando no debe")


# ---------------------------------------------------------------------------
# Exercise 10.4: topological sort
# ---------------------------------------------------------------------------


class _Node:
    def __init__(self, name, *children):
        self.name = name
        self.children = list(children)

    def __repr__(self):
        return f"Node({self.name})"


def _children(node):
    return node.children


def _random_dag(rng, size):
    nodes = []
    for i in range(size):
        picks = rng.choice(len(nodes), size=min(len(nodes), int(rng.integers(0, 4))), replace=False) if nodes else []
        nodes.append(_Node(f"n{i}", *[nodes[j] for j in picks]))
    return _Node("root", *nodes[-3:], nodes[0])


def _reachable(root, children):
    seen, stack = {id(root): root}, [root]
    while stack:
        for child in children(stack.pop()):
            if id(child) not in seen:
                seen[id(child)] = child
                stack.append(child)
    return seen


def _check_order(order, root, children, graph_en, graph_es, first_is_root=False, *, name):
    order = list(order)
    ids = [id(n) for n in order]
    if len(set(ids)) != len(ids):
        stop(f"`{name}` on {graph_en}: a node appears more than once.",
             f"`{name}` en {graph_es}: un nodo aparece más de una vez.", "visited")
    reachable = _reachable(root, children)
    if set(ids) != set(reachable):
        stop(f"`{name}` on {graph_en}: {len(reachable)} nodes expected, got {len(set(ids))} different ones.",
             f"`{name}` en {graph_es}: se esperaban {len(reachable)} nodos, se obtuvieron {len(set(ids))} distintos.")
    position = {i: k for k, i in enumerate(ids)}
    end = order[0] if first_is_root else order[-1]
    if end is not root:
        where_en, where_es = ("first", "en primer lugar") if first_is_root else ("last", "en último lugar")
        stop(f"`{name}` on {graph_en}: the starting node must come {where_en}.",
             f"`{name}` en {graph_es}: el nodo de partida debe ir {where_es}.")
    for node in reachable.values():
        for child in children(node):
            child_first = position[id(child)] < position[id(node)]
            if child_first == first_is_root:
                stop(f"`{name}` on {graph_en}: {node!r} and {child!r} are in the wrong order.",
                     f"`{name}` en {graph_es}: {node!r} y {child!r} están en el orden equivocado.")


def topological_sort(topological_sort, sorted_computational_graph, Tensor):
    """Exercise 10.4: a sort that raises on a cycle, and the order ``backprop`` walks."""
    z = _Node("z")
    y = _Node("y", z)
    x = _Node("x", y)
    w = _Node("w", z, x)                     # ARENA's "rejoining" graph: z is reached twice
    rng = np.random.default_rng(13)
    graphs = [(x, "a chain z <- y <- x", "una cadena z <- y <- x"), (w, "a graph where z is reached twice",
              "un grafo en el que z se alcanza dos veces")]
    graphs += [(_random_dag(rng, 25), f"random DAG #{k}", f"el grafo acíclico aleatorio n.º {k}") for k in range(4)]
    for root, en, es in graphs:
        with learner_code("topological_sort"):
            order = topological_sort(root, _children)
        _check_order(order, root, _children, en, es, name="topological_sort")
    node = _Node("leaf")
    for i in range(3000):
        node = _Node(f"c{i}", node)
    try:
        with learner_code("topological_sort"):
            order = topological_sort(node, _children)
    except Exception as error:              # learner_code turns RecursionError into a message
        if "recursion" in str(error).lower() or "recursión" in str(error).lower():
            stop("`topological_sort` on a chain 3,000 deep ran out of recursion.",
                 "`topological_sort` superó el límite de recursión de Python en una cadena de 3000 nodos de profundidad.", "recursion")
        raise
    _check_order(order, node, _children, "a chain 3,000 deep", "una cadena de 3000 nodos de profundidad",
                 name="topological_sort")
    # a cycle: a -> b -> c -> a
    a, b, c = _Node("a"), _Node("b"), _Node("c")
    a.children, b.children, c.children = [b], [c], [a]
    try:
        topological_sort(a, _children)
    except NotImplementedError:
        with learner_code("topological_sort"):
            raise
    except RecursionError:
        stop("`topological_sort` on the cycle a -> b -> c -> a recursed forever instead of raising an error.",
             "`topological_sort` en el ciclo a -> b -> c -> a se llamó a sí misma sin fin en lugar de lanzar un error.",
             "recursion")
    except Exception:                        # any clear error will do, as in ARENA's test
        pass
    else:
        stop("`topological_sort` on the cycle a -> b -> c -> a returned an order: a graph with a cycle has none. "
             "Keep the nodes whose children you are still visiting, and raise when you meet one of them again.",
             "`topological_sort` en el ciclo a -> b -> c -> a devolvió un orden: un grafo con un ciclo no lo tiene. "
             "Guarda los nodos cuyos hijos todavía estás visitando y lanza un error si vuelves a encontrarte con uno de ellos.")

    # sorted_computational_graph walks recipe.parents: tensors with a stand-in recipe
    def tensor(name, *parents):
        t = Tensor(np.zeros(1), requires_grad=True)
        t.recipe = types.SimpleNamespace(parents=dict(enumerate(parents))) if parents else None
        t.name = name
        return t

    ta, tb, tc = tensor("a"), tensor("b"), tensor("c")
    td = tensor("d", ta, tb)
    te = tensor("e", tc)
    tf = tensor("f", td, te)
    tg = tensor("g", tf, ta)

    def parents(t):
        return [] if t.recipe is None else list(t.recipe.parents.values())

    with learner_code("sorted_computational_graph"):
        order = sorted_computational_graph(tg)
    _check_order(order, tg, parents, "a graph of 7 tensors", "un grafo de 7 tensores", first_is_root=True,
                 name="sorted_computational_graph")
    passed("topological_sort: children first, each node once, 3,000 deep, and an error on a cycle; "
           "sorted_computational_graph: the end tensor first",
           "topological_sort: hijos primero, cada nodo una vez, 3000 nodos de profundidad y un error ante un ciclo; "
           "sorted_computational_graph: el tensor final primero")


# ---------------------------------------------------------------------------
# Exercise 10.5: backprop
# ---------------------------------------------------------------------------


def _leaf_grad(tensor, name, what_en, what_es):
    if tensor.grad is None:
        stop(f"`backprop`: {what_en} has no .grad after backprop.",
             f"`backprop`: {what_es} no tiene .grad después de la retropropagación.", "is_leaf")
    return getattr(tensor.grad, "array", tensor.grad)


def _random_program(rng, Tensor):
    """A random graph of log and * on broadcastable shapes, with tensors used several times.

    Returns (the leaves as Tensors, their arrays, and a function that runs the same
    program on either Tensors or torch tensors, given the right log).
    """
    shapes = [(2, 3), (3,), (2, 1), (1, 3)]
    arrays = [rng.uniform(1.5, 3.0, shape) for shape in shapes]
    steps = [("log" if rng.random() < 0.3 else "mul", int(rng.integers(0, 10)), int(rng.integers(0, 10)))
             for _ in range(6)]

    def program(leaves, log):
        values = list(leaves)
        for kind, i, j in steps:
            left, right = values[i % len(values)], values[j % len(values)]
            # log(x * x): x is a parent twice, and the log is defined whatever x's sign
            values.append(log(left * left) if kind == "log" else left * right)
        out = values[-1]
        for value in values[len(leaves):-1]:    # every intermediate reaches the end
            out = out * value
        return out * leaves[0]

    return [Tensor(a.copy(), requires_grad=True) for a in arrays], arrays, program


def _scaled_up(got, expected):
    """True when got is expected times one constant larger than 1: a node's gradient was sent on more than once."""
    if got.shape != expected.shape or not np.all(np.abs(expected) > 1e-9):
        return False
    ratio = got / expected
    return bool(np.allclose(ratio, ratio.flat[0], rtol=1e-9) and ratio.flat[0] > 1 + 1e-6)


def backprop(backprop, Tensor):
    """Exercise 10.5: ``backprop(end_node, end_grad=None)`` against PyTorch."""
    import torch

    rng = np.random.default_rng(14)
    # the smallest graph: the end node is itself a leaf, and end_grad lands in its .grad
    alone = Tensor(rng.normal(size=3), requires_grad=True)
    seed = rng.normal(size=3)
    with learner_code("backprop"):
        backprop(alone, Tensor(seed))
    compare("when the end node is a leaf (its .grad is end_grad)",
            "cuando el nodo final es una hoja (su .grad es end_grad)", _leaf_grad(alone, "a", "the leaf", "la hoja"), seed,
            name="backprop")
    # ARENA's first example: log(log(a)), inner nodes get no .grad
    a = Tensor(np.array([np.e, np.e ** np.e]), requires_grad=True)
    b = a.log()
    c = b.log()
    with learner_code("backprop"):
        backprop(c, Tensor(np.array([1.0, 1.0])))
    if b.grad is not None or c.grad is not None:
        stop("`backprop` stored a .grad on an inner node (log(a) or log(log(a))): only leaves keep one.",
             "`backprop` guardó .grad en un nodo interno (log(a) o log(log(a))): solo las hojas lo guardan.",
             "is_leaf")
    compare("d log(log(a))/da", "d log(log(a))/da", _leaf_grad(a, "a", "a", "a"),
            1 / (b.array * a.array), name="backprop")

    # a leaf used twice: d = (a * 2) * (a * 1) = 2 a^2, so dd/da = 4 a; one share alone is 2 a
    a = Tensor(rng.normal(size=3), requires_grad=True)
    d = (a * 2) * (a * 1)
    with learner_code("backprop"):
        backprop(d, np.ones(3))
    got = np.asarray(_leaf_grad(a, "a", "a", "a"), dtype=float)
    compare("d((2a)(a))/da, a used twice", "d((2a)(a))/da, con a usado dos veces",
            got, 4 * a.array, {"overwrite": 2 * a.array, "visited": got if _scaled_up(got, 4 * a.array) else None},
            name="backprop")

    # a tensor that needs no gradient gets none; end_grad=None means ones
    a = Tensor(rng.normal(size=(2, 3)), requires_grad=True)
    frozen = Tensor(rng.normal(size=(3,)))
    out = a * frozen
    with learner_code("backprop"):
        backprop(out)
    if frozen.grad is not None:
        stop("`backprop` gave a .grad to a tensor with requires_grad=False.",
             "`backprop` dio .grad a un tensor con requires_grad=False.", "is_leaf")
    compare("d(a * b)/da with end_grad=None (ones)", "d(a * b)/da con end_grad=None (unos)",
            _leaf_grad(a, "a", "a", "a"), np.broadcast_to(frozen.array, (2, 3)), name="backprop")

    # a second backprop adds to the leaves' .grad
    first = np.array(_leaf_grad(a, "a", "a", "a"), dtype=float)
    out = a * frozen
    with learner_code("backprop"):
        backprop(out)
    compare("a second backprop into the same leaf (it adds, as in PyTorch)",
            "una segunda retropropagación hacia la misma hoja (se suma, como en PyTorch)",
            _leaf_grad(a, "a", "a", "a"), 2 * first, {"leaf_overwrite": first}, name="backprop")

    # random graphs with broadcasting and reuse, against PyTorch, with a random end_grad
    for k in range(6):
        leaves, arrays, program = _random_program(rng, Tensor)
        end = program(leaves, lambda t: t.log())
        end_grad = rng.normal(size=end.shape)
        with learner_code("backprop"):
            backprop(end, Tensor(end_grad))
        torch_leaves = [torch.tensor(x, requires_grad=True) for x in arrays]
        torch_end = program(torch_leaves, torch.log)
        expected = torch.autograd.grad(torch_end, torch_leaves, torch.tensor(end_grad), allow_unused=True)
        for i, (leaf, theirs) in enumerate(zip(leaves, expected)):
            if theirs is None:                  # a leaf the random program never used
                if leaf.grad is not None and np.any(getattr(leaf.grad, "array", leaf.grad)):
                    stop(f"`backprop`: leaf #{i} of random graph #{k} is not in the graph, yet got a nonzero .grad.",
                         f"`backprop`: la hoja n.º {i} del grafo aleatorio n.º {k} no está en el grafo y aun así "
                         "recibió un .grad distinto de cero.")
                continue
            theirs = theirs.numpy()
            compare(f"leaf #{i} (shape {leaf.shape}) of random graph #{k}",
                    f"hoja n.º {i} (forma {leaf.shape}) del grafo aleatorio n.º {k}",
                    _leaf_grad(leaf, str(i), f"leaf #{i}", f"la hoja n.º {i}"), theirs,
                    {"visited": 2 * theirs}, shape_why="no_unbroadcast", name="backprop")
    passed("backprop agrees with PyTorch on ARENA's graphs and 6 random graphs with reuse and broadcasting",
           "backprop coincide con PyTorch en los grafos de ARENA y en 6 grafos aleatorios con reutilización y difusión")
