"""The tensor engine under hostile input, against PyTorch float64 (or a clear error).

Families: aliasing of the caller's arrays, silent precision loss, grad mode and
threads, Python protocols (bool, iteration, len, np.asarray), power at the edges,
reduction axes, empty tensors, nan. Where minigrad deliberately differs from
PyTorch, the test says so (and the README's table lists it).
"""

import threading

import numpy as np
import pytest
import torch

import minigrad.functional as F
from minigrad.scalar import Value
from minigrad.tensor import Tensor, is_grad_enabled, no_grad


def leaf(values):
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def torch_leaf(values):
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


# ---- your array is yours ---------------------------------------------------------

def test_tensor_copies_the_callers_array():
    buf = np.array([1.0, 2.0, 3.0])
    w = leaf([1.0, 1.0, 1.0])
    x = Tensor(buf)
    y = (w * x).sum()
    buf[:] = 100.0  # refilled for the next batch, before backward of this one
    y.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 2.0, 3.0])
    t = Tensor(buf, requires_grad=True)
    t.data += 1  # changing the tensor does not change the caller's array either
    np.testing.assert_array_equal(buf, [100.0, 100.0, 100.0])


def test_tensor_of_a_tensor_is_a_copy():
    a = leaf([1.0])
    b = Tensor(a)
    b.data[0] = 5.0
    assert a.data[0] == 1.0


# ---- no silent float32 --------------------------------------------------------------

def test_backward_with_a_list_keeps_float64_precision():
    x = leaf([1.0, 2.0])
    (x * 1.0).backward([0.1, 1e-50])
    assert x.grad[0] == 0.1 and x.grad[1] == 1e-50


def test_adding_a_list_to_a_float64_tensor_stays_float64():
    x = leaf([1.0])
    y = x + [0.1]
    assert y.dtype == np.float64 and y.data[0] == 1.0 + 0.1
    z = [0.1] * x
    assert z.data[0] == 0.1
    w = x @ [[0.1]]
    assert w.data[0] == 0.1


def test_a_float32_tensor_with_a_list_stays_float32():
    x = Tensor(np.array([1.0], dtype=np.float32))
    assert (x + [0.1]).dtype == np.float32


# ---- grad mode is per thread ----------------------------------------------------------

def test_no_grad_in_one_thread_does_not_switch_off_another():
    entered, release = threading.Event(), threading.Event()

    def worker():
        with no_grad():
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait(5)
    try:
        assert is_grad_enabled()
        assert (leaf([1.0]) * 2).requires_grad
    finally:
        release.set()
        thread.join()


def test_interleaved_exits_in_two_threads_leave_grad_mode_on():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()
        seen["a"] = is_grad_enabled()

    def b():
        a_in.wait(5)
        with no_grad():
            b_in.set()
            a_out.wait(5)  # A leaves first, B second: the order that used to leave grad off
        seen["b"] = is_grad_enabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": True, "b": True}
    assert is_grad_enabled()


def test_no_grad_nests_and_restores_after_an_error():
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    with pytest.raises(KeyError):
        with no_grad():
            raise KeyError("boom")
    assert is_grad_enabled()


# ---- Python protocols like PyTorch's ----------------------------------------------------

@pytest.mark.parametrize("values, expected", [([0.0], False), ([2.0], True), (0.0, False), (-1.0, True)])
def test_bool_of_a_one_element_tensor_is_its_value(values, expected):
    assert bool(Tensor(values)) is expected is bool(torch.tensor(values))


@pytest.mark.parametrize("values", [[1.0, 2.0], [], [[0.0, 0.0]]])
def test_bool_of_many_or_no_elements_is_ambiguous(values):
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(Tensor(values))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(torch.tensor(values))


def test_a_0d_tensor_is_not_iterable_and_has_no_len():
    with pytest.raises(TypeError, match="0-d"):
        sum(Tensor(5.0))
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(5.0))
    with pytest.raises(TypeError):
        sum(torch.tensor(5.0))


def test_iterating_gives_rows_that_carry_gradients():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    rows = list(x)
    assert len(rows) == 2 and rows[1].shape == (2,)
    total = sum(row.sum() * (i + 1) for i, row in enumerate(x))
    total.backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0], [2.0, 2.0]])


