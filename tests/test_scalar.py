"""The scalar engine against PyTorch (float64) and central differences."""

import math
import random
from unittest import mock

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad.scalar
from minigrad.scalar import Value
from oracle import ATOL, RTOL, recursive_build_topo

# Moderate magnitudes keep exp/pow finite and finite differences meaningful.
reals = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False).filter(lambda x: abs(x) > 1e-3)
positives = st.floats(min_value=0.1, max_value=3.0)


def central_difference(fn, args, i, eps=1e-6):
    up, down = list(args), list(args)
    up[i] += eps
    down[i] -= eps
    return (fn(*up) - fn(*down)) / (2 * eps)


def check_against_oracles(fn, args, torch_fn=None):
    """Gradients of fn at args: minigrad vs PyTorch float64 vs central differences."""
    values = [Value(x) for x in args]
    out = fn(*values)
    out.backward()

    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in args]
    t_out = (torch_fn or fn)(*tensors)
    t_out.backward()

    assert out.data == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    plain = lambda *xs: fn(*[Value(x) for x in xs]).data  # noqa: E731
    for i, (v, t) in enumerate(zip(values, tensors)):
        torch_grad = 0.0 if t.grad is None else t.grad.item()
        assert v.grad == pytest.approx(torch_grad, rel=1e-9, abs=1e-9), f"input {i} vs PyTorch"
        numeric = central_difference(plain, args, i)
        assert v.grad == pytest.approx(numeric, rel=1e-4, abs=1e-5), f"input {i} vs differences"


# --- each operation -------------------------------------------------------


@settings(deadline=None)
@given(reals, reals)
def test_binary_ops(x, y):
    check_against_oracles(lambda a, b: a + b, [x, y])
    check_against_oracles(lambda a, b: a - b, [x, y])
    check_against_oracles(lambda a, b: a * b, [x, y])
    check_against_oracles(lambda a, b: a / b, [x, y])


@settings(deadline=None)
@given(reals)
def test_reflected_ops_and_neg(x):
    check_against_oracles(lambda a: 2 + a, [x])
    check_against_oracles(lambda a: 2 * a, [x])
    check_against_oracles(lambda a: 1 - a, [x])
    check_against_oracles(lambda a: 1 / a, [x])
    check_against_oracles(lambda a: -a, [x])


@settings(deadline=None)
@given(reals, st.sampled_from([2, 3, -1, -2, 0.5, 1.5]))
def test_power_with_number_exponent(x, k):
    if k != int(k):
        x = abs(x)  # fractional powers need a positive base
    check_against_oracles(lambda a: a**k, [x])


@settings(deadline=None)
@given(positives, reals)
def test_power_with_value_exponent_gets_its_own_gradient(base, exponent):
    check_against_oracles(lambda a, b: a**b, [base, exponent])
    check_against_oracles(lambda b: 2**b, [exponent], torch_fn=lambda b: torch.pow(2.0, b))


@settings(deadline=None)
@given(reals)
def test_unary_functions(x):
    check_against_oracles(lambda a: a.exp(), [x], lambda t: t.exp())
    check_against_oracles(lambda a: a.tanh(), [x], lambda t: t.tanh())
    check_against_oracles(lambda a: a.sigmoid(), [x], lambda t: t.sigmoid())
    check_against_oracles(lambda a: a.relu(), [x], lambda t: t.relu())
    check_against_oracles(lambda a: (a * a).log(), [x], lambda t: (t * t).log())


@settings(deadline=None)
@given(positives)
def test_log(x):
    check_against_oracles(lambda a: a.log(), [x], lambda t: t.log())


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0


def test_relu_gradient_at_zero_is_zero_like_pytorch():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


# --- the worked example (chapter 03) -------------------------------------


def worked_example():
    a, b, c = Value(2.0), Value(3.0), Value(4.0)
    L = (a * b + c) * (a - c)
    L.backward()
    return a, b, c, L


def test_diamond_worked_example():
    a, b, c, L = worked_example()
    assert L.data == -20.0
    assert (a.grad, b.grad, c.grad) == (4.0, -4.0, -12.0)


