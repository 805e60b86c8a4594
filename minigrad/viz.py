"""Draw a computation graph with graphviz, straight from the engine's own nodes.

``draw(root)`` walks ``._prev`` from ``root`` (a scalar ``Value`` or a
``Tensor``) and returns a ``graphviz.Digraph``, in the style of micrograd's
drawing: one box per node showing its name, data and grad, and one small
ellipse per operation between a node and its inputs.  In a notebook the
returned object displays itself as an SVG picture whose alt text says, in
English and in Spanish, what the picture shows: every node with its data and
grad, how it was computed, and the highlighted step (``Drawing.alt``).

``figure(fig, alt)`` does the same for a matplotlib figure: a PNG picture
with the alt text the drawing code wrote for it.

The book shows both as ``<img>`` with a data URL (no file of its own, so
nothing on the page is named by a hash); the Spanish site takes the Spanish
words from ``data-alt-es`` (_ext/figure_alt.py).  Student notebooks show the
alt text of ``MINIGRAD_LAB_LANG`` (English by default).

    >>> from minigrad.scalar import Value
    >>> a = Value(2.0); out = a * 3
    >>> dot = draw(out, names={a: "a", out: "out"})

Layering: this module only reads ``.data``, ``.grad``, ``._prev`` and
``._op``; it imports nothing from ``nn`` or ``optim``.
"""

import base64
import html
import io
import os
import re
import struct

import graphviz
import numpy as np

from .autograd import topological_order
from .scalar import Value
from .tensor import Tensor

__all__ = ["draw", "walk", "figure", "Drawing", "Figure"]

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
    dot = Drawing(graph_attr={"rankdir": rankdir, "bgcolor": "transparent"})
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
    dot.alt = {lang: describe(nodes, name_of, highlight, lang, max_values) for lang in LANGUAGES}
    return dot


# --- Pictures with words -----------------------------------------------------
# A screen reader cannot see a graph: it reads the picture's alt text.  The
# drawing code knows what it drew, so it writes that text itself, in both
# languages of the book.

LANGUAGES = ("en", "es")
WORDS = {
    "en": {"graph": "Computation graph of {root}: {nodes} nodes, {ops} of them computed by an operation.",
           "leaf": "{name}: leaf", "computed": "{name} = {formula}",
           "highlight": "Highlighted: {name} and the edges from its inputs {inputs}.",
           "highlight_leaf": "Highlighted: the leaf {name}.",
           "node": "node {index}", "constant": "the constant {value}", "and": "and",
           "shape": "shape {shape}", "values": "{field} {values}",
           "no_grad": "grad None"},
    "es": {"graph": "Grafo de cómputo de {root}: {nodes} nodos, {ops} de ellos calculados por una operación.",
           "leaf": "{name}: hoja", "computed": "{name} = {formula}",
           "highlight": "Resaltados: {name} y las aristas desde sus entradas {inputs}.",
           "highlight_leaf": "Resaltada: la hoja {name}.",
           "node": "nodo {index}", "constant": "la constante {value}", "and": "y",
           "shape": "forma {shape}", "values": "{field} {values}",
           "no_grad": "grad None"},
}
# Operations a sentence can say (the rest are read as a function of their inputs).
INFIX = {"+": "+", "*": "×", "-": "−", "/": "/", "@": "@"}


def _say_number(x, lang):
    """A number as the page's language writes it: 0.5 in English, 0,5 in Spanish."""
    text = _number(x)
    return text.replace(".", ",") if lang == "es" else text


def _say_values(array, lang, max_values):
    text = _array(array, max_values)
    if text is None:
        return None
    return re.sub(r"(\d)\.(\d)", r"\1,\2", text.replace(", ", "; ")) if lang == "es" else text


def _say_fields(node, lang, max_values):
    """What a node's box shows (data, grad, shape), as words for the alt text."""
    words = WORDS[lang]
    if isinstance(node, Value):
        return f"data {_say_number(node.data, lang)}, grad {_say_number(node.grad, lang)}"
    fields = [words["shape"].format(shape=tuple(node.data.shape))]
    values = _say_values(node.data, lang, max_values)
    if values is not None:
        fields.append(words["values"].format(field="data", values=values))
    if node.grad is None:
        fields.append(words["no_grad"])
    else:
        grad = _say_values(np.asarray(node.grad), lang, max_values)
        if grad is not None:
            fields.append(words["values"].format(field="grad", values=grad))
    return ", ".join(fields)


