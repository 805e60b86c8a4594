"""minigrad: a small, readable autograd engine for the course "backprop from scratch".

* ``minigrad.scalar.Value``: one number per node (micrograd-style).
* ``minigrad.Tensor``: numpy arrays per node, with broadcasting.
"""

from .scalar import Value

__version__ = "0.1.0"

# The tensor engine and the layers built on it (engine -> functional -> nn -> optim).
from .tensor import Tensor, no_grad  # noqa: E402
from . import functional, nn, optim  # noqa: E402
