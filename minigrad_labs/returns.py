"""What a learner's function gave back, checked before a check uses it.

Each function takes the learner's function name and what it returned, and either
gives back a clean Python value (floats, an int, a list of nodes) or stops the
check with a message that names the problem precisely: None (a missing
``return``), the wrong type, the wrong number of values. Whatever carries the
right values is accepted: a tuple, a list, a generator, a numpy array, numpy
scalars, one-element tensors.
"""

import numbers as _numbers

from minigrad_labs.feedback import fail

ORDINAL_EN = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th")
ORDINAL_ES = ("1.º", "2.º", "3.º", "4.º", "5.º", "6.º", "7.º", "8.º", "9.º", "10.º")


def not_none(name, got):
    """Stop if ``got`` is None: the function ends without a ``return``."""
    if got is None:
        fail(f"your function `{name}` returned None: is a `return` missing?",
             f"tu función `{name}` devolvió None: ¿falta un `return`?")
    return got


def _kind(value):
    return type(value).__name__


def number(name, got, what_en="the value", what_es="el valor"):
    """One real number as a float (a float, an int, a numpy scalar, a one-element array or tensor)."""
    not_none(name, got)
    if isinstance(got, (str, bytes)) or isinstance(got, bool):
        fail(f"`{name}`: {what_en} it returned is a {_kind(got)} ({got!r}), not a number.",
             f"`{name}`: {what_es} que devolvió es un {_kind(got)} ({got!r}), no un número.")
    if isinstance(got, _numbers.Real):
        return float(got)
    if _one_element(got):
        try:
            return float(got.item())
        except (TypeError, ValueError):
            pass
    if hasattr(got, "data") and isinstance(getattr(got, "data"), _numbers.Real) and hasattr(got, "_prev"):
        fail(f"`{name}`: {what_en} it returned is a node ({_kind(got)}); return its number, `.data` "
             "(or `.grad` for a gradient).",
             f"`{name}`: {what_es} que devolvió es un nodo ({_kind(got)}); devuelve su número, `.data` "
             "(o `.grad` si es un gradiente).")
    fail(f"`{name}`: {what_en} it returned is a {_kind(got)} ({_short(got)}), not a number.",
         f"`{name}`: {what_es} que devolvió es un {_kind(got)} ({_short(got)}), no un número.")


def _one_element(got):
    """A numpy array or a tensor holding one number."""
    numel = getattr(got, "numel", None)
    if callable(numel):
        return numel() == 1 and hasattr(got, "item")
    return getattr(got, "size", None) == 1 and hasattr(got, "item")


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def numbers(name, got, count, names):
    """``count`` floats, one per input named in ``names`` (a tuple, list, generator or array).

    With ``count == 1`` a bare number is accepted too.
    """
    not_none(name, got)
    if count == 1 and not _is_sequence(got):
        return [number(name, got, "the gradient", "el gradiente")]
    if not _is_sequence(got):
        fail(f"`{name}` must return {count} gradients, one per input ({', '.join(names)}); "
             f"it returned one {_kind(got)} ({_short(got)}).",
             f"`{name}` debe devolver {count} gradientes, uno por entrada ({', '.join(names)}); "
             f"devolvió un solo {_kind(got)} ({_short(got)}).")
    values = list(got.reshape(-1) if hasattr(got, "reshape") and getattr(got, "ndim", 1) > 1 else got)
    if len(values) != count:
        fail(f"`{name}` must return {count} gradient(s), one per input ({', '.join(names)}); "
             f"it returned {len(values)}.",
             f"`{name}` debe devolver {count} gradiente(s), uno por entrada ({', '.join(names)}); "
             f"devolvió {len(values)}.")
    return [number(name, v, f"the {ORDINAL_EN[i]} gradient (for {names[i]})",
                   f"el {ORDINAL_ES[i]} gradiente (el de {names[i]})") for i, v in enumerate(values)]


def _is_sequence(got):
    """A tuple, list, generator, iterator or array of several values (not a str, not a number)."""
    if isinstance(got, (str, bytes, dict)) or isinstance(got, _numbers.Real):
        return False
    if hasattr(got, "ndim") and got.ndim == 0:
        return False
    return hasattr(got, "__iter__")


def count(name, got, what_en="the count", what_es="la cuenta"):
    """A whole number (an int, a numpy int, or a float with no fractional part)."""
    value = number(name, got, what_en, what_es)
    if value != int(value):
        fail(f"`{name}` returned {value:g}: {what_en} is a whole number.",
             f"`{name}` devolvió {value:g}: {what_es} es un número entero.")
    return int(value)


def nodes(name, got, ordered):
    """A list of graph nodes (anything iterable; a set only when the order does not matter)."""
    not_none(name, got)
    if ordered and isinstance(got, (set, frozenset)):
        fail(f"`{name}` returned a set, which has no order: return a list, parents before children.",
             f"`{name}` devolvió un conjunto, que no tiene orden: devuelve una lista, los padres antes que los hijos.")
    if isinstance(got, dict) or not hasattr(got, "__iter__") or isinstance(got, (str, bytes)):
        fail(f"`{name}` must return a list of nodes; it returned a {_kind(got)} ({_short(got)}).",
             f"`{name}` debe devolver una lista de nodos; devolvió un {_kind(got)} ({_short(got)}).")
    items = list(got)
    for i, item in enumerate(items):
        if not hasattr(item, "_prev"):
            fail(f"`{name}` must return nodes (Value objects); item {i} of what it returned is a "
                 f"{_kind(item)} ({_short(item)}).",
                 f"`{name}` debe devolver nodos (objetos Value); el elemento {i} de lo que devolvió es un "
                 f"{_kind(item)} ({_short(item)}).")
    return items


def triple(name, got, size, what_en, what_es):
    """A tuple (or list) of exactly ``size`` items, e.g. the three leaves a function hands back."""
    not_none(name, got)
    if isinstance(got, (str, bytes, dict)) or not hasattr(got, "__iter__"):
        fail(f"`{name}` must return {size} items ({what_en}); it returned a {_kind(got)} ({_short(got)}).",
             f"`{name}` debe devolver {size} elementos ({what_es}); devolvió un {_kind(got)} ({_short(got)}).")
    items = list(got)
    if len(items) != size:
        fail(f"`{name}` must return {size} items ({what_en}); it returned {len(items)}.",
             f"`{name}` debe devolver {size} elementos ({what_es}); devolvió {len(items)}.")
    return items
