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


def minibatches(x, y, batch_size, rng=None):
    """Yield ``(x_batch, y_batch)`` pairs covering the data once, shuffled if ``rng`` is given."""
    order = rng.permutation(len(x)) if rng is not None else np.arange(len(x))
    for start in range(0, len(x), batch_size):
        chosen = order[start:start + batch_size]
        yield x[chosen], y[chosen]


def train_step(model, optimizer, x_batch, y_batch):
    """One step of gradient descent on one minibatch; returns the loss as a float."""
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
    model.eval()
    correct = 0
    with no_grad():
        for xb, yb in minibatches(x, y, batch_size):
            correct += int(np.sum(model(Tensor(xb)).data.argmax(axis=1) == yb))
    return correct / len(x)


def fit(model, optimizer, x_train, y_train, epochs, batch_size=32, seed=0, x_test=None, y_test=None, log=print):
    """Train for ``epochs`` epochs; print the loss (and test accuracy) as it goes. Returns the losses."""
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(1, epochs + 1):
        loss = train_epoch(model, optimizer, x_train, y_train, batch_size, rng)
        history.append(loss)
        if log is not None:
            extra = f"  test accuracy {accuracy(model, x_test, y_test):.4f}" if x_test is not None else ""
            log(f"epoch {epoch:3d}  loss {loss:.4f}{extra}")
    return history
