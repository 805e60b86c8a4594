"""PyTorch names mean PyTorch things: transpose(d0, d1), permute, max(dim)/min(dim) with
indices, elementwise comparisons, identity hashing, __format__, @no_grad, Function.apply.
Where minigrad differs on purpose, the error or the docstring gives the PyTorch spelling."""

import numpy as np
import pytest
import torch

from minigrad.autograd import Function
from minigrad.ops import Mul, Pow
from minigrad.tensor import Tensor, is_grad_enabled, no_grad

rng = np.random.default_rng(4)


# ---- max(dim) and min(dim) --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_and_min_of_a_dim_return_values_and_indices_like_torch(name, dim, keepdim):
    x_np = rng.normal(size=(3, 4))
    upstream = rng.normal(size=getattr(torch.tensor(x_np), name)(dim, keepdim).values.shape)
    x, t = Tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    ours, theirs = getattr(x, name)(dim, keepdim), getattr(t, name)(dim, keepdim)
    values, indices = ours  # unpacks like torch.return_types
    assert ours.values is values and ours.indices is indices and ours[0] is values
    np.testing.assert_array_equal(values.data, theirs.values.detach().numpy())
    np.testing.assert_array_equal(indices.data, theirs.indices.numpy())
    assert indices.dtype == np.int64 and not indices.requires_grad
    values.backward(upstream)
    theirs.values.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-12)
    ours_kw = getattr(Tensor(x_np), name)(dim=dim, keepdim=keepdim)
    np.testing.assert_array_equal(ours_kw.indices.data, theirs.indices.numpy())


def test_max_of_row_1_is_not_row_0():
    """The issue's trap: x.max(1)[0] used to be row 0 of the maxima; now it is the values."""
    x = Tensor([[1.0, 5.0], [7.0, 2.0]])
    np.testing.assert_array_equal(x.max(1)[0].data, [5.0, 7.0])
    np.testing.assert_array_equal(x.max(1)[1].data, [1, 0])


def test_max_and_min_with_axis_return_the_values_like_amax():
    x_np = rng.normal(size=(3, 4))
    x, t = Tensor(x_np), torch.tensor(x_np)
    np.testing.assert_array_equal(x.max(axis=1).data, torch.amax(t, dim=1).numpy())
    np.testing.assert_array_equal(x.min(axis=(0, 1)).data, torch.amin(t, dim=(0, 1)).numpy())
    np.testing.assert_array_equal(x.min().data, t.min().numpy())
    np.testing.assert_array_equal(x.min(axis=0, keepdims=True).data, torch.amin(t, 0, keepdim=True).numpy())


def test_min_of_all_entries_has_the_gradient_of_torch_amin():
    x_np = np.array([[3.0, 1.0], [1.0, 4.0]])  # a tie: amin splits it
    x, t = Tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    x.min().backward()
    torch.amin(t, dim=(0, 1)).backward()
    np.testing.assert_array_equal(x.grad, t.grad.numpy())


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_of_several_dims_points_to_the_axis_spelling(name):
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(TypeError, match=rf"one int axis.*{name}\(axis=\(...\)\).*torch.a{name}"):
        getattr(x, name)((0, 1))
    with pytest.raises(TypeError, match="not both"):
        getattr(x, name)(0, axis=1)


# ---- comparisons --------------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_comparisons_are_elementwise_and_boolean_like_torch(op):
    a_np, b_np = np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])
    a, b = Tensor(a_np, requires_grad=True), Tensor(b_np)
    t_a, t_b = torch.tensor(a_np), torch.tensor(b_np)
    for ours, theirs in [
        (eval(f"a {op} b"), eval(f"t_a {op} t_b")),
        (eval(f"a {op} 2.0"), eval(f"t_a {op} 2.0")),
        (eval(f"2.0 {op} a"), eval(f"2.0 {op} t_a")),
        (eval(f"a {op} b_np"), eval(f"t_a {op} t_b")),
    ]:
        assert isinstance(ours, Tensor) and ours.dtype == np.bool_ and not ours.requires_grad
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_tensors_hash_by_identity_so_they_stay_dict_keys():
    a, b = Tensor([1.0]), Tensor([1.0])
    assert hash(a) != hash(b) and hash(a) == hash(a)
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b" and len({a, b, a}) == 2
    assert bool(a == b)  # equal values, different tensors


# ---- __format__ ---------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [1.23456, [2.5], [[7.0]]])
def test_format_of_a_one_element_tensor_formats_its_number(values):
    loss = Tensor(values)
    assert f"{loss:.3f}" == f"{np.asarray(values, np.float32).item():.3f}"
    assert f"{Tensor(np.float64(0.125)):.2e}" == f"{torch.tensor(0.125, dtype=torch.float64):.2e}"


def test_format_of_many_elements_refuses_a_spec_but_prints_without_one():
    x = Tensor([1.0, 2.0])
    assert f"{x}" == str(x)
    with pytest.raises(TypeError, match=r"shape \(2,\).*one-element"):
        f"{x:.3f}"
    with pytest.raises(TypeError):
        f"{torch.tensor([1.0, 2.0]):.3f}"


# ---- no_grad as a decorator -----------------------------------------------------------------------

def test_no_grad_decorates_with_and_without_parentheses():
    @no_grad
    def bare(x):
        assert not is_grad_enabled()
        return x * 2.0

    @no_grad()
    def called(x):
        return x * 2.0

    x = Tensor([1.0], requires_grad=True)
    assert not bare(x).requires_grad and not called(x).requires_grad
    assert bare.__name__ == "bare"  # functools.wraps
    assert is_grad_enabled() and (x * 2.0).requires_grad


def test_no_grad_restores_the_mode_when_the_decorated_function_raises():
    @no_grad
    def boom():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        boom()
    assert is_grad_enabled()


def test_no_grad_with_a_non_function_argument_says_how_to_use_it():
    with pytest.raises(TypeError, match=r"no_grad\(\) takes no arguments.*with no_grad\(\):"):
        no_grad(3)


# ---- Function.apply -----------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [2.0, np.float64(2.0), np.array([2.0]), [2.0], None])
def test_function_apply_with_a_non_tensor_input_names_it(bad):
    x = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"Mul.apply: positional input 1 is a .*not a Tensor.*keyword"):
        Mul.apply(x, bad)


def test_function_apply_takes_settings_as_keywords():
    class Scale(Function):
        @staticmethod
        def forward(ctx, a, factor):
            ctx.factor = factor
            return a * factor

        @staticmethod
        def backward(ctx, grad_out):
            return grad_out * ctx.factor

    x = Tensor([1.0, 2.0], requires_grad=True)
    Scale.apply(x, factor=3.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    y = Pow.apply(x, Tensor(np.float64(2.0)))
    np.testing.assert_array_equal(y.data, [1.0, 4.0])
