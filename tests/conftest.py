"""Shared fixtures: the built site is built once per test session."""

import os
import subprocess

import pytest

from bookutils import ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The whole book, built by the README's build command into a fresh folder.

    Tests that use it are marked xdist_group("site"), and pytest runs with
    --dist loadgroup, so one worker builds the site once for all of them.
    """
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-book.sh")],
        env=dict(os.environ, BOOK_OUTPUT=str(out)),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    (out / "build.log").write_text(result.stdout + result.stderr)
    return out / "_build" / "html"


# --- Hypothesis profiles, chosen on the command line ------------------------------
# pytest runs the property tests on the "minigrad" profile; another is chosen with
# --hypothesis-profile=NAME. The tests do not pin max_examples themselves, so the
# profile decides how many examples each property test tries.
#   mutation  (scripts/mutation.sh, scripts/book_gate.py) mutation testing runs the
#             suite once per mutant: a few derandomized examples, the same every
#             time, and no shrinking (the first failing example is all we need).
#   thorough  many more examples, for a long run after changing an op.

from hypothesis import Phase, settings  # noqa: E402

settings.register_profile("minigrad", max_examples=40, deadline=None)
settings.register_profile(
    "mutation", max_examples=8, derandomize=True, database=None, deadline=None, print_blob=False,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile("minigrad")  # --hypothesis-profile, if given, is loaded after this
