"""Lab of chapter 08 (training): a train step, a stable cross-entropy, an optimizer, a whole network.

Each check compares with PyTorch (or ``optim.SGD``) step by step, and names the
mistake whose planted version gives the learner's numbers: zero_grad forgotten,
backward or step missing or doubled, a sum for a mean, a sign, a None gradient
not skipped, a model without non-linearity, biases left out of parameters().
"""

import functools

from minigrad_labs.arrays import as_array, as_tensor, compare_array, fail_hint, numbers, numpy, percents
from minigrad_labs.feedback import close, fail, fmt, passed
from minigrad_labs.guard import learner_code


@functools.lru_cache(maxsize=1)
def _digits():
    """sklearn's 8x8 digits, scaled to 0..1, split as chapter 08 splits them."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    return train_test_split(digits.data / 16.0, digits.target, test_size=0.25,
                            stratify=digits.target, random_state=0)


def _torch_twin(model):
    """A torch.nn.Sequential with the same Linear/ReLU layers and a float64 copy of the weights."""
    import torch
    from minigrad import nn

    layers = [torch.nn.Linear(m.in_features, m.out_features, dtype=torch.float64)
              if isinstance(m, nn.Linear) else torch.nn.ReLU() for m in model]
    twin = torch.nn.Sequential(*layers)
    ours = dict(model.named_parameters())
    with torch.no_grad():
        for name, param in twin.named_parameters():
            param.copy_(torch.from_numpy(ours[name].data.astype(numpy().float64)))
    return twin


def _loss_number(name, got):
    """The loss a train step returned, as a float: a Python float (or numpy float) only."""
    np = numpy()
    if got is None:
        fail(f"`{name}` returned None: is a `return` missing? It returns the loss, `loss.item()`.",
             f"`{name}` devolvió None: ¿falta un `return`? Devuelve la pérdida, `loss.item()`.")
    if isinstance(got, bool) or not isinstance(got, (float, int, np.floating, np.integer)):
        fail(f"`{name}` must return the loss as a Python float (`loss.item()`); it returned a {type(got).__name__} "
             f"({got!r:.60}).",
             f"`{name}` debe devolver la pérdida como float de Python (`loss.item()`); devolvió un "
             f"{type(got).__name__} ({got!r:.60}).")
    return float(got)


# ---------------------------------------------------------------------------
# 08.1 One training step
# ---------------------------------------------------------------------------


def train_step(train_step):
    """Exercise 8.1: ``train_step(model, optimizer, xb, yb)``: zero, forward, loss, backward, step."""
    import torch
    from minigrad import nn, optim

    np = numpy()
    X_train, _, y_train, _ = _digits()
    nn.manual_seed(1)
    model = nn.MLP([64, 16, 10], dtype=np.float64)
    twin = _torch_twin(model)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    their_optimizer = torch.optim.SGD(twin.parameters(), lr=0.1)
    for step, start in enumerate((0, 32)):
        xb, yb = X_train[start:start + 32], y_train[start:start + 32]
        before = {name: p.data.copy() for name, p in model.named_parameters()}
        with learner_code("train_step"):
            loss = train_step(model, optimizer, xb, yb)
        loss = _loss_number("train_step", loss)
        their_optimizer.zero_grad()
        their_loss = torch.nn.functional.cross_entropy(twin(torch.tensor(xb)), torch.tensor(yb))
        their_loss.backward()
        their_optimizer.step()
        if not close(loss, their_loss.item(), 1e-10):
            hint = None
            if close(loss, their_loss.item() * len(yb), 1e-10):
                hint = ("the sum of the batch's losses: the loss is their mean (F.cross_entropy).",
                        "la suma de las pérdidas del lote: la pérdida es su media (F.cross_entropy).")
            (got_en, got_es), (want_en, want_es) = numbers(fmt(loss), fmt(their_loss.item()))
            fail_hint(f"train_step, step {step + 1}: it returned the loss {got_en}; PyTorch's is {want_en} (the loss "
                      "of the batch before the update).",
                      f"train_step, paso {step + 1}: devolvió la pérdida {got_es}; la de PyTorch es {want_es} (la "
                      "pérdida del lote antes de actualizar).", hint)
        theirs = dict(twin.named_parameters())
        for name, param in model.named_parameters():
            want = theirs[name].detach().numpy()
            if np.allclose(param.data, want, rtol=1e-10, atol=1e-12):
                continue
            moved, want_moved = param.data - before[name], want - before[name]
            if np.allclose(moved, 0, atol=1e-15):
                hint = ("the weights did not move: `optimizer.step()` must come after `loss.backward()` (step "
                        "before backward, or no backward, updates nothing).",
                        "los pesos no se movieron: `optimizer.step()` va después de `loss.backward()` (step antes "
                        "de backward, o sin backward, no actualiza nada).")
            elif np.allclose(moved, 2 * want_moved, rtol=1e-8, atol=1e-14):
                hint = ("the update is twice as large: `loss.backward()` or `optimizer.step()` runs twice.",
                        "la actualización es el doble de grande: `loss.backward()` u `optimizer.step()` se "
                        "ejecuta dos veces.")
            elif step == 1:
                hint = ("the gradients were not reset: call `optimizer.zero_grad()` in every step, or the new "
                        "gradients add to the old ones.",
                        "no se pusieron a cero los gradientes: llama a `optimizer.zero_grad()` en cada paso, o "
                        "los nuevos se suman a los viejos.")
            else:
                hint = None
            fail_hint(f"train_step: after step {step + 1} the weights of {name} differ from PyTorch's "
                      "(zero_grad, forward, loss, backward, step).",
                      f"train_step: tras el paso {step + 1} los pesos de {name} difieren de los de PyTorch "
                      "(zero_grad, forward, pérdida, backward, step).", hint)
    passed("train_step: two SGD steps, the same losses and weights as PyTorch",
           "train_step: dos pasos de SGD, las mismas pérdidas y pesos que PyTorch")


# ---------------------------------------------------------------------------
# 08.2 Cross-entropy from primitive operations
# ---------------------------------------------------------------------------


def _log_softmax(x, axis=1):
    np = numpy()
    z = x - x.max(axis=axis, keepdims=True)
    with np.errstate(all="ignore"):
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def cross_entropy(my_cross_entropy):
    """Exercise 8.2: a stable ``my_cross_entropy(logits, targets)`` from elementary operations."""
    import torch
    from minigrad.tensor import Tensor

    np = numpy()
    rng = np.random.default_rng(0)
    extreme = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    cases = [("ordinary", "ordinarios", rng.normal(size=(8, 10)), rng.integers(0, 10, size=8)),
             ("±1000", "±1000", extreme, np.array([0, 2]))]
    for label_en, label_es, logits_np, targets_np in cases:
        logits = Tensor(logits_np.copy(), requires_grad=True)
        with np.errstate(all="ignore"):
            with learner_code("my_cross_entropy"):
                loss = my_cross_entropy(logits, targets_np.copy())
            loss = as_tensor("my_cross_entropy", loss)
            if loss.data.size != 1:
                fail(f"my_cross_entropy({label_en} logits of shape {logits_np.shape}) returned a Tensor of shape "
                     f"{tuple(loss.shape)}: the loss is one number, the mean over the batch (`.mean()`).",
                     f"my_cross_entropy(logits {label_es} de forma {logits_np.shape}) devolvió un Tensor de forma "
                     f"{tuple(loss.shape)}: la pérdida es un número, la media sobre el lote (`.mean()`).")
            if not loss._op or _ops(loss) & {"cross_entropy", "log_softmax", "softmax"}:
                fail("my_cross_entropy: build it from elementary operations (max, exp, sum, log, indexing, mean), "
                     "not F.cross_entropy or F.log_softmax: the exercise is to write them.",
                     "my_cross_entropy: constrúyela con operaciones elementales (max, exp, sum, log, indexación, "
                     "mean), no con F.cross_entropy ni F.log_softmax: el ejercicio es escribirlas.")
            with learner_code("my_cross_entropy"):
                loss.backward()
        value = float(np.asarray(loss.data).reshape(-1)[0])
        tlogits = torch.tensor(logits_np, requires_grad=True)
        tloss = torch.nn.functional.cross_entropy(tlogits, torch.tensor(targets_np))
        tloss.backward()
        if not (np.isfinite(value) and close(value, tloss.item(), 1e-9)):
            (got_en, got_es), (want_en, want_es) = numbers(fmt(value), fmt(tloss.item()))
            fail_hint(f"my_cross_entropy, {label_en} logits: loss {got_en}, PyTorch {want_en}.",
                      f"my_cross_entropy, logits {label_es}: pérdida {got_es}, PyTorch {want_es}.",
                      _loss_hint(value, logits_np, targets_np))
        compare_array(f"my_cross_entropy: the gradient of the {label_en} logits",
                      f"my_cross_entropy: el gradiente de los logits {label_es}", logits.grad, tlogits.grad.numpy(),
                      tol=1e-9)
    passed("my_cross_entropy: stable at ±1000, value and gradient as PyTorch",
           "my_cross_entropy: estable en ±1000, valor y gradiente como PyTorch")


def _ops(root):
    """The names of the operations in the graph of ``root`` (an explicit stack: graphs can be deep)."""
    seen, stack, ops = set(), [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        ops.add(getattr(node, "_op", ""))
        stack.extend(getattr(node, "_prev", ()) or ())
    return ops


def _loss_hint(value, logits, targets):
    """The mistake whose planted version gives this loss."""
    np = numpy()
    n = len(targets)
    rows = np.arange(n)
    log_p = _log_softmax(logits)
    right = -log_p[rows, targets].mean()
    if not np.isfinite(value):
        return ("exp overflows (or the log of an underflowed 0) at ±1000: subtract the largest logit of each row "
                "before exp, and take log_softmax = shifted - log(sum(exp(shifted))) rather than log(softmax).",
                "exp se desborda (o se toma el log de un 0 por desbordamiento inferior) en ±1000: resta el mayor "
                "logit de cada fila antes de exp, y calcula log_softmax = shifted - log(sum(exp(shifted))) en lugar "
                "de log(softmax).")
    candidates = [
        (right * n, ("the sum over the batch: the loss is the mean.", "la suma sobre el lote: la pérdida es la media.")),
        (-right, ("a sign flip: the loss is minus the mean log-probability of the correct class.",
                  "un signo cambiado: la pérdida es menos la media de la log-probabilidad de la clase correcta.")),
        (-log_p[:, targets].mean(), ("log_p[:, targets] picks a whole matrix: pick the target of each row, "
                                     "log_p[np.arange(N), targets].",
                                     "log_p[:, targets] toma una matriz entera: toma la clase correcta de cada "
                                     "fila, log_p[np.arange(N), targets].")),
        (-_log_softmax(logits, axis=0)[rows, targets].mean(),
         ("the largest logit is taken over axis 0 (the batch): take it per row, axis=1, keepdims=True.",
          "el mayor logit se toma sobre el eje 0 (el lote): tómalo por fila, axis=1, keepdims=True.")),
    ]
    return next((cause for predicted, cause in candidates if close(value, predicted, 1e-9)), None)


# ---------------------------------------------------------------------------
# 08.3 Your own optimizer
# ---------------------------------------------------------------------------


def _train(model, optimizer, X, y, epochs, batch_size=32, seed=0):
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    shuffle = numpy().random.default_rng(seed)
    for _ in range(epochs):
        order = shuffle.permutation(len(X))
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(Tensor(X[batch])), y[batch])
            loss.backward()
            optimizer.step()
    return loss.item()


def _accuracy(model, X, y):
    from minigrad.tensor import Tensor, no_grad

    with no_grad():
        return float((model(Tensor(X)).data.argmax(axis=1) == y).mean())


def _probe_sgd(MySGD, who):
    """One step and one zero_grad on three parameters, one of them without a gradient (None)."""
    from minigrad import nn

    np = numpy()
    rng = np.random.default_rng(2)
    params = [nn.Parameter(rng.normal(size=(3, 2))), nn.Parameter(rng.normal(size=4)),
              nn.Parameter(rng.normal(size=2))]
    before = [p.data.copy() for p in params]
    grads = [rng.normal(size=(3, 2)), None, rng.normal(size=2)]
    for p, g in zip(params, grads):
        p.grad = None if g is None else g.copy()
    with learner_code(who):
        optimizer = MySGD(params, lr=0.1)
    try:
        with learner_code(who):
            optimizer.step()
    except Exception as error:  # noqa: BLE001  (the learner's crash, already a LabError: name its likely cause)
        if "NoneType" not in f"{error} {error.__cause__}":
            raise
        fail(f"{who}.step() failed on a parameter whose .grad is None (one that took no part in the loss): "
             f"skip such parameters (`if p.grad is None: continue`).\n{error}",
             f"{who}.step() falló con un parámetro cuyo .grad es None (uno que no intervino en la pérdida): "
             f"sáltate esos parámetros (`if p.grad is None: continue`).\n{error}")
    for i, (p, b, g) in enumerate(zip(params, before, grads)):
        data = as_array(f"{who}.step", p.data, f"p.data after step (parameter {i})",
                        f"p.data tras step (parámetro {i})")
        want = b if g is None else b - 0.1 * g
        if data.shape == want.shape and np.allclose(data, want, rtol=1e-12, atol=1e-14):
            continue
        hint = None
        if g is None:
            hint = ("a parameter whose .grad is None must stay as it is.",
                    "un parámetro cuyo .grad es None debe quedarse como está.")
        elif data.shape == want.shape and np.allclose(data, b + 0.1 * g):
            hint = ("a sign flip: `-=`, a step against the gradient (descent), not along it.",
                    "un signo cambiado: `-=`, un paso contra el gradiente (descenso), no a favor.")
        elif data.shape == want.shape and np.allclose(data, b):
            hint = ("step() did not change p.data.", "step() no cambió p.data.")
        elif data.shape == want.shape and not np.allclose(g, 0):
            ratio = (b - data) / g
            if np.allclose(ratio, ratio.flat[0]):
                (lr_en, lr_es), = numbers(f"{ratio.flat[0]:.4g}")
                hint = (f"the step used the learning rate {lr_en}, not `self.lr` (0.1 here).",
                        f"el paso usó la tasa de aprendizaje {lr_es}, no `self.lr` (aquí 0,1).")
        fail_hint(f"{who}: after step() with lr=0.1, parameter {i} is not p.data - lr * p.grad.",
                  f"{who}: tras step() con lr=0.1, el parámetro {i} no es p.data - lr * p.grad.", hint)
    with learner_code(who):
        optimizer.zero_grad()
    for i, p in enumerate(params):
        if p.grad is not None and np.any(np.asarray(p.grad) != 0):
            fail(f"{who}.zero_grad() left the gradient of parameter {i} as it was: it must reset every "
                 "parameter's .grad (to None), or the next backward adds to the old gradient.",
                 f"{who}.zero_grad() dejó el gradiente del parámetro {i} como estaba: debe reiniciar el .grad de "
                 "cada parámetro (a None), o el siguiente backward se suma al gradiente viejo.")


def my_sgd(MySGD, epochs=20, target=0.95):
    """Exercise 8.3: ``MySGD(params, lr)`` trains exactly as ``optim.SGD``; returns the test accuracy."""
    from minigrad import nn, optim

    np = numpy()
    _probe_sgd(MySGD, "MySGD")
    X_train, X_test, y_train, y_test = _digits()
    runs = []
    for optimizer_class in (optim.SGD, MySGD):
        nn.manual_seed(0)
        model = nn.MLP([64, 64, 10], dtype=np.float64)
        with learner_code("MySGD"):
            _train(model, optimizer_class(model.parameters(), lr=0.1), X_train, y_train, epochs)
        runs.append(model)
    for (name, a), (_, b) in zip(runs[1].named_parameters(), runs[0].named_parameters()):
        if not np.allclose(a.data, b.data, rtol=1e-12, atol=1e-12):
            fail(f"MySGD: after {epochs} epochs the weights {name} differ from those trained by optim.SGD "
                 "(p.data - lr * p.grad at every step, gradients reset by zero_grad).",
                 f"MySGD: tras {epochs} épocas los pesos {name} difieren de los entrenados con optim.SGD "
                 "(p.data - lr * p.grad en cada paso, gradientes reiniciados por zero_grad).")
    acc = _accuracy(runs[1], X_test, y_test)
    (acc_en, acc_es), = percents(acc)
    (target_en, target_es), = percents(target, digits=0)
    if acc < target:
        fail(f"MySGD: test accuracy {acc_en}, expected at least {target_en}.",
             f"MySGD: exactitud en el conjunto de prueba {acc_es}, se esperaba al menos {target_es}.")
    passed(f"MySGD: skips None gradients; the same weights as optim.SGD after {epochs} epochs; "
           f"test accuracy {acc_en}",
           f"MySGD: se salta los gradientes None; los mismos pesos que optim.SGD tras {epochs} épocas; "
           f"exactitud en el conjunto de prueba {acc_es}")
    return acc


# ---------------------------------------------------------------------------
# 08.4 Digits on a network of your own
# ---------------------------------------------------------------------------


def _parameters(model):
    """``model.parameters()`` as a list of Tensors that want a gradient, or stop."""
    from minigrad.tensor import Tensor

    with learner_code("TinyMLP"):
        params = model.parameters()
        params = None if params is None else list(params)
    if not params:
        fail(f"TinyMLP: parameters() returned {params!r}: it returns the list of the model's weights.",
             f"TinyMLP: parameters() devolvió {params!r}: devuelve la lista de los pesos del modelo.")
    for i, p in enumerate(params):
        if not (isinstance(p, Tensor) and p.requires_grad):
            fail(f"TinyMLP: parameters() item {i} is a {type(p).__name__}; every parameter is a Tensor that wants "
                 "a gradient (requires_grad=True).",
                 f"TinyMLP: el elemento {i} de parameters() es un {type(p).__name__}; cada parámetro es un Tensor "
                 "que pide gradiente (requires_grad=True).")
    return params


def _leaves(root):
    """The leaves of the graph of ``root`` that want a gradient (an explicit stack: graphs can be deep)."""
    seen, stack, leaves = set(), [root], []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        parents = list(getattr(node, "_prev", ()) or ())
        if not parents and getattr(node, "requires_grad", False):
            leaves.append(node)
        stack.extend(parents)
    return leaves


def _logits(model, x):
    from minigrad.tensor import Tensor

    with learner_code("TinyMLP"):
        out = model(Tensor(x))
    out = as_tensor("TinyMLP", out)
    if tuple(out.shape) != (len(x), 10):
        fail(f"TinyMLP(64, 32, 10, rng) maps a batch {x.shape} to logits of shape {(len(x), 10)}; got "
             f"{tuple(out.shape)}.",
             f"TinyMLP(64, 32, 10, rng) lleva un lote {x.shape} a logits de forma {(len(x), 10)}; se obtuvo "
             f"{tuple(out.shape)}.")
    return out


def digits_from_scratch(TinyMLP, MySGD, epochs=20, target=0.93):
    """Exercise 8.4 (stretch goal): the learner's own MLP and optimizer learn the digits.

    No PyTorch twin (the architecture is the learner's): the model must be
    non-linear, list every tensor it learns in parameters(), have gradients equal
    to central differences on random weights, and reach the accuracy. Returns it.
    """
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    np = numpy()
    X_train, X_test, y_train, y_test = _digits()
    with learner_code("TinyMLP"):
        model = TinyMLP(64, 32, 10, np.random.default_rng(0))
    params = _parameters(model)
    logits = _logits(model, X_train[:16])
    known = {id(p) for p in params}
    left_out = [leaf for leaf in _leaves(logits) if id(leaf) not in known]
    if left_out:
        fail(f"TinyMLP: the logits depend on a tensor of shape {tuple(left_out[0].shape)} that wants a gradient but "
             "is not in parameters() (a bias?): an optimizer given parameters() would never update it.",
             f"TinyMLP: los logits dependen de un tensor de forma {tuple(left_out[0].shape)} que pide gradiente pero "
             "no está en parameters() (¿un sesgo?): un optimizador que recibe parameters() nunca lo actualizaría.")
    if np.allclose(logits.data, logits.data[:1], rtol=1e-12, atol=1e-12):
        fail("TinyMLP: the logits are the same for every input. With every weight equal (all zeros?), the hidden "
             "units compute the same thing and get the same gradient, so they never differ (symmetry): initialise "
             "the weights at random, e.g. rng.uniform(-1/sqrt(n_in), 1/sqrt(n_in), ...).",
             "TinyMLP: los logits son iguales para cada entrada. Con todos los pesos iguales (¿todos cero?), las "
             "unidades ocultas calculan lo mismo y reciben el mismo gradiente, así que nunca se diferencian "
             "(simetría): inicializa los pesos al azar, p. ej. rng.uniform(-1/sqrt(n_in), 1/sqrt(n_in), ...).")
    a, b = X_train[16:24], X_train[24:32]
    mix = _logits(model, (a + b) / 2).data
    if np.allclose(mix, (_logits(model, a).data + _logits(model, b).data) / 2, rtol=1e-6, atol=1e-6):
        fail("TinyMLP is linear: the logits of the average of two batches are the average of their logits. Without "
             "a non-linearity (ReLU) between the layers, two layers are one linear layer.",
             "TinyMLP es lineal: los logits de la media de dos lotes son la media de sus logits. Sin una no "
             "linealidad (ReLU) entre las capas, dos capas son una sola capa lineal.")
    loss_of = lambda: F.cross_entropy(model(Tensor(X_train[:16])), y_train[:16]).item()
    for p in params:
        p.grad = None
    with learner_code("TinyMLP"):
        F.cross_entropy(model(Tensor(X_train[:16])), y_train[:16]).backward()
    rng = np.random.default_rng(1)
    for k, p in enumerate(params):
        i = tuple(int(rng.integers(0, s)) for s in p.data.shape)
        original = p.data[i]
        # float64 resolves a step of 1e-6; float32 weights (7 digits) need a larger step and tolerance.
        eps, atol, rtol = (1e-6, 1e-6, 1e-4) if p.data.dtype == np.float64 else (1e-2, 1e-3, 2e-2)
        with learner_code("TinyMLP"):
            p.data[i] = original + eps
            plus = loss_of()
            p.data[i] = original - eps
            minus = loss_of()
        p.data[i] = original
        numeric = (plus - minus) / (2 * eps)
        got = None if p.grad is None else float(np.asarray(p.grad)[i])
        if got is None or abs(got - numeric) > atol + rtol * abs(numeric):
            (numeric_en, numeric_es), (got_en, got_es) = numbers(fmt(numeric), fmt(got))
            fail(f"TinyMLP: wrong gradient of parameter {k}, entry {list(i)}: the central difference gives "
                 f"{numeric_en}, backward gave {got_en}. Is every operation an engine operation (no numpy on "
                 "`.data` in forward)?",
                 f"TinyMLP: gradiente incorrecto del parámetro {k}, elemento {list(i)}: la diferencia centrada da "
                 f"{numeric_es}, backward dio {got_es}. ¿Es cada operación del motor (nada de numpy sobre "
                 "`.data` en forward)?")
    with learner_code("MySGD"):
        optimizer = MySGD(params, lr=0.1)
        _train(model, optimizer, X_train, y_train, epochs)
    acc = _accuracy(model, X_test, y_test)
    (acc_en, acc_es), = percents(acc)
    (target_en, target_es), = percents(target, digits=0)
    if not acc >= target:
        fail(f"TinyMLP with MySGD: after {epochs} epochs your network reaches {acc_en} test accuracy; at least "
             f"{target_en} expected.",
             f"TinyMLP con MySGD: tras {epochs} épocas tu red llega a {acc_es} de exactitud en el conjunto de prueba; se "
             f"esperaba al menos {target_es}.")
    passed(f"your own MLP and optimizer: non-linear, every weight in parameters(), gradients as central "
           f"differences, test accuracy {acc_en} after {epochs} epochs",
           f"tu propio MLP y tu optimizador: no lineal, cada peso en parameters(), gradientes como diferencias "
           f"centradas, exactitud {acc_es} tras {epochs} épocas")
    return acc
