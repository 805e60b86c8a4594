"""Every Tensor op, forward and backward, against PyTorch in float64.

Shapes and values come from hypothesis. Each check seeds backward() with a
random upstream gradient (not all ones, which would hide a wrong `* grad_out`)
and compares the output and every input's gradient with torch's.
"""

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.functional as F
from minigrad.tensor import Tensor, unbroadcast
from oracle import positive, randn, tensor_check

RTOL, ATOL = 1e-10, 1e-12
SETTINGS = settings(deadline=None)


# ---- helpers ---------------------------------------------------------------

def floats(low=-3.0, high=3.0):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, width=64)


def arrays(shape, low=-3.0, high=3.0):
    return hnp.arrays(np.float64, shape, elements=floats(low, high))


small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)
broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=4)


def compare_with_torch(fn, torch_fn, inputs, requires=None, seed=0):
    """Run fn on minigrad tensors and torch_fn on torch tensors; compare values and grads."""
    requires = requires or [True] * len(inputs)
    ours = [Tensor(np.array(a, dtype=np.float64), requires_grad=r) for a, r in zip(inputs, requires)]
    theirs = [torch.tensor(np.array(a, dtype=np.float64), requires_grad=r) for a, r in zip(inputs, requires)]
    out, expected = fn(*ours), torch_fn(*theirs)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=RTOL, atol=ATOL)
    assert out.shape == tuple(expected.shape)
    upstream = np.random.default_rng(seed).uniform(0.5, 2.0, out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for mine, torchs in zip(ours, theirs):
        if torchs.requires_grad:
            assert mine.grad is not None and mine.grad.shape == mine.shape
            np.testing.assert_allclose(mine.grad, torchs.grad.numpy(), rtol=RTOL, atol=ATOL)
        else:
            assert mine.grad is None


# ---- binary ops with broadcasting -------------------------------------------

BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "pow": (lambda a, b: a ** b, lambda a, b: a ** b),
}


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(data=st.data(), shapes=broadcast_pairs, requires=st.sampled_from([(True, True), (True, False), (False, True)]))
def test_binary_ops_broadcast_like_torch(name, data, shapes, requires):
    shape_a, shape_b = shapes.input_shapes
    low = 0.5 if name == "pow" else -3.0  # pow: positive base so d/dexponent = out * log(base) exists
    a = data.draw(arrays(shape_a, low=low), label="a")
    b = data.draw(arrays(shape_b), label="b")
    if name == "div":
        b = np.where(np.abs(b) < 0.5, 0.5 + np.abs(b), b)  # keep away from division by ~0
    ours, theirs = BINARY[name]
    compare_with_torch(ours, theirs, [a, b], requires=list(requires))


@SETTINGS
@given(shape=small_shapes, data=st.data())
def test_same_input_used_twice_accumulates(shape, data):
    a = data.draw(arrays(shape))
    compare_with_torch(lambda x: x * x + x, lambda x: x * x + x, [a])


@pytest.mark.parametrize("expression", [
    lambda x: 2 + x, lambda x: x + 2, lambda x: 2 - x, lambda x: x - 2.5, lambda x: 3 * x, lambda x: x * 3,
    lambda x: 2 / x, lambda x: x / 4, lambda x: x ** 3, lambda x: x ** 0.5, lambda x: 2 ** x, lambda x: -x,
])
@SETTINGS
@given(a=arrays(small_shapes, low=0.5))
def test_ops_with_python_numbers(expression, a):
    compare_with_torch(expression, expression, [a])


# ---- matmul -------------------------------------------------------------------

@SETTINGS
@given(n=st.integers(1, 4), k=st.integers(1, 4), m=st.integers(1, 4), batch=st.sampled_from(
    [((), ()), ((2,), ()), ((), (3,)), ((2,), (2,)), ((2, 1), (3,)), ((1,), (2,))]), data=st.data(),
    vector=st.sampled_from(["none", "left", "right", "both"]))
