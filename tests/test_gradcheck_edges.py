"""gradcheck must fail when it cannot know, and must not touch the caller's gradients."""

import numpy as np
import pytest

from minigrad.gradcheck import GradcheckError, gradcheck
from minigrad.tensor import Function, Tensor


class NanForwardAtZero(Function):
    """x * 0 in backward, but the forward is nan near 0: the numerical gradient is nan."""

    @staticmethod
    def forward(ctx, a):
        return np.where(np.abs(a) < 1e-3, np.nan, a)

    @staticmethod
    def backward(ctx, grad_out):
        return (grad_out,)


def test_a_nan_numerical_gradient_fails():
    x = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    with pytest.raises(GradcheckError, match="numerical nan"):
        gradcheck(lambda t: NanForwardAtZero.apply(t), [x])


def test_a_nan_analytical_gradient_fails():
    x = Tensor(np.array([4.0]), requires_grad=True)
    with pytest.raises(GradcheckError, match="analytical nan"):
        gradcheck(lambda t: t * Tensor(np.array([np.nan])), [x])


def test_gradcheck_leaves_existing_grads_alone():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    (x * y).sum().backward()
    before_x, before_y = x.grad.copy(), y.grad.copy()
    assert gradcheck(lambda a, b: a * b + a, [x, y])
    np.testing.assert_array_equal(x.grad, before_x)
    np.testing.assert_array_equal(y.grad, before_y)
    z = Tensor(np.array([1.0]), requires_grad=True)
    assert gradcheck(lambda a: a.exp(), [z])
    assert z.grad is None


def test_gradcheck_leaves_grads_alone_when_it_fails():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    x.grad = np.array([7.0, 7.0])
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: NanForwardAtZero.apply(a - 1.0), [x])
    np.testing.assert_array_equal(x.grad, [7.0, 7.0])


def test_gradcheck_needs_a_tensor_output():
    x = Tensor(np.array([1.0]), requires_grad=True)
    with pytest.raises(TypeError, match="must return a Tensor"):
        gradcheck(lambda a: 3.0, [x])
