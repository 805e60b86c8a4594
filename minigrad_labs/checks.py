"""One check per lab exercise: ``check.NAME(what_the_learner_wrote)``.

A check runs the learner's code on fixed and random inputs, compares it with
PyTorch (float64) and, where it teaches, finite differences, and either prints
one line starting with ✓ or stops with a short message: which gradient of which
node is wrong, expected vs got, and the likely cause. A stub still raising
``NotImplementedError`` gives "not implemented yet".

Chapters 01-04 (scalar engine, the core of the week) are in this file's first
half; chapters 05-08 (tensors, modules, training: the stretch) in the second.
"""

import functools
import math

from minigrad_labs.feedback import CheckFailed, close, fail, fmt, learner_code, passed, say, wrong_gradient
from minigrad_labs.scalar_oracle import diamond, leaf_values, oracle_grads, random_expression, torch_grads

MISTAKES = ("overwrite", "forward_order", "no_seed")


def _likely(got, candidates):
    """The first cause whose predicted value(s) match ``got``, or None."""
    for why, predicted in candidates.items():
        if isinstance(predicted, (list, tuple)):
            if len(predicted) == len(got) and all(close(g, p) for g, p in zip(got, predicted)):
                return why
        elif close(got, predicted):
            return why
    return None


# ---------------------------------------------------------------------------
# Chapter 01: graphs
# ---------------------------------------------------------------------------


def _all_nodes(root):
    """Every node reachable from root through ``_prev``, each once (iterative)."""
    seen, stack, nodes = set(), [root], []
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            nodes.append(node)
            stack.extend(node._prev)
    return nodes


def _chapter01_graphs():
    """(name, root, names) for the graphs chapter 01's checks run on."""
    from minigrad.scalar import Value

    a = Value(2.0)
    left, right = a * 3, a + 1
    out = left * right
    x = Value(-1.5)
    square = x * x
    graphs = [("diamond", out, {a: "a", left: "left", right: "right", out: "out"}),
              ("x * x", square, {x: "x", square: "x * x"})]
    for seed in range(4):
        leaves = [Value(v) for v in leaf_values(seed)]
        graphs.append((f"random #{seed}", random_expression(seed, leaves), {}))
    return graphs


def count_nodes(count_nodes):
    """Exercise 01.1: ``count_nodes(root)`` is the number of distinct nodes of the graph."""
    for name, root, _ in _chapter01_graphs():
        expected = len(_all_nodes(root))
        with learner_code("count_nodes"):
            got = count_nodes(root)
        if got != expected:
            fail(f"count_nodes on the graph {name}: expected {expected} nodes, got {got}.",
                 f"count_nodes en el grafo {name}: se esperaban {expected} nodos, se obtuvo {got}.",
                 "visited" if isinstance(got, int) and got > expected else None)
    passed("count_nodes: right on the diamond, x * x and 4 random graphs",
           "count_nodes: correcto en el diamante, x * x y 4 grafos aleatorios")


def reused_nodes(reused_nodes):
    """Exercise 01.2: ``reused_nodes(root)`` lists the nodes with two or more outgoing edges."""
    for name, root, names in _chapter01_graphs():
        uses = {}
        for node in _all_nodes(root):
            for parent in node._prev:
                uses[id(parent)] = uses.get(id(parent), 0) + 1
        expected = {i for i, n in uses.items() if n >= 2}
        with learner_code("reused_nodes"):
            got = list(reused_nodes(root))
        got_ids = {id(n) for n in got}
        if got_ids != expected or len(got) != len(got_ids):
            by_id = {id(n): n for n in _all_nodes(root)}
            describe = lambda i: names.get(by_id[i], f"data={fmt(by_id[i].data)}") if i in by_id else "?"
            missing = sorted(describe(i) for i in expected - got_ids)
            extra = sorted(describe(i) for i in got_ids - expected)
            fail(f"reused_nodes on the graph {name}: missing {missing}, wrongly included {extra}"
                 f"{', and some node listed twice' if len(got) != len(got_ids) else ''}. "
                 "A node is reused when two edges leave it (in x * x, x is a parent twice).",
                 f"reused_nodes en el grafo {name}: faltan {missing}, sobran {extra}"
                 f"{', y algún nodo aparece dos veces' if len(got) != len(got_ids) else ''}. "
                 "Un nodo se reutiliza cuando salen de él dos aristas (en x * x, x es padre dos veces).")
    passed("reused_nodes: finds every diamond", "reused_nodes: encuentra todos los diamantes")


def _check_topological(order, root, who, graph):
    nodes = _all_nodes(root)
    ids = [id(n) for n in order]
    if len(set(ids)) != len(ids):
        fail(f"{who} on {graph}: a node appears more than once.",
             f"{who} en {graph}: un nodo aparece más de una vez.", "visited")
    if set(ids) != {id(n) for n in nodes}:
        fail(f"{who} on {graph}: {len(nodes)} nodes expected, got {len(set(ids))} different ones.",
             f"{who} en {graph}: se esperaban {len(nodes)} nodos, se obtuvieron {len(set(ids))} distintos.")
    position = {i: k for k, i in enumerate(ids)}
    if any(position[id(p)] > position[id(n)] for n in nodes for p in n._prev):
        reversed_ok = all(position[id(p)] > position[id(n)] for n in nodes for p in n._prev)
        fail(f"{who} on {graph}: a node comes before one of its parents"
             f"{' (the whole list is reversed: root first)' if reversed_ok else ''}.",
             f"{who} en {graph}: un nodo va antes que uno de sus padres"
             f"{' (la lista entera está al revés: la raíz primero)' if reversed_ok else ''}.")


def topological_order(topological_order):
    """Exercise 01.3: ``topological_order(root)``, every node after its parents, no recursion."""
    from minigrad.scalar import Value

    for name, root, _ in _chapter01_graphs():
        with learner_code("topological_order"):
            order = list(topological_order(root))
        _check_topological(order, root, "topological_order", name)
    node = Value(1.0)
    for _ in range(5_000):
        node = node * 1.0
    with learner_code("topological_order"):
        order = list(topological_order(node))
    _check_topological(order, node, "topological_order", "a chain 5,000 deep")
    passed("topological_order: parents first, each node once, 5,000 deep without recursion",
           "topological_order: padres primero, cada nodo una vez, 5.000 de profundidad sin recursión")


# ---------------------------------------------------------------------------
# Chapter 02: backward functions
# ---------------------------------------------------------------------------


