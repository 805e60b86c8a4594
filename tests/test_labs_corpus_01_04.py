"""The checks of labs 01-04 against a corpus of learners' solutions, right and wrong.

Written the way different learners write (recursive and iterative, closures and
classes, numpy and math, composite operations), not from the book's solutions:

* every CORRECT solution must pass its check (a grader that rejects right code
  teaches the learner they are wrong when they are right);
* every WRONG solution must fail with a message that names its mistake (the
  second item of each pair is a piece of the English message; ES_NAMES checks
  the Spanish for a sample);
* whatever a learner's code does (returns None, the wrong type, the wrong number
  of values, raises, never ends), only the labs' own error (LabError) escapes.
"""

import math
import threading
import time
from collections import Counter, deque

import numpy as np
import pytest

import minigrad_labs as labs
from minigrad_labs import checks as check
from minigrad_labs.feedback import LabError, NotImplementedYet
from minigrad_labs.guard import time_cap


@pytest.fixture(autouse=True)
def english():
    labs.set_language("en")
    yield
    labs.set_language(None)


def accepted(check_fn, *learner):
    check_fn(*learner)


def rejected(check_fn, *learner):
    """The message of a check that must fail with the labs' own error."""
    with time_cap(3.0), pytest.raises(LabError) as info:
        check_fn(*learner)
    return str(info.value)


# =====================================================================================
# Lab 01: walking a graph
# =====================================================================================


def count_recursive(root):
    seen = set()

    def visit(node):
        if node in seen:
            return
        seen.add(node)
        for parent in node._prev:
            visit(parent)
    visit(root)
    return len(seen)


def count_bfs_ids(root):
    seen, queue = {id(root)}, deque([root])
    while queue:
        for parent in queue.popleft()._prev:
            if id(parent) not in seen:
                seen.add(id(parent))
                queue.append(parent)
    return np.int64(len(seen))              # a numpy integer is still a count


def count_float(root):
    nodes, stack = {}, [root]
    while stack:
        node = stack.pop()
        nodes[id(node)] = node
        stack.extend(p for p in node._prev if id(p) not in nodes)
    return float(len(nodes))               # 6.0 is 6


COUNT_CORRECT = [count_recursive, count_bfs_ids, count_float]


def count_paths(root):                      # no visited set: a node per path
    return 1 + sum(count_paths(p) for p in root._prev)


def count_without_root(root):
    seen, stack = set(), list(root._prev)
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node._prev)
    return len(seen)


def count_edges(root):
    seen, stack, edges = set(), [root], 0
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            edges += len(node._prev)
            stack.extend(node._prev)
    return edges


def count_no_return(root):
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node._prev)
    len(seen)                               # the value is computed, not returned


def count_returns_the_set(root):
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(node._prev)
    return seen


COUNT_WRONG = [
    (count_paths, "expected 6 nodes, got 7"),
    (count_paths, "visited"),
    (count_without_root, "count_nodes on the graph diamond: expected 6 nodes, got 5"),
    (count_edges, "expected 5 nodes, got 6"),
    (count_no_return, "returned None: is a `return` missing?"),
    (count_returns_the_set, "is a set"),
]


