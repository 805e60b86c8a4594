"""Assertions that kill the mutants of the backward code (see scripts/mutation.sh).

Each test here exists because a mutant of a backward rule survived the rest of
the engine tests. The recurring reasons, and the shape of the test that fixes
each one:

* the upstream gradient was always 1, so ``* out.grad`` -> ``/ out.grad`` went
  unnoticed: every check below seeds backward() with a random, non-unit grad;
* every input was used once, so ``+=`` -> ``=`` (or "the last contribution
  wins") went unnoticed: every op is used twice, or next to another use of
  the same input;
* every input required a gradient, so ``needs_input_grad[0]`` -> ``[1]`` went
  unnoticed: binary ops are also checked with only one input requiring grad;
* shapes were equal, so a missing ``unbroadcast`` went unnoticed: binary ops
  are checked on every broadcasting pattern.

PyTorch (float64) is the oracle, as in the other engine tests.
"""

import numpy as np
import pytest
import torch

import minigrad.functional as F
from minigrad.scalar import Value
from minigrad.tensor import Function, Tensor, unbroadcast

RTOL, ATOL = 1e-9, 1e-12
rng = np.random.default_rng(20260)


def randn(*shape, low=None):
    a = rng.standard_normal(shape)
    if low is not None:  # keep away from a kink / a pole / the domain edge
        a = np.where(np.abs(a) < low, np.sign(a + 1e-12) * (low + np.abs(a)), a)
    return a


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


# --------------------------------------------------------------------------
# Scalar engine
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


def test_scalar_topological_order_lists_each_node_once_after_its_parents():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = e._topological_order()
    assert len(order) == len(set(map(id, order))) == 5
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node._prev:
            assert position[id(parent)] < position[id(node)]
    assert order[-1] is e
    assert order[:2] == [a, b]  # parents first, in micrograd's order


# --------------------------------------------------------------------------
# Tensor engine: a PyTorch float64 oracle with a random upstream gradient
# --------------------------------------------------------------------------


def tensor_check(fn, arrays, requires=None, torch_fn=None, twice=True, **kwargs):
    """Gradients of sum(upstream * fn(*inputs)) [+ a second use] against PyTorch.

    ``twice`` uses the op a second time on the same inputs with another upstream
    gradient, so an overwritten (instead of summed) contribution is caught.
    """
    requires = requires or [True] * len(arrays)
    torch_fn = torch_fn or fn
    ours = [Tensor(np.array(a, dtype=np.float64), requires_grad=r) for a, r in zip(arrays, requires)]
    theirs = [torch.tensor(np.array(a, dtype=np.float64), requires_grad=r) for a, r in zip(arrays, requires)]
    out = fn(*ours, **kwargs)
    upstream = randn(*out.shape)
    other = randn(*out.shape)
    if twice:
        loss = (fn(*ours, **kwargs) * Tensor(upstream)).sum() + (fn(*ours, **kwargs) * Tensor(other)).sum()
    else:
        loss = (out * Tensor(upstream)).sum()
    loss.backward(np.array(1.5))
    t_out = torch_fn(*theirs, **kwargs)
    if twice:
        t_loss = (t_out * torch.tensor(upstream)).sum() + (torch_fn(*theirs, **kwargs) * torch.tensor(other)).sum()
    else:
        t_loss = (t_out * torch.tensor(upstream)).sum()
    (t_loss * 1.5).backward()
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=RTOL, atol=ATOL)
    for i, (x, t) in enumerate(zip(ours, theirs)):
        if not t.requires_grad:
            assert x.grad is None, f"input {i} does not require grad but got one"
            continue
        assert x.grad is not None, f"input {i} got no gradient"
        assert x.grad.shape == x.shape, f"input {i}: grad shape {x.grad.shape} != {x.shape}"
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=RTOL, atol=ATOL, err_msg=f"input {i}")
    return ours


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}
SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 3, 4), (3, 1)),
    ((1, 3, 1), (2, 1, 4)),
    ((), (2, 3)),
    ((2, 3), ()),
]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_tensor_binary_ops_with_broadcasting(name, shapes):
    shape_a, shape_b = shapes
    if name == "pow":
        arrays = [positive(*shape_a), randn(*shape_b)]
    elif name == "div":
        arrays = [randn(*shape_a), randn(*shape_b, low=0.5)]
    else:
        arrays = [randn(*shape_a), randn(*shape_b)]
    for requires in ([True, True], [True, False], [False, True]):
        tensor_check(BINARY[name], arrays, requires)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_tensor_binary_op_with_the_same_tensor_twice(name):
    x = positive(3, 2) if name in ("pow", "div") else randn(3, 2)
    tensor_check(lambda a: BINARY[name](a, a), [x])


