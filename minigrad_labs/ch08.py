"""Lab of chapter 08 (training): a train step, a stable cross-entropy, an optimizer, a whole network."""

import functools

from minigrad_labs.arrays import compare_array, numpy
from minigrad_labs.feedback import close, fail, fmt, learner_code, passed, wrong_gradient


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


def train_step(train_step):
    """Exercise 08.1: ``train_step(model, optimizer, xb, yb)``: zero, forward, loss, backward, step."""
    import torch
    from minigrad import nn, optim

    X_train, _, y_train, _ = _digits()
    nn.manual_seed(1)
    model = nn.MLP([64, 16, 10], dtype=numpy().float64)
    twin = _torch_twin(model)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    their_optimizer = torch.optim.SGD(twin.parameters(), lr=0.1)
    for step, start in enumerate((0, 32)):
        xb, yb = X_train[start:start + 32], y_train[start:start + 32]
        with learner_code("train_step"):
            loss = train_step(model, optimizer, xb, yb)
        their_optimizer.zero_grad()
        their_loss = torch.nn.functional.cross_entropy(twin(torch.tensor(xb)), torch.tensor(yb))
        their_loss.backward()
        their_optimizer.step()
        if not isinstance(loss, float):
            fail(f"train_step must return the loss as a Python float (loss.item()), got {type(loss).__name__}.",
                 f"train_step debe devolver la pérdida como float de Python (loss.item()), se obtuvo {type(loss).__name__}.")
        if not close(loss, their_loss.item(), 1e-10):
            fail(f"step {step + 1}: loss {fmt(loss)}, PyTorch {fmt(their_loss.item())}.",
                 f"paso {step + 1}: pérdida {fmt(loss)}, PyTorch {fmt(their_loss.item())}.")
        theirs = dict(twin.named_parameters())
        for name, param in model.named_parameters():
            if not numpy().allclose(param.data, theirs[name].detach().numpy(), rtol=1e-10, atol=1e-12):
                fail(f"after step {step + 1} the weights of {name} differ from PyTorch's.",
                     f"tras el paso {step + 1} los pesos de {name} difieren de los de PyTorch.",
                     "no_zero_grad" if step == 1 else None)
    passed("train_step: two SGD steps, the same weights as PyTorch",
           "train_step: dos pasos de SGD, los mismos pesos que PyTorch")


def cross_entropy(my_cross_entropy):
    """Exercise 08.2: a stable ``my_cross_entropy(logits, targets)`` from elementary operations."""
    import torch
    from minigrad.tensor import Tensor

    np = numpy()
    rng = np.random.default_rng(0)
    extreme = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]])
    cases = {"ordinary": (rng.normal(size=(8, 10)), rng.integers(0, 10, size=8)),
             "±1000": (extreme, np.array([0, 2]))}
    for label, (logits_np, targets_np) in cases.items():
        logits = Tensor(logits_np.copy(), requires_grad=True)
        with learner_code("my_cross_entropy"):
            loss = my_cross_entropy(logits, targets_np)
            if loss._op in ("cross_entropy", "log_softmax", ""):
                fail("build my_cross_entropy from elementary operations (max, exp, sum, log, indexing, mean).",
                     "construye my_cross_entropy con operaciones elementales (max, exp, sum, log, indexación, mean).")
            loss.backward()
        tlogits = torch.tensor(logits_np, requires_grad=True)
        tloss = torch.nn.functional.cross_entropy(tlogits, torch.tensor(targets_np))
        tloss.backward()
        if not (np.isfinite(loss.item()) and close(loss.item(), tloss.item(), 1e-9)):
            fail(f"{label} logits: loss {fmt(loss.item())}, PyTorch {fmt(tloss.item())}"
                 f"{' (subtract the largest logit of each row before exp)' if not np.isfinite(loss.item()) else ''}.",
                 f"logits {label}: pérdida {fmt(loss.item())}, PyTorch {fmt(tloss.item())}"
                 f"{' (resta el mayor logit de cada fila antes de exp)' if not np.isfinite(loss.item()) else ''}.")
        compare_array(f"of the logits ({label})", f"de los logits ({label})", logits.grad, tlogits.grad.numpy())
    passed("my_cross_entropy: stable at ±1000, value and gradient as PyTorch",
           "my_cross_entropy: estable en ±1000, valor y gradiente como PyTorch")


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


