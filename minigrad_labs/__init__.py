"""Labs of the book "backprop from scratch": checks that grade the learner's code.

Every chapter ends in a lab. Each exercise is three notebook cells: a stub the
learner fills in, a solution (only in the book), and a check such as
``check.diamond_by_hand(diamond_by_hand)``. The checks live in ``minigrad_labs.checks``;
they compare the learner's code with PyTorch (and finite differences) and say
which gradient of which node is wrong, and why it probably is.

Messages are in English, Spanish or both (the default, used by the book, whose
code cells are the same in both languages). A student notebook sets its
language in its first cell::

    import minigrad_labs
    minigrad_labs.set_language("es")

or set the environment variable ``MINIGRAD_LAB_LANG=es`` before starting Python.
"""

import os

__all__ = ["set_language", "language", "LANGUAGES"]

LANGUAGES = ("en", "es")
_state = {"language": None}


def set_language(code):
    """Choose the language of the checks' messages: "en", "es", or None for both."""
    if code is not None and code not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES} or None (both), got {code!r}")
    _state["language"] = code


def language():
    """The language of the messages: "en", "es", or None (both, one after the other)."""
    if _state["language"] is not None:
        return _state["language"]
    code = os.environ.get("MINIGRAD_LAB_LANG", "")
    return code if code in LANGUAGES else None
