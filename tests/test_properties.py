"""Random tensor programs, run by minigrad and by PyTorch (float64): same values, same gradients.

hypothesis draws a program: a few leaves of random shapes and a chain of steps,
each an elementwise function, a broadcasting binary operation with a new leaf, a
reduction over random axes, indexing with repeated indices, a reshape or
transpose, or a matmul. The same program runs in both engines; then one backward
pass with a random upstream gradient. Every leaf's gradient must match.

The example budget is fixed (profile "default": 120 programs; the mutation
profile runs fewer, derandomized), so the suite takes seconds, not minutes.
"""

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minigrad.functional as F
from minigrad.tensor import Tensor

dims = st.integers(min_value=1, max_value=4)
shapes = st.lists(dims, min_size=0, max_size=3).map(tuple)


class Program:
    """Runs each step in both engines and keeps the leaves of both."""

    def __init__(self, draw):
        self.draw = draw
        self.leaves = []  # (minigrad leaf, torch leaf)
        self.log = []  # the steps, for the failure report

    def leaf(self, shape, low=-2.0, high=2.0):
        seed = self.draw(st.integers(0, 2**32 - 1))
        array = np.random.default_rng(seed).uniform(low, high, shape)
        ours = Tensor(array, requires_grad=True)
        theirs = torch.tensor(array, dtype=torch.float64, requires_grad=True)
        self.leaves.append((ours, theirs))
        return ours, theirs

    def broadcast_partner(self, shape):
        """A shape that broadcasts with `shape`: drop leading axes, set some sizes to 1."""
        keep = self.draw(st.integers(0, len(shape)))
        partner = list(shape[len(shape) - keep:])
        for i in range(len(partner)):
            if self.draw(st.booleans()):
                partner[i] = 1
        if keep == len(shape) and self.draw(st.booleans()):  # sometimes the partner has more axes
            partner = [self.draw(dims)] + partner
        return tuple(partner)


def step(program, a, t):
    """One random step applied to (minigrad tensor a, torch tensor t)."""
    draw = program.draw
    kind = draw(st.sampled_from(["unary", "binary", "reduce", "index", "shape", "matmul"]))

    if kind == "unary":
        name = draw(st.sampled_from(["exp", "log", "relu", "tanh", "sigmoid", "neg", "square", "softmax"]))
        program.log.append(name)
        if name == "exp":  # of tanh, so values stay moderate however long the program is
            return a.tanh().exp(), t.tanh().exp()
        if name == "log":  # of a positive number
            return (a * a + 0.5).log(), (t * t + 0.5).log()
        if name == "neg":
            return -a, -t
        if name == "square":
            return a**2, t**2
        if name == "softmax":
            if a.ndim == 0:
                return a, t
            axis = draw(st.integers(-a.ndim, a.ndim - 1))
            return F.softmax(a, axis=axis), torch.softmax(t, dim=axis)
        return getattr(a, name)(), getattr(torch, name)(t)

    if kind == "binary":
        name = draw(st.sampled_from(["+", "-", "*", "/", "**", "r-", "r/"]))
        b, u = program.leaf(program.broadcast_partner(a.shape))
        program.log.append(f"{name} leaf{tuple(b.shape)}")
        if name == "+":
            return a + b, t + u
        if name == "-":
            return a - b, t - u
        if name == "*":
            return a * b, t * u
        if name == "/":  # a denominator in [0.5, 2.5]: no division by ~0
            return a / (b * b + 0.5), t / (u * u + 0.5)
        if name == "**":  # positive base, any exponent: both get gradients
            return (a * a + 0.5) ** b, (t * t + 0.5) ** u
        if name == "r-":
            return 1.5 - a * b, 1.5 - t * u
        return 2.0 / (a * a + 1.0) + b, 2.0 / (t * t + 1.0) + u

    if kind == "reduce":
        name = draw(st.sampled_from(["sum", "mean", "max"]))
        keepdims = draw(st.booleans())
        if a.ndim == 0:
            axis = None
        else:
            axis = draw(st.one_of(
                st.none(),
                st.integers(-a.ndim, a.ndim - 1),
                st.lists(st.integers(0, a.ndim - 1), min_size=1, max_size=a.ndim, unique=True).map(tuple),
            ))
        program.log.append(f"{name}(axis={axis}, keepdims={keepdims})")
        ours = getattr(a, name)(axis=axis, keepdims=keepdims)
        dim = tuple(range(t.ndim)) if axis is None else axis
        if name == "max":  # torch.amax splits the gradient evenly between ties, as minigrad does
            theirs = torch.amax(t, dim=dim, keepdim=keepdims)
        else:
            theirs = getattr(torch, name)(t, dim=dim, keepdim=keepdims)
        return ours, theirs

    if kind == "index":
        if a.ndim == 0:
            return a, t
        rows = draw(st.lists(st.integers(0, a.shape[0] - 1), min_size=1, max_size=5))  # repeats allowed
        program.log.append(f"[{rows}]")
        if a.ndim >= 2 and draw(st.booleans()):
            cols = draw(st.lists(st.integers(0, a.shape[1] - 1), min_size=len(rows), max_size=len(rows)))
            return a[rows, cols], t[rows, cols]
        return a[rows], t[rows]

    if kind == "shape":
        if draw(st.booleans()):
            program.log.append("reshape(-1)")
            return a.reshape(-1), t.reshape(-1)
        axes = tuple(draw(st.permutations(range(a.ndim))))
        program.log.append(f"permute{axes}")
        return a.permute(axes), t.permute(axes)

    # matmul with a new leaf: (..., n) @ (n, m), or a vector (n,) on the right
    if a.ndim == 0:
        return a, t
    n = a.shape[-1]
    other_shape = (n,) if draw(st.booleans()) else (n, draw(dims))
    b, u = program.leaf(other_shape)
    program.log.append(f"@ leaf{other_shape}")
    return a @ b, t @ u


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_programs_match_pytorch(data):
    program = Program(data.draw)
    a, t = program.leaf(data.draw(shapes))
    for _ in range(data.draw(st.integers(1, 5))):
        a, t = step(program, a, t)
    assert a.shape == tuple(t.shape), program.log
    np.testing.assert_allclose(a.data, t.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=str(program.log))

    upstream = np.random.default_rng(0).standard_normal(a.shape)
    a.backward(upstream)
    t.backward(torch.from_numpy(upstream))
    for i, (ours, theirs) in enumerate(program.leaves):
        expected = np.zeros(ours.shape) if theirs.grad is None else theirs.grad.numpy()
        got = np.zeros(ours.shape) if ours.grad is None else ours.grad
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-10,
                                   err_msg=f"leaf {i} of {program.log}")


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 1, 3)])
def test_cross_entropy_and_log_softmax_on_random_logits(shape):
    """The fused losses, checked on a few shapes (hypothesis covers the building blocks)."""
    rng = np.random.default_rng(len(shape))
    logits = rng.standard_normal(shape[-2:] if len(shape) > 1 else (1,) + shape)
    targets = rng.integers(0, logits.shape[1], logits.shape[0])
    a = Tensor(logits, requires_grad=True)
    t = torch.tensor(logits, requires_grad=True)
    F.cross_entropy(a, targets).backward()
    torch.nn.functional.cross_entropy(t, torch.from_numpy(targets)).backward()
    np.testing.assert_allclose(a.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)
