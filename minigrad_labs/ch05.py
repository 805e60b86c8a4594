"""Lab of chapter 05 (tensors and broadcasting): a Function, the broadcasting rule, unbroadcast.

Each check runs the learner's code on fixed and random inputs, broadcasting in
every position (axes added in front, size-1 axes stretched, both, neither), and
compares with PyTorch. When the numbers are wrong it names the mistake whose
planted version gives the same numbers.
"""

from minigrad_labs.arrays import (as_array, compare_array, fail_hint, learner_function, numpy, run_function,
                                  torch_function)
from minigrad_labs.feedback import fail, passed
from minigrad_labs.guard import learner_code

# ---------------------------------------------------------------------------
# 05.1 Cube
# ---------------------------------------------------------------------------


def local_mistakes(local, upstream, extra=()):
    """The hints every elementwise backward shares: grad_out ignored, a sign flip."""
    return [(local, ("the local multiplier is not multiplied by `grad_out`: the chain rule multiplies them, "
                     "and the check sends a `grad_out` that is not 1.",
                     "el multiplicador local no se multiplica por `grad_out`: la regla de la cadena los "
                     "multiplica, y la comprobación envía un `grad_out` distinto de 1.")),
            (-local * upstream, ("a sign flip in backward.", "un signo cambiado en backward."))] + list(extra)


def cube(Cube):
    """Exercise 5.1: ``Cube(Function)``, a**3 elementwise, inside a broadcast, against PyTorch."""
    np = numpy()
    Checked = learner_function(Cube, "Cube", ("a",))
    rng = np.random.default_rng(6)
    for shape in [(2, 3), (4,), (3, 1, 2)]:
        a = rng.standard_normal(shape) * 1.5
        w = rng.standard_normal(shape[-1:])
        out, a_grad, w_grad = run_function("Cube", Checked.apply, a, w)
        t_out, t_a_grad, t_w_grad = torch_function(lambda t: t ** 3, a, w)
        compare_array(f"Cube: the output for an input of shape {shape} (a**3)",
                      f"Cube: la salida para una entrada de forma {shape} (a**3)", out, t_out)
        upstream = np.broadcast_to(w, shape)
        hints = local_mistakes(3 * a ** 2, upstream, [
            (a ** 2 * upstream, ("d(a**3)/da = 3 a**2: the factor 3 is missing.",
                                 "d(a**3)/da = 3 a**2: falta el factor 3.")),
            (3 * a ** 3 * upstream, ("d(a**3)/da = 3 a**2: the exponent drops by one.",
                                     "d(a**3)/da = 3 a**2: el exponente baja en uno.")),
            (3 * a * upstream, ("d(a**3)/da = 3 a**2: the exponent is 2, not 1.",
                                "d(a**3)/da = 3 a**2: el exponente es 2, no 1.")),
            (3 * a ** 6 * upstream, ("3 out**2 uses the output: the derivative is 3 a**2, with a the input.",
                                     "3 out**2 usa la salida: la derivada es 3 a**2, con a la entrada.")),
        ])
        compare_array(f"Cube: wrong gradient of a (shape {shape})", f"Cube: gradiente incorrecto de a (forma {shape})",
                      a_grad, t_a_grad, hints,
                      none_en="Cube: a got no gradient: backward returned None for it.",
                      none_es="Cube: a no recibió gradiente: backward devolvió None para ella.")
        compare_array(f"Cube: wrong gradient of the weight w multiplying the output (shape {w.shape})",
                      f"Cube: gradiente incorrecto del peso w que multiplica la salida (forma {w.shape})",
                      w_grad, t_w_grad)
    passed("Cube: value and gradients as PyTorch, with grad_out other than 1, in 3 broadcasts",
           "Cube: valor y gradientes como PyTorch, con grad_out distinto de 1, en 3 difusiones")


# ---------------------------------------------------------------------------
# 05.2 The broadcasting rule
# ---------------------------------------------------------------------------

PAIRS = [((2, 1, 3), (4, 1)), ((5, 4), (4,)), ((5, 4), (5,)), ((), (2, 2)), ((3, 1, 1), (1, 2, 1)),
         ((3,), (3,)), ((2, 3), (3, 2)), ((1,), (6, 1, 5)), ((1, 3), (3,)), ((4, 1), (2, 1, 1)),
         ((2,), (3,)), ((7, 1), (1, 7))]


