"""minigrad.optim against torch.optim: the same parameters after every step."""

import numpy as np
import pytest
import torch

import minigrad.functional as F
from minigrad import nn, optim
from minigrad.tensor import Tensor
from test_nn import torch_twin

# ---- optimizers: same parameters as torch after N steps ----------------------------

OPTIMIZERS = {
    "sgd": (lambda p: optim.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd-momentum": (lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
                     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    "sgd-momentum-weight-decay": (lambda p: optim.SGD(p, lr=0.05, momentum=0.8, weight_decay=0.01),
                                  lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, weight_decay=0.01)),
    "adam": (lambda p: optim.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    "adam-betas-eps": (lambda p: optim.Adam(p, lr=0.003, betas=(0.8, 0.99), eps=1e-6),
                       lambda p: torch.optim.Adam(p, lr=0.003, betas=(0.8, 0.99), eps=1e-6)),
    "adam-weight-decay": (lambda p: optim.Adam(p, lr=0.01, weight_decay=0.1),
                          lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1)),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_matches_torch_after_many_steps(name):
    make_ours, make_theirs = OPTIMIZERS[name]
    nn.manual_seed(2)
    model = nn.MLP([5, 7, 3], dtype=np.float64)
    twin = torch_twin(model)
    ours, theirs = make_ours(model.parameters()), make_theirs(twin.parameters())
    rng = np.random.default_rng(3)
    for _ in range(25):
        x, y = rng.normal(size=(8, 5)), rng.integers(0, 3, 8)
        ours.zero_grad()
        F.cross_entropy(model(Tensor(x)), y).backward()
        ours.step()
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(twin(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        theirs.step()
    moved = 0.0
    for p, q in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-9, atol=1e-11)
        moved += np.abs(q.detach().numpy()).sum()
    assert moved > 0


def test_parameters_without_grad_are_skipped_like_torch():
    a = nn.Parameter(np.array([1.0, 2.0]))
    b = nn.Parameter(np.array([3.0]))
    a_t = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    b_t = torch.tensor([3.0], dtype=torch.float64, requires_grad=True)
    ours, theirs = optim.Adam([a, b], lr=0.1), torch.optim.Adam([a_t, b_t], lr=0.1)
    for step in range(4):
        ours.zero_grad()
        theirs.zero_grad()
        loss = (a * a).sum() + ((b * b).sum() if step >= 2 else 0)
        loss.backward()
        ours.step()
        loss_t = (a_t * a_t).sum() + ((b_t * b_t).sum() if step >= 2 else 0)
        loss_t.backward()
        theirs.step()
    np.testing.assert_allclose(a.data, a_t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.data, b_t.detach().numpy(), rtol=1e-12)


def test_optimizer_updates_in_place_and_keeps_dtype():
    p = nn.Parameter(np.array([1.0, 2.0], dtype=np.float32))
    data = p.data
    opt = optim.SGD([p], lr=0.5, momentum=0.9, weight_decay=0.1)
    (p * p).sum().backward()
    opt.step()
    assert p.data is data and p.data.dtype == np.float32
    np.testing.assert_allclose(p.data, [1.0 - 0.5 * (2.0 + 0.1), 2.0 - 0.5 * (4.0 + 0.2)], rtol=1e-6)
    opt.zero_grad()
    assert p.grad is None


def test_optimizer_argument_errors():
    with pytest.raises(ValueError, match="empty"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        optim.Adam([nn.Parameter(np.ones(1))], lr=-1)


def test_training_reduces_the_loss():
    nn.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)  # XOR-like: needs the hidden layer
    model = nn.MLP([2, 16, 2])
    opt = optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(200):
        opt.zero_grad()
        loss = F.cross_entropy(model(Tensor(x)), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.3 * losses[0]


# ---- PyTorch habits: what an optimizer accepts, and .grad written by hand ----

@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
                                  lambda ps: optim.Adam(ps, lr=0.1)])
def test_a_grad_assigned_as_a_tensor_steps_like_an_array_and_like_pytorch(make):
    start, g = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    as_array, as_tensor = nn.Parameter(start), nn.Parameter(start)
    t_param = torch.nn.Parameter(torch.tensor(start))
    opts = [make([as_array]), make([as_tensor])]
    t_opt = (torch.optim.SGD([t_param], lr=0.1, momentum=0.9) if isinstance(opts[0], optim.SGD)
             else torch.optim.Adam([t_param], lr=0.1))
    for step in range(3):
        as_array.grad, as_tensor.grad = g * (step + 1), Tensor(g * (step + 1))
        t_param.grad = torch.tensor(g * (step + 1))
        for opt in opts:
            opt.step()
        t_opt.step()
    np.testing.assert_array_equal(as_tensor.data, as_array.data)
    np.testing.assert_allclose(as_array.data, t_param.detach().numpy(), rtol=1e-12)


def test_parameters_without_a_gradient_are_skipped_as_in_pytorch():
    used, unused = nn.Parameter(np.array([1.0])), nn.Parameter(np.array([5.0]))
    opt = optim.Adam([used, unused], lr=0.1)
    (used * 3.0).sum().backward()
    opt.step()
    assert unused.data[0] == 5.0 and used.data[0] != 1.0
    assert opt.steps == [1, 0]  # Adam counts steps per parameter, as torch's state["step"]


def test_a_non_leaf_is_refused_as_in_pytorch():
    w = nn.Parameter(np.ones(2))
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor") as ours:
        optim.SGD([w * 2.0], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        torch.optim.SGD([torch.nn.Parameter(torch.ones(2)) * 2.0], lr=0.1)
    assert "'*'" in str(ours.value) or "mul" in str(ours.value).lower()  # names the op that made it


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad_follows_set_to_none_like_pytorch(set_to_none):
    w, t_w = nn.Parameter(np.ones(2)), torch.nn.Parameter(torch.ones(2, dtype=torch.float64))
    opt, t_opt = optim.SGD([w], lr=0.1), torch.optim.SGD([t_w], lr=0.1)
    (w * 3.0).sum().backward()
    (t_w * 3.0).sum().backward()
    kept = w.grad
    opt.zero_grad(set_to_none=set_to_none)
    t_opt.zero_grad(set_to_none=set_to_none)
    assert (w.grad is None) == (t_w.grad is None) == set_to_none
    if not set_to_none:
        assert w.grad is kept and not w.grad.any()  # zeroed in place, as grad.zero_()
        (w * 3.0).sum().backward()
        np.testing.assert_array_equal(w.grad, [3.0, 3.0])
