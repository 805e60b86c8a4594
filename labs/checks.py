"""One check per lab exercise: ``check.NAME(what_the_learner_wrote)``.

A check runs the learner's code on fixed and random inputs, compares it with
PyTorch (float64) and, where it teaches, finite differences, and either prints
one line starting with ✓ or stops with a short message: which gradient of which
node is wrong, expected vs got, and the likely cause. A stub still raising
``NotImplementedError`` gives "not implemented yet".

Chapters 01-04 (scalar engine, the core of the week) are in this file's first
half; chapters 05-08 (tensors, modules, training: the stretch) in the second.
"""

import math

from labs.feedback import close, fail, fmt, learner_code, passed, say, wrong_gradient
from labs.scalar_oracle import diamond, leaf_values, oracle_grads, random_expression, torch_grads

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
