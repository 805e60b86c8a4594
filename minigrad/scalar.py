"""A scalar autograd engine: one number per node.

Every arithmetic operation on a ``Value`` records a node in a computation
graph.  ``L.backward()`` then walks that graph from ``L`` back to the leaves
and applies the chain rule once per node:

    parent.grad += (local derivative of node w.r.t. parent) * node.grad

The API follows Andrej Karpathy's micrograd, so code carries across:
``.data``, ``.grad``, ``._prev`` (the parents), ``._op`` and a per-node
``._backward()``.

Two design choices keep it fast without making it harder to read:

* ``_backward`` is a method that looks up the rule for ``self._op`` instead
  of a closure stored on each node.  A closure that captures its own output
  node makes a reference cycle per node, which only Python's cyclic garbage
  collector can free; here every node is freed as soon as it is unused.
* ``__slots__`` makes each node a small fixed record instead of a dict.
* Operations build their output with a float already in hand, so
  ``Value.__init__`` checks its argument only when it is not a float.

Edge cases.  Arithmetic follows Python floats, not IEEE/PyTorch, where the
result is not a finite number: division by zero, ``0 ** negative``, ``log``
of a number <= 0, a negative base with a fractional exponent, and a result
too large for a float (``exp(1000)``, ``1 / 1e-320``, ``1e200 ** 2``)
raise a clear error naming the operation, where PyTorch would return inf or
nan (``+`` and ``*`` overflow to inf, as Python floats do).  NaN and inf
*inputs* are accepted and flow through as in PyTorch (``Value(nan).relu()``
is nan).  Derivatives follow PyTorch at the edges: ``d(a**0)/da = 0`` even at
``a = 0``; ``d(a**k)/da`` at ``a = 0`` with ``k < 1`` is inf; and for
``a**b`` with a Value exponent, ``b`` gets no gradient where ``a = 0``.
"""

import math
import sys
from numbers import Real

import numpy as np

from .autograd import topological_order

__all__ = ["Value"]


def _as_value(x):
    """Wrap a plain number as a constant ``Value``; pass a ``Value`` through."""
    return x if isinstance(x, Value) else Value(x)


def _checked_number(data):
    """``data`` as a float, or a TypeError saying what was wrong with it.

    Accepted: Python and numpy numbers (int, float, numpy.float32, ...), and
    bools, numpy's too (``Value(True)`` is 1.0), as Python counts them and as
    PyTorch's arithmetic does (``t * True``). Refused, with the way out in the
    message: arrays and tensors (even of one element), strings, complex numbers.
    """
    if isinstance(data, Value):
        raise TypeError("Value(data) expects a number, got a Value; use the Value itself")
    if isinstance(data, (Real, np.bool_)):  # bool, int, float and numpy scalars
        return float(data)
    kind = type(data).__name__
    if hasattr(data, "shape") and hasattr(data, "item"):  # a numpy array, a torch or minigrad tensor
        raise TypeError(f"Value(data) holds one number, got a {kind} of shape {tuple(data.shape)}; "
                        "for a one-element array or tensor pass x.item()")
    if isinstance(data, str):
        raise TypeError(f"Value(data) expects a real number, got the string {data!r}; convert it first: float(...)")
    if isinstance(data, complex):
        raise TypeError(f"Value(data) expects a real number, got the complex number {data!r}")
    raise TypeError(f"Value(data) expects a real number (int or float), got {kind}: {data!r}")


