"""The registry of the labs' adversarial corpus: learner code, sorted by what a check must say.

A corpus module registers, per exercise (the name of its check in
``minigrad_labs.checks``), functions that return the check's arguments:

- ``ok``: a correct solution in one learner's style; the check must accept it;
- ``bad``: a classic mistake; the check must reject it with ``CheckFailed``,
  and its message must contain one of ``en`` (English) or ``es`` (Spanish);
- ``hostile``: a return of the wrong kind (None, a wrong type or length) or a
  crash; only the labs' own error may come out of the check;
- ``slow``: code that would run for a minute; the check must stop it.

The corpus is written as learners write, not from the book's solutions.
"""

from dataclasses import dataclass, field


@dataclass
class Case:
    exercise: str
    kind: str                      # "ok", "bad", "hostile", "slow"
    label: str
    make: object                   # () -> the check's arguments
    en: list = field(default_factory=list)
    es: list = field(default_factory=list)

    @property
    def id(self):
        return f"{self.exercise}: {self.label}"


CASES = []


def _register(kind, exercise, label, en=(), es=()):
    def decorate(make):
        CASES.append(Case(exercise, kind, label, make, list(en), list(es)))
        return make

    return decorate


def ok(exercise, label):
    return _register("ok", exercise, label)


def bad(exercise, label, en, es):
    return _register("bad", exercise, label, en, es)


def hostile(exercise, label):
    return _register("hostile", exercise, label)


def slow(exercise, label):
    return _register("slow", exercise, label)


def cases(kind, exercises=None):
    """The registered cases of one kind, optionally only of some exercises."""
    return [c for c in CASES if c.kind == kind and (exercises is None or c.exercise in exercises)]
