"""minigrad.viz.draw: the drawing is the engine's real graph."""

import re
import shutil

import numpy as np
import pytest

from minigrad.scalar import Value
from minigrad.tensor import Tensor
from minigrad.viz import draw, walk



def parse(dot):
    """(boxes, ops, edges) of a drawing: box id -> label, op id -> label, set of (tail, head)."""
    boxes, ops, edges = {}, {}, []
    for line in dot.body:
        line = line.strip()
        edge = re.match(r'"?(\w+)"? -> "?(\w+)"?', line)
        if edge:
            edges.append(edge.groups())
            continue
        node = re.match(r'"?(\w+)"? \[label="?(.*?)"? (?:fillcolor|fontsize)', line)
        if node:
            (ops if node.group(1).endswith("_op") else boxes)[node.group(1)] = node.group(2)
    return boxes, ops, edges


def diamond():
    a = Value(2.0)
    left = a * 3
    right = a + 1
    out = left * right
    return a, left, right, out


def test_walk_finds_every_node_and_edge_of_the_diamond():
    a, left, right, out = diamond()
    nodes, edges = walk(out)
    three, one = left._prev[1], right._prev[1]
    assert set(map(id, nodes)) == set(map(id, [a, three, one, left, right, out]))
    assert len(nodes) == 6  # a appears once, although it is used twice
    assert [(id(p), id(n)) for p, n in edges] == [(id(p), id(n)) for n in nodes for p in n._prev]
    position = {id(n): i for i, n in enumerate(nodes)}
    assert all(position[id(p)] < position[id(n)] for p, n in edges)


def test_drawing_of_a_value_graph_has_one_box_per_node_and_an_op_per_computed_node():
    a, left, right, out = diamond()
    out.backward()
    dot = draw(out, names={a: "a", left: "left", right: "right", out: "out"})
    boxes, ops, edges = parse(dot)
    assert len(boxes) == 6
    assert sorted(ops.values()) == ["*", "*", "+"]
    # op -> node for each computed node, input -> op for each input: 3 + 6 edges
    assert len(edges) == 9
    for op_id in ops:
        assert (op_id, op_id[: -len("_op")]) in edges
    # a feeds two different ops: the diamond
    a_id = next(i for i, label in boxes.items() if label.startswith("{ a |"))
    assert len([e for e in edges if e[0] == a_id]) == 2


def test_labels_show_name_data_and_grad():
    a, left, right, out = diamond()
    out.backward()  # out = 6 * 3 = 18, a.grad = 3 * 3 + 6 * 1 = 15
    labels = list(parse(draw(out, names={a: "a", out: "out"}))[0].values())
    assert "{ a | data 2 | grad 15 }" in labels
    assert "{ out | data 18 | grad 1 }" in labels
    assert "{ data 6 | grad 3 }" in labels  # left, unnamed


def test_labels_follow_the_gradients_as_backward_runs():
    a, left, right, out = diamond()
    before = parse(draw(out, names={a: "a"}))[0]
    assert "{ a | data 2 | grad 0 }" in before.values()
    seen = []
    out.backward(on_step=lambda node: seen.append(parse(draw(out, names={a: "a"}, highlight=node))))
    assert len(seen) == 6
    assert "{ a | data 2 | grad 15 }" in seen[-1][0].values()


def test_highlight_colours_one_node_and_the_edges_into_its_op():
    a, left, right, out = diamond()
    dot = draw(out, highlight=left)
    source = dot.source
    highlighted = [line for line in dot.body if "#ffcc4d" in line and "->" not in line]
    assert len(highlighted) == 2  # the box of `left` and its op
    assert source.count("penwidth=2") == 1 + 2  # its box, and its two input edges


def test_power_op_shows_its_constant_exponent():
    x = Value(3.0)
    ops = parse(draw(x**2))[1]
    assert list(ops.values()) == ["**2"]


def test_tensor_graph_shows_shape_small_values_and_grad():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    w = Tensor([1.0, -1.0], requires_grad=True)
    loss = (x * w).sum()
    loss.backward()
    boxes, ops, edges = parse(draw(loss, names={x: "x", w: "w", loss: "loss"}))
    assert len(boxes) == 4 and sorted(ops.values()) == sorted([loss._op, loss._prev[0]._op])
    labels = " ".join(boxes.values())
    assert "x | shape (2, 2) | data [[1., 2.], [3., 4.]] | grad [[ 1., -1.], [ 1., -1.]]" in labels
    assert "w | shape (2,) | data [ 1., -1.] | grad [4., 6.]" in labels
    assert "loss | shape () | data -2." in labels


def test_large_tensors_show_only_their_shape():
    x = Tensor(np.ones((10, 10)), requires_grad=True)
    label = list(parse(draw((x * 2.0).sum(), names={x: "x"}))[0].values())
    big = next(text for text in label if text.startswith("{ x |"))
    assert big == "{ x | shape (10, 10) | grad None }"


def test_same_graph_gives_the_same_drawing_source():
    assert draw(diamond()[3]).source == draw(diamond()[3]).source


def test_deep_graph_does_not_recurse():
    node = Value(1.0)
    for _ in range(5_000):
        node = node * 1.0
    assert len(walk(node)[0]) == 10_001


def test_special_characters_in_names_are_escaped():
    a = Value(1.0)
    dot = draw(a + 1, names={a: "{a|<b>}"})
    assert r"\{a\|\<b\>\}" in dot.source