def my_sgd(MySGD, epochs=20, target=0.95):
    """Exercise 08.3: ``MySGD(params, lr)`` trains exactly as ``optim.SGD``; returns the test accuracy."""
    from minigrad import nn, optim

    X_train, X_test, y_train, y_test = _digits()
    runs = []
    for optimizer_class in (optim.SGD, MySGD):
        nn.manual_seed(0)
        model = nn.MLP([64, 64, 10], dtype=numpy().float64)
        with learner_code("MySGD"):
            _train(model, optimizer_class(model.parameters(), lr=0.1), X_train, y_train, epochs)
        runs.append(model)
    for (name, a), (_, b) in zip(runs[1].named_parameters(), runs[0].named_parameters()):
        if not numpy().allclose(a.data, b.data, rtol=1e-12, atol=1e-12):
            fail(f"after {epochs} epochs the weights {name} differ from those trained by optim.SGD.",
                 f"tras {epochs} épocas los pesos {name} difieren de los entrenados con optim.SGD.",
                 "no_zero_grad")
    acc = _accuracy(runs[1], X_test, y_test)
    if acc < target:
        fail(f"test accuracy {acc:.1%}, expected at least {target:.0%}.",
             f"exactitud en el test {acc:.1%}, se esperaba al menos {target:.0%}.")
    passed(f"MySGD: the same weights as optim.SGD after {epochs} epochs; test accuracy {acc:.1%}",
           f"MySGD: los mismos pesos que optim.SGD tras {epochs} épocas; exactitud en el test {acc:.1%}")
    return acc


def digits_from_scratch(TinyMLP, MySGD, epochs=20, target=0.93):
    """Exercise 08.4 (stretch goal): the learner's own MLP and optimizer learn the digits.

    The gradients of the learner's model are checked against central differences on a
    few random weights first (no PyTorch twin: the architecture is the learner's).
    Returns the test accuracy.
    """
    import minigrad.functional as F
    from minigrad.tensor import Tensor

    np = numpy()
    X_train, X_test, y_train, y_test = _digits()
    with learner_code("TinyMLP"):
        model = TinyMLP(64, 32, 10, np.random.default_rng(0))
        params = list(model.parameters())
        logits = model(Tensor(X_train[:16]))
    if not params or tuple(logits.shape) != (16, 10):
        fail(f"TinyMLP(64, 32, 10, rng) must have parameters and map a batch (16, 64) to logits (16, 10); "
             f"got {len(params)} parameters and logits of shape {tuple(logits.shape)}.",
             f"TinyMLP(64, 32, 10, rng) debe tener parámetros y llevar un lote (16, 64) a logits (16, 10); "
             f"se obtuvieron {len(params)} parámetros y logits de forma {tuple(logits.shape)}.")
    loss_of = lambda: F.cross_entropy(model(Tensor(X_train[:16])), y_train[:16]).item()
    for p in params:
        p.grad = None
    F.cross_entropy(model(Tensor(X_train[:16])), y_train[:16]).backward()
    rng = np.random.default_rng(1)
    for k, p in enumerate(params):
        i = tuple(rng.integers(0, s) for s in p.data.shape)
        original = p.data[i]
        p.data[i] = original + 1e-6
        plus = loss_of()
        p.data[i] = original - 1e-6
        minus = loss_of()
        p.data[i] = original
        numeric = (plus - minus) / 2e-6
        if p.grad is None or abs(p.grad[i] - numeric) > 1e-6 + 1e-4 * abs(numeric):
            wrong_gradient(f"of parameter {k} {list(i)} (central difference)", f"del parámetro {k} {list(i)} (diferencia central)",
                           numeric, None if p.grad is None else p.grad[i])
    with learner_code("MySGD"):
        optimizer = MySGD(params, lr=0.1)
        _train(model, optimizer, X_train, y_train, epochs)
    acc = _accuracy(model, X_test, y_test)
    if acc < target:
        fail(f"after {epochs} epochs your network reaches {acc:.1%} test accuracy; at least {target:.0%} expected.",
             f"tras {epochs} épocas tu red llega a {acc:.1%} de exactitud en el test; se esperaba al menos {target:.0%}.")
    passed(f"your own MLP and optimizer: gradients as central differences, test accuracy {acc:.1%} after {epochs} epochs",
           f"tu propio MLP y tu optimizador: gradientes como diferencias centrales, exactitud {acc:.1%} tras {epochs} épocas")
    return acc
