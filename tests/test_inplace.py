"""In-place operations, the PyTorch way: recorded in a graph, refused where PyTorch refuses,
written into the tensor's own memory, and counted by the version counter that backward checks.

Each case runs the same program in minigrad and in PyTorch (float64) and compares.
"""

import numpy as np
import pytest
import torch

import minigrad.functional as F
from minigrad import nn, optim
from minigrad.tensor import Tensor, no_grad

rng = np.random.default_rng(19)


def both(values, requires_grad=False):
    """The same numbers as a minigrad Tensor and a torch tensor, float64."""
    values = np.asarray(values, dtype=np.float64)
    return Tensor(values, requires_grad=requires_grad), torch.tensor(values, requires_grad=requires_grad)


def assert_close(ours, theirs):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


# ---- in-place ops in a graph are recorded ---------------------------------------------------

def test_plus_equals_a_parameter_gives_the_parameter_a_gradient():
    """`h = Tensor(x); h += pos` (a positional embedding): pos must train."""
    x_np, pos_np, upstream = rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    pos, t_pos = both(pos_np, requires_grad=True)
    h, t_h = Tensor(x_np), torch.tensor(x_np)
    h += pos
    t_h += t_pos
    assert h.requires_grad and not h.is_leaf and h._op == "add"
    (h * h).backward(upstream)
    (t_h * t_h).backward(torch.tensor(upstream))
    assert_close(pos.grad, t_pos.grad)
    np.testing.assert_allclose(pos.grad, 2 * (x_np + pos_np) * upstream)


def test_a_running_total_keeps_its_data_term():
    """`total = Tensor(0.); total += loss; (total + reg).backward()` must not drop loss."""
    w, t_w = both(rng.normal(size=3), requires_grad=True)
    total, t_total = Tensor(np.float64(0.0)), torch.tensor(0.0, dtype=torch.float64)
    total += (w * w).sum()
    t_total += (t_w * t_w).sum()
    (total + w.sum()).backward()
    (t_total + t_w.sum()).backward()
    assert_close(w.grad, t_w.grad)
    np.testing.assert_allclose(w.grad, 2 * w.data + 1)


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/="])
def test_each_in_place_operator_of_a_non_leaf_matches_pytorch(op):
    a_np, w_np = rng.normal(size=4), rng.uniform(0.5, 2.0, size=4)
    upstream = rng.normal(size=4)
    results = []
    for make in (lambda v: Tensor(v, requires_grad=True), lambda v: torch.tensor(v, requires_grad=True)):
        a, w = make(a_np), make(w_np)
        h = a * 3.0  # a non-leaf: in-place is allowed and recorded
        if op == "+=":
            h += w
        elif op == "-=":
            h -= w
        elif op == "*=":
            h *= w
        else:
            h /= w
        (h * h).backward(upstream if isinstance(h, Tensor) else torch.tensor(upstream))
        results.append((np.asarray(h.data if isinstance(h, Tensor) else h.detach()),
                        np.asarray(a.grad), np.asarray(w.grad)))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_in_place_writes_its_own_memory():
    h = Tensor(np.zeros(3))
    memory = h.data
    h += Tensor(np.ones(3), requires_grad=True)
    assert h.data is memory
    np.testing.assert_array_equal(memory, [1.0, 1.0, 1.0])
    p = Tensor(np.zeros(2), requires_grad=True)
    same = p
    with no_grad():
        p += 1.0
    assert p is same  # not recorded: the very same tensor, as PyTorch's in-place ops return self


def test_ops_that_used_a_tensor_before_its_in_place_update_keep_its_old_history():
    """`x += lin(x)`, the residual pattern: the graph of lin(x) must still see the old x."""
    a_np, w_np = rng.normal(size=3), rng.normal(size=3)
    results = []
    for make in (lambda v: Tensor(v, requires_grad=True), lambda v: torch.tensor(v, requires_grad=True)):
        a, w = make(a_np), make(w_np)
        h = a * 2.0
        y = h + w  # uses h (Add saves nothing, so the update below is allowed)
        z = h.tanh()  # tanh saves its output, not h
        h += w * 3.0
        h += h  # self on both sides
        (y * 1.5 + z + h * h).sum().backward()
        results.append((np.asarray(a.grad), np.asarray(w.grad)))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_the_old_name_of_a_tensor_replaced_by_a_recorded_in_place_op_is_refused():
    h = Tensor(np.zeros(3))
    alias = h
    h += Tensor(np.ones(3), requires_grad=True)
    assert h is not alias and alias._replaced_by_inplace == "+="
    np.testing.assert_array_equal(alias.data, h.data)  # the same memory
    with pytest.raises(RuntimeError, match=r"updated by a recorded in-place op \(\+=\).*use the name"):
        alias * 2.0
    with no_grad():
        np.testing.assert_array_equal((alias * 2.0).data, [2.0, 2.0, 2.0])  # no graph: just numbers


