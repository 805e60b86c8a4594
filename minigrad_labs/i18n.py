"""Every message of the labs as an (English, Spanish) pair, for translators and tests.

The labs keep each message next to the code that says it, as a ``say(en, es)``
pair (or ``fail(en, es)``, ``passed(en, es)``, ``wrong_gradient(en, es, ...)``):
a reader of a check sees both languages at once, and the message cannot drift
away from the code. ``messages()`` finds every pair by reading the package's
source (it runs nothing), so a test can hold the Spanish to the book's
terminology and the placeholders of both languages to each other. An f-string
appears with its placeholders as written, e.g. ``"got {fmt(got)}"``.

Pairs are found in: calls to ``say``, ``fail``, ``passed``, ``wrong_gradient`` and,
in the tensor labs, ``fail_hint`` and ``compare_array`` (their first two arguments); the values of the ``CAUSES`` dictionary; ``return``
statements of a two-string tuple; the last two strings of ``PACKAGES`` entries.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SPEAKERS = {"say", "fail", "passed", "wrong_gradient", "fail_hint", "compare_array"}


@dataclass(frozen=True)
class Message:
    en: str
    es: str
    where: str          # "module.py:line"


def _text(node):
    """The text of a string expression with ``{placeholders}``, or None if it is not one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(value.value)
            else:
                parts.append("{" + ast.unparse(value.value) + "}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        return None if left is None or right is None else left + right
    return None


def _pair(en_node, es_node, where):
    en, es = _text(en_node), _text(es_node)
    return Message(en, es, where) if en and es else None


def placeholders(text):
    """The ``{...}`` of a message, made comparable across languages.

    ``what_en``/``what_es`` become ``what_LANG``, a bare ``en``/``es`` becomes ``LANG``,
    and the quoted text inside a placeholder (a translated fragment) becomes ``'…'``.
    """
    found = []
    for inner in re.findall(r"\{([^{}]*)\}", text):
        inner = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", inner)
        inner = re.sub(r"\b(\w+)_(en|es)\b", r"\1_LANG", inner)
        found.append(re.sub(r"\b(en|es)\b", "LANG", inner))
    return sorted(found)


def _pairs_in(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = path.name
    for node in ast.walk(tree):
        found = []
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in SPEAKERS and len(node.args) >= 2:
            found.append(_pair(node.args[0], node.args[1], f"{name}:{node.lineno}"))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
            found.append(_pair(*node.value.elts, f"{name}:{node.lineno}"))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and \
                any(getattr(t, "id", None) in ("CAUSES", "PACKAGES") for t in node.targets):
            for value in node.value.values:
                if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
                    found.append(_pair(*value.elts[-2:], f"{name}:{value.lineno}"))
        yield from (m for m in found if m is not None)


def messages():
    """Every (en, es) message pair of the package, in file and line order."""
    found = []
    for path in sorted(PACKAGE.glob("*.py")):
        found.extend(_pairs_in(path))
    return sorted(set(found), key=lambda m: (m.where.split(":")[0], int(m.where.split(":")[1])))