def overwriting_rules():
    """The '=' instead of '+=' bug, as a reader might write it."""

    def add(out):
        x, y = out._prev
        x.grad = out.grad
        y.grad = out.grad

    def mul(out):
        x, y = out._prev
        x.grad = y.data * out.grad
        y.grad = x.data * out.grad

    return {"+": add, "*": mul}


def test_overwrite_bug_gives_c_grad_minus_two():
    """Regression for lesson 2: with '=' the diamond silently loses a share."""
    with mock.patch.dict(minigrad.scalar._BACKWARD_RULES, overwriting_rules()):
        a, b, c, _ = worked_example()
    assert c.grad == -2.0  # the wrong answer the book shows
    assert b.grad == -4.0  # a variable used once cannot reveal the bug
    a, b, c, _ = worked_example()
    assert c.grad == -12.0  # the real engine accumulates


def test_same_node_used_twice_in_one_op_accumulates():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    y = Value(3.0)
    (y + y).backward()
    assert y.grad == 2.0


def test_gradients_accumulate_across_backward_calls_like_micrograd():
    x = Value(2.0)
    (x * 3).backward()
    (x * 3).backward()
    assert x.grad == 6.0


def test_topological_order_is_valid_and_matches_micrograd():
    a, b, c = Value(2.0), Value(3.0), Value(4.0)
    L = (a * b + c) * (a - c)
    order = L._topological_order()
    assert order == recursive_build_topo(L)
    position = {n: i for i, n in enumerate(order)}
    assert all(position[p] < position[n] for n in order for p in n._prev)


def test_on_step_sees_every_node_once_in_reverse_order():
    a, b, c = Value(2.0), Value(3.0), Value(4.0)
    L = (a * b + c) * (a - c)
    seen = []
    L.backward(on_step=seen.append)
    assert seen == list(reversed(L._topological_order()))
    # Watching the steps runs each node's own _backward(): the same gradients.
    watched = (a.grad, b.grad, c.grad)
    for leaf in (a, b, c):
        leaf.grad = 0.0
    ((a * b + c) * (a - c)).backward()
    assert (a.grad, b.grad, c.grad) == watched == (-2.0 * 3.0 + 10.0 * 1.0 + 0.0, 2.0 * -2.0, -2.0 - 10.0)


# --- random graphs with heavy reuse ----------------------------------------


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=2, max_value=5))
def test_random_graphs_with_reuse_match_pytorch(seed, n_inputs):
    rng = random.Random(seed)
    inputs = [rng.uniform(0.5, 1.5) for _ in range(n_inputs)]
    steps = []
    for _ in range(rng.randint(5, 30)):
        op = rng.choice(["+", "-", "*", "/", "tanh", "sigmoid", "relu", "exp", "pow"])
        steps.append((op, rng.random(), rng.random()))

    def build(leaves):
        pool = list(leaves)  # every intermediate result may be reused many times
        for op, r1, r2 in steps:
            x = pool[int(r1 * len(pool))]
            y = pool[int(r2 * len(pool))]
            if op == "+":
                z = x + y
            elif op == "-":
                z = x - y
            elif op == "*":
                z = x * y
            elif op == "/":
                z = x / (y * y + 1)
            elif op == "pow":
                z = (x * x + 1) ** 0.5
            else:
                z = getattr(x, op)() if op != "exp" else (x * 0.1).exp()
            pool.append(z)
        total = pool[0]
        for z in pool[1:]:
            total = total + z
        return total

    values = [Value(x) for x in inputs]
    out = build(values)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    t_out = build(tensors)
    t_out.backward()
    assert out.data == pytest.approx(t_out.item(), rel=1e-9)
    for v, t in zip(values, tensors):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-9, abs=1e-12)


# --- depth ----------------------------------------------------------------


def test_a_million_node_chain_backpropagates_without_recursion_error():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
    assert y.data == 1_000_001.0


# --- bad input ------------------------------------------------------------


@pytest.mark.parametrize("bad", ["2.0", None, [1.0], 1 + 2j])
def test_non_numeric_data_is_a_type_error(bad):
    with pytest.raises(TypeError, match="real number"):
        Value(bad)


def test_non_numeric_operand_is_a_type_error():
    with pytest.raises(TypeError, match="real number"):
        Value(1.0) + "x"