def test_np_asarray_gives_the_numbers():
    t = leaf([1.0, 2.5])
    array = np.asarray(t)
    assert array.dtype == np.float64 and array.tolist() == [1.0, 2.5]
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    assert np.array(Tensor(3.0)) == 3.0


# ---- power at the edges, against PyTorch -------------------------------------------------

def compare_pow(base, exponent, exponent_grad=True):
    b, e = leaf(base), Tensor(np.array(exponent, dtype=np.float64), requires_grad=exponent_grad)
    tb = torch_leaf(base)
    te = torch.tensor(exponent, dtype=torch.float64, requires_grad=exponent_grad)
    out, t_out = b**e, tb**te
    np.testing.assert_array_equal(out.data, t_out.detach().numpy())
    upstream = np.arange(1.0, out.data.size + 1).reshape(out.shape)
    out.backward(upstream)
    t_out.backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(b.grad, tb.grad.numpy(), rtol=1e-12)
    if exponent_grad:
        np.testing.assert_allclose(e.grad, te.grad.numpy(), rtol=1e-12)


def test_derivative_of_x_to_the_zero_is_zero_even_at_zero():
    compare_pow([0.0, 1.0, -2.0], [0.0, 0.0, 0.0], exponent_grad=False)
    compare_pow([0.0, 1.0], [0.0, 0.0])
    x = leaf([0.0, 3.0])
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_powers_at_zero_give_their_gradients_without_a_numpy_warning():
    # Inside the backward rule, 0 ** -1 (for d/dx) and log(0) (for d/de) are computed
    # and then masked out: the learner must see the right gradients and no
    # "divide by zero" or "invalid value" RuntimeWarning from numpy.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compare_pow([0.0, 0.0, 2.0], [0.0, 2.0, 3.0])


def test_negative_base_is_fine_where_its_own_exponent_is_an_integer():
    compare_pow([-2.0, 4.0, -1.5], [3.0, 0.5, 2.0], exponent_grad=False)


def test_negative_base_with_a_fractional_exponent_names_the_element():
    with pytest.raises(ValueError, match="negative base.*non-integer exponent"):
        leaf([-2.0, 4.0]) ** Tensor(np.array([0.5, 0.5]))


def test_exponent_gradient_where_the_base_is_zero_is_zero_like_pytorch():
    compare_pow([0.0, 2.0, 0.0, 3.0], [2.0, 1.5, 0.0, -1.0])


def test_exponent_gradient_through_a_negative_base_is_a_clear_error():
    out = leaf([-2.0, 2.0]) ** leaf([2.0, 2.0])
    with pytest.raises(ValueError, match="exponent.*negative base"):
        out.sum().backward()


def test_the_two_engines_agree_on_powers_at_zero():
    for base, k in [(0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (0.0, 1.0), (-2.0, 3.0)]:
        v = Value(base)
        (v**k).backward()
        t = leaf([base])
        (t**k).sum().backward()
        assert v.grad == t.grad[0], (base, k)


# ---- reduction axes -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_reducing_a_0d_tensor_over_an_axis_is_a_clear_error_at_forward(name):
    with pytest.raises(ValueError, match="axis 0 .*0-d"):
        getattr(leaf(5.0), name)(axis=0)


@pytest.mark.parametrize("name", ["sum", "mean", "max"])
def test_axis_as_a_list_is_a_tuple(name):
    values = np.arange(24.0).reshape(2, 3, 4)
    x, t = leaf(values), torch_leaf(values)
    ours = getattr(x, name)(axis=[0, 2])
    theirs = torch.amax(t, dim=(0, 2)) if name == "max" else getattr(torch, name)(t, dim=(0, 2))
    np.testing.assert_allclose(ours.data, theirs.detach().numpy())
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy())


@pytest.mark.parametrize("axis, error, words", [
    ((0, 0), ValueError, "repeated"),
    (3, ValueError, "axis 3 .*3 axes"),
    (-4, ValueError, "axis -4"),
    (1.5, TypeError, "axis must be"),
    ("0", TypeError, "axis must be"),
])
def test_bad_axes_are_clear_errors(axis, error, words):
    with pytest.raises(error, match=words):
        leaf(np.ones((2, 3, 4))).sum(axis=axis)


