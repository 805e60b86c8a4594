"""How a check talks to the learner: short messages in the page's language.

A check never shows a traceback from deep inside ``labs``: its errors carry a
``_render_traceback_`` method, which IPython (Jupyter, Colab, Binder) shows
instead of the traceback. Plain Python shows the usual traceback, whose last
line is the same message.
"""

import math
import os
import traceback
from contextlib import contextmanager

import minigrad_labs as labs

_HERE = os.path.dirname(os.path.abspath(__file__))


def say(en, es):
    """The message in the chosen language, or both (English first) when none is chosen."""
    code = labs.language()
    if code == "en":
        return en
    if code == "es":
        return es
    return en if en == es else f"{en}\n{es}"


class LabError(Exception):
    """An error reported by a check: IPython shows its message, not a traceback."""

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


class NotImplementedYet(LabError, NotImplementedError):
    """The learner's function or class is still the stub of the exercise cell."""


class CheckFailed(LabError, AssertionError):
    """The learner's code runs, but computes something wrong."""


# The usual mistakes, named once: a check picks the one that explains the numbers.
CAUSES = {
    "overwrite": (
        "`=` instead of `+=`: a node used more than once keeps only the last share of its gradient.",
        "`=` en lugar de `+=`: un nodo usado más de una vez se queda solo con la última parte de su gradiente.",
    ),
    "sign": ("a sign flip in the backward rule.", "un signo cambiado en la regla hacia atrás."),
    "no_upstream": (
        "the local derivative is not multiplied by the gradient that reached the output (`out.grad`): the chain rule multiplies them.",
        "la derivada local no se multiplica por el gradiente que llegó a la salida (`out.grad`): la regla de la cadena los multiplica.",
    ),
    "forward_order": (
        "the nodes were visited in forward order: walk the topological order in reverse, so each node's gradient is complete before it is passed on.",
        "los nodos se visitaron en orden hacia delante: recorre el orden topológico al revés, para que el gradiente de cada nodo esté completo antes de pasarlo.",
    ),
    "no_seed": (
        "the output's gradient was not seeded: set `root.grad = 1` before the walk.",
        "no se sembró el gradiente de la salida: pon `root.grad = 1` antes del recorrido.",
    ),
    "own_factor": (
        "each factor got its own value: d(x*y)/dx is y, the *other* factor.",
        "cada factor recibió su propio valor: d(x*y)/dx es y, el *otro* factor.",
    ),
    "no_unbroadcast": (
        "a missing unbroadcast: an input that broadcasting stretched must get the gradient summed over the stretched axes.",
        "falta deshacer la difusión: una entrada que la difusión estiró recibe el gradiente sumado sobre los ejes estirados.",
    ),
    "one_path": (
        "only one path counted: a value used twice gets the sum of what both paths contribute.",
        "solo se contó un camino: un valor usado dos veces recibe la suma de lo que aportan ambos caminos.",
    ),
    "tanh_square": (
        "tanh's derivative is 1 - tanh(x)**2: the square is missing.",
        "la derivada de tanh es 1 - tanh(x)**2: falta el cuadrado.",
    ),
    "tanh_input": (
        "1 - x**2 uses the input: tanh's derivative is 1 - out**2, with out = tanh(x).",
        "1 - x**2 usa la entrada: la derivada de tanh es 1 - out**2, con out = tanh(x).",
    ),
    "pow_exponent": (
        "d(x**k)/dx is k * x**(k - 1): the exponent drops by one.",
        "d(x**k)/dx es k * x**(k - 1): el exponente baja en uno.",
    ),
    "pow_factor": (
        "d(x**k)/dx is k * x**(k - 1): the factor k is missing.",
        "d(x**k)/dx es k * x**(k - 1): falta el factor k.",
    ),
    "relu_side": (
        "relu passes the gradient only where its input is positive (and blocks it elsewhere).",
        "relu deja pasar el gradiente solo donde su entrada es positiva (y lo bloquea en el resto).",
    ),
    "visited": (
        "a node was counted once per path: keep a `visited` set so each node appears once.",
        "se contó un nodo una vez por camino: guarda un conjunto `visited` para que cada nodo aparezca una vez.",
    ),
    "recursion": (
        "recursion: Python stops near 1,000 nested calls. Keep your own stack in a list.",
        "recursión: Python se detiene hacia las 1.000 llamadas anidadas. Lleva tu propia pila en una lista.",
    ),
    "no_zero_grad": (
        "gradients were not reset: `zero_grad()` before each backward pass, or the new gradients add to the old ones.",
        "no se pusieron a cero los gradientes: `zero_grad()` antes de cada pasada hacia atrás, o los nuevos se suman a los viejos.",
    ),
}