def _torch_local(fn, values, upstream):
    """d/d(values) of fn(*values) times ``upstream``, by PyTorch in float64."""
    import torch

    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    grads = torch.autograd.grad(fn(*leaves), leaves, torch.tensor(upstream, dtype=torch.float64))
    return [g.item() for g in grads]


def _check_rule(name, rule, torch_fn, points, input_names, extra=lambda *a: {}):
    """Compare a backward function rule(grad_out, *inputs) with PyTorch at several points."""
    for upstream in (1.0, -0.7, 2.5):
        for values in points:
            expected = _torch_local(torch_fn, values, upstream)
            with learner_code(name):
                got = rule(upstream, *values)
            got = list(got) if isinstance(got, (tuple, list)) else [got]
            if len(got) != len(expected):
                fail(f"{name} must return {len(expected)} gradient(s), one per input; it returned {len(got)}.",
                     f"{name} debe devolver {len(expected)} gradiente(s), uno por entrada; devolvió {len(got)}.")
            for i, (g, e) in enumerate(zip(got, expected)):
                if not close(g, e):
                    local = e / upstream
                    candidates = {"no_upstream": local, "sign": -e, **extra(i, upstream, *values)}
                    where = ", ".join(f"{n}={fmt(v)}" for n, v in zip(input_names, values))
                    wrong_gradient(f"for {input_names[i]} in {name}(grad_out={fmt(upstream)}, {where})",
                                   f"de {input_names[i]} en {name}(grad_out={fmt(upstream)}, {where})",
                                   e, g, None if upstream == 1.0 and "no_upstream" == _likely(g, candidates)
                                   else _likely(g, candidates))


def divide_backward(divide_backward):
    """Exercise 02.1: ``divide_backward(grad_out, x, y)`` for out = x / y."""
    _check_rule("divide_backward", divide_backward, lambda x, y: x / y,
                [(1.5, -0.4), (-2.0, 3.0), (0.3, 0.9)], ["x", "y"])
    passed("divide_backward agrees with PyTorch", "divide_backward coincide con PyTorch")


def sigmoid_backward(sigmoid_backward):
    """Exercise 02.2: ``sigmoid_backward(grad_out, x)``."""
    import torch

    def extra(i, upstream, x):
        s = 1 / (1 + math.exp(-x))
        return {"no_upstream": s * (1 - s)}

    _check_rule("sigmoid_backward", sigmoid_backward, torch.sigmoid,
                [(1.5,), (-2.0,), (0.0,), (4.0,)], ["x"], extra)
    passed("sigmoid_backward agrees with PyTorch", "sigmoid_backward coincide con PyTorch")


def two_paths_backward(two_paths_backward):
    """Exercise 02.3: ``two_paths_backward(grad_out, x)`` for y = x * exp(x), both paths."""
    import torch

    def extra(i, upstream, x):
        return {"one_path": upstream * math.exp(x), "sign": upstream * x * math.exp(x)}

    _check_rule("two_paths_backward", two_paths_backward, lambda x: x * torch.exp(x),
                [(0.5,), (-1.2,), (2.0,)], ["x"], extra)
    passed("two_paths_backward: both paths summed, as PyTorch",
           "two_paths_backward: los dos caminos sumados, como PyTorch")


# ---------------------------------------------------------------------------
# Chapter 03: the learner's own Value
# ---------------------------------------------------------------------------


def _local_rule(Value, label, make, values, derivs, extra=None):
    """Check one op of the learner's Value: its forward number and its ``_backward`` alone.

    Every input starts with a gradient that is not 0 (as if another use had already
    reported back) and the output's gradient is not 1, so ``=`` instead of ``+=`` and
    a forgotten ``out.grad`` both show.
    """
    nodes = [Value(v) for v in values]
    with learner_code(f"Value: {label}"):
        out = make(*nodes)
    expected_data = make(*values)
    if not close(getattr(out, "data", None), expected_data):
        fail(f"{label}: forward value expected {fmt(expected_data)}, got {fmt(getattr(out, 'data', out))}.",
             f"{label}: valor hacia delante esperado {fmt(expected_data)}, obtenido {fmt(getattr(out, 'data', out))}.")
    for i, node in enumerate(nodes):
        if not any(p is node for p in getattr(out, "_prev", ())):
            fail(f"{label}: the output's _prev does not hold input {i + 1}: the graph loses an edge.",
                 f"{label}: el _prev de la salida no contiene la entrada {i + 1}: el grafo pierde una arista.")
    priors = [0.5, -0.25][: len(nodes)]
    upstream = 1.75
    for node, prior in zip(nodes, priors):
        node.grad = prior
    out.grad = upstream
    with learner_code(f"Value: {label}, _backward"):
        out._backward()
    names = ["x", "y"]
    for i, (node, prior, d) in enumerate(zip(nodes, priors, derivs)):
        expected = prior + d * upstream
        if not close(node.grad, expected):
            candidates = {"overwrite": d * upstream, "sign": prior - d * upstream,
                          "no_upstream": prior + d}
            candidates.update((extra or {}).get(i, {}))
            wrong_gradient(f"of {names[i]} after {label}._backward() (x.grad started at {fmt(prior)}, out.grad = {fmt(upstream)})".replace("x.grad", f"{names[i]}.grad"),
                           f"de {names[i]} tras {label}._backward() ({names[i]}.grad empezó en {fmt(prior)}, out.grad = {fmt(upstream)})",
                           expected, node.grad, _likely(node.grad, candidates))


def _reuse(Value, label, make, x_value, deriv):
    """x used twice in one op (x + x, x * x): both shares must add up."""
    x = Value(x_value)
    with learner_code(label):
        out = make(x)
    out.grad = 1.0
    out._backward()
    if not close(x.grad, deriv):
        wrong_gradient(f"of x in {label} (x is both inputs)", f"de x en {label} (x es las dos entradas)",
                       deriv, x.grad, "overwrite" if close(x.grad, deriv / 2) else None)


def value_add_mul(Value, quiet=False):
    """Exercise 03.1: the learner's ``Value`` with ``+`` and ``*`` and their backward rules."""
    x, y = 1.5, -2.0
    _local_rule(Value, "x + y", lambda a, b: a + b, (x, y), (1.0, 1.0))
    _local_rule(Value, "x * y", lambda a, b: a * b, (x, y), (y, x),
                {0: {"own_factor": 0.5 + x * 1.75}, 1: {"own_factor": -0.25 + y * 1.75}})
    _local_rule(Value, "x + 2", lambda a: a + 2.0, (x,), (1.0,))
    _local_rule(Value, "x * 3", lambda a: a * 3.0, (x,), (3.0,))
    _reuse(Value, "x + x", lambda a: a + a, x, 2.0)
    _reuse(Value, "x * x", lambda a: a * a, x, 2 * x)
    if not quiet:
        passed("Value: + and * and their backward rules agree with the chain rule",
               "Value: + y * y sus reglas hacia atrás cumplen la regla de la cadena")


