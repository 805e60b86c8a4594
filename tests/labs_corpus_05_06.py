"""Learner code for the labs of chapters 05-06, written as different learners would.

Each entry is registered with ``ok`` (a correct solution the check must accept),
``bad`` (a classic mistake the check must reject, with words the message must
contain in English and in Spanish) or ``hostile`` (a return or a crash that only
the labs' own error may report). An entry is a function returning the arguments
of the check. None of this is the reference solution of the book.
"""

import numpy as np

from minigrad.tensor import Function

from labs_corpus import bad, hostile, ok, slow

# ---------------------------------------------------------------------------
# 05.3 unbroadcast: check.unbroadcast(my_unbroadcast)
# ---------------------------------------------------------------------------


@ok("unbroadcast", "iterative: added axes one by one, then the stretched ones")
def _():
    def my_unbroadcast(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.sum(axis=0)
        for axis, size in enumerate(shape):
            if size == 1 and grad.shape[axis] != 1:
                grad = grad.sum(axis=axis, keepdims=True)
        return grad

    return (my_unbroadcast,)


@ok("unbroadcast", "recursive: one axis per call")
def _():
    def my_unbroadcast(grad, shape):
        if grad.ndim > len(shape):
            return my_unbroadcast(grad.sum(axis=0), shape)
        for axis in range(grad.ndim):
            if shape[axis] == 1 and grad.shape[axis] > 1:
                return my_unbroadcast(grad.sum(axis=axis, keepdims=True), shape)
        return grad

    return (my_unbroadcast,)


@ok("unbroadcast", "composite: sums every size-1 axis too, then reshapes")
def _():
    def my_unbroadcast(grad, shape):
        lead = grad.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(lead + i for i, size in enumerate(shape) if size == 1)
        return np.sum(grad, axis=axes).reshape(shape)

    return (my_unbroadcast,)


@ok("unbroadcast", "math: add every entry of grad into the entry of the input it came from")
def _():
    def my_unbroadcast(grad, shape):
        result = np.zeros(shape)
        lead = grad.ndim - len(shape)
        for index in np.ndindex(*grad.shape):
            source = tuple(0 if size == 1 else i for i, size in zip(index[lead:], shape))
            result[source] += grad[index]
        return result

    return (my_unbroadcast,)


@bad("unbroadcast", "only the stretched axes: the axes added in front are not summed",
     en=["in front"], es=["delante"])
def _():
    def my_unbroadcast(grad, shape):
        lead = grad.ndim - len(shape)
        for axis, size in enumerate(shape):
            if size == 1 and grad.shape[lead + axis] != 1:
                grad = grad.sum(axis=lead + axis, keepdims=True)
        return grad

    return (my_unbroadcast,)


@bad("unbroadcast", "only the added axes: the stretched size-1 axes are not summed",
     en=["size 1"], es=["tamaño 1"])
def _():
    def my_unbroadcast(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.sum(axis=0)
        return grad

    return (my_unbroadcast,)


@bad("unbroadcast", "keepdims forgotten on the stretched axes", en=["keepdims"], es=["keepdims"])
def _():
    def my_unbroadcast(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.sum(axis=0)
        stretched = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
        return grad.sum(axis=stretched) if stretched else grad

    return (my_unbroadcast,)


@bad("unbroadcast", "mean instead of sum", en=["mean"], es=["media"])
def _():
    def my_unbroadcast(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.mean(axis=0)
        for axis, size in enumerate(shape):
            if size == 1 and grad.shape[axis] != 1:
                grad = grad.mean(axis=axis, keepdims=True)
        return grad

    return (my_unbroadcast,)


@bad("unbroadcast", "running sum in place: the caller's gradient is overwritten",
     en=["changed the array"], es=["cambió el array"])
def _():
    def my_unbroadcast(grad, shape):
        while grad.ndim > len(shape):
            np.cumsum(grad, axis=0, out=grad)      # saves memory... and overwrites grad
            grad = grad[-1]
        for axis, size in enumerate(shape):
            if size == 1 and grad.shape[axis] != 1:
                grad = grad.sum(axis=axis, keepdims=True)
        return grad

    return (my_unbroadcast,)


@bad("unbroadcast", "no sum at all: the gradient keeps the broadcast shape",
     en=["unbroadcast"], es=["difusión"])
def _():
    def my_unbroadcast(grad, shape):
        return grad.copy()

    return (my_unbroadcast,)


@bad("unbroadcast", "shapes lined up on the left: the trailing axes are summed",
     en=["right"], es=["derecha"])
def _():
    def my_unbroadcast(grad, shape):
        while grad.ndim > len(shape):
            grad = grad.sum(axis=-1)
        for axis, size in enumerate(shape):
            if size == 1 and grad.shape[axis] != 1:
                grad = grad.sum(axis=axis, keepdims=True)
        return grad

    return (my_unbroadcast,)


@bad("unbroadcast", "every entry gets the total: summed over axes that were not stretched",
     en=["not stretched"], es=["no estirado"])
def _():
    def my_unbroadcast(grad, shape):
        return np.full(shape, grad.sum())

    return (my_unbroadcast,)


@hostile("unbroadcast", "returns None")
def _():
    def my_unbroadcast(grad, shape):
        grad.sum(axis=0)

    return (my_unbroadcast,)


@hostile("unbroadcast", "returns the shape only")
def _():
    def my_unbroadcast(grad, shape):
        return shape

    return (my_unbroadcast,)


@hostile("unbroadcast", "returns a string")
def _():
    def my_unbroadcast(grad, shape):
        return "summed"

    return (my_unbroadcast,)


@hostile("unbroadcast", "returns a list of arrays")
def _():
    def my_unbroadcast(grad, shape):
        return [grad, grad]

    return (my_unbroadcast,)


@hostile("unbroadcast", "raises inside numpy")
def _():
    def my_unbroadcast(grad, shape):
        return grad.sum(axis=len(shape) + 5)

    return (my_unbroadcast,)


@hostile("unbroadcast", "returns an object whose conversion to an array raises")
def _():
    class Weird:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("no array here")

    def my_unbroadcast(grad, shape):
        return Weird()

    return (my_unbroadcast,)


@slow("unbroadcast", "never returns")
def _():
    import time

    def my_unbroadcast(grad, shape):
        stop = time.monotonic() + 60
        while time.monotonic() < stop:     # a loop that forgets to shrink grad
            pass
        return np.zeros(shape)

    return (my_unbroadcast,)


# ---------------------------------------------------------------------------
# 05.2 broadcast_rule: check.broadcast_rule(broadcast_rule)
# ---------------------------------------------------------------------------


@ok("broadcast_rule", "iterative from the right, axes as tuples")
def _():
    def broadcast_rule(p_shape, q_shape):
        n = max(len(p_shape), len(q_shape))
        out = []
        for k in range(1, n + 1):
            a = p_shape[-k] if k <= len(p_shape) else 1
            b = q_shape[-k] if k <= len(q_shape) else 1
            if a != b and a != 1 and b != 1:
                return None
            out.insert(0, max(a, b))
        p_axes = tuple(i for i in range(n) if i < n - len(p_shape) or (p_shape[i - n + len(p_shape)] == 1 and out[i] != 1))
        q_axes = tuple(i for i in range(n) if i < n - len(q_shape) or (q_shape[i - n + len(q_shape)] == 1 and out[i] != 1))
        # an added axis of size 1 in the output is summed too: harmless
        return tuple(out), p_axes, q_axes

    return (broadcast_rule,)


@ok("broadcast_rule", "recursive on the last axis")
def _():
    def broadcast_rule(p_shape, q_shape):
        if not p_shape and not q_shape:
            return (), [], []
        p_last, q_last = (p_shape[-1:] or (1,))[0], (q_shape[-1:] or (1,))[0]
        if p_last != q_last and 1 not in (p_last, q_last):
            return None
        rest = broadcast_rule(tuple(p_shape[:-1]), tuple(q_shape[:-1]))
        if rest is None:
            return None
        out, p_axes, q_axes = rest
        axis = len(out)
        size = max(p_last, q_last)
        if p_last != size:
            p_axes = p_axes + [axis]
        if q_last != size:
            q_axes = q_axes + [axis]
        return out + (size,), p_axes, q_axes

    return (broadcast_rule,)


@ok("broadcast_rule", "numpy does the shape, sets for the axes")
def _():
    def broadcast_rule(p_shape, q_shape):
        try:
            out = np.broadcast_shapes(tuple(p_shape), tuple(q_shape))
        except ValueError:
            return None
        def axes(shape):
            lead = len(out) - len(shape)
            return set(range(lead)) | {lead + i for i, s in enumerate(shape) if s == 1 and out[lead + i] != 1}
        return list(out), axes(p_shape), axes(q_shape)

    return (broadcast_rule,)


@ok("broadcast_rule", "composite: sums every size-1 axis of an input, stretched or not")
def _():
    def broadcast_rule(p_shape, q_shape):
        n = max(len(p_shape), len(q_shape))
        p = [1] * (n - len(p_shape)) + list(p_shape)
        q = [1] * (n - len(q_shape)) + list(q_shape)
        for a, b in zip(p, q):
            if a != b and min(a, b) != 1:
                return None
        out = tuple(max(a, b) for a, b in zip(p, q))
        return out, [i for i in range(n) if p[i] == 1], [i for i in range(n) if q[i] == 1]

    return (broadcast_rule,)


@ok("broadcast_rule", "negative axes, counted from the right as numpy allows")
def _():
    def broadcast_rule(p_shape, q_shape):
        if any(a != b and 1 not in (a, b) for a, b in zip(reversed(p_shape), reversed(q_shape))):
            return None
        n = max(len(p_shape), len(q_shape))
        out = tuple(np.broadcast_shapes(tuple(p_shape), tuple(q_shape)))

        def axes(shape):
            added = [k - n for k in range(n - len(shape))]                       # -n, -n+1, ...
            stretched = [k - len(shape) for k, s in enumerate(shape) if s == 1 and out[n - len(shape) + k] != 1]
            return added + stretched

        return out, axes(p_shape), axes(q_shape)

    return (broadcast_rule,)


def _rule_with(axes_of, incompatible=lambda a, b: a != b and 1 not in (a, b), left=False):
    """A broadcast_rule whose axis choice (or alignment, or compatibility test) is planted."""

    def broadcast_rule(p_shape, q_shape):
        n = max(len(p_shape), len(q_shape))
        pad = lambda s: (tuple(s) + (1,) * (n - len(s))) if left else ((1,) * (n - len(s)) + tuple(s))
        p, q = pad(p_shape), pad(q_shape)
        if any(incompatible(a, b) for a, b in zip(p, q)):
            return None
        out = tuple(max(a, b) for a, b in zip(p, q))
        return out, axes_of(out, p_shape, p), axes_of(out, q_shape, q)

    return broadcast_rule


@bad("broadcast_rule", "shapes lined up on the left", en=["right"], es=["derecha"])
def _():
    return (_rule_with(lambda out, s, padded: [i for i, (o, x) in enumerate(zip(out, padded)) if o != x], left=True),)


@bad("broadcast_rule", "forgets the axes added in front", en=["in front"], es=["delante"])
def _():
    def axes(out, shape, padded):
        lead = len(out) - len(shape)
        return [i for i in range(lead, len(out)) if padded[i] == 1 and out[i] != 1]

    return (_rule_with(axes),)


@bad("broadcast_rule", "forgets the stretched size-1 axes", en=["size 1"], es=["tamaño 1"])
def _():
    return (_rule_with(lambda out, shape, padded: list(range(len(out) - len(shape)))),)


@bad("broadcast_rule", "never says None: sizes 2 and 3 'broadcast' to 3", en=["None"], es=["None"])
def _():
    return (_rule_with(lambda out, s, padded: [i for i, (o, x) in enumerate(zip(out, padded)) if o != x],
                       incompatible=lambda a, b: False),)


@bad("broadcast_rule", "too strict: a size 1 against a size 4 is called incompatible",
     en=["size 1"], es=["tamaño 1"])
def _():
    return (_rule_with(lambda out, s, padded: [i for i, (o, x) in enumerate(zip(out, padded)) if o != x],
                       incompatible=lambda a, b: a != b),)


@bad("broadcast_rule", "axes numbered as the input's own axes, not the output's",
     en=["output"], es=["salida"])
def _():
    def axes(out, shape, padded):
        lead = len(out) - len(shape)
        added = list(range(lead))
        stretched = [i for i, s in enumerate(shape) if s == 1 and out[lead + i] != 1]
        return added + stretched

    return (_rule_with(axes),)


@bad("broadcast_rule", "p's axes and q's axes swapped", en=["q"], es=["q"])
def _():
    inner = _rule_with(lambda out, s, padded: [i for i, (o, x) in enumerate(zip(out, padded)) if o != x])

    def broadcast_rule(p_shape, q_shape):
        result = inner(p_shape, q_shape)
        return None if result is None else (result[0], result[2], result[1])

    return (broadcast_rule,)


@hostile("broadcast_rule", "returns only the output shape")
def _():
    def broadcast_rule(p_shape, q_shape):
        return np.broadcast_shapes(p_shape, q_shape)

    return (broadcast_rule,)


@hostile("broadcast_rule", "returns a pair (shape, axes)")
def _():
    def broadcast_rule(p_shape, q_shape):
        return tuple(np.broadcast_shapes(p_shape, q_shape)), []

    return (broadcast_rule,)


@hostile("broadcast_rule", "returns axes that are not integers")
def _():
    def broadcast_rule(p_shape, q_shape):
        try:
            out = tuple(np.broadcast_shapes(p_shape, q_shape))
        except ValueError:
            return None
        return out, "first", None

    return (broadcast_rule,)


@hostile("broadcast_rule", "returns a float")
def _():
    def broadcast_rule(p_shape, q_shape):
        return 1.0

    return (broadcast_rule,)


@hostile("broadcast_rule", "numpy's error escapes for shapes that do not broadcast")
def _():
    def broadcast_rule(p_shape, q_shape):
        out = tuple(np.broadcast_shapes(p_shape, q_shape))
        return out, [], []

    return (broadcast_rule,)


# ---------------------------------------------------------------------------
# 05.1 Cube: check.cube(Cube)
# ---------------------------------------------------------------------------


def _cube(backward, forward=None, save_output=False):
    """A Cube(Function) whose backward (and maybe forward) is the learner's."""

    class Cube(Function):
        name = "cube"

        @staticmethod
        def forward(ctx, a):
            out = a ** 3 if forward is None else forward(a)
            ctx.save_for_backward(out if save_output else a)
            return out

    Cube.backward = staticmethod(lambda ctx, grad_out: backward(ctx.saved_arrays[0], grad_out))
    return Cube


@ok("cube", "a bare array, as PyTorch allows for one input")
def _():
    return (_cube(lambda a, g: 3 * a * a * g),)


@ok("cube", "a list of one gradient")
def _():
    return (_cube(lambda a, g: [g * 3.0 * np.power(a, 2)]),)


@ok("cube", "a generator of one gradient")
def _():
    return (_cube(lambda a, g: (x for x in [3 * a ** 2 * g])),)


@ok("cube", "saves the output and takes its cube root: 3 * cbrt(out)**2")
def _():
    return (_cube(lambda out, g: (3 * np.cbrt(out) ** 2 * g,), save_output=True),)


@ok("cube", "a class with a ctx attribute instead of save_for_backward")
def _():
    class Cube(Function):
        name = "cube"

        @staticmethod
        def forward(ctx, a):
            ctx.square = a * a
            return ctx.square * a

        @staticmethod
        def backward(ctx, grad_out):
            return (np.multiply(grad_out, 3 * ctx.square),)

    return (Cube,)


@bad("cube", "ignores grad_out", en=["grad_out"], es=["grad_out"])
def _():
    return (_cube(lambda a, g: (3 * a ** 2,)),)


@bad("cube", "the factor 3 is missing", en=["3"], es=["3"])
def _():
    return (_cube(lambda a, g: (a ** 2 * g,)),)


@bad("cube", "the exponent does not drop: 3 a^3", en=["exponent"], es=["exponente"])
def _():
    return (_cube(lambda a, g: (3 * a ** 3 * g,)),)


@bad("cube", "a sign flip", en=["sign"], es=["signo"])
def _():
    return (_cube(lambda a, g: (-3 * a ** 2 * g,)),)


@bad("cube", "forward computes a square", en=["output"], es=["salida"])
def _():
    return (_cube(lambda a, g: (3 * a ** 2 * g,), forward=lambda a: a * a),)


@bad("cube", "the derivative taken of the saved output: 3 out^2", en=["a ** 2", "a**2", "3 a^2"],
     es=["a ** 2", "a**2", "3 a^2"])
def _():
    return (_cube(lambda out, g: (3 * out ** 2 * g,), save_output=True),)


@hostile("cube", "backward returns None")
def _():
    return (_cube(lambda a, g: None),)


@hostile("cube", "backward returns two gradients for one input")
def _():
    return (_cube(lambda a, g: (3 * a ** 2 * g, g)),)


@hostile("cube", "backward returns a gradient of the wrong shape")
def _():
    return (_cube(lambda a, g: (np.ones(7),)),)


@hostile("cube", "backward returns a string")
def _():
    return (_cube(lambda a, g: "3a^2"),)


@hostile("cube", "forward returns None")
def _():
    return (_cube(lambda a, g: (3 * a ** 2 * g,), forward=lambda a: None),)


@hostile("cube", "backward raises")
def _():
    return (_cube(lambda a, g: (3 * a ** 2 @ np.ones((17, 2)),)),)


@hostile("cube", "not a Function at all, a plain function")
def _():
    def Cube(a):
        return a ** 3

    return (Cube,)


# ---------------------------------------------------------------------------
# 06.1 numerical gradient: check.numerical_grad(my_numerical_grad)
# ---------------------------------------------------------------------------


@ok("numerical_grad", "nudges in place with += and -=, restored up to rounding")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            x[i] += eps
            plus = f(x)
            x[i] -= 2 * eps
            minus = f(x)
            x[i] += eps                   # back where it was (to the last bit or two)
            grad[i] = (plus - minus) / (2 * eps)
        return grad

    return (my_numerical_grad,)


@ok("numerical_grad", "copies: never touches x")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        grad = np.empty_like(x, dtype=float)
        for k in range(x.size):
            step = np.zeros(x.size)
            step[k] = eps
            step = step.reshape(x.shape)
            grad.flat[k] = (f(x + step) - f(x - step)) / (2 * eps)
        return grad

    return (my_numerical_grad,)


@ok("numerical_grad", "a flat view and a list comprehension")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        flat = x.reshape(-1)          # a view: writing to it writes to x

        def partial(k):
            keep = flat[k]
            flat[k] = keep + eps
            up = f(x)
            flat[k] = keep - eps
            down = f(x)
            flat[k] = keep
            return (up - down) / (2 * eps)

        return np.array([partial(k) for k in range(flat.size)]).reshape(x.shape)

    return (my_numerical_grad,)


@ok("numerical_grad", "recursive over the first axis, returns nested lists")
def _():
    def my_numerical_grad(f, x, eps=1e-6, prefix=()):
        if len(prefix) == x.ndim:
            original = x[prefix]
            x[prefix] = original + eps
            plus = f(x)
            x[prefix] = original - eps
            minus = f(x)
            x[prefix] = original
            return (plus - minus) / (2 * eps)
        return [my_numerical_grad(f, x, eps, prefix + (i,)) for i in range(x.shape[len(prefix)])]

    return (my_numerical_grad,)


@bad("numerical_grad", "a forward difference", en=["forward difference"], es=["diferencia hacia delante"])
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        base = f(x)
        for i in np.ndindex(x.shape):
            bumped = x.copy()
            bumped[i] += eps
            grad[i] = (f(bumped) - base) / eps
        return grad

    return (my_numerical_grad,)


@bad("numerical_grad", "x is left nudged", en=["x"], es=["x"])
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            x[i] += eps
            plus = f(x)
            x[i] -= 2 * eps
            minus = f(x)
            grad[i] = (plus - minus) / (2 * eps)
        return grad

    return (my_numerical_grad,)


@bad("numerical_grad", "divides by eps instead of 2 eps", en=["2 eps", "2 * eps"], es=["2 eps", "2 * eps"])
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[i] = eps
            grad[i] = (f(x + step) - f(x - step)) / eps
        return grad

    return (my_numerical_grad,)


@bad("numerical_grad", "nudges every entry at once", en=["one entry", "each entry"], es=["un elemento", "cada elemento"])
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        slope = (f(x + eps) - f(x - eps)) / (2 * eps)
        return np.full(x.shape, slope)

    return (my_numerical_grad,)


@bad("numerical_grad", "minus first: the sign is flipped", en=["sign"], es=["signo"])
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[i] = eps
            grad[i] = (f(x - step) - f(x + step)) / (2 * eps)
        return grad

    return (my_numerical_grad,)


@bad("numerical_grad", "ignores its eps argument (hard-coded 1e-2)", en=["eps"], es=["eps"])
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        h = 1e-2
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[i] = h
            grad[i] = (f(x + step) - f(x - step)) / (2 * h)
        return grad

    return (my_numerical_grad,)


@hostile("numerical_grad", "returns None")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        grad = np.zeros_like(x)

    return (my_numerical_grad,)


@hostile("numerical_grad", "returns a float")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        return (f(x + eps) - f(x - eps)) / (2 * eps)

    return (my_numerical_grad,)


@hostile("numerical_grad", "returns the right numbers, flattened")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        out = []
        for k in range(x.size):
            step = np.zeros(x.size)
            step[k] = eps
            out.append((f(x + step.reshape(x.shape)) - f(x - step.reshape(x.shape))) / (2 * eps))
        return np.array(out)

    return (my_numerical_grad,)


@hostile("numerical_grad", "raises")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        return f(x[0])[0]

    return (my_numerical_grad,)


@hostile("numerical_grad", "returns strings")
def _():
    def my_numerical_grad(f, x, eps=1e-6):
        return np.full(x.shape, "0.5")

    return (my_numerical_grad,)


# ---------------------------------------------------------------------------
# 06.2 Softplus: check.softplus(Softplus)
# ---------------------------------------------------------------------------


def _function(name, forward, backward, save=lambda a, out: a):
    """A one-input Function ``name`` with the learner's forward(a) and backward(saved, grad_out)."""

    def fwd(ctx, a):
        out = forward(a)
        ctx.save_for_backward(save(a, out))
        return out

    def bwd(ctx, grad_out):
        return backward(ctx.saved_arrays[0], grad_out)

    return type(name, (Function,), {"name": name.lower(), "forward": staticmethod(fwd), "backward": staticmethod(bwd)})


def _stable_softplus(a):
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


@ok("softplus", "logaddexp, sigmoid through tanh")
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0.0, a), lambda a, g: (g * 0.5 * (1 + np.tanh(a / 2)),)),)


@ok("softplus", "max + log1p(exp(-|a|)), sigmoid as exp(-softplus(-a)), bare")
def _():
    return (_function("Softplus", _stable_softplus, lambda a, g: g * np.exp(-_stable_softplus(-a))),)


@ok("softplus", "piecewise with np.where, saves the output: sigmoid = -expm1(-out)")
def _():
    def forward(a):
        safe = np.where(a > 30, 0.0, a)
        return np.where(a > 30, a, np.log1p(np.exp(safe)))

    return (_function("Softplus", forward, lambda out, g: [-np.expm1(-out) * g], save=lambda a, out: out),)


@ok("softplus", "scipy's expit, a generator")
def _():
    from scipy.special import expit

    return (_function("Softplus", lambda a: np.logaddexp(a, 0), lambda a, g: (x * g for x in [expit(a)])),)


@bad("softplus", "log(1 + exp(a)) overflows to inf at 800", en=["800"], es=["800"])
def _():
    return (_function("Softplus", lambda a: np.log(1 + np.exp(a)), lambda a, g: (g / (1 + np.exp(-a)),)),)


@bad("softplus", "log1p(exp(a)) still overflows", en=["800"], es=["800"])
def _():
    return (_function("Softplus", lambda a: np.log1p(np.exp(a)), lambda a, g: (g / (1 + np.exp(-a)),)),)


@bad("softplus", "a + log(1 + exp(-a)) overflows at -800", en=["-800"], es=["-800"])
def _():
    return (_function("Softplus", lambda a: a + np.log(1 + np.exp(-a)), lambda a, g: (g / (1 + np.exp(-a)),)),)


@bad("softplus", "sigmoid as exp(a) / (1 + exp(a)): nan at 800", en=["800"], es=["800"])
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0, a), lambda a, g: (g * np.exp(a) / (1 + np.exp(a)),)),)


