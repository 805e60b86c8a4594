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

import collections
import math

import numpy as np

from . import functional as F
from .tensor import Tensor

__all__ = ["manual_seed", "Parameter", "Module", "StateDictError", "IncompatibleKeys", "Linear", "ReLU", "Tanh", "Sequential", "ModuleList",
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


class StateDictError(ValueError, RuntimeError):
    """``load_state_dict`` was given names or shapes that do not fit the model.

    Both a ValueError (minigrad's habit) and a RuntimeError (what PyTorch raises),
    so ``except RuntimeError`` written for PyTorch catches it too.
    """


# What load_state_dict returns, as torch.nn.Module.load_state_dict does.
IncompatibleKeys = collections.namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _forget_gradient(parameter, set_to_none):
    """``parameter.grad = None``, or (``set_to_none=False``) its gradient set to zero in place."""
    if set_to_none or parameter.grad is None:
        parameter.grad = None
    elif isinstance(parameter.grad, np.ndarray) and parameter.grad.flags.writeable:
        parameter.grad[...] = 0  # in place, as PyTorch's grad.zero_()
    else:
        parameter.grad = np.zeros_like(parameter.data)


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
        if name in self._modules and value is not None and not isinstance(value, Module):
            # The same for a sub-module: a plain value would silently vanish from the network.
            raise TypeError(f"cannot assign {type(value).__name__} as the sub-module {name!r} of "
                            f"{type(self).__name__} (a Module or None is expected)")
        # Keep a register of parameters and sub-modules, in assignment order.
        # Re-assigning a name keeps its place, as in PyTorch: after
        # `seq.act = Tanh()` a Sequential still applies `act` where it was
        # (a dict keeps the position of a key whose value is replaced).
        if isinstance(value, Parameter) or (value is None and name in self._parameters):
            self._modules.pop(name, None)
            self._parameters[name] = value  # None stays registered, as in PyTorch
        elif isinstance(value, Module) or (value is None and name in self._modules):
            self._parameters.pop(name, None)
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        """``del model.fc`` unregisters ``fc``: gone from parameters(), named_*() and state_dict()."""
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def forward(self, *inputs, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *inputs, **kwargs):
        # Keyword arguments pass through, as in PyTorch: model(x, mask=m).
        return self.forward(*inputs, **kwargs)

    def _set_modules(self, named_modules):
        """Replace every sub-module by ``named_modules`` (name, module) pairs, in that order.

        Used by containers after a deletion renumbers them ("0", "1", ...).
        """
        for name in list(self._modules):
            object.__delattr__(self, name)
        self._modules.clear()
        for name, module in named_modules:
            setattr(self, name, module)

    def _all_named_parameters(self, prefix=""):
        """Every ``(name, parameter)`` pair, a shared parameter once per name that reaches it."""
        for name, parameter in self._parameters.items():
            if parameter is not None:
                yield prefix + name, parameter
        for name, module in self._modules.items():
            if module is not None:
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

    def named_children(self):
        """Yield ``(name, module)`` for each direct sub-module, in registration order."""
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self):
        """Yield each direct sub-module."""
        for _, module in self.named_children():
            yield module

    def named_modules(self, prefix=""):
        """Yield ``(name, module)`` for this module ("") and every module below it, each once (as PyTorch)."""
        yield from self._named_modules(prefix, set())

    def _named_modules(self, prefix, seen):
        if id(self) in seen:  # a shared layer is listed once, under its first name
            return
        seen.add(id(self))
        yield prefix, self
        for name, module in self.named_children():
            yield from module._named_modules(f"{prefix}.{name}" if prefix else name, seen)

    def modules(self):
        """Yield this module and every module below it, each once."""
        for _, module in self.named_modules():
            yield module

    def add_module(self, name, module):
        """Register ``module`` (or None) under ``name``, as ``setattr`` does, with PyTorch's checks of the name."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"a module name must be a non-empty string without '.', got {name!r}")
        if module is not None:
            _check_module(module, "add_module")
        _check_new_name(self, name)
        if module is None:
            self._modules[name] = None
        setattr(self, name, module)

    def register_parameter(self, name, parameter):
        """Register ``parameter`` (a Parameter, or None) under ``name``, as ``setattr`` does."""
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"a parameter name must be a non-empty string without '.', got {name!r}")
        if parameter is not None and not isinstance(parameter, Parameter):
            raise TypeError(f"register_parameter({name!r}, ...) takes a Parameter or None, "
                            f"got {type(parameter).__name__}; wrap the array: nn.Parameter(array)")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"{type(self).__name__}: the name {name!r} is already an attribute")
        if parameter is None:
            self._parameters[name] = None
        setattr(self, name, parameter)

    def state_dict(self):
        """A dict ``name -> copy of the parameter's array``, every name (shared ones too).

        The arrays are copies (PyTorch's share memory with the model): a saved
        state does not change when training goes on. Save it with
        ``np.savez(path, **model.state_dict())``.
        """
        return {name: parameter.data.copy() for name, parameter in self._all_named_parameters()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy the arrays of ``state_dict`` into this module's parameters, in place.

        Returns ``(missing_keys, unexpected_keys)``, a named tuple like PyTorch's:
        names of this model absent from ``state_dict``, and names of
        ``state_dict`` this model does not have. With ``strict=True`` (the
        default) either list being non-empty is an error; with ``strict=False``
        the names both sides have are loaded and the rest is returned.
        A shape that does not fit is an error either way, as in PyTorch.
        On any error nothing is changed and a ``StateDictError`` names every
        problem. Values are cast to each parameter's dtype. The parameters
        stay the same objects, so an optimizer built on them keeps working.
        """
        ours = dict(self._all_named_parameters())
        state = {name: np.asarray(value.data if isinstance(value, Tensor) else value)
                 for name, value in dict(state_dict).items()}
        result = IncompatibleKeys(missing_keys=[name for name in ours if name not in state],
                                  unexpected_keys=[name for name in state if name not in ours])
        problems = []
        if strict and result.unexpected_keys:
            problems.append(f"unexpected keys {result.unexpected_keys} (this model has no such parameters)")
        if strict and result.missing_keys:
            problems.append(f"missing keys {result.missing_keys} (pass strict=False to load the others)")
        loadable = [name for name in state if name in ours]
        for name in loadable:
            value, parameter = state[name], ours[name]
            if value.shape != parameter.shape:
                problems.append(f"size mismatch for {name!r}: shape {value.shape} in the state dict, "
                                f"{parameter.shape} in the model")
            elif not np.can_cast(value.dtype, np.float64):
                problems.append(f"{name!r} has non-numeric dtype {value.dtype}")
        if problems:
            raise StateDictError(f"load_state_dict into {type(self).__name__}: " + "; ".join(problems))
        for name in loadable:
            ours[name].data[...] = state[name]  # in place: same Parameter objects, same arrays
        return result

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of every parameter: ``None`` (default), or zeros in place."""
        for parameter in self.parameters():
            _forget_gradient(parameter, set_to_none)

    def train(self, mode=True):
        """Switch to training mode (matters for layers such as dropout); returns self."""
        self.training = mode
        for module in self._modules.values():
            if module is not None:
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


def _check_size(size, name):
    """A layer size is a whole number >= 0 (PyTorch accepts 0: an empty layer)."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(size).__name__}: {size!r}")
    if size < 0:
        raise ValueError(f"{name} must be >= 0, got {size}")


