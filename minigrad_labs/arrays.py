"""Shared by the tensor labs (chapters 05-09): numpy on demand, leaf pairs, array comparisons."""

from minigrad_labs.feedback import fail, learner_code, wrong_gradient


def numpy():
    import numpy as np

    return np


def leaf(array):
    """A float64 minigrad leaf that wants a gradient, and its PyTorch twin."""
    import torch
    from minigrad.tensor import Tensor

    array = numpy().asarray(array, dtype=numpy().float64)
    return Tensor(array.copy(), requires_grad=True), torch.tensor(array.copy(), requires_grad=True)


def compare_array(what_en, what_es, got, expected, why_candidates=None, tol=1e-10):
    """Compare a gradient array with the expected one: shape first, then values."""
    np = numpy()
    if got is None:
        fail(f"{what_en}: no gradient (None).", f"{what_es}: sin gradiente (None).")
    got = np.asarray(got)
    expected = np.asarray(expected)
    if got.shape != expected.shape:
        fail(f"{what_en} has shape {got.shape}, expected {expected.shape}.",
             f"{what_es} tiene forma {got.shape}, se esperaba {expected.shape}.",
             (why_candidates or {}).get("shape"))
    if not np.allclose(got, expected, rtol=tol, atol=tol):
        i = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape) if got.ndim else ()
        why = None
        for key, predicted in (why_candidates or {}).items():
            if key != "shape" and np.shape(predicted) == got.shape and np.allclose(got, predicted, rtol=tol, atol=tol):
                why = key
                break
        where = f"[{', '.join(map(str, i))}]" if got.ndim else ""
        wrong_gradient(f"{what_en}{', entry ' + where if where else ''}",
                       f"{what_es}{', elemento ' + where if where else ''}", expected[i], got[i], why)



def function_against_torch(name, op, torch_op, shapes, seed, derivative=None, scale=1.0):
    """(op(a) * w).sum() through the learner's Function vs PyTorch, with a broadcast weight."""
    np = numpy()
    rng = np.random.default_rng(seed)
    for shape in shapes:
        a_data = rng.standard_normal(shape) * scale
        w_data = rng.standard_normal(shape[-1:])
        (a, ta), (w, tw) = leaf(a_data), leaf(w_data)
        with learner_code(name):
            out = op(a)
            (out * w).sum().backward()
        (torch_op(ta) * tw).sum().backward()
        compare_array(f"output of {name}", f"salida de {name}", out.data, torch_op(ta).detach().numpy())
        upstream = np.broadcast_to(w_data, shape)
        candidates = {}
        if derivative is not None:
            local = derivative(a_data)
            candidates = {"no_upstream": local, "sign": -local * upstream}
        compare_array(f"of a (shape {shape}) through {name}", f"de a (forma {shape}) a través de {name}",
                       a.grad, ta.grad.numpy(), candidates)
        compare_array(f"of the weight w (shape {w_data.shape}) after {name}",
                       f"del peso w (forma {w_data.shape}) tras {name}", w.grad, tw.grad.numpy())
