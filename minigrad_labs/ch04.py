"""Lab of chapter 04 (the engine): the learner's backward() and whole scalar engine.

The learner's walk runs on the diamond, on random expressions with reuse
(against PyTorch) and on a chain 6,000 nodes deep. When its numbers are wrong,
it runs again on the same expression with every node's ``_backward`` recorded
(``walk.Recorder``), and the record says what went wrong: a node run twice, a
node never run, no seed, the seed after the walk, forward order, an order that
is not topological. Failing that, the numbers are matched against the oracle's
planted mistakes.
"""

from minigrad_labs import returns
from minigrad_labs.ch03 import compare_leaves, diagnose, value_add_mul, value_unary
from minigrad_labs.feedback import close, fail, fmt, passed, wrong_gradient
from minigrad_labs.guard import learner_code
from minigrad_labs.scalar_oracle import Ref, diamond, leaf_values, random_expression, torch_grads
from minigrad_labs.walk import Recorder


def _why(expression, values, got, make_probe, run_backward, who):
    """Why the learner's walk gives ``got``: rerun it on a recorded graph, then ask the oracle."""
    leaves = [make_probe(v) for v in values]
    root = expression(*leaves)
    recorder = Recorder(root)
    with learner_code(who):
        run_backward(root)
    return recorder.diagnose() or diagnose(expression, values, got)


def _grads(who, leaves):
    return [returns.number(who, getattr(x, "grad", None), f"the gradient of leaf {i}",
                           f"el gradiente de la hoja {i}") for i, x in enumerate(leaves)]


def _engine_cases(make_leaf, run_backward, who, make_probe, seeds=range(8)):
    """The diamond, random expressions (against PyTorch) and a deep chain, through run_backward."""
    cases = [("the diamond L = (a*b + c)*(a - c) at (2, 3, 4)", "el diamante L = (a*b + c)*(a - c) en (2, 3, 4)",
              "abc", (2.0, 3.0, 4.0), diamond)]
    for seed in seeds:
        values = leaf_values(seed)
        cases.append((f"random expression #{seed} (leaves {values})",
                      f"la expresión aleatoria n.º {seed} (hojas {values})",
                      [f"x{i}" for i in range(len(values))], values,
                      lambda *xs, seed=seed: random_expression(seed, xs)))
    for label_en, label_es, names, values, expression in cases:
        leaves = [make_leaf(v) for v in values]
        with learner_code(who):
            out = expression(*leaves)
            run_backward(out)
        t_out, expected = torch_grads(expression, values)
        data = returns.number(who, getattr(out, "data", None), "the output's data", "el data de la salida")
        if not close(data, t_out):
            fail(f"{label_en}: forward value {fmt(data)}, PyTorch {fmt(t_out)}.",
                 f"{label_es}: valor hacia delante {fmt(data)}, PyTorch {fmt(t_out)}.")
        got = _grads(who, leaves)
        if not all(close(g, e) for g, e in zip(got, expected)):
            why = _why(expression, values, got, make_probe, run_backward, who)
            compare_leaves(label_en, label_es, names, values, got, expected, expression, why)
    start = make_leaf(1.0)
    node = start
    for _ in range(3_000):
        node = node * 1.0 + 0.0
    with learner_code(who):
        run_backward(node)
    got = returns.number(who, getattr(start, "grad", None), "the gradient", "el gradiente")
    if not close(got, 1.0):
        wrong_gradient("of the first node of a chain 6,000 nodes deep",
                       "del primer nodo de una cadena de 6000 nodos", 1.0, got)


def backward(backward):
    """Exercise 4.1: ``backward(root)``: sort, seed, run every ``_backward()`` in reverse."""
    from minigrad.scalar import Value

    _engine_cases(Value, backward, "backward", Ref)
    passed("backward: the diamond gives 4, -4, -12 and 8 random expressions agree with PyTorch",
           "backward: el diamante da 4, -4, -12 y 8 expresiones aleatorias coinciden con PyTorch")


def engine(Value):
    """Exercise 4.2: the learner's whole scalar engine, ``Value`` with ``.backward()``."""
    value_add_mul(Value, quiet=True)
    value_unary(Value, quiet=True)
    _engine_cases(Value, lambda root: root.backward(), "Value.backward", Value)
    passed("your engine: every op, the diamond (4, -4, -12), 8 random expressions as PyTorch, 6,000 nodes deep",
           "tu motor: cada operación, el diamante (4, -4, -12), 8 expresiones aleatorias como PyTorch, "
           "6000 nodos de profundidad")