def value_unary(Value, quiet=False):
    """Exercise 03.2: ``**`` (a number exponent), exp, tanh and relu, with their backward rules."""
    x = -1.3
    _local_rule(Value, "x ** 3", lambda a: a**3, (x,), (3 * x**2,),
                {0: {"pow_exponent": 0.5 + 3 * x**3 * 1.75, "pow_factor": 0.5 + x**2 * 1.75}})
    _local_rule(Value, "x ** 0.5", lambda a: a**0.5, (2.0,), (0.5 * 2.0**-0.5,))
    _local_rule(Value, "x.exp()", lambda a: a.exp() if not isinstance(a, float) else math.exp(a),
                (0.7,), (math.exp(0.7),))
    t = math.tanh(0.8)
    _local_rule(Value, "x.tanh()", lambda a: a.tanh() if not isinstance(a, float) else math.tanh(a),
                (0.8,), (1 - t * t,),
                {0: {"tanh_square": 0.5 + (1 - t) * 1.75, "tanh_input": 0.5 + (1 - 0.64) * 1.75}})
    for v in (-0.6, 0.9):
        _local_rule(Value, "x.relu()", lambda a: a.relu() if not isinstance(a, float) else max(a, 0.0),
                    (v,), (1.0 if v > 0 else 0.0,),
                    {0: {"relu_side": 0.5 + (0.0 if v > 0 else 1.75)}})
    if not quiet:
        passed("Value: **, exp, tanh and relu and their backward rules agree with the chain rule",
               "Value: **, exp, tanh y relu y sus reglas hacia atrás cumplen la regla de la cadena")


def _diagnose(expression, values, got, root=None):
    """The mistake that explains a learner's leaf gradients, by rerunning it planted in the oracle."""
    if root is not None and not close(getattr(root, "grad", None), 1.0):
        return "no_seed"
    mistakes = [m for m in MISTAKES if m != "no_seed" or root is None]
    return _likely(got, {m: oracle_grads(expression, values, m) for m in mistakes})


def _compare_leaves(label_en, label_es, names, values, got, expected, expression, root=None):
    for name, g, e in zip(names, got, expected):
        if not close(g, e):
            wrong_gradient(f"dL/d{name} in {label_en}", f"dL/d{name} en {label_es}",
                           e, g, _diagnose(expression, values, got, root))


def diamond_by_hand(diamond_by_hand):
    """Exercise 03.3: run each ``_backward()`` by hand, in reverse topological order, on the diamond."""
    with learner_code("diamond_by_hand"):
        a, b, c = diamond_by_hand()
    got = [a.grad, b.grad, c.grad]
    _compare_leaves("the diamond L = (a*b + c)*(a - c) at (2, 3, 4)",
                    "el diamante L = (a*b + c)*(a - c) en (2, 3, 4)",
                    "abc", (2.0, 3.0, 4.0), got, [4.0, -4.0, -12.0], diamond)
    passed("diamond by hand: dL/da = 4, dL/db = -4, dL/dc = -12",
           "diamante a mano: dL/da = 4, dL/db = -4, dL/dc = -12")


# ---------------------------------------------------------------------------
# Chapter 04: the engine
# ---------------------------------------------------------------------------


def _engine_cases(make_leaf, run_backward, who, seeds=range(8)):
    """The diamond, random expressions (against PyTorch) and a deep chain, through run_backward."""
    values = (2.0, 3.0, 4.0)
    a, b, c = (make_leaf(v) for v in values)
    L = diamond(a, b, c)
    with learner_code(who):
        run_backward(L)
    _compare_leaves("the diamond L = (a*b + c)*(a - c) at (2, 3, 4)",
                    "el diamante L = (a*b + c)*(a - c) en (2, 3, 4)",
                    "abc", values, [a.grad, b.grad, c.grad], [4.0, -4.0, -12.0], diamond, L)
    for seed in seeds:
        values = leaf_values(seed)
        leaves = [make_leaf(v) for v in values]
        with learner_code(who):
            out = random_expression(seed, leaves)
            run_backward(out)
        t_out, expected = torch_grads(lambda *xs: random_expression(seed, xs), values)
        if not close(out.data, t_out):
            fail(f"random expression #{seed}: forward value {fmt(out.data)}, PyTorch {fmt(t_out)}.",
                 f"expresión aleatoria n.º {seed}: valor hacia delante {fmt(out.data)}, PyTorch {fmt(t_out)}.")
        names = [f"x{i}" for i in range(len(values))]
        _compare_leaves(f"random expression #{seed} (leaves {values})",
                        f"la expresión aleatoria n.º {seed} (hojas {values})",
                        names, values, [x.grad for x in leaves], expected,
                        lambda *xs: random_expression(seed, xs), out)
    start = make_leaf(1.0)
    node = start
    for _ in range(3_000):
        node = node * 1.0 + 0.0
    with learner_code(who):
        run_backward(node)
    if not close(start.grad, 1.0):
        wrong_gradient("of the first node of a chain 6,000 nodes deep",
                       "del primer nodo de una cadena de 6.000 nodos", 1.0, start.grad)


def backward(backward):
    """Exercise 04.1: ``backward(root)``: sort, seed, run every ``_backward()`` in reverse."""
    from minigrad.scalar import Value

    _engine_cases(Value, backward, "backward")
    passed("backward: the diamond gives 4, -4, -12 and 8 random expressions agree with PyTorch",
           "backward: el diamante da 4, -4, -12 y 8 expresiones aleatorias coinciden con PyTorch")


def engine(Value):
    """Exercise 04.2: the learner's whole scalar engine, ``Value`` with ``.backward()``."""
    value_add_mul(Value, quiet=True)
    value_unary(Value, quiet=True)
    _engine_cases(Value, lambda root: root.backward(), "Value.backward")
    passed("your engine: every op, the diamond (4, -4, -12), 8 random expressions as PyTorch, 6,000 nodes deep",
           "tu motor: cada operación, el diamante (4, -4, -12), 8 expresiones aleatorias como PyTorch, 6.000 nodos de profundidad")


# ---------------------------------------------------------------------------
# Chapters 05-06: tensors, broadcasting, checking gradients
# ---------------------------------------------------------------------------


def _np():
    import numpy as np

    return np