@pytest.mark.parametrize(
    "fn",
    [
        lambda a: 2.0 - a,
        lambda a: 2.0 / a,
        lambda a: 2.0**a,
        lambda a: a**2.0,
        lambda a: a**-1.5,
        lambda a: 3.0 * a + 1.0,
        lambda a: -a,
    ],
    ids=["rsub", "rdiv", "rpow", "pow2", "pow-1.5", "rmul-radd", "neg"],
)
def test_tensor_ops_with_constants(fn):
    tensor_check(fn, [positive(2, 3)])


UNARY = {
    "exp": (lambda a: a.exp(), lambda a: a.exp(), randn),
    "log": (lambda a: a.log(), lambda a: a.log(), positive),
    "relu": (lambda a: a.relu(), lambda a: a.relu(), lambda *s: randn(*s, low=0.05)),
    "tanh": (lambda a: a.tanh(), lambda a: a.tanh(), randn),
    "sigmoid": (lambda a: a.sigmoid(), lambda a: a.sigmoid(), randn),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_tensor_unary_functions(name):
    ours, theirs, make = UNARY[name]
    tensor_check(ours, [make(3, 4)], torch_fn=theirs)


def test_tensor_relu_has_zero_slope_at_zero_and_below():
    x = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
    x.relu().backward(np.array([5.0, 5.0, 5.0]))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 5.0])


def test_tensor_pow_exponent_gradient_needs_a_non_negative_base():
    base = Tensor(np.array([-1.0, 1.0]))
    exponent = Tensor(np.array([2.0, 2.0]), requires_grad=True)
    with pytest.raises(ValueError):
        (base**exponent).sum().backward()
    # at base 0 the exponent's gradient is 0, as in PyTorch (tests/test_tensor_edges.py)
    zero = Tensor(np.array([0.0, 3.0]))
    (zero**exponent).sum().backward()
    np.testing.assert_allclose(exponent.grad, [0.0, 9.0 * np.log(3.0)])


MATMUL_SHAPES = [
    ((3, 4), (4, 5)),
    ((4,), (4, 5)),
    ((3, 4), (4,)),
    ((4,), (4,)),
    ((2, 3, 4), (2, 4, 5)),
    ((2, 3, 4), (4, 5)),
    ((3, 4), (2, 4, 5)),
    ((1, 3, 4), (2, 4, 5)),
    ((4,), (2, 4, 5)),
    ((2, 3, 4), (4,)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_tensor_matmul(shapes):
    arrays = [randn(*shapes[0]), randn(*shapes[1])]
    for requires in ([True, True], [True, False], [False, True]):
        tensor_check(lambda a, b: a @ b, arrays, requires)


def test_tensor_matmul_with_a_numpy_operand_on_either_side():
    w = randn(4, 2)
    tensor_check(lambda a: a @ w, [randn(3, 4)], torch_fn=lambda a: a @ torch.tensor(w))
    tensor_check(lambda a: w.T @ a, [randn(4, 3)], torch_fn=lambda a: torch.tensor(w.T) @ a)


AXES = [None, 0, 1, -1, (0, 2), (1,)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_tensor_reductions(name, axis, keepdims):
    x = randn(2, 3, 4)

    def ours(a):
        return getattr(a, name)(axis=axis, keepdims=keepdims)

    def theirs(a):
        dims = tuple(range(a.ndim)) if axis is None else axis
        if name == "max":
            return torch.amax(a, dim=dims, keepdim=keepdims)
        return getattr(torch, name)(a, dim=dims, keepdim=keepdims)

    tensor_check(ours, [x], torch_fn=theirs)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_tensor_max_shares_the_gradient_between_ties(axis):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.5], [3.0, 1.0, 3.0]])

    def theirs(a):
        return torch.amax(a, dim=(0, 1) if axis is None else axis)

    tensor_check(lambda a: a.max(axis=axis), [x], torch_fn=theirs)


