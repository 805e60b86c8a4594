"""Softmax, log-softmax and cross-entropy, written to be numerically stable.

Each is one fused ``Function``: its backward is a short formula, cheaper and
clearer than back-propagating through exp, sum, log and division one by one.

The stability trick used throughout: softmax does not change when the same
number is subtracted from every logit, so we subtract the row maximum first.
Then the largest exponent is e^0 = 1 and nothing can overflow, even for
logits of +-1000.
"""

import numpy as np

from .autograd import Function
from .tensor import Tensor, as_tensor

__all__ = ["linear", "softmax", "log_softmax", "cross_entropy"]


class Linear(Function):
    name = "linear"

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        _check_linear_shapes(x.shape, weight.shape, None if bias is None else bias.shape)
        # Save only what backward will read (as PyTorch does): the weight for
        # dL/dx, the input for dL/dweight. An optimizer step between forward and
        # backward then breaks the backward only if it needs the old weight.
        needs_x, needs_weight = ctx.needs_input_grad[:2]
        ctx.save_for_backward(x if needs_weight else None, weight if needs_x else None)
        ctx.weight_like = (weight.shape, weight.dtype, "F" if weight.flags.f_contiguous else "C")
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, grad_out):
        x, weight = ctx.saved_arrays
        # out[n, j] = sum_i x[n, i] * weight[j, i] + bias[j], so
        #   dL/dx      = grad_out @ weight      (each input feeds every output)
        #   dL/dweight = grad_out^T @ x         (summed over the batch)
        #   dL/dbias   = grad_out summed over the batch
        # Same numbers as going through matmul, transpose and add, but the
        # weight gradient comes out laid out in memory like the weight itself.
        grad_x = grad_out @ weight if ctx.needs_input_grad[0] else None
        grad_weight = _weight_gradient(grad_out, x, *ctx.weight_like) if ctx.needs_input_grad[1] else None
        if len(ctx.needs_input_grad) == 2:  # called without a bias: two inputs, two gradients
            return grad_x, grad_weight
        grad_bias = grad_out.sum(axis=0) if ctx.needs_input_grad[2] else None
        return grad_x, grad_weight, grad_bias


def _weight_gradient(grad_out, x, shape, dtype, order):
    """grad_out^T @ x, each weight's gradient summed over the batch, in an array like the weight.

    Like the weight in dtype (as in PyTorch, a gradient has its tensor's dtype)
    and in memory layout (``order``): ``nn.Linear`` stores its weight
    column-major (see there), and its gradient is written column-major too, so
    the optimizer's ``weight -= lr * grad`` walks both arrays in the same order.
    """
    grad_weight = np.empty(shape, dtype, order=order)  # pragma: no mutate (equivalent: a leaf's gradient is stored in its dtype anyway; this only saves that cast)
    if x.shape[0] == 1:
        # A batch of one example: the sum has one term, an outer product.
        # numpy's matmul does not hand a product over one term to BLAS and runs
        # it about 5x slower than this broadcast multiplication.
        return np.multiply(grad_out.T, x, out=grad_weight)
    return np.matmul(grad_out.T, x, out=grad_weight)


def _check_linear_shapes(x_shape, weight_shape, bias_shape):
    if len(x_shape) != 2 or len(weight_shape) != 2 or x_shape[1] != weight_shape[1]:
        raise ValueError(
            f"linear: input of shape {x_shape} does not fit a weight of shape {weight_shape}; "
            f"expected input (batch, {weight_shape[1] if len(weight_shape) == 2 else 'in_features'})"
        )
    if bias_shape is not None and bias_shape != (weight_shape[0],):
        raise ValueError(f"linear: bias of shape {bias_shape} does not fit a weight of shape {weight_shape}")


def _log_softmax(x, axis):
    """log(softmax(x)) = x - logsumexp(x), computed with the max trick."""
    if x.size == 0:  # e.g. a (2, 0) tensor: nothing to normalize, an empty result (as in PyTorch)
        return x.copy()
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


class Softmax(Function):
    name = "softmax"

    @staticmethod
    def forward(ctx, x, axis=-1):
        out = np.exp(_log_softmax(x, axis))
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (p,) = ctx.saved_arrays
        # Jacobian of softmax: dp_i/dx_j = p_i * (delta_ij - p_j), so
        # dL/dx_j = p_j * (dL/dp_j - sum_i dL/dp_i * p_i).
        weighted = np.sum(grad_out * p, axis=ctx.axis, keepdims=True)
        return (p * (grad_out - weighted),)