def cause(key):
    """The likely cause ``key`` of CAUSES, as a sentence in the chosen language."""
    return say(*CAUSES[key])


def fmt(x):
    """A number (or small array) for a message: short, but enough digits to compare."""
    try:
        return f"{float(x):.6g}"
    except (TypeError, ValueError):
        return str(x)


def close(got, expected, tol=1e-8):
    """Two floats agree to ``tol``, relatively or, near 0, absolutely."""
    try:
        got = float(got)
    except (TypeError, ValueError):
        return False
    return math.isclose(got, expected, rel_tol=tol, abs_tol=tol)


def fail(en, es, why=None):
    """Stop the check with a message; ``why`` names a likely cause (a key of CAUSES)."""
    message = say(en, es)
    if why is not None:
        message += "\n" + say("Likely cause: ", "Causa probable: ") + cause(why)
    raise CheckFailed(message)


def wrong_gradient(what_en, what_es, expected, got, why=None):
    """Stop the check: the gradient ``what`` (e.g. "dL/da") is wrong, expected vs got."""
    fail(
        f"Wrong gradient {what_en}: expected {fmt(expected)}, got {fmt(got)}.",
        f"Gradiente incorrecto {what_es}: se esperaba {fmt(expected)}, se obtuvo {fmt(got)}.",
        why,
    )


def passed(en, es):
    """Print the success line of a check."""
    print("✓ " + say(en, es).replace("\n", "\n✓ "))


def _learner_frame(error):
    """The last line of the learner's own code in the traceback (not labs, minigrad, torch)."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if not f.filename.startswith(_HERE) and "site-packages" not in f.filename
        and os.sep + "minigrad" + os.sep not in f.filename
    ]
    return frames[-1] if frames else None


@contextmanager
def learner_code(name):
    """Run the learner's ``name``: a stub becomes "not implemented yet", a crash one short error."""
    try:
        yield
    except LabError:
        raise
    except NotImplementedError:
        raise NotImplementedYet(
            say(
                f"`{name}` is not implemented yet: write it in the exercise cell above, run that cell, then run this check again.",
                f"`{name}` todavía sin implementar: escríbelo en la celda del ejercicio de arriba, ejecuta esa celda y vuelve a ejecutar esta comprobación.",
            )
        ) from None
    except RecursionError:
        fail(f"`{name}` ran out of recursion.", f"`{name}` agotó la recursión.", "recursion")
    except Exception as error:
        frame = _learner_frame(error)
        where = f"\n  line {frame.lineno}: {frame.line}" if frame and frame.line else ""
        where_es = f"\n  línea {frame.lineno}: {frame.line}" if frame and frame.line else ""
        raise CheckFailed(
            say(
                f"`{name}` raised {type(error).__name__}: {error}{where}",
                f"`{name}` lanzó {type(error).__name__}: {error}{where_es}",
            )
        ) from error


def likely(got, candidates):
    """The first cause whose predicted value(s) match ``got``, or None.

    ``candidates`` maps a key of CAUSES to what a learner who made that mistake
    would have got (a number, or a list of numbers).
    """
    for why, predicted in candidates.items():
        if isinstance(predicted, (list, tuple)):
            if len(predicted) == len(got) and all(close(g, p) for g, p in zip(got, predicted)):
                return why
        elif close(got, predicted):
            return why
    return None