def reused_dict(root):
    uses, seen, stack = {}, set(), [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for parent in node._prev:
            uses[parent] = uses.get(parent, 0) + 1
            stack.append(parent)
    return [n for n, k in uses.items() if k >= 2]


def reused_counter_set(root):
    edges, seen, stack = Counter(), {id(root)}, [root]
    by_id = {id(root): root}
    while stack:
        node = stack.pop()
        for parent in node._prev:
            edges[id(parent)] += 1
            by_id[id(parent)] = parent
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return {by_id[i] for i, k in edges.items() if k > 1}     # a set: the order does not matter here


def reused_generator(root):
    def nodes(node, seen):
        if node in seen:
            return
        seen.add(node)
        yield node
        for parent in node._prev:
            yield from nodes(parent, seen)
    everything = list(nodes(root, set()))
    for candidate in everything:
        if sum(p is candidate for n in everything for p in n._prev) >= 2:
            yield candidate


REUSED_CORRECT = [reused_dict, reused_counter_set, reused_generator]


def reused_distinct_children(root):         # x * x: x has one child, but two edges
    children, seen, stack = {}, set(), [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for parent in set(node._prev):
            children.setdefault(parent, set()).add(node)
            stack.append(parent)
    return [n for n, c in children.items() if len(c) >= 2]


def reused_per_path(root):                  # no visited set: edges counted once per path
    uses, stack = {}, [root]
    while stack:
        node = stack.pop()
        for parent in node._prev:
            uses[parent] = uses.get(parent, 0) + 1
            stack.append(parent)
    return [n for n, k in uses.items() if k >= 2]


def reused_with_repeats(root):
    found, seen, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for parent in node._prev:
            if sum(p is parent for p in node._prev) >= 2 or parent in found:
                found.append(parent)       # may append the same node twice
            stack.append(parent)
    others = reused_dict(root)
    return found + others


def reused_numbers(root):
    return [n.data for n in reused_dict(root)]


def reused_used_once(root):
    uses, seen, stack = {}, set(), [root]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for parent in node._prev:
            uses[parent] = uses.get(parent, 0) + 1
            stack.append(parent)
    return [n for n, k in uses.items() if k >= 1]


REUSED_WRONG = [
    (reused_distinct_children, "missing ['x']"),
    (reused_per_path, "wrongly included"),
    (reused_with_repeats, "listed twice"),
    (reused_numbers, "must return nodes (Value objects)"),
    (lambda root: None, "returned None"),
    (reused_used_once, "wrongly included ['data=1', 'data=3', 'left', 'right']"),
]


def topo_two_phase(root):
    order, done, open_, stack = [], set(), set(), [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            open_.discard(node)
            done.add(node)
            order.append(node)
        elif node in open_:
            raise ValueError("cycle")
        elif node not in done:
            open_.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node._prev)
    return order


def topo_kahn(root):
    nodes, stack, seen = [], [root], {id(root)}
    while stack:
        node = stack.pop()
        nodes.append(node)
        for p in node._prev:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    waiting = {id(n): len(set(map(id, n._prev))) for n in nodes}
    users = {}
    for n in nodes:
        for p in {id(p): p for p in n._prev}.values():
            users.setdefault(id(p), []).append(n)
    ready = deque(n for n in nodes if waiting[id(n)] == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for user in users.get(id(node), []):
            waiting[id(user)] -= 1
            if waiting[id(user)] == 0:
                ready.append(user)
    if len(order) != len(nodes):
        raise RuntimeError("this graph has a cycle, so it has no topological order")
    return order


def topo_colours(root):
    """Three colours, a stack of iterators (as a textbook DFS without recursion)."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour, order = {}, []
    stack = [(root, iter(root._prev))]
    colour[id(root)] = GREY
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            state = colour.get(id(parent), WHITE)
            if state == GREY:
                raise ValueError("cycle through " + repr(parent))
            if state == WHITE:
                colour[id(parent)] = GREY
                stack.append((parent, iter(parent._prev)))
                break
        else:
            stack.pop()
            colour[id(node)] = BLACK
            order.append(node)
    return (node for node in order)          # a generator: still an order


TOPO_CORRECT = [topo_two_phase, topo_kahn, topo_colours]


def topo_recursive(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node._prev:
                visit(parent)
            order.append(node)
    visit(root)
    return order


def topo_root_first(root):
    return list(reversed(topo_two_phase(root)))


def topo_no_visited(root):
    order, stack = [], [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((p, False) for p in node._prev)
    return order


def topo_no_cycle_check(root):
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node._prev)
    return order


def topo_until_all_placed(root):
    """Place every node whose parents are placed, pass after pass: on a cycle, no pass ends it."""
    nodes, stack, seen = [], [root], {id(root)}
    while stack:
        node = stack.pop()
        nodes.append(node)
        for p in node._prev:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    nodes.reverse()
    placed, order = set(), []
    while len(order) < len(nodes):
        for node in nodes:
            if id(node) not in placed and all(id(p) in placed for p in node._prev):
                placed.add(id(node))
                order.append(node)
    return order


def topo_set(root):
    return set(topo_two_phase(root))


TOPO_WRONG = [
    (topo_recursive, "calls itself once per node"),
    (topo_recursive, "Keep your own stack in a list"),
    (topo_root_first, "the whole list is reversed"),
    (topo_no_visited, "appears more than once"),
    (topo_no_cycle_check, "a cycle has no topological order"),
    (topo_until_all_placed, "never ended"),
    (topo_set, "returned a set, which has no order"),
]


# =====================================================================================
# Lab 02: backward functions
# =====================================================================================

DIVIDE_CORRECT = [
    lambda g, x, y: (g / y, -g * x / y ** 2),
    lambda g, x, y: np.array([g / y, -g * x / y / y]),
    lambda g, x, y: (v for v in (g * y ** -1, g * x * (-1) * y ** -2)),     # x * y**-1, rule by rule
    lambda g, x, y: [g * (1 / y), g * (-(x / y) / y)],
]
DIVIDE_WRONG = [
    (lambda g, x, y: (g / y, g * x / y ** 2), "sign flip"),
    (lambda g, x, y: (g / y, -g * x / y), "the square of y is missing"),
    (lambda g, x, y: (1 / y, -x / y ** 2), "not multiplied by the gradient"),
    (lambda g, x, y: (-g * x / y ** 2, g / y), "wrong order"),
    (lambda g, x, y: g / y, "must return 2 gradients, one per input (x, y); it returned one float"),
    (lambda g, x, y: None, "returned None"),
    (lambda g, x, y: {"x": g / y, "y": -g * x / y ** 2}, "it returned one dict"),
    (lambda g, x, y: (g / y, -g * x / y ** 2, 0.0), "it returned 3"),
]


def sigmoid_math(g, x):
    s = 1 / (1 + math.exp(-x))
    return g * s * (1 - s)


def sigmoid_numpy(g, x):
    s = 1 / (1 + np.exp(-x))
    return np.float64(g * s * (1 - s))


def sigmoid_via_tanh(g, x):
    s = 0.5 * (1 + math.tanh(x / 2))
    return (g * s * (1 - s),)               # a one-element tuple


SIGMOID_CORRECT = [sigmoid_math, sigmoid_numpy, sigmoid_via_tanh, lambda g, x: [g * math.exp(-x) / (1 + math.exp(-x)) ** 2]]
SIGMOID_WRONG = [
    (lambda g, x: g * x * (1 - x), "uses the input"),
    (lambda g, x: g / (1 + math.exp(-x)), "the factor (1 - s) is missing"),
    (lambda g, x: sigmoid_math(1.0, x), "not multiplied by the gradient"),
    (lambda g, x: -sigmoid_math(g, x), "sign flip"),
    (lambda g, x: str(sigmoid_math(g, x)), "is a str"),
    (lambda g, x: (sigmoid_math(g, x), 0.0), "must return 1 gradient(s)"),
]

TWO_PATHS_CORRECT = [
    lambda g, x: g * (math.exp(x) + x * math.exp(x)),
    lambda g, x: g * (1 + x) * math.exp(x),
    lambda g, x: np.array([g * (1 + x) * np.exp(x)]),
    lambda g, x: g * math.e ** x * (x + 1),
]
TWO_PATHS_WRONG = [
    (lambda g, x: g * math.exp(x), "only one path counted"),
    (lambda g, x: g * x * math.exp(x), "only one path counted"),
    (lambda g, x: (1 + x) * math.exp(x), "not multiplied by the gradient"),
    (lambda g, x: -g * (1 + x) * math.exp(x), "sign flip"),
    (lambda g, x: g * math.exp(x) * x * math.exp(x), "multiplies along a path and adds across paths"),
    (lambda g, x: [], "it returned 0"),
]


# =====================================================================================
# Labs 03-04: the learner's Value
# =====================================================================================


def closures_value(pow_style="rule", tanh_style="rule", prev=tuple, add_assign="+=", seed=True,
                   walk="post-order"):
    """A learner's Value written with closures (micrograd style); options plant variants."""

    class Value:
        def __init__(self, data, _children=(), _op=""):
            self.data = data
            self.grad = 0.0
            self._prev = prev(_children)
            self._op = _op
            self._backward = lambda: None

        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other), "+")

            def _backward():
                if add_assign == "+=":
                    self.grad += out.grad
                    other.grad += out.grad
                else:
                    self.grad = out.grad
                    other.grad = out.grad
            out._backward = _backward
            return out

        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")

            def _backward():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
            out._backward = _backward
            return out

        def __pow__(self, k):
            if pow_style == "repeat" and isinstance(k, int) and k >= 1:
                out = self
                for _ in range(k - 1):
                    out = out * self            # x**3 as x * x * x: three nodes, right gradients
                return out
            out = Value(self.data ** k, (self,), f"**{k}")

            def _backward():
                self.grad += k * self.data ** (k - 1) * out.grad
            out._backward = _backward
            return out

        def exp(self):
            out = Value(math.exp(self.data), (self,), "exp")

            def _backward():
                self.grad += out.data * out.grad
            out._backward = _backward
            return out

        def tanh(self):
            if tanh_style == "exp":             # (e^2x - 1) / (e^2x + 1), from exp, + and **-1
                e = (self * 2).exp()
                return (e - 1) * (e + 1) ** -1
            t = math.tanh(self.data)
            out = Value(t, (self,), "tanh")

            def _backward():
                self.grad += (1 - t ** 2) * out.grad
            out._backward = _backward
            return out

        def relu(self):
            out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

            def _backward():
                self.grad += (out.data > 0) * out.grad
            out._backward = _backward
            return out

        def __neg__(self):
            return self * -1

        def __radd__(self, other):
            return self + other

        def __sub__(self, other):
            return self + (-other)

        def __rsub__(self, other):
            return other + (-self)

        def __rmul__(self, other):
            return self * other

        def backward(self):
            if walk == "recursive":
                order, seen = [], set()

                def build(v):
                    if v not in seen:
                        seen.add(v)
                        for child in v._prev:
                            build(child)
                        order.append(v)
                build(self)
            else:
                order, seen, stack = [], set(), [(self, False)]
                while stack:
                    node, done = stack.pop()
                    if done:
                        order.append(node)
                    elif walk == "no-visited" or node not in seen:
                        seen.add(node)
                        stack.append((node, True))
                        stack.extend((p, False) for p in node._prev)
            if seed:
                self.grad = 1.0
            for node in (order if walk == "forward" else reversed(order)):
                node._backward()

    return Value


class LocalValue:
    """A learner's Value that stores each parent's local derivative and has one _backward method."""

    def __init__(self, data, parents=(), local=()):
        self.data, self.grad = float(data), 0.0
        self._prev, self._local = list(parents), list(local)

    @staticmethod
    def lift(x):
        return x if isinstance(x, LocalValue) else LocalValue(x)

    def _backward(self):
        for parent, d in zip(self._prev, self._local):
            parent.grad += d * self.grad

    def __add__(self, other):
        other = LocalValue.lift(other)
        return LocalValue(self.data + other.data, [self, other], [1.0, 1.0])

    def __mul__(self, other):
        other = LocalValue.lift(other)
        return LocalValue(self.data * other.data, [self, other], [other.data, self.data])

    __radd__, __rmul__ = __add__, __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + -LocalValue.lift(other)

    def __rsub__(self, other):
        return LocalValue.lift(other) + -self

    def __pow__(self, k):
        return LocalValue(self.data ** k, [self], [k * self.data ** (k - 1)])

    def exp(self):
        e = math.exp(self.data)
        return LocalValue(e, [self], [e])

    def tanh(self):
        t = math.tanh(self.data)
        return LocalValue(t, [self], [1 - t * t])

    def relu(self):
        return LocalValue(max(0.0, self.data), [self], [float(self.data > 0)])

    def backward(self):                  # Kahn: a node runs once all its users have run
        users, stack, seen = Counter(), [self], {id(self)}
        while stack:
            node = stack.pop()
            for p in node._prev:
                users[id(p)] += 1
                if id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            node._backward()
            for p in node._prev:
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)


