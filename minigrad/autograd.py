"""autograd: the part of minigrad that knows the chain rule, and nothing else.

This module is the engine shared by both of minigrad's number types. It never
imports them: it works on any *node* that has the fields below, the way
minitorch's autodiff works on anything that follows its ``Variable`` protocol.

The node protocol
-----------------
``_prev``           the nodes this one was computed from (empty for a leaf).
                    ``topological_order`` needs only this field, so it serves
                    the scalar ``Value``, the ``Tensor`` and the graph drawing.
The tensor engine (``Function.apply`` and ``backward`` below) also reads and
writes:
``data``            a numpy array;
``requires_grad``   does any gradient have to flow into this node?
``grad``            the gradient a leaf collects (``None`` until backward runs);
``_ctx``            the ``Context`` of the op that produced the node (``None``
                    for a leaf): it knows the ``Function`` and what it saved;
``_op``             that op's short name, shown when the graph is drawn;
``_version_counter`` a ``VersionCounter`` shared by every node whose ``data``
                    is the same memory (a tensor and its views): in-place
                    writes bump it, and backward checks it (see below);
``_replaced_by_inplace`` None, or the in-place op (``"+="``) whose recorded
                    result replaced this node: a new op may not use it.

Outputs are built with the constructor that ``minigrad.tensor`` hands over
with ``set_output_constructor`` when it is imported. So the imports run one
way: ``tensor -> ops -> autograd``.

What is here: gradient mode (``no_grad``), the ``VersionCounter``,
``topological_order``, ``Context``
and ``Function`` (one differentiable op: ``forward`` and ``backward`` side by
side, as in ``torch.autograd.Function``), the check of what a ``backward``
returns, ``unbroadcast`` and ``backward``, the loop that runs the chain rule.
"""

import functools
import os
import sys
import threading

import numpy as np

__all__ = [
    "no_grad", "is_grad_enabled", "VersionCounter", "topological_order", "Context", "Function",
    "unbroadcast", "backward", "set_output_constructor",
]


# --------------------------------------------------------------------------
# Gradient mode
# --------------------------------------------------------------------------

_grad_mode = threading.local()  # one switch per thread, as in PyTorch; on by default


def is_grad_enabled():
    """True unless this thread is inside a ``with no_grad():`` block."""
    return getattr(_grad_mode, "enabled", True)


class no_grad:
    """Inside this block, operations do not record a graph (like ``torch.no_grad``).

    Use it for evaluation and for optimizer updates: results have
    ``requires_grad=False`` and no memory is spent on saved values.

    The switch belongs to the thread that enters the block: a ``no_grad`` in
    one thread (a data loader, an evaluation) never turns recording off in
    another, and each block puts back what it found, however blocks nest.

    As in PyTorch it also decorates a function, with or without parentheses:
    ``@no_grad()`` or ``@no_grad`` runs every call of the function without a graph.
    """

    def __new__(cls, function=None):
        if function is None:
            return super().__new__(cls)
        if not callable(function):
            raise TypeError(f"no_grad() takes no arguments (or a function, as a decorator), "
                            f"got {type(function).__name__}; write `with no_grad():`")
        return cls()(function)  # `@no_grad` without parentheses

    def __enter__(self):
        self._previous = is_grad_enabled()
        _grad_mode.enabled = False

    def __exit__(self, *exc_info):
        _grad_mode.enabled = self._previous
        return False

    def __call__(self, function):
        """``@no_grad()``: the decorated function runs inside its own ``with no_grad():``."""
        @functools.wraps(function)
        def without_graph(*args, **kwargs):
            with no_grad():
                return function(*args, **kwargs)
        return without_graph


# --------------------------------------------------------------------------
# The version counter: has an array been changed since an op saved it?
# --------------------------------------------------------------------------

class VersionCounter:
    """How many times the memory behind a tensor (and its views) was written in place.

    An op that keeps an input's array for its backward notes the counter's
    value; an in-place write (``x += 1``, an optimizer step) bumps it; backward
    compares, and refuses to compute a gradient from numbers that are no longer
    the ones the forward pass used. PyTorch does the same (``tensor._version``).
    The writer bumps it while holding ``_write_lock`` (``value += 1`` is a read
    and a write: two threads must not interleave them). ``has_views`` is set
    once an op (a slice, reshape, transpose) makes a view of the memory.
    """

    __slots__ = ("value", "has_views")

    def __init__(self):
        self.value = 0
        self.has_views = False


