"""One check per lab exercise: ``check.NAME(what_the_learner_wrote)``.

The chapters import this module as ``from minigrad_labs import checks as check``;
it only gathers the checks, which live one module per chapter (``ch01`` ... ``ch09``).

A check runs the learner's code on fixed and random inputs, compares it with
PyTorch (float64) and, where it teaches, finite differences, and either prints
one line starting with ✓ or stops with a short message: which gradient of which
node is wrong, expected vs got, and the likely cause. A stub still raising
``NotImplementedError`` gives "not implemented yet".

Every check is wrapped here in ``guard.graded``: it is stopped if it runs too
long, and no exception but the labs' own (``LabError``) escapes it.
"""

from minigrad_labs import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09
from minigrad_labs.guard import graded

# The training checks train a network for 20 epochs: they get more time than the others.
TRAINING_SECONDS = 180.0

count_nodes = graded(ch01.count_nodes)
reused_nodes = graded(ch01.reused_nodes)
topological_order = graded(ch01.topological_order)

divide_backward = graded(ch02.divide_backward)
sigmoid_backward = graded(ch02.sigmoid_backward)
two_paths_backward = graded(ch02.two_paths_backward)

value_add_mul = graded(ch03.value_add_mul)
value_unary = graded(ch03.value_unary)
diamond_by_hand = graded(ch03.diamond_by_hand)

backward = graded(ch04.backward)
engine = graded(ch04.engine)

unbroadcast = graded(ch05.unbroadcast)
broadcast_rule = graded(ch05.broadcast_rule)
cube = graded(ch05.cube)

numerical_grad = graded(ch06.numerical_grad)
softplus = graded(ch06.softplus)
leaky_relu = graded(ch06.leaky_relu)

sequential = graded(ch07.sequential)
register = graded(ch07.register)
twice = graded(ch07.twice)

train_step = graded(ch08.train_step)
cross_entropy = graded(ch08.cross_entropy)
my_sgd = graded(ch08.my_sgd, seconds=TRAINING_SECONDS)
digits_from_scratch = graded(ch08.digits_from_scratch, seconds=TRAINING_SECONDS)

matmul_backward = graded(ch09.matmul_backward)
cross_entropy_backward = graded(ch09.cross_entropy_backward)

__all__ = [
    "count_nodes", "reused_nodes", "topological_order",
    "divide_backward", "sigmoid_backward", "two_paths_backward",
    "value_add_mul", "value_unary", "diamond_by_hand",
    "backward", "engine",
    "unbroadcast", "broadcast_rule", "cube",
    "numerical_grad", "softplus", "leaky_relu",
    "sequential", "register", "twice",
    "train_step", "cross_entropy", "my_sgd", "digits_from_scratch",
    "matmul_backward", "cross_entropy_backward",
]