class OpValue:
    """A learner's Value whose operations are small classes (Add, Mul, ...) with a backward method."""

    def __init__(self, data, op=None):
        self.data, self.grad, self.op = float(data), 0.0, op
        self._prev = op.inputs if op else ()

    def _backward(self):
        if self.op is not None:
            self.op.backward(self.grad)

    @staticmethod
    def lift(x):
        return x if isinstance(x, OpValue) else OpValue(x)

    def __add__(self, other):
        return Add(self, OpValue.lift(other)).output

    def __mul__(self, other):
        return Mul(self, OpValue.lift(other)).output

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-OpValue.lift(other))

    def __rsub__(self, other):
        return OpValue.lift(other) + (-self)

    def __pow__(self, k):
        return Pow(self, k).output

    def exp(self):
        return Exp(self).output

    def tanh(self):
        return Tanh(self).output

    def relu(self):
        return Relu(self).output

    def backward(self):
        order, seen = [], set()
        stack = [iter([self])]
        path = []
        while stack:                         # post-order with a stack of iterators
            for node in stack[-1]:
                if id(node) not in seen:
                    seen.add(id(node))
                    path.append(node)
                    stack.append(iter(node._prev))
                    break
            else:
                stack.pop()
                if path:
                    order.append(path.pop())
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


