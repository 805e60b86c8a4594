"""Lab of chapter 09 (backward for whole arrays): a matmul Function and the fused softmax cross-entropy."""

from minigrad_labs.feedback import CheckFailed, close, fail, fmt, learner_code, passed, wrong_gradient


def _fresh_pair(rng, shape_a, shape_b):
    from minigrad import Tensor

    a_np, b_np = rng.normal(size=shape_a), rng.normal(size=shape_b)
    return a_np, b_np, Tensor(a_np, requires_grad=True), Tensor(b_np, requires_grad=True)


def matmul_backward(MyMatMul):
    """Exercise 09.1: ``MyMatMul.backward`` returns G @ B.T and A.T @ G, and passes gradcheck."""
    import numpy as np
    import torch

    from minigrad.gradcheck import GradcheckError, gradcheck

    rng = np.random.default_rng(9)
    for n, k, m in [(2, 3, 2), (1, 4, 3), (5, 2, 1), (3, 3, 3)]:
        a_np, b_np, a, b = _fresh_pair(rng, (n, k), (k, m))
        g = rng.normal(size=(n, m))
        with learner_code("MyMatMul.backward"):
            MyMatMul.apply(a, b).backward(g)
        expected = {"A": g @ b_np.T, "B": a_np.T @ g}
        for name, got in (("A", a.grad), ("B", b.grad)):
            want = expected[name]
            if got is None or np.shape(got) != want.shape:
                fail(f"dL/d{name} for a ({n}, {k}) @ ({k}, {m}) product has shape {np.shape(got)}, "
                     f"but a gradient has the shape of its input: {want.shape}.",
                     f"dL/d{name} de un producto ({n}, {k}) @ ({k}, {m}) tiene forma {np.shape(got)}, "
                     f"pero un gradiente tiene la forma de su entrada: {want.shape}.")
            if not np.allclose(got, want, rtol=1e-10, atol=1e-12):
                worst = np.unravel_index(np.argmax(np.abs(got - want)), want.shape)
                wrong_gradient(f"dL/d{name}{[int(i) for i in worst]} for a ({n}, {k}) @ ({k}, {m}) product",
                               f"dL/d{name}{[int(i) for i in worst]} de un producto ({n}, {k}) @ ({k}, {m})",
                               want[worst], got[worst])
        ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
        (ta @ tb).backward(torch.tensor(g))
        if not (np.allclose(a.grad, ta.grad.numpy(), rtol=1e-10) and np.allclose(b.grad, tb.grad.numpy(), rtol=1e-10)):
            fail("the gradients differ from PyTorch's.", "los gradientes no coinciden con los de PyTorch.")
        _, _, a, b = _fresh_pair(rng, (n, k), (k, m))
        try:
            with learner_code("MyMatMul.backward"):
                gradcheck(lambda a, b: MyMatMul.apply(a, b), [a, b])
        except CheckFailed as error:
            if isinstance(error.__cause__, GradcheckError):
                fail(f"gradcheck failed: {error.__cause__}", f"gradcheck falló: {error.__cause__}")
            raise
    passed("MyMatMul: gradcheck passes for 4 shapes and the gradients equal PyTorch's",
           "MyMatMul: gradcheck pasa con 4 formas y los gradientes coinciden con los de PyTorch")


def cross_entropy_backward(SoftmaxCrossEntropy):
    """Exercise 09.2: the fused softmax + cross-entropy returns (p - y) / N for the logits."""
    import numpy as np
    import torch

    from minigrad import Tensor

    rng = np.random.default_rng(90)
    for scale, (n, classes) in [(1.0, (4, 3)), (3.0, (6, 10)), (1000.0, (2, 3))]:
        logits_np, targets = rng.normal(size=(n, classes)) * scale, rng.integers(0, classes, size=n)
        logits = Tensor(logits_np, requires_grad=True)
        with learner_code("SoftmaxCrossEntropy"):
            loss = SoftmaxCrossEntropy.apply(logits, targets=targets)
            loss.backward()
        reference = torch.tensor(logits_np, requires_grad=True)
        torch_loss = torch.nn.functional.cross_entropy(reference, torch.tensor(targets))
        torch_loss.backward()
        if not close(float(loss.data), torch_loss.item(), tol=1e-10):
            fail(f"the loss is {fmt(loss.data)}, PyTorch's is {fmt(torch_loss.item())} (logits of scale {scale:g}).",
                 f"la pérdida es {fmt(loss.data)} y la de PyTorch {fmt(torch_loss.item())} (logits de escala {scale:g}).")
        want, got = reference.grad.numpy(), logits.grad
        if got is None or np.shape(got) != want.shape:
            fail(f"dL/dlogits has shape {np.shape(got)}, expected {want.shape}.",
                 f"dL/dlogits tiene forma {np.shape(got)}, se esperaba {want.shape}.")
        if not np.allclose(got, want, rtol=1e-8, atol=1e-12):
            worst = np.unravel_index(np.argmax(np.abs(got - want)), want.shape)
            hint_en = hint_es = ""
            if np.allclose(got, want * n, rtol=1e-8, atol=1e-12):
                hint_en, hint_es = " The loss is a mean over the batch: divide by N.", " La pérdida es una media sobre el lote: divide entre N."
            elif np.allclose(got, -want, rtol=1e-8, atol=1e-12):
                hint_en, hint_es = " The sign is flipped: it is p - y, not y - p.", " El signo está cambiado: es p - y, no y - p."
            fail(f"Wrong gradient dL/dlogits{[int(i) for i in worst]}: expected {fmt(want[worst])}, got {fmt(got[worst])}.{hint_en}",
                 f"Gradiente incorrecto dL/dlogits{[int(i) for i in worst]}: se esperaba {fmt(want[worst])}, se obtuvo {fmt(got[worst])}.{hint_es}")
    passed("SoftmaxCrossEntropy: loss and (p - y) / N equal PyTorch's, even for logits of ±1000",
           "SoftmaxCrossEntropy: la pérdida y (p - y) / N coinciden con PyTorch, incluso con logits de ±1000")
