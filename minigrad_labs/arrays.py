"""Shared by the tensor labs (chapters 05-09): numpy on demand, leaf pairs, what the learner gave back.

Three jobs:

* ``as_array`` and ``as_tensor`` turn what a learner's function returned into
  an array (or check it is a Tensor), or stop with a message naming the problem:
  None (a missing ``return``), a string, a shape that is not the expected one.
* ``learner_function`` wraps a learner's ``Function`` subclass so that its
  ``backward`` may hand back its gradients in any container a learner would
  use (a tuple, a list, a generator, a numpy object array, one bare array for
  one input), and so that a gradient of the wrong kind or shape is reported by
  name before the engine sees it.
* ``compare_array`` compares an array with the expected one and names the
  likely mistake, found by matching the learner's numbers with what each
  planted mistake would give (``hints``).
"""

from minigrad_labs.feedback import fail, fmt
from minigrad_labs.guard import learner_code
from minigrad_labs.returns import _kind, _short


def numpy():
    import numpy as np

    return np


def leaf(array):
    """A float64 minigrad leaf that wants a gradient, and its PyTorch twin."""
    import torch
    from minigrad.tensor import Tensor

    array = numpy().asarray(array, dtype=numpy().float64)
    return Tensor(array.copy(), requires_grad=True), torch.tensor(array.copy(), requires_grad=True)


def es(number_text):
    """A number the check already wrote for English (its digits chosen, e.g. by ``fmt``), with
    the Spanish decimal comma (RAE), e.g. "0,25". For a value, use ``minigrad_labs.numbers.number``."""
    return str(number_text).replace(".", ",")


def numbers(*texts):
    """Each number text twice, as English writes it and as Spanish does: [(en, es), ...]."""
    return [(str(text), es(text)) for text in texts]


def percents(*fractions, digits=1):
    """Each fraction as a percentage, English ("96.4%") and Spanish ("96,4 %"): [(en, es), ...]."""
    from minigrad_labs.numbers import number  # the book's one number helper (Babel)

    return [tuple(number(f, f".{digits}%", lang) for lang in ("en", "es")) for f in fractions]


def fail_hint(en, es, hint=None):
    """Stop with a message and, if given, a likely cause ``hint = (en, es)``."""
    if hint is not None:
        en, es = f"{en}\nLikely cause: {hint[0]}", f"{es}\nCausa probable: {hint[1]}"
    fail(en, es)


# --- what the learner gave back --------------------------------------------------


def as_array(name, got, what_en="what it returned", what_es="lo que devolvió"):
    """``got`` as a float64 numpy array, or stop: None, a string, an object that is not numbers."""
    np = numpy()
    if got is None:
        fail(f"`{name}` returned None: is a `return` missing?",
             f"`{name}` devolvió None: ¿falta un `return`?")
    if isinstance(got, (str, bytes)):
        fail(f"`{name}`: {what_en} is a string ({_short(got)}), not an array of numbers.",
             f"`{name}`: {what_es} es una cadena ({_short(got)}), no un array de números.")
    if hasattr(got, "data") and hasattr(got, "_prev") and not isinstance(got, np.ndarray):
        got = got.data                      # a Tensor where an array was asked: its numbers will do
    try:
        array = np.asarray(got, dtype=np.float64)
    except Exception:  # noqa: BLE001  (whatever the object raises, the learner gets one message)
        fail(f"`{name}`: {what_en} is a {_kind(got)} ({_short(got)}), not an array of numbers.",
             f"`{name}`: {what_es} es un {_kind(got)} ({_short(got)}), no un array de números.")
    return array


def as_tensor(name, got, what_en="what it returned", what_es="lo que devolvió"):
    """Check that ``got`` is a minigrad Tensor (the graph goes on through it), or stop."""
    from minigrad.tensor import Tensor

    if got is None:
        fail(f"`{name}` returned None: is a `return` missing?",
             f"`{name}` devolvió None: ¿falta un `return`?")
    if not isinstance(got, Tensor):
        fail(f"`{name}`: {what_en} is a {_kind(got)} ({_short(got)}), not a Tensor: the backward pass "
             "needs the graph, so return the Tensor itself (not its `.data`, not `.item()`).",
             f"`{name}`: {what_es} es un {_kind(got)} ({_short(got)}), no un Tensor: la pasada hacia atrás "
             "necesita el grafo, así que devuelve el propio Tensor (no su `.data`, ni `.item()`).")
    return got


