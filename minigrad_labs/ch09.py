"""Lab of chapter 09 (backward for whole arrays): a matmul Function and the fused softmax cross-entropy.

Both checks send a ``grad_out`` that is not 1 (a random array for the product,
a factor for the loss), compare with PyTorch, and name the planted mistake that
gives the learner's numbers (a transpose missing, the gradients swapped, a sign,
1/N forgotten, grad_out ignored).
"""

from minigrad_labs.arrays import compare_array, learner_function, numbers, numpy
from minigrad_labs.feedback import close, fail, fmt, passed
from minigrad_labs.guard import learner_code

GRAD_OUT_IGNORED = ("`grad_out` is not used: the chain rule multiplies by it, and the check sends one that is "
                    "not all ones.",
                    "no se usa `grad_out`: la regla de la cadena multiplica por él, y la comprobación envía uno que "
                    "no es todo unos.")


def matmul_backward(MyMatMul):
    """Exercise 9.1: ``MyMatMul.backward`` returns G @ B.T and A.T @ G, and passes gradcheck."""
    import torch
    from minigrad import Tensor
    from minigrad.gradcheck import GradcheckError, gradcheck

    np = numpy()
    Checked = learner_function(MyMatMul, "MyMatMul", ("dL/dA", "dL/dB"))
    rng = np.random.default_rng(9)
    for n, k, m in [(2, 3, 2), (1, 4, 3), (5, 2, 1), (3, 3, 3)]:
        a_np, b_np, g = rng.normal(size=(n, k)), rng.normal(size=(k, m)), rng.normal(size=(n, m))
        a, b = Tensor(a_np, requires_grad=True), Tensor(b_np, requires_grad=True)
        with learner_code("MyMatMul"):
            Checked.apply(a, b).backward(g)
        ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
        (ta @ tb).backward(torch.tensor(g))
        ones = np.ones_like(g)
        product = f"({n}, {k}) @ ({k}, {m})"
        square = a_np.shape == b_np.shape
        for label, got, want, hints in (
            ("dL/dA", a.grad, ta.grad.numpy(), [
                (ones @ b_np.T, GRAD_OUT_IGNORED),
                (-(g @ b_np.T), ("a sign flip.", "un signo cambiado.")),
                (a_np.T @ g if square else None, ("dL/dA and dL/dB are swapped: return them in the order of the "
                                                  "inputs, (dL/dA, dL/dB).",
                                                  "dL/dA y dL/dB están intercambiados: devuélvelos en el orden de "
                                                  "las entradas, (dL/dA, dL/dB).")),
                (g @ b_np if g.shape[1] == b_np.shape[0] else None,
                 ("grad_out @ B: B's transpose is missing, dL/dA = grad_out @ B.T.",
                  "grad_out @ B: falta la traspuesta de B, dL/dA = grad_out @ B.T.")),
                (b_np @ g if b_np.shape[1] == g.shape[0] else None,
                 ("B @ grad_out only has the right shape by luck: match the shapes, dL/dA = grad_out @ B.T.",
                  "B @ grad_out solo tiene la forma correcta por casualidad: haz casar las formas, dL/dA = "
                  "grad_out @ B.T."))]),
            ("dL/dB", b.grad, tb.grad.numpy(), [
                (a_np.T @ ones, GRAD_OUT_IGNORED),
                (-(a_np.T @ g), ("a sign flip.", "un signo cambiado.")),
                (g @ b_np.T if square else None, ("dL/dA and dL/dB are swapped: return them in the order of the "
                                                  "inputs, (dL/dA, dL/dB).",
                                                  "dL/dA y dL/dB están intercambiados: devuélvelos en el orden de "
                                                  "las entradas, (dL/dA, dL/dB).")),
                (a_np @ g if a_np.shape[1] == g.shape[0] else None,
                 ("A @ grad_out: A's transpose is missing, dL/dB = A.T @ grad_out.",
                  "A @ grad_out: falta la traspuesta de A, dL/dB = A.T @ grad_out."))]),
        ):
            compare_array(f"MyMatMul: wrong gradient {label} for a {product} product",
                          f"MyMatMul: gradiente incorrecto {label} de un producto {product}", got, want, hints,
                          none_en=f"MyMatMul: {label} is None for a {product} product: backward returned None for "
                                  "it (both inputs want a gradient).",
                          none_es=f"MyMatMul: {label} es None para un producto {product}: backward devolvió None "
                                  "para ella (las dos entradas piden gradiente).")
        a2, b2 = Tensor(rng.normal(size=(n, k)), requires_grad=True), Tensor(rng.normal(size=(k, m)), requires_grad=True)
        try:
            with learner_code("MyMatMul"):
                gradcheck(lambda x, y: Checked.apply(x, y), [a2, b2])
        except Exception as error:  # noqa: BLE001
            if not isinstance(error.__cause__, GradcheckError):
                raise
            fail(f"MyMatMul fails gradcheck for a {product} product: {error.__cause__}",
                 f"MyMatMul no pasa gradcheck con un producto {product}: {error.__cause__}")
    passed("MyMatMul: gradcheck passes for 4 shapes and the gradients equal PyTorch's",
           "MyMatMul: gradcheck pasa con 4 formas y los gradientes coinciden con los de PyTorch")