def _broadcast(p_shape, q_shape):
    """The reference: (out, required axes of p, allowed axes of p, the same for q), or None."""
    n = max(len(p_shape), len(q_shape))
    p = (1,) * (n - len(p_shape)) + tuple(p_shape)
    q = (1,) * (n - len(q_shape)) + tuple(q_shape)
    if any(a != b and 1 not in (a, b) for a, b in zip(p, q)):
        return None
    out = tuple(max(a, b) for a, b in zip(p, q))

    def axes(shape, padded):
        lead = n - len(shape)
        required = {i for i in range(n) if padded[i] != out[i]}
        allowed = {i for i in range(n) if i < lead or padded[i] == 1}   # a sum over a size-1 axis is harmless
        return required, allowed

    return (out,) + axes(p_shape, p) + axes(q_shape, q)


def _shape_of(got, p_shape, q_shape):
    try:
        return tuple(int(s) for s in got)
    except Exception:  # noqa: BLE001
        fail(f"broadcast_rule{(p_shape, q_shape)}: the first item it returned must be the output shape "
             f"(a tuple of ints); it is {got!r}.",
             f"broadcast_rule{(p_shape, q_shape)}: el primer elemento que devolvió debe ser la forma de la "
             f"salida (una tupla de enteros); es {got!r}.")


def _axes_of(got, who, p_shape, q_shape, ndim):
    try:
        axes = [int(i) for i in got]
    except Exception:  # noqa: BLE001
        fail(f"broadcast_rule{(p_shape, q_shape)}: the axes of {who} must be a list of ints; got {got!r}.",
             f"broadcast_rule{(p_shape, q_shape)}: los ejes de {who} deben ser una lista de enteros; "
             f"se obtuvo {got!r}.")
    if len(set(axes)) != len(axes):
        fail(f"broadcast_rule{(p_shape, q_shape)}: the axes of {who} list an axis twice ({axes}): "
             "numpy cannot sum over the same axis twice.",
             f"broadcast_rule{(p_shape, q_shape)}: los ejes de {who} repiten un eje ({axes}): "
             "numpy no puede sumar dos veces sobre el mismo eje.")
    if any(not -ndim <= i < ndim for i in axes):
        fail(f"broadcast_rule{(p_shape, q_shape)}: the axes of {who} ({axes}) name an axis the output (with {ndim} "
             "axes) does not have.",
             f"broadcast_rule{(p_shape, q_shape)}: los ejes de {who} ({axes}) nombran un eje que la salida (con "
             f"{ndim} ejes) no tiene.")
    normalised = {i % ndim for i in axes}          # -1 is the last axis, as numpy reads it
    if len(normalised) != len(axes):
        fail(f"broadcast_rule{(p_shape, q_shape)}: the axes of {who} ({axes}) name one axis twice.",
             f"broadcast_rule{(p_shape, q_shape)}: los ejes de {who} ({axes}) nombran dos veces el mismo eje.")
    return normalised