def _leaf(array):
    """A float64 minigrad leaf that wants a gradient, and its PyTorch twin."""
    import torch
    from minigrad.tensor import Tensor

    array = _np().asarray(array, dtype=_np().float64)
    return Tensor(array.copy(), requires_grad=True), torch.tensor(array.copy(), requires_grad=True)


def _compare_array(what_en, what_es, got, expected, why_candidates=None, tol=1e-10):
    """Compare a gradient array with the expected one: shape first, then values."""
    np = _np()
    if got is None:
        fail(f"{what_en}: no gradient (None).", f"{what_es}: sin gradiente (None).")
    got = np.asarray(got)
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        fail(f"{what_en} has shape {got.shape}, expected {expected.shape}.",
             f"{what_es} tiene forma {got.shape}, se esperaba {expected.shape}.",
             (why_candidates or {}).get("shape"))
    if not np.allclose(got, expected, rtol=tol, atol=tol):
        i = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape) if got.ndim else ()
        why = None
        for key, predicted in (why_candidates or {}).items():
            if key != "shape" and np.shape(predicted) == got.shape and np.allclose(got, predicted, rtol=tol, atol=tol):
                why = key
                break
        where = f"[{', '.join(map(str, i))}]" if got.ndim else ""
        wrong_gradient(f"{what_en}{', entry ' + where if where else ''}",
                       f"{what_es}{', elemento ' + where if where else ''}", expected[i], got[i], why)


def unbroadcast(unbroadcast):
    """Exercise 05.1: ``unbroadcast(grad, shape)`` sums grad back to an input's shape."""
    import torch

    np = _np()
    rng = np.random.default_rng(5)
    cases = [((4, 3), (3,)), ((4, 3), (4, 1)), ((2, 4, 3), (2, 1, 3)), ((2, 4, 3), (4, 1)),
             ((2, 2), ()), ((3,), (3,)), ((5, 1, 4), (1, 1, 4))]
    for grad_shape, shape in cases:
        grad = rng.standard_normal(grad_shape)
        before = grad.copy()
        expected = torch.from_numpy(grad.copy()).sum_to_size(shape).numpy()
        with learner_code("unbroadcast"):
            got = unbroadcast(grad, shape)
        if not np.array_equal(grad, before):
            fail("unbroadcast changed the array it was given: sum into a new array instead.",
                 "unbroadcast cambió el array que recibió: suma en un array nuevo.")
        got = np.asarray(got)
        shape_why = "no_unbroadcast" if got.shape == grad_shape else None
        if got.shape != shape and got.size == expected.size:
            fail(f"the gradient of an input of shape {shape} (stretched to {grad_shape}) has shape {got.shape}: "
                 "right numbers, wrong shape. Keep the size-1 axes (keepdims=True) and drop only the added ones.",
                 f"el gradiente de una entrada de forma {shape} (estirada a {grad_shape}) tiene forma {got.shape}: "
                 "números correctos, forma errónea. Conserva los ejes de tamaño 1 (keepdims=True) y quita solo los añadidos.")
        _compare_array(f"of an input of shape {shape} stretched to {grad_shape}",
                       f"de una entrada de forma {shape} estirada a {grad_shape}",
                       got, expected, {"shape": shape_why})
    passed("unbroadcast: 7 shapes, as PyTorch's sum_to_size", "unbroadcast: 7 formas, como sum_to_size de PyTorch")


def broadcast_rule(broadcast_rule):
    """Exercise 05.2: ``broadcast_rule(p_shape, q_shape)`` -> (out_shape, p_axes, q_axes) or None."""
    import torch

    pairs = [((2, 1, 3), (4, 1)), ((5, 4), (4,)), ((5, 4), (5,)), ((), (2, 2)), ((3, 1, 1), (1, 2, 1)),
             ((3,), (3,)), ((2, 3), (3, 2)), ((1,), (6, 1, 5))]
    for p_shape, q_shape in pairs:
        with learner_code("broadcast_rule"):
            got = broadcast_rule(p_shape, q_shape)
        try:
            out_shape = tuple(torch.broadcast_shapes(p_shape, q_shape))
        except RuntimeError:
            if got is not None:
                fail(f"{p_shape} and {q_shape} do not broadcast (compare the sizes from the right), "
                     f"so the answer is None; got {got}.",
                     f"{p_shape} y {q_shape} no se pueden difundir (compara los tamaños desde la derecha), "
                     f"así que la respuesta es None; se obtuvo {got}.")
            continue
        if got is None:
            fail(f"{p_shape} and {q_shape} do broadcast, to {out_shape}; got None.",
                 f"{p_shape} y {q_shape} sí se pueden difundir, a {out_shape}; se obtuvo None.")
        got_shape, p_axes, q_axes = got
        if tuple(got_shape) != out_shape:
            fail(f"{p_shape} with {q_shape}: the output has shape {out_shape}, got {tuple(got_shape)}.",
                 f"{p_shape} con {q_shape}: la salida tiene forma {out_shape}, se obtuvo {tuple(got_shape)}.")
        for name, shape, axes in (("p", p_shape, p_axes), ("q", q_shape, q_axes)):
            padded = (1,) * (len(out_shape) - len(shape)) + tuple(shape)
            expected = [i for i, (o, s) in enumerate(zip(out_shape, padded)) if o != s]
            if sorted(axes) != expected:
                fail(f"{p_shape} with {q_shape}: the gradient of {name} {shape} is summed over the output axes "
                     f"{expected} (added in front, or size 1 stretched), got {sorted(axes)}.",
                     f"{p_shape} con {q_shape}: el gradiente de {name} {shape} se suma sobre los ejes de salida "
                     f"{expected} (añadidos delante, o de tamaño 1 estirados), se obtuvo {sorted(axes)}.",
                     "no_unbroadcast")
    passed("broadcast_rule: 8 pairs of shapes, as torch.broadcast_shapes",
           "broadcast_rule: 8 pares de formas, como torch.broadcast_shapes")


def _function_against_torch(name, op, torch_op, shapes, seed, derivative=None, scale=1.0):
    """(op(a) * w).sum() through the learner's Function vs PyTorch, with a broadcast weight."""
    np = _np()
    rng = np.random.default_rng(seed)
    for shape in shapes:
        a_data = rng.standard_normal(shape) * scale
        w_data = rng.standard_normal(shape[-1:])
        (a, ta), (w, tw) = _leaf(a_data), _leaf(w_data)
        with learner_code(name):
            out = op(a)
            (out * w).sum().backward()
        (torch_op(ta) * tw).sum().backward()
        _compare_array(f"output of {name}", f"salida de {name}", out.data, torch_op(ta).detach().numpy())
        upstream = np.broadcast_to(w_data, shape)
        candidates = {}
        if derivative is not None:
            local = derivative(a_data)
            candidates = {"no_upstream": local, "sign": -local * upstream}
        _compare_array(f"of a (shape {shape}) through {name}", f"de a (forma {shape}) a través de {name}",
                       a.grad, ta.grad.numpy(), candidates)
        _compare_array(f"of the weight w (shape {w_data.shape}) after {name}",
                       f"del peso w (forma {w_data.shape}) tras {name}", w.grad, tw.grad.numpy())