@bad("softplus", "ignores grad_out", en=["grad_out"], es=["grad_out"])
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0, a), lambda a, g: (1 / (1 + np.exp(-a)),)),)


@bad("softplus", "sigmoid(-a): the sign inside the exponent", en=["sigmoid"], es=["sigmoide"])
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0, a), lambda a, g: (g / (1 + np.exp(a)),)),)


@bad("softplus", "the derivative is softplus itself", en=["sigmoid"], es=["sigmoide"])
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0, a), lambda a, g: (g * np.logaddexp(0, a),)),)


@hostile("softplus", "backward returns None")
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0, a), lambda a, g: None),)


@hostile("softplus", "forward returns a Python float")
def _():
    return (_function("Softplus", lambda a: float(np.logaddexp(0, a).sum()), lambda a, g: (g,)),)


@hostile("softplus", "backward returns a gradient of shape (1,)")
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0, a), lambda a, g: (np.ones(1),)),)


@hostile("softplus", "backward raises")
def _():
    return (_function("Softplus", lambda a: np.logaddexp(0, a), lambda a, g: (g / undefined_name,)),)  # noqa: F821


@slow("softplus", "backward never returns")
def _():
    import time

    def backward(a, g):
        stop = time.monotonic() + 60
        while time.monotonic() < stop:
            pass
        return (g / (1 + np.exp(-a)),)

    return (_function("Softplus", lambda a: np.logaddexp(0, a), backward),)


