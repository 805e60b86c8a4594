"""Bad input gets minigrad's own clear error, naming the problem, never numpy's or a NaN."""

import numpy as np
import pytest

from minigrad.tensor import Tensor


def raised_by_minigrad(excinfo):
    """The frame that raised is in minigrad's own code, not deep inside numpy."""
    return "minigrad" in excinfo.traceback[-1].path.parts


def test_matmul_shape_mismatch_names_both_shapes():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)") as excinfo:
        a @ b
    assert raised_by_minigrad(excinfo)


def test_matmul_vector_mismatch_and_scalars():
    with pytest.raises(ValueError, match=r"\(3,\).*\(4,\)"):
        Tensor(np.ones(3)) @ Tensor(np.ones(4))
    with pytest.raises(ValueError, match=r"at least 1 dimension"):
        Tensor(np.ones(())) @ Tensor(np.ones(3))


def test_matmul_batch_dims_that_do_not_broadcast():
    with pytest.raises(ValueError, match=r"batch dimensions.*\(2, 3, 4\).*\(5, 4, 1\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 1)))


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**"])
def test_non_broadcastable_shapes_name_both_shapes(op):
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones((4,)))
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(4,\) cannot be broadcast") as excinfo:
        eval(f"a {op} b")
    assert raised_by_minigrad(excinfo)


def test_reshape_to_wrong_size():
    with pytest.raises(ValueError, match=r"cannot reshape.*\(2, 3\) \(6 elements\) into shape \(4, 2\)") as excinfo:
        Tensor(np.ones((2, 3))).reshape(4, 2)
    assert raised_by_minigrad(excinfo)


@pytest.mark.parametrize("values", [[1.0, 0.0], [2.0, -1.0]])
def test_log_of_non_positive_entries(values):
    with pytest.raises(ValueError, match=r"log.*non-positive.*PyTorch returns -inf at 0 and nan"):
        Tensor(np.array(values)).log()


def test_negative_base_with_fractional_exponent():
    with pytest.raises(ValueError, match=r"negative base"):
        Tensor(np.array([-1.0, 4.0])) ** 0.5
    # an integer exponent is fine
    np.testing.assert_array_equal((Tensor(np.array([-2.0])) ** 2).data, [4.0])


@pytest.mark.parametrize("data", ["abc", ["a", "b"], {"x": 1}, None, np.array(["x"]), [[1.0, 2.0], [3.0]],
                                  np.array([1 + 2j])])
def test_non_numeric_data_is_a_type_error(data):
    with pytest.raises(TypeError, match=r"numeric|rectangular") as excinfo:
        Tensor(data)
    assert raised_by_minigrad(excinfo)


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match=r"floating point"):
        Tensor(np.array([1, 2]), requires_grad=True)


def test_backward_on_non_scalar_without_grad():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"single-number.*\(2, 3\)"):
        (x * 2).backward()


def test_backward_with_grad_of_wrong_shape():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"grad has shape \(3, 2\).*\(2, 3\)"):
        (x * 2).backward(np.ones((3, 2)))


def test_backward_when_nothing_requires_grad():
    with pytest.raises(RuntimeError, match=r"does not require grad"):
        (Tensor([1.0]) * 2).sum().backward()


def test_item_on_a_tensor_with_many_elements():
    with pytest.raises(ValueError, match=r"exactly one element.*\(3,\)"):
        Tensor(np.ones(3)).item()


def test_transpose_and_permute_with_bad_axes():
    with pytest.raises(ValueError, match=r"not a permutation"):
        Tensor(np.ones((2, 3))).permute(0, 0)
    with pytest.raises(ValueError, match=r"axis 2 is out of range"):
        Tensor(np.ones((2, 3))).transpose(0, 2)
    with pytest.raises(ValueError, match=r"not a permutation"):
        Tensor(np.ones((2, 3, 4))).permute(1, 0)


def test_index_out_of_range():
    with pytest.raises(IndexError, match=r"shape \(3,\)") as excinfo:
        Tensor(np.ones(3))[5]
    assert raised_by_minigrad(excinfo)