def cube(Cube):
    """Exercise 05.3: ``Cube(Function)``, a**3 elementwise, inside a broadcast."""
    _function_against_torch("Cube", lambda t: Cube.apply(t), lambda t: t**3, [(2, 3), (4,)], 6,
                            lambda a: 3 * a**2)
    passed("Cube: value and gradients as PyTorch, inside a broadcast",
           "Cube: valor y gradientes como PyTorch, dentro de una difusión")


def numerical_grad(my_numerical_grad):
    """Exercise 06.1: ``my_numerical_grad(f, x, eps=1e-6)``, central differences per entry."""
    np = _np()
    x_data = np.random.default_rng(11).standard_normal((3, 2))
    x, tx = _leaf(x_data)
    (tx.tanh() * tx).sum().backward()
    f = lambda v: float(np.sum(np.tanh(v) * v))
    given = x_data.copy()
    with learner_code("my_numerical_grad"):
        numeric = my_numerical_grad(f, given)
    if not np.array_equal(given, x_data):
        fail("my_numerical_grad left x changed: put each entry back after nudging it.",
             "my_numerical_grad dejó x cambiado: devuelve cada elemento a su valor tras moverlo.")
    forward = np.zeros_like(x_data)
    for i in np.ndindex(x_data.shape):
        bumped = x_data.copy()
        bumped[i] += 1e-6
        forward[i] = (f(bumped) - f(x_data)) / 1e-6
    if np.shape(numeric) == x_data.shape and np.allclose(numeric, forward, rtol=0, atol=1e-12) \
            and not np.allclose(numeric, tx.grad.numpy(), rtol=0, atol=1e-9):
        fail("my_numerical_grad looks like a forward difference (f(x + eps) - f(x)) / eps: "
             "its error is O(eps). Use the central difference (f(x + eps) - f(x - eps)) / (2 eps).",
             "my_numerical_grad parece una diferencia hacia delante (f(x + eps) - f(x)) / eps: "
             "su error es O(eps). Usa la diferencia central (f(x + eps) - f(x - eps)) / (2 eps).")
    _compare_array("∂f/∂x by central differences", "∂f/∂x por diferencias centrales",
                   numeric, tx.grad.numpy(), tol=1e-7)
    passed("my_numerical_grad agrees with PyTorch's backward to 1e-7",
           "my_numerical_grad coincide con el backward de PyTorch hasta 1e-7")


def _gradcheck_passes(fn, data):
    from minigrad.gradcheck import GradcheckError, gradcheck
    from minigrad.tensor import Tensor

    try:
        return gradcheck(fn, [Tensor(data.copy(), requires_grad=True)])
    except GradcheckError:
        return False


def softplus(Softplus):
    """Exercise 06.2: ``Softplus(Function)``, log(1 + e^x), whose derivative is the sigmoid."""
    import torch

    np = _np()
    data = np.random.default_rng(12).standard_normal((2, 3)) * 3
    with learner_code("Softplus"):
        ok = _gradcheck_passes(lambda t: Softplus.apply(t), data)
    _function_against_torch("Softplus", lambda t: Softplus.apply(t), torch.nn.functional.softplus,
                            [(2, 3), (5,)], 12, lambda a: 1 / (1 + np.exp(-a)), scale=3.0)
    if not ok:
        fail("Softplus fails minigrad.gradcheck.", "Softplus no pasa minigrad.gradcheck.")
    passed("Softplus: passes gradcheck and agrees with PyTorch's softplus",
           "Softplus: pasa gradcheck y coincide con el softplus de PyTorch")


def leaky_relu(FixedLeakyReLU):
    """Exercise 06.3: the fixed ``LeakyReLU`` (slope 0.1 for x <= 0) passes gradcheck and PyTorch."""
    import torch

    np = _np()
    _function_against_torch("FixedLeakyReLU", lambda t: FixedLeakyReLU.apply(t),
                            lambda t: torch.nn.functional.leaky_relu(t, 0.1), [(8,), (3, 4)], 13)
    data = np.random.default_rng(13).standard_normal(8)
    with learner_code("FixedLeakyReLU"):
        ok = _gradcheck_passes(lambda t: FixedLeakyReLU.apply(t), data)
    if not ok:
        fail("FixedLeakyReLU fails minigrad.gradcheck.", "FixedLeakyReLU no pasa minigrad.gradcheck.")
    passed("FixedLeakyReLU: passes gradcheck on inputs of both signs, agrees with PyTorch",
           "FixedLeakyReLU: pasa gradcheck con entradas de los dos signos, coincide con PyTorch")


# ---------------------------------------------------------------------------
# Chapters 07-08: modules and training (the stretch of the week)
# ---------------------------------------------------------------------------


def _copy_from_torch(module, torch_module):
    """Copy every torch parameter into the learner's parameter with the same name."""
    theirs = dict(torch_module.named_parameters())
    ours = dict(module.named_parameters())
    if list(ours) != list(theirs):
        fail(f"parameter names {list(ours)}, expected {list(theirs)} (as torch.nn names them).",
             f"nombres de parámetros {list(ours)}, se esperaban {list(theirs)} (como los nombra torch.nn).")
    for name, param in ours.items():
        param.data = theirs[name].detach().numpy().copy()


def _compare_params(model, torch_model, what="grad"):
    theirs = dict(torch_model.named_parameters())
    for name, param in model.named_parameters():
        ours = getattr(param, what)
        expected = theirs[name].grad if what == "grad" else theirs[name]
        _compare_array(f"of parameter {name}" if what == "grad" else f"(value) of parameter {name}",
                       f"del parámetro {name}" if what == "grad" else f"(valor) del parámetro {name}",
                       ours, expected.detach().numpy())


