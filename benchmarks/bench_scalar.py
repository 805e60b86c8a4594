"""Benchmark: minigrad.scalar.Value against the real micrograd, side by side in one run.

micrograd is Andrej Karpathy's published package (``pip install micrograd==0.1.0``,
pinned in benchmarks/requirements.txt). Two workloads, each forward + backward:

* mlp:   micrograd's own ``nn.MLP(3, [16, 16, 1])`` on 20 samples with the
         max-margin loss and L2 penalty of micrograd's demo notebook. Our engine
         runs the *same* MLP code: we copy the network and swap each weight for a
         ``minigrad.scalar.Value`` (micrograd's Neuron only does ``w * x`` and
         ``sum``, so it works with any Value class).
* chain: ``y = y * x + 1.0`` 300 times: a chain of 900 new nodes.

Each is timed with Python's garbage collector on (as in a notebook) and off
(as timeit does). With it on, micrograd pays for a reference cycle per node
(every node's ``_backward`` closure holds the node); minigrad has none.
Also printed: memory per graph node (tracemalloc). Usage:

    python benchmarks/bench_scalar.py [--repeats 30]
"""

import argparse
import copy
import gc
import random
import statistics
import sys
import time
import tracemalloc

import micrograd.engine
import micrograd.nn

from minigrad.scalar import Value

sys.setrecursionlimit(10_000)  # micrograd's topological sort is recursive

ENGINES = {"micrograd": micrograd.engine.Value, "minigrad": Value}


def make_mlp_workload(Node, seed=0):
    """micrograd's MLP(3, [16, 16, 1]) and 20 samples; the weights of Node type."""
    random.seed(seed)
    model = micrograd.nn.MLP(3, [16, 16, 1])
    if Node is not micrograd.engine.Value:
        model = copy.deepcopy(model)
        for layer in model.layers:
            for neuron in layer.neurons:
                neuron.w = [Node(w.data) for w in neuron.w]
                neuron.b = Node(float(neuron.b.data))
    rng = random.Random(seed + 1)
    xs = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(20)]
    ys = [rng.choice([-1.0, 1.0]) for _ in range(20)]

    def step():
        model.zero_grad()
        scores = [model(x) for x in xs]
        losses = [(1 + -y * score).relu() for y, score in zip(ys, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        loss = data_loss + reg_loss
        loss.backward()
        return loss.data, [p.grad for p in model.parameters()]

    return step


def make_chain_workload(Node, length=300):
    """y = y * x + 1.0, `length` times (3 new nodes per step: the constant, *, +)."""

    def build():
        x = Node(0.99)
        y = Node(1.0)
        for _ in range(length):
            y = y * x + 1.0
        return x, y

    def step():
        x, y = build()
        y.backward()
        return y.data, [x.grad]

    step.build = build
    return step


def timed(steps, repeats, gc_on, block=5):
    """Seconds per call of each engine's step, with the cyclic garbage collector on or off.

    The engines take turns in blocks of `block` calls, so a slow spell of a
    shared machine hits both alike. Between blocks the collector runs, untimed:
    one engine's garbage (micrograd leaves a reference cycle per node) is never
    collected on the other's clock. Returns each engine's median time, and the
    median over rounds of micrograd's time / minigrad's in that round.
    """
    times = {engine: [] for engine in steps}
    rounds = []
    (gc.enable if gc_on else gc.disable)()
    try:
        for step in steps.values():  # warm-up
            for _ in range(3):
                step()
        for _ in range(max(1, repeats // block)):
            medians = {}
            for engine, step in steps.items():
                gc.collect()
                block_times = []
                for _ in range(block):
                    start = time.perf_counter()
                    step()
                    block_times.append(time.perf_counter() - start)
                times[engine] += block_times
                medians[engine] = statistics.median(block_times)
            rounds.append(medians["micrograd"] / medians["minigrad"])
    finally:
        gc.enable()
    return {engine: statistics.median(t) for engine, t in times.items()}, statistics.median(rounds)


def bytes_per_node(Node, nodes=900):
    """Memory held by a built (not yet backpropagated) chain, per node."""
    build = make_chain_workload(Node, nodes // 3).build
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    graph = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del graph
    return (after - before) / nodes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()

    workloads = {"mlp": make_mlp_workload, "chain": make_chain_workload}
    # Same network, same numbers: the two engines must agree before we time them.
    for name, make in workloads.items():
        (loss_a, grads_a), (loss_b, grads_b) = (make(Node)() for Node in ENGINES.values())
        assert abs(loss_a - loss_b) < 1e-9, (name, loss_a, loss_b)
        assert all(abs(a - b) < 1e-9 for a, b in zip(grads_a, grads_b)), name

    print(f"scalar engines, forward + backward, {args.repeats} calls each in alternating blocks of 5; medians "
          "(ratio = micrograd time / minigrad time, block by block; goal >= 1.2x in every row)")
    print(f"  {'workload':22s} {'micrograd':>10s} {'minigrad':>10s} {'ratio':>7s}")
    ratios = {}
    for name, make in workloads.items():
        steps = {engine: make(Node) for engine, Node in ENGINES.items()}
        for gc_on in (True, False):
            t, ratio = timed(steps, args.repeats, gc_on)
            label = f"{name} ({'gc on' if gc_on else 'gc off'})"
            ratios[label] = ratio
            print(f"  {label:22s} {t['micrograd'] * 1e3:8.3f}ms {t['minigrad'] * 1e3:8.3f}ms "
                  f"{ratios[label]:6.2f}x")
    memory = {engine: bytes_per_node(Node) for engine, Node in ENGINES.items()}
    print(f"  {'memory per node':22s} {memory['micrograd']:8.0f} B {memory['minigrad']:8.0f} B "
          f"{memory['micrograd'] / memory['minigrad']:6.2f}x")
    return ratios


if __name__ == "__main__":
    main()
