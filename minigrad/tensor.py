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
* Memory is shared as in PyTorch: ``detach()``, ``.T``, ``transpose``,
  ``permute``, ``reshape``/``view`` (when the layout allows) and basic indexing
  give views of the same numbers, and ``x += y``, ``x[i] = v`` write into them.
  Every write bumps a version counter shared by a tensor and its views; an op
  notes the versions of the arrays it saved, and backward refuses to use an
  array that changed since (see ``autograd.VersionCounter``).

Imports run one way: tensor -> ops -> autograd. Only ``numpy`` is used, and
this module knows nothing about ``nn`` or ``optim``.
"""

import collections
import operator

import numpy as np

from . import autograd
from .autograd import (
    Context, Function, VersionCounter, is_grad_enabled, no_grad, topological_order, unbroadcast,
)
from .ops import (
    Add, Cast, Div, Exp, GetItem, Log, MatMul, Max, Mean, Mul, Neg, Pow, ReLU, Reshape, Sigmoid, Sub, Sum,
    Tanh, Transpose,
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
    elif hasattr(data, "__array__") and not isinstance(data, (list, tuple)):
        array = _array_of_array_like(data)  # e.g. a torch tensor: it keeps its dtype, as numpy arrays do
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


def _array_of_array_like(data):
    """A copy of an object that numpy can read (a torch tensor, ...), in its own dtype."""
    try:
        return np.array(data)
    except (RuntimeError, TypeError) as error:  # torch: requires grad, or a dtype numpy lacks (bfloat16)
        kind = f"{type(data).__module__}.{type(data).__name__}"
        raise TypeError(f"Tensor data: cannot read this {kind} as a numpy array ({error}); "
                        "for a torch tensor pass t.detach().cpu().numpy(), in a dtype numpy has "
                        "(e.g. t.detach().float())") from None


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
    if like is not None and isinstance(data, (int, float, bool, list, tuple)):
        kind = like.data.dtype.kind
        if kind == "f" or (kind in "iu" and _all_python_ints(data)):
            return Tensor._from_op(_to_array(data, dtype=like.data.dtype))  # `i += 1` stays an int tensor
    return Tensor(data)


def _all_python_ints(data):
    if isinstance(data, (list, tuple)):
        return all(_all_python_ints(item) for item in data)
    return isinstance(data, int) and not isinstance(data, bool)


# What max(dim) and min(dim) return, as torch.return_types.max does: values and indices.
MaxResult = collections.namedtuple("max", ["values", "indices"])
MinResult = collections.namedtuple("min", ["values", "indices"])

_TORCH_DTYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long",
                      "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


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

    # Set (to "+=", ...) on a tensor whose recorded in-place op returned a new
    # tensor: see _inplace. A class attribute, so ordinary tensors pay nothing.
    _replaced_by_inplace = None

    def __init__(self, data, requires_grad=False):
        self._data = _to_array(data)
        self._version_counter = VersionCounter()  # shared with the views of this memory
        self.grad = None
        self._ctx = None  # the Context of the op that made this tensor (None for leaves)
        self._prev = ()  # the input tensors of the op that produced this tensor
        self._op = ""  # that op's short name; "" for leaves
        self._requires_grad = False
        self.requires_grad = requires_grad  # checked: only floating tensors can

    @classmethod
    def _from_op(cls, array):
        """Wrap an op's result without re-validating it (the fast path used by Function.apply)."""
        out = cls.__new__(cls)
        out._data = array if isinstance(array, np.ndarray) else np.asarray(array)
        out._version_counter = VersionCounter()
        out._requires_grad = False
        out.grad = None
        out._ctx = None
        out._prev = ()
        out._op = ""
        return out

    # ---- the numbers, and who may change them -----------------------------

    def _set_data(self, array):
        # `p.data -= lr * g` changes the array in place and then assigns it back
        # here: count it as a write, so a graph that saved the old numbers notices
        # (backward raises instead of using the new ones). Binding a new array counts too.
        with autograd._write_lock:
            self._data = array if isinstance(array, np.ndarray) else np.asarray(array)
            self._version_counter.value += 1

    # Reading goes straight to the stored array (attrgetter runs in C: the
    # engine reads .data and .requires_grad many times per step); writing is checked.
    data = property(operator.attrgetter("_data"), _set_data,
                    doc="The numpy array of the numbers (shared, not copied).")

    @property
    def _version(self):
        """How many in-place writes this tensor's memory has had (PyTorch's ``t._version``)."""
        return self._version_counter.value

    def _set_requires_grad(self, value):
        if value and self._data.dtype.kind != "f":
            raise TypeError(f"only floating point tensors can require gradients, got dtype {self._data.dtype} "
                            "(a gradient of an integer tensor would be truncated); convert it first, "
                            "e.g. Tensor(x.data.astype(np.float32), requires_grad=True)")
        if not value and self._ctx is not None:
            raise RuntimeError("requires_grad can only be changed on a leaf tensor; this one was computed "
                               "by an op (use .detach() for a copy of it without a graph)")
        self._requires_grad = bool(value)

    requires_grad = property(operator.attrgetter("_requires_grad"), _set_requires_grad,
                             doc="Does a gradient have to flow into this tensor? Only floating tensors may.")

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
        """A new leaf tensor sharing the same memory, cut off from the graph (as in PyTorch).

        Writing to one writes to the other (``d = x.detach(); d += 1`` changes
        ``x``), and both share one version counter, so such a write is seen by
        any graph that saved ``x``.
        """
        out = Tensor._from_op(self._data)
        out._version_counter = self._version_counter
        return out

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
        if (function in (Mul, Div) and self._data.dtype == np.float16
                and isinstance(other, (int, float)) and not isinstance(other, bool)):
            # PyTorch multiplies and divides float16 by a number in float32 and
            # rounds once at the end, so the number is never rounded to float16
            # on its own (65536.0 would be inf): do the same, through two casts.
            # (Its add and subtract do round the number first, as numpy does.)
            wide = Cast.apply(self, dtype=np.float32)._binary(function, other, reflected)
            return Cast.apply(wide, dtype=np.float16)
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

    # ---- comparisons: elementwise, boolean, never in the graph -------------

    def _compare(self, ufunc, other):
        other = other.data if isinstance(other, Tensor) else as_tensor(other, like=self).data
        return Tensor._from_op(ufunc(self._data, other))

    def __eq__(self, other):
        return self._compare(np.equal, other)

    def __ne__(self, other):
        return self._compare(np.not_equal, other)

    def __lt__(self, other):
        return self._compare(np.less, other)

    def __le__(self, other):
        return self._compare(np.less_equal, other)

    def __gt__(self, other):
        return self._compare(np.greater, other)

    def __ge__(self, other):
        return self._compare(np.greater_equal, other)

    # `==` is elementwise, so hashing goes by identity (as PyTorch's): a tensor
    # can still be a dict key or a set member, and the engine uses it as one.
    __hash__ = object.__hash__

    def __format__(self, spec):
        """``f"{loss:.3f}"`` formats the number of a one-element tensor."""
        if self._data.size == 1:
            return format(self._data.item(), spec)
        if not spec:
            return str(self)
        raise TypeError(f"cannot format a tensor of shape {self.shape} with {spec!r}: only a one-element "
                        "tensor formats as a number (format its numbers one by one, e.g. with .tolist())")

    # ---- in-place updates: `x += y`, and `w -= lr * w.grad` inside no_grad() ----

    def _inplace(self, function, other, symbol):
        """``self op= other``: the result is written into self's own memory, as in PyTorch.

        Its views see the change (they are the same memory) and the version
        counter is bumped, so a graph that saved the old numbers refuses to
        backpropagate through them. Done under a lock: two threads doing
        `p -= 1` lose no update.

        If a gradient must flow (grad mode is on and self or other requires
        grad), the op is also recorded. The graph links tensors, and ops that
        already used self must keep pointing at self's old history, so the
        result is a *new* Tensor on the same memory, which Python binds to your
        name (``h += pos`` is ``h = h.__iadd__(pos)``). The op's input is a copy
        of self's old value with its old history (PyTorch saves the original too).
        """
        with autograd._write_lock:
            recording = is_grad_enabled() and (
                self._requires_grad or (isinstance(other, Tensor) and other._requires_grad))
            if recording:
                self._check_inplace_can_be_recorded(symbol)
                before = self._value_before_inplace()
                out = before._binary(function, other)  # (x *= x: other is the old x, saved, as in PyTorch)
            else:
                out = self._binary(function, other)
            if out.shape != self.shape:
                raise ValueError(f"in-place {symbol}: the result has shape {out.shape} (broadcast), but this "
                                 f"tensor has shape {self.shape} and cannot grow; write x = x {symbol[:-1]} y")
            if not np.can_cast(out.dtype, self.dtype, casting="same_kind"):
                names = [_TORCH_DTYPE_NAMES.get(d.name, d.name) for d in (out.dtype, self.dtype)]
                raise RuntimeError(f"in-place {symbol}: the result has dtype {out.dtype}, which cannot be "
                                   f"stored in this {self.dtype} tensor (PyTorch: result type {names[0]} "
                                   f"can't be cast to the desired output type {names[1]}); write "
                                   f"x = x {symbol[:-1]} y for a new tensor")
            np.copyto(self._data, out._data, casting="same_kind")
            self._version_counter.value += 1
            if not recording:
                return self
            # The recorded result: self's memory and counter, the op's history.
            result = Tensor._from_op(self._data)
            result._version_counter = self._version_counter
            result._ctx, result._prev, result._op, result._requires_grad = out._ctx, out._prev, out._op, True
            # Any other name still bound to the old tensor sees the new numbers
            # with the old history: using it in a new graph would silently go
            # wrong, so Function.apply refuses it.
            self._replaced_by_inplace = symbol
            return result

    def _check_inplace_can_be_recorded(self, symbol):
        if self._ctx is None and self._requires_grad:
            raise RuntimeError(
                f"a leaf Variable that requires grad is being used in an in-place operation ({symbol}): "
                "its gradient would be lost; update weights inside `with no_grad():` (as an optimizer "
                "step does), or write x = x ... to make a new tensor"
            )
        if self._version_counter.has_views:
            raise RuntimeError(
                f"in-place {symbol} on a tensor that shares its memory with a view (a slice, reshape or "
                "transpose of it, or it is one) while a graph is recorded: minigrad does not rewrite the "
                "history of the other views (PyTorch does, with CopySlices); write x = x ... instead, "
                "or do it inside `with no_grad():` if no gradient must flow through it"
            )

    def _value_before_inplace(self):
        """A copy of self as it is now, with its history: the input of the in-place op."""
        before = Tensor._from_op(self._data.copy())
        before._requires_grad, before._ctx, before._prev, before._op = (
            self._requires_grad, self._ctx, self._prev, self._op)
        return before

    def __setitem__(self, index, value):
        """``x[index] = value``: written into x's memory (its views see it), like numpy and PyTorch."""
        with autograd._write_lock:
            if is_grad_enabled() and (self._requires_grad or (isinstance(value, Tensor) and value._requires_grad)):
                raise RuntimeError(
                    "x[index] = value while a graph is recorded and a gradient would flow through it: "
                    "minigrad does not record item assignment (PyTorch does, with CopySlices); build the "
                    "tensor out of place (e.g. with a mask: x * keep + value * (1 - keep)), or assign "
                    "inside `with no_grad():` if no gradient must flow"
                )
            if isinstance(value, Tensor):
                value = value._data
            if isinstance(index, tuple):
                index = tuple(i._data if isinstance(i, Tensor) else i for i in index)
            elif isinstance(index, Tensor):
                index = index._data
            self._data[index] = value
            self._version_counter.value += 1

    def __iadd__(self, other):
        return self._inplace(Add, other, "+=")

    def __isub__(self, other):
        return self._inplace(Sub, other, "-=")

    def __imul__(self, other):
        return self._inplace(Mul, other, "*=")

    def __itruediv__(self, other):
        return self._inplace(Div, other, "/=")

    def __getitem__(self, index):
        # Arrays and lists in the index are copied: backward scatters the
        # gradient with this index later, and refilling your index array
        # in between must not move it.
        if isinstance(index, tuple):
            index = tuple(_own_index(i) for i in index)
        else:
            index = _own_index(index)
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

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=False):
        """The largest entries: ``max()``, ``max(axis=...)`` (values), or ``max(dim)`` (values, indices).

        ``x.max(axis=1)`` reduces like numpy's and ``torch.amax``: it returns the
        maxima (tied entries share the gradient). ``x.max(1)`` or ``x.max(dim=1)``
        is PyTorch's spelling and returns PyTorch's pair ``(values, indices)``.
        """
        if dim is None:
            return Max.apply(self, axis=axis, keepdims=keepdims)
        values = Max.apply(self, axis=_one_dim(dim, axis, "max"), keepdims=keepdim)
        indices = Tensor._from_op(np.argmax(self._data, axis=dim, keepdims=keepdim))
        return MaxResult(values, indices)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=False):
        """The smallest entries, as ``max``: ``min()``, ``min(axis=...)``, or ``min(dim)`` (values, indices)."""
        if dim is None:
            return -((-self).max(axis=axis, keepdims=keepdims))
        values = -((-self).max(axis=_one_dim(dim, axis, "min"), keepdims=keepdim))
        indices = Tensor._from_op(np.argmin(self._data, axis=dim, keepdims=keepdim))
        return MinResult(values, indices)

    # ---- shape ------------------------------------------------------------

    def reshape(self, *shape):
        """The same numbers in a new shape; a view (same memory) when the layout allows, as in PyTorch."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return Reshape.apply(self, shape=shape)

    def view(self, *shape):
        """Like ``reshape``, but always a view: an error if the memory layout does not allow one."""
        out = self.reshape(*shape)
        if out._data.size and not np.shares_memory(out._data, self._data):
            raise RuntimeError(f"view: a tensor of shape {self.shape} with this memory layout (e.g. a "
                               "transpose) cannot be seen in the new shape without a copy; use reshape(...)")
        return out

    def transpose(self, *dims):
        """Swap two axes: ``x.transpose(0, 1)``, as in PyTorch (``permute`` reorders all of them)."""
        if len(dims) != 2 or not all(isinstance(d, (int, np.integer)) for d in dims):
            raise TypeError(
                f"transpose(dim0, dim1) swaps two axes, as in PyTorch; got transpose{dims!r}. "
                "For numpy's transpose(axes) write permute(*axes); to reverse every axis write .T"
            )
        order = list(range(self.ndim))
        for d in dims:
            if not -self.ndim <= d < max(self.ndim, 1):
                raise ValueError(f"transpose: axis {d} is out of range for a tensor with {self.ndim} axes")
        if self.ndim:
            d0, d1 = dims[0] % self.ndim, dims[1] % self.ndim
            order[d0], order[d1] = order[d1], order[d0]
        return Transpose.apply(self, axes=tuple(order))

    def permute(self, *dims):
        """Reorder the axes: ``out.shape[i] == x.shape[dims[i]]`` (PyTorch's permute, numpy's transpose)."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        return Transpose.apply(self, axes=dims)

    @property
    def T(self):
        """Every axis reversed (the matrix transpose for 2-D)."""
        return Transpose.apply(self)


def _own_index(index):
    """An index the tensor can keep: arrays and lists copied, Tensors read."""
    if isinstance(index, Tensor):
        return index._data.copy()
    if isinstance(index, (np.ndarray, list)):
        return np.array(index)
    return index


def _one_dim(dim, axis, name):
    """``dim`` of max(dim)/min(dim): one axis (PyTorch returns indices for one axis only)."""
    if axis is not None:
        raise TypeError(f"{name}: give dim (PyTorch's, returns values and indices) or axis= "
                        "(numpy's, returns values), not both")
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name}(dim) takes one int axis, got {dim!r}; for several axes at once write "
                        f"{name}(axis=(...)), which returns the values only (torch.a{name})")
    return dim


# Every op's result is built as a Tensor: hand autograd the constructor.
autograd.set_output_constructor(Tensor._from_op)
