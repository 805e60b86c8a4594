"""state_dict() / load_state_dict(): save a model, load it back, with shape checks; against PyTorch."""

import numpy as np
import pytest
import torch

from minigrad import nn, optim
from minigrad.tensor import Tensor


def model64(seed):
    nn.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4, dtype=np.float64), nn.ReLU(), nn.Linear(4, 2, dtype=np.float64))


def test_state_dict_names_match_pytorch_and_hold_copies():
    model = model64(0)
    state = model.state_dict()
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    assert list(state) == list(t_model.state_dict())
    state["0.weight"][0, 0] = 123.0  # a copy: the model is unchanged
    assert model[0].weight.data[0, 0] != 123.0


def test_load_state_dict_into_a_pytorch_model_gives_the_same_outputs():
    model = model64(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                  torch.nn.Linear(4, 2)).double()
    t_model.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 3))
    np.testing.assert_allclose(model(Tensor(x)).data, t_model(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-12)
    # and back: PyTorch's weights into ours
    other = model64(1)
    other.load_state_dict({k: v.numpy() for k, v in t_model.state_dict().items()})
    np.testing.assert_array_equal(other(Tensor(x)).data, model(Tensor(x)).data)


def test_save_train_load_restores_the_model_and_keeps_the_optimizer_working(tmp_path):
    model = model64(0)
    x = Tensor(np.random.default_rng(1).standard_normal((8, 3)))
    before = model(x).data.copy()
    np.savez(tmp_path / "model.npz", **model.state_dict())
    params = model.parameters()
    opt = optim.SGD(params, lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (model(x) ** 2).mean().backward()
        opt.step()
    assert not np.allclose(model(x).data, before)
    with np.load(tmp_path / "model.npz") as saved:
        model.load_state_dict(saved)
    np.testing.assert_array_equal(model(x).data, before)
    assert all(p is q for p, q in zip(model.parameters(), params))  # same objects, in place
    opt.zero_grad()
    (model(x) ** 2).mean().backward()
    opt.step()  # the optimizer still updates the model
    assert not np.array_equal(model(x).data, before)


def test_load_state_dict_checks_shapes_and_names_and_changes_nothing_on_error():
    model = model64(0)
    original = model.state_dict()
    bad = model64(1).state_dict()
    bad["2.weight"] = np.zeros((3, 4))
    for strict in (True, False):  # a wrong shape is an error even when not strict, as in PyTorch
        with pytest.raises(ValueError, match=r"size mismatch for '2.weight': shape \(3, 4\).*\(2, 4\)"):
            model.load_state_dict(bad, strict=strict)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, original[name])  # nothing was loaded
    missing = dict(original)
    del missing["0.bias"]
    with pytest.raises(ValueError, match="missing keys \\['0.bias'\\]"):
        model.load_state_dict(missing)
    with pytest.raises(RuntimeError, match="unexpected keys \\['3.weight'\\]"):  # PyTorch's type works too
        model.load_state_dict({**original, "3.weight": np.zeros(2)})


def test_load_state_dict_returns_missing_and_unexpected_keys_like_pytorch():
    model = model64(0)
    t_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
    new = model64(1).state_dict()
    partial = {"0.weight": new["0.weight"], "2.bias": new["2.bias"], "extra.weight": np.zeros(2)}
    result = model.load_state_dict(partial, strict=False)
    t_result = t_model.load_state_dict({k: torch.from_numpy(v) for k, v in partial.items()}, strict=False)
    assert result == (t_result.missing_keys, t_result.unexpected_keys)
    assert result.missing_keys == ["0.bias", "2.weight"] and result.unexpected_keys == ["extra.weight"]
    np.testing.assert_array_equal(model[0].weight.data, new["0.weight"])   # the common names were loaded
    np.testing.assert_array_equal(model[2].bias.data, new["2.bias"])
    assert not np.array_equal(model[2].weight.data, new["2.weight"])      # the others were not
    assert model.load_state_dict(new) == ([], [])                          # strict and complete


def test_load_state_dict_casts_to_the_parameters_dtype():
    nn.manual_seed(0)
    layer = nn.Linear(2, 2)  # float32
    layer.load_state_dict({"weight": np.ones((2, 2)), "bias": [0.5, 0.25]})
    assert layer.weight.dtype == np.float32
    np.testing.assert_array_equal(layer.bias.data, [0.5, 0.25])


def test_shared_weights_appear_under_every_name_as_in_pytorch():
    lin = nn.Linear(2, 2, dtype=np.float64)
    model = nn.Sequential(lin, lin)
    t_lin = torch.nn.Linear(2, 2)
    assert list(model.state_dict()) == list(torch.nn.Sequential(t_lin, t_lin).state_dict())
    model.load_state_dict({"0.weight": np.eye(2), "0.bias": np.zeros(2),
                           "1.weight": np.eye(2), "1.bias": np.zeros(2)})
    np.testing.assert_array_equal(lin.weight.data, np.eye(2))
