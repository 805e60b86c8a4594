"""minigrad.nn and minigrad.optim against torch.nn and torch.optim from the same weights."""

import math

import numpy as np
import pytest
import torch

import minigrad.functional as F
from minigrad import nn, optim
from minigrad.tensor import Tensor

# ---- Module machinery -----------------------------------------------------------


def torch_twin(model):
    """A torch.nn.Sequential with the same layers and weights as a minigrad MLP."""
    layers = []
    for layer in model._modules.values():
        if isinstance(layer, nn.Linear):
            twin = torch.nn.Linear(layer.in_features, layer.out_features, dtype=torch.float64)
            with torch.no_grad():
                twin.weight.copy_(torch.from_numpy(layer.weight.data))
                twin.bias.copy_(torch.from_numpy(layer.bias.data))
            layers.append(twin)
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def test_named_parameters_match_torch_state_dict_names_and_shapes():
    model = nn.MLP([5, 4, 3, 2], dtype=np.float64)
    names = {name: p.shape for name, p in model.named_parameters()}
    expected = {name: tuple(t.shape) for name, t in torch_twin(model).state_dict().items()}
    assert names == expected
    assert list(names) == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in model.parameters())


def test_module_registers_by_attribute_assignment():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Linear(3, 2)
            self.scale = nn.Parameter(np.ones(1, dtype=np.float32))
            self.not_a_parameter = Tensor(np.ones(2))
            self.blocks = nn.Sequential(nn.Linear(2, 2), nn.Tanh())

        def forward(self, x):
            return self.blocks(self.encoder(x)) * self.scale

    net = Net()
    assert [name for name, _ in net.named_parameters()] == [
        "scale", "encoder.weight", "encoder.bias", "blocks.0.weight", "blocks.0.bias"]
    net.encoder = nn.Linear(3, 2, bias=False)  # reassigning replaces, not duplicates
    assert len(net.parameters()) == 4
    out = net(Tensor(np.ones((4, 3), dtype=np.float32)))
    assert out.shape == (4, 2)
    out.sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_module_without_super_init_gets_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.layer = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match=r"super\(\)\.__init__\(\)"):
        Broken()


def test_train_eval_propagate():
    model = nn.MLP([2, 3, 2])
    assert model.training and model[0].training
    assert model.eval() is model
    assert not model.training and not model[0].training and not model[1].training
    model.train()
    assert model[2].training


def test_linear_initialisation_like_torch():
    nn.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight.data, layer.bias.data):
        assert p.dtype == np.float32
        assert np.all(np.abs(p) <= bound)
        assert p.max() > 0.95 * bound and p.min() < -0.95 * bound
    # U(-b, b) has standard deviation b / sqrt(3)
    assert abs(layer.weight.data.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert layer.weight.shape == (300, 400) and layer.bias.shape == (300,)
    assert nn.Linear(3, 2, bias=False).bias is None


def test_manual_seed_makes_initialisation_reproducible():
    nn.manual_seed(123)
    first = [p.data.copy() for p in nn.MLP([4, 5, 3]).parameters()]
    nn.manual_seed(123)
    second = [p.data for p in nn.MLP([4, 5, 3]).parameters()]
    third = [p.data for p in nn.MLP([4, 5, 3]).parameters()]
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], third[0])


def test_mlp_structure_and_errors():
    model = nn.MLP([3, 4, 5, 2])
    kinds = [type(m).__name__ for m in model._modules.values()]
    assert kinds == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert len(model) == 5 and "Linear(in_features=3, out_features=4, bias=True)" in repr(model)
    with pytest.raises(ValueError, match="at least"):
        nn.MLP([3])


def test_forward_and_gradients_match_torch():
    nn.manual_seed(1)
    model = nn.MLP([6, 8, 4], dtype=np.float64)
    twin = torch_twin(model)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(10, 6)), rng.integers(0, 4, 10)
    loss = F.cross_entropy(model(Tensor(x)), y)
    expected = torch.nn.functional.cross_entropy(twin(torch.from_numpy(x)), torch.from_numpy(y))
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-12)
    loss.backward()
    expected.backward()
    for ours, theirs in zip(model.parameters(), twin.parameters()):
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


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


# ---- training loop pieces (minigrad.train) --------------------------------------

def test_minibatches_cover_the_data_once():
    from minigrad import train

    x, y = np.arange(10)[:, None] * np.ones((1, 2)), np.arange(10)
    batches = list(train.minibatches(x, y, 4, rng=np.random.default_rng(0)))
    assert [len(yb) for _, yb in batches] == [4, 4, 2]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen) == list(range(10)) and list(seen) != list(range(10))  # shuffled
    assert all(np.array_equal(xb[:, 0], yb) for xb, yb in batches)  # pairs stay together


def test_digits_recipe_reaches_97_percent():
    """The recipe of scripts/train_digits.py (and chapter 08): MLP 64-128-10, Adam 1e-3, 50 epochs of 32."""
    from minigrad import train
    from minigrad.data import load_digits

    x_train, y_train, x_test, y_test = load_digits(seed=0)
    nn.manual_seed(0)
    model = nn.MLP([64, 128, 10])
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    losses = train.fit(model, optimizer, x_train, y_train, epochs=50, batch_size=32, seed=0, log=None)
    assert losses[-1] < 0.1 * losses[0]
    assert train.accuracy(model, x_test, y_test) >= 0.97
    assert model.training is False  # accuracy() switched to eval mode
