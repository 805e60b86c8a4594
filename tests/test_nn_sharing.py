"""Shared weights (a layer used twice, tied weights) against PyTorch float64, and what nn refuses."""

import numpy as np
import pytest
import torch

from minigrad import nn, optim
from minigrad.tensor import Tensor, no_grad



def linear(n_in, n_out):
    return nn.Linear(n_in, n_out, dtype=np.float64)


def torch_copy(ours):
    """A torch.nn.Linear with the same weights as our Linear."""
    layer = torch.nn.Linear(ours.in_features, ours.out_features, dtype=torch.float64)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(ours.weight.data))
        layer.bias.copy_(torch.from_numpy(ours.bias.data))
    return layer


def test_a_layer_used_twice_is_listed_once():
    lin = linear(2, 2)
    model = nn.Sequential(lin, nn.ReLU(), lin)
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert len(model.parameters()) == 2
    t_lin = torch_copy(lin)
    t_model = torch.nn.Sequential(t_lin, torch.nn.ReLU(), t_lin)
    assert [name for name, _ in model.named_parameters()] == [n for n, _ in t_model.named_parameters()]


def test_tied_weights_are_listed_once_under_the_first_name():
    nn.manual_seed(0)
    encoder, decoder = linear(3, 3), linear(3, 3)
    decoder.weight = encoder.weight
    model = nn.Sequential(encoder, decoder)
    names = [name for name, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "1.bias"]
    t_enc, t_dec = torch_copy(encoder), torch_copy(decoder)
    t_dec.weight = t_enc.weight
    assert names == [n for n, _ in torch.nn.Sequential(t_enc, t_dec).named_parameters()]


