"""Planted wrong learner code fails the matching lab check, naming the gradient and the cause."""

import math
import re
import textwrap

import numpy as np
import pytest

import minigrad_labs as labs
from minigrad_labs import checks as check
from minigrad_labs.feedback import CheckFailed, NotImplementedYet


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
    assert "Wrong gradient of x after the backward of x * y" in message
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
    assert "of x after the backward of x.tanh()" in message and "sign flip" in message

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


# --- tensors, modules, training ------------------------------------------------


def test_a_missing_broadcast_sum_is_named():
    message = failure(check.unbroadcast, lambda grad, shape: grad)
    assert "my_unbroadcast(grad of shape (4, 3), (3,)) returned shape (4, 3); expected (3,)" in message
    assert "missing unbroadcast" in message

    def no_keepdims(grad, shape):                  # right numbers, size-1 axes dropped
        extra = grad.ndim - len(shape)
        grad = grad.sum(axis=tuple(range(extra)))
        return grad.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1 and grad.shape[i] != 1))
    assert "keepdims=True" in failure(check.unbroadcast, no_keepdims)

    def rule_without_stretch(p_shape, q_shape):   # forgets the size-1 axes that stretch
        n = max(len(p_shape), len(q_shape))
        p = (1,) * (n - len(p_shape)) + tuple(p_shape)
        q = (1,) * (n - len(q_shape)) + tuple(q_shape)
        if any(a != b and 1 not in (a, b) for a, b in zip(p, q)):
            return None
        out = tuple(max(a, b) for a, b in zip(p, q))
        return out, list(range(n - len(p_shape))), list(range(n - len(q_shape)))
    assert "is summed over the output axes" in failure(check.broadcast_rule, rule_without_stretch)


