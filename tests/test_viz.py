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
    # the notebook display path (what the book's cells use) gives SVG too
    assert "<svg" in draw(out)._repr_mimebundle_()["image/svg+xml"]


def test_top_to_bottom_layout_keeps_the_fields_side_by_side():
    a, left, right, out = diamond()
    labels = list(parse(draw(out, names={a: "a"}, rankdir="TB"))[0].values())
    assert "a | data 2 | grad 0" in labels  # no braces: a record's top level is a row in TB
    assert 'rankdir=TB' in draw(out, rankdir="TB").source
