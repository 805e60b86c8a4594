"""The checks' own tiny scalar engine, which can run backward *wrongly* on purpose.

When a learner's gradients disagree with PyTorch, the check reruns the same
expression here with each classic mistake planted (``=`` instead of ``+=``, the
walk in forward order, no seed) and names the mistake whose numbers match.
"""

import math
import random


class Ref:
    """A scalar node that records, at forward time, its local derivative per parent."""

    def __init__(self, data, parents=(), local=(), op=""):
        self.data, self.grad = float(data), 0.0
        self._prev, self._local, self._op = tuple(parents), tuple(local), op

    @staticmethod
    def _wrap(x):
        return x if isinstance(x, Ref) else Ref(x)

    def __add__(self, other):
        other = Ref._wrap(other)
        return Ref(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = Ref._wrap(other)
        return Ref(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, k):
        return Ref(self.data**k, (self,), (k * self.data ** (k - 1),), "**")

    def exp(self):
        e = math.exp(self.data)
        return Ref(e, (self,), (e,), "exp")

    def tanh(self):
        t = math.tanh(self.data)
        return Ref(t, (self,), (1 - t * t,), "tanh")

    def relu(self):
        return Ref(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,), "relu")

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Ref._wrap(other))

    def __rsub__(self, other):
        return Ref._wrap(other) + (-self)

    def _backward(self):
        """This node's chain-rule step, as a learner's Value has it: push self.grad into the parents."""
        for parent, local in zip(self._prev, self._local):
            parent.grad += local * self.grad

    def backward(self, mistake=None):
        """Reverse-mode backward, with a classic ``mistake`` planted, or None for none.

        "overwrite" (``=`` instead of ``+=``), ``("overwrite", op)`` (only in the
        nodes of one op, e.g. "+"), "forward_order", "no_seed", or ``("skip", i)``:
        the i-th node (in reverse order) of those with parents never runs its step.
        Returns False when there is no i-th such node, else True.
        """
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in reversed(node._prev) if id(p) not in seen)
        walk = order if mistake == "forward_order" else order[::-1]
        if isinstance(mistake, tuple) and mistake[0] == "skip":
            inner = [n for n in walk if n._prev]
            if mistake[1] >= len(inner):
                return False
            skipped = inner[mistake[1]]
            walk = [n for n in walk if n is not skipped]
        self.grad = 0.0 if mistake == "no_seed" else 1.0
        for node in walk:
            for parent, local in zip(node._prev, node._local):
                if mistake == "overwrite" or mistake == ("overwrite", node._op):
                    parent.grad = local * node.grad
                else:
                    parent.grad += local * node.grad
        return True


def diamond(a, b, c):
    """The book's diamond, L = (a*b + c)*(a - c): a and c are each used twice."""
    return (a * b + c) * (a - c)


def random_expression(seed, leaves, n_ops=14):
    """A random expression of the leaves with reuse; its shape depends only on the seed.

    It uses +, *, -, ** (2 and 3), exp, tanh and relu, written so that the same
    code runs on a learner's Value, on ``Ref`` and on PyTorch tensors; tanh keeps
    the numbers small, so the comparison is about gradients, not overflow.
    """
    rng = random.Random(seed)
    pool = list(leaves)
    for _ in range(n_ops):
        x, y = rng.choice(pool), rng.choice(pool)
        kind = rng.choice(["+", "*", "-", "**2", "**3", "exp", "tanh", "relu", "+c", "*c"])
        if kind == "+":
            z = x + y
        elif kind == "*":
            z = x.tanh() * y
        elif kind == "-":
            z = x - y
        elif kind == "**2":
            z = x.tanh() ** 2
        elif kind == "**3":
            z = x.tanh() ** 3
        elif kind == "exp":
            z = x.tanh().exp()
        elif kind == "tanh":
            z = (x + y).tanh()
        elif kind == "relu":
            z = (x - 0.25).relu() + y
        elif kind == "+c":
            z = 1.5 + x
        else:
            z = 0.5 * x
        pool.append(z)
    return pool[-1] * pool[-2] + pool[-3]


def leaf_values(seed, n=4):
    """The leaves' numbers for ``random_expression(seed, ...)``."""
    rng = random.Random(1000 + seed)
    return [round(rng.uniform(-1.5, 1.5), 3) for _ in range(n)]


def oracle_grads(expression, values, mistake=None):
    """Leaf gradients of ``expression`` at ``values``, computed by ``Ref`` with ``mistake``.

    None when the mistake cannot be planted (a ("skip", i) beyond the graph's nodes).
    """
    leaves = [Ref(v) for v in values]
    if not expression(*leaves).backward(mistake):
        return None
    return [leaf.grad for leaf in leaves]


def torch_grads(expression, values):
    """Output and leaf gradients of ``expression`` at ``values``, by PyTorch in float64."""
    import torch

    leaves = [torch.tensor(float(v), dtype=torch.float64, requires_grad=True) for v in values]
    out = expression(*leaves)
    out.backward()
    return out.item(), [leaf.grad.item() if leaf.grad is not None else 0.0 for leaf in leaves]