# --- a learner's Function ------------------------------------------------------------


def learner_function(cls, name, inputs):
    """A subclass of the learner's Function ``cls`` whose forward and backward are validated.

    ``inputs`` names the inputs, e.g. ("a",) or ("dL/dA", "dL/dB") as the messages
    call their gradients. The subclass computes exactly what ``cls`` computes.
    """
    from minigrad.tensor import Function

    if not (isinstance(cls, type) and issubclass(cls, Function)):
        fail(f"`{name}` must be a class that subclasses Function (`class {name}(Function): ...`); "
             f"it is a {_kind(cls)}.",
             f"`{name}` debe ser una clase que herede de Function (`class {name}(Function): ...`); "
             f"es un {_kind(cls)}.")

    def forward(ctx, *arrays, **options):
        out = cls.forward(ctx, *arrays, **options)
        ctx.lab_shapes = [numpy().shape(a) for a in arrays]      # for the messages of backward
        return as_array(f"{name}.forward", out)

    def backward(ctx, grad_out):
        got = cls.backward(ctx, grad_out)
        return gradients(f"{name}.backward", got, inputs, getattr(ctx, "lab_shapes", None))

    return type(name, (cls,), {"forward": staticmethod(forward), "backward": staticmethod(backward),
                               "__module__": getattr(cls, "__module__", None)})


def gradients(name, got, inputs, shapes=None):
    """The gradients a backward returned, one per input, as a tuple of arrays (or None)."""
    np = numpy()
    count = len(inputs)
    listing = ", ".join(inputs)
    if got is None:
        fail(f"`{name}` returned None: is a `return` missing? It returns one gradient per input ({listing}).",
             f"`{name}` devolvió None: ¿falta un `return`? Devuelve un gradiente por entrada ({listing}).")
    if isinstance(got, (str, bytes)):
        fail(f"`{name}` returned a string ({_short(got)}): it returns one gradient array per input ({listing}).",
             f"`{name}` devolvió una cadena ({_short(got)}): devuelve un array gradiente por entrada ({listing}).")
    if isinstance(got, (tuple, list)) or (isinstance(got, np.ndarray) and got.dtype == object):
        items = list(got)
    elif isinstance(got, np.ndarray) or np.isscalar(got) or hasattr(got, "_prev"):
        items = [got]                                     # one bare gradient, as for one input
    elif hasattr(got, "__iter__"):
        items = list(got)                                 # a generator, an iterator
    else:
        items = [got]
    if len(items) > count and all(item is None for item in items[count:]):
        fail(f"`{name}` returned {len(items)} gradients, the last ones None, for {count} input(s) ({listing}): "
             "a setting passed by keyword (such as `targets=`) is not an input and gets no gradient, not even "
             "None. Return one gradient per input.",
             f"`{name}` devolvió {len(items)} gradientes, los últimos None, para {count} entrada(s) ({listing}): "
             "un ajuste pasado por palabra clave (como `targets=`) no es una entrada y no recibe gradiente, ni "
             "siquiera None. Devuelve un gradiente por entrada.")
    if len(items) != count:
        fail(f"`{name}` returned {len(items)} gradient(s) for {count} input(s) ({listing}): "
             "one gradient per input, in order.",
             f"`{name}` devolvió {len(items)} gradiente(s) para {count} entrada(s) ({listing}): "
             "un gradiente por entrada, en orden.")
    result = []
    for i, item in enumerate(items):
        if item is None:
            result.append(None)                           # "no gradient": the check says so if one was needed
            continue
        array = as_array(name, item, f"the gradient for {inputs[i]}", f"el gradiente de {inputs[i]}")
        if shapes is not None and array.shape != tuple(shapes[i]):
            fail(f"`{name}` returned a gradient of shape {array.shape} for {inputs[i]}, whose input has shape "
                 f"{tuple(shapes[i])}: a gradient has the shape of its input.",
                 f"`{name}` devolvió un gradiente de forma {array.shape} para {inputs[i]}, cuya entrada tiene "
                 f"forma {tuple(shapes[i])}: un gradiente tiene la forma de su entrada.")
        result.append(array)
    return tuple(result)


