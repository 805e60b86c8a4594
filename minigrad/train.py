"""A small training loop, in pieces a chapter can import or copy.

    from minigrad import nn, optim, train
    from minigrad.data import load_digits

    x_train, y_train, x_test, y_test = load_digits()
    nn.manual_seed(0)
    model = nn.MLP([64, 128, 10])
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    for epoch in range(50):
        loss = train.train_epoch(model, optimizer, x_train, y_train, batch_size=32, rng=rng)
    print(train.accuracy(model, x_test, y_test))
"""

import numpy as np

from . import functional as F
from .tensor import Tensor, no_grad

__all__ = ["minibatches", "train_step", "train_epoch", "accuracy", "fit"]


def _check_examples(x, y, where):
    """x and y must hold the same number of examples, at least one (never a silent nan or short run)."""
    if len(x) != len(y):
        raise ValueError(f"{where}: x has {len(x)} examples but y has {len(y)} labels; "
                         "they must match one to one")
    if len(x) == 0:
        raise ValueError(f"{where}: the dataset is empty (x and y have 0 examples)")


def _check_count(value, name, where, smallest):
    """``value`` must be an int >= ``smallest`` (a bool or a float such as 32.0 is refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {name} must be an int, got {type(value).__name__}: {value!r}")
    if value < smallest:
        raise ValueError(f"{where}: {name} must be >= {smallest}, got {value}")


def minibatches(x, y, batch_size, rng=None):
    """Yield ``(x_batch, y_batch)`` pairs covering the data once, shuffled if ``rng`` is given.

    The arguments are checked at the call, before any batch. Each batch is a
    new array (fancy indexing copies), but like PyTorch's DataLoader over a
    TensorDataset the whole dataset is not copied: changing ``x`` or ``y``
    in place during the epoch changes the batches still to come.
    """
    _check_examples(x, y, "minibatches")
    _check_count(batch_size, "batch_size", "minibatches", 1)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"minibatches: rng must be a numpy Generator (np.random.default_rng(seed)) or None, "
                        f"got {type(rng).__name__}")
    order = rng.permutation(len(x)) if rng is not None else np.arange(len(x))
    return _batches(x, y, order, batch_size)


def _batches(x, y, order, batch_size):
    for start in range(0, len(order), batch_size):
        chosen = order[start:start + batch_size]
        yield x[chosen], y[chosen]


def train_step(model, optimizer, x_batch, y_batch):
    """One step of gradient descent on one minibatch; returns the loss as a float."""
    _check_examples(x_batch, y_batch, "train_step")
    optimizer.zero_grad()                                 # forget the previous step's gradients
    loss = F.cross_entropy(model(Tensor(x_batch)), y_batch)  # forward
    loss.backward()                                       # gradients of the loss wrt every weight
    optimizer.step()                                      # move the weights downhill
    return loss.item()


def train_epoch(model, optimizer, x, y, batch_size=32, rng=None):
    """One pass over the training data; returns the mean minibatch loss."""
    model.train()
    losses = [train_step(model, optimizer, xb, yb) for xb, yb in minibatches(x, y, batch_size, rng)]
    return float(np.mean(losses))


def accuracy(model, x, y, batch_size=1000):
    """Fraction of examples whose highest-scoring class is the label."""
    _check_examples(x, y, "accuracy")
    model.eval()
    correct = 0
    with no_grad():
        for xb, yb in minibatches(x, y, batch_size):
            correct += int(np.sum(model(Tensor(xb)).data.argmax(axis=1) == yb))
    return correct / len(x)


def fit(model, optimizer, x_train, y_train, epochs, batch_size=32, seed=0, x_test=None, y_test=None, log=print):
    """Train for ``epochs`` epochs; print the loss (and test accuracy) as it goes. Returns the losses."""
    _check_count(epochs, "epochs", "fit", 0)
    _check_count(batch_size, "batch_size", "fit", 1)
    if (x_test is None) != (y_test is None):
        raise ValueError("fit: give both x_test and y_test, or neither")
    _check_examples(x_train, y_train, "fit")
    if x_test is not None:
        _check_examples(x_test, y_test, "fit (test set)")
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        loss = train_epoch(model, optimizer, x_train, y_train, batch_size, rng)
        history.append(loss)
        if log is not None:
            extra = f"  test accuracy {accuracy(model, x_test, y_test):.4f}" if x_test is not None else ""
            log(f"epoch {epoch:3d}  loss {loss:.4f}{extra}")
    return history