class Linear(Module):
    """y = x @ weight.T + bias, with ``weight`` of shape (out_features, in_features) as in PyTorch.

    Initialised like ``torch.nn.Linear``: every entry ~ U(-1/sqrt(in), 1/sqrt(in)).
    One difference from PyTorch, in memory only: the weight is stored
    column-major (shape, values and results are the same; see ``__init__``).
    """

    def __init__(self, in_features, out_features, bias=True, dtype=np.float32):
        super().__init__()
        _check_size(in_features, "in_features")
        _check_size(out_features, "out_features")
        self.in_features, self.out_features = in_features, out_features
        # A size of 0 is allowed, as in PyTorch: an empty weight (and, with no
        # inputs, a bias of zeros: PyTorch's bound is 0 when in_features is 0).
        bound = 1 / math.sqrt(in_features) if in_features > 0 else 0.0
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
        """``seq[i]`` (negative too) is a module; ``seq[1:3]`` a Sequential with the same names, as in PyTorch."""
        if isinstance(index, slice):
            return Sequential(dict(list(self._modules.items())[index]))
        return self._modules[self._name_at(index)]

    def __setitem__(self, index, module):
        _check_module(module, "Sequential")
        setattr(self, self._name_at(index), module)  # same name, same place

    def __delitem__(self, index):
        names = list(self._modules)
        doomed = set(names[index]) if isinstance(index, slice) else {self._name_at(index)}
        kept = [(name, module) for name, module in self._modules.items() if name not in doomed]
        if all(name.isdigit() for name in names):  # renumber "0", "1", ... as PyTorch does
            kept = [(str(i), module) for i, (_, module) in enumerate(kept)]
        self._set_modules(kept)

    def _name_at(self, index):
        """The name of the module at position ``index``: an IndexError or TypeError as a list gives."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"{type(self).__name__} indices must be integers or slices, "
                            f"not {type(index).__name__}")
        names = list(self._modules)
        if not -len(names) <= index < len(names):
            raise IndexError(f"index {index} is out of range for a {type(self).__name__} of "
                             f"{len(names)} modules")
        return names[index]

    def append(self, module):
        _check_module(module, "Sequential")
        setattr(self, str(len(self)), module)
        return self

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules.values()))

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
        """``ml[i]`` (negative too) is a module; ``ml[1:3]`` a new ModuleList, as in PyTorch."""
        if isinstance(index, slice):
            return ModuleList(list(self._modules.values())[index])
        return self._modules[self._name_at(index)]

    def __setitem__(self, index, module):
        _check_module(module, "ModuleList")
        setattr(self, self._name_at(index), module)  # same name, same place: ml[0] is module

    def __delitem__(self, index):
        names = list(self._modules)
        doomed = set(names[index]) if isinstance(index, slice) else {self._name_at(index)}
        kept = [module for name, module in self._modules.items() if name not in doomed]
        self._set_modules((str(i), module) for i, module in enumerate(kept))  # renumbered

    _name_at = Sequential._name_at

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
