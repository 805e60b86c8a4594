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




# --- hypothesis under mutation testing -------------------------------------------
# MINIGRAD_HYPOTHESIS_PROFILE=mutation (set by scripts/mutation.sh) runs every
# property test on a few derandomized examples: mutation testing runs the suite
# once per mutant, so it needs the suite fast and the same examples every time.
# Tests pin max_examples in their own @settings, which beats a loaded profile,
# so the cap is applied to each collected test's settings as well.

from hypothesis import Phase as _Phase  # noqa: E402
from hypothesis import settings as _hypothesis_settings  # noqa: E402

# No shrinking: under a mutant the first failing example is all we need, and
# shrinking it can take longer than the rest of the suite.
_NO_SHRINK = (_Phase.explicit, _Phase.reuse, _Phase.generate)
_hypothesis_settings.register_profile(
    "mutation", max_examples=8, derandomize=True, database=None, deadline=None, print_blob=False, phases=_NO_SHRINK
)
_PROFILE = os.environ.get("MINIGRAD_HYPOTHESIS_PROFILE")
if _PROFILE:
    _hypothesis_settings.load_profile(_PROFILE)


def pytest_collection_modifyitems(items):
    if not _PROFILE:
        return
    profile = _hypothesis_settings.get_profile(_PROFILE)
    for item in items:
        test = getattr(item, "obj", None)
        pinned = getattr(test, "_hypothesis_internal_use_settings", None)
        if pinned is not None:
            test._hypothesis_internal_use_settings = _hypothesis_settings(
                pinned,
                max_examples=min(pinned.max_examples, profile.max_examples),
                derandomize=True,
                database=None,
                deadline=None,
                phases=profile.phases,
            )