def test_in_place_on_a_leaf_that_requires_grad_is_refused_like_pytorch():
    w, t_w = both([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        t_w += 1.0
    for op in ("+=", "-=", "*=", "/="):
        with pytest.raises(RuntimeError, match=r"a leaf Variable that requires grad.*no_grad"):
            exec(f"w {op} 2.0")
    np.testing.assert_array_equal(w.data, [1.0, 2.0])  # nothing was written
    assert w._version == 0


def test_in_place_on_a_leaf_inside_no_grad_is_a_plain_update():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        w -= 0.5
    assert w.is_leaf and w.requires_grad and w._version == 1
    np.testing.assert_array_equal(w.data, [0.5, 1.5])


# ---- dtype and shape rules of in-place ops -----------------------------------------------------

def test_an_int_tensor_plus_equals_a_float_is_refused_like_pytorch():
    i, t_i = Tensor(np.array([1, 2])), torch.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        t_i += 0.5
    with pytest.raises(RuntimeError, match=r"dtype float64.*int64.*can't be cast to the desired output type Long"):
        i += 0.5
    with pytest.raises(RuntimeError, match="cannot be stored"):
        i /= 2  # true division gives floats, as in PyTorch
    np.testing.assert_array_equal(i.data, [1, 2])
    i += 1  # an int stays an int
    t_i += 1
    assert i.dtype == np.int64 and i.data.tolist() == t_i.tolist()


def test_a_float32_tensor_plus_equals_a_float64_array_stays_float32():
    x, t_x = Tensor(np.ones(2, np.float32)), torch.ones(2)
    x += np.array([0.1, 0.2])
    t_x += torch.tensor([0.1, 0.2], dtype=torch.float64)
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.data, t_x.numpy())


def test_in_place_cannot_change_the_shape():
    x = Tensor(np.zeros(2))
    with pytest.raises(ValueError, match=r"shape \(3, 2\).*shape \(2,\)"):
        x += np.ones((3, 2))
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        t = torch.zeros(2)
        t += torch.ones(3, 2)


# ---- the version counter ----------------------------------------------------------------------

def test_backward_raises_when_a_saved_input_was_changed_in_place():
    w, t_w = both([1.0, 2.0, 3.0], requires_grad=True)
    loss, t_loss = (w * w).sum(), (t_w * t_w).sum()
    with no_grad():
        w *= 0.5
    with torch.no_grad():
        t_w *= 0.5
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        t_loss.backward()
    with pytest.raises(RuntimeError, match=r"gradient of Mul was modified by an in-place operation after "
                                           r"it was saved \(version 0 -> 1\)"):
        loss.backward()


def test_writing_through_data_is_counted_too():
    """`w.data *= 0.5` (numpy in place, then assigned back) bumps the counter: no silent gradient."""
    w = Tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.data *= 0.5
    assert w._version == 1
    with pytest.raises(RuntimeError, match="gradient of Mul"):
        loss.backward()


def test_a_changed_saved_output_is_caught():
    """Exp saves its output: changing the output in place breaks its backward (PyTorch: same)."""
    x, t_x = both([0.5, 1.0], requires_grad=True)
    y, t_y = x.exp(), t_x.exp()
    y += 1.0
    t_y += 1.0
    with pytest.raises(RuntimeError, match="output 0 of Exp"):
        t_y.sum().backward()
    with pytest.raises(RuntimeError, match="gradient of Exp was modified"):
        y.sum().backward()


def test_an_array_that_was_not_saved_may_change():
    """Add saves nothing: changing its input in place is harmless, and allowed (as in PyTorch)."""
    x, t_x = both([0.5, 1.0], requires_grad=True)
    h, t_h = x * 2.0, t_x * 2.0
    y, t_y = h + 1.0, t_h + 1.0
    h += 5.0
    t_h += 5.0
    y.sum().backward()
    t_y.sum().backward()
    assert_close(x.grad, t_x.grad)


def test_an_optimizer_step_between_two_backward_passes_is_caught():
    """h = lin(x); l1.backward(); opt.step(); l2.backward(): PyTorch raises, so does minigrad."""
    nn.manual_seed(0)
    lin = nn.Linear(3, 2, dtype=np.float64)
    opt = optim.SGD(lin.parameters(), lr=0.1)
    x = Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    h = lin(x)
    l1, l2 = h.sum(), (h * h).sum()
    l1.backward()
    opt.step()
    with pytest.raises(RuntimeError, match=r"gradient of Linear was modified.*version 0 -> 1"):
        l2.backward()

    t_lin = torch.nn.Linear(3, 2).double()
    t_opt = torch.optim.SGD(t_lin.parameters(), lr=0.1)
    t_h = t_lin(torch.tensor(x.data, requires_grad=True))
    t_l1, t_l2 = t_h.sum(), (t_h * t_h).sum()
    t_l1.backward(retain_graph=True)
    t_opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        t_l2.backward()


def test_adam_steps_are_counted():
    nn.manual_seed(0)
    lin = nn.Linear(2, 2, dtype=np.float64)
    opt = optim.Adam(lin.parameters(), lr=0.1)
    loss = lin(Tensor(np.ones((1, 2)))).sum()
    loss.backward()
    before = lin.weight._version
    opt.step()
    assert lin.weight._version == before + 1


def test_item_assignment_writes_and_is_counted():
    x, t_x = Tensor(np.zeros((2, 3))), torch.zeros(2, 3, dtype=torch.float64)
    w, t_w = both([1.0, 2.0, 3.0], requires_grad=True)
    y, t_y = (x * w).sum(), (t_x * t_w).sum()
    x[0] = 1.0
    t_x[0] = 1.0
    x[1, Tensor(np.array([0, 2]))] = Tensor([7.0, 8.0])
    t_x[1, torch.tensor([0, 2])] = torch.tensor([7.0, 8.0], dtype=torch.float64)
    assert_close(x.data, t_x)
    assert x._version == 2
    with pytest.raises(RuntimeError, match="gradient of Mul"):
        y.backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        t_y.backward()


def test_item_assignment_that_a_gradient_would_flow_through_is_refused():
    x = Tensor(np.zeros(3))
    w = Tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"does not record item assignment.*CopySlices"):
        x[0:1] = w
    with no_grad():
        x[0:1] = w  # no graph: a plain write
    assert x.data[0] == 1.0


