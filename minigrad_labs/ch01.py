"""Lab of chapter 01 (computation graphs): count, find reused nodes, sort topologically.

The learner's functions only follow ``._prev``; they are graded on what they
return for graphs with reuse (the diamond, ``x * x``, a node used three times,
a lone leaf, random expressions), a chain 5,000 deep and, for the topological
order, a graph with a cycle, on which they must raise an error.
"""

from minigrad_labs import returns
from minigrad_labs.feedback import fail, fmt, passed
from minigrad_labs.guard import learner_code, run_limited
from minigrad_labs.scalar_oracle import leaf_values, random_expression


def _all_nodes(root):
    """Every node reachable from root through ``_prev``, each once (iterative)."""
    seen, stack, nodes = set(), [root], []
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            nodes.append(node)
            stack.extend(node._prev)
    return nodes


def _chapter01_graphs():
    """(name, root, names) for the graphs chapter 01's checks run on."""
    from minigrad.scalar import Value

    a = Value(2.0)
    left, right = a * 3, a + 1
    out = left * right
    x = Value(-1.5)
    square = x * x
    t = Value(0.5)
    thrice = (t * 2.0 + t) * t                 # t is a parent three times
    lone = Value(7.0)
    graphs = [("diamond", out, {a: "a", left: "left", right: "right", out: "out"}),
              ("x * x", square, {x: "x", square: "x * x"}),
              ("(t * 2 + t) * t", thrice, {t: "t"}),
              ("a lone leaf", lone, {lone: "the leaf"})]
    for seed in range(4):
        leaves = [Value(v) for v in leaf_values(seed)]
        graphs.append((f"random #{seed}", random_expression(seed, leaves), {}))
    return graphs


def count_nodes(count_nodes):
    """Exercise 1.1: ``count_nodes(root)`` is the number of distinct nodes of the graph."""
    for name, root, _ in _chapter01_graphs():
        expected = len(_all_nodes(root))
        with learner_code("count_nodes"):
            got = count_nodes(root)
        got = returns.count("count_nodes", got, "the number of nodes", "el número de nodos")
        if got != expected:
            fail(f"count_nodes on the graph {name}: expected {expected} nodes, got {got}.",
                 f"count_nodes en el grafo {name}: se esperaban {expected} nodos, se obtuvo {got}.",
                 "visited" if got > expected else None)
    passed("count_nodes: right on the diamond, x * x, a node used three times, a lone leaf and 4 random graphs",
           "count_nodes: correcto en el diamante, x * x, un nodo usado tres veces, una hoja sola y 4 grafos aleatorios")


def reused_nodes(reused_nodes):
    """Exercise 1.2: ``reused_nodes(root)`` lists the nodes with two or more outgoing edges."""
    for name, root, names in _chapter01_graphs():
        uses = {}
        for node in _all_nodes(root):
            for parent in node._prev:
                uses[id(parent)] = uses.get(id(parent), 0) + 1
        expected = {i for i, n in uses.items() if n >= 2}
        with learner_code("reused_nodes"):
            got = reused_nodes(root)
        got = returns.nodes("reused_nodes", got, ordered=False)
        got_ids = {id(n) for n in got}
        if got_ids != expected or len(got) != len(got_ids):
            by_id = {id(n): n for n in _all_nodes(root)}
            describe = lambda i: names.get(by_id[i], f"data={fmt(by_id[i].data)}") if i in by_id else "?"
            missing = sorted(describe(i) for i in expected - got_ids)
            extra = sorted(describe(i) for i in got_ids - expected)
            twice = len(got) != len(got_ids)
            fail(f"reused_nodes on the graph {name}: missing {missing}, wrongly included {extra}"
                 f"{', and some node listed twice' if twice else ''}. "
                 "A node is reused when two edges leave it (in x * x, x is a parent twice).",
                 f"reused_nodes en el grafo {name}: faltan {missing}, sobran {extra}"
                 f"{', y algún nodo aparece dos veces' if twice else ''}. "
                 "Un nodo se reutiliza cuando salen de él dos aristas (en x * x, x es padre dos veces).")
    passed("reused_nodes: finds every diamond", "reused_nodes: encuentra todos los diamantes")


