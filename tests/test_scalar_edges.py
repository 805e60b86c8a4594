"""The scalar engine at the edges: zeros, nan, inf, tiny and huge numbers, against PyTorch float64.

Policy (see minigrad/scalar.py's docstring): where the *result* of an operation is
not a finite real number, the scalar engine raises a clear error naming it (PyTorch
returns inf or nan); nan and inf *inputs* flow through as in PyTorch; derivatives
at the edges are PyTorch's.
"""

import math

import pytest
import torch

from minigrad.scalar import Value


def torch_grads(fn, args):
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in args]
    out = fn(*tensors)
    out.backward()
    return out.item(), [0.0 if t.grad is None else t.grad.item() for t in tensors]


def ours(fn, args):
    values = [Value(x) for x in args]
    out = fn(*values)
    out.backward()
    return out.data, [v.grad for v in values]


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=0)


@pytest.mark.parametrize("base", [0.0, 2.0, -2.0])
@pytest.mark.parametrize("k", [0, 1, 2, 3, 0.5, 1.5, 2.5, -2])
def test_power_with_number_exponent_at_the_edges_matches_pytorch(base, k):
    """Includes Value(0) ** 0 (derivative 0, not an error) and 0 ** 0.5 (inf slope)."""
    if base < 0 and k != int(k) or base == 0 and k < 0:
        pytest.skip("not a real number: checked in test_results_that_are_not_real_numbers_raise")
    out, grads = ours(lambda a: a**k, [base])
    t_out, t_grads = torch_grads(lambda a: a**k, [base])
    assert same(out, t_out)
    assert same(grads[0], t_grads[0]), (base, k, grads, t_grads)


@pytest.mark.parametrize("base, exponent", [(0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (0.0, 1.0),
                                            (2.0, 0.0), (3.0, -1.5), (1.0, 0.0)])
def test_power_with_value_exponent_at_the_edges_matches_pytorch(base, exponent):
    """At base 0 the exponent gets no gradient (a**b stays 0 or 1 as b moves), as in PyTorch."""
    out, grads = ours(lambda a, b: a**b, [base, exponent])
    t_out, t_grads = torch_grads(lambda a, b: a**b, [base, exponent])
    assert same(out, t_out)
    for g, t in zip(grads, t_grads):
        assert same(g, t), (base, exponent, grads, t_grads)


def test_zero_to_the_zero_backward_gives_zero():
    x = Value(0)
    (x**0).backward()
    assert x.grad == 0.0


@pytest.mark.parametrize("op", [lambda a: a.relu(), lambda a: a.tanh(), lambda a: a.sigmoid(),
                                lambda a: a + 1, lambda a: a * 2, lambda a: a.exp()])
def test_nan_flows_through_like_pytorch(op):
    out, grads = ours(op, [math.nan])
    t_out, t_grads = torch_grads(op, [math.nan])
    assert math.isnan(out) and math.isnan(t_out)
    assert same(grads[0], t_grads[0])


def test_relu_of_nan_is_nan_and_passes_its_gradient_like_pytorch():
    x = Value(math.nan)
    y = x.relu()
    assert math.isnan(y.data)
    y.backward()
    assert x.grad == 1.0  # PyTorch zeroes the gradient only where the input is <= 0


@pytest.mark.parametrize("x", [math.inf, -math.inf])
def test_infinite_inputs_like_pytorch(x):
    for op in (lambda a: a.relu(), lambda a: a.tanh(), lambda a: a.sigmoid()):
        out, grads = ours(op, [x])
        t_out, t_grads = torch_grads(op, [x])
        assert same(out, t_out)
        assert same(grads[0], t_grads[0])


def test_relu_of_negative_zero_is_zero():
    assert math.copysign(1.0, Value(-0.0).relu().data) == 1.0


@pytest.mark.parametrize("expression, error, words", [
    (lambda: Value(1) / Value(1e-320), OverflowError, "1e-320"),
    (lambda: Value(1) / 1e-320, OverflowError, "too large for a float"),
    (lambda: 2.0 / Value(-1e-320), OverflowError, "-1e-320"),
    (lambda: Value(1e-320) ** -1, OverflowError, "too large for a float"),
    (lambda: Value(1e200) ** 2, OverflowError, "1e\\+200 \\*\\* 2"),
    (lambda: Value(1000.0).exp(), OverflowError, "exp\\(1000.0\\)"),
    (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, "division by zero"),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, "negative power"),
    (lambda: Value(0.0) ** Value(-0.5), ZeroDivisionError, "negative power"),
    (lambda: Value(-8.0) ** (1 / 3), ValueError, "not a real number"),
    (lambda: Value(0.0).log(), ValueError, "log"),
])
def test_results_that_are_not_real_numbers_raise(expression, error, words):
    """Never a bare 'OverflowError: (34, Numerical result out of range)'."""
    with pytest.raises(error, match=words):
        expression()


def test_smallest_invertible_numbers_still_divide():
    x = Value(1e-308)
    y = 1 / x
    assert y.data == pytest.approx(1e308)
    y.backward()
    t = torch.tensor(1e-308, dtype=torch.float64, requires_grad=True)
    (1 / t).backward()
    # -1/x**2 overflows to -inf in both engines' float64 arithmetic
    assert x.grad == t.grad.item() == -math.inf


def test_integer_and_numpy_inputs_become_floats():
    import numpy as np

    for raw in (3, True, np.float32(0.5), np.int64(7)):
        v = Value(raw)
        assert type(v.data) is float and v.data == float(raw)


@pytest.mark.parametrize("base, k", [(1e-308, -1), (-1e-200, -1), (-1e-150, -2), (1e-150, -2), (-1e-80, -3)])
def test_a_slope_beyond_the_largest_float_is_signed_inf_like_pytorch(base, k):
    out, grads = ours(lambda a: a**k, [base])
    t_out, t_grads = torch_grads(lambda a: a**k, [base])
    assert same(out, t_out)
    assert grads[0] == t_grads[0] and math.isinf(grads[0]), (base, k, grads, t_grads)