class Op:
    def __init__(self, *inputs):
        self.inputs = inputs
        self.output = OpValue(self.forward(*[x.data for x in inputs]), self)


class Add(Op):
    def forward(self, a, b):
        return a + b

    def backward(self, g):
        for x in self.inputs:
            x.grad += g


class Mul(Op):
    def forward(self, a, b):
        return a * b

    def backward(self, g):
        a, b = self.inputs
        a.grad += b.data * g
        b.grad += a.data * g


class Pow(Op):
    def __init__(self, x, k):
        self.k = k
        super().__init__(x)

    def forward(self, a):
        return a ** self.k

    def backward(self, g):
        (x,) = self.inputs
        x.grad += self.k * x.data ** (self.k - 1) * g


class Exp(Op):
    def forward(self, a):
        return math.exp(a)

    def backward(self, g):
        self.inputs[0].grad += self.output.data * g


class Tanh(Op):
    def forward(self, a):
        return math.tanh(a)

    def backward(self, g):
        self.inputs[0].grad += (1 - self.output.data ** 2) * g


class Relu(Op):
    def forward(self, a):
        return max(a, 0.0)

    def backward(self, g):
        self.inputs[0].grad += (1.0 if self.inputs[0].data > 0 else 0.0) * g


VALUE_CORRECT = [
    closures_value(),
    closures_value(pow_style="repeat", tanh_style="exp"),    # composites, as in a video lecture
    closures_value(prev=set),                                # _prev a set, as micrograd has it
    LocalValue,
    OpValue,
]