def test_matmul_like_torch(n, k, m, batch, data, vector):
    batch_a, batch_b = batch
    shape_a = (k,) if vector in ("left", "both") else batch_a + (n, k)
    shape_b = (k,) if vector in ("right", "both") else batch_b + (k, m)
    a, b = data.draw(arrays(shape_a)), data.draw(arrays(shape_b))
    compare_with_torch(lambda x, y: x @ y, lambda x, y: x @ y, [a, b])
    compare_with_torch(lambda x, y: x @ y, lambda x, y: x @ y, [a, b], requires=[False, True])


def test_matmul_with_numpy_array_on_either_side():
    a = np.arange(6.0).reshape(2, 3)
    x = Tensor(np.ones((3, 2)), requires_grad=True)
    (a @ x).sum().backward()
    np.testing.assert_allclose(x.grad, a.sum(axis=0)[:, None] * np.ones((3, 2)))
    np.testing.assert_allclose((x @ a).data, np.ones((3, 2)) @ a)


# ---- elementwise functions ------------------------------------------------------

UNARY = {
    "exp": (lambda x: x.exp(), torch.exp, -3.0),
    "log": (lambda x: x.log(), torch.log, 0.1),
    "relu": (lambda x: x.relu(), torch.relu, -3.0),
    "tanh": (lambda x: x.tanh(), torch.tanh, -3.0),
    "sigmoid": (lambda x: x.sigmoid(), torch.sigmoid, -3.0),
    "neg": (lambda x: -x, lambda x: -x, -3.0),
}


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(data=st.data(), shape=small_shapes)
def test_unary_ops_like_torch(name, data, shape):
    ours, theirs, low = UNARY[name]
    compare_with_torch(ours, theirs, [data.draw(arrays(shape, low=low))])


def test_sigmoid_is_stable_for_huge_inputs():
    x = Tensor(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # overflow or NaN -> error
        y = x.sigmoid()
        y.sum().backward()
    np.testing.assert_allclose(y.data, torch.sigmoid(torch.tensor(x.data)).numpy(), rtol=1e-12, atol=0)
    assert np.all(np.isfinite(x.grad))


def test_relu_gradient_at_zero_is_zero_like_torch():
    x = Tensor(np.array([-1.0, 0.0, 1.0]), requires_grad=True)
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


# ---- reductions -------------------------------------------------------------------

def axes_for(shape):
    ndim = len(shape)
    options = [None] + list(range(ndim)) + list(range(-ndim, 0))
    if ndim >= 2:
        options.append((0, ndim - 1))
    return st.sampled_from(options)


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), keepdims=st.booleans())
def test_reductions_like_torch(name, data, shape, keepdims):
    axis = data.draw(axes_for(shape), label="axis")
    # Few distinct values, so that max often has ties (they share the gradient, as in torch.amax).
    a = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 0.5, 2.0])))

    def torch_fn(t):
        dims = tuple(range(t.ndim)) if axis is None else axis
        if name == "sum":
            return t.sum(dim=dims, keepdim=keepdims)
        if name == "mean":
            return t.mean(dim=dims, keepdim=keepdims)
        return torch.amax(t, dim=dims, keepdim=keepdims)

    compare_with_torch(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), torch_fn, [a])


def test_max_ties_share_the_gradient():
    x = Tensor(np.array([3.0, 1.0, 3.0]), requires_grad=True)
    x.max().backward(np.array(4.0))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 2.0])


# ---- shape operations -------------------------------------------------------------

@SETTINGS
@given(data=st.data(), shape=small_shapes)
def test_reshape_like_torch(data, shape):
    a = data.draw(arrays(shape))
    size = a.size
    new_shape = data.draw(st.sampled_from([(size,), (1, size), (size, 1), (-1,), (1, -1, 1)]))
    compare_with_torch(lambda t: t.reshape(new_shape), lambda t: t.reshape(new_shape), [a])
    compare_with_torch(lambda t: t.reshape(*new_shape), lambda t: t.reshape(*new_shape), [a])