def test_rejects_things_that_are_not_minigrad_nodes():
    with pytest.raises(TypeError, match="Value or Tensor"):
        draw(3.0)


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's `dot` is not installed")
def test_renders_to_svg_with_dot():
    a, left, right, out = diamond()
    out.backward()
    svg = draw(out, names={a: "a", out: "out"}).pipe(format="svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    text = " ".join(re.findall(r">([^<>]+)</text>", svg))
    for piece in ("a", "data 2", "grad 15", "out", "data 18", "*", "+"):
        assert piece in text
    # the notebook display path (what the book's cells use): an <img> of the same SVG
    html_output = draw(out)._repr_mimebundle_()["text/html"]
    assert "data:image/svg+xml;base64," in html_output and 'alt="Computation graph' in html_output


def test_top_to_bottom_layout_keeps_the_fields_side_by_side():
    a, left, right, out = diamond()
    labels = list(parse(draw(out, names={a: "a"}, rankdir="TB"))[0].values())
    assert "a | data 2 | grad 0" in labels  # no braces: a record's top level is a row in TB
    assert 'rankdir=TB' in draw(out, rankdir="TB").source


# --- alt text: every drawing says what it shows, in both languages -----------------

import base64
import html as html_module


def img_tag(bundle):
    tag = re.search(r"<img\b[^>]*>", bundle["text/html"])
    assert tag, bundle["text/html"][:200]
    attributes = dict(re.findall(r'\s([\w-]+)="([^"]*)"', tag.group(0)))
    return {k: html_module.unescape(v) for k, v in attributes.items()}


def test_drawing_alt_text_names_every_node_its_numbers_and_the_highlight():
    a, left, right, out = diamond()
    out.backward()
    dot = draw(out, names={a: "a", left: "left", right: "right", out: "out"}, highlight=left)
    en, es = dot.alt["en"], dot.alt["es"]
    assert en.startswith("Computation graph of out: 6 nodes, 3 of them computed")
    assert es.startswith("Grafo de cómputo de out: 6 nodos, 3 de ellos calculados")
    assert "a: leaf, data 2, grad 15." in en and "a: hoja, data 2, grad 15." in es
    assert "left = a × the constant 3, data 6, grad 3." in en
    assert "right = a + the constant 1, data 3, grad 6." in en
    assert "out = left × right, data 18, grad 1." in en
    assert en.endswith("Highlighted: left and the edges from its inputs a and the constant 3.")
    assert es.endswith("Resaltados: left y las aristas desde sus entradas a y la constante 3.")


def test_spanish_alt_text_writes_decimal_commas():
    x = Value(0.5)
    y = x * Value(-1.25)
    dot = draw(y, names={x: "x", y: "y"})
    assert "x: leaf, data 0.5" in dot.alt["en"]
    assert "x: hoja, data 0,5" in dot.alt["es"] and "la constante -1,25" in dot.alt["es"]
    assert "0.5" not in dot.alt["es"]


def test_tensor_drawing_alt_text_gives_shapes_and_small_values():
    x = Tensor(np.array([[1.0, 2.0]]), requires_grad=True)
    w = Tensor(np.ones((2, 40)), requires_grad=True)
    out = (x @ w).sum()
    out.backward()
    alt = draw(out, names={x: "x", w: "W", out: "out"}).alt["en"]
    assert "x: leaf, shape (1, 2), data [[1., 2.]], grad [[40., 40.]]." in alt
    assert "W: leaf, shape (2, 40)." in alt  # 80 values: the shape only, like the box
    assert "node 3 = matmul(x, W), shape (1, 40)" in alt and "out = sum(node 3), shape ()" in alt


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz's dot is not installed")
def test_drawing_shows_itself_as_an_img_of_its_svg_with_the_alt_text():
    a, left, right, out = diamond()
    dot = draw(out, names={a: "a", out: "out"})
    bundle = dot._repr_mimebundle_()
    attributes = img_tag(bundle)
    assert attributes["alt"] == dot.alt["en"] == attributes["data-alt-en"]
    assert attributes["data-alt-es"] == dot.alt["es"]
    prefix = "data:image/svg+xml;base64,"
    assert attributes["src"].startswith(prefix)
    svg = base64.b64decode(attributes["src"][len(prefix):])
    assert svg == dot.pipe(format="svg")
    width_pt = float(re.search(rb'width="([\d.]+)pt"', svg).group(1))
    assert int(attributes["width"]) == round(width_pt * 4 / 3)  # CSS pixels: no layout shift
    assert bundle["text/plain"] == dot.alt["en"]
    assert dot.source.startswith("digraph")  # still a graphviz Digraph


def test_figure_is_a_png_with_its_size_and_words_and_closes_the_matplotlib_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from minigrad.viz import figure

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [1, 0])
    number = fig.number
    picture = figure(fig, alt={"en": "A falling line.", "es": "Una línea que baja."})
    assert not plt.fignum_exists(number)  # a notebook would show it again, without words
    attributes = img_tag(picture._repr_mimebundle_())
    assert attributes["alt"] == "A falling line." and attributes["data-alt-es"] == "Una línea que baja."
    png = base64.b64decode(attributes["src"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG")
    assert (int(attributes["width"]), int(attributes["height"])) == (picture.width, picture.height)
    assert 150 < picture.width < 400 and 100 < picture.height < 300


@pytest.mark.parametrize("alt", ["", "   ", {"es": "solo español"}, {"en": ""}, None])
def test_figure_without_words_is_refused(alt):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from minigrad.viz import figure

    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt text"):
        figure(fig, alt=alt)
    plt.close(fig)
