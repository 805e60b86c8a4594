"""Neural-network building blocks in the style of ``torch.nn``.

A ``Module`` is any object with parameters and a ``forward`` method. Assigning
a ``Parameter`` or another ``Module`` to an attribute registers it, so
``parameters()`` can find every weight of a whole network.

Random initialisation uses one numpy ``Generator`` for the whole module;
call ``manual_seed(n)`` to make it reproducible (like ``torch.manual_seed``).
"""

import math

import numpy as np

from . import functional as F
from .tensor import Tensor

__all__ = ["manual_seed", "Parameter", "Module", "Linear", "ReLU", "Tanh", "Sequential", "MLP"]

_rng = np.random.default_rng()


def manual_seed(seed):
    """Reset the generator used to initialise weights, for reproducible runs."""
    global _rng
    _rng = np.random.default_rng(seed)


class Parameter(Tensor):
    """A Tensor that is a learnable weight: it always has ``requires_grad=True``."""

    def __init__(self, data):
        super().__init__(data, requires_grad=True)


class Module:
    """Base class of layers and models. Subclasses set attributes and define ``forward``."""

    def __init__(self):
        # object.__setattr__ skips our own __setattr__ below (these are not parameters).
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ before assigning attributes")
        # Keep a register of parameters and sub-modules, in assignment order.
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *inputs):
        return self.forward(*inputs)

    def named_parameters(self, prefix=""):
        """Yield ``(name, parameter)`` pairs, e.g. ``("0.weight", ...)``, recursing into sub-modules."""
        for name, parameter in self._parameters.items():
            yield prefix + name, parameter
        for name, module in self._modules.items():
            yield from module.named_parameters(prefix + name + ".")

    def parameters(self):
        """All parameters of this module and its sub-modules, as a list."""
        return [parameter for _, parameter in self.named_parameters()]

    def zero_grad(self):
        for parameter in self.parameters():
            parameter.grad = None

    def train(self, mode=True):
        """Switch to training mode (matters for layers such as dropout); returns self."""
        self.training = mode
        for module in self._modules.values():
            module.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def __repr__(self):
        if not self._modules:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({name}): {module!r}".replace("\n", "\n  ") for name, module in self._modules.items()]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"

    def extra_repr(self):
        return ""


class Linear(Module):
    """y = x @ weight.T + bias, with ``weight`` of shape (out_features, in_features) as in PyTorch.

    Initialised like ``torch.nn.Linear``: every entry ~ U(-1/sqrt(in), 1/sqrt(in)).
    """

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = Parameter(_rng.uniform(-bound, bound, (out_features, in_features)).astype(dtype))
        self.bias = Parameter(_rng.uniform(-bound, bound, out_features).astype(dtype)) if bias else None

    def forward(self, x):
        # One fused op (see functional.Linear), the same as `x @ self.weight.T + self.bias`.
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class ReLU(Module):
    def forward(self, x):
        return x.relu()


class Tanh(Module):
    def forward(self, x):
        return x.tanh()


class Sequential(Module):
    """Apply modules one after the other; they are registered as "0", "1", ..."""

    def __init__(self, *modules):
        super().__init__()
        for index, module in enumerate(modules):
            setattr(self, str(index), module)

    def __getitem__(self, index):
        return list(self._modules.values())[index]

    def __len__(self):
        return len(self._modules)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class MLP(Sequential):
    """A multi-layer perceptron: Linear + ReLU layers, no activation after the last.

    ``MLP([64, 128, 10])`` holds the same layers as
    ``Sequential(Linear(64, 128), ReLU(), Linear(128, 10))``, so its parameters
    are named ``"0.weight"``, ``"0.bias"``, ``"2.weight"``, ...
    """

    def __init__(self, sizes, dtype=np.float32):
        if len(sizes) < 2:
            raise ValueError(f"MLP needs at least an input and an output size, got {sizes}")
        layers = []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers += [Linear(fan_in, fan_out, dtype=dtype), ReLU()]
        super().__init__(*layers[:-1])