@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
def test_transpose_like_torch(data, shape):
    a = data.draw(arrays(shape))
    axes = tuple(data.draw(st.permutations(range(len(shape)))))
    compare_with_torch(lambda t: t.permute(*axes), lambda t: t.permute(*axes), [a])
    compare_with_torch(lambda t: t.permute(axes), lambda t: t.permute(*axes), [a])
    reverse = tuple(reversed(range(len(shape))))
    compare_with_torch(lambda t: t.T, lambda t: t.permute(*reverse), [a])
    d0, d1 = data.draw(st.integers(-len(shape), len(shape) - 1)), data.draw(st.integers(-len(shape), len(shape) - 1))
    compare_with_torch(lambda t: t.transpose(d0, d1), lambda t: t.transpose(d0, d1), [a])


def test_permute_with_negative_axes():
    a = np.arange(24.0).reshape(2, 3, 4)
    compare_with_torch(lambda t: t.permute(-1, 0, -2), lambda t: t.permute(2, 0, 1), [a])


def test_transpose_swaps_two_axes_as_in_pytorch():
    """Not numpy's permutation: x.transpose(0, 1) of a (2, 3) tensor is (3, 2)."""
    a = np.arange(6.0).reshape(2, 3)
    compare_with_torch(lambda t: t.transpose(0, 1), lambda t: t.transpose(0, 1), [a])
    x = Tensor(a)
    assert x.transpose(0, 1).shape == (3, 2) and x.transpose(1, 1).shape == (2, 3)
    for wrong in [(), (1, 0, 2), ((1, 0),)]:
        with pytest.raises(TypeError, match=r"swaps two axes.*permute"):
            Tensor(np.zeros((2, 3, 4))).transpose(*wrong)


INDICES = [
    (slice(1, 3),),
    (slice(None, None, 2),),
    (0,),
    (-1,),
    (np.array([0, 0, 2, 1, 0]),),          # repeated indices: gradients must add up
    (slice(None), np.array([1, 1, 0])),
    (np.array([0, 2]), np.array([1, 1])),
    (Ellipsis, 0),
    (None, slice(0, 2)),
    (np.array([True, False, True]),),
]


@pytest.mark.parametrize("index", INDICES, ids=[str(i) for i in range(len(INDICES))])
@SETTINGS
@given(data=st.data())
def test_indexing_like_torch(index, data):
    a = data.draw(arrays((3, 4)))
    torch_index = tuple(torch.from_numpy(i) if isinstance(i, np.ndarray) else i for i in index)
    compare_with_torch(lambda t: t[index], lambda t: t[torch_index], [a])


def test_repeated_indices_accumulate():
    x = Tensor(np.arange(4.0), requires_grad=True)
    x[[0, 0, 0, 3]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 0.0, 1.0])


def test_index_with_a_tensor():
    x = Tensor(np.arange(4.0), requires_grad=True)
    x[Tensor(np.array([1, 1]))].sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 2.0, 0.0, 0.0])


# ---- a composite expression --------------------------------------------------------

@SETTINGS
@given(data=st.data())
def test_small_network_expression_like_torch(data):
    x = data.draw(arrays((4, 3)))
    w = data.draw(arrays((3, 5)))
    b = data.draw(arrays((5,)))
    # max splits its gradient between tied entries, in both libraries. But a tie
    # can exist in one library and not in the other: BLAS may round one column
    # of x @ w an ulp differently, and tanh saturates to exactly 1.0 in one
    # library and to 1 - 2**-53 in the other. Both gradients are then correct
    # for their own numbers, so this test keeps every row's maximum clear.
    top_two = np.sort(np.tanh(x @ w + b), axis=1)[:, -2:]
    assume(np.all(top_two[:, 1] - top_two[:, 0] > 1e-9))

    def net(x, w, b):
        h = (x @ w + b).tanh()
        return (h * h).mean(axis=0).sum() + h.max(axis=1).sigmoid().sum()

    compare_with_torch(net, lambda x, w, b: (lambda h: (h * h).mean(dim=0).sum() + torch.amax(h, dim=1)
                                              .sigmoid().sum())((x @ w + b).tanh()), [x, w, b])


