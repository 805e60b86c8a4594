"""Planted wrong learner code fails the matching lab check, naming the gradient and the cause."""

import math
import textwrap

import numpy as np
import pytest

import labs
from labs import checks as check
from labs.feedback import CheckFailed, NotImplementedYet


@pytest.fixture(autouse=True)
def english():
    labs.set_language("en")
    yield
    labs.set_language(None)


def failure(check_fn, *learner):
    """The message of a check that must fail."""
    with pytest.raises(CheckFailed) as info:
        check_fn(*learner)
    return str(info.value)


# A learner's Value as the lab 03/04 solution writes it, with hooks to plant bugs.
LEARNER_VALUE = '''
import math


class Value:
    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = _prev
        self._op = _op
        self._backward = lambda: None

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

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
        out = Value(self.data ** k, (self,), "**")

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
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data ** 2) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        order, visited, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((p, False) for p in node._prev)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other
'''


def learner_value(*replacements):
    """The learner's Value class, with (old, new) source replacements planted."""
    source = LEARNER_VALUE
    for old, new in replacements:
        assert old in source, old
        source = source.replace(old, new)
    namespace = {}
    exec(compile(textwrap.dedent(source), "<learner cell>", "exec"), namespace)
    return namespace["Value"]


def test_the_correct_learner_value_passes_every_check(capsys):
    Value = learner_value()
    check.value_add_mul(Value)
    check.value_unary(Value)
    check.engine(Value)
    assert capsys.readouterr().out.count("✓") == 3


def test_equals_instead_of_plus_equals_is_named():
    Value = learner_value(("            self.grad += other.data * out.grad",
                           "            self.grad = other.data * out.grad"))
    message = failure(check.value_add_mul, Value)
    assert "Wrong gradient of x after x * y._backward()" in message
    assert "`=` instead of `+=`" in message
    assert "expected" in message and "got" in message


def test_equals_in_the_engine_is_named_on_the_diamond():
    Value = learner_value(("            self.grad += out.grad\n            other.grad += out.grad",
                           "            self.grad = out.grad\n            other.grad = out.grad"))
    message = failure(check.engine, Value)
    assert "`=` instead of `+=`" in message


def test_a_sign_flip_is_named():
    Value = learner_value(("self.grad += (1 - out.data ** 2) * out.grad",
                           "self.grad -= (1 - out.data ** 2) * out.grad"))
    message = failure(check.value_unary, Value)
    assert "of x after x.tanh()._backward()" in message and "sign flip" in message

    def divide_backward(grad_out, x, y):
        return grad_out / y, grad_out * x / y**2          # sign of dy flipped
    message = failure(check.divide_backward, divide_backward)
    assert "for y in divide_backward" in message and "sign flip" in message


def test_forgotten_square_and_own_factor_are_named():
    message = failure(check.value_unary, learner_value(("(1 - out.data ** 2)", "(1 - out.data)")))
    assert "the square is missing" in message
    message = failure(check.value_add_mul, learner_value(("self.grad += other.data * out.grad",
                                                          "self.grad += self.data * out.grad")))
    assert "the *other* factor" in message


def test_reversed_topological_order_is_named():
    def backward(root):                       # walks the order forwards
        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for parent in node._prev:
                    visit(parent)
                order.append(node)
        visit(root)
        root.grad = 1.0
        for node in order:
            node._backward()

    message = failure(check.backward, backward)
    assert "Wrong gradient dL/da in the diamond" in message
    assert "forward order" in message


def test_recursion_and_missing_seed_are_named():
    def recursive_backward(root):
        order, visited = [], set()

        def visit(node):
            if node not in visited:
                visited.add(node)
                for parent in node._prev:
                    visit(parent)
                order.append(node)
        visit(root)
        root.grad = 1.0
        for node in reversed(order):
            node._backward()

    assert "Keep your own stack" in failure(check.backward, recursive_backward)
    unseeded = learner_value(("        self.grad = 1.0\n", ""))
    assert "seeded" in failure(check.engine, unseeded)


def test_a_stub_says_not_implemented_yet_in_the_chosen_language():
    def backward(root):
        """stub"""
        raise NotImplementedError

    with pytest.raises(NotImplementedYet, match="`backward` is not implemented yet"):
        check.backward(backward)
    labs.set_language("es")
    with pytest.raises(NotImplementedYet, match="`backward` todavía sin implementar"):
        check.backward(backward)
    message = failure(check.value_add_mul, learner_value(("self.grad += other.data * out.grad",
                                                          "self.grad = other.data * out.grad")))
    assert "Gradiente incorrecto" in message and "en lugar de `+=`" in message


def test_a_crash_in_learner_code_is_one_short_message_naming_the_line():
    def count_nodes(root):
        return len(root.children)             # no such attribute

    message = failure(check.count_nodes, count_nodes)
    assert "`count_nodes` raised AttributeError" in message
    assert "return len(root.children)" in message
    error = CheckFailed("x")
    assert error._render_traceback_() == ["CheckFailed: x"]


def test_bilingual_by_default():
    labs.set_language(None)
    with pytest.raises(NotImplementedYet) as info:
        check.divide_backward(lambda g, x, y: (_ for _ in ()).throw(NotImplementedError))
    assert "not implemented yet" in str(info.value) and "todavía sin implementar" in str(info.value)
    with pytest.raises(ValueError, match="language must be one of"):
        labs.set_language("fr")
