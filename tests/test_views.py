"""Views share memory (and a version counter) as PyTorch documents: detach, .T, transpose,
permute, reshape/view when the layout allows, basic indexing. Advanced indexing copies."""

import numpy as np
import pytest
import torch

from minigrad.tensor import Tensor, no_grad

VIEWS = {
    "detach": (lambda t: t.detach(), lambda t: t.detach()),
    "T": (lambda t: t.T, lambda t: t.T),
    "transpose": (lambda t: t.transpose(0, 1), lambda t: t.transpose(0, 1)),
    "permute": (lambda t: t.permute(1, 0), lambda t: t.permute(1, 0)),
    "reshape": (lambda t: t.reshape(6), lambda t: t.reshape(6)),
    "view": (lambda t: t.view(3, 2), lambda t: t.view(3, 2)),
    "row": (lambda t: t[1], lambda t: t[1]),
    "slice": (lambda t: t[:, 1:], lambda t: t[:, 1:]),
}


@pytest.mark.parametrize("name", VIEWS)
def test_writing_through_a_view_writes_the_base_and_back(name):
    ours, theirs = VIEWS[name]
    x, t_x = Tensor(np.arange(6.0).reshape(2, 3)), torch.arange(6.0, dtype=torch.float64).reshape(2, 3)
    v, t_v = ours(x), theirs(t_x)
    v += 10.0
    t_v += 10.0
    np.testing.assert_array_equal(x.data, t_x.numpy())
    x *= 2.0  # and the base writes the view
    t_x *= 2.0
    np.testing.assert_array_equal(v.data, t_v.numpy())
    assert x._version == v._version == 2  # one counter for both, as t_x._version
    assert t_x._version == 2


def test_detach_then_plus_equals_changes_x():
    """The example of the issue: `d = x.detach(); d += 1` writes through to x."""
    x = Tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d += 1
    np.testing.assert_array_equal(x.data, [2.0, 3.0])
    assert not d.requires_grad and d.is_leaf


def test_a_write_through_a_view_is_seen_by_a_graph_that_saved_the_base():
    w = Tensor([1.0, 2.0], requires_grad=True)
    x = Tensor([3.0, 4.0])
    loss = (w * x).sum()
    x[0:1] += 1.0  # through a view of x (then assigned back, as Python does for `x[i] += ...`)
    with pytest.raises(RuntimeError, match="gradient of Mul was modified"):
        loss.backward()


def test_reshape_copies_when_the_layout_does_not_allow_a_view_and_view_refuses():
    x = Tensor(np.arange(6.0).reshape(2, 3))
    r = x.T.reshape(6)  # a transpose is not contiguous: reshape copies (as in PyTorch)
    r += 100.0
    np.testing.assert_array_equal(x.data, np.arange(6.0).reshape(2, 3))
    with pytest.raises(RuntimeError, match=r"view.*use reshape"):
        x.T.view(6)
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        torch.zeros(2, 3).T.view(6)


def test_advanced_indexing_copies():
    x, t_x = Tensor(np.zeros(4)), torch.zeros(4, dtype=torch.float64)
    c, t_c = x[np.array([0, 1])], t_x[torch.tensor([0, 1])]
    c += 1.0
    t_c += 1.0
    np.testing.assert_array_equal(x.data, t_x.numpy())
    assert x.data.sum() == 0 and x._version == 0


def test_views_in_a_graph_keep_their_gradients():
    """A view is still an op in the graph: gradients flow back to the base."""
    x_np = np.random.default_rng(0).normal(size=(2, 3))
    x, t_x = Tensor(x_np, requires_grad=True), torch.tensor(x_np, requires_grad=True)
    (x.T[1] * x[:, 0].reshape(2)).sum().backward()
    (t_x.T[1] * t_x[:, 0].reshape(2)).sum().backward()
    np.testing.assert_allclose(x.grad, t_x.grad.numpy(), rtol=1e-12)


def test_recorded_in_place_on_a_view_is_refused_with_the_pytorch_spelling():
    """PyTorch rewrites the base's history (CopySlices); minigrad says so instead of going wrong."""
    x = Tensor(np.zeros(3))
    w = Tensor([1.0, 2.0], requires_grad=True)
    v = x[:2]
    with pytest.raises(RuntimeError, match=r"shares its memory with a view.*CopySlices.*x = x"):
        v += w
    with pytest.raises(RuntimeError, match="shares its memory with a view"):
        x += Tensor(np.ones(3), requires_grad=True)  # the base of a view, too
    np.testing.assert_array_equal(x.data, [0.0, 0.0, 0.0])  # nothing written
    with no_grad():
        v += Tensor([1.0, 1.0])  # without a graph: a plain write
    np.testing.assert_array_equal(x.data, [1.0, 1.0, 0.0])


def test_recorded_in_place_on_a_detached_alias_is_allowed_like_pytorch():
    """detach() shares memory but not history: `d += w` records on d only (PyTorch: the same)."""
    x = Tensor(np.zeros(2))
    w = Tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d += w
    (d * d).sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    assert not x.requires_grad


def test_one_integer_per_axis_gives_a_0d_view_like_pytorch():
    """numpy's x[1, 2] is a scalar copy; PyTorch's is a 0-d view: writing it writes x."""
    x, t_x = Tensor(np.arange(6.0).reshape(2, 3)), torch.arange(6.0, dtype=torch.float64).reshape(2, 3)
    v, t_v = x[1, 2], t_x[1, 2]
    assert v.shape == () and v._version_counter is x._version_counter
    v += 100.0
    t_v += 100.0
    np.testing.assert_array_equal(x.data, t_x.numpy())
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a view"):
        w[0] += 1.0  # a view of a leaf that requires grad (PyTorch refuses it too)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        torch.tensor([1.0, 2.0], requires_grad=True)[0] += 1.0