# ---------------------------------------------------------------------------
# 06.3 FixedLeakyReLU: check.leaky_relu(FixedLeakyReLU)
# ---------------------------------------------------------------------------


class _LeakyReLU(Function):
    """The chapter's LeakyReLU with its bug (as the notebook defines it)."""

    name = "leaky_relu"

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.where(a > 0, a, 0.1 * a)

    @staticmethod
    def backward(ctx, grad_out):
        (a,) = ctx.saved_arrays
        return (np.where(a > 0, grad_out, grad_out),)


def _fixed(backward):
    """FixedLeakyReLU(LeakyReLU) whose backward(a, grad_out) is the learner's."""
    return type("FixedLeakyReLU", (_LeakyReLU,),
                {"backward": staticmethod(lambda ctx, g: backward(ctx.saved_arrays[0], g))})


@ok("leaky_relu", "a slope array, bare")
def _():
    return (_fixed(lambda a, g: g * np.where(a > 0, 1.0, 0.1)),)


@ok("leaky_relu", "boolean masks as numbers, a list")
def _():
    return (_fixed(lambda a, g: [g * ((a > 0) + 0.1 * (a <= 0))]),)


@ok("leaky_relu", "copy then scale the non-positive entries, a tuple")
def _():
    def backward(a, g):
        out = np.array(g, dtype=float, copy=True)
        out[a <= 0] *= 0.1
        return (out,)

    return (_fixed(backward),)


