"""Lab of chapter 04 (the engine): the learner's backward() and whole scalar engine."""

from minigrad_labs.feedback import close, fail, fmt, learner_code, passed, wrong_gradient
from minigrad_labs.ch03 import compare_leaves, value_add_mul, value_unary
from minigrad_labs.scalar_oracle import diamond, leaf_values, random_expression, torch_grads


def _engine_cases(make_leaf, run_backward, who, seeds=range(8)):
    """The diamond, random expressions (against PyTorch) and a deep chain, through run_backward."""
    values = (2.0, 3.0, 4.0)
    a, b, c = (make_leaf(v) for v in values)
    L = diamond(a, b, c)
    with learner_code(who):
        run_backward(L)
    compare_leaves("the diamond L = (a*b + c)*(a - c) at (2, 3, 4)",
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
        compare_leaves(f"random expression #{seed} (leaves {values})",
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