def _check_topological(order, root, who, graph):
    nodes = _all_nodes(root)
    ids = [id(n) for n in order]
    if len(set(ids)) != len(ids):
        fail(f"{who} on {graph}: a node appears more than once.",
             f"{who} en {graph}: un nodo aparece más de una vez.", "visited")
    if set(ids) != {id(n) for n in nodes}:
        fail(f"{who} on {graph}: {len(nodes)} nodes expected, got {len(set(ids))} different ones.",
             f"{who} en {graph}: se esperaban {len(nodes)} nodos, se obtuvieron {len(set(ids))} distintos.")
    position = {i: k for k, i in enumerate(ids)}
    if any(position[id(p)] > position[id(n)] for n in nodes for p in n._prev):
        reversed_ok = all(position[id(p)] > position[id(n)] for n in nodes for p in n._prev)
        fail(f"{who} on {graph}: a node comes before one of its parents"
             f"{' (the whole list is reversed: root first)' if reversed_ok else ''}.",
             f"{who} en {graph}: un nodo va antes que uno de sus padres"
             f"{' (la lista entera está al revés: la raíz primero)' if reversed_ok else ''}.")


def _cycle():
    """x -> y -> z -> x: z's parent is y, y's is x, and x's parent is z again."""
    from minigrad.scalar import Value

    x = Value(1.0)
    y = x + 1.0
    z = y * 2.0
    x._prev = (z,)
    return z


def topological_order(topological_order):
    """Exercise 1.3: ``topological_order(root)``, every node after its parents, no recursion;
    on a graph with a cycle it raises an error (a cycle has no such order)."""
    from minigrad.scalar import Value

    for name, root, _ in _chapter01_graphs():
        with learner_code("topological_order"):
            order = topological_order(root)
        order = returns.nodes("topological_order", order, ordered=True)
        _check_topological(order, root, "topological_order", name)
    node = Value(1.0)
    for _ in range(5_000):
        node = node * 1.0
    with learner_code("topological_order"):
        order = topological_order(node)
    order = returns.nodes("topological_order", order, ordered=True)
    _check_topological(order, node, "topological_order", "a chain 5,000 deep")
    what, _ = run_limited(2.0, lambda root: list(topological_order(root)), _cycle())
    if what == "returned":
        fail("topological_order on a graph with a cycle (x -> y -> z -> x) returned a list; a cycle has no "
             "topological order, so raise an error (e.g. ValueError): keep the nodes whose parents are still "
             "being visited, and a node met again among them closes a cycle.",
             "topological_order en un grafo con un ciclo (x -> y -> z -> x) devolvió una lista; un ciclo no "
             "tiene orden topológico, así que lanza un error (p. ej. ValueError): guarda los nodos cuyos padres "
             "aún se están visitando, y un nodo que reaparece entre ellos cierra un ciclo.")
    if what == "timed out":
        fail("topological_order on a graph with a cycle (x -> y -> z -> x) never ended: it goes round the "
             "cycle for ever. Raise an error (e.g. ValueError) when a node comes back while its parents are "
             "still being visited.",
             "topological_order en un grafo con un ciclo (x -> y -> z -> x) no terminó nunca: da vueltas al "
             "ciclo sin fin. Lanza un error (p. ej. ValueError) cuando un nodo reaparece mientras sus padres "
             "aún se están visitando.")
    passed("topological_order: parents first, each node once, 5,000 deep without recursion, an error on a cycle",
           "topological_order: padres primero, cada nodo una vez, 5000 de profundidad sin recursión, "
           "un error ante un ciclo")
