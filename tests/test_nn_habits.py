"""Modules used with PyTorch habits: re-assignment, del, containers, keyword arguments, sizes.

Each test does the same thing to a minigrad model and to a PyTorch model and
compares what comes out (names, order, outputs), so a difference shows as a
failure, not as a silently different network.
"""

import numpy as np
import pytest
import torch

from minigrad import nn
from minigrad.tensor import Tensor

X = np.random.default_rng(0).standard_normal((5, 3))


def twins():
    """The same 3-layer network in both libraries, with the same weights (float64)."""
    nn.manual_seed(0)
    ours = nn.Sequential({"fc": nn.Linear(3, 4, dtype=np.float64), "act": nn.ReLU(),
                          "out": nn.Linear(4, 2, dtype=np.float64)})
    theirs = torch.nn.Sequential()
    theirs.add_module("fc", torch.nn.Linear(3, 4))
    theirs.add_module("act", torch.nn.ReLU())
    theirs.add_module("out", torch.nn.Linear(4, 2))
    theirs.double().load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    return ours, theirs


def same_outputs(ours, theirs, x=X):
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)


def test_reassigning_a_submodule_keeps_its_place_in_a_sequential():
    ours, theirs = twins()
    ours.act, theirs.act = nn.Tanh(), torch.nn.Tanh()
    assert [name for name, _ in ours._modules.items()] == list(theirs._modules) == ["fc", "act", "out"]
    same_outputs(ours, theirs)  # tanh between the layers, not applied last


def test_reassigning_a_parameter_keeps_its_place_in_the_state_dict():
    ours, theirs = twins()
    ours.fc.weight = nn.Parameter(np.ones((4, 3)))
    theirs.fc.weight = torch.nn.Parameter(torch.ones(4, 3, dtype=torch.float64))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    same_outputs(ours, theirs)


def test_a_parameter_set_to_none_stays_registered_and_comes_back_in_place():
    layer = nn.Linear(2, 2)
    layer.weight = None
    assert [n for n, _ in layer.named_parameters()] == ["bias"]
    layer.weight = nn.Parameter(np.zeros((2, 2)))
    assert list(layer.state_dict()) == ["weight", "bias"]


def test_del_unregisters_a_submodule_and_a_parameter():
    ours, theirs = twins()
    del ours.out, theirs.out
    del ours.fc.bias, theirs.fc.bias
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["fc.weight"]
    assert [n for n, _ in ours.named_parameters()] == ["fc.weight"] and len(ours.parameters()) == 1
    assert len(ours) == 2 and not hasattr(ours, "out")
    with pytest.raises(AttributeError):
        del ours.out


def test_a_non_module_assigned_over_a_submodule_is_refused():
    ours, _ = twins()
    with pytest.raises(TypeError, match="sub-module 'act'.*a Module or None"):
        ours.act = np.tanh
    assert isinstance(ours.act, nn.ReLU)


@pytest.mark.parametrize("container", ["Sequential", "ModuleList"])
def test_item_assignment_negative_indices_slicing_and_del_like_pytorch(container):
    def make(lib):
        mods = [lib.Linear(2, 2), lib.ReLU(), lib.Linear(2, 2), lib.Tanh()]
        return getattr(lib, container)(mods) if container == "ModuleList" else getattr(lib, container)(*mods)

    ours, theirs = make(nn), make(torch.nn)
    replacement = nn.Tanh()
    ours[1], theirs[1] = replacement, torch.nn.Tanh()
    assert ours[1] is replacement and ours[-3] is replacement
    assert ours[-1] is ours[3] and len(ours) == len(theirs) == 4
    head, t_head = ours[:2], theirs[:2]
    assert type(head).__name__ == type(t_head).__name__ == container
    assert len(head) == 2 and head[0] is ours[0]
    assert [type(m).__name__ for m in ours[::-2]] == [type(m).__name__ for m in theirs[::-2]]
    del ours[0], theirs[0]
    assert list(ours.state_dict()) == list(theirs.state_dict())  # renumbered from "0"
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in theirs]
    for bad, error in [(4, IndexError), (-4, IndexError), ("0", TypeError), (1.0, TypeError)]:
        with pytest.raises(error, match="out of range|integers or slices"):
            ours[bad]
        with pytest.raises(error):
            theirs[bad]


def test_a_sliced_sequential_runs_the_first_layers():
    ours, theirs = twins()
    same_outputs(ours[:2], theirs[:2])
    assert list(ours[1:].state_dict()) == list(theirs[1:].state_dict()) == ["out.weight", "out.bias"]