@pytest.mark.parametrize(
    "ours,theirs",
    [
        (lambda a: a.reshape(4, 6), lambda a: a.reshape(4, 6)),
        (lambda a: a.reshape((3, 8)), lambda a: a.reshape(3, 8)),
        (lambda a: a.transpose(1, 2, 0), lambda a: a.permute(1, 2, 0)),
        (lambda a: a.transpose(2, 0, 1), lambda a: a.permute(2, 0, 1)),
        (lambda a: a.T, lambda a: a.permute(2, 1, 0)),
        (lambda a: a[1], lambda a: a[1]),
        (lambda a: a[:, 1:3], lambda a: a[:, 1:3]),
        (lambda a: a[np.array([0, 0, 1])], lambda a: a[torch.tensor([0, 0, 1])]),
        (lambda a: a[:, np.array([2, 0, 2])], lambda a: a[:, torch.tensor([2, 0, 2])]),
    ],
    ids=["reshape", "reshape-tuple", "transpose-120", "transpose-201", "T", "int", "slice", "repeat", "repeat-axis1"],
)
def test_tensor_shape_operations(ours, theirs):
    tensor_check(ours, [randn(2, 3, 4)], torch_fn=theirs)


# --------------------------------------------------------------------------
# unbroadcast, Tensor.backward and its topological order
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "grad_shape,shape",
    [((2, 3), (3,)), ((2, 3), (1, 3)), ((2, 3), (2, 1)), ((4, 2, 3), (2, 1)), ((4, 2, 3), (1, 1, 3)), ((2, 3), ()), ((3,), (3,))],
)
def test_unbroadcast_sums_exactly_the_stretched_axes(grad_shape, shape):
    grad = randn(*grad_shape)
    got = unbroadcast(grad, shape)
    want = torch.tensor(grad).sum_to_size(shape).numpy() if shape else grad.sum()
    assert got.shape == shape
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_unbroadcast_returns_the_same_array_when_nothing_was_broadcast():
    grad = randn(2, 3)
    assert unbroadcast(grad, (2, 3)) is grad


def test_tensor_backward_seeds_ones_for_a_scalar_and_keeps_the_dtype():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)  # float32
    (x * x).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])


def test_tensor_backward_with_an_explicit_gradient():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * 3.0).backward([2.0, -1.0])
    np.testing.assert_array_equal(x.grad, [6.0, -3.0])
    np.testing.assert_array_equal((x * 3.0).data, [3.0, 6.0])


def test_tensor_backward_errors():
    with pytest.raises(RuntimeError):
        Tensor([1.0, 2.0]).sum().backward()  # nothing requires grad
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        (x * 2.0).backward()  # not a single number and no grad given
    with pytest.raises(ValueError):
        (x * 2.0).backward(np.ones(3))  # wrong shape
    # A one-element, non-scalar tensor is fine without a gradient.
    y = Tensor(np.array([[2.0]]), requires_grad=True)
    (y * 3.0).backward()
    np.testing.assert_array_equal(y.grad, [[3.0]])


def test_tensor_leaf_gradients_accumulate_across_backward_calls():
    x = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    (x * 2.0).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [5.0, 5.0])
    x.zero_grad()
    assert x.grad is None


def test_tensor_leaf_gradients_are_not_shared_arrays():
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    (a + b).backward(np.array([1.0, 1.0]))
    assert not np.shares_memory(a.grad, b.grad)
    a.grad += 1.0
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_tensor_gradient_is_complete_before_it_is_passed_on():
    """A diamond: y feeds z and w; y's gradient must hold both uses before it moves on."""
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 2.0
    z = y * 3.0
    w = y + z  # dw/dy = 1 + 3
    u = w * w.exp()  # and w itself is used twice
    u.sum().backward()
    t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    ty = t * 2.0
    tw = ty + ty * 3.0
    (tw * tw.exp()).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=RTOL)


def test_tensor_topological_order_lists_each_node_once_after_its_inputs():
    a = Tensor(np.array([1.0]), requires_grad=True)
    b = Tensor(np.array([2.0]), requires_grad=True)
    constant = Tensor(np.array([5.0]))
    c = a * b
    d = c + a
    e = d * c + constant
    order = e._topological_order()
    assert len(order) == len(set(map(id, order))) == 6  # the constant is left out
    assert all(node is not constant for node in order)
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node._prev:
            if parent.requires_grad:
                assert position[id(parent)] < position[id(node)]
    assert order[-1] is e