@ok("leaky_relu", "a generator")
def _():
    return (_fixed(lambda a, g: (x for x in (np.where(a <= 0, 0.1 * g, g),))),)


@bad("leaky_relu", "a >= 0: slope 1 at the kink", en=["0"], es=["0"])
def _():
    return (_fixed(lambda a, g: (np.where(a >= 0, g, 0.1 * g),)),)


@bad("leaky_relu", "ignores grad_out", en=["grad_out"], es=["grad_out"])
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, 1.0, 0.1),)),)


@bad("leaky_relu", "slope 0 on the negative side (a relu)", en=["0.1"], es=["0,1", "0.1"])
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, g, 0.0),)),)


@bad("leaky_relu", "the sides swapped", en=["0.1"], es=["0,1", "0.1"])
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, 0.1 * g, g),)),)


@bad("leaky_relu", "PyTorch's default slope 0.01", en=["0.1"], es=["0,1", "0.1"])
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, g, 0.01 * g),)),)


@bad("leaky_relu", "the original bug, untouched", en=["0.1"], es=["0,1", "0.1"])
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, g, g),)),)


@bad("leaky_relu", "a negative slope -0.1", en=["sign", "0.1"], es=["signo", "0,1", "0.1"])
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, g, -0.1 * g),)),)


@hostile("leaky_relu", "backward returns None")
def _():
    return (_fixed(lambda a, g: None),)


@hostile("leaky_relu", "backward returns a number")
def _():
    return (_fixed(lambda a, g: 0.1),)


@hostile("leaky_relu", "backward returns an array of the wrong shape")
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, g, 0.1 * g).ravel()[:2],)),)


@hostile("leaky_relu", "backward raises")
def _():
    return (_fixed(lambda a, g: (np.where(a > 0, g),)),)


@hostile("leaky_relu", "backward returns two gradients")
def _():
    return (_fixed(lambda a, g: (g, 0.1 * g)),)