# One lock for every in-place write of data and every accumulation of a leaf's
# gradient: `a = a + b` done by two threads at once could otherwise lose one of
# the two updates.
_write_lock = threading.RLock()


# --------------------------------------------------------------------------
# The order in which backward visits the graph
# --------------------------------------------------------------------------

def topological_order(root, include=None):
    """Every node ``root`` was computed from (and ``root``), each after all of its inputs.

    A node's gradient is complete only when every node that used it has passed
    its share back, so backward visits this list in *reverse*.
    ``include(node)``, if given, decides which inputs to follow (the tensor
    engine skips inputs that need no gradient); ``root`` is always included.

    A depth-first search with an explicit stack instead of recursion, so a
    graph a million nodes deep works (Python's recursion stops near 1,000).
    Inputs are visited first to last: the same order as micrograd's recursive
    ``build_topo``.
    """
    order, visited = [], {root}
    # The stack holds the path from root down to the node being explored, each
    # with an iterator over its inputs: what a recursive call would keep in
    # its frame ("which of my inputs have I done?").
    stack = [(root, iter(root._prev))]
    while stack:
        node, inputs = stack[-1]
        for parent in inputs:
            if parent not in visited and (include is None or include(parent)):
                visited.add(parent)
                stack.append((parent, iter(parent._prev)))  # explore it first, then come back
                break
        else:  # every input of node is in `order`: so node can go after them
            stack.pop()
            order.append(node)
    return order


# --------------------------------------------------------------------------
# Function: one differentiable operation
# --------------------------------------------------------------------------

class Context:
    """What one call of ``forward`` leaves for its ``backward``.

    ``save_for_backward(*arrays)`` stores numpy arrays (the inputs or the
    output that the derivative needs); ``backward`` reads them back as
    ``ctx.saved_arrays``. They are arrays, not Tensors: ``forward`` works on
    plain numpy, so nothing saved points back into the graph.
    ``needs_input_grad[i]`` tells ``backward`` whether input ``i`` wants a
    gradient at all (so it can skip work, e.g. the gradient of the images).
    Non-array settings (an axis, an index) can be stored as plain attributes.

    Save the arrays ``forward`` received or returned (they are protected by
    the version check: ``saved_versions``) or arrays of your own; never a view
    of an input (the check would not see it change).
    """

    def __init__(self, function, needs_input_grad):
        self.function = function  # the Function subclass whose backward runs
        self.needs_input_grad = needs_input_grad
        self.saved_arrays = ()
        self.saved_versions = ()  # (counter, value) of each saved input or output array

    def save_for_backward(self, *arrays):
        self.saved_arrays = arrays

    @property
    def saved_tensors(self):
        # PyTorch's name. Here what forward saved are numpy arrays, so they
        # have a name that says so; point a PyTorch habit to it.
        raise AttributeError(
            "minigrad's ctx has no saved_tensors: forward saves numpy arrays, "
            "so backward reads them back as ctx.saved_arrays"
        )


_make_output = None  # the node constructor; minigrad.tensor sets it


def set_output_constructor(constructor):
    """Tell the engine how to wrap a result array as a node (``minigrad.tensor`` does this)."""
    global _make_output
    _make_output = constructor


