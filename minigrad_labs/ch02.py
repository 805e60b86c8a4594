"""Lab of chapter 02 (the chain rule): backward functions of one operation, checked against PyTorch."""

import math

from minigrad_labs.feedback import close, fail, fmt, learner_code, likely, passed, wrong_gradient


def _torch_local(fn, values, upstream):
    """d/d(values) of fn(*values) times ``upstream``, by PyTorch in float64."""
    import torch

    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    grads = torch.autograd.grad(fn(*leaves), leaves, torch.tensor(upstream, dtype=torch.float64))
    return [g.item() for g in grads]


def _check_rule(name, rule, torch_fn, points, input_names, extra=lambda *a: {}):
    """Compare a backward function rule(grad_out, *inputs) with PyTorch at several points."""
    for upstream in (1.0, -0.7, 2.5):
        for values in points:
            expected = _torch_local(torch_fn, values, upstream)
            with learner_code(name):
                got = rule(upstream, *values)
            got = list(got) if isinstance(got, (tuple, list)) else [got]
            if len(got) != len(expected):
                fail(f"{name} must return {len(expected)} gradient(s), one per input; it returned {len(got)}.",
                     f"{name} debe devolver {len(expected)} gradiente(s), uno por entrada; devolvió {len(got)}.")
            for i, (g, e) in enumerate(zip(got, expected)):
                if not close(g, e):
                    local = e / upstream
                    candidates = {"no_upstream": local, "sign": -e, **extra(i, upstream, *values)}
                    where = ", ".join(f"{n}={fmt(v)}" for n, v in zip(input_names, values))
                    wrong_gradient(f"for {input_names[i]} in {name}(grad_out={fmt(upstream)}, {where})",
                                   f"de {input_names[i]} en {name}(grad_out={fmt(upstream)}, {where})",
                                   e, g, None if upstream == 1.0 and "no_upstream" == likely(g, candidates)
                                   else likely(g, candidates))


def divide_backward(divide_backward):
    """Exercise 02.1: ``divide_backward(grad_out, x, y)`` for out = x / y."""
    _check_rule("divide_backward", divide_backward, lambda x, y: x / y,
                [(1.5, -0.4), (-2.0, 3.0), (0.3, 0.9)], ["x", "y"])
    passed("divide_backward agrees with PyTorch", "divide_backward coincide con PyTorch")


def sigmoid_backward(sigmoid_backward):
    """Exercise 02.2: ``sigmoid_backward(grad_out, x)``."""
    import torch

    def extra(i, upstream, x):
        s = 1 / (1 + math.exp(-x))
        return {"no_upstream": s * (1 - s)}

    _check_rule("sigmoid_backward", sigmoid_backward, torch.sigmoid,
                [(1.5,), (-2.0,), (0.0,), (4.0,)], ["x"], extra)
    passed("sigmoid_backward agrees with PyTorch", "sigmoid_backward coincide con PyTorch")


def two_paths_backward(two_paths_backward):
    """Exercise 02.3: ``two_paths_backward(grad_out, x)`` for y = x * exp(x), both paths."""
    import torch

    def extra(i, upstream, x):
        return {"one_path": upstream * math.exp(x), "sign": upstream * x * math.exp(x)}

    _check_rule("two_paths_backward", two_paths_backward, lambda x: x * torch.exp(x),
                [(0.5,), (-1.2,), (2.0,)], ["x"], extra)
    passed("two_paths_backward: both paths summed, as PyTorch",
           "two_paths_backward: los dos caminos sumados, como PyTorch")
