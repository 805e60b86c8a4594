"""Benchmark: forward + backward of an MLP-sized scalar graph.

Runs minigrad.scalar.Value and a micrograd-style baseline (closures, a set of
parents, recursive sort) on the same network and data, in one run, and prints
the time of each and their ratio.  Usage:  python benchmarks/bench_scalar.py
"""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.setrecursionlimit(10_000)  # the baseline's recursive sort needs it

from micrograd_style import BaselineValue  # noqa: E402

from minigrad.scalar import Value  # noqa: E402

SIZES = [2, 16, 16, 1]  # micrograd's demo MLP
BATCH = 32


def make_weights(seed=0):
    rng = random.Random(seed)
    return [
        [[rng.uniform(-1, 1) for _ in range(n_in + 1)] for _ in range(n_out)]
        for n_in, n_out in zip(SIZES, SIZES[1:])
    ]


def make_data(seed=1):
    rng = random.Random(seed)
    return [([rng.uniform(-2, 2) for _ in range(SIZES[0])], rng.choice([-1.0, 1.0])) for _ in range(BATCH)]


def build_loss(Node, weights, data):
    """The forward pass: MLP on every sample, summed hinge loss (a graph of Nodes)."""
    params = [[[Node(w) for w in neuron] for neuron in layer] for layer in weights]
    loss = Node(0.0)
    for x, y in data:
        activations = [Node(v) for v in x]
        for depth, layer in enumerate(params):
            last = depth == len(params) - 1
            outputs = []
            for neuron in layer:
                total = neuron[-1]  # bias
                for w, a in zip(neuron, activations):
                    total = total + w * a
                outputs.append(total if last else total.tanh())
            activations = outputs
        loss = loss + (1 + -y * activations[0]).relu()
    return loss


def forward_backward(Node, weights, data):
    loss = build_loss(Node, weights, data)
    loss.backward()
    return loss.data


def best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(repeats=15):
    weights, data = make_weights(), make_data()
    ours = forward_backward(Value, weights, data)
    theirs = forward_backward(BaselineValue, weights, data)
    assert abs(ours - theirs) < 1e-9, (ours, theirs)

    nodes = len(build_loss(Value, weights, data)._topological_order())
    t_minigrad = best_time(lambda: forward_backward(Value, weights, data), repeats)
    t_baseline = best_time(lambda: forward_backward(BaselineValue, weights, data), repeats)
    print(f"scalar graph: MLP {SIZES}, batch {BATCH}, {nodes} nodes, median of {repeats}")
    print(f"  micrograd-style baseline : {t_baseline * 1e3:8.2f} ms")
    print(f"  minigrad.scalar.Value    : {t_minigrad * 1e3:8.2f} ms")
    print(f"  speed-up                 : {t_baseline / t_minigrad:8.2f}x  (target >= 2x)")
    return t_baseline / t_minigrad


if __name__ == "__main__":
    main()
