"""How much does minigrad's bookkeeping cost? One training step, three ways.

A step = forward pass of a 784-128-10 MLP on a batch of 128, cross-entropy
loss, backward pass, plain SGD update. All in float32. We time:

  (a) minigrad,
  (b) the same step hand-written in numpy (the gradients derived on paper),
  (c) PyTorch on the CPU with 2 threads.

(b) is the floor for anything built on numpy: the matrix products dominate,
and minigrad's graph and Python calls come on top. Run:

    python benchmarks/bench_mlp_step.py [--repeats 300]
"""

import argparse
import gc
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import minigrad.functional as F  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.tensor import Tensor  # noqa: E402

BATCH, SIZES, LR = 128, (784, 128, 10), 0.01


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((BATCH, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], BATCH)
    return x, y


# ---- (a) minigrad -----------------------------------------------------------

def minigrad_setup(x, y):
    nn.manual_seed(0)
    model = nn.MLP(SIZES)
    optimizer = optim.SGD(model.parameters(), lr=LR)
    x_tensor = Tensor(x)

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x_tensor), y)
        loss.backward()
        optimizer.step()
        return loss

    weights = [p.data.copy() for p in model.parameters()]  # (W1, b1, W2, b2)
    return step, weights


# ---- (b) hand-written numpy -----------------------------------------------------

def numpy_setup(x, y, weights):
    w1, b1, w2, b2 = (w.copy() for w in weights)
    rows = np.arange(len(y))

    def step():
        # forward
        h_pre = x @ w1.T + b1
        h = np.maximum(h_pre, 0)
        logits = h @ w2.T + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_p[rows, y].mean()
        # backward
        d_logits = np.exp(log_p)
        d_logits[rows, y] -= 1
        d_logits /= len(y)
        d_w2, d_b2 = d_logits.T @ h, d_logits.sum(axis=0)
        d_h = (d_logits @ w2) * (h_pre > 0)
        d_w1, d_b1 = d_h.T @ x, d_h.sum(axis=0)
        # SGD update
        for w, d_w in ((w1, d_w1), (b1, d_b1), (w2, d_w2), (b2, d_b2)):
            w -= LR * d_w
        return loss

    return step


# ---- (c) PyTorch ------------------------------------------------------------------

def torch_setup(x, y, weights):
    import torch

    torch.set_num_threads(2)
    model = torch.nn.Sequential(torch.nn.Linear(*SIZES[:2]), torch.nn.ReLU(), torch.nn.Linear(*SIZES[1:]))
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.from_numpy(w))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x_t), y_t)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1000, help="timed steps per implementation")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps before each block")
    args = parser.parse_args()

    x, y = make_data()
    minigrad_step, weights = minigrad_setup(x, y)
    steps = {"minigrad": minigrad_step, "numpy": numpy_setup(x, y, weights), "torch": torch_setup(x, y, weights)}

    # Sanity check: the three implementations compute the same first loss.
    losses = {name: float(step()) for name, step in steps.items()}
    print("first-step losses:", {k: round(v, 5) for k, v in losses.items()})

    # Time each implementation in blocks of steps, in several rounds, so slow
    # drifts of the machine hit all three alike. Not step by step: PyTorch's
    # and numpy's thread pools would then fight over the 2 cores. The garbage
    # collector is off while timing, as in the timeit module.
    times = {name: [] for name in steps}
    gc.disable()
    try:
        for _ in range(args.rounds):
            for name, step in steps.items():
                for _ in range(args.warmup):
                    step()
                for _ in range(args.repeats // args.rounds):
                    start = time.perf_counter()
                    step()
                    times[name].append(time.perf_counter() - start)
    finally:
        gc.enable()

    median = {name: statistics.median(t) * 1e3 for name, t in times.items()}
    best = {name: min(t) * 1e3 for name, t in times.items()}
    print(f"one training step, 784-128-10 MLP, batch {BATCH}, float32, median of {len(times['numpy'])} runs:")
    for name in steps:
        print(f"  {name:9s} {median[name]:7.3f} ms   (fastest run {best[name]:.3f} ms)")
    print(f"  minigrad / numpy = {median['minigrad'] / median['numpy']:.2f}x")
    print(f"  torch / numpy    = {median['torch'] / median['numpy']:.2f}x")


if __name__ == "__main__":
    main()
