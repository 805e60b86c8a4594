"""Optimizers: use each parameter's ``.grad`` to update its ``.data``.

The formulas follow ``torch.optim.SGD`` and ``torch.optim.Adam`` line by line,
so a minigrad model and a PyTorch model that start from the same weights stay
the same after any number of steps.

Updates change ``parameter.data`` in place; they are not recorded in the
graph (they are not part of the function we differentiate).
"""

import math
import warnings

import numpy as np

from .nn import Module, _forget_gradient
from .tensor import Tensor

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    def __init__(self, params, lr):
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(f"{name} expects an iterable of parameters, got a single Tensor; "
                            "wrap it in a list: [tensor]")
        if isinstance(params, Module):
            raise TypeError(f"{name} expects an iterable of parameters, got the module "
                            f"{type(params).__name__}; did you mean model.parameters()?")
        self.params = _checked_parameters(name, params)
        if not isinstance(lr, (int, float, np.floating)) or isinstance(lr, bool):
            raise TypeError(f"lr must be a number, got {type(lr).__name__}")
        if lr < 0:
            raise ValueError(f"invalid learning rate: {lr}")
        self.lr = lr

    def _gradient(self, p):
        """``p.grad`` as an array, after checking that it fits ``p`` (a wrong shape would broadcast silently)."""
        grad = p.grad
        if isinstance(grad, Tensor):  # `p.grad = Tensor(...)`, as one writes in PyTorch: use its numbers
            grad = grad.data
        elif not isinstance(grad, np.ndarray):
            raise TypeError(f"{type(self).__name__}.step: a parameter's .grad is a {type(grad).__name__}; "
                            "it must be a numpy array or a Tensor of the parameter's shape")
        if grad.shape != p.data.shape:
            raise ValueError(f"{type(self).__name__}.step: a parameter of shape {p.data.shape} has a "
                             f"gradient of shape {grad.shape}; they must match")
        return grad

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of the last backward pass (they would otherwise add up).

        As in PyTorch: ``.grad`` becomes ``None`` (the default), or with
        ``set_to_none=False`` an array of zeros, overwritten in place.
        """
        for p in self.params:
            _forget_gradient(p, set_to_none)

    def step(self):
        raise NotImplementedError


def _checked_parameters(name, params):
    """The list of tensors an optimizer will update, each once, after PyTorch's checks.

    * not a Tensor: TypeError (PyTorch: "optimizer can only optimize Tensors");
    * a non-leaf (the result of an op, e.g. ``w * 2``): ValueError, as in
      PyTorch. Its values are recomputed from its inputs at every forward
      pass, so an update written into it would never reach the model;
    * a leaf with ``requires_grad=False``: TypeError. PyTorch accepts it and
      never updates it (its .grad stays None); minigrad says so at once;
    * listed twice: a warning, as in PyTorch, then kept once (PyTorch would
      update it twice per step).
    """
    if isinstance(params, dict) or (isinstance(params, (list, tuple)) and params
                                    and isinstance(params[0], dict)):
        raise TypeError(f"{name}: parameter groups (dicts of options) are not supported in minigrad; "
                        "pass one list of parameters, e.g. model.parameters()")
    checked, seen = [], set()
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{name} can only optimize Tensors, but one of the params is "
                            f"{type(p).__name__}; did you mean model.parameters()?")
        if not p.is_leaf:
            raise ValueError(f"{name}: can't optimize a non-leaf Tensor (made by the op {p._op!r}); "
                             "optimize the leaf it was computed from, e.g. a Parameter")
        if not p.requires_grad:
            raise TypeError(f"{name} expects parameters (Tensors with requires_grad=True), got a "
                            "Tensor with requires_grad=False: it would never get a gradient")
        if id(p) in seen:
            warnings.warn(f"{name}: a parameter is listed twice; it is updated once per step "
                          "(PyTorch warns too: duplicate parameters)", UserWarning, stacklevel=4)
            continue
        seen.add(id(p))
        checked.append(p)
    if not checked:
        raise ValueError("optimizer got an empty parameter list")
    return checked


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum and weight decay (L2).

    For each parameter p with gradient g (exactly as torch.optim.SGD, dampening 0):
        g   = g + weight_decay * p
        buf = g                      on the first step
        buf = momentum * buf + g     afterwards   (a running sum of past gradients)
        p   = p - lr * buf           (or p - lr * g without momentum)
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr)
        self.momentum, self.weight_decay = momentum, weight_decay
        self.buffers = [None] * len(self.params)  # one momentum buffer per parameter

    def step(self):
        for i, p in enumerate(self.params):
            if p.grad is None:
                continue
            grad = self._gradient(p)
            if self.weight_decay:
                grad = grad + self.weight_decay * p.data
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = np.array(grad, copy=True)
                else:
                    self.buffers[i] = self.momentum * self.buffers[i] + grad
                grad = self.buffers[i]
            p.data -= self.lr * grad


class Adam(Optimizer):
    """Adam: per-parameter step sizes from running averages of g and g**2.

    Exactly torch.optim.Adam (amsgrad=False). With t the step number:
        m = beta1 * m + (1 - beta1) * g          (average gradient: direction)
        v = beta2 * v + (1 - beta2) * g**2       (average squared gradient: scale)
        m_hat = m / (1 - beta1**t)               (bias correction: m and v start at 0,
        v_hat = v / (1 - beta2**t)                so early averages are too small)
        p = p - lr * m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr)
        self.beta1, self.beta2 = betas
        self.eps, self.weight_decay = eps, weight_decay
        self.steps = [0] * len(self.params)  # per parameter, like torch (skipped if grad is None)
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]

    def step(self):
        for i, (p, m, v) in enumerate(zip(self.params, self.m, self.v)):
            if p.grad is None:
                continue
            self.steps[i] += 1
            correction1 = 1 - self.beta1 ** self.steps[i]
            correction2 = 1 - self.beta2 ** self.steps[i]
            grad = self._gradient(p)
            if self.weight_decay:
                grad = grad + self.weight_decay * p.data
            m *= self.beta1
            m += (1 - self.beta1) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad * grad
            # Same arithmetic order as PyTorch: sqrt(v)/sqrt(c2) rather than sqrt(v/c2).
            denominator = np.sqrt(v) / math.sqrt(correction2) + self.eps
            p.data -= (self.lr / correction1) * m / denominator
