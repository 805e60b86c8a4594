"""Random programs with in-place updates, views, detach and reuse, run by minigrad and PyTorch.

hypothesis draws a program over a pool of tensors (float64): a few leaves that
require grad and a few constants, then steps that each either compute a new tensor
(add, sub, mul, tanh, scaling) from any tensors in the pool (reuse), make a view of
one (``.T``, a row, a column slice, ``reshape(-1)``, ``detach()``), or update one in
place (``+=``, ``-=``, ``*=``), with grad mode on or inside ``no_grad()``, sometimes
through a view. After every step the two engines must agree:

* both raise, or neither does (an in-place write on a leaf that requires grad, an
  in-place write whose result cannot keep the shape). Two documented exceptions
  (README), after which the program stops: minigrad refuses a *recorded* in-place op
  on a tensor that shares memory with a view, where PyTorch rewrites the view's
  history; PyTorch refuses ``x += y`` when y overlaps x in memory (``x += x[0]``),
  which minigrad computes as numpy does (as if y were copied first).
* every tensor of the pool holds the same numbers (so writes through views and
  detached aliases reach the same places);
* at the end, a loss made from several tensors of the pool runs backward in both:
  both refuse (a saved value was changed, the version counter) or both give the
  same gradient to every leaf.
"""

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minigrad.tensor import Tensor, no_grad

VIEW_REFUSAL = "shares its memory with a view"
OVERLAP_REFUSAL = "refer to a single memory location"  # PyTorch's, for x += x[0] and the like


class Pool:
    """Pairs (minigrad tensor, torch tensor) that the program has made, and a log of its steps."""

    def __init__(self, draw):
        self.draw = draw
        self.pairs = []
        self.leaves = []
        self.log = []

    def add_leaf(self, requires_grad):
        seed = self.draw(st.integers(0, 2**32 - 1))
        array = np.random.default_rng(seed).uniform(-1.5, 1.5, (2, 3))
        pair = (Tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad))
        self.pairs.append(pair)
        if requires_grad:
            self.leaves.append(pair)

    def pick(self, shape=None):
        """Index of a tensor of the pool; with `shape`, one whose shape broadcasts into it."""
        choices = range(len(self.pairs)) if shape is None else [
            i for i, (a, _) in enumerate(self.pairs) if _broadcasts_into(a.shape, shape)]
        return self.draw(st.sampled_from(list(choices)))

    def check_values(self):
        for i, (a, t) in enumerate(self.pairs):
            np.testing.assert_allclose(a.data, t.detach().numpy(), rtol=1e-12, atol=1e-12,
                                       err_msg=f"tensor {i} after {self.log}")


def _broadcasts_into(shape, target):
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


VIEWS = {
    "T": lambda x: x.T,
    "row": lambda x: x[0],
    "columns": lambda x: x[..., 1:],
    "flat": lambda x: x.reshape(-1),
    "detach": lambda x: x.detach(),
}


def compute(pool):
    """A new tensor from one or two tensors of the pool (which may be used again later)."""
    draw = pool.draw
    i = pool.pick()
    name = draw(st.sampled_from(["add", "sub", "mul", "tanh", "scale"]))
    a, t = pool.pairs[i]
    if name == "tanh":
        pool.pairs.append((a.tanh(), t.tanh()))
    elif name == "scale":
        pool.pairs.append((a * 0.5, t * 0.5))
    else:
        j = pool.pick(a.shape)
        b, u = pool.pairs[j]
        op = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y}[name]
        pool.pairs.append((op(a, b), op(t, u)))
        name += f" {j}"
    pool.log.append(f"{len(pool.pairs) - 1} = {name} {i}")


def view(pool):
    i = pool.pick()
    a, t = pool.pairs[i]
    names = [n for n in VIEWS if a.ndim >= 1 or n == "detach"]
    if a.ndim < 2:
        names = [n for n in names if n not in ("columns",)] if a.ndim == 1 else ["detach"]
    name = pool.draw(st.sampled_from(names))
    pool.pairs.append((VIEWS[name](a), VIEWS[name](t)))
    pool.log.append(f"{len(pool.pairs) - 1} = {name} of {i}")


def in_place(pool):
    """`x op= y` in both engines; returns False when the program must stop (documented refusal)."""
    draw = pool.draw
    i = pool.pick()
    a, t = pool.pairs[i]
    j = pool.pick(a.shape)
    b, u = pool.pairs[j]
    op = draw(st.sampled_from(["+=", "-=", "*="]))
    graph = draw(st.booleans())
    pool.log.append(f"{i} {op} {j}" + ("" if graph else " (no_grad)"))

    def run(x, y, no_grad_block):
        if graph:
            return _apply(x, y, op)
        with no_grad_block():
            return _apply(x, y, op)

    ours_error = theirs_error = None
    try:
        a = run(a, b, no_grad)  # `x op= y` binds x to what the operator returns
    except (RuntimeError, ValueError) as error:
        ours_error = error
    try:
        t = run(t, u, torch.no_grad)
    except RuntimeError as error:
        theirs_error = error
    pool.pairs[i] = (a, t)
    if ours_error is not None and VIEW_REFUSAL in str(ours_error) and theirs_error is None:
        pool.log.append("  minigrad refuses (documented: views in a recorded in-place op)")
        return False
    if theirs_error is not None and OVERLAP_REFUSAL in str(theirs_error) and ours_error is None:
        pool.log.append("  PyTorch refuses (documented: operands that overlap in memory)")
        return False
    assert (ours_error is None) == (theirs_error is None), (pool.log, ours_error, theirs_error)
    return True


def _apply(x, y, op):
    if op == "+=":
        x += y
    elif op == "-=":
        x -= y
    else:
        x *= y
    return x


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_random_programs_with_in_place_updates_and_views_match_pytorch(data):
    pool = Pool(data.draw)
    for requires_grad in (True, True, False):
        pool.add_leaf(requires_grad)
    for _ in range(data.draw(st.integers(1, 10))):
        kind = data.draw(st.sampled_from(["compute", "compute", "view", "in_place", "in_place"]))
        if kind == "compute":
            compute(pool)
        elif kind == "view":
            view(pool)
        elif not in_place(pool):
            return
        pool.check_values()

    # A loss from a few tensors of the pool, each weighted differently.
    chosen = data.draw(st.lists(st.integers(0, len(pool.pairs) - 1), min_size=1, max_size=4))
    ours = sum(((pool.pairs[k][0] * pool.pairs[k][0]).sum() * (n + 1.0) for n, k in enumerate(chosen)),
               start=Tensor(np.float64(0.0)))
    theirs = sum(((pool.pairs[k][1] * pool.pairs[k][1]).sum() * (n + 1.0) for n, k in enumerate(chosen)),
                 start=torch.tensor(0.0, dtype=torch.float64))
    if not theirs.requires_grad:
        assert not ours.requires_grad, pool.log
        return
    ours_error = theirs_error = None
    try:
        ours.backward()
    except RuntimeError as error:
        ours_error = error
    try:
        theirs.backward()
    except RuntimeError as error:
        theirs_error = error
    assert (ours_error is None) == (theirs_error is None), (pool.log, chosen, ours_error, theirs_error)
    if ours_error is not None:
        assert "modified by an in-place operation" in str(ours_error), ours_error
        return
    for n, (a, t) in enumerate(pool.leaves):
        expected = np.zeros(a.shape) if t.grad is None else t.grad.numpy()
        got = np.zeros(a.shape) if a.grad is None else a.grad
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, err_msg=f"leaf {n} of {pool.log}")
