"""Neural-network building blocks in the style of ``torch.nn``.

A ``Module`` is any object with parameters and a ``forward`` method. Assigning
a ``Parameter`` or another ``Module`` to an attribute registers it, so
``parameters()`` can find every weight of a whole network.

A weight can be shared: the same layer used twice (``Sequential(lin, lin)``) or
tied weights (``decoder.weight = encoder.weight``). As in PyTorch,
``parameters()`` lists each shared weight once (so an optimizer updates it
once, with the sum of the gradients of all its uses), under the first name
that reaches it. ``state_dict()`` lists every name, like PyTorch's.

Random initialisation uses one numpy ``Generator`` for the whole module;
call ``manual_seed(n)`` to make it reproducible (like ``torch.manual_seed``).
"""

import math

import numpy as np

from . import functional as F
from .tensor import Tensor

__all__ = ["manual_seed", "Parameter", "Module", "Linear", "ReLU", "Tanh", "Sequential", "ModuleList",
           "ModuleDict", "MLP"]

_rng = np.random.default_rng()


def manual_seed(seed):
    """Reset the generator used to initialise weights, for reproducible runs."""
    global _rng
    _rng = np.random.default_rng(seed)


class Parameter(Tensor):
    """A Tensor that is a learnable weight: it always has ``requires_grad=True``.

    It holds its own copy of ``data``: training changes the parameter, never
    the array you passed in.
    """

    def __init__(self, data):
        # Tensor() copies `data` (keeping its memory layout), so training never
        # changes the caller's array.
        super().__init__(data, requires_grad=True)


def _check_module(module, where):
    """Raise a clear TypeError unless ``module`` is a Module instance."""
    if isinstance(module, Module):
        return
    if isinstance(module, type) and issubclass(module, Module):
        raise TypeError(f"{where} got the class {module.__name__}, not a module: "
                        f"did you mean {module.__name__}()?")
    if callable(module):
        name = getattr(module, "__name__", type(module).__name__)
        raise TypeError(f"{where} takes Modules, got the function {name}; "
                        "wrap it in a Module subclass whose forward() calls it")
    raise TypeError(f"{where} takes Modules, got {type(module).__name__}: {module!r}")


