"""PyTorch float64 as the oracle, with non-unit upstream gradients: helpers for the engine tests.

The recurring reasons a mutant of a backward rule survives, and what these
helpers do about each one:

* the upstream gradient was always 1, so ``* out.grad`` -> ``/ out.grad`` went
  unnoticed: ``tensor_check`` seeds backward() with a random, non-unit grad;
* every input was used once, so ``+=`` -> ``=`` (or "the last contribution
  wins") went unnoticed: ``tensor_check`` uses the op twice on the same inputs;
* every input required a gradient, so ``needs_input_grad[0]`` -> ``[1]`` went
  unnoticed: callers pass ``requires`` with only one input requiring grad;
* shapes were equal, so a missing ``unbroadcast`` went unnoticed: binary ops
  are checked on every broadcasting pattern.
"""

import numpy as np
import torch

from minigrad.tensor import Tensor

RTOL, ATOL = 1e-9, 1e-12
rng = np.random.default_rng(20260)


def randn(*shape, low=None):
    a = rng.standard_normal(shape)
    if low is not None:  # keep away from a kink / a pole / the domain edge
        a = np.where(np.abs(a) < low, np.sign(a + 1e-12) * (low + np.abs(a)), a)
    return a


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def recursive_build_topo(root):
    """micrograd's recursive build_topo: the order the iterative topological_order must reproduce."""
    order, visited = [], set()

    def build(node):
        if node not in visited:
            visited.add(node)
            for parent in node._prev:
                build(parent)
            order.append(node)

    build(root)
    return order



def tensor_check(fn, arrays, requires=None, torch_fn=None, twice=True, **kwargs):
    """Gradients of sum(upstream * fn(*inputs)) [+ a second use] against PyTorch.

    ``twice`` uses the op a second time on the same inputs with another upstream
    gradient, so an overwritten (instead of summed) contribution is caught.
    """
    requires = requires or [True] * len(arrays)
    torch_fn = torch_fn or fn
    ours = [Tensor(np.array(a, dtype=np.float64), requires_grad=r) for a, r in zip(arrays, requires)]
    theirs = [torch.tensor(np.array(a, dtype=np.float64), requires_grad=r) for a, r in zip(arrays, requires)]
    out = fn(*ours, **kwargs)
    upstream = randn(*out.shape)
    other = randn(*out.shape)
    if twice:
        loss = (fn(*ours, **kwargs) * Tensor(upstream)).sum() + (fn(*ours, **kwargs) * Tensor(other)).sum()
    else:
        loss = (out * Tensor(upstream)).sum()
    loss.backward(np.array(1.5))
    t_out = torch_fn(*theirs, **kwargs)
    if twice:
        t_loss = (t_out * torch.tensor(upstream)).sum() + (torch_fn(*theirs, **kwargs) * torch.tensor(other)).sum()
    else:
        t_loss = (t_out * torch.tensor(upstream)).sum()
    (t_loss * 1.5).backward()
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=RTOL, atol=ATOL)
    for i, (x, t) in enumerate(zip(ours, theirs)):
        if not t.requires_grad:
            assert x.grad is None, f"input {i} does not require grad but got one"
            continue
        assert x.grad is not None, f"input {i} got no gradient"
        assert x.grad.shape == x.shape, f"input {i}: grad shape {x.grad.shape} != {x.shape}"
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=RTOL, atol=ATOL, err_msg=f"input {i}")
    return ours