def sequential(MySequential, MyReLU, MyLinear):
    """Exercise 07.1: ``MySequential`` registers its modules as "0", "1", ... and applies them in order."""
    import torch
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    np = _np()
    rng = np.random.default_rng(3)
    x, targets = rng.normal(size=(16, 64)), rng.integers(0, 10, size=16)
    torch.manual_seed(0)
    reference = torch.nn.Sequential(torch.nn.Linear(64, 32, dtype=torch.float64), torch.nn.ReLU(),
                                    torch.nn.Linear(32, 10, dtype=torch.float64))
    with learner_code("MySequential"):
        model = MySequential(MyLinear(64, 32, rng), MyReLU(), MyLinear(32, 10, rng))
        _copy_from_torch(model, reference)
        loss = F.cross_entropy(model(Tensor(x)), targets)
        loss.backward()
    t_loss = torch.nn.functional.cross_entropy(reference(torch.tensor(x)), torch.tensor(targets))
    t_loss.backward()
    if not close(loss.item(), t_loss.item(), 1e-10):
        fail(f"loss {fmt(loss.item())}, PyTorch {fmt(t_loss.item())}: are the modules applied in order?",
             f"pérdida {fmt(loss.item())}, PyTorch {fmt(t_loss.item())}: ¿se aplican los módulos en orden?")
    _compare_params(model, reference)
    passed("MySequential: names, loss and every gradient as torch.nn.Sequential",
           "MySequential: nombres, pérdida y cada gradiente como torch.nn.Sequential")


def register(MyModule2, MyLinear, MyParameter):
    """Exercise 07.2: ``MyModule2.__setattr__`` forgets what a name held before."""
    import torch

    np = _np()

    class Linear2(MyModule2, MyLinear):      # MyLinear's layer, with the learner's register
        pass

    with learner_code("MyModule2"):
        fixed = Linear2(4, 3, np.random.default_rng(4))
        fixed.bias = None
        names = [name for name, _ in fixed.named_parameters()]
    reference = torch.nn.Linear(4, 3, dtype=torch.float64)
    reference.bias = None
    expected = [name for name, _ in reference.named_parameters()]
    if names != expected:
        fail(f"after `layer.bias = None`, named_parameters() lists {names}; torch.nn lists {expected}. "
             "The register still holds the old bias: forget `name` in both registers first.",
             f"tras `layer.bias = None`, named_parameters() da {names}; torch.nn da {expected}. "
             "El registro aún guarda el sesgo viejo: olvida primero `name` en los dos registros.")
    with learner_code("MyModule2"):
        fixed.bias = MyParameter(np.zeros(3))
        names = [name for name, _ in fixed.named_parameters()]
    if names != ["weight", "bias"]:
        fail(f"after registering a new bias, named_parameters() lists {names}, expected ['weight', 'bias'].",
             f"tras registrar un sesgo nuevo, named_parameters() da {names}, se esperaba ['weight', 'bias'].")
    passed("MyModule2: the register follows the attributes, as torch.nn",
           "MyModule2: el registro sigue a los atributos, como torch.nn")


def twice(Twice):
    """Exercise 07.3: one layer used twice: one parameter, the gradient summed over both uses."""
    import torch
    from minigrad.tensor import Tensor

    np = _np()
    with learner_code("Twice"):
        model = Twice()
        n = len(model.parameters())
    if n != 2:
        fail(f"Twice().parameters() lists {n} parameters; one weight and one bias, however often they are used.",
             f"Twice().parameters() da {n} parámetros; un peso y un sesgo, por muchas veces que se usen.")
    torch.manual_seed(0)
    reference = torch.nn.Linear(8, 8, dtype=torch.float64)
    _copy_from_torch(model.layer, reference)
    x8 = np.random.default_rng(5).normal(size=(6, 8))
    with learner_code("Twice"):
        (model(Tensor(x8)) ** 2).sum().backward()
    (reference(reference(torch.tensor(x8)).tanh()) ** 2).sum().backward()
    _compare_params(model.layer, reference)
    passed("Twice: one shared weight, its gradient summed over both uses, as PyTorch",
           "Twice: un peso compartido, su gradiente sumado sobre los dos usos, como PyTorch")


