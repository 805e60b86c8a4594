"""The one guard that runs a learner's code: whatever it does, the learner gets a short message.

Two layers, both here:

* ``learner_code(name)``, a ``with`` block around each call into the learner's
  code. A stub (``NotImplementedError``) becomes "not implemented yet"; an
  exception becomes one message naming the learner's own line (never a line
  inside ``minigrad_labs``); a ``RecursionError`` gets the cause that fits where
  it happened; a loop that never ends is stopped.
* ``graded(check)``, which wraps a whole check (``minigrad_labs.checks`` wraps
  every one). It bounds the check's time, turns a missing package (PyTorch,
  numpy, scikit-learn) into an install hint, and is the safety net: an exception
  raised by the check's own code (because the learner gave back something it
  cannot use) becomes a ``CheckFailed`` too. Only the labs' own errors ever escape.

The time bound is a ``SIGALRM`` timer when the check runs in the main thread
(Jupyter, Colab and plain Python run cells there), or a ``sys.settrace``
function that looks at the clock on every line, elsewhere (a thread, Windows).
"""

import functools
import os
import signal
import sys
import threading
import time
import traceback
from collections import Counter
from contextlib import contextmanager

from minigrad_labs.environment import missing_package
from minigrad_labs.feedback import CheckFailed, LabError, NotImplementedYet, say

_HERE = os.path.dirname(os.path.abspath(__file__))
_MINIGRAD = os.path.join(os.path.dirname(_HERE), "minigrad") + os.sep

# Seconds a check may run before it is stopped; a check with the book's solution
# takes well under 2 s (benchmarks/bench_checks.py), except training, which gets more.
DEFAULT_SECONDS = 10.0


class TimedOut(BaseException):
    """Raised inside the learner's code when the time is up.

    A BaseException, so that a learner's ``except Exception:`` cannot swallow it.
    """


# --- where the learner's code is -------------------------------------------------


def is_learner_file(filename):
    """True for a frame of the learner's code: not the labs, not minigrad, not an installed package."""
    path = os.path.abspath(filename) if not filename.startswith("<") else filename
    return not (path.startswith(_HERE + os.sep) or path.startswith(_MINIGRAD)
                or "site-packages" in path or "dist-packages" in path
                or path.startswith(os.path.dirname(os.__file__)))


def learner_frames(error):
    """The frames of ``error``'s traceback that are the learner's own code, outermost first."""
    return [f for f in traceback.extract_tb(error.__traceback__) if is_learner_file(f.filename)]


def where(error):
    """``(en, es)`` pointing at the learner's last line in the traceback, or ("", "")."""
    frames = [f for f in learner_frames(error) if f.line]
    if not frames:
        return "", ""
    frame = frames[-1]
    return (f"\n  line {frame.lineno} (in {frame.name}): {frame.line}",
            f"\n  línea {frame.lineno} (en {frame.name}): {frame.line}")


# --- the causes of a RecursionError -----------------------------------------------