def broadcast_rule(broadcast_rule):
    """Exercise 5.2: ``broadcast_rule(p_shape, q_shape)`` -> (out_shape, p_axes, q_axes), or None."""
    for p_shape, q_shape in PAIRS:
        with learner_code("broadcast_rule"):
            got = broadcast_rule(p_shape, q_shape)
        call = f"broadcast_rule{(p_shape, q_shape)}"
        reference = _broadcast(p_shape, q_shape)
        if reference is None:
            if got is not None:
                fail(f"{call} returned {got!r}, but {p_shape} and {q_shape} do not broadcast (compare the sizes "
                     "from the right: two sizes match when they are equal or one of them is 1), so the answer "
                     "is None.",
                     f"{call} devolvió {got!r}, pero {p_shape} y {q_shape} no se pueden difundir (compara los "
                     "tamaños desde la derecha: dos tamaños casan si son iguales o si uno de ellos es 1), así "
                     "que la respuesta es None.")
            continue
        out, p_required, p_allowed, q_required, q_allowed = reference
        if got is None:
            fail(f"{call} returned None, but the shapes broadcast, to {out}: sizes are compared from the right "
                 "(axes are added in front), and a size 1 stretches to match any size.",
                 f"{call} devolvió None, pero las formas sí se difunden, a {out}: los tamaños se comparan desde "
                 "la derecha (los ejes se añaden delante), y un tamaño 1 se estira hasta cualquier tamaño.")
        if isinstance(got, (str, bytes)) or not hasattr(got, "__iter__") or len(list(got)) != 3:
            fail(f"{call} must return three items, (out_shape, p_axes, q_axes), or None; it returned {got!r}.",
                 f"{call} debe devolver tres elementos, (out_shape, p_axes, q_axes), o None; devolvió {got!r}.")
        got_shape, p_axes, q_axes = list(got)
        got_shape = _shape_of(got_shape, p_shape, q_shape)
        if got_shape != out:
            fail(f"{call}: the output has shape {out}; got {got_shape}. Sizes are compared from the right "
                 "(axes are added in front), and a size 1 stretches to the other size.",
                 f"{call}: la salida tiene forma {out}; se obtuvo {got_shape}. Los tamaños se comparan desde la "
                 "derecha (los ejes se añaden delante), y un tamaño 1 se estira hasta el otro tamaño.")
        p_axes = _axes_of(p_axes, "p", p_shape, q_shape, len(out))
        q_axes = _axes_of(q_axes, "q", p_shape, q_shape, len(out))
        if p_required != q_required and p_axes == q_required and q_axes == p_required:
            fail(f"{call}: p's axes and q's axes are swapped: p {p_shape} is summed over {sorted(p_required)}, "
                 f"q {q_shape} over {sorted(q_required)}.",
                 f"{call}: los ejes de p y los de q están intercambiados: p {p_shape} se suma sobre "
                 f"{sorted(p_required)}, q {q_shape} sobre {sorted(q_required)}.")
        for who, shape, axes, required, allowed in (("p", p_shape, p_axes, p_required, p_allowed),
                                                    ("q", q_shape, q_axes, q_required, q_allowed)):
            _check_axes(call, who, shape, out, axes, required, allowed)
    passed(f"broadcast_rule: {len(PAIRS)} pairs of shapes, as torch.broadcast_shapes",
           f"broadcast_rule: {len(PAIRS)} pares de formas, como torch.broadcast_shapes")


def _check_axes(call, who, shape, out, axes, required, allowed):
    """The axes ``who`` is summed over: every required one, and nothing that is not of size 1."""
    lead = len(out) - len(shape)
    head_en = f"{call}: the gradient of {who} {shape} is summed over the output axes {sorted(required)}"
    head_es = f"{call}: el gradiente de {who} {shape} se suma sobre los ejes de la salida {sorted(required)}"
    got_en, got_es = f"; got {sorted(axes)}.", f"; se obtuvo {sorted(axes)}."
    wrong = sorted(axes - allowed)
    if wrong:
        fail(f"{head_en}{got_en} Axis {wrong[0]} of the output has size {out[wrong[0]]} in {who} too: axes are "
             f"numbered as the output's axes (of shape {out}), counting those added in front.",
             f"{head_es}{got_es} El eje {wrong[0]} de la salida tiene tamaño {out[wrong[0]]} también en {who}: "
             f"los ejes se numeran como los de la salida (de forma {out}), contando los añadidos delante.")
    missing = sorted(required - axes)
    if not missing:
        return
    if missing[0] < lead:
        fail(f"{head_en}{got_en} Axis {missing[0]} is missing: an axis added in front of {who}'s shape.",
             f"{head_es}{got_es} Falta el eje {missing[0]}: un eje añadido delante de la forma de {who}.")
    fail(f"{head_en}{got_en} Axis {missing[0]} is missing: {who} has size 1 there, stretched to {out[missing[0]]}.",
         f"{head_es}{got_es} Falta el eje {missing[0]}: {who} tiene ahí tamaño 1, estirado a {out[missing[0]]}.")


# ---------------------------------------------------------------------------
# 05.3 unbroadcast
# ---------------------------------------------------------------------------

SHAPES = [((4, 3), (3,)), ((4, 3), (4, 1)), ((2, 4, 3), (2, 1, 3)), ((2, 4, 3), (4, 1)), ((2, 2), ()),
          ((3,), (3,)), ((5, 1, 4), (1, 1, 4)), ((4, 5, 3), (1, 5, 1)), ((2, 3), (1, 1)), ((6,), (1,))]