def describe(nodes, name_of, highlight, lang, max_values=6):
    """The alt text of a drawing: one sentence per node, inputs first, then the highlight.

    A named node is called by its name; an unnamed constant leaf of the scalar
    engine by its value; any other node by its position in the walk.
    """
    words = WORDS[lang]

    def call(node, index):
        if id(node) in name_of:
            return name_of[id(node)]
        if isinstance(node, Value) and not node._prev:
            return words["constant"].format(value=_say_number(node.data, lang))
        return words["node"].format(index=index + 1)

    label = {id(node): call(node, i) for i, node in enumerate(nodes)}
    sentences = [words["graph"].format(root=label[id(nodes[-1])], nodes=len(nodes),
                                       ops=sum(1 for node in nodes if node._prev))]
    for node in nodes:
        name = label[id(node)]
        if not node._prev:
            sentence = words["leaf"].format(name=name)
        else:
            inputs = [label[id(parent)] for parent in node._prev]
            op = _op_label(node)
            if op in INFIX and len(inputs) == 2:
                formula = f"{inputs[0]} {INFIX[op]} {inputs[1]}"
            else:
                formula = f"{op}({', '.join(inputs)})"
            sentence = words["computed"].format(name=name, formula=formula)
        sentences.append(f"{sentence}, {_say_fields(node, lang, max_values)}.")
    if highlight is not None:
        name = label.get(id(highlight))
        if name is not None and highlight._prev:
            inputs = f" {words['and']} ".join(dict.fromkeys(label[id(p)] for p in highlight._prev))
            sentences.append(words["highlight"].format(name=name, inputs=inputs))
        elif name is not None:
            sentences.append(words["highlight_leaf"].format(name=name))
    return " ".join(sentences)


def reader_language():
    """The language of a student notebook's alt text: MINIGRAD_LAB_LANG, English by default."""
    lang = os.environ.get("MINIGRAD_LAB_LANG", "en")
    return lang if lang in LANGUAGES else "en"


def _alt_dict(alt):
    """``alt`` as ``{language: text}``: a string is English (and Spanish) alike."""
    if isinstance(alt, str):
        alt = {lang: alt for lang in LANGUAGES}
    if not isinstance(alt, dict) or not alt.get("en") or not all(isinstance(v, str) and v.strip() for v in alt.values()):
        raise ValueError(f"alt text must be a non-empty string or {{'en': ..., 'es': ...}}, got {alt!r}")
    return dict(alt)


def picture_html(data, mime, alt, width, height):
    """An ``<img>`` of ``data`` (a data URL) in a frame that scrolls when the picture is wider than the page.

    ``width`` and ``height`` (CSS pixels) reserve the picture's room before it
    is decoded, so nothing below it jumps; on a narrow screen the frame shows
    it at full size and scrolls (_ext/static/figures.css).
    """
    alt = _alt_dict(alt)
    lang = reader_language()
    source = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    extra = "".join(f' data-alt-{code}="{html.escape(text)}"' for code, text in alt.items())
    return (f'<div class="mg-figure" style="--mg-width: {width}px">'
            f'<div class="mg-figure-frame" tabindex="0">'
            f'<img src="{source}" alt="{html.escape(alt.get(lang, alt["en"]))}"{extra}'
            f' width="{width}" height="{height}" decoding="async"></div></div>')


def _svg_size(svg):
    """The CSS pixel size of a graphviz SVG (its width and height are in points)."""
    head = svg[:2000].decode("utf-8", "replace")
    sizes = []
    for key in ("width", "height"):
        found = re.search(rf'{key}="([\d.]+)(pt|px)?"', head)
        if not found:
            raise ValueError(f"the SVG has no {key} attribute")
        value = float(found.group(1))
        sizes.append(round(value * 4 / 3 if found.group(2) == "pt" else value))
    return tuple(sizes)


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that carries its alt text, ``alt = {"en": ..., "es": ...}``.

    In a notebook it shows itself as an ``<img>`` of its SVG with that text
    (``.source``, ``.pipe()``, ``.render()`` work as for any Digraph).
    """

    alt = None

    def svg(self):
        return self.pipe(format="svg")

    def _repr_html_(self):
        if not self.alt:
            raise ValueError("this drawing has no alt text: make it with minigrad.viz.draw")
        svg = self.svg()
        width, height = _svg_size(svg)
        return picture_html(svg, "image/svg+xml", self.alt, width, height)

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        return {"text/html": self._repr_html_(), "text/plain": self.alt[reader_language()]}


class Figure:
    """A matplotlib figure as a PNG picture with alt text (see ``figure``)."""

    def __init__(self, png, alt, width, height):
        self.png, self.alt, self.width, self.height = png, _alt_dict(alt), width, height

    def _repr_html_(self):
        return picture_html(self.png, "image/png", self.alt, self.width, self.height)

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        return {"text/html": self._repr_html_(), "text/plain": self.alt.get(reader_language(), self.alt["en"])}


def figure(fig, alt, dpi=100):
    """A matplotlib figure as a ``Figure``: its PNG and the words ``alt`` that say what it shows.

    alt  a string, or ``{"en": ..., "es": ...}`` for a picture shown in both
         languages of the book.
    The figure is rendered once and closed (a notebook would otherwise show
    it a second time, without words).
    """
    alt = _alt_dict(alt)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    import matplotlib.pyplot as plt  # only here: drawing graphs needs no matplotlib

    plt.close(fig)
    png = buffer.getvalue()
    width, height = struct.unpack(">II", png[16:24])  # the PNG header's IHDR chunk
    return Figure(png, alt, width, height)
