"""Draw a computation graph with graphviz, straight from the engine's own nodes.

``draw(root)`` walks ``._prev`` from ``root`` (a scalar ``Value`` or a
``Tensor``) and returns a ``graphviz.Digraph``, in the style of micrograd's
drawing: one box per node showing its name, data and grad, and one small
ellipse per operation between a node and its inputs.  In a notebook the
returned object displays itself as SVG.

    >>> from minigrad.scalar import Value
    >>> a = Value(2.0); out = a * 3
    >>> dot = draw(out, names={a: "a", out: "out"})

Layering: this module only reads ``.data``, ``.grad``, ``._prev`` and
``._op``; it imports nothing from ``nn`` or ``optim``.
"""

import graphviz
import numpy as np

from .autograd import topological_order
from .scalar import Value
from .tensor import Tensor

__all__ = ["draw", "walk"]

HIGHLIGHT = "#ffcc4d"  # the node (and the edges to its inputs) being highlighted
LEAF = "#e8f1fb"  # leaves: the nodes you created yourself
BOX = "#ffffff"  # computed nodes


def walk(root):
    """All nodes reachable from ``root`` through ``._prev`` and the edges between them.

    Returns ``(nodes, edges)``: nodes in depth-first post-order (every node
    after its inputs, deterministic for a given graph) and edges as
    ``(input, node)`` pairs, one per entry of ``node._prev`` (an input used
    twice by the same op, as in ``a * a``, gives two edges). The order is
    ``minigrad.autograd.topological_order``, the one both engines' backward uses.
    """
    nodes = topological_order(root)
    edges = [(parent, node) for node in nodes for parent in node._prev]
    return nodes, edges


def _escape(text):
    """Escape the characters that are special in a graphviz record label."""
    for char in "\\{}|<>":
        text = text.replace(char, "\\" + char)
    return text


def _number(x):
    return f"{x:.4g}"


def _array(array, max_values):
    if array.size > max_values:
        return None
    text = np.array2string(np.asarray(array), precision=4, separator=", ", suppress_small=True)
    return " ".join(text.split())  # one line: the box stays a box


def _fields(node, max_values):
    """The text fields of one node's box: data and grad (and shape for tensors)."""
    if isinstance(node, Value):
        return [f"data {_number(node.data)}", f"grad {_number(node.grad)}"]
    if isinstance(node, Tensor):
        fields = [f"shape {tuple(node.data.shape)}"]
        values = _array(node.data, max_values)
        if values is not None:
            fields.append(f"data {values}")
        if node.grad is None:
            fields.append("grad None")
        else:
            grad = _array(np.asarray(node.grad), max_values)
            fields.append(f"grad {grad}" if grad is not None else f"grad shape {tuple(np.shape(node.grad))}")
        return fields
    raise TypeError(f"draw() expects a minigrad Value or Tensor, got {type(node).__name__}")


def _op_label(node):
    op = node._op
    if isinstance(node, Value) and op == "**k":
        return f"**{node._extra:g}"
    return op


def draw(root, names=None, highlight=None, rankdir="LR", max_values=6, title=None):
    """A ``graphviz.Digraph`` of the graph that produced ``root``.

    root       a ``Value`` or ``Tensor``: the output of the computation.
    names      optional ``{node: "name"}``; named nodes show their name first.
    highlight  optional node to emphasise (e.g. the node whose ``_backward()``
               just ran); the edges into it from its inputs are emphasised too.
    rankdir    graphviz layout direction: "LR" (inputs on the left) or "TB".
    max_values tensors with at most this many elements show their values;
               larger ones show only their shape.
    title      optional caption drawn above the graph.
    """
    if not isinstance(root, (Value, Tensor)):
        raise TypeError(f"draw() expects a minigrad Value or Tensor, got {type(root).__name__}")
    names = names or {}
    name_of = {id(node): name for node, name in names.items()}
    nodes, edges = walk(root)
    dot = graphviz.Digraph(graph_attr={"rankdir": rankdir, "bgcolor": "transparent"})
    dot.attr("node", fontname="Helvetica", fontsize="11")
    dot.attr("edge", color="#555555")
    if title:
        dot.attr(label=title, labelloc="t", fontname="Helvetica", fontsize="12")
    highlighted = id(highlight) if highlight is not None else None
    # Graphviz ids by position in the walk, not by id(): the same graph
    # always gives the same drawing source.
    gid = {id(node): f"n{i}" for i, node in enumerate(nodes)}

    for node in nodes:
        uid = gid[id(node)]
        fields = _fields(node, max_values)
        if id(node) in name_of:
            fields.insert(0, name_of[id(node)])
        label = " | ".join(_escape(f) for f in fields)
        if rankdir in ("LR", "RL"):  # records turn with the layout: keep the fields side by side
            label = "{ " + label + " }"
        fill = HIGHLIGHT if id(node) == highlighted else (LEAF if not node._prev else BOX)
        dot.node(uid, label=label, shape="record", style="filled,rounded", fillcolor=fill,
                 penwidth="2" if id(node) == highlighted else "1")
        if node._prev:
            op_id = uid + "_op"
            dot.node(op_id, label=_escape(_op_label(node)), shape="ellipse", style="filled",
                     fillcolor=HIGHLIGHT if id(node) == highlighted else "#eeeeee",
                     fontsize="10", width="0.3", height="0.3", margin="0.02")
            dot.edge(op_id, uid)

    for parent, node in edges:
        emphasise = id(node) == highlighted
        dot.edge(gid[id(parent)], gid[id(node)] + "_op",
                 **({"color": "#d08c00", "penwidth": "2"} if emphasise else {}))
    return dot
