"""Lab of chapter 06 (checking gradients): a numerical gradient, Softplus, a fixed LeakyReLU.

The checks compare with PyTorch (float64) and with ``minigrad.gradcheck``, send
a ``grad_out`` that is not 1, test at the kink (x = 0 for LeakyReLU) and, where
the text promises stability, at extreme inputs (softplus at ±800).
"""

import warnings

from minigrad_labs.arrays import (as_array, compare_array, fail_hint, leaf, learner_function, matches, numbers,
                                  numpy, run_function, torch_function)
from minigrad_labs.ch05 import local_mistakes
from minigrad_labs.feedback import fail, passed
from minigrad_labs.guard import learner_code

# ---------------------------------------------------------------------------
# 06.1 A numerical gradient
# ---------------------------------------------------------------------------


def _tanh_times_x(v):
    np = numpy()
    return float(np.sum(np.tanh(v) * v))


def _call_numerical(my_numerical_grad, x_data, **eps):
    np = numpy()
    given = x_data.copy()
    with learner_code("my_numerical_grad"):
        got = my_numerical_grad(_tanh_times_x, given, **eps)
    # Nudging by +eps and -eps and back may leave the last bit or two changed: that is putting x back.
    if given.shape != x_data.shape or not np.allclose(given, x_data, rtol=1e-12, atol=1e-12):
        fail("my_numerical_grad left x changed: put each entry back after nudging it (the caller still uses x).",
             "my_numerical_grad dejó x cambiado: devuelve cada elemento a su valor tras moverlo (quien lo llama "
             "aún usa x).")
    return got


def numerical_grad(my_numerical_grad):
    """Exercise 6.1: ``my_numerical_grad(f, x, eps=1e-6)``, central differences per entry."""
    np = numpy()
    x_data = np.random.default_rng(11).standard_normal((3, 2))
    x, tx = leaf(x_data)
    (tx.tanh() * tx).sum().backward()
    expected = tx.grad.numpy()
    got = as_array("my_numerical_grad", _call_numerical(my_numerical_grad, x_data))
    if got.shape != x_data.shape:
        hint = None
        if got.size == x_data.size and np.allclose(got.reshape(x_data.shape), expected, atol=1e-7):
            hint = ("the numbers are right, in the wrong shape: return an array of x's shape (np.zeros_like(x)).",
                    "los números son correctos, con la forma equivocada: devuelve un array con la forma de x "
                    "(np.zeros_like(x)).")
        fail_hint(f"my_numerical_grad(f, x of shape {x_data.shape}) returned shape {got.shape}: one partial "
                  "derivative per entry of x, in x's shape.",
                  f"my_numerical_grad(f, x de forma {x_data.shape}) devolvió forma {got.shape}: una derivada "
                  "parcial por elemento de x, con la forma de x.", hint)
    forward = np.zeros_like(x_data)
    for i in np.ndindex(x_data.shape):
        bumped = x_data.copy()
        bumped[i] += 1e-6
        forward[i] = (_tanh_times_x(bumped) - _tanh_times_x(x_data)) / 1e-6
    if np.allclose(got, expected, rtol=0, atol=1e-7):
        passed("my_numerical_grad agrees with PyTorch's backward to 1e-7",
               "my_numerical_grad coincide con el backward de PyTorch hasta 1e-7")
        return
    if np.allclose(got, forward, rtol=0, atol=1e-12):
        fail("my_numerical_grad looks like a forward difference (f(x + eps) - f(x)) / eps: its error is O(eps). "
             "Use the central difference (f(x + eps) - f(x - eps)) / (2 eps).",
             "my_numerical_grad parece una diferencia hacia delante (f(x + eps) - f(x)) / eps: su error es O(eps). "
             "Usa la diferencia centrada (f(x + eps) - f(x - eps)) / (2 eps).")
    hints = [(2 * expected, ("the difference is divided by eps: the two points are 2 eps apart, divide by 2 * eps.",
                             "la diferencia se divide entre eps: los dos puntos distan 2 eps, divide entre 2 * eps.")),
             (-expected, ("a sign flip: (f(x + eps) - f(x - eps)), the point ahead minus the point behind.",
                          "un signo cambiado: (f(x + eps) - f(x - eps)), el punto de delante menos el de detrás."))]
    if np.allclose(got, got.flat[0]) and not np.allclose(expected, expected.flat[0]):
        hints.append((got, ("every entry was nudged at once: nudge one entry at a time, so each entry gets its own "
                            "partial derivative.",
                            "se movieron todos los elementos a la vez: mueve un elemento cada vez, para que cada "
                            "elemento tenga su propia derivada parcial.")))
    if not any(matches(got, predicted, 1e-7) for predicted, _ in hints) and _ignores_eps(my_numerical_grad, x_data, got):
        hints.append((got, ("the result does not change with the eps argument: use `eps`, not a step of your own.",
                            "el resultado no cambia con el argumento eps: usa `eps`, no un paso propio.")))
    compare_array("my_numerical_grad: wrong ∂f/∂x for f(x) = sum(tanh(x) * x)",
                  "my_numerical_grad: ∂f/∂x incorrecta para f(x) = sum(tanh(x) * x)", got, expected, hints, tol=1e-7)


