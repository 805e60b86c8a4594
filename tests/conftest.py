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
    return out / "_build" / "html"