def test_changes_made_after_backward_are_fine():
    """The rule of every training loop: forward, backward, then the update."""
    w = Tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with no_grad():
        w -= 0.1 * Tensor(w.grad)
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    np.testing.assert_allclose(w.grad, [2.0, 4.0])


# ---- ownership: nothing keeps a caller's array that could change a result later -------------

def test_cross_entropy_copies_the_labels():
    """Refilling a reused label buffer before backward must not change the weight gradient."""
    logits_np = rng.normal(size=(4, 3))
    labels = np.array([0, 2, 1, 2])
    expected = Tensor(logits_np, requires_grad=True)
    F.cross_entropy(expected, labels.copy()).backward()
    logits = Tensor(logits_np, requires_grad=True)
    loss = F.cross_entropy(logits, labels)
    labels[:] = [1, 1, 0, 0]  # the next batch's labels, written into the same buffer
    loss.backward()
    np.testing.assert_array_equal(logits.grad, expected.grad)


def test_an_index_array_is_copied():
    x_np = rng.normal(size=5)
    index = np.array([0, 0, 3])
    x = Tensor(x_np, requires_grad=True)
    y = x[index]
    index[:] = [4, 4, 4]  # refilled before backward
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 0.0, 1.0, 0.0])


def test_a_backward_seed_is_copied():
    x = Tensor([1.0, 2.0], requires_grad=True)
    seed = np.array([1.0, 1.0])
    x.backward(seed)
    seed[:] = 99.0
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
