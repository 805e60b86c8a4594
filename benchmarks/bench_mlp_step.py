"""How much does minigrad's bookkeeping cost? One training step, several ways, in one run.

A step = forward pass of a 784-128-10 MLP (ReLU) on a batch, cross-entropy
loss, backward pass, plain SGD update. All in float32, same weights, same data.

  minigrad   this repository
  numpy      the floor: the fastest numpy step we could write by hand (gradients
             derived on paper, one softmax over column-major logits, weights stored
             transposed, the input transposed once, the learning rate folded into
             the output gradient, updates in place, an outer product at batch 1)
  torch      PyTorch on the CPU
  mygrad     MyGrad (a numpy autograd with a PyTorch-like API)
  autograd   HIPS autograd (differentiates numpy code by tracing it)
  jax        JAX on the CPU, the whole step compiled with jax.jit

The peers other than numpy and torch are benchmark-only dependencies
(benchmarks/requirements.txt); a peer that is not installed is skipped with a note.
Every ratio is time / numpy time, from this one run. Run:

    python benchmarks/bench_mlp_step.py [--batches 1 32 128] [--repeats 600] [--threads 2]

--threads sets the thread count of every library (numpy's BLAS, torch, jax); on a
busy shared machine, --threads 1 gives steadier figures.
"""

import argparse
import gc
import os
import statistics
import sys
import time

THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
# Must be set before numpy (and its BLAS) or jax is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
os.environ.setdefault("XLA_FLAGS", f"--xla_cpu_multi_thread_eigen={'true' if THREADS > 1 else 'false'} "
                      f"intra_op_parallelism_threads={THREADS}")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import minigrad.functional as F  # noqa: E402
from minigrad import nn, optim  # noqa: E402
from minigrad.tensor import Tensor  # noqa: E402

SIZES, LR = (784, 128, 10), 0.01


def make_data(batch, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((batch, SIZES[0]), dtype=np.float32)
    y = rng.integers(0, SIZES[-1], batch)
    return x, y


def make_weights(seed=0):
    """(W1, b1, W2, b2) in PyTorch's layout: W has shape (out, in)."""
    nn.manual_seed(seed)
    return [p.data.copy() for p in nn.MLP(SIZES).parameters()]


# ---- minigrad -------------------------------------------------------------------

def minigrad_setup(x, y, weights):
    model = nn.MLP(SIZES)
    model.load_state_dict(dict(zip(["0.weight", "0.bias", "2.weight", "2.bias"], weights)))
    optimizer = optim.SGD(model.parameters(), lr=LR)
    x_tensor = Tensor(x)

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x_tensor), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


# ---- the numpy floor --------------------------------------------------------------

def numpy_setup(x, y, weights):
    w1, b1, w2, b2 = weights
    w1t, w2t = w1.T.copy(), w2.T.copy()  # stored (in, out): x @ w1t reads memory in order
    b1, b2 = b1.copy(), b2.copy()
    rows = np.arange(len(y))
    xt = x.T.copy()  # the input is fixed: transpose it once for d_w1 = x.T @ d_h
    scale = np.float32(LR / len(y))  # mean over the batch and learning rate in one factor
    # a.T @ b sums over the batch; with a batch of one it is an outer product, which
    # numpy's broadcasting multiply computes about 5x faster than its matmul does.
    batch_sum = np.multiply if len(y) == 1 else np.matmul

    def step():
        nonlocal w1t, b1, w2t, b2  # updated in place below
        # forward
        h = x @ w1t
        h += b1
        np.maximum(h, 0, out=h)  # relu in place; h > 0 is also where relu passes gradients
        logits = np.asfortranarray(h @ w2t)  # column-major: the row max and sum below run per column, fast
        logits += b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)  # the one softmax
        total = p.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(total[:, 0]) - logits[rows, y]))
        # backward, already multiplied by lr / batch
        p *= scale / total
        p[rows, y] -= scale
        d_h = p @ w2t.T
        d_h *= h > 0
        # SGD update, in place
        w2t -= batch_sum(h.T, p)
        b2 -= p.sum(axis=0)
        w1t -= batch_sum(xt, d_h)
        b1 -= d_h.sum(axis=0)
        return loss

    return step


# ---- PyTorch -----------------------------------------------------------------------

def torch_setup(x, y, weights):
    import torch

    torch.set_num_threads(THREADS)
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
        return loss.item()

    return step


# ---- MyGrad -------------------------------------------------------------------------

def mygrad_setup(x, y, weights):
    import mygrad as mg
    from mygrad.nnet.activations import relu
    from mygrad.nnet.losses import softmax_crossentropy

    params = [mg.Tensor(w.copy()) for w in weights]
    w1, b1, w2, b2 = params

    def step():
        h = relu(mg.matmul(x, w1.T) + b1)
        loss = softmax_crossentropy(mg.matmul(h, w2.T) + b2, y)
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.item()

    return step


# ---- HIPS autograd ------------------------------------------------------------------

