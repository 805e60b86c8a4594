"""The scalar engine used as a micrograd or PyTorch user would: bools and pickling.

(Division and subclasses with their own ``_backward`` are in test_scalar.py, which
mutation testing runs.)
"""

import copy
import pickle

import numpy as np
import pytest

from minigrad.scalar import Value


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
