"""minigrad.train: the training loop pieces, and the recipe chapter 08 runs."""

import numpy as np

from minigrad import nn, optim

def test_minibatches_cover_the_data_once():
    from minigrad import train

    x, y = np.arange(10)[:, None] * np.ones((1, 2)), np.arange(10)
    batches = list(train.minibatches(x, y, 4, rng=np.random.default_rng(0)))
    assert [len(yb) for _, yb in batches] == [4, 4, 2]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen) == list(range(10)) and list(seen) != list(range(10))  # shuffled
    assert all(np.array_equal(xb[:, 0], yb) for xb, yb in batches)  # pairs stay together


def test_digits_recipe_reaches_97_percent():
    """The recipe of scripts/train_digits.py (and chapter 08): MLP 64-128-10, Adam 1e-3, 50 epochs of 32."""
    from minigrad import train
    from minigrad.data import load_digits

    x_train, y_train, x_test, y_test = load_digits(seed=0)
    nn.manual_seed(0)
    model = nn.MLP([64, 128, 10])
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    losses = train.fit(model, optimizer, x_train, y_train, epochs=50, batch_size=32, seed=0, log=None)
    assert losses[-1] < 0.1 * losses[0]
    assert train.accuracy(model, x_test, y_test) >= 0.97
    assert model.training is False  # accuracy() switched to eval mode


def test_each_batch_is_a_copy_and_the_order_is_fixed_at_the_call():
    from minigrad import train

    x, y = np.arange(6.0)[:, None], np.arange(6)
    batches = train.minibatches(x, y, 4, rng=np.random.default_rng(1))
    xb, yb = next(batches)
    xb[...] = -1.0  # writing into a batch never reaches the caller's data
    assert (x[:, 0] == np.arange(6.0)).all()
    # As PyTorch's DataLoader over a TensorDataset: no copy of the whole dataset, so the
    # batches still to come read x as it is then (the docstring says so).
    x[...] = 100.0
    rest_x, rest_y = next(batches)
    assert (rest_x == 100.0).all() and sorted(np.concatenate([yb, rest_y])) == list(range(6))
