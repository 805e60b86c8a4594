"""minigrad.autograd: the engine both number types share.

topological_order, the Function contract (what ``backward`` may return, and
the clear errors when it returns something else), the saved-values API and
the gradient mode.
"""

import numpy as np
import pytest
import torch

import minigrad.functional as F
from minigrad.autograd import Function, is_grad_enabled, no_grad, topological_order, unbroadcast
from minigrad.scalar import Value
from minigrad.tensor import Tensor
from oracle import ATOL, RTOL, positive, randn, recursive_build_topo

# --------------------------------------------------------------------------
# topological_order
# --------------------------------------------------------------------------


def assert_topological(order, include=lambda node: True):
    """Each node once, every (included) input before the node that uses it."""
    assert len(order) == len(set(map(id, order)))
    position = {id(node): i for i, node in enumerate(order)}
    for node in order:
        for parent in node._prev:
            if include(parent):
                assert position[id(parent)] < position[id(node)]


def test_topological_order_of_a_scalar_graph_lists_each_node_once_after_its_parents():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert len(order) == 5
    assert_topological(order)
    assert order[-1] is e
    assert order[:2] == [a, b]  # inputs first to last: micrograd's build_topo order
    assert e._topological_order() == order  # the method the chapters call is this walk


def test_topological_order_follows_only_included_inputs():
    a = Tensor(np.array([1.0]), requires_grad=True)
    b = Tensor(np.array([2.0]), requires_grad=True)
    constant = Tensor(np.array([5.0]))
    c = a * b
    d = c + a
    e = d * c + constant
    order = topological_order(e, include=lambda t: t.requires_grad)
    assert len(order) == 6 and all(node is not constant for node in order)
    assert_topological(order, include=lambda t: t.requires_grad)
    assert order[-1] is e
    assert len(topological_order(e)) == 7  # without `include`, the constant is a node too
    assert e._topological_order() == order


def test_topological_order_works_on_any_node_with_prev():
    """The node protocol: autograd needs nothing but `_prev` to sort a graph."""

    class Node:
        def __init__(self, *prev):
            self._prev = prev

    leaf = Node()
    middle = Node(leaf, leaf)
    root = Node(middle, leaf)
    assert topological_order(root) == [leaf, middle, root]


def test_topological_order_of_a_deep_graph_needs_no_recursion():
    x = Value(1.0)
    y = x
    for _ in range(20_000):
        y = y + 1.0
    assert len(topological_order(y)) == 40_001


# --------------------------------------------------------------------------
# The Function contract
# --------------------------------------------------------------------------


class Double(Function):
    """A learner's op whose backward returns its gradient bare, as PyTorch's Exp example does."""

    @staticmethod
    def forward(ctx, a):
        return 2 * a

    @staticmethod
    def backward(ctx, grad_out):
        return 2 * grad_out


def test_a_bare_gradient_of_a_one_input_op_is_wrapped():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    Double.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])  # not 2.0: the array is one gradient
    assert x.grad.shape == (3,)


