"""Tensor: a numpy array that remembers how it was made, so it can be differentiated.

How the pieces fit together
---------------------------
* A ``Tensor`` wraps a numpy array (``.data``). Tensors created by you are
  *leaves* of the computation graph; tensors produced by an operation are
  *nodes* that remember the operation (``._op``, ``._ctx``) and its inputs
  (``._prev``).
* Every operation is a ``Function`` subclass in ``minigrad/ops.py``, with
  ``forward`` and ``backward`` side by side, exactly like
  ``torch.autograd.Function``. This module only gives them their everyday
  spelling: ``a * b`` is ``Mul.apply(a, b)``.
* ``Tensor.backward()`` hands the graph to ``minigrad.autograd.backward``, which
  visits it from the output back to the leaves in reverse topological order,
  calling each op's ``backward`` and adding the gradients up on the way
  (a tensor used twice receives two contributions).

Imports run one way: tensor -> ops -> autograd. Only ``numpy`` is used, and
this module knows nothing about ``nn`` or ``optim``.
"""

import numpy as np

from . import autograd
from .autograd import Context, Function, is_grad_enabled, no_grad, topological_order, unbroadcast
from .ops import (
    Add, Div, Exp, GetItem, Log, MatMul, Max, Mean, Mul, Neg, Pow, ReLU, Reshape, Sigmoid, Sub, Sum, Tanh,
    Transpose,
)

__all__ = ["Tensor", "as_tensor", "Function", "Context", "no_grad", "is_grad_enabled", "unbroadcast"]


def _check_broadcastable(shape_a, shape_b, op_name):
    """Raise minigrad's own error when two shapes cannot be broadcast together."""
    try:
        np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        raise ValueError(
            f"{op_name}: shapes {shape_a} and {shape_b} cannot be broadcast together "
            "(trailing dimensions must be equal or 1)"
        ) from None


def _to_array(data, dtype=None):
    """Turn user input into a numeric numpy array of our own, following PyTorch's dtype rules.

    The array is always a copy (as ``torch.tensor(array)`` is): refilling the
    caller's buffer later must not change a graph built from it. numpy arrays
    (and numpy scalars) keep their dtype; Python numbers and lists become
    float32, PyTorch's default floating dtype, or ``dtype`` if it is given
    (converted straight to it: 0.1 never passes through float32 on its way
    to float64).
    """
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, (np.ndarray, np.generic)):
        array = np.array(data)  # a copy
    else:
        try:
            array = np.array(data)
        except ValueError as error:  # e.g. ragged nested lists
            raise TypeError(f"Tensor data must be a rectangular array of numbers: {error}") from None
        if _is_numeric(array.dtype) and dtype is None:
            array = array.astype(np.float32)
    if not _is_numeric(array.dtype):
        raise TypeError(
            f"Tensor data must be numeric (bool, int or float), got {type(data).__name__} "
            f"with dtype {array.dtype}"
        )
    return array if dtype is None else array.astype(dtype, copy=False)


def _is_numeric(dtype):
    return dtype == np.bool_ or np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)


def as_tensor(data, like=None):
    """``data`` itself if it is a Tensor, else a new constant Tensor of it (like ``torch.as_tensor``).

    A Python number (or a list of them) next to a floating-point tensor
    ``like`` takes that tensor's dtype, so ``x * 2`` keeps x's dtype (PyTorch's
    rule) and ``x + [0.1]`` on float64 is exact. numpy arrays keep their own
    dtype and follow numpy's promotion.
    """
    if isinstance(data, Tensor):
        return data
    if (like is not None and isinstance(data, (int, float, bool, list, tuple))
            and np.issubdtype(like.data.dtype, np.floating)):
        return Tensor._from_op(_to_array(data, dtype=like.data.dtype))
    return Tensor(data)


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
        self._ctx = None  # the Context of the op that made this tensor (None for leaves)
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
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it is a single number (use .item())")
        return len(self.data)

    def __iter__(self):
        """Iterate over the first axis, as PyTorch does: each row is a Tensor in the graph."""
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor: it is a single number (use .item())")
        return (self[i] for i in range(len(self.data)))

    def __bool__(self):
        """The truth of a one-element tensor; an error for any other size (as in PyTorch)."""
        if self.data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self.data.size} elements is ambiguous; "
                "compare its numbers explicitly, e.g. (t.data > 0).any() or .all()"
            )
        return bool(self.data.item())

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)`` gives the numbers, as it does for a PyTorch tensor."""
        if copy:
            return np.array(self.data, dtype=dtype)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

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
        return Tensor._from_op(self.data)

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
            grad = _to_array(grad, dtype=self.dtype)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward(): grad has shape {grad.shape} but the tensor has shape {self.shape}; they must match"
                )

        autograd.backward(self, grad)

    def _topological_order(self):
        """Tensors that need a gradient, each after all of its inputs: the order backward reverses."""
        return topological_order(self, include=lambda tensor: tensor.requires_grad)

    # ---- arithmetic -------------------------------------------------------

    def _binary(self, function, other, reflected=False):
        other = as_tensor(other, like=self)
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
        return MatMul.apply(self, as_tensor(other, like=self))

    def __rmatmul__(self, other):
        return MatMul.apply(as_tensor(other, like=self), self)

    def __neg__(self):
        return Neg.apply(self)

    # ---- in-place updates: `w -= lr * w.grad` inside no_grad() ------------

    def _update(self, ufunc, other):
        """``self = ufunc(self, other)`` without a graph node; the same Tensor object stays.

        The result is a new array bound to ``.data`` (not written into the old
        one), so a graph that saved the old array still computes the right
        gradient. Like PyTorch, refused while recording a graph for a tensor
        that requires grad.
        """
        if self.requires_grad and is_grad_enabled():
            raise RuntimeError(
                "in-place update of a tensor that requires grad while the graph is being recorded; "
                "wrap it in `with no_grad():` (as in an optimizer step), or write x = x - ... "
                "to make a new node"
            )
        other = as_tensor(other, like=self).data
        result = ufunc(self.data, other)
        if result.shape != self.data.shape:
            raise ValueError(f"in-place update: a tensor of shape {self.shape} cannot take a result "
                             f"of shape {result.shape}")
        self.data = result.astype(self.data.dtype, copy=False)
        return self

    def __iadd__(self, other):
        return self._update(np.add, other)

    def __isub__(self, other):
        return self._update(np.subtract, other)

    def __imul__(self, other):
        return self._update(np.multiply, other)

    def __itruediv__(self, other):
        return self._update(np.true_divide, other)

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


# Every op's result is built as a Tensor: hand autograd the constructor.
autograd.set_output_constructor(Tensor._from_op)