class Function:
    """Base class of every operation. Subclasses define ``forward`` and ``backward``.

    ``forward(ctx, *arrays, **options)`` computes the result with numpy and
    saves what the derivative needs; ``backward(ctx, grad_out)`` receives
    dLoss/dOutput and returns dLoss/dInput for every input, in order: a tuple
    with one array (or ``None``) per input. A single input may return its
    gradient bare, as PyTorch allows.

    Call it as ``MyOp.apply(tensor_a, tensor_b, setting=value)``: positional
    arguments are the inputs (one gradient each), keyword arguments are passed
    to ``forward`` as plain settings (an axis, a shape, an index).
    """

    name = ""  # short name shown when the graph is drawn, e.g. "mul"
    is_view = False  # True for ops whose result may share its input's memory (reshape, transpose, ...)

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
        try:
            needs_input_grad = tuple([node.requires_grad for node in inputs])
        except AttributeError:
            _refuse_non_node_inputs(cls, inputs)
        ctx = Context(cls, needs_input_grad)
        arrays = [node.data for node in inputs]
        out = _make_output(cls.forward(ctx, *arrays, **options))
        if cls.is_view and np.may_share_memory(out.data, arrays[0]):
            # A view (a transpose, a reshape, a slice): the same memory as its
            # input, so one counter for both, as in PyTorch.
            out._version_counter = counter = inputs[0]._version_counter
            counter.has_views = True
        if not is_grad_enabled():
            return out
        for node in inputs:
            if node._replaced_by_inplace:
                _refuse_replaced_input(cls, node)
        if any(needs_input_grad):
            # The output points to its inputs (never the other way round),
            # so the graph has no reference cycles and is freed normally.
            out.requires_grad = True
            out._ctx = ctx
            out._prev = inputs
            out._op = cls.name or cls.__name__.lower()
            if ctx.saved_arrays:
                ctx.saved_versions = _versions_of(ctx.saved_arrays, inputs, out)
        return out


def _versions_of(saved, inputs, out):
    """(counter, value) for every input or output whose array ``forward`` saved (by identity)."""
    return [(node._version_counter, node._version_counter.value)
            for node in (*inputs, out) for array in saved if array is node.data]


def _refuse_replaced_input(function, node):
    raise RuntimeError(
        f"{function.__name__}: an input was updated by a recorded in-place op ({node._replaced_by_inplace}) "
        "and replaced by its result, but this name still holds the tensor from before, whose history "
        "no longer matches its numbers; use the name the in-place op assigned (after `h += y`, h), or "
        "write h = h + y and keep both"
    )


def _refuse_non_node_inputs(function, inputs):
    for i, node in enumerate(inputs):
        if not hasattr(node, "requires_grad"):
            raise TypeError(
                f"{function.__name__}.apply: positional input {i} is a {type(node).__name__} ({node!r}), "
                "not a Tensor; positional inputs get gradients, so they must be Tensors: pass a "
                f"setting as a keyword ({function.__name__}.apply(x, exponent=2.0), read by forward) "
                "or wrap a number as Tensor(2.0)"
            )
    raise  # pragma: no cover (an AttributeError from elsewhere: show it as it is)


def _input_gradients(node, grad_out):
    """Run the backward of the op that made ``node``: one gradient (or None) per input.

    A backward must return one gradient per input, each with its input's
    shape (or with a shape broadcasting stretched it to, which ``unbroadcast``
    sums back). A mistake here would otherwise give a silently wrong gradient,
    so ``_pass_to_inputs`` stops with an error that names the Function, the
    input and the shapes.
    """
    function = node._ctx.function
    for counter, saved_value in node._ctx.saved_versions:
        if counter.value != saved_value:
            raise RuntimeError(
                f"one of the arrays needed for the gradient of {function.__name__} was modified by "
                f"an in-place operation after it was saved (version {saved_value} -> {counter.value}); "
                "backward would compute a gradient from numbers the forward pass never used. "
                "Change tensors in place only after backward (forward, backward, then optimizer.step()), "
                "or write x = x + ... to make a new tensor instead of x += ..."
            )
    grads = function.backward(node._ctx, grad_out)
    if not isinstance(grads, (tuple, list)):
        grads = (grads,)  # `return grad` for a one-input op, as in PyTorch's examples
    if len(grads) != len(node._prev):
        raise TypeError(
            f"{function.__name__}.backward returned {len(grads)} gradient(s) for "
            f"{len(node._prev)} input(s); return one per input, in order (None for an input "
            "that needs no gradient)"
        )
    return grads