@pytest.mark.parametrize("x", [0.0, -2.5])
def test_log_of_non_positive_names_the_value(x):
    with pytest.raises(ValueError, match=re_escape(repr(x))):
        Value(x).log()


def re_escape(text):
    import re

    return re.escape(text)


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        1 / Value(0.0)
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1


def test_value_exponent_needs_non_negative_base():
    with pytest.raises(ValueError, match="base"):
        Value(-2.0) ** Value(2.0)


def test_fractional_power_of_negative_is_a_value_error():
    with pytest.raises(ValueError, match="not a real number"):
        Value(-2.0) ** 0.5


def test_exp_overflow_is_named():
    with pytest.raises(OverflowError, match="exp"):
        Value(1000.0).exp()


def test_nodes_are_freed_without_the_cycle_collector():
    """No reference cycle per node: reference counting alone frees a whole graph.

    gc.collect() returns how many unreachable objects it had to free; a graph
    whose nodes each sat in a cycle (a closure capturing its own output node,
    as in micrograd) would leave thousands of them.
    """
    import gc

    gc.collect()
    gc.disable()
    try:
        x = Value(0.5)
        y = x
        for _ in range(1000):
            y = (y * 1.0001 + 0.001).tanh()
        y.backward()
        del y
        leftovers = gc.collect()
    finally:
        gc.enable()
    assert leftovers < 50
    assert x.grad != 0.0


# --------------------------------------------------------------------------
# Each rule used twice, with non-unit upstream gradients, against PyTorch
# --------------------------------------------------------------------------

SCALAR_UNARY = {
    "exp": (lambda v: v.exp(), torch.exp, 0.7),
    "log": (lambda v: v.log(), torch.log, 1.3),
    "tanh": (lambda v: v.tanh(), torch.tanh, 0.4),
    "relu": (lambda v: v.relu(), torch.relu, 0.8),
    "sigmoid": (lambda v: v.sigmoid(), torch.sigmoid, -0.6),
    "pow3": (lambda v: v**3, lambda t: t**3, 1.2),
    "pow-half": (lambda v: v**-0.5, lambda t: t**-0.5, 1.7),
}


def scalar_grads(build, xs, torch_mode=False):
    if torch_mode:
        leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    else:
        leaves = [Value(x) for x in xs]
    build(*leaves).backward()
    return [float(v.grad) for v in leaves]


@pytest.mark.parametrize("name", sorted(SCALAR_UNARY))
def test_scalar_unary_rule_accumulates_and_scales_by_upstream(name):
    """The op is used twice on the same input, with upstream gradients 3 and -2."""
    op, torch_op, x = SCALAR_UNARY[name]
    for build in (
        lambda a, op: op(a) * 3.0 + op(a) * -2.0 + a * 0.5,
        lambda a, op: a * 0.5 + op(a) * 3.0 + op(a) * op(a),
    ):
        got = scalar_grads(lambda a: build(a, op), [x])
        want = scalar_grads(lambda a: build(a, torch_op), [x], torch_mode=True)
        assert got == pytest.approx(want, rel=RTOL, abs=ATOL), name


SCALAR_BINARY = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "pow": lambda a, b: a**b,
}


@pytest.mark.parametrize("name", sorted(SCALAR_BINARY))
def test_scalar_binary_rule_accumulates_and_scales_by_upstream(name):
    op = SCALAR_BINARY[name]
    xs = [1.7, -0.8] if name != "pow" else [1.7, 0.6]
    for build in (
        lambda a, b: op(a, b) * 3.0 + op(a, b) * -2.0,
        lambda a, b: a * 0.5 + b * 0.25 + op(a, b) * 3.0,
        lambda a, b: op(a, b) * 3.0 + a * 0.5 + b * 0.25,
        lambda a, b: op(b, a) * 1.5 + op(a, b) * 2.5,
    ):
        got = scalar_grads(build, xs)
        want = scalar_grads(build, xs, torch_mode=True)
        assert got == pytest.approx(want, rel=RTOL, abs=ATOL), name


