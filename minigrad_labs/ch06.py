"""Lab of chapter 06 (checking gradients): numerical gradients, Softplus, a fixed LeakyReLU."""

from minigrad_labs.arrays import compare_array, function_against_torch, leaf, numpy
from minigrad_labs.feedback import fail, learner_code, passed


def numerical_grad(my_numerical_grad):
    """Exercise 06.1: ``my_numerical_grad(f, x, eps=1e-6)``, central differences per entry."""
    np = numpy()
    x_data = np.random.default_rng(11).standard_normal((3, 2))
    x, tx = leaf(x_data)
    (tx.tanh() * tx).sum().backward()
    f = lambda v: float(np.sum(np.tanh(v) * v))
    given = x_data.copy()
    with learner_code("my_numerical_grad"):
        numeric = my_numerical_grad(f, given)
    if not np.array_equal(given, x_data):
        fail("my_numerical_grad left x changed: put each entry back after nudging it.",
             "my_numerical_grad dejó x cambiado: devuelve cada elemento a su valor tras moverlo.")
    forward = np.zeros_like(x_data)
    for i in np.ndindex(x_data.shape):
        bumped = x_data.copy()
        bumped[i] += 1e-6
        forward[i] = (f(bumped) - f(x_data)) / 1e-6
    if np.shape(numeric) == x_data.shape and np.allclose(numeric, forward, rtol=0, atol=1e-12) \
            and not np.allclose(numeric, tx.grad.numpy(), rtol=0, atol=1e-9):
        fail("my_numerical_grad looks like a forward difference (f(x + eps) - f(x)) / eps: "
             "its error is O(eps). Use the central difference (f(x + eps) - f(x - eps)) / (2 eps).",
             "my_numerical_grad parece una diferencia hacia delante (f(x + eps) - f(x)) / eps: "
             "su error es O(eps). Usa la diferencia central (f(x + eps) - f(x - eps)) / (2 eps).")
    compare_array("∂f/∂x by central differences", "∂f/∂x por diferencias centrales",
                   numeric, tx.grad.numpy(), tol=1e-7)
    passed("my_numerical_grad agrees with PyTorch's backward to 1e-7",
           "my_numerical_grad coincide con el backward de PyTorch hasta 1e-7")


def _gradcheck_passes(fn, data):
    from minigrad.gradcheck import GradcheckError, gradcheck
    from minigrad.tensor import Tensor

    try:
        return gradcheck(fn, [Tensor(data.copy(), requires_grad=True)])
    except GradcheckError:
        return False


def softplus(Softplus):
    """Exercise 06.2: ``Softplus(Function)``, log(1 + e^x), whose derivative is the sigmoid."""
    import torch

    np = numpy()
    data = np.random.default_rng(12).standard_normal((2, 3)) * 3
    with learner_code("Softplus"):
        ok = _gradcheck_passes(lambda t: Softplus.apply(t), data)
    function_against_torch("Softplus", lambda t: Softplus.apply(t), torch.nn.functional.softplus,
                            [(2, 3), (5,)], 12, lambda a: 1 / (1 + np.exp(-a)), scale=3.0)
    if not ok:
        fail("Softplus fails minigrad.gradcheck.", "Softplus no pasa minigrad.gradcheck.")
    passed("Softplus: passes gradcheck and agrees with PyTorch's softplus",
           "Softplus: pasa gradcheck y coincide con el softplus de PyTorch")


def leaky_relu(FixedLeakyReLU):
    """Exercise 06.3: the fixed ``LeakyReLU`` (slope 0.1 for x <= 0) passes gradcheck and PyTorch."""
    import torch

    np = numpy()
    function_against_torch("FixedLeakyReLU", lambda t: FixedLeakyReLU.apply(t),
                            lambda t: torch.nn.functional.leaky_relu(t, 0.1), [(8,), (3, 4)], 13)
    data = np.random.default_rng(13).standard_normal(8)
    with learner_code("FixedLeakyReLU"):
        ok = _gradcheck_passes(lambda t: FixedLeakyReLU.apply(t), data)
    if not ok:
        fail("FixedLeakyReLU fails minigrad.gradcheck.", "FixedLeakyReLU no pasa minigrad.gradcheck.")
    passed("FixedLeakyReLU: passes gradcheck on inputs of both signs, agrees with PyTorch",
           "FixedLeakyReLU: pasa gradcheck con entradas de los dos signos, coincide con PyTorch")