@functools.lru_cache(maxsize=1)
def _digits():
    """sklearn's 8x8 digits, scaled to 0..1, split as chapter 08 splits them."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    return train_test_split(digits.data / 16.0, digits.target, test_size=0.25,
                            stratify=digits.target, random_state=0)


def _torch_twin(model):
    """A torch.nn.Sequential with the same Linear/ReLU layers and a float64 copy of the weights."""
    import torch
    from minigrad import nn

    layers = [torch.nn.Linear(m.in_features, m.out_features, dtype=torch.float64)
              if isinstance(m, nn.Linear) else torch.nn.ReLU() for m in model]
    twin = torch.nn.Sequential(*layers)
    ours = dict(model.named_parameters())
    with torch.no_grad():
        for name, param in twin.named_parameters():
            param.copy_(torch.from_numpy(ours[name].data.astype(_np().float64)))
    return twin


def train_step(train_step):
    """Exercise 08.1: ``train_step(model, optimizer, xb, yb)``: zero, forward, loss, backward, step."""
    import torch
    from minigrad import nn, optim

    X_train, _, y_train, _ = _digits()
    nn.manual_seed(1)
    model = nn.MLP([64, 16, 10], dtype=_np().float64)
    twin = _torch_twin(model)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    their_optimizer = torch.optim.SGD(twin.parameters(), lr=0.1)
    for step, start in enumerate((0, 32)):
        xb, yb = X_train[start:start + 32], y_train[start:start + 32]
        with learner_code("train_step"):
            loss = train_step(model, optimizer, xb, yb)
        their_optimizer.zero_grad()
        their_loss = torch.nn.functional.cross_entropy(twin(torch.tensor(xb)), torch.tensor(yb))
        their_loss.backward()
        their_optimizer.step()
        if not isinstance(loss, float):
            fail(f"train_step must return the loss as a Python float (loss.item()), got {type(loss).__name__}.",
                 f"train_step debe devolver la pérdida como float de Python (loss.item()), se obtuvo {type(loss).__name__}.")
        if not close(loss, their_loss.item(), 1e-10):
            fail(f"step {step + 1}: loss {fmt(loss)}, PyTorch {fmt(their_loss.item())}.",
                 f"paso {step + 1}: pérdida {fmt(loss)}, PyTorch {fmt(their_loss.item())}.")
        theirs = dict(twin.named_parameters())
        for name, param in model.named_parameters():
            if not _np().allclose(param.data, theirs[name].detach().numpy(), rtol=1e-10, atol=1e-12):
                fail(f"after step {step + 1} the weights of {name} differ from PyTorch's.",
                     f"tras el paso {step + 1} los pesos de {name} difieren de los de PyTorch.",
                     "no_zero_grad" if step == 1 else None)
    passed("train_step: two SGD steps, the same weights as PyTorch",
           "train_step: dos pasos de SGD, los mismos pesos que PyTorch")


def cross_entropy(my_cross_entropy):
    """Exercise 08.2: a stable ``my_cross_entropy(logits, targets)`` from elementary operations."""
    import torch
    from minigrad.tensor import Tensor

    np = _np()
    rng = np.random.default_rng(0)
    extreme = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    cases = {"ordinary": (rng.normal(size=(8, 10)), rng.integers(0, 10, size=8)),
             "±1000": (extreme, np.array([0, 2]))}
    for label, (logits_np, targets_np) in cases.items():
        logits = Tensor(logits_np.copy(), requires_grad=True)
        with learner_code("my_cross_entropy"):
            loss = my_cross_entropy(logits, targets_np)
            if loss._op in ("cross_entropy", "log_softmax", ""):
                fail("build my_cross_entropy from elementary operations (max, exp, sum, log, indexing, mean).",
                     "construye my_cross_entropy con operaciones elementales (max, exp, sum, log, indexación, mean).")
            loss.backward()
        tlogits = torch.tensor(logits_np, requires_grad=True)
        tloss = torch.nn.functional.cross_entropy(tlogits, torch.tensor(targets_np))
        tloss.backward()
        if not (np.isfinite(loss.item()) and close(loss.item(), tloss.item(), 1e-9)):
            fail(f"{label} logits: loss {fmt(loss.item())}, PyTorch {fmt(tloss.item())}"
                 f"{' (subtract the largest logit of each row before exp)' if not np.isfinite(loss.item()) else ''}.",
                 f"logits {label}: pérdida {fmt(loss.item())}, PyTorch {fmt(tloss.item())}"
                 f"{' (resta el mayor logit de cada fila antes de exp)' if not np.isfinite(loss.item()) else ''}.")
        _compare_array(f"of the logits ({label})", f"de los logits ({label})", logits.grad, tlogits.grad.numpy())
    passed("my_cross_entropy: stable at ±1000, value and gradient as PyTorch",
           "my_cross_entropy: estable en ±1000, valor y gradiente como PyTorch")


def _train(model, optimizer, X, y, epochs, batch_size=32, seed=0):
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    shuffle = _np().random.default_rng(seed)
    for _ in range(epochs):
        order = shuffle.permutation(len(X))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(Tensor(X[batch])), y[batch])
            loss.backward()
            optimizer.step()
    return loss.item()


def _accuracy(model, X, y):
    from minigrad.tensor import Tensor, no_grad

    with no_grad():
        return float((model(Tensor(X)).data.argmax(axis=1) == y).mean())


def my_sgd(MySGD, epochs=20, target=0.95):
    """Exercise 08.3: ``MySGD(params, lr)`` trains exactly as ``optim.SGD``; returns the test accuracy."""
    from minigrad import nn, optim

    X_train, X_test, y_train, y_test = _digits()
    runs = []
    for optimizer_class in (optim.SGD, MySGD):
        nn.manual_seed(0)
        model = nn.MLP([64, 64, 10], dtype=_np().float64)
        with learner_code("MySGD"):
            _train(model, optimizer_class(model.parameters(), lr=0.1), X_train, y_train, epochs)
        runs.append(model)
    for (name, a), (_, b) in zip(runs[1].named_parameters(), runs[0].named_parameters()):
        if not _np().allclose(a.data, b.data, rtol=1e-12, atol=1e-12):
            fail(f"after {epochs} epochs the weights {name} differ from those trained by optim.SGD.",
                 f"tras {epochs} épocas los pesos {name} difieren de los entrenados con optim.SGD.",
                 "no_zero_grad")
    acc = _accuracy(runs[1], X_test, y_test)
    if acc < target:
        fail(f"test accuracy {acc:.1%}, expected at least {target:.0%}.",
             f"exactitud en el test {acc:.1%}, se esperaba al menos {target:.0%}.")
    passed(f"MySGD: the same weights as optim.SGD after {epochs} epochs; test accuracy {acc:.1%}",
           f"MySGD: los mismos pesos que optim.SGD tras {epochs} épocas; exactitud en el test {acc:.1%}")
    return acc


def digits_from_scratch(TinyMLP, MySGD, epochs=20, target=0.93):
    """Exercise 08.4 (stretch goal): the learner's own MLP and optimizer learn the digits.

    The gradients of the learner's model are checked against central differences on a
    few random weights first (no PyTorch twin: the architecture is the learner's).
    Returns the test accuracy.
    """
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    np = _np()
    X_train, X_test, y_train, y_test = _digits()
    with learner_code("TinyMLP"):
        model = TinyMLP(64, 32, 10, np.random.default_rng(0))
        params = list(model.parameters())
        logits = model(Tensor(X_train[:16]))
    if not params or tuple(logits.shape) != (16, 10):
        fail(f"TinyMLP(64, 32, 10, rng) must have parameters and map a batch (16, 64) to logits (16, 10); "
             f"got {len(params)} parameters and logits of shape {tuple(logits.shape)}.",
             f"TinyMLP(64, 32, 10, rng) debe tener parámetros y llevar un lote (16, 64) a logits (16, 10); "
             f"se obtuvieron {len(params)} parámetros y logits de forma {tuple(logits.shape)}.")
    loss_of = lambda: F.cross_entropy(model(Tensor(X_train[:16])), y_train[:16]).item()
    for p in params:
        p.grad = None
    F.cross_entropy(model(Tensor(X_train[:16])), y_train[:16]).backward()
    rng = np.random.default_rng(1)
    for k, p in enumerate(params):
        i = tuple(rng.integers(0, s) for s in p.data.shape)
        original = p.data[i]
        p.data[i] = original + 1e-6
        plus = loss_of()
        p.data[i] = original - 1e-6
        minus = loss_of()
        p.data[i] = original
        numeric = (plus - minus) / 2e-6
        if p.grad is None or abs(p.grad[i] - numeric) > 1e-6 + 1e-4 * abs(numeric):
            wrong_gradient(f"of parameter {k} {list(i)} (central difference)", f"del parámetro {k} {list(i)} (diferencia central)",
                           numeric, None if p.grad is None else p.grad[i])
    with learner_code("MySGD"):
        optimizer = MySGD(params, lr=0.1)
        _train(model, optimizer, X_train, y_train, epochs)
    acc = _accuracy(model, X_test, y_test)
    if acc < target:
        fail(f"after {epochs} epochs your network reaches {acc:.1%} test accuracy; at least {target:.0%} expected.",
             f"tras {epochs} épocas tu red llega a {acc:.1%} de exactitud en el test; se esperaba al menos {target:.0%}.")
    passed(f"your own MLP and optimizer: gradients as central differences, test accuracy {acc:.1%} after {epochs} epochs",
           f"tu propio MLP y tu optimizador: gradientes como diferencias centrales, exactitud {acc:.1%} tras {epochs} épocas")
    return acc


# ---------------------------------------------------------------------------
# Chapter 09: backward for whole arrays
# ---------------------------------------------------------------------------


def _fresh_pair(rng, shape_a, shape_b):
    from minigrad import Tensor

    a_np, b_np = rng.normal(size=shape_a), rng.normal(size=shape_b)
    return a_np, b_np, Tensor(a_np, requires_grad=True), Tensor(b_np, requires_grad=True)


def matmul_backward(MyMatMul):
    """Exercise 09.1: ``MyMatMul.backward`` returns G @ B.T and A.T @ G, and passes gradcheck."""
    import numpy as np
    import torch

    from minigrad.gradcheck import GradcheckError, gradcheck

    rng = np.random.default_rng(9)
    for n, k, m in [(2, 3, 2), (1, 4, 3), (5, 2, 1), (3, 3, 3)]:
        a_np, b_np, a, b = _fresh_pair(rng, (n, k), (k, m))
        g = rng.normal(size=(n, m))
        with learner_code("MyMatMul.backward"):
            MyMatMul.apply(a, b).backward(g)
        expected = {"A": g @ b_np.T, "B": a_np.T @ g}
        for name, got in (("A", a.grad), ("B", b.grad)):
            want = expected[name]
            if got is None or np.shape(got) != want.shape:
                fail(f"dL/d{name} for a ({n}, {k}) @ ({k}, {m}) product has shape {np.shape(got)}, "
                     f"but a gradient has the shape of its input: {want.shape}.",
                     f"dL/d{name} de un producto ({n}, {k}) @ ({k}, {m}) tiene forma {np.shape(got)}, "
                     f"pero un gradiente tiene la forma de su entrada: {want.shape}.")
            if not np.allclose(got, want, rtol=1e-10, atol=1e-12):
                worst = np.unravel_index(np.argmax(np.abs(got - want)), want.shape)
                wrong_gradient(f"dL/d{name}{[int(i) for i in worst]} for a ({n}, {k}) @ ({k}, {m}) product",
                               f"dL/d{name}{[int(i) for i in worst]} de un producto ({n}, {k}) @ ({k}, {m})",
                               want[worst], got[worst])
        ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
        (ta @ tb).backward(torch.tensor(g))
        if not (np.allclose(a.grad, ta.grad.numpy(), rtol=1e-10) and np.allclose(b.grad, tb.grad.numpy(), rtol=1e-10)):
            fail("the gradients differ from PyTorch's.", "los gradientes no coinciden con los de PyTorch.")
        _, _, a, b = _fresh_pair(rng, (n, k), (k, m))
        try:
            with learner_code("MyMatMul.backward"):
                gradcheck(lambda a, b: MyMatMul.apply(a, b), [a, b])
        except CheckFailed as error:
            if isinstance(error.__cause__, GradcheckError):
                fail(f"gradcheck failed: {error.__cause__}", f"gradcheck falló: {error.__cause__}")
            raise
    passed("MyMatMul: gradcheck passes for 4 shapes and the gradients equal PyTorch's",
           "MyMatMul: gradcheck pasa con 4 formas y los gradientes coinciden con los de PyTorch")


def cross_entropy_backward(SoftmaxCrossEntropy):
    """Exercise 09.2: the fused softmax + cross-entropy returns (p - y) / N for the logits."""
    import numpy as np
    import torch

    from minigrad import Tensor

    rng = np.random.default_rng(90)
    for scale, (n, classes) in [(1.0, (4, 3)), (3.0, (6, 10)), (1000.0, (2, 3))]:
        logits_np, targets = rng.normal(size=(n, classes)) * scale, rng.integers(0, classes, size=n)
        logits = Tensor(logits_np, requires_grad=True)
        with learner_code("SoftmaxCrossEntropy"):
            loss = SoftmaxCrossEntropy.apply(logits, targets=targets)
            loss.backward()
        reference = torch.tensor(logits_np, requires_grad=True)
        torch_loss = torch.nn.functional.cross_entropy(reference, torch.tensor(targets))
        torch_loss.backward()
        if not close(float(loss.data), torch_loss.item(), tol=1e-10):
            fail(f"the loss is {fmt(loss.data)}, PyTorch's is {fmt(torch_loss.item())} (logits of scale {scale:g}).",
                 f"la pérdida es {fmt(loss.data)} y la de PyTorch {fmt(torch_loss.item())} (logits de escala {scale:g}).")
        want, got = reference.grad.numpy(), logits.grad
        if got is None or np.shape(got) != want.shape:
            fail(f"dL/dlogits has shape {np.shape(got)}, expected {want.shape}.",
                 f"dL/dlogits tiene forma {np.shape(got)}, se esperaba {want.shape}.")
        if not np.allclose(got, want, rtol=1e-8, atol=1e-12):
            worst = np.unravel_index(np.argmax(np.abs(got - want)), want.shape)
            hint_en = hint_es = ""
            if np.allclose(got, want * n, rtol=1e-8, atol=1e-12):
                hint_en, hint_es = " The loss is a mean over the batch: divide by N.", " La pérdida es una media sobre el lote: divide entre N."
            elif np.allclose(got, -want, rtol=1e-8, atol=1e-12):
                hint_en, hint_es = " The sign is flipped: it is p - y, not y - p.", " El signo está cambiado: es p - y, no y - p."
            fail(f"Wrong gradient dL/dlogits{[int(i) for i in worst]}: expected {fmt(want[worst])}, got {fmt(got[worst])}.{hint_en}",
                 f"Gradiente incorrecto dL/dlogits{[int(i) for i in worst]}: se esperaba {fmt(want[worst])}, se obtuvo {fmt(got[worst])}.{hint_es}")
    passed("SoftmaxCrossEntropy: loss and (p - y) / N equal PyTorch's, even for logits of ±1000",
           "SoftmaxCrossEntropy: la pérdida y (p - y) / N coinciden con PyTorch, incluso con logits de ±1000")


# ---------------------------------------------------------------------------
# Chapters 10 and 11: your own tensor engine under ARENA 0.4's names (own modules)
# ---------------------------------------------------------------------------

from minigrad_labs.ch10 import backprop, backward_functions, graph_record, topological_sort, wrap_forward  # noqa: E402
from minigrad_labs.ch11 import index_max_matmul, loss_and_sgd, mnist_on_your_engine, modules_from_scratch, more_backward  # noqa: E402
