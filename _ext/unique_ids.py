"""One element per id on every page.

sphinx-exercise wraps the body of every exercise and solution in a section with
the fixed id ``exercise-content`` / ``solution-content``, so a chapter with four
exercises had four elements of each id (a screen reader's and a link's target is
ambiguous, and the HTML is invalid). Such a section takes the id of the exercise
or solution it belongs to (``en-lab03-1-content``); any other repeated id gets a
number (``name-2``). The first element of an id keeps it, so links still land
where they did.
"""

from docutils import nodes

FIXED = ("exercise-content", "solution-content")


def owner_id(node):
    """The first id of the nearest ancestor that has one."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.Element) and parent.get("ids"):
            return parent["ids"][0]
        parent = parent.parent
    return None


def make_ids_unique(app, doctree, docname):
    seen = set()
    for node in doctree.findall(nodes.Element):
        ids = node.get("ids") or []
        for position, name in enumerate(ids):
            if name in FIXED and owner_id(node):
                name = f"{owner_id(node)}-content"
            unique, number = name, 1
            while unique in seen:
                number += 1
                unique = f"{name}-{number}"
            ids[position] = unique
            seen.add(unique)


def setup(app):
    app.connect("doctree-resolved", make_ids_unique, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
