"""The checks' own walk over a learner's graph, and a record of how the learner's walk went.

Chapters 03 and 04 grade behaviour: an operation may be one node or several (a
``__pow__`` by repeated multiplication, a ``tanh`` made of ``exp``), since the
check runs every ``_backward()`` of the graph itself, in reverse topological
order, and compares gradients. When a learner's own walk (``backward(root)``)
gives wrong numbers, ``Recorder`` tells why from what it did: which
``_backward()`` ran, how often, in which order, and with which gradient.
"""

from minigrad_labs.feedback import fail
from minigrad_labs.guard import learner_code


def parents(node):
    """``node._prev`` as a list, or a message saying what is wrong with it."""
    prev = getattr(node, "_prev", None)
    if prev is None or isinstance(prev, (str, bytes, dict)) or not hasattr(prev, "__iter__"):
        fail(f"a node's `_prev` is {type(prev).__name__} ({prev!r}): it must hold the node's parents "
             "(a tuple, a list or a set of nodes).",
             f"el `_prev` de un nodo es {type(prev).__name__} ({prev!r}): debe contener los padres del nodo "
             "(una tupla, una lista o un conjunto de nodos).")
    prev = list(prev)
    for p in prev:
        if not (hasattr(p, "_prev") and hasattr(p, "grad") and hasattr(p, "data")):
            fail(f"a node's `_prev` holds a {type(p).__name__} ({p!r}), not a node: put the parent nodes "
                 "there (wrap a plain number in a Value first).",
                 f"el `_prev` de un nodo contiene un {type(p).__name__} ({p!r}), no un nodo: pon ahí los "
                 "nodos padre (envuelve antes un número en un Value).")
    return prev


def topological(root):
    """Every node reachable from ``root``, each after its parents (iterative, by identity)."""
    order, done, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in done:
            done.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in parents(node) if id(p) not in done)
    return order


def run_backward(root, who):
    """Call every ``_backward()`` of root's graph in reverse topological order (the gradients as set)."""
    for node in reversed(topological(root)):
        with learner_code(who):
            node._backward()


def reaches(root, node):
    """True when ``node`` is in root's graph."""
    return any(n is node for n in topological(root))


class Recorder:
    """Wraps every node's ``_backward`` to log, in order, which node ran and with what gradient."""

    def __init__(self, root):
        self.root, self.nodes, self.log, self.ok = root, topological(root), [], True
        for node in self.nodes:
            original = node._backward

            def logged(node=node, original=original):
                self.log.append((id(node), node.grad))
                return original()

            try:
                node._backward = logged
            except (AttributeError, TypeError):      # a class with __slots__: no record, no diagnosis
                self.ok = False

    def diagnose(self):
        """The cause (a key of CAUSES) that explains the walk, or None if it looked right."""
        if not self.ok:
            return None
        if not self.log:
            return "not_all"
        calls = {}
        for i, (key, _) in enumerate(self.log):
            calls.setdefault(key, []).append(i)
        if any(len(c) > 1 for c in calls.values()):
            return "twice"
        root_calls = [grad for key, grad in self.log if key == id(self.root)]
        if root_calls and root_calls[0] == 0 and self.root.grad == 0:
            return "no_seed"
        if root_calls and root_calls[0] == 0:
            return "seed_late"
        inner = [n for n in self.nodes if parents(n)]
        if any(id(n) not in calls for n in inner):
            return "not_all"
        first = {key: c[0] for key, c in calls.items()}
        edges = [(p, n) for n in inner for p in parents(n) if parents(p)]   # both ends run a _backward
        if any(first[id(n)] > first[id(p)] for p, n in edges):              # a parent before a child
            if all(first[id(p)] < first[id(n)] for p, n in edges):
                return "forward_order"
            return "not_topological"
        return None
