"""Tensor: a numpy array that remembers how it was made, so it can be differentiated.

How the pieces fit together
---------------------------
* A ``Tensor`` wraps a numpy array (``.data``). Tensors created by you are
  *leaves* of the computation graph; tensors produced by an operation are
  *nodes* that remember the operation (``._op``) and its inputs (``._prev``).
* Every operation is a ``Function`` subclass with two methods written side by
  side, exactly like ``torch.autograd.Function``:

    - ``forward(ctx, *arrays)`` computes the result with numpy and stashes what
      the backward pass will need with ``ctx.save_for_backward(...)``;
    - ``backward(ctx, grad_out)`` receives dLoss/dOutput and returns
      dLoss/dInput for every input (the chain rule, one link at a time).

* ``Tensor.backward()`` visits the graph from the output back to the leaves in
  reverse topological order, calling each node's ``backward`` and adding the
  gradients up on the way (a tensor used twice receives two contributions).

Only ``numpy`` is used. This module knows nothing about ``nn`` or ``optim``.
"""

import contextlib

import numpy as np

__all__ = ["Tensor", "Function", "no_grad", "is_grad_enabled", "unbroadcast"]


# --------------------------------------------------------------------------
# Gradient mode
# --------------------------------------------------------------------------

_grad_enabled = True


def is_grad_enabled():
    """True unless we are inside a ``with no_grad():`` block."""
    return _grad_enabled


@contextlib.contextmanager
def no_grad():
    """Inside this block, operations do not record a graph (like ``torch.no_grad``).

    Use it for evaluation and for optimizer updates: results have
    ``requires_grad=False`` and no memory is spent on saved values.
    """
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = False
    try:
        yield
    finally:
        _grad_enabled = previous


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the backward pass of broadcasting.

    Broadcasting *copies* a value along new or size-1 axes. A value that was
    used in many places receives the sum of the gradients of all those places,
    so here we sum over every axis that broadcasting stretched.
    """
    if grad.shape == shape:
        return grad
    # Axes that broadcasting added in front of the original shape.
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    # Axes that had size 1 in the original and were stretched.
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _check_broadcastable(shape_a, shape_b, op_name):
    """Raise minigrad's own error when two shapes cannot be broadcast together."""
    try:
        np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        raise ValueError(
            f"{op_name}: shapes {shape_a} and {shape_b} cannot be broadcast together "
            "(trailing dimensions must be equal or 1)"
        ) from None


def _to_array(data):
    """Turn user input into a numeric numpy array, following PyTorch's dtype rules.

    numpy arrays (and numpy scalars) keep their dtype; Python numbers and lists
    become float32, PyTorch's default floating dtype.
    """
    if isinstance(data, Tensor):
        return data.data
    if isinstance(data, (np.ndarray, np.generic)):
        array = np.asarray(data)
    else:
        try:
            array = np.asarray(data)
        except ValueError as error:  # e.g. ragged nested lists
            raise TypeError(f"Tensor data must be a rectangular array of numbers: {error}") from None
        if _is_numeric(array.dtype):
            array = array.astype(np.float32)
    if not _is_numeric(array.dtype):
        raise TypeError(
            f"Tensor data must be numeric (bool, int or float), got {type(data).__name__} "
            f"with dtype {array.dtype}"
        )
    return array


def _is_numeric(dtype):
    return dtype == np.bool_ or np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)


# --------------------------------------------------------------------------
# Function: one differentiable operation
# --------------------------------------------------------------------------

class Context:
    """Scratch space shared by one call of ``forward`` and its ``backward``.

    ``save_for_backward`` stores arrays; ``needs_input_grad[i]`` tells
    ``backward`` whether input ``i`` wants a gradient at all (so it can skip
    work, e.g. the gradient with respect to the input images).
    Non-array settings (an axis, an index) can be stored as plain attributes.
    """

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.saved_tensors = ()

    def save_for_backward(self, *arrays):
        self.saved_tensors = arrays