def planted(**replacements):
    """closures_value with one method replaced by a wrong one."""
    Value = closures_value()
    for name, method in replacements.items():
        setattr(Value, name, method)
    return Value


def mul_own_factor(self, other):
    other = other if isinstance(other, type(self)) else type(self)(other)
    out = type(self)(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += self.data * out.grad
        other.grad += other.data * out.grad
    out._backward = _backward
    return out


def mul_no_upstream(self, other):
    other = other if isinstance(other, type(self)) else type(self)(other)
    out = type(self)(self.data * other.data, (self, other), "*")

    def _backward():
        self.grad += other.data
        other.grad += self.data
    out._backward = _backward
    return out


def add_unwrapped(self, other):
    out = type(self)(self.data + other.data, (self, other), "+")      # 2 has no .data

    def _backward():
        self.grad += out.grad
        other.grad += out.grad
    out._backward = _backward
    return out


def add_no_return(self, other):
    other = other if isinstance(other, type(self)) else type(self)(other)
    out = type(self)(self.data + other.data, (self, other), "+")

    def _backward():
        self.grad += out.grad
        other.grad += out.grad
    out._backward = _backward


def mul_one_parent(self, other):
    other = other if isinstance(other, type(self)) else type(self)(other)
    out = type(self)(self.data * other.data, (self,), "*")              # other is not a parent

    def _backward():
        self.grad += other.data * out.grad
    out._backward = _backward
    return out


def add_forward_wrong(self, other):
    other = other if isinstance(other, type(self)) else type(self)(other)
    out = type(self)(self.data * other.data, (self, other), "+")

    def _backward():
        self.grad += out.grad
        other.grad += out.grad
    out._backward = _backward
    return out


ADD_MUL_WRONG = [
    (closures_value(add_assign="="), "`=` instead of `+=`"),
    (planted(__mul__=mul_own_factor), "the *other* factor"),
    (planted(__mul__=mul_no_upstream), "not multiplied by the gradient"),
    (planted(__add__=add_unwrapped), "raised AttributeError"),
    (planted(__add__=add_no_return), "returned None: is a `return` missing?"),
    (planted(__mul__=mul_one_parent), "cannot be reached from the output through `_prev`"),
    (planted(__add__=add_forward_wrong), "forward value expected"),
]


def pow_rule(derivative):
    def __pow__(self, k):
        out = type(self)(self.data ** k, (self,), "**")

        def _backward():
            self.grad += derivative(self.data, k) * out.grad
        out._backward = _backward
        return out
    return __pow__


def one_input(name, forward, derivative, assign="+="):
    def method(self):
        out = type(self)(forward(self.data), (self,), name)

        def _backward():
            if assign == "+=":
                self.grad += derivative(self.data, out.data) * out.grad
            else:
                self.grad = derivative(self.data, out.data) * out.grad
        out._backward = _backward
        return out
    return method


UNARY_WRONG = [
    (planted(__pow__=pow_rule(lambda x, k: x ** (k - 1))), "the factor k is missing"),
    (planted(__pow__=pow_rule(lambda x, k: k * x ** k)), "the exponent drops by one"),
    (planted(tanh=one_input("tanh", math.tanh, lambda x, t: 1 - t)), "the square is missing"),
    (planted(tanh=one_input("tanh", math.tanh, lambda x, t: 1 - x ** 2)), "uses the input"),
    (planted(relu=one_input("relu", lambda x: max(x, 0.0), lambda x, o: 1.0 if x >= 0 else 0.0)),
     "at x = 0 relu's derivative is taken as 0"),
    (planted(relu=one_input("relu", lambda x: max(x, 0.0), lambda x, o: 1.0 if x < 0 else 0.0)),
     "only where its input is positive"),
    (planted(exp=one_input("exp", math.exp, lambda x, e: x)), "is e**x itself"),
    (planted(tanh=one_input("tanh", math.tanh, lambda x, t: 1 - t * t, assign="=")), "`=` instead of `+=`"),
]


def diamond_with(order_of, seed=True, Value=None, returns="leaves"):
    """A learner's diamond_by_hand, calling the _backward of the nodes in order_of(names)."""
    Value = Value or closures_value()

    def diamond_by_hand():
        a, b, c = Value(2.0), Value(3.0), Value(4.0)
        nodes = {"ab": a * b}
        nodes["e"] = nodes["ab"] + c
        nodes["minus_c"] = c * -1
        nodes["f"] = a + nodes["minus_c"]
        nodes["L"] = nodes["e"] * nodes["f"]
        if seed:
            nodes["L"].grad = 1.0
        for name in order_of:
            nodes[name]._backward()
        return {"leaves": (a, b, c), "list": [a, b, c], "two": (a, b), "none": None}[returns]
    return diamond_by_hand


def diamond_sorted():
    """Build with the learner's Value, then sort the graph with their own stack, and walk it."""
    V = closures_value(prev=set)
    a, b, c = V(2.0), V(3.0), V(4.0)
    L = (a * b + c) * (a - c)
    L.grad = 1.0
    for node in reversed(list(topo_two_phase(L))):
        node._backward()
    return [a, b, c]


DIAMOND_CORRECT = [
    diamond_with(["L", "f", "minus_c", "e", "ab"]),
    diamond_with(["L", "e", "ab", "f", "minus_c"]),                     # another reverse topological order
    diamond_with(["L", "f", "e", "minus_c", "ab"], returns="list"),
    diamond_sorted,
]
DIAMOND_WRONG = [
    (diamond_with(["ab", "e", "minus_c", "f", "L"]), "forward order"),
    (diamond_with(["L", "f", "minus_c", "e", "ab"], seed=False), "not seeded"),
    (diamond_with(["L", "f", "minus_c", "e", "ab"], Value=closures_value(add_assign="=")), "`=` instead of `+=`"),
    (diamond_with(["L", "minus_c", "e", "ab"]), "its `_backward()` never ran"),
    (diamond_with(["L", "f", "minus_c", "ab", "e"]), "ran before every use of it had reported back"),
    (diamond_with(["L", "f", "minus_c", "e", "ab"], returns="none"), "returned None"),
    (diamond_with(["L", "f", "minus_c", "e", "ab"], returns="two"), "must return 3 items"),
]


def backward_book(root):
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            stack.extend((p, False) for p in node._prev)
    root.grad = 1.0
    for node in reversed(order):
        node._backward()


def backward_kahn(root):
    pending, stack, seen = Counter(), [root], {id(root)}
    while stack:
        node = stack.pop()
        for p in node._prev:
            pending[id(p)] += 1
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    root.grad = 1.0
    ready = deque([root])
    while ready:
        node = ready.popleft()
        node._backward()
        for p in set(node._prev):
            pending[id(p)] -= sum(q is p for q in node._prev)
            if pending[id(p)] == 0:
                ready.append(p)


def backward_by_depth(root):
    """Longest distance from the root first: a node comes after everything that uses it."""
    order = topo_kahn(root)
    depth = {id(root): 0}
    for node in reversed(order):
        for p in node._prev:
            depth[id(p)] = max(depth.get(id(p), 0), depth[id(node)] + 1)
    root.grad = 1
    for node in sorted(order, key=lambda n: depth[id(n)]):
        node._backward()


BACKWARD_CORRECT = [backward_book, backward_kahn, backward_by_depth]


def walk_variant(order_kind="post", seed="before", visited=True, skip_root=False):
    def backward(root):
        if order_kind == "bfs":
            order, seen, queue = [], {id(root)}, deque([root])
            while queue:
                node = queue.popleft()
                order.append(node)
                for p in node._prev:
                    if id(p) not in seen:
                        seen.add(id(p))
                        queue.append(p)
            walk = order                       # root first, then breadth-first
        else:
            order, seen, stack = [], set(), [(root, False)]
            while stack:
                node, done = stack.pop()
                if done:
                    order.append(node)
                elif not visited or id(node) not in seen:
                    seen.add(id(node))
                    stack.append((node, True))
                    stack.extend((p, False) for p in node._prev)
            walk = order if order_kind == "forward" else order[::-1]
        if skip_root:
            walk = [n for n in walk if n is not root]
        if seed == "before":
            root.grad = 1.0
        for node in walk:
            node._backward()
        if seed == "after":
            root.grad = 1.0
    return backward


def backward_recursive(root):
    topo, seen = [], set()

    def build(node):
        if node not in seen:
            seen.add(node)
            for child in node._prev:
                build(child)
            topo.append(node)
    build(root)
    root.grad = 1.0
    for node in reversed(topo):
        node._backward()


BACKWARD_WRONG = [
    (walk_variant(order_kind="forward"), "forward order"),
    (walk_variant(seed="never"), "not seeded"),
    (walk_variant(seed="after"), "came after the walk"),
    (walk_variant(visited=False), "ran more than once"),
    (walk_variant(order_kind="bfs"), "breadth-first"),
    (walk_variant(skip_root=True), "never ran"),
    (backward_recursive, "calls itself once per node"),
]

ENGINE_CORRECT = VALUE_CORRECT
ENGINE_WRONG = [
    (closures_value(add_assign="="), "`=` instead of `+=`"),
    (closures_value(seed=False), "not seeded"),
    (closures_value(walk="forward"), "forward order"),
    (closures_value(walk="no-visited"), "ran more than once"),
    (closures_value(walk="recursive"), "calls itself once per node"),
    (planted(tanh=one_input("tanh", math.tanh, lambda x, t: 1 - t)), "the square is missing"),
]


# =====================================================================================
# The corpus, run
# =====================================================================================

CORPUS = {
    "count_nodes": (check.count_nodes, COUNT_CORRECT, COUNT_WRONG),
    "reused_nodes": (check.reused_nodes, REUSED_CORRECT, REUSED_WRONG),
    "topological_order": (check.topological_order, TOPO_CORRECT, TOPO_WRONG),
    "divide_backward": (check.divide_backward, DIVIDE_CORRECT, DIVIDE_WRONG),
    "sigmoid_backward": (check.sigmoid_backward, SIGMOID_CORRECT, SIGMOID_WRONG),
    "two_paths_backward": (check.two_paths_backward, TWO_PATHS_CORRECT, TWO_PATHS_WRONG),
    "value_add_mul": (check.value_add_mul, VALUE_CORRECT, ADD_MUL_WRONG),
    "value_unary": (check.value_unary, VALUE_CORRECT, UNARY_WRONG),
    "diamond_by_hand": (check.diamond_by_hand, DIAMOND_CORRECT, DIAMOND_WRONG),
    "backward": (check.backward, BACKWARD_CORRECT, BACKWARD_WRONG),
    "engine": (check.engine, ENGINE_CORRECT, ENGINE_WRONG),
}


def test_the_corpus_is_big_enough():
    for name, (_, correct, wrong) in CORPUS.items():
        assert len(correct) >= 3, name
        assert len({id(learner) for learner, _ in wrong}) >= 5, name


@pytest.mark.parametrize("name", CORPUS)
def test_every_correct_solution_is_accepted(name, capsys):
    check_fn, correct, _ = CORPUS[name]
    for learner in correct:
        check_fn(learner)
    assert capsys.readouterr().out.count("✓") == len(correct)


@pytest.mark.parametrize("name", CORPUS)
def test_every_wrong_solution_is_rejected_naming_its_mistake(name):
    check_fn, _, wrong = CORPUS[name]
    for learner, named in wrong:
        message = rejected(check_fn, learner)
        assert named in message, f"{name}: {getattr(learner, '__name__', learner)}:\n{message}"


ES_NAMES = [
    (check.divide_backward, DIVIDE_WRONG[1][0], "falta el cuadrado de y"),
    (check.two_paths_backward, TWO_PATHS_WRONG[0][0], "solo se contó un camino"),
    (check.backward, BACKWARD_WRONG[2][0], "llegó después del recorrido"),
    (check.backward, BACKWARD_WRONG[3][0], "se ejecutó más de una vez"),
    (check.topological_order, topo_no_cycle_check, "un ciclo no tiene orden topológico"),
    (check.count_nodes, count_no_return, "devolvió None: ¿falta un `return`?"),
    (check.topological_order, topo_recursive, "Lleva tu propia pila en una lista"),
]


def test_the_spanish_messages_name_the_same_mistakes():
    labs.set_language("es")
    for check_fn, learner, named in ES_NAMES:
        message = rejected(check_fn, learner)
        assert named in message, message
        assert "Likely cause" not in message and "Wrong gradient" not in message


# =====================================================================================
# Hostile learner code: only the labs' own errors escape
# =====================================================================================


def returns_none(*args, **kwargs):
    return None


def returns_text(*args, **kwargs):
    return "a gradient"


def returns_nested(*args, **kwargs):
    return [[1.0, 2.0], [3.0]]


def returns_huge_tuple(*args, **kwargs):
    return tuple(range(50))


def returns_object(*args, **kwargs):
    return object()


def raises_value_error(*args, **kwargs):
    raise ValueError("learner's own bug")


def raises_key_error(*args, **kwargs):
    return {}["missing"]


def raises_zero_division(*args, **kwargs):
    return 1 / 0


def raises_keyboard_shaped(*args, **kwargs):
    raise StopIteration


def loops_for_ever(*args, **kwargs):
    while True:
        pass


def sleeps(*args, **kwargs):
    time.sleep(60)


def recurses(*args, **kwargs):
    return recurses(*args, **kwargs)


class SetattrLoop:
    def __init__(self, *args):
        self.data = 1.0

    def __setattr__(self, name, value):
        self.__dict__[name] = value if name != "data" else setattr(self, name, value)


HOSTILE = [returns_none, returns_text, returns_nested, returns_huge_tuple, returns_object, raises_value_error,
           raises_key_error, raises_zero_division, raises_keyboard_shaped, loops_for_ever, sleeps, recurses,
           SetattrLoop]
ALL_CHECKS = {name: getattr(check, name) for name in check.__all__}
ARITY = {"sequential": 3, "register": 3, "digits_from_scratch": 2}


ENGLISH_ONLY = ("Wrong gradient", "Likely cause", " raised ", "returned", "was stopped", "must return", "your function")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.__name__)
def test_hostile_learner_code_gets_only_the_labs_own_error(hostile, language):
    labs.set_language(language)
    for name in ["count_nodes", "reused_nodes", "topological_order", "divide_backward", "sigmoid_backward",
                 "two_paths_backward", "value_add_mul", "value_unary", "diamond_by_hand", "backward", "engine"]:
        start = time.monotonic()
        with time_cap(1.0):
            try:
                ALL_CHECKS[name](*[hostile] * ARITY.get(name, 1))
            except LabError as error:
                assert str(error).strip() and "minigrad_labs" not in str(error), str(error)
                if language == "es":
                    assert not any(words in str(error) for words in ENGLISH_ONLY), str(error)
            except BaseException as error:       # noqa: BLE001 - this is what the test is about
                pytest.fail(f"check.{name} let {type(error).__name__} escape: {error}")
        assert time.monotonic() - start < 15, f"check.{name} was not stopped in time"


