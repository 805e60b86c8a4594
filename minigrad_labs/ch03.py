"""Lab of chapter 03 (worked backprop): the learner's own Value, one operation at a time, and the diamond by hand.

An operation is graded by what it does, not by how it is built: the check builds
``out = op(x, y)`` with the learner's Value, gives every input a gradient that
is not 0 (as if another use had already reported back) and ``out`` a gradient
that is not 1, then runs every ``_backward()`` of the graph between them in
reverse topological order (one node, or several if the learner built the op out
of other ops, e.g. ``x ** 3`` as ``x * x * x``). The inputs must end with their
old gradient plus the local derivative times ``out.grad``; ``=`` instead of ``+=``
and a forgotten ``out.grad`` both show, and are named.
"""

import math

from minigrad_labs import returns, walk
from minigrad_labs.feedback import close, fail, fmt, likely, likely_all, passed, wrong_gradient
from minigrad_labs.guard import learner_code
from minigrad_labs.scalar_oracle import diamond, oracle_grads

MISTAKES = ("overwrite", "forward_order", "no_seed")
PRIORS = (0.5, -0.25)          # the inputs' gradients before the op's backward runs
UPSTREAM = 1.75                # out.grad


def node(label, got):
    """What an operation returned must be a node: a Value with .data, .grad, ._prev, ._backward."""
    returns.not_none(f"Value: {label}", got)
    missing = [a for a in ("data", "grad", "_prev", "_backward") if not hasattr(got, a)]
    if missing:
        fail(f"{label} returned a {type(got).__name__} ({got!r}), not a Value (it has no "
             f"{', '.join(missing)}): build the output node, out = Value(...), and return it.",
             f"{label} devolvió un {type(got).__name__} ({got!r}), no un Value (no tiene "
             f"{', '.join(missing)}): construye el nodo de salida, out = Value(...), y devuélvelo.")
    return got


def _local_rule(Value, label, make, values, derivs, extra=None):
    """Check one op of the learner's Value: its forward number and the gradients it passes back."""
    nodes = [Value(v) for v in values]
    with learner_code(f"Value: {label}"):
        out = make(*nodes)
    out = node(label, out)
    expected_data = make(*values)
    data = returns.number(f"Value: {label}", out.data, "out.data", "out.data")
    if not close(data, expected_data):
        fail(f"{label}: forward value expected {fmt(expected_data)}, got {fmt(data)}.",
             f"{label}: valor hacia delante esperado {fmt(expected_data)}, obtenido {fmt(data)}.")
    if any(out is x for x in nodes):
        # x ** 1 may give back x itself: right when the derivative is 1, and nothing to run backward
        if all(close(d, 1.0) for d in derivs):
            return
        fail(f"{label} returned its input itself, but its derivative is not 1: build a new node.",
             f"{label} devolvió su propia entrada, pero su derivada no es 1: construye un nodo nuevo.")
    for i, x in enumerate(nodes):
        if not walk.reaches(out, x):
            fail(f"{label}: input {i + 1} cannot be reached from the output through `_prev`: the graph "
                 "loses an edge, so no gradient can flow back to it.",
                 f"{label}: la entrada {i + 1} no se alcanza desde la salida a través de `_prev`: el grafo "
                 "pierde una arista, así que ningún gradiente puede volver a ella.")
    for x, prior in zip(nodes, PRIORS):
        x.grad = prior
    out.grad = UPSTREAM
    walk.run_backward(out, f"Value: {label}, _backward")
    names = ["x", "y"]
    for i, (x, prior, d) in enumerate(zip(nodes, PRIORS, derivs)):
        expected = prior + d * UPSTREAM
        got = returns.number(f"Value: {label}", x.grad, f"{names[i]}.grad", f"{names[i]}.grad")
        if not close(got, expected):
            candidates = {"overwrite": d * UPSTREAM, "sign": prior - d * UPSTREAM, "no_upstream": prior + d}
            candidates.update((extra or {}).get(i, {}))
            wrong_gradient(f"of {names[i]} after the backward of {label} ({names[i]}.grad started at "
                           f"{fmt(prior)}, out.grad = {fmt(UPSTREAM)})",
                           f"de {names[i]} tras el backward de {label} ({names[i]}.grad empezó en "
                           f"{fmt(prior)}, out.grad = {fmt(UPSTREAM)})",
                           expected, got, likely(got, candidates))


def _reuse(Value, label, make, x_value, deriv):
    """x used twice in one op (x + x, x * x): both shares must add up."""
    x = Value(x_value)
    with learner_code(f"Value: {label}"):
        out = make(x)
    out = node(label, out)
    out.grad = 1.0
    walk.run_backward(out, f"Value: {label}, _backward")
    got = returns.number(f"Value: {label}", x.grad, "x.grad", "x.grad")
    if not close(got, deriv):
        wrong_gradient(f"of x in {label} (x is both inputs)", f"de x en {label} (x es las dos entradas)",
                       deriv, got, "overwrite" if close(got, deriv / 2) else None)