def test_axis_empty_tuple_reduces_nothing_unlike_pytorch():
    """Deliberate difference (README): numpy's meaning, not PyTorch's 'every axis'."""
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    with pytest.warns(UserWarning, match=r"sum\(axis=\(\)\) reduces over no axis.*PyTorch.*axis=None"):
        np.testing.assert_array_equal(x.sum(axis=()).data, x.data)


def test_max_ties_split_the_gradient_evenly_like_amax():
    """Deliberate difference (README): torch.max(dim) gives the whole gradient to one entry."""
    x, t = leaf([1.0, 3.0, 3.0]), torch_leaf([1.0, 3.0, 3.0])
    x.max().backward()
    torch.amax(t, dim=0).backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())
    np.testing.assert_array_equal(x.grad, [0.0, 0.5, 0.5])


# ---- empty tensors and nan --------------------------------------------------------------------

@pytest.mark.parametrize("function, torch_function", [
    (F.softmax, torch.softmax), (F.log_softmax, torch.log_softmax)])
def test_softmax_of_an_empty_axis_is_empty_like_pytorch(function, torch_function):
    x = leaf(np.zeros((2, 0)))
    out = function(x, axis=1)
    t_out = torch_function(torch_leaf(np.zeros((2, 0))), dim=1)
    assert out.shape == tuple(t_out.shape) == (2, 0)
    out.backward(np.zeros((2, 0)))
    assert x.grad.shape == (2, 0)
    out0 = function(leaf(np.zeros((0, 3))), axis=1)
    assert out0.shape == (0, 3)


def test_max_of_an_empty_tensor_is_a_clear_error():
    with pytest.raises(ValueError, match="max of an empty"):
        leaf(np.zeros((2, 0))).max(axis=1)


def test_relu_of_nan_is_nan_and_passes_its_gradient_like_pytorch_and_the_scalar_engine():
    x, t = leaf([np.nan, -1.0, 2.0]), torch_leaf([np.nan, -1.0, 2.0])
    out, t_out = x.relu(), torch.relu(t)
    np.testing.assert_array_equal(out.data, t_out.detach().numpy())
    out.sum().backward()
    t_out.sum().backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())
    v = Value(float("nan"))
    v.relu().backward()
    assert v.grad == x.grad[0]


# ---- in-place updates ------------------------------------------------------------------------

def test_in_place_update_under_no_grad_keeps_the_same_parameter():
    from minigrad import nn

    lin = nn.Linear(2, 2, dtype=np.float64)
    weight = lin.weight
    before = weight.data.copy()
    with no_grad():
        lin.weight -= 0.5 * np.ones((2, 2))
        lin.bias *= 0
    assert lin.weight is weight and len(lin.parameters()) == 2
    np.testing.assert_array_equal(lin.weight.data, before - 0.5)
    np.testing.assert_array_equal(lin.bias.data, [0.0, 0.0])


def test_in_place_update_of_a_tensor_that_requires_grad_needs_no_grad_like_pytorch():
    x = leaf([1.0])
    with pytest.raises(RuntimeError, match="no_grad"):
        x += 1
    t = torch_leaf([1.0])
    with pytest.raises(RuntimeError):
        t += 1


def test_in_place_update_of_a_saved_input_makes_backward_raise_like_pytorch():
    x = Tensor(np.array([2.0]))  # a constant input, saved by Mul for w's gradient
    w = leaf([3.0])
    y = (w * x).sum()
    x += 10.0  # the next batch, written into the array the graph saved
    np.testing.assert_array_equal(x.data, [12.0])
    with pytest.raises(RuntimeError, match=r"gradient of Mul was modified by an in-place operation.*version 0 -> 1"):
        y.backward()
    tx, tw = torch.tensor([2.0]), torch.tensor([3.0], requires_grad=True)
    ty = (tw * tx).sum()
    tx += 10.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        ty.backward()


def test_in_place_update_cannot_change_the_shape():
    x = Tensor(np.zeros(2))
    with pytest.raises(ValueError, match="shape \\(2,\\)"):
        x += np.ones((3, 2))