class LogSoftmax(Function):
    name = "log_softmax"

    @staticmethod
    def forward(ctx, x, axis=-1):
        out = _log_softmax(x, axis)
        ctx.save_for_backward(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (log_p,) = ctx.saved_arrays
        # log_softmax(x)_i = x_i - logsumexp(x), and d logsumexp(x)/dx_j = p_j, so
        # dL/dx_j = dL/dout_j - p_j * sum_i dL/dout_i.
        total = np.sum(grad_out, axis=ctx.axis, keepdims=True)
        return (grad_out - np.exp(log_p) * total,)


class CrossEntropy(Function):
    name = "cross_entropy"

    @staticmethod
    def forward(ctx, logits, targets):
        batch = logits.shape[0]
        if batch == 0:
            raise ValueError("cross_entropy of an empty batch: the mean of no losses is undefined")
        # Loss of one example: -log p[target] = log(sum_j e^logit_j) - logit_target,
        # with the row maximum subtracted from every logit first (the max trick).
        # (A column-major copy first: numpy then takes the maximum and the sum of
        # every row in one loop per column, several times faster than one loop
        # per row when rows are as short as 10 classes.)
        logits = np.asfortranarray(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        totals = exps.sum(axis=1, keepdims=True)
        rows = np.arange(batch)
        ctx.save_for_backward(exps, totals)
        ctx.rows, ctx.targets = rows, targets
        return (np.log(totals[:, 0]) - shifted[rows, targets]).sum() / batch  # the mean over the batch

    @staticmethod
    def backward(ctx, grad_out):
        exps, totals = ctx.saved_arrays
        # The famous result: d loss / d logits = softmax(logits) - one_hot(target),
        # divided by the batch size because the loss is a mean.
        grad = exps / totals  # softmax, from the exponentials forward already computed
        grad[ctx.rows, ctx.targets] -= 1
        grad *= grad_out / len(ctx.rows)
        return (grad,)


def linear(x, weight, bias=None):
    """x @ weight.T + bias for a batch ``x`` of shape (batch, in_features), as torch.nn.functional.linear.

    ``weight`` has shape (out_features, in_features), ``bias`` (out_features,).
    One fused operation: the graph shows a single "linear" node.
    """
    inputs = (as_tensor(x), weight) if bias is None else (as_tensor(x), weight, bias)
    return Linear.apply(*inputs)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``: turns scores into probabilities."""
    return Softmax.apply(as_tensor(x), axis=axis)


def log_softmax(x, axis=-1):
    """log(softmax(x)), without ever computing a probability that underflows to 0."""
    return LogSoftmax.apply(as_tensor(x), axis=axis)


def cross_entropy(logits, targets):
    """Mean negative log-likelihood of integer class ``targets`` under ``softmax(logits)``.

    ``logits``: shape (batch, classes). ``targets``: integers in [0, classes),
    shape (batch,), as a list, numpy array or Tensor. Same as
    ``torch.nn.functional.cross_entropy`` with its default ``reduction="mean"``.
    """
    logits = as_tensor(logits)
    # A copy: backward reads the targets again, and a reused label buffer
    # refilled before backward must not change the gradient.
    targets = np.array(targets.data if isinstance(targets, Tensor) else targets)
    if logits.ndim != 2:
        raise ValueError(f"cross_entropy: logits must have shape (batch, classes), got {logits.shape}")
    batch, classes = logits.shape
    if not np.issubdtype(targets.dtype, np.integer):
        raise TypeError(f"cross_entropy: targets must be integer class indices, got dtype {targets.dtype}")
    if targets.shape != (batch,):
        raise ValueError(f"cross_entropy: targets must have shape ({batch},) to match logits {logits.shape}, "
                         f"got {targets.shape}")
    if targets.size and (targets.min() < 0 or targets.max() >= classes):
        raise ValueError(f"cross_entropy: targets must be in [0, {classes}), got values from "
                         f"{targets.min()} to {targets.max()}")
    return CrossEntropy.apply(logits, targets=targets)