def value_add_mul(Value, quiet=False):
    """Exercise 3.1: the learner's ``Value`` with ``+`` and ``*`` and their backward rules."""
    x, y = 1.5, -2.0
    _local_rule(Value, "x + y", lambda a, b: a + b, (x, y), (1.0, 1.0))
    _local_rule(Value, "x * y", lambda a, b: a * b, (x, y), (y, x),
                {0: {"own_factor": PRIORS[0] + x * UPSTREAM}, 1: {"own_factor": PRIORS[1] + y * UPSTREAM}})
    _local_rule(Value, "x + 2", lambda a: a + 2.0, (x,), (1.0,))
    _local_rule(Value, "x * 3", lambda a: a * 3.0, (x,), (3.0,))
    _local_rule(Value, "2 + x", lambda a: 2.0 + a, (x,), (1.0,))
    _local_rule(Value, "3 * x", lambda a: 3.0 * a, (x,), (3.0,))
    _reuse(Value, "x + x", lambda a: a + a, x, 2.0)
    _reuse(Value, "x * x", lambda a: a * a, x, 2 * x)
    if not quiet:
        passed("Value: + and * and their backward rules agree with the chain rule",
               "Value: + y * y sus reglas hacia atrás cumplen la regla de la cadena")


def _call(method):
    """``x.method()`` on a Value, or the math function on a plain number (for the expected value)."""
    plain = {"exp": math.exp, "tanh": math.tanh, "relu": lambda v: max(v, 0.0)}[method]
    return lambda a: plain(a) if isinstance(a, float) else getattr(a, method)()


def value_unary(Value, quiet=False):
    """Exercise 3.2: ``**`` (a number exponent), exp, tanh and relu, with their backward rules."""
    for x, k in ((-1.3, 3), (2.0, 0.5), (-0.8, -1), (0.0, 2), (1.7, 1)):
        d = k * x ** (k - 1)
        mistakes = {"pow_exponent": PRIORS[0] + k * x ** k * UPSTREAM if x else None,
                    "pow_factor": PRIORS[0] + x ** (k - 1) * UPSTREAM if k != 1 else None}
        _local_rule(Value, f"x ** {k}", lambda a, k=k: a ** k, (x,), (d,),
                    {0: {key: v for key, v in mistakes.items() if v is not None}})
    for x in (0.7, -2.0):
        _local_rule(Value, "x.exp()", _call("exp"), (x,), (math.exp(x),),
                    {0: {"exp_input": PRIORS[0] + x * UPSTREAM}})
    for x in (0.8, -3.0):
        t = math.tanh(x)
        _local_rule(Value, "x.tanh()", _call("tanh"), (x,), (1 - t * t,),
                    {0: {"tanh_square": PRIORS[0] + (1 - t) * UPSTREAM,
                         "tanh_input": PRIORS[0] + (1 - x * x) * UPSTREAM}})
    # relu at its kink (0: derivative 0, as in PyTorch) and on both sides of it, close and far
    for x in (-0.6, 0.0, 1e-9, -1e-9, 0.9):
        _local_rule(Value, "x.relu()", _call("relu"), (x,), (1.0 if x > 0 else 0.0,),
                    {0: {("relu_kink" if x == 0 else "relu_side"): PRIORS[0] + (0.0 if x > 0 else UPSTREAM)}})
    if not quiet:
        passed("Value: **, exp, tanh and relu and their backward rules agree with the chain rule",
               "Value: **, exp, tanh y relu y sus reglas hacia atrás cumplen la regla de la cadena")


def diagnose(expression, values, got):
    """The mistakes that explain a learner's leaf gradients, found by planting each in the oracle.

    The MISTAKES of the walk; ``=`` instead of ``+=`` in one operation only; and each
    node's ``_backward()`` left out in turn (what a learner who forgot one call, or
    made it too early, gets). Several may fit the same numbers (on the diamond, no
    seed and forward order both give zeros): then all of them are returned.
    """
    found = likely_all(got, {m: oracle_grads(expression, values, m) for m in MISTAKES})
    for op in ("+", "*", "**", "exp", "tanh", "relu"):
        if likely(got, {"overwrite": oracle_grads(expression, values, ("overwrite", op))}):
            found.append("overwrite")
    for i in range(len(values) * 64):
        skipped = oracle_grads(expression, values, ("skip", i))
        if skipped is None:
            break
        if all(close(g, s) for g, s in zip(got, skipped)):
            found.append("skipped")
            break
    return list(dict.fromkeys(found)) or None


def compare_leaves(label_en, label_es, names, values, got, expected, expression, why=None):
    """Compare the leaves' gradients; on a mismatch name the cause (``why``, or the oracle's)."""
    for name, g, e in zip(names, got, expected):
        if not close(g, e):
            wrong_gradient(f"dL/d{name} in {label_en}", f"dL/d{name} en {label_es}",
                           e, g, why if why is not None else diagnose(expression, values, got))


def diamond_by_hand(diamond_by_hand):
    """Exercise 3.3: run each ``_backward()`` by hand, in reverse topological order, on the diamond."""
    with learner_code("diamond_by_hand"):
        got = diamond_by_hand()
    a, b, c = returns.triple("diamond_by_hand", got, 3, "the leaves a, b, c", "las hojas a, b, c")
    grads = [returns.number("diamond_by_hand", leaf, f"{n}.grad", f"{n}.grad")
             for n, leaf in zip("abc", (getattr(a, "grad", a), getattr(b, "grad", b), getattr(c, "grad", c)))]
    compare_leaves("the diamond L = (a*b + c)*(a - c) at (2, 3, 4)",
                   "el diamante L = (a*b + c)*(a - c) en (2, 3, 4)",
                   "abc", (2.0, 3.0, 4.0), grads, [4.0, -4.0, -12.0], diamond)
    passed("diamond by hand: dL/da = 4, dL/db = -4, dL/dc = -12",
           "diamante a mano: dL/da = 4, dL/db = -4, dL/dc = -12")