def recursion_message(name, error):
    """A RecursionError explained by where it happened: which function kept calling itself."""
    frames = traceback.extract_tb(error.__traceback__)
    counts = Counter(f.name for f in frames[-60:])
    looping = counts.most_common(1)[0][0] if counts else "?"
    if looping in ("__setattr__", "__delattr__"):
        return (f"`{name}` ran out of recursion because `{looping}` calls itself: inside `{looping}`, "
                f"`self.name = value` runs `{looping}` again, without end. Store the value with "
                "`object.__setattr__(self, name, value)` (or `super().__setattr__(name, value)`).",
                f"`{name}` agotó la recursión porque `{looping}` se llama a sí mismo: dentro de `{looping}`, "
                f"`self.name = value` vuelve a ejecutar `{looping}`, sin fin. Guarda el valor con "
                "`object.__setattr__(self, name, value)` (o `super().__setattr__(name, value)`).")
    if looping in ("__getattr__", "__getattribute__"):
        return (f"`{name}` ran out of recursion because `{looping}` calls itself: it runs when an attribute "
                "is missing, and reading a missing `self.something` inside it runs it again. Read your "
                "registers through `self.__dict__` inside it.",
                f"`{name}` agotó la recursión porque `{looping}` se llama a sí mismo: se ejecuta cuando falta "
                "un atributo, y leer dentro un `self.algo` que también falta lo vuelve a ejecutar. Lee tus "
                "registros a través de `self.__dict__` dentro de él.")
    depth = counts[looping]
    if depth >= 30:
        return (f"`{name}` ran out of recursion in `{looping}`, which calls itself once per node: Python stops "
                "near 1,000 nested calls, and this graph is deeper. Keep your own stack in a list "
                "(a `while` loop) instead of calling the function on each parent.",
                f"`{name}` agotó la recursión en `{looping}`, que se llama a sí misma una vez por nodo: Python "
                "se detiene hacia las 1000 llamadas anidadas, y este grafo es más profundo. Lleva tu propia "
                "pila en una lista (un bucle `while`) en lugar de llamar a la función en cada padre.")
    return (f"`{name}` ran out of recursion: a function calls itself without end.",
            f"`{name}` agotó la recursión: una función se llama a sí misma sin fin.")


# --- the time bound -----------------------------------------------------------------

# Deadlines (time.monotonic()) of the time limits in force, outermost first.
_deadlines = []
# A cap on every check's seconds (None: no cap), for tests that feed never-ending code.
_cap = {"seconds": None}


@contextmanager
def time_cap(seconds):
    """Within this block, no check runs longer than ``seconds`` (tests use it; learners need not)."""
    previous = _cap["seconds"]
    _cap["seconds"] = seconds
    try:
        yield
    finally:
        _cap["seconds"] = previous


@contextmanager
def time_limit(seconds):
    """Raise TimedOut(seconds) in whatever code runs once ``seconds`` have passed.

    Limits nest: an inner limit shorter than what is left of the outer one fires
    first; the outer one keeps running (and fires) as before.
    """
    deadline = time.monotonic() + seconds
    _deadlines.append(deadline)
    in_main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    try:
        with (_alarm() if in_main else _traced()):
            yield
    finally:
        _deadlines.remove(deadline)
        if in_main:
            _arm()        # the outer limit's timer, for what is left of it


def _arm():
    """Set the one SIGALRM timer for the nearest deadline (or clear it when there is none)."""
    if _deadlines:
        signal.setitimer(signal.ITIMER_REAL, max(min(_deadlines) - time.monotonic(), 1e-4))
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _expired():
    """The seconds of the limit that has expired (the innermost, if several), for the message."""
    now = time.monotonic()
    return next((d for d in reversed(_deadlines) if d <= now), None)


