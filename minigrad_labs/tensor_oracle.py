"""What the checks of chapters 10 and 11 compare against, and how they report it.

The learner's tensor engine works on plain numpy arrays under ARENA 0.4's names.
Its oracle is PyTorch in float64: ``torch_grads`` runs an operation forward on
tensors that require a gradient and pulls an upstream gradient back through it.
``compare`` then judges one array the learner returned: shape first (a wrong shape
usually means a missing unbroadcast or a missing keepdim), then the values, naming
the first entry that differs and the mistake that explains the numbers, if one does.
"""

import numpy as np

from minigrad_labs.feedback import CheckFailed, fail, say
from minigrad_labs.guard import learner_code
from minigrad_labs.numbers import array_text, number

# Mistakes of the tensor labs, each in both languages (tú). A check passes the key of
# the mistake whose prediction matches what the learner returned.
TENSOR_CAUSES = {
    "no_unbroadcast": (
        "you forgot `unbroadcast`: the gradient of an input that broadcasting stretched is the sum over the stretched axes, in the input's shape.",
        "olvidaste `unbroadcast`: el gradiente de una entrada que la difusión estiró es la suma sobre los ejes estirados, con la forma de la entrada.",
    ),
    "wrong_axis": (
        "you summed the wrong axes: sum the leading axes numpy added, then (keeping them) the axes whose length was 1 in the original.",
        "sumaste los ejes equivocados: suma los ejes que numpy añadió delante y después (conservándolos) los ejes que medían 1 en el original.",
    ),
    "no_keepdims": (
        "the axes of length 1 were summed away: sum them with `keepdims=True`, so the result has the original's shape.",
        "los ejes de longitud 1 desaparecieron al sumar: súmalos con `keepdims=True`, para que el resultado tenga la forma del original.",
    ),
    "no_upstream": (
        "the local derivative is not multiplied by `grad_out`: the chain rule multiplies them.",
        "falta multiplicar por `grad_out`: la regla de la cadena multiplica el multiplicador local por el gradiente que llega de arriba.",
    ),
    "own_factor": (
        "each factor got its own value: d(x*y)/dx is y, the *other* factor.",
        "cada factor recibió su propio valor: d(x*y)/dx es y, el *otro* factor.",
    ),
    "overwrite": (
        "`=` instead of `+=`: a tensor used twice keeps only the last share of its gradient; add the shares.",
        "`=` en lugar de `+=`: un tensor usado dos veces se queda solo con la última parte de su gradiente; suma las partes.",
    ),
    "visited": (
        "a node was visited twice: each node of the graph must be walked once, after every path into it.",
        "se visitó un nodo dos veces: cada nodo del grafo se recorre una sola vez, después de todos los caminos que llegan a él.",
    ),
    "is_leaf": (
        "the `is_leaf` case: only leaves that require a gradient store `.grad`; inner nodes keep theirs in the dictionary, and a tensor that needs no gradient gets none.",
        "el caso `is_leaf`: solo las hojas que requieren gradiente guardan `.grad`; los nodos internos guardan el suyo en el diccionario, y un tensor que no necesita gradiente no recibe ninguno.",
    ),
    "no_grad_recorded": (
        "a graph was recorded while tracking was off (`grad_tracking_enabled` is False inside `NoGrad`): no Recipe then, and `requires_grad=False`.",
        "se registró un grafo con el seguimiento apagado (`grad_tracking_enabled` es False dentro de `NoGrad`): en ese caso no hay Recipe y `requires_grad=False`.",
    ),
    "leaf_overwrite": (
        "a leaf's `.grad` was replaced: a second backprop must add to what is there, as PyTorch does.",
        "se reemplazó el `.grad` de una hoja: una segunda retropropagación debe sumar a lo que ya hay, como hace PyTorch.",
    ),
    "recursion": (
        "recursion: Python stops near 1,000 nested calls. Keep your own stack in a list.",
        "recursión: Python se detiene hacia las 1000 llamadas anidadas. Lleva tu propia pila en una lista.",
    ),
    "inverse_permutation": (
        "the gradient must go back through the *inverse* permutation (`np.argsort(axes)`), and negative axes count from the end.",
        "el gradiente debe volver por la permutación *inversa* (`np.argsort(axes)`), y los ejes negativos cuentan desde el final.",
    ),
    "keepdim": (
        "without keepdim the summed axes are gone from `grad_out`: put them back (`np.expand_dims`) before broadcasting to the input's shape.",
        "sin keepdim, los ejes sumados ya no están en `grad_out`: vuelve a ponerlos (`np.expand_dims`) antes de aplicar la difusión hasta la forma de la entrada.",
    ),
    "repeated_index": (
        "an index that repeats was assigned, not added: `grad[index] = ...` keeps one share; `np.add.at` adds them all.",
        "un índice repetido se asignó en vez de sumarse: `grad[index] = ...` se queda con una parte; `np.add.at` las suma todas.",
    ),
    "ties": (
        "ties: where x == y, `maximum` gives each input half of the gradient (as ARENA and torch.maximum do).",
        "empates: donde x == y, `maximum` da a cada entrada la mitad del gradiente (como hacen ARENA y torch.maximum).",
    ),
    "matmul_order": (
        "match the shapes: dL/dx = grad_out @ y.T and dL/dy = x.T @ grad_out.",
        "haz cuadrar las formas: dL/dx = grad_out @ y.T y dL/dy = x.T @ grad_out.",
    ),
    "mean_not_rows": (
        "one loss per row: `cross_entropy` returns shape (batch,), as PyTorch's reduction='none'; the training loop takes the mean.",
        "una pérdida por fila: `cross_entropy` debe devolver un array de forma (batch,), como reduction='none' de PyTorch; el bucle de entrenamiento hace la media.",
    ),
}