def unbroadcast(my_unbroadcast):
    """Exercise 5.3: ``my_unbroadcast(grad, shape)`` sums grad back to an input's shape, like sum_to_size."""
    import torch

    np = numpy()
    rng = np.random.default_rng(5)
    for grad_shape, shape in SHAPES:
        grad = rng.standard_normal(grad_shape)
        before = grad.copy()
        expected = torch.from_numpy(grad.copy()).sum_to_size(shape).numpy()
        with learner_code("my_unbroadcast"):
            got = my_unbroadcast(grad, shape)
        if not np.array_equal(grad, before):
            fail(f"my_unbroadcast(grad of shape {grad_shape}, {shape}) changed the array it was given: the caller "
                 "still needs it (another input may share it). Sum into a new array.",
                 f"my_unbroadcast(grad de forma {grad_shape}, {shape}) cambió el array que recibió: quien lo llama "
                 "aún lo necesita (otra entrada puede compartirlo). Suma en un array nuevo.")
        if isinstance(got, tuple) and got == tuple(shape) and shape:
            fail(f"my_unbroadcast(grad of shape {grad_shape}, {shape}) returned the shape itself: it returns the "
                 "gradient summed down to that shape (an array).",
                 f"my_unbroadcast(grad de forma {grad_shape}, {shape}) devolvió la propia forma: devuelve el "
                 "gradiente sumado hasta esa forma (un array).")
        got = as_array("my_unbroadcast", got)
        call_en = f"my_unbroadcast(grad of shape {grad_shape}, {shape})"
        call_es = f"my_unbroadcast(grad de forma {grad_shape}, {shape})"
        if got.shape != tuple(shape):
            _wrong_shape(call_en, call_es, got, grad_shape, shape, expected)
        count = int(np.prod(grad_shape)) // max(int(np.prod(shape, dtype=int)), 1)
        hints = [(expected / count, ("a mean instead of a sum: every copy that broadcasting made sends its whole "
                                     "gradient back, so the copies add up.",
                                     "una media en lugar de una suma: cada copia que hizo la difusión devuelve su "
                                     "gradiente entero, así que las copias se suman.")),
                 (np.full(shape, grad.sum()), ("summed over axes that were not stretched: sum only over the axes "
                                               "added in front and the size-1 axes that were stretched.",
                                               "se sumó sobre ejes que no se estiraron (no estirados): suma solo "
                                               "sobre los ejes añadidos delante y los de tamaño 1 estirados."))]
        compare_array(f"{call_en}: wrong sum", f"{call_es}: suma incorrecta", got, expected, hints)
    passed(f"my_unbroadcast: {len(SHAPES)} shapes, as PyTorch's sum_to_size",
           f"my_unbroadcast: {len(SHAPES)} formas, como sum_to_size de PyTorch")


def _wrong_shape(call_en, call_es, got, grad_shape, shape, expected):
    """The result has the wrong shape: say which axes were not summed (or summed wrongly)."""
    np = numpy()
    lead = len(grad_shape) - len(shape)
    head_en = f"{call_en} returned shape {got.shape}; expected {tuple(shape)}."
    head_es = f"{call_es} devolvió forma {got.shape}; se esperaba {tuple(shape)}."
    kept_front = tuple(grad_shape[:lead]) + tuple(shape)
    only_front = tuple(grad_shape[lead:])
    if got.shape == tuple(grad_shape):
        hint = ("nothing was summed (a missing unbroadcast): sum over the axes broadcasting added in front and the "
                "axes of size 1 it stretched.",
                "no se sumó nada (falta deshacer la difusión): suma sobre los ejes que la difusión añadió delante y "
                "los de tamaño 1 que estiró.")
    elif got.size == expected.size and np.allclose(got.reshape(expected.shape), expected):
        hint = ("the numbers are right, the shape is not: keep the stretched size-1 axes (sum with keepdims=True) "
                "and drop only the axes added in front.",
                "los números son correctos, la forma no: conserva los ejes de tamaño 1 estirados (suma con "
                "keepdims=True) y quita solo los ejes añadidos delante.")
    elif lead and got.shape == kept_front:
        hint = (f"the {lead} axes added in front were not summed away.",
                f"no se eliminaron sumando los {lead} ejes añadidos delante.")
    elif got.shape == only_front:
        hint = ("the axes of size 1 that broadcasting stretched were not summed (with keepdims=True).",
                "no se sumaron (con keepdims=True) los ejes de tamaño 1 que estiró la difusión.")
    else:
        hint = ("broadcasting adds axes in front (shapes line up on the right) and stretches axes of size 1: "
                "sum over exactly those.",
                "la difusión añade ejes delante (las formas se alinean por la derecha) y estira ejes de tamaño 1: "
                "suma exactamente sobre esos.")
    fail_hint(head_en, head_es, hint)