class Function:
    """Base class of every operation. Subclasses define ``forward`` and ``backward``.

    ``forward`` and ``backward`` work on plain numpy arrays; ``apply`` does the
    bookkeeping that turns them into a node of the graph. Call it as
    ``MyOp.apply(tensor_a, tensor_b, setting=value)``: positional arguments are
    the Tensor inputs (one gradient each), keyword arguments are passed to
    ``forward`` as plain settings (an axis, a shape, an index).
    """

    name = ""  # short name shown when the graph is drawn, e.g. "mul"

    @staticmethod
    def forward(ctx, *arrays, **options):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_out):
        """Return one gradient per input (``None`` for inputs that need none)."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *inputs, **options):
        """Run ``forward`` on the inputs' arrays and, if needed, record the graph edge."""
        needs_input_grad = tuple([t.requires_grad for t in inputs])
        requires_grad = _grad_enabled and any(needs_input_grad)
        ctx = Context(needs_input_grad)
        out = Tensor._from_op(cls.forward(ctx, *[t.data for t in inputs], **options))
        if requires_grad:
            # The output points to its inputs (never the other way round),
            # so the graph has no reference cycles and is freed normally.
            out.requires_grad = True
            out._ctx = ctx
            out._backward = cls.backward
            out._prev = inputs
            out._op = cls.name or cls.__name__.lower()
        return out


# --------------------------------------------------------------------------
# Elementwise arithmetic
# --------------------------------------------------------------------------
# Binary operations broadcast their inputs. Their backward methods return
# gradients with the *output's* shape; Tensor.backward then sums them back
# to each input's shape with `unbroadcast`.

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
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        # d(a*b)/da = b and d(a*b)/db = a: each input is scaled by the other.
        grad_a = grad_out * b if ctx.needs_input_grad[0] else None
        grad_b = grad_out * a if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Div(Function):
    name = "div"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        # d(a/b)/da = 1/b and d(a/b)/db = -a/b**2.
        grad_a = grad_out / b if ctx.needs_input_grad[0] else None
        grad_b = -grad_out * a / (b * b) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


class Pow(Function):
    name = "pow"

    @staticmethod
    def forward(ctx, base, exponent):
        if np.any(base < 0) and np.any(exponent != np.round(exponent)):
            raise ValueError(
                "pow: a negative base raised to a non-integer exponent is not a real number"
            )
        out = base ** exponent
        ctx.save_for_backward(base, exponent, out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        base, exponent, out = ctx.saved_tensors
        grad_base = grad_exponent = None
        if ctx.needs_input_grad[0]:
            # d(x**p)/dx = p * x**(p-1)
            grad_base = grad_out * exponent * base ** (exponent - 1)
        if ctx.needs_input_grad[1]:
            # d(b**y)/dy = b**y * log(b), only defined for a positive base.
            if np.any(base <= 0):
                raise ValueError("pow: the gradient with respect to the exponent needs a positive base")
            grad_exponent = grad_out * out * np.log(base)
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
        (out,) = ctx.saved_tensors
        # d(e^x)/dx = e^x, which forward already computed.
        return (grad_out * out,)


class Log(Function):
    name = "log"

    @staticmethod
    def forward(ctx, a):
        if np.any(a <= 0):
            raise ValueError(
                f"log: input has {int(np.sum(a <= 0))} non-positive entries (min {a.min()}); "
                "log is only defined for positive numbers"
            )
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad_out):
        (a,) = ctx.saved_tensors
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
        (a,) = ctx.saved_tensors
        # Slope 1 where the input was positive, 0 elsewhere (0 at exactly 0, like PyTorch).
        return (grad_out * (a > 0),)


