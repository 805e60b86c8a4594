"""The operations of the tensor engine: one ``Function`` per op, forward and backward side by side.

Each ``forward(ctx, *arrays)`` computes its result with numpy and saves what
the derivative needs with ``ctx.save_for_backward``; the ``backward(ctx,
grad_out)`` right below it turns dLoss/dOutput into dLoss/dInput for every
input (the chain rule, one link at a time), reading ``ctx.saved_arrays``.

These classes work on numpy arrays only. ``minigrad.tensor`` gives them their
everyday spelling (``a * b`` is ``Mul.apply(a, b)``), and ``minigrad.autograd``
runs their backward methods in the right order. To add an op, see
CONTRIBUTING.md.
"""

import warnings

import numpy as np

from .autograd import Function

__all__ = [
    "Add", "Sub", "Mul", "Div", "Pow", "Neg", "Exp", "Log", "ReLU", "Tanh", "Sigmoid",
    "MatMul", "Sum", "Mean", "Max", "Reshape", "Transpose", "GetItem", "Cast",
]


# --------------------------------------------------------------------------
# Elementwise arithmetic
# --------------------------------------------------------------------------
# Binary operations broadcast their inputs. Their backward methods return
# gradients with the *output's* shape; the engine (autograd.backward) then
# sums them back to each input's shape with `unbroadcast`.

class Add(Function):
    name = "add"

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, grad_out):
        # d(a+b)/da = 1 and d(a+b)/db = 1: the gradient passes through unchanged.
        return grad_out, grad_out


class Sub(Function):
    name = "sub"

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out, -grad_out


class Mul(Function):
    name = "mul"

    @staticmethod
    def forward(ctx, a, b):
        # Each input's gradient needs the *other* input: save only what is
        # needed (as PyTorch does), so changing an unneeded one later is harmless.
        needs_a, needs_b = ctx.needs_input_grad
        ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
        return a * b

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_arrays
        # d(a*b)/da = b and d(a*b)/db = a: each input is scaled by the other.
        grad_a = grad_out * b if ctx.needs_input_grad[0] else None
        grad_b = grad_out * a if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    name = "div"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)  # a only for b's gradient
        return a / b

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_arrays
        # d(a/b)/da = 1/b and d(a/b)/db = -a/b**2.
        grad_a = grad_out / b if ctx.needs_input_grad[0] else None
        grad_b = -grad_out * a / (b * b) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Pow(Function):
    name = "pow"

    @staticmethod
    def forward(ctx, base, exponent):
        # (-8) ** 3 is fine; (-8) ** 0.5 is not a real number (PyTorch gives nan
        # there). Checked element by element, after broadcasting.
        not_real = (base < 0) & (exponent != np.round(exponent))
        if np.any(not_real):
            raise ValueError(
                f"pow: a negative base raised to a non-integer exponent is not a real number "
                f"({int(np.sum(not_real))} element(s) of the result; PyTorch gives nan there)"
            )
        out = base ** exponent
        ctx.save_for_backward(base, exponent, out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        base, exponent, out = ctx.saved_arrays
        grad_base = grad_exponent = None
        if ctx.needs_input_grad[0]:
            # d(x**p)/dx = p * x**(p-1), and 0 where p = 0: x**0 is the constant 1,
            # even at x = 0 (where the formula would need 0**-1). As in PyTorch.
            with np.errstate(divide="ignore", invalid="ignore"):
                slope = exponent * base ** (exponent - 1)
            grad_base = grad_out * np.where(exponent == 0, 0, slope)
        if ctx.needs_input_grad[1]:
            # d(b**y)/dy = b**y * log(b). Where b = 0 and y >= 0, b**y stays 0 (or 1)
            # as y moves, so the slope is 0 (as in PyTorch). log of a negative b is not real.
            if np.any(base < 0):
                raise ValueError(
                    "pow: the gradient with respect to the exponent needs a base >= 0 "
                    "(it uses log(base)); this negative base has none (PyTorch gives nan)"
                )
            with np.errstate(divide="ignore", invalid="ignore"):
                slope = out * np.log(base)
            grad_exponent = grad_out * np.where((base == 0) & (exponent >= 0), 0, slope)
        return grad_base, grad_exponent


class Neg(Function):
    name = "neg"

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad_out):
        return (-grad_out,)