def test_the_messages_of_hostile_code_say_what_is_wrong():
    assert "returned None: is a `return` missing?" in rejected(check.divide_backward, returns_none)
    assert "the 1st gradient (for x) it returned is a list" in rejected(check.divide_backward, returns_nested)
    assert "raised ValueError: learner's own bug" in rejected(check.backward, raises_value_error)
    message = rejected(check.count_nodes, raises_key_error)
    assert "raised KeyError" in message and "return {}[\"missing\"]" in message.replace("'", '"')
    message = rejected(check.count_nodes, loops_for_ever)
    assert "was stopped after 3 s" in message and "(in loops_for_ever)" in message
    assert "was stopped after 3 s" in rejected(check.sigmoid_backward, sleeps)
    assert "calls itself once per node" in rejected(check.count_nodes, recurses)
    assert "`__setattr__` calls itself" in rejected(check.value_add_mul, SetattrLoop)


def test_a_stub_is_not_implemented_yet_even_inside_a_value():
    class Value:
        def __init__(self, data, _prev=(), _op=""):
            self.data, self.grad, self._prev, self._backward = data, 0.0, _prev, lambda: None

        def __add__(self, other):
            raise NotImplementedError

    with pytest.raises(NotImplementedYet, match="not implemented yet"):
        check.value_add_mul(Value)


def test_a_check_in_another_thread_is_stopped_too():
    """Off the main thread there is no SIGALRM: the trace-function fallback stops the loop."""
    outcome = {}

    def run():
        try:
            with time_cap(1.0):
                check.count_nodes(loops_for_ever)
        except LabError as error:
            outcome["message"] = str(error)
        except BaseException as error:       # noqa: BLE001
            outcome["escaped"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "the learner's loop was never stopped"
    assert "was stopped after 1 s" in outcome.get("message", ""), outcome