def _ignores_eps(my_numerical_grad, x_data, got):
    """Does the learner's result stay the same, to the bit, when eps changes? (A diagnosis only.)"""
    np = numpy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            other = np.asarray(my_numerical_grad(_tanh_times_x, x_data.copy(), eps=1e-3), dtype=float)
    except Exception:  # noqa: BLE001  (a diagnosis: if it cannot run, it says nothing)
        return False
    return other.shape == got.shape and bool(np.array_equal(other, got))


# ---------------------------------------------------------------------------
# 06.2 Softplus
# ---------------------------------------------------------------------------

EXTREMES = [-800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0]


def _sigmoid(a):
    np = numpy()
    return np.exp(-np.logaddexp(0, -a))


def softplus(Softplus):
    """Exercise 6.2: ``Softplus(Function)``, log(1 + e^a), finite at ±800, derivative the sigmoid."""
    import torch

    np = numpy()
    Checked = learner_function(Softplus, "Softplus", ("a",))
    rng = np.random.default_rng(12)
    for shape in [(2, 3), (5,)]:
        a = rng.standard_normal(shape) * 3
        w = rng.standard_normal(shape[-1:])
        out, a_grad, _ = run_function("Softplus", Checked.apply, a, w)
        t_out, t_a_grad, _ = torch_function(torch.nn.functional.softplus, a, w)
        compare_array(f"Softplus: the output for an input of shape {shape}, log(1 + e**a)",
                      f"Softplus: la salida para una entrada de forma {shape}, log(1 + e**a)", out, t_out)
        upstream = np.broadcast_to(w, shape)
        hints = local_mistakes(_sigmoid(a), upstream, [
            (_sigmoid(-a) * upstream, ("sigmoid(-a) instead of sigmoid(a) = 1 / (1 + e**-a): the sign inside "
                                       "the exponent.",
                                       "sigmoide(-a) en lugar de sigmoide(a) = 1 / (1 + e**-a): el signo dentro "
                                       "del exponente.")),
            (np.logaddexp(0, a) * upstream, ("the derivative of softplus is the sigmoid 1 / (1 + e**-a), not "
                                             "softplus itself.",
                                             "la derivada de softplus es la sigmoide 1 / (1 + e**-a), no el propio "
                                             "softplus.")),
        ])
        compare_array(f"Softplus: wrong gradient of a (shape {shape}); it is grad_out times the sigmoid of a",
                      f"Softplus: gradiente incorrecto de a (forma {shape}); es grad_out por la sigmoide de a",
                      a_grad, t_a_grad, hints,
                      none_en="Softplus: a got no gradient: backward returned None for it.",
                      none_es="Softplus: a no recibió gradiente: backward devolvió None para ella.")
    _softplus_extremes(Checked)
    _gradcheck("Softplus", Checked, rng.standard_normal((2, 3)) * 3)
    passed("Softplus: passes gradcheck, agrees with PyTorch's softplus, finite at ±800",
           "Softplus: pasa gradcheck, coincide con el softplus de PyTorch, finito en ±800")


def _softplus_extremes(Checked):
    """At ±800 the text asks for a finite forward; the sigmoid there is 0 and 1, finite too."""
    np = numpy()
    a = np.array(EXTREMES)
    upstream = np.linspace(0.5, 2.0, a.size)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")                 # an overflow is reported below, once, by name
        t, _ = leaf(a)
        with learner_code("Softplus"):
            y = Checked.apply(t)
            y.backward(upstream)
        out = y.data
    expected_out, expected_grad = np.logaddexp(0, a), _sigmoid(a) * upstream
    for values, expected, what_en, what_es in ((out, expected_out, "the output", "la salida"),
                                               (t.grad, expected_grad, "the gradient", "el gradiente")):
        if values is None:
            continue
        bad = [i for i in range(a.size)
               if not np.isfinite(values[i]) or abs(values[i] - expected[i]) > 1e-8 * max(1.0, abs(expected[i]))]
        if bad:
            i = bad[0]
            (at_en, at_es), (big_en, big_es), (want_en, want_es) = numbers(
                f"{a[i]:g}", f"{abs(a[i]):g}", f"{expected[i]:.6g}")
            fail(f"Softplus at a = {at_en}: {what_en} is {float(values[i])!r}, expected {want_en}. "
                 f"e**{big_en} overflows to inf in float64 (beyond about e**709); the text asks for a result "
                 "that stays finite at ±800: np.logaddexp(0, a) for the forward, 1 / (1 + np.exp(-a)) or "
                 "np.exp(-np.logaddexp(0, -a)) for the sigmoid.",
                 f"Softplus en a = {at_es}: {what_es} es {float(values[i])!r}, se esperaba {want_es}. "
                 f"e**{big_es} se desborda a inf en float64 (más allá de e**709); el texto pide un resultado "
                 "finito en ±800: np.logaddexp(0, a) para la pasada hacia delante, 1 / (1 + np.exp(-a)) o "
                 "np.exp(-np.logaddexp(0, -a)) para la sigmoide.")