class Value:
    """One scalar in a computation graph, with the gradient that flows into it."""

    __slots__ = ("data", "grad", "_prev", "_op", "_extra")

    def __init__(self, data, _children=(), _op="", _extra=None):
        if type(data) is not float:  # the operations below always pass a float
            data = _checked_number(data)
        self.data = data
        self.grad = 0.0  # dL/d(self); filled in by backward()
        self._prev = _children  # the nodes this one was computed from
        self._op = _op  # which operation made it ("" for a leaf)
        self._extra = _extra  # a constant the backward rule needs (e.g. an exponent)

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------
    # Primitive operations: forward, then the backward rule right below it.
    # A backward rule reads the gradient that reached this node (out.grad)
    # and adds each parent's share to parent.grad, using "+=" because a
    # parent used in several places collects a share from every use.
    # ------------------------------------------------------------------

    def __add__(self, other):
        if not isinstance(other, Value):
            other = Value(other)
        return Value(self.data + other.data, (self, other), "+")

    def _add_backward(out):
        # d(a + b)/da = 1 and d(a + b)/db = 1: the gradient passes through unchanged.
        a, b = out._prev
        a.grad += out.grad
        b.grad += out.grad

    def __mul__(self, other):
        if not isinstance(other, Value):
            other = Value(other)
        return Value(self.data * other.data, (self, other), "*")

    def _mul_backward(out):
        # d(a * b)/da = b and d(a * b)/db = a: each factor gets the *other* one.
        a, b = out._prev
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            if self.data < 0:
                raise ValueError(
                    f"a Value exponent needs a base >= 0 (its gradient uses log(base)), "
                    f"got base {self.data!r}"
                )
            return Value(_power(self.data, exponent.data), (self, exponent), "**")
        if not isinstance(exponent, Real):
            raise TypeError(f"exponent must be a number or a Value, got {type(exponent).__name__}")
        exponent = float(exponent)
        return Value(_power(self.data, exponent), (self,), "**k", exponent)

    def _pow_const_backward(out):
        # d(a**k)/da = k * a**(k-1)   (k is a plain number, it gets no gradient)
        (a,) = out._prev
        a.grad += _power_derivative(a.data, out._extra) * out.grad

    def _pow_backward(out):
        # d(a**b)/da = b * a**(b-1)   and   d(a**b)/db = a**b * ln(a)
        a, b = out._prev
        a.grad += _power_derivative(a.data, b.data) * out.grad
        if a.data > 0:  # at a = 0, a**b stays 0 as b moves, so b gets nothing (as in PyTorch)
            b.grad += out.data * math.log(a.data) * out.grad

    def __truediv__(self, other):
        # Its own operation, not a * b**-1: 1e-310 / 1e-310 is 1.0, while
        # 1e-310 ** -1 alone would already be too large for a float.
        if not isinstance(other, Value):
            other = Value(other)
        return Value(_divide(self.data, other.data), (self, other), "/")

    def _div_backward(out):
        # out = a / b.   d(out)/da = 1/b.
        #                d(out)/db = -a / b**2 = -(a / b) / b = -out / b,
        # written with out (already computed) so that b**2 never underflows to 0
        # (b = 1e-200 would give 0 and then a division by zero); PyTorch's rule
        # computes it the same way.
        a, b = out._prev
        a.grad += out.grad / b.data
        b.grad += -out.grad * (out.data / b.data)

    def exp(self):
        return Value(_exp(self.data), (self,), "exp")

    def _exp_backward(out):
        # d(e**a)/da = e**a, which is the output we already computed.
        (a,) = out._prev
        a.grad += out.data * out.grad

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log is only defined for positive numbers, got log({self.data!r})")
        return Value(math.log(self.data), (self,), "log")

    def _log_backward(out):
        # d(ln a)/da = 1/a
        (a,) = out._prev
        a.grad += out.grad / a.data

    def tanh(self):
        return Value(math.tanh(self.data), (self,), "tanh")

    def _tanh_backward(out):
        # d(tanh a)/da = 1 - tanh(a)**2, and tanh(a) is the output.
        (a,) = out._prev
        a.grad += (1.0 - out.data * out.data) * out.grad

    def relu(self):
        x = self.data
        # "x < 0" rather than "x > 0": nan is neither, so relu(nan) stays nan (as in PyTorch).
        return Value(0.0 if x < 0 else x + 0.0, (self,), "relu")  # + 0.0 turns -0.0 into 0.0

    def _relu_backward(out):
        # d(relu a)/da = 1 where a > 0, else 0 (we pick 0 at a = 0, as PyTorch does).
        # Written "not a <= 0" so that a nan input passes its gradient on, as in PyTorch.
        (a,) = out._prev
        if not a.data <= 0:
            a.grad += out.grad

    def sigmoid(self):
        x = self.data
        # Two algebraically equal forms; each avoids overflow of exp on its side.
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Value(s, (self,), "sigmoid")

    def _sigmoid_backward(out):
        # d(sigmoid a)/da = s * (1 - s), with s the output.
        (a,) = out._prev
        a.grad += out.data * (1.0 - out.data) * out.grad

    # ------------------------------------------------------------------
    # Derived operations: built from the primitives above, so they need no
    # backward rule of their own.  The graph simply gets one extra node.
    # (Division is a primitive, above: as a * b**-1 it would overflow for tiny b.)
    # ------------------------------------------------------------------

    def __neg__(self):  # -a
        return self * -1

    def __sub__(self, other):  # a - b
        return self + (-_as_value(other))

    def __radd__(self, other):  # 2 + a
        return self + other

    def __rmul__(self, other):  # 2 * a
        return self * other

    def __rsub__(self, other):  # 2 - a
        return _as_value(other) - self

    def __rtruediv__(self, other):  # 2 / a
        return _as_value(other) / self

    def __rpow__(self, other):  # 2 ** a
        return _as_value(other) ** self

    # ------------------------------------------------------------------
    # The backward pass
    # ------------------------------------------------------------------

    def _backward(self):
        """Apply this node's chain-rule step: push self.grad into its parents."""
        rule = _BACKWARD_RULES.get(self._op)
        if rule is not None:  # leaves (op "") have no parents to push into
            rule(self)

    def backward(self, on_step=None):
        """Fill in ``.grad`` of every node this one depends on: d(self)/d(node).

        1. Sort the graph so every node comes after all the nodes it was
           computed from (topological order).
        2. Seed d(self)/d(self) = 1.  Other gradients are not reset: like
           micrograd and PyTorch, they accumulate across backward() calls.
        3. Visit nodes in *reverse* order, so a node's gradient is complete
           (every use of it has reported back) before it is passed on.

        ``on_step(node)``, if given, is called after each node's ``_backward()``,
        so a chapter can watch the traversal one step at a time.
        """
        order = topological_order(self)
        self.grad = 1.0
        if on_step is not None:
            for node in reversed(order):
                node._backward()
                on_step(node)
            return
        rules = _BACKWARD_RULES  # the same loop, with _backward() written inline (faster)
        for node in reversed(order):
            if type(node) is Value:  # pragma: no mutate (equivalent: a plain Value's _backward() runs the same rule; this branch only saves a call)
                rule = rules.get(node._op)
                if rule is not None:
                    rule(node)
            else:  # a subclass may have its own _backward (micrograd's `out._backward = ...`)
                node._backward()

    def __reduce__(self):
        """Pickle (and ``copy.deepcopy``) the graph below this node as a flat list.

        The default pickling would recurse once per level of the graph and
        stop with a RecursionError about 1,000 nodes deep. Here the nodes are
        listed in topological order (an iterative walk), each with the
        positions of its parents in that list, and ``_rebuild_graph`` links
        them again in one loop: any depth works. Nodes shared inside the
        graph stay shared; two Values pickled separately (even in one list)
        get separate copies of the nodes they have in common.
        """
        order = topological_order(self)
        position = {node: i for i, node in enumerate(order)}
        records = [(type(node), node.data, node.grad, node._op, node._extra,
                    tuple(position[parent] for parent in node._prev), getattr(node, "__dict__", None))
                   for node in order]
        return _rebuild_graph, (records,)

    def _topological_order(self):
        """Nodes reachable from self, each listed after all of its parents.

        (The walk itself is ``minigrad.autograd.topological_order``, shared
        with the tensor engine and the graph drawing.)
        """
        return topological_order(self)


