"""The scalar engine used as a micrograd or PyTorch user would: division, subclasses, bools, pickling."""

import copy
import math
import pickle

import numpy as np
import pytest
import torch

from minigrad.scalar import Value


def torch_grads(build, values):
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out = build(*leaves)
    out.backward()
    return out.item(), [leaf.grad.item() for leaf in leaves]


def our_grads(build, values, **backward_options):
    leaves = [Value(v) for v in values]
    out = build(*leaves)
    out.backward(**backward_options)
    return out.data, [leaf.grad for leaf in leaves]


# ---- division is an operation of its own ------------------------------------------

@pytest.mark.parametrize("a, b", [(1e-310, 1e-310), (1e-200, 1e-200), (3.0, -0.25), (-2.5, 7.0), (1e300, 1e-5)])
def test_division_matches_pytorch_even_where_the_reciprocal_overflows(a, b):
    # Each input used twice: a rule that wrote `=` instead of `+=` would lose a share.
    build = lambda x, y: x / y + (x * 3.0) / (y + y)  # noqa: E731
    ours, grads = our_grads(build, [a, b])
    theirs, t_grads = torch_grads(build, [a, b])
    assert math.isclose(ours, theirs, rel_tol=1e-12)
    for g, t in zip(grads, t_grads):
        assert g == t or math.isclose(g, t, rel_tol=1e-12), (a, b, grads, t_grads)


def test_tiny_over_tiny_is_one_in_one_node():
    x, y = Value(1e-310), Value(1e-310)
    z = x / y
    assert z.data == 1.0 and z._op == "/" and z._prev == (x, y)
    z.backward()
    assert x.grad == math.inf and y.grad == -math.inf  # as PyTorch: 1/1e-310 is beyond the largest float


def test_a_divisor_whose_square_underflows_still_gets_its_gradient():
    x, y = Value(1e-300), Value(1e-170)  # y**2 = 0 in floats, yet -x / y**2 = -1e40
    (x / y).backward()
    _, t_grads = torch_grads(lambda a, b: a / b, [1e-300, 1e-170])
    assert [x.grad, y.grad] == t_grads and math.isclose(y.grad, -1e40, rel_tol=1e-12)


def test_reflected_division_by_a_value():
    out, grads = our_grads(lambda x: 3.0 / x, [4.0])
    assert out == 0.75 and grads == [-3.0 / 16.0]


# ---- adding an operation micrograd's way: a subclass sets out._backward --------------

class MicroValue(Value):
    """micrograd's recipe for a new op: a closure stored on the output node."""

    def sin(self):
        out = MicroValue(math.sin(self.data), (self,), "sin")

        def _backward():
            self.grad += math.cos(self.data) * out.grad
        out._backward = _backward
        return out


def test_a_subclass_op_gets_the_same_gradient_with_and_without_on_step():
    def build():
        x = MicroValue(0.7)
        return x, (x.sin() * x + x.sin()).tanh()

    x1, out1 = build()
    out1.backward()
    x2, out2 = build()
    steps = []
    out2.backward(on_step=steps.append)
    _, (t_grad,) = torch_grads(lambda t: (t.sin() * t + t.sin()).tanh(), [0.7])
    assert x1.grad == x2.grad and math.isclose(x1.grad, t_grad, rel_tol=1e-12)
    assert len(steps) == 6  # x, two sins, *, +, tanh


# ---- bools count as 0 and 1; other non-numbers are refused in tests/test_errors.py ---

@pytest.mark.parametrize("flag", [True, False, np.bool_(True), np.bool_(False)])
def test_bools_are_the_numbers_one_and_zero(flag):
    assert Value(flag).data == float(flag) and type(Value(flag).data) is float
    x = Value(3.0)
    y = x * flag
    y.backward()
    assert y.data == 3.0 * bool(flag) and x.grad == float(flag)  # like torch.tensor(3.) * True


# ---- pickling any depth ----------------------------------------------------------

def test_a_graph_100k_deep_pickles_and_still_backpropagates():
    x = Value(0.5)
    out = x
    for _ in range(100_000):
        out = out * 1.0 + 0.0
    copy_of_out = pickle.loads(pickle.dumps(out))
    assert copy_of_out.data == out.data and copy_of_out is not out
    copy_of_out.backward()
    leaves = [node for node in copy_of_out._topological_order() if node._op == "" and node.data == 0.5]
    assert len(leaves) == 1 and leaves[0].grad == 1.0  # d(x * 1 + 0 ...)/dx, through 200k nodes


def test_pickling_keeps_shared_nodes_shared_and_values_grads_ops():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    out = (c + c.exp()) / a  # c and a used twice
    out.backward()
    for clone in (pickle.loads(pickle.dumps(out)), copy.deepcopy(out)):
        order, original = clone._topological_order(), out._topological_order()
        assert [(n.data, n.grad, n._op, n._extra) for n in order] == \
               [(n.data, n.grad, n._op, n._extra) for n in original]
        plus, new_a = clone._prev
        assert plus._prev[0] is plus._prev[1]._prev[0]  # the same c under + and exp
        assert new_a is plus._prev[0]._prev[0]  # the same a under / and *


def test_a_subclass_pickles_as_itself():
    v = PickledSubclass(1.5) ** 2
    clone = pickle.loads(pickle.dumps(v))
    assert type(clone) is PickledSubclass and clone.data == 2.25 and clone._prev[0].note == "leaf"


class PickledSubclass(Value):
    def __init__(self, data, _children=(), _op="", _extra=None):
        super().__init__(data, _children, _op, _extra)
        self.note = "leaf" if not _children else "op"

    def __pow__(self, k):
        return PickledSubclass(self.data ** k, (self,), "**k", float(k))