def cross_entropy_backward(SoftmaxCrossEntropy):
    """Exercise 9.2: the fused softmax + cross-entropy returns grad_out * (p - y) / N for the logits."""
    import torch
    from minigrad import Tensor

    np = numpy()
    Checked = learner_function(SoftmaxCrossEntropy, "SoftmaxCrossEntropy", ("logits",))
    rng = np.random.default_rng(90)
    for scale, (n, classes), factor in [(1.0, (4, 3), 1.7), (3.0, (6, 10), -0.6), (1000.0, (2, 3), 2.5)]:
        logits_np, targets = rng.normal(size=(n, classes)) * scale, rng.integers(0, classes, size=n)
        logits = Tensor(logits_np, requires_grad=True)
        with learner_code("SoftmaxCrossEntropy"):
            loss = Checked.apply(logits, targets=targets)
            (loss * factor).backward()          # grad_out = factor, not 1
        reference = torch.tensor(logits_np, requires_grad=True)
        torch_loss = torch.nn.functional.cross_entropy(reference, torch.tensor(targets))
        (torch_loss * factor).backward()
        if not close(float(np.asarray(loss.data).reshape(-1)[0]), torch_loss.item(), tol=1e-10):
            (got_en, got_es), (want_en, want_es), (scale_en, scale_es) = numbers(
                fmt(loss.data), fmt(torch_loss.item()), f"{scale:g}")
            fail(f"SoftmaxCrossEntropy: the loss is {got_en}, PyTorch's is {want_en} (logits of scale {scale_en}).",
                 f"SoftmaxCrossEntropy: la pérdida es {got_es} y la de PyTorch {want_es} (logits de escala "
                 f"{scale_es}).")
        want = reference.grad.numpy()
        p = np.exp(logits_np - logits_np.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        y = np.zeros_like(p)
        y[np.arange(n), targets] = 1.0
        hints = [(want * n, ("the loss is a mean over the batch: divide by N.",
                             "la pérdida es una media sobre el lote: divide entre N.")),
                 (-want, ("the sign is flipped: it is p - y, not y - p.", "el signo está cambiado: es p - y, no y - p.")),
                 (want / factor, GRAD_OUT_IGNORED),
                 (want * n / classes, ("divided by the number of classes: N is the number of rows (the batch).",
                                       "dividido entre el número de clases: N es el número de filas (el lote).")),
                 (-factor * y / n, ("p is missing: the gradient is the softmax p minus the one-hot y, (p - y) / N.",
                                    "falta p: el gradiente es la softmax p menos el one-hot y, (p - y) / N.")),
                 (factor * p / n, ("the one-hot y is missing: the gradient is (p - y) / N.",
                                   "falta el one-hot y: el gradiente es (p - y) / N."))]
        (scale_en, scale_es), (factor_en, factor_es) = numbers(f"{scale:g}", f"{factor:g}")
        compare_array(f"SoftmaxCrossEntropy: wrong gradient dL/dlogits (logits of scale {scale_en}, grad_out "
                      f"{factor_en})",
                      f"SoftmaxCrossEntropy: gradiente incorrecto dL/dlogits (logits de escala {scale_es}, grad_out "
                      f"{factor_es})", logits.grad, want, hints, tol=1e-8,
                      none_en="SoftmaxCrossEntropy: the logits got no gradient: backward returned None.",
                      none_es="SoftmaxCrossEntropy: los logits no recibieron gradiente: backward devolvió None.")
    passed("SoftmaxCrossEntropy: loss and grad_out * (p - y) / N equal PyTorch's, even for logits of ±1000",
           "SoftmaxCrossEntropy: la pérdida y grad_out * (p - y) / N coinciden con PyTorch, incluso con logits de "
           "±1000")