def test_keyword_arguments_reach_forward():
    class Masked(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 2, dtype=np.float64)

        def forward(self, x, mask=None, *, scale=1.0):
            out = self.lin(x) * scale
            return out if mask is None else out * Tensor(mask)

    model = Masked()
    mask = np.array([[1.0, 0.0]])
    plain = model(Tensor(X)).data
    np.testing.assert_array_equal(model(Tensor(X), mask=mask, scale=2.0).data, plain * 2 * mask)


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")
@pytest.mark.parametrize("sizes", [(0, 3), (3, 0)])
def test_an_empty_linear_layer_behaves_like_pytorch(sizes):
    layer, t_layer = nn.Linear(*sizes, dtype=np.float64), torch.nn.Linear(*sizes).double()
    x = np.ones((2, sizes[0]))
    assert layer.weight.shape == tuple(t_layer.weight.shape)
    assert layer(Tensor(x)).shape == tuple(t_layer(torch.from_numpy(x)).shape)
    if sizes[0] == 0:  # no inputs: the bias is all there is, and PyTorch's bound for it is 0
        np.testing.assert_array_equal(layer.bias.data, 0.0)


def test_zero_grad_set_to_none_false_zeroes_in_place():
    layer = nn.Linear(2, 2, dtype=np.float64)
    layer(Tensor(np.ones((1, 2)))).sum().backward()
    grad = layer.weight.grad
    layer.zero_grad(set_to_none=False)
    assert layer.weight.grad is grad and not grad.any()
    layer.zero_grad()
    assert layer.weight.grad is None and layer.bias.grad is None


def test_children_modules_and_their_names_like_pytorch():
    ours, theirs = twins()
    shared, t_shared = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    ours.add_module("twice", nn.Sequential(shared, nn.ReLU(), shared))
    theirs.add_module("twice", torch.nn.Sequential(t_shared, torch.nn.ReLU(), t_shared))
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [type(m).__name__ for m in ours.modules()] == [type(m).__name__ for m in theirs.modules()]
    assert [type(m).__name__ for m in ours.children()] == [type(m).__name__ for m in theirs.children()]


def test_add_module_and_register_parameter_check_names_like_pytorch():
    ours, theirs = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    for bad in ("", "a.b"):
        with pytest.raises(KeyError):
            ours.add_module(bad, nn.ReLU())
        with pytest.raises(KeyError):
            theirs.add_module(bad, torch.nn.ReLU())
    with pytest.raises(KeyError, match="already an attribute"):
        ours.add_module("forward", nn.ReLU())
    with pytest.raises(TypeError, match="nn.Parameter"):
        ours.register_parameter("scale", np.ones(2))
    ours.register_parameter("scale", None)
    theirs.register_parameter("scale", None)
    ours.scale = nn.Parameter(np.ones(2))
    theirs.scale = torch.nn.Parameter(torch.ones(2))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight", "bias", "scale"]


# ---- random edits of a container, compared with PyTorch after every edit ------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

KINDS = ["Linear", "ReLU", "Tanh"]
EDITS = st.lists(st.tuples(st.sampled_from(["set", "del", "append", "slice", "setattr"]),
                           st.integers(-6, 6), st.sampled_from(KINDS)), max_size=12)


def build(lib, kind):
    return lib.Linear(2, 2) if kind == "Linear" else getattr(lib, kind)()


def describe(container):
    return [type(m).__name__ for m in container], list(container.state_dict())


@pytest.mark.parametrize("container", ["Sequential", "ModuleList"])
@given(start=st.lists(st.sampled_from(KINDS), max_size=5), edits=EDITS)
def test_random_edits_of_a_container_match_pytorch(container, start, edits):
    def make(lib):
        modules = [build(lib, kind) for kind in start]
        return getattr(lib, container)(modules) if container == "ModuleList" else getattr(lib, container)(*modules)

    ours, theirs = make(nn), make(torch.nn)
    for edit, index, kind in edits:
        outcomes = []
        for lib, box in ((nn, ours), (torch.nn, theirs)):
            try:
                if edit == "set":
                    box[index] = build(lib, kind)
                elif edit == "del":
                    del box[index]
                elif edit == "append":
                    box.append(build(lib, kind))
                elif edit == "slice":  # keep a slice: a container of the same kind
                    sliced = box[index:]
                    assert type(sliced).__name__ == container
                    outcomes.append(describe(sliced))
                elif edit == "setattr" and len(box):  # re-assign by name: same place
                    setattr(box, str(len(box) - 1), build(lib, kind))
                outcomes.append("ok")
            except IndexError:
                outcomes.append("IndexError")
        assert outcomes[: len(outcomes) // 2] == outcomes[len(outcomes) // 2:], (edit, index)
        assert describe(ours) == describe(theirs), (edit, index, kind)