def autograd_setup(x, y, weights):
    import autograd.numpy as anp
    from autograd import value_and_grad

    rows = np.arange(len(y))

    def loss_fn(params):
        w1, b1, w2, b2 = params
        h = anp.maximum(anp.dot(x, w1.T) + b1, 0)
        logits = anp.dot(h, w2.T) + b2
        shifted = logits - anp.max(logits, axis=1, keepdims=True)
        log_p = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_p[rows, y])

    loss_and_grads = value_and_grad(loss_fn)
    params = [w.copy() for w in weights]

    def step():
        loss, grads = loss_and_grads(params)
        for p, g in zip(params, grads):
            p -= LR * g
        return float(loss)

    return step


# ---- JAX ------------------------------------------------------------------------------

def jax_setup(x, y, weights):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_platform_name", "cpu")

    def loss_fn(params, x, y):
        w1, b1, w2, b2 = params
        h = jax.nn.relu(x @ w1.T + b1)
        log_p = jax.nn.log_softmax(h @ w2.T + b2)
        return -jnp.mean(jnp.take_along_axis(log_p, y[:, None], axis=1))

    @jax.jit
    def update(params, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        return loss, [p - LR * g for p, g in zip(params, grads)]

    state = {"params": [jnp.asarray(w) for w in weights]}
    x_j, y_j = jnp.asarray(x), jnp.asarray(y)

    def step():
        loss, state["params"] = update(state["params"], x_j, y_j)
        return float(loss)  # waits for the result (jax runs asynchronously)

    return step


def minigrad_copy_setup(x, y, weights):
    """minigrad with every leaf gradient copied (autograd's reference-count shortcut off)."""
    from minigrad import autograd

    step = minigrad_setup(x, y, weights)

    def step_with_copies():
        autograd.KEEP_UNSHARED_GRADIENTS = False
        try:
            return step()
        finally:
            autograd.KEEP_UNSHARED_GRADIENTS = True

    return step_with_copies


PEERS = {"minigrad": minigrad_setup, "numpy": numpy_setup, "torch": torch_setup,
         "mygrad": mygrad_setup, "autograd": autograd_setup, "jax": jax_setup}


def time_steps(steps, repeats, rounds, warmup):
    """Per implementation: the median seconds per step in each round, timed in interleaved blocks.

    Blocks of steps, in many short rounds, so slow drifts of a shared machine
    hit every implementation in the same round alike; not step by step, or the
    thread pools of numpy/torch/jax would fight over the cores. The garbage
    collector is off while timing, as in timeit.
    """
    per_round = {name: [] for name in steps}
    gc.disable()
    try:
        for _ in range(rounds):
            for name, step in steps.items():
                for _ in range(warmup):
                    step()
                times = []
                for _ in range(max(1, repeats // rounds)):
                    start = time.perf_counter()
                    step()
                    times.append(time.perf_counter() - start)
                per_round[name].append(statistics.median(times))
    finally:
        gc.enable()
    return per_round


def summarize(per_round):
    """Milliseconds per step and ratio to numpy: medians over rounds.

    The ratio is the median of the per-round ratios, each taken between blocks
    timed moments apart, so a machine that slows down for a while slows both
    sides of a ratio.
    """
    floor = per_round["numpy"]
    return {name: (statistics.median(times) * 1e3,
                   statistics.median(t / f for t, f in zip(times, floor)))
            for name, times in per_round.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 32, 128])
    parser.add_argument("--repeats", type=int, default=600, help="timed steps per implementation and batch")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps before each block")
    parser.add_argument("--threads", type=int, default=2, help="threads per library (read at start-up)")
    parser.add_argument("--only", nargs="+", choices=list(PEERS), help="run only these (numpy always runs)")
    parser.add_argument("--grad-copy", action="store_true",
                        help="also time 'mg-copy': minigrad copying every leaf gradient")
    args = parser.parse_args()

    if args.grad_copy:
        PEERS["mg-copy"] = minigrad_copy_setup
    names = [n for n in PEERS if not args.only or n in args.only or n in ("numpy", "mg-copy")]
    weights = make_weights()
    results = {}
    for batch in args.batches:
        x, y = make_data(batch)
        steps = {}
        for name in names:
            try:
                steps[name] = PEERS[name](x, y, [w.copy() for w in weights])
            except ImportError as error:
                if batch == args.batches[0]:
                    print(f"  ({name} skipped: {error}; pip install -r benchmarks/requirements.txt)")
        # Sanity check: every implementation computes the same first loss.
        losses = {name: step() for name, step in steps.items()}
        assert max(losses.values()) - min(losses.values()) < 1e-4, losses
        results[batch] = summarize(time_steps(steps, args.repeats, args.rounds, args.warmup))

    print(f"one training step, 784-128-10 MLP, float32, {THREADS} thread(s), {args.repeats} steps in "
          f"{args.rounds} rounds; ms per step (ratio to the numpy floor), medians over rounds")
    header = "".join(f"{'batch ' + str(b):>20s}" for b in args.batches)
    print(f"  {'':9s}{header}")
    for name in results[args.batches[0]]:
        cells = "".join(f"{results[b][name][0]:10.3f} ({results[b][name][1]:5.2f}x)"
                        for b in args.batches)
        print(f"  {name:9s}{cells}")
    return results


if __name__ == "__main__":
    main()
