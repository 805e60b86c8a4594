"""gradcheck on every op, and gradcheck itself: it must catch wrong gradients."""

import numpy as np
import pytest

import minigrad.functional as F
from minigrad.gradcheck import GradcheckError, gradcheck, numerical_grad
from minigrad.tensor import Function, Tensor

rng = np.random.default_rng(0)


def t(*shape, low=-2.0, high=2.0):
    return Tensor(rng.uniform(low, high, shape), requires_grad=True)


def positive(*shape):
    return t(*shape, low=0.5, high=2.0)


def away_from_zero(*shape):
    """Values with |x| >= 0.3, where relu/max/abs-like kinks are far away."""
    values = rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)
    return Tensor(values, requires_grad=True)


CASES = {
    "add": (lambda a, b: a + b, [t(3, 4), t(4)]),
    "sub": (lambda a, b: a - b, [t(3, 1), t(1, 4)]),
    "mul": (lambda a, b: a * b, [t(2, 3), t(3)]),
    "div": (lambda a, b: a / b, [t(2, 3), positive(2, 1)]),
    "pow": (lambda a, b: a ** b, [positive(3), t(3)]),
    "pow-number": (lambda a: a ** 3, [t(2, 2)]),
    "rpow": (lambda a: 2 ** a, [t(3)]),
    "rsub-rdiv": (lambda a: (1 - a) + 2 / a, [positive(3)]),
    "neg": (lambda a: -a, [t(3)]),
    "matmul": (lambda a, b: a @ b, [t(3, 4), t(4, 2)]),
    "matmul-batched": (lambda a, b: a @ b, [t(2, 3, 4), t(4, 2)]),
    "matmul-vectors": (lambda a, b: a @ b, [t(4), t(4)]),
    "sum": (lambda a: a.sum(axis=1), [t(3, 4)]),
    "sum-keepdims": (lambda a: a.sum(axis=(0, 2), keepdims=True), [t(2, 3, 2)]),
    "mean": (lambda a: a.mean(axis=0), [t(3, 4)]),
    "max": (lambda a: a.max(axis=-1), [t(3, 4)]),
    "max-all": (lambda a: a.max(), [t(3, 4)]),
    "exp": (lambda a: a.exp(), [t(3)]),
    "log": (lambda a: a.log(), [positive(3)]),
    "relu": (lambda a: a.relu(), [away_from_zero(3, 3)]),
    "tanh": (lambda a: a.tanh(), [t(3)]),
    "sigmoid": (lambda a: a.sigmoid(), [t(3)]),
    "reshape": (lambda a: a.reshape(4, 3), [t(3, 4)]),
    "transpose": (lambda a: a.permute(2, 0, 1), [t(2, 3, 4)]),
    "T": (lambda a: a.T, [t(2, 3)]),
    "getitem-slice": (lambda a: a[1:, ::2], [t(3, 4)]),
    "getitem-repeated": (lambda a: a[np.array([0, 0, 2])], [t(3, 2)]),
    "softmax": (lambda a: F.softmax(a, axis=0), [t(3, 4)]),
    "log_softmax": (lambda a: F.log_softmax(a), [t(3, 4)]),
    "cross_entropy": (lambda a: F.cross_entropy(a, np.array([0, 3, 1])), [t(3, 4)]),
    "linear": (lambda x, w, b: F.linear(x, w, b), [t(5, 3), t(2, 3), t(2)]),
}


@pytest.mark.parametrize("name", CASES)
def test_gradcheck_passes_on_every_op(name):
    fn, inputs = CASES[name]
    assert gradcheck(fn, inputs) is True


def test_gradcheck_checks_only_inputs_that_require_grad():
    a, b = t(2, 3), Tensor(rng.normal(size=(3,)))
    assert gradcheck(lambda a, b: a * b, [a, b])


class WrongSquare(Function):
    """A deliberately wrong backward: d(x^2)/dx written as x instead of 2x."""

    name = "wrong_square"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_arrays
        return (grad_out * x,)


def test_gradcheck_catches_a_wrong_backward_and_names_the_worst_entry():
    x = Tensor(np.array([0.5, -3.0, 1.0]), requires_grad=True)
    with pytest.raises(GradcheckError) as excinfo:
        gradcheck(lambda a: WrongSquare.apply(a).sum(), [x])
    message = str(excinfo.value)
    assert "input 0" in message and "3 of 3 entries" in message
    assert "Worst entry [1]" in message  # |x| is largest there, so is the error


def test_gradcheck_catches_a_wrong_second_input():
    class WrongMul(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, grad_out):
            a, b = ctx.saved_arrays
            return grad_out * b, grad_out * b  # second one should be grad_out * a

    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda a, b: WrongMul.apply(a, b), [t(3), t(3)])


def test_gradcheck_refuses_float32_and_explains():
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    with pytest.raises(TypeError, match=r"float64.*float32 rounding"):
        gradcheck(lambda a: a * a, [x])


def test_float32_fails_the_check_even_for_correct_code():
    x = Tensor(np.linspace(1.0, 3.0, 6, dtype=np.float32), requires_grad=True)
    with pytest.raises(GradcheckError):
        gradcheck(lambda a: (a * a * a).sum(), [x], allow_float32=True)
    # the same check in float64 passes
    assert gradcheck(lambda a: (a * a * a).sum(), [Tensor(x.data.astype(np.float64), requires_grad=True)])


def test_gradcheck_needs_some_input_requiring_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        gradcheck(lambda a: a * 2, [Tensor(np.ones(2))])


def test_numerical_grad_on_numbers_arrays_and_tensors():
    assert numerical_grad(lambda x: x ** 3, 2.0) == pytest.approx(12.0, rel=1e-8)
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    np.testing.assert_allclose(numerical_grad(lambda v: np.sum(v ** 2), x), 2 * x, rtol=1e-8)
    assert x[0, 0] == 1.0  # the input is not modified
    np.testing.assert_allclose(numerical_grad(lambda v: (v * v).sum(), Tensor(x)), 2 * x, rtol=1e-8)
    np.testing.assert_allclose(numerical_grad(lambda v: np.sum(v * 3), np.array([1, 2])), [3.0, 3.0])
    with pytest.raises(ValueError, match="single number"):
        numerical_grad(lambda v: v * 2, np.ones(2))
