"""The checks of chapters 05-09 against an adversarial corpus of learner code (issue 18).

Every correct solution (tests/labs_corpus_05_06.py, tests/labs_corpus_07_09.py)
must be accepted, every classic mistake rejected with a message that names it,
and no hostile return or crash may let out anything but the labs' own error, in
English and in Spanish. A check that fails here is a bug of the check.
"""

import re

import pytest

import labs_corpus_05_06  # noqa: F401  (registers its cases)
import labs_corpus_07_09  # noqa: F401
import minigrad_labs as labs
from labs_corpus import cases
from minigrad_labs import checks as check
from minigrad_labs.feedback import CheckFailed, LabError
from minigrad_labs.guard import time_cap

LANGUAGES = ["en", "es"]

# The name each check's messages must give: the learner's function or class.
NAMES = {
    "unbroadcast": "my_unbroadcast", "broadcast_rule": "broadcast_rule", "cube": "Cube",
    "numerical_grad": "my_numerical_grad", "softplus": "Softplus", "leaky_relu": "FixedLeakyReLU",
    "twice": "Twice", "sequential": "My", "register": "MyModule2", "train_step": "train_step",
    "cross_entropy": "my_cross_entropy", "my_sgd": "MySGD", "digits_from_scratch": "TinyMLP",
    "matmul_backward": "MyMatMul", "cross_entropy_backward": "SoftmaxCrossEntropy",
}

# A traceback from inside the labs or minigrad, shown to the learner, is a bug of the check.
INTERNAL = re.compile(r"minigrad_labs[/\\]|Traceback")


@pytest.fixture(params=LANGUAGES)
def language(request):
    labs.set_language(request.param)
    yield request.param
    labs.set_language(None)


def _run(case):
    return getattr(check, case.exercise)(*case.make())


def _ids(kind):
    return [pytest.param(c, id=c.id) for c in cases(kind)]


@pytest.mark.parametrize("case", _ids("ok"))
def test_a_correct_solution_is_accepted(case, language, capsys):
    try:
        _run(case)
    except LabError as error:
        pytest.fail(f"correct code rejected ({language}): {error}")
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("case", _ids("bad"))
def test_a_classic_mistake_is_rejected_and_named(case, language):
    with pytest.raises(CheckFailed) as info:
        _run(case)
    message = str(info.value)
    words = case.en if language == "en" else case.es
    assert any(word.lower() in message.lower() for word in words), \
        f"the message does not name the mistake ({' or '.join(words)}):\n{message}"
    assert NAMES[case.exercise] in message, f"the message does not name {NAMES[case.exercise]}:\n{message}"
    assert not INTERNAL.search(message), message
    ours = message.split("lanzó")[0]      # what follows quotes the learner's own error and line
    if language == "es":
        assert not re.search(r"\b(expected|got|shape|wrong|returned|likely)\b", ours, re.I), \
            f"English in a Spanish message:\n{message}"


@pytest.mark.parametrize("case", _ids("hostile"))
def test_a_hostile_return_or_crash_gives_only_the_labs_error(case, language):
    with pytest.raises(LabError) as info:
        _run(case)
    message = str(info.value)
    assert message.strip(), "an empty message"
    assert not INTERNAL.search(message), message
    ours = message.split("lanzó")[0]      # what follows quotes the learner's own error and line
    if language == "es":
        assert not re.search(r"\b(expected|got|shape|wrong|returned|likely)\b", ours, re.I), \
            f"English in a Spanish message:\n{message}"


@pytest.mark.parametrize("case", _ids("slow"))
def test_code_that_never_returns_is_stopped_with_a_message(case):
    labs.set_language("en")
    try:
        with time_cap(3.0), pytest.raises(LabError) as info:
            _run(case)
    finally:
        labs.set_language(None)
    assert re.search(r"stopped after [\d.]+ ?s", str(info.value)), str(info.value)


def test_a_time_limit_never_fires_inside_the_first_import_of_torch(tmp_path):
    """A fresh session whose first check is stopped early: torch must still work afterwards."""
    import subprocess
    import sys

    script = tmp_path / "first_check.py"
    script.write_text(
        "import minigrad_labs as labs\n"
        "from minigrad_labs import checks as check\n"
        "from minigrad_labs.feedback import LabError\n"
        "from minigrad_labs.guard import time_cap\n"
        "labs.set_language('en')\n"
        "def my_unbroadcast(grad, shape):\n"
        "    while True:\n"
        "        pass\n"
        "try:\n"
        "    with time_cap(0.2):\n"
        "        check.unbroadcast(my_unbroadcast)\n"
        "except LabError as error:\n"
        "    print('stopped:', error)\n"
        "import torch\n"
        "print('torch works:', torch.ones(3).sum().item())\n")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert "stopped after" in result.stdout, result.stdout + result.stderr
    assert "torch works: 3.0" in result.stdout, result.stdout + result.stderr


def test_the_corpus_is_as_large_as_the_issue_asks():
    exercises = {c.exercise for c in cases("ok")} | {c.exercise for c in cases("bad")}
    assert exercises == set(NAMES)
    for exercise in exercises:
        assert len(cases("ok", [exercise])) >= 3, exercise
        assert len(cases("bad", [exercise])) >= 5, exercise
        assert len(cases("hostile", [exercise])) >= 2, exercise