def _check_new_name(module, name):
    """A sub-module name must not hide an attribute or method (``keys``, ``training``...)."""
    if hasattr(module, name) and name not in module._modules:
        raise KeyError(f"{type(module).__name__}: the name {name!r} is already an attribute, "
                       "choose another name for this module")


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
        if name in self._parameters and value is not None and not isinstance(value, Parameter):
            # PyTorch refuses this too; silently dropping the weight from
            # parameters() would leave it out of every optimizer step.
            raise TypeError(
                f"cannot assign {type(value).__name__} to the parameter {name!r} of "
                f"{type(self).__name__} (a Parameter or None is expected). To change a weight's "
                f"values in place, write to .data: self.{name}.data -= ... or self.{name}.data[...] = ..."
            )
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

    def _all_named_parameters(self, prefix=""):
        """Every ``(name, parameter)`` pair, a shared parameter once per name that reaches it."""
        for name, parameter in self._parameters.items():
            if parameter is not None:
                yield prefix + name, parameter
        for name, module in self._modules.items():
            yield from module._all_named_parameters(prefix + name + ".")

    def named_parameters(self, prefix=""):
        """Yield ``(name, parameter)`` pairs, e.g. ``("0.weight", ...)``, recursing into sub-modules.

        A parameter reachable under several names (shared) is yielded once, under
        the first of them, as in PyTorch.
        """
        seen = set()
        for name, parameter in self._all_named_parameters(prefix):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                yield name, parameter

    def parameters(self):
        """All parameters of this module and its sub-modules, as a list, each one once."""
        return [parameter for _, parameter in self.named_parameters()]

    def state_dict(self):
        """A dict ``name -> copy of the parameter's array``, every name (shared ones too).

        The arrays are copies (PyTorch's share memory with the model): a saved
        state does not change when training goes on. Save it with
        ``np.savez(path, **model.state_dict())``.
        """
        return {name: parameter.data.copy() for name, parameter in self._all_named_parameters()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy the arrays of ``state_dict`` into this module's parameters, in place.

        Every name must exist here with the same shape (and, with ``strict=True``,
        every parameter must get a value), else nothing is changed and a
        ValueError names the problem. Values are cast to each parameter's dtype.
        The parameters stay the same objects, so an optimizer built on them
        keeps working.
        """
        ours = dict(self._all_named_parameters())
        state = {name: np.asarray(value.data if isinstance(value, Tensor) else value)
                 for name, value in dict(state_dict).items()}
        problems = []
        unexpected = [name for name in state if name not in ours]
        missing = [name for name in ours if name not in state]
        if unexpected:
            problems.append(f"unexpected names {unexpected}")
        if missing and strict:
            problems.append(f"missing names {missing}")
        for name, value in state.items():
            if name in ours and value.shape != ours[name].shape:
                problems.append(f"{name!r} has shape {value.shape} in the state dict but "
                                f"{ours[name].shape} in the model")
            elif name in ours and not np.can_cast(value.dtype, np.float64):
                problems.append(f"{name!r} has non-numeric dtype {value.dtype}")
        if problems:
            raise ValueError(f"load_state_dict into {type(self).__name__}: " + "; ".join(problems))
        for name, value in state.items():
            ours[name].data[...] = value  # in place: same Parameter objects, same arrays

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
    One difference from PyTorch, in memory only: the weight is stored
    column-major (shape, values and results are the same; see ``__init__``).
    """

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features)
        weight = _rng.uniform(-bound, bound, (out_features, in_features)).astype(dtype)
        # Stored column-major: weight.T is then an ordinary row-major matrix, and
        # BLAS computes x @ weight.T about 12% faster than with a row-major weight.
        # The shape, the values and every result are the same as in PyTorch.
        self.weight = Parameter(np.asfortranarray(weight))
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
    """Apply modules one after the other; they are registered as "0", "1", ...

    ``Sequential({"hidden": Linear(2, 3), "act": ReLU()})`` names them instead.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            named = modules[0].items()
        else:
            named = ((str(index), module) for index, module in enumerate(modules))
        for name, module in named:
            _check_module(module, "Sequential")
            _check_new_name(self, name)
            setattr(self, name, module)

    def __getitem__(self, index):
        return list(self._modules.values())[index]

    def __len__(self):
        return len(self._modules)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x


class ModuleList(Module):
    """A list of modules whose parameters the parent module can find (a plain list hides them).

    ``self.blocks = ModuleList([Linear(4, 4) for _ in range(3)])``, then
    ``for block in self.blocks: x = block(x)`` in ``forward``.
    """

    def __init__(self, modules=()):
        super().__init__()
        self.extend(modules)

    def append(self, module):
        _check_module(module, "ModuleList")
        setattr(self, str(len(self)), module)
        return self

    def extend(self, modules):
        for module in modules:
            self.append(module)
        return self

    def __getitem__(self, index):
        items = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(items[index])
        return items[index]

    def __setitem__(self, index, module):
        _check_module(module, "ModuleList")
        name = list(self._modules)[index]  # an IndexError for a bad index, as for a list
        setattr(self, name, module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules.values()))


class ModuleDict(Module):
    """A dict ``name -> module`` whose parameters the parent module can find."""

    def __init__(self, modules=None):
        super().__init__()
        for name, module in dict(modules or {}).items():
            self[name] = module

    def __setitem__(self, name, module):
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"ModuleDict keys must be non-empty strings without '.', got {name!r}")
        _check_module(module, "ModuleDict")
        _check_new_name(self, name)
        setattr(self, name, module)

    def __getitem__(self, name):
        return self._modules[name]

    def __contains__(self, name):
        return name in self._modules

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules))

    def keys(self):
        return list(self._modules)

    def values(self):
        return list(self._modules.values())

    def items(self):
        return list(self._modules.items())


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