def _rebuild_graph(records):
    """The inverse of ``Value.__reduce__``: the nodes, parents first; returns the last (the root)."""
    nodes = []
    for cls, data, grad, op, extra, parents, state in records:
        node = cls.__new__(cls)
        node.data, node.grad, node._op, node._extra = data, grad, op, extra
        node._prev = tuple(nodes[i] for i in parents)
        if state:  # a subclass's own attributes
            node.__dict__.update(state)
        nodes.append(node)
    return nodes[-1]


_LARGEST = sys.float_info.max


def _power(base, exponent):
    try:
        result = base**exponent
    except ZeroDivisionError:
        raise ZeroDivisionError(f"0 raised to the negative power {exponent!r}") from None
    except OverflowError:
        raise OverflowError(f"{base!r} ** {exponent!r} is too large for a float") from None
    if isinstance(result, complex):
        raise ValueError(
            f"{base!r} ** {exponent!r} is not a real number "
            "(a negative base needs a whole-number exponent)"
        )
    return result


def _power_derivative(a, k):
    """d(a**k)/da = k * a**(k-1), with PyTorch's values at the edges.

    k = 0: the function is the constant 1, so the derivative is 0 everywhere,
    even at a = 0 (where the formula would need 0**-1).  At a = 0 with k < 1
    the slope is infinite, and a slope beyond the largest float overflows:
    both give inf, as in PyTorch, rather than an error.
    """
    if k == 0:
        return 0.0
    if a == 0 and k < 1:
        return k * math.inf
    try:
        return k * a ** (k - 1)
    except OverflowError:  # the slope is beyond the largest float: inf, as in PyTorch
        negative = a < 0 and (k - 1) % 2 == 1
        return k * (-math.inf if negative else math.inf)


def _divide(a, b):
    """a / b as a float, or an error naming the division (never a silent inf)."""
    if b == 0:
        raise ZeroDivisionError(f"division by zero: {a!r} / 0")
    result = a / b
    if math.isinf(result) and math.isfinite(a):  # finite / tiny: beyond the largest float
        raise OverflowError(f"{a!r} / {b!r} is too large for a float (the largest is about {_LARGEST:.3g})")
    return result


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"exp({x!r}) is too large for a float") from None


# Which backward rule belongs to which op.  Derived ops (-, neg, ...) are
# not here: they are made of these primitives.
_BACKWARD_RULES = {
    "+": Value._add_backward,
    "*": Value._mul_backward,
    "/": Value._div_backward,
    "**k": Value._pow_const_backward,
    "**": Value._pow_backward,
    "exp": Value._exp_backward,
    "log": Value._log_backward,
    "tanh": Value._tanh_backward,
    "relu": Value._relu_backward,
    "sigmoid": Value._sigmoid_backward,
}
