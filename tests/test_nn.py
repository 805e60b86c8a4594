"""minigrad.nn against torch.nn from the same weights."""

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
    assert isinstance(model, nn.Module) and isinstance(model, nn.Sequential)  # a Module, not a factory
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


def test_linear_stores_its_weight_column_major_and_keeps_it_so():
    """Column-major only changes the memory layout: shape, values and results stay PyTorch's."""
    layer = nn.Linear(5, 3, dtype=np.float64)
    assert layer.weight.shape == (3, 5) and layer.weight.data.flags.f_contiguous
    x = np.random.default_rng(0).normal(size=(4, 5))
    layer(Tensor(x)).sum().backward()
    assert layer.weight.grad.flags.f_contiguous  # the same layout: the update walks both in order
    before = layer.weight.data.copy()
    optim.SGD(layer.parameters(), lr=0.1).step()
    np.testing.assert_allclose(layer.weight.data, before - 0.1 * layer.weight.grad)
    assert layer.weight.data.flags.f_contiguous
    layer.load_state_dict({"weight": np.ones((3, 5)), "bias": np.zeros(3)})
    assert layer.weight.data.flags.f_contiguous and (layer.weight.data == 1).all()


@pytest.mark.parametrize("batch", [0, 1, 2, 7])
@pytest.mark.parametrize("order", ["C", "F"])
def test_linear_gradients_match_torch_for_any_batch_and_weight_layout(batch, order):
    """Batch 1 takes the outer-product path, batch 0 sums nothing; both layouts of the weight."""
    rng = np.random.default_rng(batch)
    x = rng.normal(size=(batch, 4))
    w, b = np.asarray(rng.normal(size=(3, 4)), order=order), rng.normal(size=3)
    grad_out = rng.normal(size=(batch, 3))
    ours = [Tensor(x, requires_grad=True), nn.Parameter(w), nn.Parameter(b)]
    F.linear(*ours).backward(grad_out)
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    torch.nn.functional.linear(*theirs).backward(torch.from_numpy(grad_out))
    for mine, torchs in zip(ours, theirs):
        np.testing.assert_allclose(mine.grad, torchs.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert ours[1].grad.flags.f_contiguous == (order == "F")


@pytest.mark.parametrize("batch", [1, 5])
def test_a_float32_weight_fed_float64_inputs_gets_a_float32_gradient_of_the_float64_maths(batch):
    """numpy promotes the forward to float64; the weight's gradient comes back in the weight's dtype."""
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(batch, 4)), rng.normal(size=(3, 4)).astype(np.float32)
    weight = nn.Parameter(np.asfortranarray(w))
    out = F.linear(Tensor(x), weight)
    assert out.dtype == np.float64
    (out * out).sum().backward()
    expected = 2 * (x @ w.astype(np.float64).T).T @ x  # d sum(out^2) / dW, in float64
    assert weight.grad.dtype == np.float32
    np.testing.assert_allclose(weight.grad, expected.astype(np.float32), rtol=1e-6)