@pytest.mark.parametrize("make_optimizer", [
    lambda params: optim.SGD(params, lr=0.1),
    lambda params: optim.SGD(params, lr=0.05, momentum=0.9, weight_decay=0.01),
    lambda params: optim.Adam(params, lr=0.01),
])
def test_training_a_shared_layer_matches_pytorch(make_optimizer):
    """Sequential(lin, ReLU, lin): each step updates lin once, with the sum of both uses' gradients."""
    nn.manual_seed(1)
    lin = linear(3, 3)
    model = nn.Sequential(lin, nn.ReLU(), lin)
    t_lin = torch_copy(lin)
    t_model = torch.nn.Sequential(t_lin, torch.nn.ReLU(), t_lin)
    t_make = {optim.SGD: lambda ps, o: torch.optim.SGD(ps, lr=o.lr, momentum=o.momentum,
                                                       weight_decay=o.weight_decay),
              optim.Adam: lambda ps, o: torch.optim.Adam(ps, lr=o.lr)}
    opt = make_optimizer(model.parameters())
    t_opt = t_make[type(opt)](t_model.parameters(), opt)

    rng = np.random.default_rng(0)
    for _ in range(5):
        x = rng.standard_normal((4, 3))
        opt.zero_grad()
        loss = (model(Tensor(x)) ** 2).mean()
        loss.backward()
        opt.step()
        t_opt.zero_grad()
        t_loss = (t_model(torch.from_numpy(x)) ** 2).mean()
        t_loss.backward()
        t_opt.step()
        assert loss.item() == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(lin.weight.data, t_lin.weight.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(lin.bias.data, t_lin.bias.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_an_optimizer_given_a_parameter_twice_updates_it_once():
    w = nn.Parameter(np.array([1.0, 2.0]))
    with pytest.warns(UserWarning, match="listed twice"):  # PyTorch warns too
        opt = optim.SGD([w, w], lr=0.5)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [0.0, 0.0])  # w - 0.5 * 2w, once


def test_an_optimizer_refuses_things_that_are_not_parameters():
    model = nn.Sequential(linear(2, 2))
    with pytest.raises(TypeError, match="model.parameters"):
        optim.SGD(model, lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        optim.SGD(model[0].weight, lr=0.1)
    with pytest.raises(TypeError, match="lr must be a number"):
        optim.SGD(model.parameters(), lr="0.1")


def test_parameter_keeps_its_own_copy_of_the_array():
    w0 = np.array([1.0, 2.0])
    p = nn.Parameter(w0)
    opt = optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    np.testing.assert_array_equal(w0, [1.0, 2.0])
    assert p.data[0] != 1.0
    source = Tensor(np.array([3.0]))
    q = nn.Parameter(source)
    q.data += 1
    assert source.data[0] == 3.0


def test_replacing_a_parameter_by_a_plain_tensor_is_refused():
    """Like PyTorch. Before, the weight silently vanished from parameters()."""
    lin = linear(2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'.*\\.data"):
        lin.weight = Tensor(np.zeros((2, 2)))
    with no_grad():
        lin.weight -= 0.1 * np.ones((2, 2))  # in place: the same Parameter, still registered
    assert len(lin.parameters()) == 2 and isinstance(lin.weight, nn.Parameter)
    lin.weight.data -= 0.1  # writing to .data works too
    lin.bias = None  # None is allowed, as in PyTorch
    assert [name for name, _ in lin.named_parameters()] == ["weight"]


@pytest.mark.parametrize("bad, words", [
    (nn.ReLU, "class ReLU.*ReLU\\(\\)"),
    (lambda x: x, "function <lambda>"),
    (np.tanh, "function tanh"),
    (3, "int"),
    (None, "NoneType"),
])
def test_sequential_refuses_what_is_not_a_module(bad, words):
    with pytest.raises(TypeError, match=words):
        nn.Sequential(linear(2, 2), bad)
    with pytest.raises(TypeError, match=words):
        nn.ModuleList([bad])
    with pytest.raises(TypeError, match=words):
        nn.ModuleDict({"a": bad})


def test_sequential_with_names():
    model = nn.Sequential({"hidden": linear(2, 3), "act": nn.ReLU(), "out": linear(3, 1)})
    assert [n for n, _ in model.named_parameters()] == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert model(Tensor(np.ones((5, 2)))).shape == (5, 1)
    with pytest.raises(KeyError, match="training"):
        nn.Sequential({"training": linear(2, 2)})


def test_module_list_registers_its_modules():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for block in self.blocks:
                x = block(x).tanh()
            return x

    stack = Stack()
    assert len(stack.parameters()) == 6
    assert [n for n, _ in stack.named_parameters()][:2] == ["blocks.0.weight", "blocks.0.bias"]
    stack.blocks.append(linear(2, 2))
    assert len(stack.blocks) == 4 and len(stack.parameters()) == 8
    assert isinstance(stack.blocks[1:], nn.ModuleList) and len(stack.blocks[1:]) == 3
    stack.blocks[0] = stack.blocks[1]  # now shared
    assert len(stack.parameters()) == 6
    with pytest.raises(IndexError):
        stack.blocks[10] = linear(2, 2)
    out = stack(Tensor(np.ones((1, 2))))
    out.sum().backward()
    assert all(p.grad is not None for p in stack.parameters())


def test_module_dict_registers_its_modules():
    heads = nn.ModuleDict({"a": linear(2, 1), "b": linear(2, 3)})
    assert heads.keys() == ["a", "b"] and "a" in heads and len(heads) == 2
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]
    heads["c"] = heads["a"]
    assert len(heads.parameters()) == 4
    with pytest.raises(KeyError, match="keys"):
        heads["keys"] = linear(1, 1)
    with pytest.raises(KeyError, match="'.'"):
        heads["x.y"] = linear(1, 1)


@pytest.mark.parametrize("make", [lambda ps: optim.SGD(ps, lr=0.1), lambda ps: optim.Adam(ps)])
def test_a_gradient_of_the_wrong_shape_is_an_error_not_a_broadcast(make):
    w = nn.Parameter(np.zeros((2, 3)))
    opt = make([w])
    w.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"shape \(2, 3\) has a gradient of shape \(3,\)"):
        opt.step()
    np.testing.assert_array_equal(w.data, np.zeros((2, 3)))