class Tanh(Function):
    name = "tanh"

    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        (out,) = ctx.saved_tensors
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
        (out,) = ctx.saved_tensors
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
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad_out):
        a, b = ctx.saved_tensors
        # For 2-D matrices, out = a @ b gives
        #   dL/da = dL/dout @ b^T      and      dL/db = a^T @ dL/dout.
        # A 1-D operand is treated as a row (a) or column (b) matrix, and the
        # axis numpy dropped from the output is put back in the gradient.
        # (b first: for vector @ vector the output is 0-d, and the column axis
        # must exist before the row axis can go in front of it.)
        if b.ndim == 1:
            b = b[:, np.newaxis]
            grad_out = np.expand_dims(grad_out, -1)
        if a.ndim == 1:
            a = a[np.newaxis, :]
            grad_out = np.expand_dims(grad_out, -2)
        grad_a = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_a = grad_out @ np.swapaxes(b, -1, -2)
            if ctx.saved_tensors[0].ndim == 1:
                grad_a = grad_a[..., 0, :]
        if ctx.needs_input_grad[1]:
            grad_b = np.swapaxes(a, -1, -2) @ grad_out
            if ctx.saved_tensors[1].ndim == 1:
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

def _expand_reduced(grad_out, shape, axis, keepdims):
    """Put back the axes a reduction removed, so grad_out broadcasts against the input."""
    if axis is not None and not keepdims:
        grad_out = np.expand_dims(grad_out, axis)
    return np.broadcast_to(grad_out, shape)


class Sum(Function):
    name = "sum"

    @staticmethod
    def forward(ctx, a, axis=None, keepdims=False):
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
        out = np.max(a, axis=axis, keepdims=keepdims)
        ctx.save_for_backward(a, out)
        ctx.axis, ctx.keepdims = axis, keepdims
        return out

    @staticmethod
    def backward(ctx, grad_out):
        a, out = ctx.saved_tensors
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

class Reshape(Function):
    name = "reshape"

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

    @staticmethod
    def forward(ctx, a, index):
        ctx.shape, ctx.index = a.shape, index
        try:
            return a[index]
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
# Tensor
# --------------------------------------------------------------------------

