"""Train an MLP on real MNIST with minigrad (needs the network once, to download MNIST).

    python scripts/train_mnist.py [--epochs 5] [--cache-dir DIR]

784 -> 128 -> 10 MLP, Adam lr 1e-3, minibatches of 128, 5 epochs: a recipe
that typically reaches about 97% test accuracy, a few seconds per epoch.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from minigrad import nn, optim, train  # noqa: E402
from minigrad.data import load_mnist  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description="MLP on MNIST with minigrad")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache-dir", default=None, help="where the MNIST files are kept "
                        "(default: $MINIGRAD_CACHE/mnist or ~/.cache/minigrad/mnist)")
    args = parser.parse_args()

    try:
        x_train, y_train, x_test, y_test = load_mnist(args.cache_dir)
    except OSError as error:
        sys.exit(f"could not load MNIST (offline?): {error}")
    print(f"MNIST: {len(x_train)} training and {len(x_test)} test images")

    nn.manual_seed(args.seed)
    model = nn.MLP([784, args.hidden, 10])
    optimizer = optim.Adam(model.parameters(), lr=args.lr)
    start = time.perf_counter()
    train.fit(model, optimizer, x_train, y_train, args.epochs, args.batch_size, seed=args.seed,
              x_test=x_test, y_test=y_test)
    print(f"test accuracy {train.accuracy(model, x_test, y_test):.4f} "
          f"in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
