"""Lab of chapter 05 (tensors and broadcasting): unbroadcast, the broadcasting rule, a Function."""

from minigrad_labs.arrays import compare_array, function_against_torch, numpy
from minigrad_labs.feedback import fail, learner_code, passed


def unbroadcast(unbroadcast):
    """Exercise 05.1: ``unbroadcast(grad, shape)`` sums grad back to an input's shape."""
    import torch

    np = numpy()
    rng = np.random.default_rng(5)
    cases = [((4, 3), (3,)), ((4, 3), (4, 1)), ((2, 4, 3), (2, 1, 3)), ((2, 4, 3), (4, 1)),
             ((2, 2), ()), ((3,), (3,)), ((5, 1, 4), (1, 1, 4))]
    for grad_shape, shape in cases:
        grad = rng.standard_normal(grad_shape)
        before = grad.copy()
        expected = torch.from_numpy(grad.copy()).sum_to_size(shape).numpy()
        with learner_code("unbroadcast"):
            got = unbroadcast(grad, shape)
        if not np.array_equal(grad, before):
            fail("unbroadcast changed the array it was given: sum into a new array instead.",
                 "unbroadcast cambió el array que recibió: suma en un array nuevo.")
        got = np.asarray(got)
        shape_why = "no_unbroadcast" if got.shape == grad_shape else None
        if got.shape != shape and got.size == expected.size:
            fail(f"the gradient of an input of shape {shape} (stretched to {grad_shape}) has shape {got.shape}: "
                 "right numbers, wrong shape. Keep the size-1 axes (keepdims=True) and drop only the added ones.",
                 f"el gradiente de una entrada de forma {shape} (estirada a {grad_shape}) tiene forma {got.shape}: "
                 "números correctos, forma errónea. Conserva los ejes de tamaño 1 (keepdims=True) y quita solo los añadidos.")
        compare_array(f"of an input of shape {shape} stretched to {grad_shape}",
                       f"de una entrada de forma {shape} estirada a {grad_shape}",
                       got, expected, {"shape": shape_why})
    passed("unbroadcast: 7 shapes, as PyTorch's sum_to_size", "unbroadcast: 7 formas, como sum_to_size de PyTorch")


def broadcast_rule(broadcast_rule):
    """Exercise 05.2: ``broadcast_rule(p_shape, q_shape)`` -> (out_shape, p_axes, q_axes) or None."""
    import torch

    pairs = [((2, 1, 3), (4, 1)), ((5, 4), (4,)), ((5, 4), (5,)), ((), (2, 2)), ((3, 1, 1), (1, 2, 1)),
             ((3,), (3,)), ((2, 3), (3, 2)), ((1,), (6, 1, 5))]
    for p_shape, q_shape in pairs:
        with learner_code("broadcast_rule"):
            got = broadcast_rule(p_shape, q_shape)
        try:
            out_shape = tuple(torch.broadcast_shapes(p_shape, q_shape))
        except RuntimeError:
            if got is not None:
                fail(f"{p_shape} and {q_shape} do not broadcast (compare the sizes from the right), "
                     f"so the answer is None; got {got}.",
                     f"{p_shape} y {q_shape} no se pueden difundir (compara los tamaños desde la derecha), "
                     f"así que la respuesta es None; se obtuvo {got}.")
            continue
        if got is None:
            fail(f"{p_shape} and {q_shape} do broadcast, to {out_shape}; got None.",
                 f"{p_shape} y {q_shape} sí se pueden difundir, a {out_shape}; se obtuvo None.")
        got_shape, p_axes, q_axes = got
        if tuple(got_shape) != out_shape:
            fail(f"{p_shape} with {q_shape}: the output has shape {out_shape}, got {tuple(got_shape)}.",
                 f"{p_shape} con {q_shape}: la salida tiene forma {out_shape}, se obtuvo {tuple(got_shape)}.")
        for name, shape, axes in (("p", p_shape, p_axes), ("q", q_shape, q_axes)):
            padded = (1,) * (len(out_shape) - len(shape)) + tuple(shape)
            expected = [i for i, (o, s) in enumerate(zip(out_shape, padded)) if o != s]
            if sorted(axes) != expected:
                fail(f"{p_shape} with {q_shape}: the gradient of {name} {shape} is summed over the output axes "
                     f"{expected} (added in front, or size 1 stretched), got {sorted(axes)}.",
                     f"{p_shape} con {q_shape}: el gradiente de {name} {shape} se suma sobre los ejes de salida "
                     f"{expected} (añadidos delante, o de tamaño 1 estirados), se obtuvo {sorted(axes)}.",
                     "no_unbroadcast")
    passed("broadcast_rule: 8 pairs of shapes, as torch.broadcast_shapes",
           "broadcast_rule: 8 pares de formas, como torch.broadcast_shapes")



def cube(Cube):
    """Exercise 05.3: ``Cube(Function)``, a**3 elementwise, inside a broadcast."""
    function_against_torch("Cube", lambda t: Cube.apply(t), lambda t: t**3, [(2, 3), (4,)], 6,
                            lambda a: 3 * a**2)
    passed("Cube: value and gradients as PyTorch, inside a broadcast",
           "Cube: valor y gradientes como PyTorch, dentro de una difusión")