# --- comparing arrays --------------------------------------------------------------------


def matches(got, predicted, tol=1e-10):
    """Does ``got`` equal what a planted mistake predicts (same shape, same numbers)?"""
    np = numpy()
    if predicted is None or got is None:
        return False
    predicted = np.asarray(predicted, dtype=float)
    return predicted.shape == np.shape(got) and bool(np.allclose(got, predicted, rtol=tol, atol=tol))


def compare_array(what_en, what_es, got, expected, hints=(), tol=1e-10, none_en=None, none_es=None):
    """Compare an array with the expected one: None, shape, then values, naming the likely mistake.

    ``hints`` is a list of ``(predicted, (en, es))``: when the learner's numbers
    equal ``predicted`` (what a planted mistake gives), that cause is named.
    """
    np = numpy()
    if got is None:
        fail(none_en or f"{what_en}: no gradient (None).", none_es or f"{what_es}: sin gradiente (None).")
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        fail(f"{what_en} has shape {got.shape}; expected {expected.shape}.",
             f"{what_es} tiene forma {got.shape}; se esperaba {expected.shape}.")
    if np.allclose(got, expected, rtol=tol, atol=tol, equal_nan=False) and np.all(np.isfinite(got)):
        return
    with np.errstate(invalid="ignore"):
        error = np.where(np.isfinite(got), np.abs(got - expected), np.inf)
    i = np.unravel_index(np.argmax(error), got.shape) if got.ndim else ()
    hint = next((cause for predicted, cause in hints if matches(got, predicted, tol)), None)
    where = f"[{', '.join(map(str, i))}]" if got.ndim else ""
    (want_en, want_es), (got_en, got_es) = numbers(fmt(expected[i]), fmt(got[i]))
    fail_hint(f"{what_en}{', entry ' + where if where else ''}: expected {want_en}, got {got_en}.",
              f"{what_es}{', elemento ' + where if where else ''}: se esperaba {want_es}, se obtuvo {got_es}.", hint)


def run_function(name, op, a_data, w_data):
    """(op(a) * w).sum().backward() through the learner's Function: the output and the two gradients.

    ``w`` broadcasts along the last axis of ``a``: the upstream gradient is not 1, and
    differs from entry to entry, so a backward that ignores ``grad_out`` shows.
    """
    a, _ = leaf(a_data)
    w, _ = leaf(w_data)
    with learner_code(name):
        out = op(a)
    out = as_tensor(name, out)
    if out.shape != a.shape:
        fail(f"`{name}` returned an output of shape {out.shape} for an input of shape {a.shape}: an elementwise "
             "function keeps the shape of its input.",
             f"`{name}` devolvió una salida de forma {out.shape} para una entrada de forma {a.shape}: una función "
             "elemento a elemento conserva la forma de su entrada.")
    with learner_code(name):
        (out * w).sum().backward()
    return out.data, a.grad, w.grad


def torch_function(torch_op, a_data, w_data):
    """The same as ``run_function`` with PyTorch: output, gradient of a, gradient of w."""
    _, ta = leaf(a_data)
    _, tw = leaf(w_data)
    out = torch_op(ta)
    (out * tw).sum().backward()
    return out.detach().numpy(), ta.grad.numpy(), tw.grad.numpy()


__all__ = ["as_array", "as_tensor", "compare_array", "es", "fail_hint", "gradients", "leaf", "learner_function",
           "matches", "numbers", "numpy", "percents", "run_function", "torch_function"]