# --------------------------------------------------------------------------
# Elementwise functions
# --------------------------------------------------------------------------

class Exp(Function):
    name = "exp"

    @staticmethod
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)  # the output array, not the output Tensor: no cycle
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (out,) = ctx.saved_arrays
        # d(e^x)/dx = e^x, which forward already computed.
        return (grad_out * out,)


class Log(Function):
    name = "log"

    @staticmethod
    def forward(ctx, a):
        if np.any(a <= 0):
            raise ValueError(
                f"log: input has {int(np.sum(a <= 0))} non-positive entries (min {a.min()}); "
                "log is only defined for positive numbers (PyTorch returns -inf at 0 and nan below; "
                "minigrad stops here instead)"
            )
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad_out):
        (a,) = ctx.saved_arrays
        # d(log x)/dx = 1/x
        return (grad_out / a,)


class ReLU(Function):
    name = "relu"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.maximum(a, 0)

    @staticmethod
    def backward(ctx, grad_out):
        (a,) = ctx.saved_arrays
        # Slope 1 where the input was positive, 0 elsewhere (0 at exactly 0, like PyTorch).
        # Written "not a <= 0" so that a nan input passes its gradient on, as in PyTorch.
        return (grad_out * ~(a <= 0),)


class Tanh(Function):
    name = "tanh"

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (out,) = ctx.saved_arrays
        # d(tanh x)/dx = 1 - tanh(x)^2
        return (grad_out * (1 - out * out),)