def test_tensor_inputs_that_need_no_gradient_get_none_and_others_still_get_theirs():
    constant = Tensor(np.array([2.0, 3.0]))
    x = Tensor(np.array([1.0, 4.0]), requires_grad=True)
    (constant * x + constant).sum().backward()
    assert constant.grad is None
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])


def test_tensor_deep_chain_backpropagates_without_recursion():
    x = Tensor(np.array([1.0]), requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0001**5000], rtol=1e-9)


# --------------------------------------------------------------------------
# Fused functions (minigrad.functional)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("bias", [True, False])
def test_linear(bias):
    arrays = [randn(5, 3), randn(4, 3)] + ([randn(4)] if bias else [])
    n = len(arrays)
    for requires in ([True] * n, [False] + [True] * (n - 1), [True] + [False] * (n - 1)):
        tensor_check(F.linear, arrays, requires, torch_fn=torch.nn.functional.linear)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_and_log_softmax(axis):
    x = randn(3, 4)
    tensor_check(lambda a: F.softmax(a, axis=axis), [x], torch_fn=lambda a: torch.softmax(a, dim=axis))
    tensor_check(lambda a: F.log_softmax(a, axis=axis), [x], torch_fn=lambda a: torch.log_softmax(a, dim=axis))


def test_cross_entropy():
    targets = np.array([2, 0, 1, 2])
    tensor_check(
        lambda a: F.cross_entropy(a, targets),
        [randn(4, 3)],
        torch_fn=lambda a: torch.nn.functional.cross_entropy(a, torch.tensor(targets)),
    )


# --------------------------------------------------------------------------
# The Function.backward contract, checked directly
# --------------------------------------------------------------------------


class Spy(Function):
    """The identity, recording the dtype of the gradient that reaches it."""

    name = "spy"
    seen = []

    @staticmethod
    def forward(ctx, a):
        return a

    @staticmethod
    def backward(ctx, grad_out):
        Spy.seen.append(grad_out.dtype)
        return (grad_out,)


def test_gradients_keep_the_dtype_of_a_float32_graph():
    """The seed, an explicit grad and GetItem's scatter are all float32 for float32 tensors."""
    x = Tensor(np.array([1.0, 2.0, 3.0], dtype=np.float32), requires_grad=True)
    Spy.seen.clear()
    Spy.apply(x).sum().backward()  # seeded with ones
    Spy.apply(x).backward(np.array([1.0, 2.0, 3.0]))  # an explicit float64 grad
    Spy.apply(x)[np.array([0, 2, 2])].sum().backward()  # through GetItem's scatter
    assert Spy.seen == [np.float32, np.float32, np.float32]


@pytest.mark.parametrize(
    "make",
    [
        lambda a, b: a * b,
        lambda a, b: a / b,
        lambda a, b: a**b,
        lambda a, b: a @ b,
        lambda a, b: F.linear(a, b),
    ],
    ids=["mul", "div", "pow", "matmul", "linear"],
)
def test_backward_returns_none_for_an_input_that_needs_no_gradient(make):
    """Function.backward's contract: None (no work) for inputs with requires_grad=False."""
    for requires in ((True, False), (False, True)):
        a = Tensor(positive(3, 3), requires_grad=requires[0])
        b = Tensor(positive(3, 3), requires_grad=requires[1])
        out = make(a, b)
        grads = out._ctx.function.backward(out._ctx, np.ones(out.shape))
        for grad, needed in zip(grads, requires):
            if needed:
                assert isinstance(grad, np.ndarray)
            else:
                assert grad is None


def test_linear_returns_no_bias_gradient_when_the_bias_needs_none():
    x = Tensor(randn(5, 3), requires_grad=True)
    weight = Tensor(randn(4, 3), requires_grad=True)
    for out in (F.linear(x, weight), F.linear(x, weight, Tensor(randn(4)))):
        grads = out._ctx.function.backward(out._ctx, np.ones(out.shape))
        assert isinstance(grads[0], np.ndarray) and isinstance(grads[1], np.ndarray)
        assert len(grads) == 2 or grads[2] is None