class OneGradientForTwo(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out  # forgot b's gradient


def test_a_wrong_number_of_gradients_names_the_function_and_both_counts():
    a = Tensor(np.ones(3), requires_grad=True)
    b = Tensor(np.ones(3), requires_grad=True)
    out = OneGradientForTwo.apply(a, b).sum()
    with pytest.raises(TypeError, match=r"OneGradientForTwo\.backward returned 1 gradient\(s\) for 2 input\(s\)"):
        out.backward()


class ThreeForOne(Function):
    @staticmethod
    def forward(ctx, a):
        return a

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out, grad_out, None


def test_too_many_gradients_is_an_error_too():
    x = Tensor(np.ones(2), requires_grad=True)
    with pytest.raises(TypeError, match=r"ThreeForOne\.backward returned 3 gradient\(s\) for 1 input\(s\)"):
        ThreeForOne.apply(x).sum().backward()


class SumsTooMuch(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out, grad_out.sum(axis=0)  # b's gradient lost an axis it has


def test_a_gradient_of_the_wrong_shape_names_the_function_the_input_and_both_shapes():
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    b = Tensor(np.ones((2, 3)), requires_grad=True)
    out = SumsTooMuch.apply(a, b).sum()
    with pytest.raises(ValueError, match=r"SumsTooMuch\.backward returned a gradient of shape \(3,\) "
                                         r"for input 1, which has shape \(2, 3\)"):
        out.backward()


class Transposed(Function):
    @staticmethod
    def forward(ctx, a):
        return a.T

    @staticmethod
    def backward(ctx, grad_out):
        return (grad_out,)  # forgot to transpose back: (3, 2) for a (2, 3) input


def test_a_gradient_that_cannot_be_summed_back_to_its_input_is_an_error():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(3, 2\) for input 0, which has shape \(2, 3\)"):
        Transposed.apply(x).sum().backward()


class Broadcasting(Function):
    """Like Add: returns output-shaped gradients and lets the engine sum them down."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad_out):
        return [grad_out, 3 * grad_out]  # a list is fine too


@pytest.mark.parametrize("b_shape", [(3,), (1, 3), (2, 1), (), (1,)])
def test_gradients_with_a_broadcast_shape_are_summed_back(b_shape):
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    b = Tensor(np.ones(b_shape), requires_grad=True)
    Broadcasting.apply(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, np.ones((2, 3)))
    assert b.grad.shape == b_shape
    np.testing.assert_array_equal(b.grad, np.full(b_shape, 3.0 * 6 / max(np.prod(b_shape), 1)))


class NoneForB(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * 2

    @staticmethod
    def backward(ctx, grad_out):
        return 2 * grad_out, None  # b has no influence: no gradient


def test_none_means_no_gradient():
    a = Tensor(np.ones(2), requires_grad=True)
    b = Tensor(np.ones(2), requires_grad=True)
    NoneForB.apply(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [2.0, 2.0])
    assert b.grad is None


def test_the_contract_holds_for_every_tensor_op():
    """Every op of minigrad returns one gradient per input with a shape the engine accepts."""
    x = Tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)
    w = Tensor(np.ones((3, 2)), requires_grad=True)
    row = Tensor(np.ones(3), requires_grad=True)
    loss = ((x * row + row - x / row) ** 2).sum() + (x @ w).tanh().sum() + x.exp().mean() \
        + x.log().max() + x.relu().sigmoid().sum(axis=0).sum() + (-x).reshape(6)[1:4].sum() + x.T.sum()
    loss.backward()
    assert x.grad.shape == (2, 3) and w.grad.shape == (3, 2) and row.grad.shape == (3,)


# --------------------------------------------------------------------------
# Context: what forward leaves for backward
# --------------------------------------------------------------------------


class Cube(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a**3

    @staticmethod
    def backward(ctx, grad_out):
        (a,) = ctx.saved_arrays
        return (grad_out * 3 * a**2,)


def test_saved_arrays_are_the_numpy_arrays_forward_saved():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = Cube.apply(x)
    (saved,) = y._ctx.saved_arrays
    assert type(saved) is np.ndarray and saved is x.data
    assert y._ctx.function is Cube and y._ctx.needs_input_grad == (True,)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 12.0])


def test_the_pytorch_name_saved_tensors_points_to_saved_arrays():
    y = Cube.apply(Tensor(np.array([1.0]), requires_grad=True))
    with pytest.raises(AttributeError, match="saved_arrays"):
        y._ctx.saved_tensors


def test_an_op_on_inputs_that_need_no_gradient_records_no_graph():
    y = Cube.apply(Tensor(np.array([2.0])))
    assert not y.requires_grad and y._ctx is None and y._prev == () and y._op == ""
    np.testing.assert_array_equal(y.data, [8.0])


def test_the_op_name_defaults_to_the_class_name():
    y = Cube.apply(Tensor(np.array([2.0]), requires_grad=True))
    assert y._op == "cube"


# --------------------------------------------------------------------------
# Gradient mode
# --------------------------------------------------------------------------


def test_no_grad_records_nothing_and_restores_the_mode():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert is_grad_enabled()
    with no_grad():
        y = x * 2
        with no_grad():
            pass
        z = y + x
    assert not y.requires_grad and not z.requires_grad
    assert y._prev == () and y._op == ""
    assert (x * 2).requires_grad
    with pytest.raises(ValueError):
        with no_grad():
            raise ValueError("mode must be restored after an exception")
    assert (x * 2).requires_grad


# --------------------------------------------------------------------------
# unbroadcast and backward (through Tensor.backward)
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


def test_tensor_inputs_that_need_no_gradient_get_none_and_others_still_get_theirs():
    constant = Tensor(np.array([2.0, 3.0]))
    x = Tensor(np.array([1.0, 4.0]), requires_grad=True)
    (constant * x + constant).sum().backward()
    assert constant.grad is None
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])


def test_a_deep_chain_multiplies_every_local_derivative():
    x = Tensor(np.array([1.0]), requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0001**5000], rtol=1e-9)


# --------------------------------------------------------------------------
# What the built-in ops' backward methods return
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


class PythonNumberGradient(Function):
    """A one-number op whose backward returns a plain Python float."""

    @staticmethod
    def forward(ctx, a):
        return 3 * a

    @staticmethod
    def backward(ctx, grad_out):
        return float(grad_out) * 3


def test_a_gradient_that_is_a_python_number_is_turned_into_an_array():
    x = Tensor(np.array(2.0), requires_grad=True)
    PythonNumberGradient.apply(x).backward()
    assert isinstance(x.grad, np.ndarray) and x.grad.shape == () and x.grad == 3.0


# --------------------------------------------------------------------------
# topological_order against micrograd's recursive build_topo, on random DAGs
# --------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(20))
def test_topological_order_is_micrograds_recursive_order_on_random_dags(seed):
    """Shared inputs, an input used twice by one node, diamonds: the same list, node for node."""
    rng = np.random.default_rng(seed)

    class Node:
        def __init__(self, *prev):
            self._prev = prev

    nodes = [Node() for _ in range(4)]
    for _ in range(40):
        arity = int(rng.integers(1, 4))
        nodes.append(Node(*(nodes[int(i)] for i in rng.integers(0, len(nodes), arity))))
    root = nodes[-1]
    assert topological_order(root) == recursive_build_topo(root)
    skip = set(nodes[:2])
    order = topological_order(root, include=lambda node: node not in skip)
    assert not skip & set(order)
    assert_topological(order, include=lambda node: node not in skip)


# --------------------------------------------------------------------------
# Who owns a leaf's .grad
# --------------------------------------------------------------------------

class ReturnsSaved(Function):
    """A learner's op whose backward hands back an array it saved (its input's data!)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a.sum()

    @staticmethod
    def backward(ctx, grad_out):
        (a,) = ctx.saved_arrays
        return a  # wrong maths on purpose: the point is who owns the array


class ReturnsFresh(Function):
    """An op whose backward returns a new array; it records the array's id, not the array."""

    seen = []

    @staticmethod
    def forward(ctx, a):
        return a * 3

    @staticmethod
    def backward(ctx, grad_out):
        grad = grad_out * 3
        ReturnsFresh.seen.append(id(grad))
        return grad


def test_a_gradient_that_an_op_saved_is_copied_into_grad():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    ReturnsSaved.apply(x).backward()
    assert not np.shares_memory(x.grad, x.data)
    x.grad[0] = 50.0
    assert x.data[0] == 1.0


def test_a_fresh_gradient_nothing_else_holds_becomes_grad_without_a_copy():
    """As PyTorch's AccumulateGrad does: no pass over memory when no one can see the array."""
    ReturnsFresh.seen.clear()
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    ReturnsFresh.apply(x).sum().backward()
    assert ReturnsFresh.seen == [id(x.grad)]


def test_a_gradient_passed_through_to_two_leaves_is_copied_for_each():
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    (a.reshape(1, 2) + b.reshape(1, 2)).sum().backward()  # the add passes one array to both
    assert not np.shares_memory(a.grad, b.grad)


def test_a_leafs_own_backward_seed_is_never_its_grad():
    seed = np.array([1.0, 1.0])
    x = Tensor(np.array([5.0, 6.0]), requires_grad=True)
    x.backward(seed)
    x.grad += 1
    np.testing.assert_array_equal(seed, [1.0, 1.0])


def test_a_leaf_used_in_two_places_after_a_view_gets_its_own_sum():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = Tensor(np.ones((3, 2)), requires_grad=True)
    (x.T * y + x.T).sum().backward()
    t_x = torch.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    t_y = torch.ones((3, 2), dtype=torch.float64, requires_grad=True)
    (t_x.T * t_y + t_x.T).sum().backward()
    np.testing.assert_allclose(x.grad, t_x.grad.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(y.grad, t_y.grad.numpy(), rtol=RTOL, atol=ATOL)
    assert not np.shares_memory(x.grad, y.grad)


def test_with_the_reference_count_shortcut_off_every_leaf_gradient_is_a_copy(monkeypatch):
    """The benchmark's switch (bench_mlp_step.py --grad-copy): the plain way, same numbers."""
    from minigrad import autograd

    monkeypatch.setattr(autograd, "KEEP_UNSHARED_GRADIENTS", False)
    ReturnsFresh.seen.clear()
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    ReturnsFresh.apply(x).sum().backward()
    assert ReturnsFresh.seen != [id(x.grad)]  # a copy, though nothing else held the array
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    (a + b).sum().backward()  # the add passes one array to both
    assert not np.shares_memory(a.grad, b.grad)
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])
