"""One check per lab exercise: ``check.NAME(what_the_learner_wrote)``.

The chapters import this module as ``from minigrad_labs import checks as check``;
it only gathers the checks, which live one module per chapter (``ch01`` ... ``ch09``).

A check runs the learner's code on fixed and random inputs, compares it with
PyTorch (float64) and, where it teaches, finite differences, and either prints
one line starting with ✓ or stops with a short message: which gradient of which
node is wrong, expected vs got, and the likely cause. A stub still raising
``NotImplementedError`` gives "not implemented yet".
"""

from minigrad_labs.ch01 import count_nodes, reused_nodes, topological_order
from minigrad_labs.ch02 import divide_backward, sigmoid_backward, two_paths_backward
from minigrad_labs.ch03 import diamond_by_hand, value_add_mul, value_unary
from minigrad_labs.ch04 import backward, engine
from minigrad_labs.ch05 import broadcast_rule, cube, unbroadcast
from minigrad_labs.ch06 import leaky_relu, numerical_grad, softplus
from minigrad_labs.ch07 import register, sequential, twice
from minigrad_labs.ch08 import cross_entropy, digits_from_scratch, my_sgd, train_step
from minigrad_labs.ch09 import cross_entropy_backward, matmul_backward

__all__ = [
    "count_nodes", "reused_nodes", "topological_order",                      # 01
    "divide_backward", "sigmoid_backward", "two_paths_backward",             # 02
    "value_add_mul", "value_unary", "diamond_by_hand",                       # 03
    "backward", "engine",                                                    # 04
    "unbroadcast", "broadcast_rule", "cube",                                 # 05
    "numerical_grad", "softplus", "leaky_relu",                              # 06
    "sequential", "register", "twice",                                       # 07
    "train_step", "cross_entropy", "my_sgd", "digits_from_scratch",          # 08
    "matmul_backward", "cross_entropy_backward",                             # 09
]