# ---- dtype rules -----------------------------------------------------------------

def test_python_numbers_and_lists_become_float32():
    assert Tensor(3).dtype == np.float32
    assert Tensor(2.5).dtype == np.float32
    assert Tensor([[1, 2], [3, 4]]).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_dtype_is_kept_through_ops_and_gradients(dtype):
    x = Tensor(np.array([1.0, 2.0], dtype=dtype), requires_grad=True)
    y = ((x * 2 + 1) / 3 - 0.5) ** 2
    z = (y.exp().log().tanh().sigmoid().relu() @ x).sum()
    assert y.dtype == dtype and z.dtype == dtype
    z.backward()
    assert x.grad.dtype == dtype


def test_numpy_integer_arrays_keep_their_dtype():
    assert Tensor(np.array([1, 2], dtype=np.int64)).dtype == np.int64


def test_float32_leaf_gets_float32_grad_even_next_to_float64():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (x * Tensor(np.array([3.0, 4.0]))).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


# ---- autograd engine behaviour ----------------------------------------------------

def test_requires_grad_propagates():
    a, b = Tensor([1.0], requires_grad=True), Tensor([2.0])
    assert (a + b).requires_grad and (b + a).requires_grad
    assert not (b * b).requires_grad


def test_gradients_accumulate_across_backward_calls():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    (x * x).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0 + 3.0, 4.0 + 3.0])
    x.zero_grad()
    assert x.grad is None


def test_backward_twice_on_the_same_graph_accumulates():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    loss.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_leaf_grads_never_alias_each_other_or_the_upstream_grad():
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    upstream = np.array([1.0, 1.0])
    (a + b).backward(upstream)
    a.grad[0] = 100.0
    assert b.grad[0] == 1.0 and upstream[0] == 1.0
    c = Tensor(np.zeros((2, 3)), requires_grad=True)
    c.sum().backward()
    c.grad[0, 0] = 5.0  # the gradient of sum is a broadcast view internally; .grad must be writable
    assert c.grad[1, 1] == 1.0


def test_non_leaf_tensors_get_no_grad():
    x = Tensor(np.array([1.0]), requires_grad=True)
    y = x * 2
    (y * 3).sum().backward()
    assert y.grad is None and x.grad[0] == 6.0


def test_graph_nodes_expose_prev_and_op():
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    b = Tensor(np.ones((3, 2)), requires_grad=True)
    c = a @ b
    d = c.relu()
    assert a._prev == () and a._op == ""
    assert c._op == "matmul" and c._prev == (a, b)
    assert d._op == "relu" and d._prev[0] is c
    ops = {(a * b.T)._op, (a + 1)._op, (a - 1)._op, (a / 2)._op, (a ** 2)._op, (-a)._op, a.sum()._op,
           a.mean()._op, a.max()._op, a.exp()._op, a.tanh()._op, a.sigmoid()._op, a.reshape(6)._op,
           a.T._op, a[0]._op}
    assert ops == {"mul", "add", "sub", "div", "pow", "neg", "sum", "mean", "max", "exp", "tanh",
                   "sigmoid", "reshape", "transpose", "getitem"}


