"""How a check talks to the learner: short messages in the page's language.

A check never shows a traceback from deep inside the labs: its errors carry a
``_render_traceback_`` method, which IPython (Jupyter, Colab, Binder) shows
instead of the traceback. Plain Python shows the usual traceback, whose last
line is the same message.
"""

import html
import math

import minigrad_labs as labs


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
        "el multiplicador local no se multiplica por el gradiente que llega de arriba (`out.grad`): la regla de la cadena los multiplica.",
    ),
    "forward_order": (
        "the nodes were visited in forward order: walk the topological order in reverse, so each node's gradient is complete before it is passed on.",
        "los nodos se visitaron en orden hacia delante: recorre el orden topológico al revés, para que el gradiente de cada nodo esté completo antes de pasarlo.",
    ),
    "no_seed": (
        "the output's gradient was not seeded: set `root.grad = 1` before the walk.",
        "no se fijó el gradiente inicial de la salida: pon `root.grad = 1` antes del recorrido.",
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
        "recursión: Python se detiene hacia las 1000 llamadas anidadas. Lleva tu propia pila en una lista.",
    ),
    "swapped": (
        "the two gradients are in the wrong order: return the one for the first input first.",
        "los dos gradientes están en el orden equivocado: devuelve primero el de la primera entrada.",
    ),
    "div_square": (
        "d(x/y)/dy is -x/y**2: the square of y is missing.",
        "d(x/y)/dy es -x/y**2: falta el cuadrado de y.",
    ),
    "sigmoid_input": (
        "x * (1 - x) uses the input: the sigmoid's derivative is s * (1 - s), with s = sigmoid(x).",
        "x * (1 - x) usa la entrada: la derivada de la sigmoide es s * (1 - s), con s = sigmoid(x).",
    ),
    "sigmoid_factor": (
        "the sigmoid's derivative is s * (1 - s): the factor (1 - s) is missing.",
        "la derivada de la sigmoide es s * (1 - s): falta el factor (1 - s).",
    ),
    "relu_kink": (
        "at x = 0 relu's derivative is taken as 0, as in PyTorch: pass the gradient only where x > 0 (not x >= 0).",
        "en x = 0 la derivada de relu se toma como 0, como en PyTorch: deja pasar el gradiente solo donde x > 0 (no x >= 0).",
    ),
    "not_all": (
        "the `_backward()` of some node never ran: every node of the topological order must pass its gradient on.",
        "el `_backward()` de algún nodo no se ejecutó: cada nodo del orden topológico debe pasar su gradiente.",
    ),
    "twice": (
        "the `_backward()` of a node ran more than once, so its gradient was passed on twice: keep a `visited` set so each node is in the order once.",
        "el `_backward()` de un nodo se ejecutó más de una vez, así que su gradiente se pasó dos veces: guarda un conjunto `visited` para que cada nodo esté una sola vez en el orden.",
    ),
    "not_topological": (
        "a node passed its gradient on before every use of it had reported back (a breadth-first order, for instance, is not a topological order): walk a topological order in reverse.",
        "un nodo pasó su gradiente antes de que todos sus usos le hubieran aportado el suyo (un orden en anchura, por ejemplo, no es un orden topológico): recorre un orden topológico al revés.",
    ),
    "seed_late": (
        "the seed `root.grad = 1` came after the walk: at the time the root's `_backward()` ran, its gradient was still 0. Seed first.",
        "el gradiente inicial `root.grad = 1` llegó después del recorrido: cuando se ejecutó el `_backward()` de la raíz, su gradiente aún era 0. Fíjalo primero.",
    ),
    "paths_multiplied": (
        "the two paths' contributions are multiplied: the chain rule multiplies along a path and adds across paths.",
        "las aportaciones de los dos caminos se multiplican: la regla de la cadena multiplica a lo largo de un camino y suma entre caminos.",
    ),
    "exp_input": (
        "d(e**x)/dx is e**x itself (out.data), not x.",
        "d(e**x)/dx es el propio e**x (out.data), no x.",
    ),
    "skipped": (
        "one node passed nothing on: its `_backward()` never ran, or ran before every use of it had reported back. Call each node's `_backward()` once, before the nodes it was made from.",
        "un nodo no pasó nada: su `_backward()` no se ejecutó, o se ejecutó antes de que todos sus usos le aportaran lo suyo. Llama una vez al `_backward()` de cada nodo, antes que a los nodos de los que se hizo.",
    ),
    "no_zero_grad": (
        "gradients were not reset: `zero_grad()` before each backward pass, or the new gradients add to the old ones.",
        "no se pusieron a cero los gradientes: `zero_grad()` antes de cada pasada hacia atrás, o los nuevos se suman a los viejos.",
    ),
}


CAUSES["one_path_other"] = CAUSES["one_path"]      # the other path alone: the same mistake


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
    """Stop the check with a message; ``why`` names a likely cause (a key of CAUSES).

    ``why`` may be a list of keys when the numbers fit several mistakes equally well:
    the message then lists them all rather than guess one.
    """
    message = say(en, es)
    if isinstance(why, (list, tuple)) and len(why) == 1:
        why = why[0]
    if isinstance(why, str):
        message += "\n" + say("Likely cause: ", "Causa probable: ") + cause(why)
    elif why:
        message += "\n" + say("Likely causes (one of these, the numbers fit each):",
                               "Causas probables (una de estas, los números encajan con cada una):")
        message += "".join("\n  - " + cause(key) for key in why)
    raise CheckFailed(message)


def wrong_gradient(what_en, what_es, expected, got, why=None):
    """Stop the check: the gradient ``what`` (e.g. "dL/da") is wrong, expected vs got."""
    fail(
        f"Wrong gradient {what_en}: expected {fmt(expected)}, got {fmt(got)}.",
        f"Gradiente incorrecto {what_es}: se esperaba {fmt(expected)}, se obtuvo {fmt(got)}.",
        why,
    )


def passed(en, es):
    """Show the success line of a check, in the page's language.

    A student notebook (language set) prints one line. The book (language None)
    runs each chapter once for both sites, so it displays both languages as the
    shared bilingual HTML (each site keeps the ``.mg-lang`` of its own language),
    with both lines as the plain-text fallback; plain Python prints both lines.
    """
    code = labs.language()
    if code is not None:
        print("✓ " + (en if code == "en" else es))
        return
    plain = f"✓ {en}" if en == es else f"✓ {en}\n✓ {es}"
    if not _in_a_kernel():
        print(plain)
        return
    from IPython.display import display

    display({"text/html": bilingual_html(f"✓ {en}", f"✓ {es}"), "text/plain": plain}, raw=True)


def bilingual_html(en, es):
    """The shared protocol of the book's bilingual outputs: one ``.mg-lang`` div per language."""
    return ('<div class="mg-say">'
            f'<div class="mg-lang" lang="en">{html.escape(en)}</div>'
            f'<div class="mg-lang" lang="es">{html.escape(es)}</div></div>')


def _in_a_kernel():
    """True inside a Jupyter kernel (the book's build, a notebook), where HTML can be displayed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def likely_all(got, candidates):
    """Every cause whose predicted value(s) match ``got`` (see ``likely``)."""
    found = []
    for why, predicted in candidates.items():
        if likely(got, {why: predicted}) is not None:
            found.append(why)
    return found


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