class Tensor:
    """A numpy array plus the information needed to compute its gradient.

    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    array([2., 4., 6.], dtype=float32)
    """

    # Let `ndarray @ Tensor` and `ndarray + Tensor` call our reflected methods
    # instead of numpy trying to treat the Tensor as an array.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False):
        self.data = _to_array(data)
        if requires_grad and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(f"only floating point tensors can require gradients, got dtype {self.data.dtype}")
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self._ctx = None  # what forward saved for backward (None for leaves)
        self._backward = None  # the Function.backward that produced this tensor
        self._prev = ()  # the input tensors of the op that produced this tensor
        self._op = ""  # that op's short name; "" for leaves

    @classmethod
    def _from_op(cls, array):
        """Wrap an op's result without re-validating it (the fast path used by Function.apply)."""
        out = cls.__new__(cls)
        out.data = array if isinstance(array, np.ndarray) else np.asarray(array)
        out.requires_grad = False
        out.grad = None
        out._ctx = None
        out._backward = None
        out._prev = ()
        out._op = ""
        return out

    # ---- basic properties ------------------------------------------------

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self):
        return self.data.size

    @property
    def is_leaf(self):
        return self._ctx is None

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        extra = ", requires_grad=True" if self.requires_grad else ""
        if self._op:
            extra += f", op={self._op!r}"
        return f"Tensor({np.array2string(self.data, prefix='Tensor(')}, dtype={self.dtype}{extra})"

    def item(self):
        """The single number in a one-element tensor, as a Python float/int."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with exactly one element, got shape {self.shape}")
        return self.data.item()

    def __float__(self):
        return float(self.item())

    def numpy(self):
        """The underlying numpy array (shared, not copied)."""
        return self.data

    def detach(self):
        """A new leaf tensor sharing the same data, cut off from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        """Forget the accumulated gradient (the next backward starts from zero)."""
        self.grad = None

    # ---- backpropagation --------------------------------------------------

    def backward(self, grad=None):
        """Compute d(self)/d(leaf) for every leaf with requires_grad=True.

        The results are *added* to each leaf's ``.grad`` (like PyTorch), so call
        ``zero_grad()`` between training steps. ``grad`` is dLoss/d(self); it can
        be omitted only when self holds a single number (then it is 1).
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward() called on a tensor that does not require grad: no input had "
                "requires_grad=True (or it was computed inside no_grad())"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without a gradient only works on a single-number tensor (a loss), "
                    f"but this tensor has shape {self.shape}; pass grad= with shape {self.shape}"
                )
            grad = np.ones(self.data.shape, self.data.dtype)
        else:
            grad = np.array(_to_array(grad), dtype=self.dtype)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward(): grad has shape {grad.shape} but the tensor has shape {self.shape}; they must match"
                )

        # grads[t] is dLoss/dt, summed over every use of t seen so far.
        # (Tensors define no ==, so as dict keys they compare by identity.)
        grads = {self: grad}
        for node in reversed(self._topological_order()):
            grad = grads.pop(node)
            if node._ctx is None:  # a leaf: store the gradient for the user/optimizer
                # (astype copies, so .grad never aliases an array used elsewhere)
                grad = grad.astype(node.data.dtype)
                node.grad = grad if node.grad is None else node.grad + grad
                continue
            input_grads = node._backward(node._ctx, grad)
            for parent, parent_grad in zip(node._prev, input_grads):
                if parent_grad is None or not parent.requires_grad:
                    continue
                # Chain rule + multivariate rule: if the parent was used several
                # times, the total gradient is the sum of the contributions.
                parent_grad = unbroadcast(parent_grad, parent.data.shape)
                grads[parent] = grads[parent] + parent_grad if parent in grads else parent_grad

    def _topological_order(self):
        """Tensors that need a gradient, each after all of its inputs.

        Iterative depth-first search with an explicit stack instead of
        recursion, so a graph that is 100 000 operations deep works too.
        """
        order, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:  # second visit: all its inputs are already in `order`
                order.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                for parent in node._prev:
                    if parent.requires_grad and parent not in visited:
                        stack.append((parent, False))
        return order

    # ---- arithmetic -------------------------------------------------------

    def _lift(self, other):
        """Turn a Python/numpy number into a constant Tensor of our dtype."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (int, float, bool)) and np.issubdtype(self.data.dtype, np.floating):
            return Tensor(np.asarray(other, dtype=self.data.dtype))  # x * 2 keeps x's dtype
        return Tensor(other)

    def _binary(self, function, other, reflected=False):
        other = self._lift(other)
        a, b = (other, self) if reflected else (self, other)
        if a.data.shape != b.data.shape:
            _check_broadcastable(a.data.shape, b.data.shape, function.name)
        return function.apply(a, b)

    def __add__(self, other):
        return self._binary(Add, other)

    def __radd__(self, other):
        return self._binary(Add, other, reflected=True)

    def __sub__(self, other):
        return self._binary(Sub, other)

    def __rsub__(self, other):
        return self._binary(Sub, other, reflected=True)

    def __mul__(self, other):
        return self._binary(Mul, other)

    def __rmul__(self, other):
        return self._binary(Mul, other, reflected=True)

    def __truediv__(self, other):
        return self._binary(Div, other)

    def __rtruediv__(self, other):
        return self._binary(Div, other, reflected=True)

    def __pow__(self, other):
        return self._binary(Pow, other)

    def __rpow__(self, other):
        return self._binary(Pow, other, reflected=True)

    def __matmul__(self, other):
        return MatMul.apply(self, self._lift(other))

    def __rmatmul__(self, other):
        return MatMul.apply(self._lift(other), self)

    def __neg__(self):
        return Neg.apply(self)

    def __getitem__(self, index):
        if isinstance(index, Tensor):
            index = index.data
        elif isinstance(index, tuple):
            index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
        return GetItem.apply(self, index=index)

    # ---- elementwise functions ------------------------------------------

    def exp(self):
        return Exp.apply(self)

    def log(self):
        return Log.apply(self)

    def relu(self):
        return ReLU.apply(self)

    def tanh(self):
        return Tanh.apply(self)

    def sigmoid(self):
        return Sigmoid.apply(self)

    # ---- reductions -------------------------------------------------------

    def sum(self, axis=None, keepdims=False):
        return Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return Mean.apply(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return Max.apply(self, axis=axis, keepdims=keepdims)

    # ---- shape ------------------------------------------------------------

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return Reshape.apply(self, shape=shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return Transpose.apply(self, axes=axes or None)

    @property
    def T(self):
        return Transpose.apply(self)