def function_class(backward):
    from minigrad.tensor import Function

    class Op(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a ** 3

    Op.backward = staticmethod(backward)
    return Op


def test_a_function_that_forgets_grad_out_is_named():
    message = failure(check.cube, function_class(lambda ctx, g: (3 * ctx.saved_arrays[0] ** 2,)))
    assert "Cube: wrong gradient of a (shape (2, 3))" in message
    assert "not multiplied by `grad_out`" in message
    message = failure(check.cube, function_class(lambda ctx, g: (-g * 3 * ctx.saved_arrays[0] ** 2,)))
    assert "sign flip" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_training_mistakes_are_named():
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    def no_zero_grad(model, optimizer, xb, yb):
        loss = F.cross_entropy(model(Tensor(xb)), yb)
        loss.backward()
        optimizer.step()
        return loss.item()
    message = failure(check.train_step, no_zero_grad)
    assert "after step 2 the weights" in message and "zero_grad()" in message

    def unstable(logits, targets):
        log_p = logits - logits.exp().sum(axis=1, keepdims=True).log()
        return -log_p[np.arange(len(targets)), targets].mean()
    assert "subtract the largest logit" in failure(check.cross_entropy, unstable)


def test_a_numerical_gradient_that_does_not_restore_x_or_is_one_sided_is_named():
    def forward_difference(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            original = x[i]
            base = f(x)
            x[i] = original + eps
            grad[i] = (f(x) - base) / eps
            x[i] = original
        return grad
    assert "forward difference" in failure(check.numerical_grad, forward_difference)

    def no_restore(f, x, eps=1e-6):
        x += 1.0
        return np.zeros_like(x)
    assert "put each entry back" in failure(check.numerical_grad, no_restore)



# --- the machinery: messages, outputs, data ----------------------------------------


def test_every_message_pair_has_both_languages_with_the_same_placeholders():
    from minigrad_labs.i18n import messages, placeholders

    found = messages()
    assert len(found) > 100                       # every check's messages, found by reading the source
    for message in found:
        assert message.en.strip() and message.es.strip(), message.where
        assert placeholders(message.en) == placeholders(message.es), message
        if any(c.isalpha() for c in message.en.replace("{", "").split("}")[-1]) and len(message.en) > 25:
            assert message.en != message.es, f"{message.where}: not translated"


def test_the_spanish_messages_use_tu_and_no_vosotros_or_usted():
    from minigrad_labs.i18n import messages

    formal_or_plural = re.compile(r"\b(usted|ustedes|vosotros|vuestr[oa]s?|escribid|ejecutad|comprobad|"
                                  r"\w+áis|\w+éis)\b", re.I)
    for message in messages():
        assert not formal_or_plural.search(message.es), f"{message.where}: {message.es}"


def test_the_message_finder_sees_a_new_pair_in_a_check():
    """messages() reads the source: a pair added to a check is listed with its file and line."""
    from minigrad_labs.i18n import messages

    wheres = {m.where.split(":")[0] for m in messages()}
    assert {"ch01.py", "ch02.py", "ch03.py", "ch04.py", "guard.py", "returns.py", "feedback.py"} <= wheres
    pairs = {(m.en, m.es) for m in messages()}
    assert ("divide_backward agrees with PyTorch", "divide_backward coincide con PyTorch") in pairs


def test_a_passing_check_in_the_book_shows_the_bilingual_html_and_in_a_notebook_one_language(monkeypatch, capsys):
    from minigrad_labs import feedback

    shown = []
    monkeypatch.setattr(feedback, "_in_a_kernel", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda data, raw=False: shown.append(data))
    labs.set_language(None)                                  # the book: one run for both sites
    feedback.passed("right <b>", "bien <b>")
    html = shown[-1]["text/html"]
    assert html == ('<div class="mg-say"><div class="mg-lang" lang="en">✓ right &lt;b&gt;</div>'
                    '<div class="mg-lang" lang="es">✓ bien &lt;b&gt;</div></div>')
    assert shown[-1]["text/plain"] == "✓ right <b>\n✓ bien <b>"
    labs.set_language("es")                                  # a Spanish student notebook
    feedback.passed("right", "bien")
    assert capsys.readouterr().out == "✓ bien\n" and len(shown) == 1


def test_offline_mnist_says_what_to_do(monkeypatch, tmp_path):
    import minigrad.data
    from minigrad_labs.data import DataUnavailable, fetch_mnist

    def offline(url, destination, timeout=60):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setenv("MINIGRAD_CACHE", str(tmp_path))
    monkeypatch.setattr(minigrad.data, "download", offline)
    for language, words in (("en", "Are you offline? Connect and run this cell again"),
                            ("es", "¿Estás sin conexión? Conéctate y vuelve a ejecutar esta celda")):
        labs.set_language(language)
        with pytest.raises(DataUnavailable) as info:
            fetch_mnist()
        assert words in str(info.value) and str(tmp_path) in str(info.value)
        assert "setup.sh" not in str(info.value)


def test_require_names_every_missing_package_with_one_pip_command():
    from minigrad_labs.environment import require
    from minigrad_labs.environment import MissingPackage

    require("numpy", "math")                                 # present: nothing happens
    with pytest.raises(MissingPackage) as info:
        require("numpy", "no_such_package_xyz", "another_missing_one")
    assert "%pip install no_such_package_xyz another_missing_one" in str(info.value)
    assert info.value._render_traceback_() == [f"MissingPackage: {info.value}"]


def test_nested_time_limits_fire_in_order():
    import time

    from minigrad_labs.guard import TimedOut, run_limited, time_limit

    start = time.monotonic()
    assert run_limited(0.3, lambda: time.sleep(5)) == ("timed out", None)
    with time_limit(5.0):
        assert run_limited(0.2, lambda: 7) == ("returned", 7)
        assert run_limited(0.2, lambda: [][1])[0] == "raised"
        assert run_limited(0.2, lambda: time.sleep(5)) == ("timed out", None)
        time.sleep(0.3)                                      # the outer limit is still armed, not fired
    assert time.monotonic() - start < 3
    with pytest.raises(TimedOut):
        with time_limit(0.2):
            run_limited(5.0, lambda: time.sleep(5))          # the outer one fires through the inner


def test_the_spanish_messages_use_the_books_terms():
    """book/terminology.yml holds for the labs' Spanish too: no forbidden variant outside `code`."""
    from pathlib import Path

    import yaml

    from minigrad_labs.i18n import messages

    terms = yaml.safe_load((Path(__file__).resolve().parent.parent / "book" / "terminology.yml").read_text())
    for message in messages():
        prose = re.sub(r"`[^`]*`", "", message.es)
        for term in terms:
            for variant in term.get("forbidden", []):
                assert not re.search(rf"\b{re.escape(variant)}(s|es)?\b", prose, re.I), \
                    f"{message.where}: '{variant}' -> '{term['es']}': {message.es}"


def test_a_time_limit_waits_for_an_import_to_finish(tmp_path, monkeypatch):
    """Stopping code half-way through an import would leave the module broken for the session."""
    import sys
    import time

    from minigrad_labs.guard import TimedOut, time_limit

    (tmp_path / "slow_module_for_guard.py").write_text("import time\ntime.sleep(0.5)\nVALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    start = time.monotonic()
    with pytest.raises(TimedOut):
        with time_limit(0.1):
            import slow_module_for_guard  # noqa: F401
            while True:                   # the limit fires here, once the import is done
                pass
    assert sys.modules["slow_module_for_guard"].VALUE == 1
    assert 0.5 <= time.monotonic() - start < 2
    del sys.modules["slow_module_for_guard"]
