"""dtype promotion as PyTorch does it: Python numbers never upcast a float tensor nor get
rounded to float16 on their own; float16/32/64 mixes promote to the wider one; torch tensors
keep their dtype; only floating tensors may require gradients."""

import numpy as np
import pytest
import torch

from minigrad.tensor import Tensor

FLOATS = [(np.float16, torch.float16), (np.float32, torch.float32), (np.float64, torch.float64)]


@pytest.mark.parametrize("op", ["*", "+", "-", "/", "r*", "r-", "r/"])
@pytest.mark.parametrize("number", [65536.0, 0.1, 3, -1e-5, 70000])
@pytest.mark.parametrize("np_dtype, torch_dtype", FLOATS)
def test_a_python_number_keeps_the_dtype_and_matches_torch_exactly(op, number, np_dtype, torch_dtype):
    values = np.array([0.5, -2.0, 3.140625, 1e-3], dtype=np_dtype)
    x, t = Tensor(values), torch.tensor(values)
    apply = {
        "*": lambda a: a * number, "+": lambda a: a + number, "-": lambda a: a - number,
        "/": lambda a: a / number, "r*": lambda a: number * a, "r-": lambda a: number - a,
        "r/": lambda a: number / a,
    }[op]
    ours, theirs = apply(x), apply(t)
    assert ours.dtype == np_dtype
    if op == "r/":  # torch computes number / t as t.reciprocal() * number: two roundings
        np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=2 * np.finfo(np_dtype).eps)
    else:
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_float16_times_65536_is_not_inf():
    """The issue's example: the number is not rounded to float16 (where it is inf) first."""
    x = Tensor(np.array([0.5], dtype=np.float16))
    assert (x * 65536.0).item() == 32768.0


def test_float16_with_a_number_has_a_float16_gradient_like_torch():
    values = np.array([0.5, -1.25], dtype=np.float16)
    x, t = Tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    (x * 3.0).sum().backward()
    (t * 3.0).sum().backward()
    assert x.grad.dtype == np.float16
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


@pytest.mark.parametrize("a", FLOATS)
@pytest.mark.parametrize("b", FLOATS)
def test_float_mixes_promote_like_torch(a, b):
    x, y = Tensor(np.array([1.5, 2.0], dtype=a[0])), Tensor(np.array([0.25, 4.0], dtype=b[0]))
    t, u = torch.tensor([1.5, 2.0], dtype=a[1]), torch.tensor([0.25, 4.0], dtype=b[1])
    for ours, theirs in [(x * y, t * u), (x + y, t + u), (x / y, t / u)]:
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("torch_dtype", [torch.float16, torch.float32, torch.float64, torch.int32,
                                         torch.int64, torch.bool])
def test_a_torch_tensor_keeps_its_dtype(torch_dtype):
    t = torch.tensor([1, 0, 3], dtype=torch_dtype)
    x = Tensor(t)
    assert str(x.dtype) == str(torch_dtype).replace("torch.", "")
    np.testing.assert_array_equal(x.data, t.numpy())
    t[0] = 0  # a copy, as torch.tensor(t) would be
    assert x.data[0] == 1


def test_a_torch_tensor_that_requires_grad_or_has_no_numpy_dtype_gets_a_clear_error():
    with pytest.raises(TypeError, match=r"torch\.Tensor.*detach"):
        Tensor(torch.zeros(2, requires_grad=True))
    with pytest.raises(TypeError, match=r"torch\.Tensor.*dtype numpy has"):
        Tensor(torch.zeros(2, dtype=torch.bfloat16))


def test_lists_and_numbers_are_float32_a_documented_difference():
    """README, differences table: Tensor([1, 2]) is float32 (torch.tensor([1, 2]) is int64)."""
    assert Tensor([1, 2]).dtype == np.float32 and Tensor(3).dtype == np.float32


@pytest.mark.parametrize("values", [np.array([1, 2]), np.array([True, False]), np.array([1], np.uint8)])
def test_requires_grad_only_on_floating_tensors(values):
    with pytest.raises(TypeError, match="only floating point tensors can require gradients"):
        Tensor(values, requires_grad=True)
    x = Tensor(values)
    with pytest.raises(TypeError, match=r"only floating point tensors can require gradients.*truncated"):
        x.requires_grad = True  # set later: checked too
    assert not x.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        torch.tensor(values).requires_grad_(True)


def test_requires_grad_can_be_switched_on_a_float_leaf_only():
    x = Tensor([1.0, 2.0])
    x.requires_grad = True
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    y = x * 2.0
    with pytest.raises(RuntimeError, match="only be changed on a leaf"):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match="leaf variables"):
        (torch.ones(1, requires_grad=True) * 2).requires_grad_(False)


def test_a_float16_gradient_is_rounded_to_float16_between_two_scalings_as_in_pytorch():
    # x16 * 1e-3 * 1e5: each product is computed in float32 and rounded to float16
    # (two Cast nodes each). On the way back, the gradient reaching the middle
    # float16 tensor is 1e5, which float16 cannot hold: PyTorch's is inf, and so
    # is minigrad's only if each Cast sends the gradient back in its input's dtype.
    x = Tensor(np.ones(2, dtype=np.float16), requires_grad=True)
    (x * 1e-3 * 1e5).sum().backward()
    tx = torch.ones(2, dtype=torch.float16, requires_grad=True)
    (tx * 1e-3 * 1e5).sum().backward()
    assert x.grad.dtype == np.float16
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
    assert np.isinf(x.grad).all()