def stop(en, es, why=None):
    """Fail the check, adding the likely cause ``why`` (a key of TENSOR_CAUSES)."""
    if why is not None:
        en += "\nLikely cause: " + TENSOR_CAUSES[why][0]
        es += "\nCausa probable: " + TENSOR_CAUSES[why][1]
    fail(en, es)


def short(array, limit=8, language="en"):
    """An array for a message: its values if small, else its shape and first entries.

    In Spanish the numbers take a decimal comma, so they are separated by spaces
    (``array_text``), never by commas.
    """
    array = np.asarray(array)
    if language == "es":
        if array.size <= limit:
            return array_text(array, ".6g", "es")
        first = array_text(array.ravel()[:4], ".6g", "es")[:-1]
        return f"array de forma {array.shape} {first} ...]"
    if array.size <= limit:
        return np.array2string(array, precision=6, separator=", ")
    flat = ", ".join(f"{v:.6g}" for v in array.ravel()[:4])
    return f"array of shape {array.shape} [{flat}, ...]"


def as_array(got, name, what_en, what_es):
    """What the learner returned, as a numpy array (a Tensor gives its .array)."""
    got = getattr(got, "array", got)
    try:
        return np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        stop(f"`{name}` {what_en}: expected a numpy array, got {type(got).__name__}.",
             f"`{name}` {what_es}: se esperaba un array de numpy, se obtuvo {type(got).__name__}.")


def compare(what_en, what_es, got, expected, candidates=None, shape_why=None, tol=1e-7, *, name):
    """Stop unless ``got`` equals ``expected`` (shape, then values); name the likely mistake.

    ``candidates`` maps a key of TENSOR_CAUSES to what that mistake would have returned;
    ``shape_why`` is the cause to name when only the shape is wrong.
    """
    got = as_array(got, name, what_en, what_es)
    expected = np.asarray(expected, dtype=float)
    why = None
    for key, predicted in (candidates or {}).items():
        if predicted is None:
            continue
        predicted = np.asarray(predicted, dtype=float)
        if predicted.shape == got.shape and np.allclose(got, predicted, rtol=tol, atol=tol):
            why = key
            break
    if got.shape != expected.shape:
        stop(f"`{name}` {what_en}: expected shape {expected.shape}, got {got.shape}.",
             f"`{name}` {what_es}: se esperaba la forma {expected.shape}, se obtuvo {got.shape}.",
             why or shape_why)
    bad = ~np.isclose(got, expected, rtol=tol, atol=tol)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        stop(f"`{name}` {what_en}: wrong at index {where}: expected {expected[where]:.6g}, got {got[where]:.6g}"
             f" (expected {short(expected)}, got {short(got)}).",
             f"`{name}` {what_es}: incorrecto en el índice {where}: se esperaba {number(expected[where], '.6g', 'es')}, "
             f"se obtuvo {number(got[where], '.6g', 'es')} (se esperaba {short(expected, language='es')}, "
             f"se obtuvo {short(got, language='es')}).", why)


def torch_grads(forward, arrays, grad_out, wrt=None):
    """Gradients of ``forward(*tensors)`` (float64) for the upstream ``grad_out``.

    ``arrays``: the inputs (numpy arrays or numbers); ``wrt``: positions to
    differentiate (default: every array). Returns a list aligned with ``wrt``.
    """
    import torch

    wrt = [i for i, a in enumerate(arrays) if isinstance(a, np.ndarray)] if wrt is None else wrt
    tensors = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=i in wrt) if isinstance(a, np.ndarray)
               else a for i, a in enumerate(arrays)]
    out = forward(*tensors)
    grads = torch.autograd.grad(out, [tensors[i] for i in wrt], torch.tensor(np.asarray(grad_out, dtype=np.float64)))
    return [g.numpy() for g in grads]


def noncontiguous(array):
    """The same values in a strided (non-contiguous) array: a learner's code must not assume C order."""
    padded = np.zeros(array.shape + (2,), dtype=array.dtype)
    padded[..., 0] = array
    view = padded[..., 0]
    assert not view.flags.c_contiguous or view.size <= 1
    return view


def call(name, function, *args, why=None, **kwargs):
    """``function(*args, **kwargs)``, the learner's; if it raises, the message adds the likely cause ``why``.

    (A backward function that forgot keepdim or the inverse permutation usually
    does not return a wrong array: numpy refuses the shapes and raises.)
    """
    try:
        with learner_code(name):
            return function(*args, **kwargs)
    except CheckFailed as error:
        if why is None:
            raise
        en, es = TENSOR_CAUSES[why]
        raise CheckFailed(f"{error}\n" + say(f"Likely cause: {en}", f"Causa probable: {es}")) from error
