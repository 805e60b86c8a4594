"""minigrad: a small, readable autograd engine for the course "backprop from scratch".

* ``minigrad.scalar.Value``: one number per node (micrograd-style).
* ``minigrad.Tensor``: numpy arrays per node, with broadcasting.
"""

from .scalar import Value

__version__ = "0.1.0"