def test_a_100k_long_chain_backpropagates_without_recursion():
    x = Tensor(np.array(1.0), requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    del y  # freeing the chain must not hit the recursion limit either


def test_graph_has_no_reference_cycles():
    import gc
    import weakref

    x = Tensor(np.ones(3), requires_grad=True)
    y = (x * 2).exp().sum()
    y.backward()
    alive = weakref.ref(y)
    gc.disable()
    try:
        del y
        assert alive() is None  # freed by reference counting alone
    finally:
        gc.enable()


def test_detach_item_numpy():
    x = Tensor(np.array([[2.5]]), requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d._prev == () and d.item() == 5.0
    assert isinstance(x.item(), float) and x.item() == 2.5
    assert x.numpy() is x.data
    assert float(x) == 2.5
    assert x.shape == (1, 1) and x.ndim == 2 and x.dtype == np.float64


@SETTINGS
@given(shapes=broadcast_pairs)
def test_unbroadcast_inverts_broadcasting(shapes):
    shape, _ = shapes.input_shapes
    out_shape = shapes.result_shape
    grad = np.random.default_rng(0).normal(size=out_shape)
    expected = torch.tensor(np.zeros(shape), requires_grad=True)
    torch.broadcast_to(expected, out_shape).backward(torch.from_numpy(grad))
    np.testing.assert_allclose(unbroadcast(grad, shape), expected.grad.numpy(), rtol=1e-12)


# --------------------------------------------------------------------------
# Every op used twice, with a random upstream gradient (tests/oracle.py)
# --------------------------------------------------------------------------


BINARY_LAMBDAS = {
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
@pytest.mark.parametrize("name", sorted(BINARY_LAMBDAS))
def test_tensor_binary_ops_with_broadcasting(name, shapes):
    shape_a, shape_b = shapes
    if name == "pow":
        arrays = [positive(*shape_a), randn(*shape_b)]
    elif name == "div":
        arrays = [randn(*shape_a), randn(*shape_b, low=0.5)]
    else:
        arrays = [randn(*shape_a), randn(*shape_b)]
    for requires in ([True, True], [True, False], [False, True]):
        tensor_check(BINARY_LAMBDAS[name], arrays, requires)


@pytest.mark.parametrize("name", sorted(BINARY_LAMBDAS))
def test_tensor_binary_op_with_the_same_tensor_twice(name):
    x = positive(3, 2) if name in ("pow", "div") else randn(3, 2)
    tensor_check(lambda a: BINARY_LAMBDAS[name](a, a), [x])


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


UNARY_FUNCTIONS = {
    "exp": (lambda a: a.exp(), lambda a: a.exp(), randn),
    "log": (lambda a: a.log(), lambda a: a.log(), positive),
    "relu": (lambda a: a.relu(), lambda a: a.relu(), lambda *s: randn(*s, low=0.05)),
    "tanh": (lambda a: a.tanh(), lambda a: a.tanh(), randn),
    "sigmoid": (lambda a: a.sigmoid(), lambda a: a.sigmoid(), randn),
}


@pytest.mark.parametrize("name", sorted(UNARY_FUNCTIONS))
def test_tensor_unary_functions(name):
    ours, theirs, make = UNARY_FUNCTIONS[name]
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
        (lambda a: a.permute(1, 2, 0), lambda a: a.permute(1, 2, 0)),
        (lambda a: a.permute(2, 0, 1), lambda a: a.permute(2, 0, 1)),
        (lambda a: a.transpose(0, 2), lambda a: a.transpose(0, 2)),
        (lambda a: a.T, lambda a: a.permute(2, 1, 0)),
        (lambda a: a[1], lambda a: a[1]),
        (lambda a: a[:, 1:3], lambda a: a[:, 1:3]),
        (lambda a: a[np.array([0, 0, 1])], lambda a: a[torch.tensor([0, 0, 1])]),
        (lambda a: a[:, np.array([2, 0, 2])], lambda a: a[:, torch.tensor([2, 0, 2])]),
    ],
    ids=["reshape", "reshape-tuple", "permute-120", "permute-201", "transpose-02", "T", "int", "slice", "repeat", "repeat-axis1"],
)
def test_tensor_shape_operations(ours, theirs):
    tensor_check(ours, [randn(2, 3, 4)], torch_fn=theirs)