def test_scalar_pow_at_zero_base_gives_the_exponent_no_gradient():
    """At a = 0, d(a**b)/db is 0 (as in PyTorch), not log(0)."""
    a, b = Value(0.0), Value(2.0)
    (a**b * 3.0).backward()
    assert b.grad == 0.0
    assert a.grad == 0.0  # 3 * b * 0**(b-1) = 0


def test_scalar_relu_passes_gradient_only_where_positive():
    for x, want in ((1.5, 3.0), (-1.5, 0.0), (0.0, 0.0)):
        a = Value(x)
        (a.relu() * 3.0).backward()
        assert a.grad == want


def test_scalar_backward_seeds_one_and_visits_every_node_once():
    a = Value(2.0)
    b = a * a  # a used twice in one op
    c = b + a
    d = c * c  # c used twice in one op
    d.backward()
    # d = (a^2 + a)^2, dd/da = 2 (a^2 + a) (2a + 1) = 2 * 6 * 5
    assert a.grad == 60.0
    assert d.grad == 1.0
    assert c.grad == 12.0
    assert b.grad == 12.0


# ---- PyTorch habits (issue 19) -----------------------------------------------------

def torch_grads(build, values):
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out = build(*leaves)
    out.backward()
    return out.item(), [leaf.grad.item() for leaf in leaves]


def our_grads(build, values, **backward_options):
    leaves = [Value(v) for v in values]
    out = build(*leaves)
    out.backward(**backward_options)
    return out.data, [leaf.grad for leaf in leaves]


# ---- division is an operation of its own ------------------------------------------

@pytest.mark.parametrize("a, b", [(1e-310, 1e-310), (1e-200, 1e-200), (3.0, -0.25), (-2.5, 7.0), (1e300, 1e-5)])
def test_division_matches_pytorch_even_where_the_reciprocal_overflows(a, b):
    # Each input used twice: a rule that wrote `=` instead of `+=` would lose a share.
    build = lambda x, y: x / y + (x * 3.0) / (y + y)  # noqa: E731
    ours, grads = our_grads(build, [a, b])
    theirs, t_grads = torch_grads(build, [a, b])
    assert math.isclose(ours, theirs, rel_tol=1e-12)
    for g, t in zip(grads, t_grads):
        assert g == t or math.isclose(g, t, rel_tol=1e-12), (a, b, grads, t_grads)


def test_tiny_over_tiny_is_one_in_one_node():
    x, y = Value(1e-310), Value(1e-310)
    z = x / y
    assert z.data == 1.0 and z._op == "/" and z._prev == (x, y)
    z.backward()
    assert x.grad == math.inf and y.grad == -math.inf  # as PyTorch: 1/1e-310 is beyond the largest float


def test_a_divisor_whose_square_underflows_still_gets_its_gradient():
    x, y = Value(1e-300), Value(1e-170)  # y**2 = 0 in floats, yet -x / y**2 = -1e40
    (x / y).backward()
    _, t_grads = torch_grads(lambda a, b: a / b, [1e-300, 1e-170])
    assert [x.grad, y.grad] == t_grads and math.isclose(y.grad, -1e40, rel_tol=1e-12)


def test_reflected_division_by_a_value():
    out, grads = our_grads(lambda x: 3.0 / x, [4.0])
    assert out == 0.75 and grads == [-3.0 / 16.0]


# ---- adding an operation micrograd's way: a subclass sets out._backward --------------

class MicroValue(Value):
    """micrograd's recipe for a new op: a closure stored on the output node."""

    def sin(self):
        out = MicroValue(math.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += math.cos(self.data) * out.grad
        out._backward = _backward
        return out


def test_a_subclass_op_gets_the_same_gradient_with_and_without_on_step():
    def build():
        x = MicroValue(0.7)
        return x, (x.sin() * x + x.sin()).tanh()

    x1, out1 = build()
    out1.backward()
    x2, out2 = build()
    steps = []
    out2.backward(on_step=steps.append)
    _, (t_grad,) = torch_grads(lambda t: (t.sin() * t + t.sin()).tanh(), [0.7])
    assert x1.grad == x2.grad and math.isclose(x1.grad, t_grad, rel_tol=1e-12)
    assert len(steps) == 6  # x, two sins, *, +, tanh
