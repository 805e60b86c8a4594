"""Threads: in-place updates and gradient accumulation lose nothing; grad mode is per thread.

Many threads hammer one tensor at once, with a tiny switch interval so that Python hands
the interpreter over as often as it can: without the engine's lock these lose updates.
"""

import sys
import threading

import numpy as np
import pytest

from minigrad.tensor import Tensor, is_grad_enabled, no_grad

THREADS, ROUNDS = 4, 300


@pytest.fixture(autouse=True)
def frequent_thread_switches():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def run_in_threads(work, rounds=ROUNDS):
    start = threading.Barrier(THREADS)
    errors = []

    def body():
        try:
            start.wait()
            for _ in range(rounds):
                work()
        except Exception as error:  # pragma: no cover (shown by the assert below)
            errors.append(error)

    threads = [threading.Thread(target=body) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_no_grad_updates_from_threads_lose_nothing():
    p = Tensor(np.zeros(1000), requires_grad=True)

    def step():
        nonlocal p  # `p -= 1.0` rebinds the name (to the same tensor, as PyTorch's in-place ops return self)
        with no_grad():
            p -= 1.0

    run_in_threads(step)
    np.testing.assert_array_equal(p.data, -THREADS * ROUNDS)
    assert p._version == THREADS * ROUNDS


def test_backward_from_threads_on_graphs_sharing_a_weight_loses_no_contribution():
    # A large weight: numpy adds gradients of this size with the interpreter
    # released, so two threads really do accumulate at the same time.
    w = Tensor(np.ones(300_000), requires_grad=True)

    def step():
        (w * 2.0).sum().backward()

    run_in_threads(step, rounds=40)
    np.testing.assert_array_equal(w.grad, 2.0 * THREADS * 40)


def test_grad_mode_belongs_to_the_thread():
    inside = threading.Event()
    release = threading.Event()
    seen = {}

    def evaluator():
        with no_grad():
            inside.set()
            release.wait(5)
            seen["evaluator"] = is_grad_enabled()

    thread = threading.Thread(target=evaluator)
    thread.start()
    inside.wait(5)
    x = Tensor([1.0], requires_grad=True)
    seen["main"] = (x * 2.0).requires_grad  # recording here while the other thread is in no_grad
    release.set()
    thread.join()
    assert seen == {"evaluator": False, "main": True}
