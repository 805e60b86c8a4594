"""Lab of chapter 03 (worked backprop): the learner's own Value, one operation at a time, and the diamond by hand."""

import math

from minigrad_labs.feedback import close, fail, fmt, learner_code, likely, passed, wrong_gradient
from minigrad_labs.scalar_oracle import diamond, oracle_grads

MISTAKES = ("overwrite", "forward_order", "no_seed")


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
                           expected, node.grad, likely(node.grad, candidates))


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


def diagnose(expression, values, got, root=None):
    """The mistake that explains a learner's leaf gradients, by rerunning it planted in the oracle."""
    if root is not None and not close(getattr(root, "grad", None), 1.0):
        return "no_seed"
    mistakes = [m for m in MISTAKES if m != "no_seed" or root is None]
    return likely(got, {m: oracle_grads(expression, values, m) for m in mistakes})


def compare_leaves(label_en, label_es, names, values, got, expected, expression, root=None):
    for name, g, e in zip(names, got, expected):
        if not close(g, e):
            wrong_gradient(f"dL/d{name} in {label_en}", f"dL/d{name} en {label_es}",
                           e, g, diagnose(expression, values, got, root))


def diamond_by_hand(diamond_by_hand):
    """Exercise 03.3: run each ``_backward()`` by hand, in reverse topological order, on the diamond."""
    with learner_code("diamond_by_hand"):
        a, b, c = diamond_by_hand()
    got = [a.grad, b.grad, c.grad]
    compare_leaves("the diamond L = (a*b + c)*(a - c) at (2, 3, 4)",
                    "el diamante L = (a*b + c)*(a - c) en (2, 3, 4)",
                    "abc", (2.0, 3.0, 4.0), got, [4.0, -4.0, -12.0], diamond)
    passed("diamond by hand: dL/da = 4, dL/db = -4, dL/dc = -12",
           "diamante a mano: dL/da = 4, dL/db = -4, dL/dc = -12")