class Sigmoid(Function):
    name = "sigmoid"

    @staticmethod
    def forward(ctx, a):
        # 1 / (1 + e^-x) written as exp(-log(1 + e^-x)) so that large |x| never overflows.
        out = np.exp(-np.logaddexp(0, -a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (out,) = ctx.saved_arrays
        # d(sigmoid x)/dx = sigmoid(x) * (1 - sigmoid(x))
        return (grad_out * out * (1 - out),)


# --------------------------------------------------------------------------
# Matrix multiplication
# --------------------------------------------------------------------------

class MatMul(Function):
    name = "matmul"

    @staticmethod
    def forward(ctx, a, b):
        _check_matmul_shapes(a.shape, b.shape)
        # a is needed only for b's gradient and b only for a's (saved as PyTorch does).
        needs_a, needs_b = ctx.needs_input_grad
        ctx.save_for_backward(a if needs_b else None, b if needs_a else None)
        ctx.ndims = (a.ndim, b.ndim)
        return a @ b

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_arrays
        a_ndim, b_ndim = ctx.ndims
        # For 2-D matrices, out = a @ b gives
        #   dL/da = dL/dout @ b^T      and      dL/db = a^T @ dL/dout.
        # A 1-D operand is treated as a row (a) or column (b) matrix, and the
        # axis numpy dropped from the output is put back in the gradient.
        # (b first: for vector @ vector the output is 0-d, and the column axis
        # must exist before the row axis can go in front of it.)
        if b_ndim == 1:
            grad_out = np.expand_dims(grad_out, -1)
        if a_ndim == 1:
            grad_out = np.expand_dims(grad_out, -2)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            b_matrix = b[:, np.newaxis] if b_ndim == 1 else b
            grad_a = grad_out @ np.swapaxes(b_matrix, -1, -2)
            if a_ndim == 1:
                grad_a = grad_a[..., 0, :]
        if ctx.needs_input_grad[1]:
            a_matrix = a[np.newaxis, :] if a_ndim == 1 else a  # pragma: no mutate (equivalent: an extra leading axis of size 1 is summed away by unbroadcast)
            grad_b = np.swapaxes(a_matrix, -1, -2) @ grad_out
            if b_ndim == 1:
                grad_b = grad_b[..., 0]
        # Batch dimensions that were broadcast are summed by `unbroadcast`.
        return grad_a, grad_b


def _check_matmul_shapes(shape_a, shape_b):
    if len(shape_a) == 0 or len(shape_b) == 0:
        raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {shape_a} and {shape_b}")
    inner_a = shape_a[-1]
    inner_b = shape_b[-2] if len(shape_b) > 1 else shape_b[0]
    if inner_a != inner_b:
        raise ValueError(
            f"matmul: shapes {shape_a} and {shape_b} are not aligned: "
            f"the last dimension of the first ({inner_a}) must equal the "
            f"{'first' if len(shape_b) == 1 else 'second-to-last'} dimension of the second ({inner_b})"
        )
    batch_a, batch_b = shape_a[:-2], shape_b[:-2]
    try:
        np.broadcast_shapes(batch_a, batch_b)
    except ValueError:
        raise ValueError(
            f"matmul: the batch dimensions of shapes {shape_a} and {shape_b} cannot be broadcast together"
        ) from None


# --------------------------------------------------------------------------
# Reductions
# --------------------------------------------------------------------------

def _check_axis(axis, ndim, name):
    """``axis`` of a reduction as None, an int or a tuple of ints in range, else a clear error.

    A list is taken as a tuple (``axis=[0, 1]``). ``axis=()`` reduces over no
    axis, as in numpy (PyTorch reads ``dim=()`` as every axis).
    """
    if axis is None:
        return None
    single = not isinstance(axis, (tuple, list))
    axes = (axis,) if single else tuple(axis)
    if not single and not axes:
        warnings.warn(f"{name}(axis=()) reduces over no axis, as in numpy, and returns the tensor's "
                      f"values; PyTorch's {name}(dim=()) reduces over every axis: write axis=None for that",
                      UserWarning, stacklevel=5)
    for ax in axes:
        if isinstance(ax, bool) or not isinstance(ax, (int, np.integer)):
            raise TypeError(f"{name}: axis must be None, an int or a tuple of ints, got {axis!r}")
        if not -ndim <= ax < ndim:
            if ndim == 0:
                raise ValueError(f"{name}: axis {ax} is out of range for a 0-d tensor, which has no "
                                 "axes (use axis=None)")
            raise ValueError(f"{name}: axis {ax} is out of range for a tensor with {ndim} axes "
                             f"(axes go from {-ndim} to {ndim - 1})")
    axes = tuple(int(ax) % ndim for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name}: axis {axis!r} has a repeated axis")
    return axes[0] if single else axes


def _expand_reduced(grad_out, shape, axis, keepdims):
    """Put back the axes a reduction removed, so grad_out broadcasts against the input."""
    if axis is not None and not keepdims:
        grad_out = np.expand_dims(grad_out, axis)
    return np.broadcast_to(grad_out, shape)


class Sum(Function):
    name = "sum"

    @staticmethod
    def forward(ctx, a, axis=None, keepdims=False):
        axis = _check_axis(axis, a.ndim, "sum")
        ctx.shape, ctx.axis, ctx.keepdims = a.shape, axis, keepdims
        return np.sum(a, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad_out):
        # Every summed entry contributed with slope 1: copy the gradient to all of them.
        return (_expand_reduced(grad_out, ctx.shape, ctx.axis, ctx.keepdims),)


class Mean(Function):
    name = "mean"

    @staticmethod
    def forward(ctx, a, axis=None, keepdims=False):
        axis = _check_axis(axis, a.ndim, "mean")
        ctx.shape, ctx.axis, ctx.keepdims = a.shape, axis, keepdims
        out = np.mean(a, axis=axis, keepdims=keepdims)
        ctx.count = a.size // max(out.size, 1)  # how many entries each output averages
        return out

    @staticmethod
    def backward(ctx, grad_out):
        # mean = sum / count, so each entry gets 1/count of the gradient.
        grad = _expand_reduced(grad_out, ctx.shape, ctx.axis, ctx.keepdims)
        return (grad / ctx.count,)


class Max(Function):
    name = "max"

    @staticmethod
    def forward(ctx, a, axis=None, keepdims=False):
        axis = _check_axis(axis, a.ndim, "max")
        try:
            out = np.max(a, axis=axis, keepdims=keepdims)
        except ValueError:  # numpy's "zero-size array to reduction operation maximum..."
            raise ValueError(f"max of an empty tensor (shape {a.shape}, axis={axis}): "
                             "there is no maximum") from None
        ctx.save_for_backward(a, out)
        ctx.axis, ctx.keepdims = axis, keepdims
        return out

    @staticmethod
    def backward(ctx, grad_out):
        a, out = ctx.saved_arrays
        # Only the entry that was the maximum influenced the output. When
        # several entries tie, they share the gradient equally (like torch.amax).
        out = _expand_reduced(out, a.shape, ctx.axis, ctx.keepdims)
        is_max = a == out
        ties = np.sum(is_max, axis=ctx.axis, keepdims=True)
        grad = _expand_reduced(grad_out, a.shape, ctx.axis, ctx.keepdims)
        return (grad * is_max / ties,)


# --------------------------------------------------------------------------
# Shape operations: they move numbers around, so backward moves them back.
# --------------------------------------------------------------------------

# These may return a *view*: numpy's result shares the input's memory (as
# PyTorch's view ops do). `is_view` tells Function.apply to give the result
# the input's version counter, so writing through either is seen by both.

class Reshape(Function):
    name = "reshape"
    is_view = True

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        try:
            return a.reshape(shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {a.shape} ({a.size} elements) into shape {shape}"
            ) from None

    @staticmethod
    def backward(ctx, grad_out):
        return (grad_out.reshape(ctx.shape),)


class Transpose(Function):
    name = "transpose"
    is_view = True

    @staticmethod
    def forward(ctx, a, axes=None):
        if axes is None:
            axes = tuple(reversed(range(a.ndim)))
        in_range = all(-a.ndim <= ax < a.ndim for ax in axes)
        axes = tuple(ax % a.ndim for ax in axes) if in_range else axes
        if not in_range or sorted(axes) != list(range(a.ndim)):
            raise ValueError(f"transpose: axes {axes} are not a permutation of the {a.ndim} axes of shape {a.shape}")
        ctx.axes = axes
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx, grad_out):
        # Undo the permutation: the inverse of a permutation is its argsort.
        return (np.transpose(grad_out, np.argsort(ctx.axes)),)


class GetItem(Function):
    name = "getitem"
    is_view = True  # basic indexing (x[0], x[1:3]) gives a view; an index array gives a copy

    @staticmethod
    def forward(ctx, a, index):
        ctx.shape, ctx.index = a.shape, index
        try:
            out = a[index]
            if not isinstance(out, np.ndarray):
                # One integer per axis gives numpy's scalar, a copy; PyTorch gives a
                # 0-d view. A trailing `...` makes numpy give the 0-d view too.
                out = a[(*index, ...) if isinstance(index, tuple) else (index, ...)]
            return out
        except IndexError as error:
            raise IndexError(f"index {index!r} is invalid for a tensor of shape {a.shape}: {error}") from None

    @staticmethod
    def backward(ctx, grad_out):
        # Scatter the gradient back to the positions that were read.
        # np.add.at (unlike `grad[index] = ...`) adds up repeated indices:
        # x[[0, 0]] uses x[0] twice, so x[0] gets both gradients.
        grad = np.zeros(ctx.shape, dtype=grad_out.dtype)
        np.add.at(grad, ctx.index, grad_out)
        return (grad,)


# --------------------------------------------------------------------------
# dtype conversion
# --------------------------------------------------------------------------

class Cast(Function):
    name = "cast"

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        with np.errstate(over="ignore"):  # too large for float16: inf, as in PyTorch
            return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad_out):
        # The identity, numerically: the gradient goes back in the input's dtype.
        return (grad_out.astype(ctx.dtype),)
