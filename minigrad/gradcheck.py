"""Check analytical gradients (backward) against numerical ones (finite differences).

The numerical derivative of f at x along one coordinate is the central difference

    (f(x + eps) - f(x - eps)) / (2 * eps),

whose error shrinks like eps**2. It needs only forward passes, so it is an
independent witness for every backward formula in minigrad.

Why float64 only: with eps = 1e-6, f(x + eps) and f(x - eps) agree in their
first ~6 digits. float32 keeps only ~7 significant digits, so their difference
is mostly rounding noise, and the check fails even for correct code
(chapter 06 shows it). float64 keeps ~16 digits, leaving ~10 good ones.
"""

import math

import numpy as np

from .tensor import Tensor

__all__ = ["gradcheck", "numerical_grad", "GradcheckError"]


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when backward disagrees with finite differences."""


def _check_positive(value, name, where):
    """A step or tolerance must be a finite number (> 0 for a step, >= 0 for a tolerance)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {name} must be a number, got {type(value).__name__}: {value!r}")
    smallest_ok = value > 0 if name == "eps" else value >= 0
    if not (math.isfinite(value) and smallest_ok):
        raise ValueError(f"{where}: {name} must be a finite number {'> 0' if name == 'eps' else '>= 0'}, "
                         f"got {value!r}")


def numerical_grad(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    ``x`` is a number, a numpy array or a Tensor; ``f`` receives a value of
    the same kind (``x`` with one entry nudged) and returns a number (or a
    one-element array/Tensor). Returns an array shaped like ``x`` (a float
    if ``x`` is a number).
    """
    _check_positive(eps, "eps", "numerical_grad")
    if isinstance(x, (int, float)):
        return (float(_scalar(f(x + eps))) - float(_scalar(f(x - eps)))) / (2 * eps)
    is_tensor = isinstance(x, Tensor)
    base = np.array(x.data if is_tensor else x)  # a private copy that we nudge
    if not np.issubdtype(base.dtype, np.floating):
        base = base.astype(np.float64)
    wrap = Tensor if is_tensor else (lambda array: array)
    grad = np.zeros(base.shape, dtype=np.float64)
    for index in np.ndindex(base.shape):
        original = base[index]
        base[index] = original + eps
        f_plus = _scalar(f(wrap(base.copy())))
        base[index] = original - eps
        f_minus = _scalar(f(wrap(base.copy())))
        base[index] = original
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0, allow_float32=False):
    """Return True if ``fn``'s backward matches finite differences, else raise GradcheckError.

    ``fn(*inputs)`` must return a Tensor of any shape. To compare one number
    per input entry we reduce the output to the scalar ``sum(fn(*inputs) * v)``
    with a fixed random ``v`` (PyTorch's gradcheck builds the full Jacobian
    instead). One backward pass then checks ``v @ J``, one weighted sum per
    Jacobian column: a wrong entry is caught with high probability, not
    always. An error on an output whose weight ``v[k]`` happens to be near
    zero, or errors on two outputs that cancel in the sum, can stay under the
    tolerance; the full Jacobian would catch them, and another ``seed`` makes
    a miss less likely.
    For a one-element output, ``v = 1`` and this is exactly the gradient.

    Every input with ``requires_grad=True`` is checked, entry by entry:
    ``|analytical - numerical| <= atol + rtol * |numerical|``; a nan on either
    side fails. The inputs' ``.grad`` is left as it was.
    Inputs must be float64 (see the module docstring); pass
    ``allow_float32=True`` to run the check anyway and watch it fail.
    """
    for name, value in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        _check_positive(value, name, "gradcheck")
    inputs = [x if isinstance(x, Tensor) else Tensor(x) for x in inputs]
    checked = [i for i, x in enumerate(inputs) if x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True, so there is nothing to check")
    for i in checked:
        if inputs[i].dtype != np.float64 and not allow_float32:
            raise TypeError(
                f"gradcheck: input {i} has dtype {inputs[i].dtype}, but gradcheck needs float64. "
                f"With eps={eps}, float32 rounding errors (~1e-7 relative) swamp the finite "
                "differences, so even a correct backward would fail. Convert with "
                "Tensor(x.data.astype(np.float64), requires_grad=True) or pass allow_float32=True."
            )

    output = fn(*inputs)
    if not isinstance(output, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(output).__name__}")
    v = np.random.default_rng(seed).standard_normal(output.shape).astype(output.dtype)
    if output.data.size == 1:
        v = np.ones_like(output.data)

    # Analytical: one backward pass with upstream gradient v gives v . d(output)/d(input).
    # The inputs' own .grad (from the caller's earlier backward passes) is put back after.
    saved_grads = [x.grad for x in inputs]
    try:
        for x in inputs:
            x.grad = None
        output.backward(v)
        analytical = {i: inputs[i].grad if inputs[i].grad is not None else np.zeros(inputs[i].shape)
                      for i in checked}
    finally:
        for x, grad in zip(inputs, saved_grads):
            x.grad = grad

    # Numerical: nudge one entry of one input at a time.
    def projected(values):
        return float(np.sum(fn(*values).data.astype(np.float64) * v))

    for i in checked:
        arrays = [x.data for x in inputs]

        def f_of_input_i(x_i, i=i):
            values = [Tensor(a) for a in arrays]
            values[i] = x_i
            return projected(values)

        numerical = numerical_grad(f_of_input_i, Tensor(arrays[i].copy()), eps)
        error = np.abs(analytical[i] - numerical)
        allowed = atol + rtol * np.abs(numerical)
        # "not error <= allowed" is also true where either gradient is nan: a check
        # that cannot tell must not pass.
        if not np.all(error <= allowed) or not np.all(np.isfinite(analytical[i])):
            worst = np.unravel_index(np.argmax(np.nan_to_num(error - allowed, nan=np.inf)), error.shape)
            worst_text = f"[{', '.join(map(str, worst))}]" if worst else ""
            raise GradcheckError(
                f"gradcheck failed for input {i} (shape {inputs[i].shape}, dtype {inputs[i].dtype}): "
                f"{int(np.sum(~(error <= allowed)))} of {error.size} entries disagree. "
                f"Worst entry {worst_text}: analytical {analytical[i][worst]:.8g}, numerical {numerical[worst]:.8g}, "
                f"|difference| {error[worst]:.3g} > allowed {allowed[worst]:.3g} (atol={atol}, rtol={rtol})"
            )
    return True


def _scalar(value):
    """A Python float from a number, or a one-element array/Tensor."""
    if isinstance(value, Tensor):
        value = value.data
    value = np.asarray(value, dtype=np.float64)
    if value.size != 1:
        raise ValueError(f"numerical_grad: f must return a single number, got shape {value.shape}")
    return float(value.reshape(()))