def _gradcheck(name, Checked, data):
    from minigrad.gradcheck import GradcheckError, gradcheck
    from minigrad.tensor import Tensor

    try:
        with learner_code(name):
            gradcheck(lambda t: Checked.apply(t), [Tensor(data.copy(), requires_grad=True)])
    except Exception as error:  # noqa: BLE001
        cause = error.__cause__ if isinstance(error.__cause__, GradcheckError) else None
        if cause is None:
            raise
        fail(f"{name} fails minigrad.gradcheck: {cause}", f"{name} no pasa minigrad.gradcheck: {cause}")


# ---------------------------------------------------------------------------
# 06.3 Find the bug: FixedLeakyReLU
# ---------------------------------------------------------------------------

# Both signs, and the kink itself: at a = 0 the text's rule (0.1 a for a <= 0) and PyTorch give slope 0.1.
KINK = [-2.0, -0.5, -1e-9, 0.0, 0.0, 1e-9, 0.5, 2.0]


def leaky_relu(FixedLeakyReLU):
    """Exercise 6.3: the fixed ``LeakyReLU`` (slope 0.1 for x <= 0) against PyTorch, at the kink too."""
    import torch

    np = numpy()
    Checked = learner_function(FixedLeakyReLU, "FixedLeakyReLU", ("a",))
    torch_op = lambda t: torch.nn.functional.leaky_relu(t, 0.1)
    rng = np.random.default_rng(13)
    inputs = [rng.standard_normal(8), rng.standard_normal((3, 4)), np.array(KINK)]
    for a in inputs:
        w = rng.uniform(0.5, 2.0, a.shape[-1:]) * rng.choice([-1.0, 1.0], a.shape[-1:])
        out, a_grad, _ = run_function("FixedLeakyReLU", Checked.apply, a, w)
        _, t_a_grad, _ = torch_function(torch_op, a, w)
        upstream = np.broadcast_to(w, a.shape)
        slope = np.where(a > 0, 1.0, 0.1)
        if a_grad is None:
            fail("FixedLeakyReLU: a got no gradient: backward returned None for it.",
                 "FixedLeakyReLU: a no recibió gradiente: backward devolvió None para ella.")
        compare_array(f"FixedLeakyReLU: the gradient of a (shape {a.shape})",
                      f"FixedLeakyReLU: el gradiente de a (forma {a.shape})", a_grad, t_a_grad,
                      local_mistakes(slope, upstream, _slope_hints(a, a_grad, upstream)))
    _gradcheck("FixedLeakyReLU", Checked, rng.standard_normal(8))
    passed("FixedLeakyReLU: as PyTorch on both sides, at the kink a = 0 too, and passes gradcheck",
           "FixedLeakyReLU: como PyTorch a ambos lados, también en el punto anguloso a = 0, y pasa gradcheck")


def _slope_hints(a, a_grad, upstream):
    """Name the slope the learner used on each side, and the side where a = 0 went."""
    np = numpy()
    got = np.asarray(a_grad, dtype=float)
    if got.shape != a.shape:
        return []
    hints = []
    zero = a == 0
    if zero.any():
        at_zero = np.where(zero, upstream, np.where(a > 0, upstream, 0.1 * upstream))
        hints.append((at_zero, ("at a = 0 the gradient is 0.1 * grad_out (the rule says 0.1 a for a <= 0, as "
                                "PyTorch): `a >= 0` puts the kink on the wrong side; use `a > 0`.",
                                "en a = 0 el gradiente es 0,1 * grad_out (la regla dice 0,1 a para a <= 0, como "
                                "PyTorch): `a >= 0` pone el punto anguloso del lado equivocado; usa `a > 0`.")))
    negative = a < 0
    with np.errstate(all="ignore"):
        ratio = got[negative] / upstream[negative]
    if negative.any() and np.allclose(ratio, ratio[0]) and not np.isclose(ratio[0], 0.1):
        slope = float(ratio[0])
        sign_en = " (the sign too)" if slope < 0 else ""
        sign_es = " (también el signo)" if slope < 0 else ""
        hints.append((got, (f"on the negative side the slope is 0.1; this backward uses {slope:g}{sign_en}.",
                            f"en el lado negativo la pendiente es 0,1; este backward usa "
                            f"{str(round(slope, 6)).replace('.', ',')}{sign_es}.")))
    positive = a > 0
    with np.errstate(all="ignore"):
        ratio = got[positive] / upstream[positive]
    if positive.any() and np.allclose(ratio, ratio[0]) and not np.isclose(ratio[0], 1.0):
        hints.append((got, (f"on the positive side the slope is 1 (and 0.1 on the other); this backward uses "
                            f"{float(ratio[0]):g}.",
                            f"en el lado positivo la pendiente es 1 (y 0,1 en el otro); este backward usa "
                            f"{str(round(float(ratio[0]), 6)).replace('.', ',')}.")))
    return hints
