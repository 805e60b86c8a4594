"""Chapter 09's lab checks: the right rules pass, planted wrong rules fail with a useful message."""

import numpy as np
import pytest

import minigrad_labs as labs
from minigrad_labs import checks as check
from minigrad_labs.feedback import CheckFailed, NotImplementedYet
from minigrad.tensor import Function


@pytest.fixture(autouse=True)
def english():
    labs.set_language("en")
    yield
    labs.set_language(None)


def matmul(backward_rule):
    class MyMatMul(Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a @ b

        @staticmethod
        def backward(ctx, grad_out):
            a, b = ctx.saved_arrays
            return backward_rule(a, b, grad_out)

    return MyMatMul


def cross_entropy(backward_rule):
    class SoftmaxCrossEntropy(Function):
        @staticmethod
        def forward(ctx, logits, targets):
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            ctx.save_for_backward(np.exp(log_p), targets)
            return -log_p[np.arange(len(targets)), targets].mean()

        @staticmethod
        def backward(ctx, grad_out):
            p, targets = ctx.saved_arrays
            y = np.zeros_like(p)
            y[np.arange(len(targets)), targets] = 1.0
            return (backward_rule(p, y, grad_out),)

    return SoftmaxCrossEntropy


def test_the_right_rules_pass(capsys):
    check.matmul_backward(matmul(lambda a, b, g: (g @ b.T, a.T @ g)))
    check.cross_entropy_backward(cross_entropy(lambda p, y, g: g * (p - y) / len(p)))
    assert capsys.readouterr().out.count("✓") == 2


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("rule, message", [
    (stub, "not implemented yet"),
    (lambda a, b, g: (g @ b.T, g.T @ a), r"MyMatMul\.backward` returned a gradient of shape \(2, 3\) for dL/dB, whose input has shape \(3, 2\)"),
    (lambda a, b, g: (g @ b.T * 1.001, a.T @ g), r"wrong gradient dL/dA for a \(\d, \d\) @ \(\d, \d\) product, entry \[\d, \d\]"),
    (lambda a, b, g: (g @ b.T, np.zeros_like(b)), r"wrong gradient dL/dB"),
])
def test_planted_matmul_mistakes_are_named(rule, message):
    with pytest.raises((CheckFailed, NotImplementedYet), match=message):
        check.matmul_backward(matmul(rule))


@pytest.mark.parametrize("rule, message", [
    (stub, "not implemented yet"),
    (lambda p, y, g: g * (p - y), "divide by N"),
    (lambda p, y, g: g * (y - p) / len(p), "it is p - y, not y - p"),
    (lambda p, y, g: g * p / len(p), "wrong gradient dL/dlogits"),
])
def test_planted_cross_entropy_mistakes_are_named(rule, message):
    with pytest.raises((CheckFailed, NotImplementedYet), match=message):
        check.cross_entropy_backward(cross_entropy(rule))
