"""softmax, log_softmax, cross_entropy and linear against torch.nn.functional."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad.functional as F
from minigrad.tensor import Tensor
from oracle import randn, tensor_check

RTOL, ATOL = 1e-10, 1e-12
SETTINGS = settings(deadline=None)

logits_2d = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
                       elements=st.floats(-20, 20, allow_nan=False, width=64))


def both(array, requires_grad=True):
    return Tensor(array.copy(), requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad)


def assert_close(ours, theirs, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@SETTINGS
@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                    elements=st.floats(-20, 20, allow_nan=False, width=64)), data=st.data())
def test_softmax_family_like_torch(name, x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    ours, theirs = both(x)
    out = getattr(F, name)(ours, axis=axis)
    expected = getattr(torch, name)(theirs, dim=axis)
    assert_close(out.data, expected)
    upstream = np.random.default_rng(1).normal(size=x.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    assert_close(ours.grad, theirs.grad, atol=1e-10)


@SETTINGS
@given(logits=logits_2d, data=st.data())
def test_cross_entropy_like_torch(logits, data):
    batch, classes = logits.shape
    targets = np.array(data.draw(st.lists(st.integers(0, classes - 1), min_size=batch, max_size=batch)))
    ours, theirs = both(logits)
    loss = F.cross_entropy(ours, targets)
    expected = torch.nn.functional.cross_entropy(theirs, torch.from_numpy(targets))
    assert loss.shape == () and loss.requires_grad
    assert_close(loss.data, expected)
    loss.backward(np.array(1.7))  # a non-unit upstream gradient
    expected.backward(torch.tensor(1.7, dtype=torch.float64))
    assert_close(ours.grad, theirs.grad)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_for_logits_of_plus_minus_1000(dtype):
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, -1000.0]], dtype=dtype)
    targets = np.array([1, 2, 0])
    ours, theirs = both(logits)
    loss = F.cross_entropy(ours, targets)
    loss.backward()
    expected = torch.nn.functional.cross_entropy(theirs, torch.from_numpy(targets))
    expected.backward()
    assert np.isfinite(loss.item()) and np.all(np.isfinite(ours.grad))
    assert loss.dtype == dtype and ours.grad.dtype == dtype
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-6)
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_softmax_and_log_softmax_are_finite_for_huge_logits():
    x = Tensor(np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = F.softmax(x)
        log_p = F.log_softmax(x)
        (p.sum() + log_p.sum()).backward()
    np.testing.assert_allclose(p.data, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(log_p.data, [[0.0, -2000.0], [-2000.0, 0.0]])
    assert np.all(np.isfinite(x.grad))


def test_cross_entropy_accepts_lists_and_tensors_as_targets():
    logits = np.random.default_rng(0).normal(size=(3, 4))
    values = [F.cross_entropy(Tensor(logits), t).item() for t in ([0, 3, 1], np.array([0, 3, 1]), Tensor(np.array([0, 3, 1])))]
    assert values[0] == values[1] == values[2]


@pytest.mark.parametrize("targets, pattern", [
    (np.array([0, 5]), r"in \[0, 3\)"),
    (np.array([-1, 0]), r"in \[0, 3\)"),
    (np.array([0.0, 1.0]), r"integer"),
    (np.array([0, 1, 2]), r"shape \(2,\)"),
])
def test_cross_entropy_bad_targets(targets, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        F.cross_entropy(Tensor(np.zeros((2, 3))), targets)


def test_cross_entropy_needs_2d_logits():
    with pytest.raises(ValueError, match=r"\(batch, classes\).*\(3,\)"):
        F.cross_entropy(Tensor(np.zeros(3)), np.array([0]))


@SETTINGS
@given(batch=st.integers(1, 5), fan_in=st.integers(1, 5), fan_out=st.integers(1, 5), bias=st.booleans(),
       data=st.data())
def test_linear_like_torch(batch, fan_in, fan_out, bias, data):
    def draw(shape):
        return data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3, width=64)))

    x, w, b = draw((batch, fan_in)), draw((fan_out, fan_in)), draw((fan_out,))
    (tx, x_t), (tw, w_t), (tb, b_t) = both(x), both(w), both(b)
    out = F.linear(tx, tw, tb if bias else None)
    expected = torch.nn.functional.linear(x_t, w_t, b_t if bias else None)
    assert_close(out.data, expected)
    upstream = np.random.default_rng(2).normal(size=out.shape)
    out.backward(upstream)
    expected.backward(torch.from_numpy(upstream))
    for ours, theirs in [(tx, x_t), (tw, w_t)] + ([(tb, b_t)] if bias else []):
        assert_close(ours.grad, theirs.grad)
    assert out._op == "linear"


def test_linear_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(2, 5\)"):
        F.linear(Tensor(np.ones((4, 3))), Tensor(np.ones((2, 5))))
    with pytest.raises(ValueError, match=r"bias of shape \(3,\).*\(2, 5\)"):
        F.linear(Tensor(np.ones((4, 5))), Tensor(np.ones((2, 5))), Tensor(np.ones(3)))


# --------------------------------------------------------------------------
# The fused functions used twice, with a random upstream gradient (tests/oracle.py)
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
