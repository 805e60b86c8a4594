"""The book as a gate: a few injected backward-rule faults must each fail the build.

scripts/book_gate.py --fast injects a handful of faults (one at a time, each
into its own copy of the book with a fresh execution cache) and builds the
chapters that run the broken rule. The full table: scripts/book_gate.py.
"""

import json
import subprocess
import sys

import pytest

from bookutils import ROOT


@pytest.mark.book
def test_every_fast_gate_mutant_fails_the_book_build(tmp_path):
    report = tmp_path / "gate.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "book_gate.py"), "--fast", "--no-tests", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout[-4000:] + result.stderr[-4000:]
    assert report.exists(), "the gate did not run its mutants:\n" + output
    results = json.loads(report.read_text())
    assert len(results) >= 3, output
    missed = [r["mutant"] for r in results if r["book"] != "caught"]
    assert not missed, f"these faults did not fail the book build: {missed}\n{output}"
    assert result.returncode == 0, output