def _sums_down_to(grad_shape, shape):
    """Can ``unbroadcast`` sum a gradient of ``grad_shape`` down to ``shape``?"""
    if len(grad_shape) < len(shape):
        return False
    trailing = grad_shape[len(grad_shape) - len(shape):]
    return all(size == 1 or size == g for size, g in zip(shape, trailing))


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
    if extra > 0:  # pragma: no mutate (equivalent: `>= 0` sums over no axes, which changes nothing)
        grad = grad.sum(axis=tuple(range(extra)))
    # Axes that had size 1 in the original and were stretched.
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _references_to_a_fresh_array():
    """What ``sys.getrefcount`` says about an array that only one variable holds.

    Measured rather than assumed, because Python versions count the reference
    the call itself holds differently. Used by ``backward``, which, like
    PyTorch's AccumulateGrad, keeps a gradient array that nothing else holds
    as the leaf's ``.grad`` instead of copying it (a copy of every weight's
    gradient would cost a pass over memory in every training step).
    """
    array = np.empty(0)
    return sys.getrefcount(array)


_ONLY_ONE_REFERENCE = _references_to_a_fresh_array()


def _requires_grad(node):
    return node.requires_grad


def backward(root, grad):
    """Run the chain rule from ``root`` (seeded with ``grad``) back to the leaves.

    Every leaf that requires a gradient gets dRoot/dLeaf *added* to its
    ``.grad``. Nodes are visited in reverse topological order, so each node's
    gradient is complete before its op's ``backward`` passes it on.
    """
    # grads[node] is dRoot/dnode, summed over every use of node seen so far.
    # (Nodes define no ==, so as dict keys they compare by identity.)
    grads = {root: grad}
    # (`include` only saves work: a constant would get no gradient and be skipped anyway)
    for node in reversed(topological_order(root, include=_requires_grad)):  # pragma: no mutate
        grad = grads.pop(node, None)
        if grad is None:  # every op that used this node returned None for it
            continue
        if node._ctx is not None:  # made by an op: the chain rule passes grad on to its inputs
            _pass_to_inputs(node, grad, grads)
            continue
        # A leaf: store the gradient for the user and the optimizer. The plain
        # way is to store a copy, since the array may also be another input's
        # gradient (Add hands one array to both inputs), an array an op saved,
        # the seed you passed, or a view of one of these, and .grad must never
        # change behind your back. But most leaf gradients (a weight's, from
        # Linear) are fresh arrays that nothing else holds, and copying them is
        # a pass over memory per weight per step. sys.getrefcount tells the two
        # apart: if our variable is the array's only holder and it is not a
        # view, keep it without a copy (PyTorch's AccumulateGrad does the same).
        # Measured on benchmarks/bench_mlp_step.py (--grad-copy), copying always
        # makes a training step 7.5% slower at batch 1 (4% at 32, 3.5% at 128).
        if KEEP_UNSHARED_GRADIENTS:
            shared = sys.getrefcount(grad) > _ONLY_ONE_REFERENCE or grad.base is not None
        else:
            shared = True
        grad = grad.astype(node.data.dtype, copy=shared)
        with _write_lock:  # two threads' backward passes may reach the same weight
            node.grad = grad if node.grad is None else node.grad + grad


KEEP_UNSHARED_GRADIENTS = True  # (set False by benchmarks/bench_mlp_step.py to measure what it buys)


def _pass_to_inputs(node, grad, grads):
    """Add each input's share of ``grad`` (dRoot/dnode) to ``grads``, by the chain rule."""
    for i, (parent, parent_grad) in enumerate(zip(node._prev, _input_gradients(node, grad))):
        if parent_grad is None or not parent.requires_grad:
            continue
        if not isinstance(parent_grad, np.ndarray):
            parent_grad = np.asarray(parent_grad)  # e.g. a numpy scalar from np.sum
        shape = parent.data.shape
        if parent_grad.shape != shape:
            if not _sums_down_to(parent_grad.shape, shape):
                raise ValueError(
                    f"{node._ctx.function.__name__}.backward returned a gradient of shape "
                    f"{parent_grad.shape} for input {i}, which has shape {shape}; a gradient "
                    "must have its input's shape"
                )
            parent_grad = unbroadcast(parent_grad, shape)
        # Chain rule + multivariate rule: if the parent was used several
        # times, the total gradient is the sum of the contributions.
        grads[parent] = grads[parent] + parent_grad if parent in grads else parent_grad
