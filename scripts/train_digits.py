"""Train a small MLP on scikit-learn's 8x8 digits with minigrad (offline, a few seconds).

The recipe chapter 08 uses:
  data:      load_digits(): 1347 train / 450 test images, pixels scaled to [0, 1]
  model:     MLP 64 -> 128 -> 10 (Linear, ReLU, Linear), minigrad.nn.manual_seed(0)
  optimizer: Adam, lr 1e-3
  training:  50 epochs, minibatches of 32, shuffled with numpy seed 0

    python scripts/train_digits.py [--epochs 50] [--quiet]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from minigrad import nn, optim, train  # noqa: E402
from minigrad.data import load_digits  # noqa: E402

SEED, HIDDEN, LR, EPOCHS, BATCH_SIZE = 0, 128, 1e-3, 50, 32


def main():
    parser = argparse.ArgumentParser(description="MLP on sklearn digits with minigrad")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--quiet", action="store_true", help="print only the final result")
    args = parser.parse_args()

    x_train, y_train, x_test, y_test = load_digits(seed=SEED)
    nn.manual_seed(SEED)
    model = nn.MLP([64, HIDDEN, 10])
    optimizer = optim.Adam(model.parameters(), lr=LR)

    start = time.perf_counter()
    train.fit(model, optimizer, x_train, y_train, args.epochs, BATCH_SIZE, seed=SEED,
              log=None if args.quiet else print)
    seconds = time.perf_counter() - start
    test_accuracy = train.accuracy(model, x_test, y_test)
    print(f"test accuracy {test_accuracy:.4f} ({round(test_accuracy * len(y_test))}/{len(y_test)}) "
          f"after {args.epochs} epochs in {seconds:.1f} s")


if __name__ == "__main__":
    main()
