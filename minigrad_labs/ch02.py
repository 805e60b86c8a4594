"""Lab of chapter 02 (the chain rule): backward functions of one operation, checked against PyTorch.

Each function ``rule(grad_out, *inputs)`` is run at several points and with
upstream gradients other than 1 (so a rule that ignores ``grad_out`` shows), and
must return one gradient per input, in any container (a tuple, a list, a
generator, a numpy array) or, for one input, a bare number. A wrong answer is
matched against what each classic mistake would have given.
"""

import math

from minigrad_labs import returns
from minigrad_labs.feedback import close, fmt, likely, passed, wrong_gradient
from minigrad_labs.guard import learner_code

UPSTREAMS = (1.0, -0.7, 2.5)


def _torch_local(fn, values, upstream):
    """d/d(values) of fn(*values) times ``upstream``, by PyTorch in float64."""
    import torch

    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    grads = torch.autograd.grad(fn(*leaves), leaves, torch.tensor(upstream, dtype=torch.float64))
    return [g.item() for g in grads]


def _check_rule(name, rule, torch_fn, points, input_names, mistakes=lambda upstream, *values: {}):
    """Compare a backward function rule(grad_out, *inputs) with PyTorch at several points.

    ``mistakes(upstream, *values)`` maps a cause (a key of CAUSES) to the whole list
    of gradients a learner who made that mistake would return.
    """
    for upstream in UPSTREAMS:
        for values in points:
            expected = _torch_local(torch_fn, values, upstream)
            with learner_code(name):
                got = rule(upstream, *values)
            got = returns.numbers(name, got, len(expected), input_names)
            if all(close(g, e) for g, e in zip(got, expected)):
                continue
            candidates = {"sign": [-e for e in expected]}
            if upstream != 1.0:          # at grad_out = 1, forgetting it changes nothing
                candidates["no_upstream"] = [e / upstream for e in expected]
            candidates.update(mistakes(upstream, *values))
            if len(expected) == 2:
                candidates["swapped"] = expected[::-1]
            i = next(i for i, (g, e) in enumerate(zip(got, expected)) if not close(g, e))
            # the whole answer explained by one mistake, else the first wrong gradient alone
            why = likely(got, candidates) or likely(got[i], {k: v[i] for k, v in candidates.items()
                                                             if k != "swapped"})
            at = ", ".join(f"{n}={fmt(v)}" for n, v in zip(input_names, values))
            wrong_gradient(f"for {input_names[i]} in {name}(grad_out={fmt(upstream)}, {at})",
                           f"de {input_names[i]} en {name}(grad_out={fmt(upstream)}, {at})",
                           expected[i], got[i], why)


def divide_backward(divide_backward):
    """Exercise 2.1: ``divide_backward(grad_out, x, y)`` for out = x / y."""
    def mistakes(upstream, x, y):
        return {"div_square": [upstream / y, -upstream * x / y]}

    _check_rule("divide_backward", divide_backward, lambda x, y: x / y,
                [(1.5, -0.4), (-2.0, 3.0), (0.3, 0.9)], ["x", "y"], mistakes)
    passed("divide_backward agrees with PyTorch", "divide_backward coincide con PyTorch")


def sigmoid_backward(sigmoid_backward):
    """Exercise 2.2: ``sigmoid_backward(grad_out, x)``."""
    import torch

    def mistakes(upstream, x):
        s = 1 / (1 + math.exp(-x))
        return {"sigmoid_input": [upstream * x * (1 - x)], "sigmoid_factor": [upstream * s]}

    _check_rule("sigmoid_backward", sigmoid_backward, torch.sigmoid,
                [(1.5,), (-2.0,), (0.0,), (4.0,)], ["x"], mistakes)
    passed("sigmoid_backward agrees with PyTorch", "sigmoid_backward coincide con PyTorch")


def two_paths_backward(two_paths_backward):
    """Exercise 2.3: ``two_paths_backward(grad_out, x)`` for y = x * exp(x), both paths."""
    import torch

    def mistakes(upstream, x):
        # either path alone: the factor path gives e^x, the path through e^x gives x e^x
        return {"one_path": [upstream * math.exp(x)], "one_path_other": [upstream * x * math.exp(x)],
                "paths_multiplied": [upstream * math.exp(x) * x * math.exp(x)]}

    _check_rule("two_paths_backward", two_paths_backward, lambda x: x * torch.exp(x),
                [(0.5,), (-1.2,), (2.0,)], ["x"], mistakes)
    passed("two_paths_backward: both paths summed, as PyTorch",
           "two_paths_backward: los dos caminos sumados, como PyTorch")