@contextmanager
def _alarm():
    def on_alarm(signum, frame):
        if _expired() is None:
            _arm()                            # woken early (a nested limit ended): wait on
        elif _importing(frame):
            signal.setitimer(signal.ITIMER_REAL, 0.05)    # never break an import half-way: soon
        else:
            raise TimedOut(_expired())

    previous = signal.signal(signal.SIGALRM, on_alarm)
    _arm()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _importing(frame):
    """True while Python is importing a module (a TimedOut there would leave it half-initialised)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


@contextmanager
def _traced():
    """The fallback: a trace function checks the clock at every line of Python (slower, but anywhere)."""
    previous = sys.gettrace()

    def tracer(frame, event, arg):
        if _expired() is not None and not _importing(frame):
            raise TimedOut(_expired())
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


def run_limited(seconds, function, *args):
    """Call ``function(*args)`` under a time limit of its own; what happened, as a pair.

    ``("returned", value)``, ``("raised", exception)`` or ``("timed out", None)``: for a
    check that expects the learner's code to raise (e.g. on a graph with a cycle), where
    raising, returning and never ending each get their own message. An outer limit that
    fires meanwhile is not this one's business: it goes on up.
    """
    deadline = None
    try:
        with time_limit(seconds):
            deadline = _deadlines[-1]
            return "returned", function(*args)
    except TimedOut as error:
        if error.args and error.args[0] == deadline:
            return "timed out", None
        raise
    except Exception as error:                 # RecursionError included
        return "raised", error


def _timed_out(name, error, seconds):
    en, es = where(error)
    return CheckFailed(say(
        f"`{name}` was stopped after {seconds:g} s: a loop that never ends (a `while` whose condition "
        f"never changes, a node pushed back on the stack again and again)?{en}",
        f"`{name}` se detuvo tras {seconds:g} s: ¿un bucle que no termina nunca (un `while` cuya condición "
        f"no cambia, un nodo que vuelve a la pila una y otra vez)?{es}"))


# --- the two layers ---------------------------------------------------------------------

_budget = {"seconds": DEFAULT_SECONDS}


@contextmanager
def learner_code(name):
    """Run the learner's ``name``: a stub becomes "not implemented yet", a crash one short error."""
    try:
        yield
    except LabError:
        raise
    except TimedOut as error:
        raise _timed_out(name, error, _budget["seconds"]) from None
    except NotImplementedError:
        raise NotImplementedYet(say(
            f"`{name}` is not implemented yet: write it in the exercise cell above, run that cell, "
            "then run this check again.",
            f"`{name}` todavía sin implementar: escríbelo en la celda del ejercicio de arriba, "
            "ejecuta esa celda y vuelve a ejecutar esta comprobación.")) from None
    except RecursionError as error:
        en, es = recursion_message(name, error)
        raise CheckFailed(say(en, es)) from None
    except ModuleNotFoundError as error:
        raise (missing_package(error) or _raised(name, error)) from None
    except Exception as error:
        raise _raised(name, error) from error      # the cause stays for a check that looks at it


def _raised(name, error):
    en, es = where(error)
    kind = type(error).__name__
    return CheckFailed(say(f"`{name}` raised {kind}: {error}{en}", f"`{name}` lanzó {kind}: {error}{es}"))


def graded(check=None, *, seconds=DEFAULT_SECONDS):
    """Wrap a check: bounded in time, and nothing but the labs' own errors escapes it."""
    if check is None:
        return functools.partial(graded, seconds=seconds)

    @functools.wraps(check)
    def run(*args, **kwargs):
        _warm_up()
        limit = seconds if _cap["seconds"] is None else min(seconds, _cap["seconds"])
        outer = _budget["seconds"]
        if not _deadlines:
            _budget["seconds"] = limit
        try:
            with time_limit(limit):
                return check(*args, **kwargs)
        except LabError:
            raise
        except TimedOut as error:
            raise _timed_out(check.__name__, error, limit) from None
        except RecursionError as error:
            en, es = recursion_message(check.__name__, error)
            raise CheckFailed(say(en, es)) from None
        except ModuleNotFoundError as error:
            raise (missing_package(error) or _unusable(check.__name__, error)) from None
        except Exception as error:
            raise _unusable(check.__name__, error) from None
        finally:
            _budget["seconds"] = outer

    return run


def _warm_up():
    """Import the packages the checks compare with before the clock starts (once per process).

    A chapter's notebook has imported them already; a check run on its own should
    not spend its seconds importing PyTorch. A missing one is left for the check to
    report (MissingPackage).
    """
    for name in ("numpy", "torch"):
        if name not in sys.modules:
            try:
                __import__(name)
            except ImportError:
                pass


def _unusable(name, error):
    """The check's own code failed on what the learner's code gave back (an attribute missing, ...)."""
    en, es = where(error)
    kind = type(error).__name__
    return CheckFailed(say(
        f"check `{name}`: what your code gave back cannot be used ({kind}: {error}).{en}\n"
        "If you are sure your code is right, this may be a bug in the check: please report it.",
        f"comprobación `{name}`: lo que devolvió tu código no se puede usar ({kind}: {error}).{es}\n"
        "Si estás seguro de que tu código es correcto, puede ser un error de la comprobación: avísanos."))
