"""Requirements split by who needs them, every pin exact, PyTorch's CPU build only.

- requirements.txt: building and reading the book (installed by both commands);
- requirements-dev.txt: `-r requirements.txt` plus the tests' and tools' packages
  (installed by scripts/test.sh);
- binder/requirements.txt: what a learner's notebook imports (tests/test_binder.py).
"""

import os
import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement

from bookutils import ROOT

BOOK = ROOT / "requirements.txt"
DEV = ROOT / "requirements-dev.txt"
BINDER = ROOT / "binder" / "requirements.txt"
REQUIREMENT_FILES = (BOOK, DEV, BINDER)


def all_requirement_files():
    """Every requirements*.txt of the repository (benchmarks/ has one too)."""
    found = []
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if not d.startswith((".", "_")) and d != "node_modules"]
        found += [Path(folder) / f for f in files if re.fullmatch(r"requirements.*\.txt", f)]
    assert set(REQUIREMENT_FILES) <= set(found)
    return sorted(found)
TOOLS = ("pytest", "pytest-xdist", "hypothesis", "mutmut", "playwright", "libcst", "textual", "coverage")
# Packages of PyTorch's CUDA build: PyPI's Linux torch wheel requires them.
CUDA = re.compile(r"^(nvidia-.*|triton|cuda-.*|pytorch-triton.*)$")


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path):
    """(line, option) pairs: every requirement or pip option line, comments dropped."""
    for raw in path.read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            yield line


def pins(path):
    """{normalised name: version} of one file's own `name==version` lines."""
    result = {}
    for line in requirement_lines(path):
        if line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version and not set(version) & set("<>=!~*,; "), f"{path.name}: {line!r} is not pinned with =="
        assert normalise(name) not in result, f"{path.name} pins {name} twice"
        result[normalise(name)] = version
    return result


def test_every_requirement_is_pinned_exactly():
    for path in all_requirement_files():
        assert pins(path), path


def test_dev_requirements_add_the_tools_on_top_of_the_book():
    options = [line for line in requirement_lines(DEV) if line.startswith("-")]
    assert options == ["-r requirements.txt"]
    book, dev = pins(BOOK), pins(DEV)
    assert not set(book) & set(dev), f"pinned in both files: {set(book) & set(dev)}"
    for tool in TOOLS:
        assert tool in dev, f"{tool} belongs in requirements-dev.txt"
        assert tool not in book, f"{tool} is a test/tool package: requirements.txt is what the book needs"
    for needed in ("jupyter-book", "myst-nb", "sphinx-design", "jupytext", "ipykernel", "numpy", "torch",
                   "matplotlib", "scikit-learn", "graphviz"):
        assert needed in book, needed
    assert book["jupyter-book"].startswith("1."), "jupyter-book stays on 1.x"


def test_test_command_installs_the_dev_requirements():
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    assert "REQUIREMENTS=requirements-dev.txt bash scripts/setup.sh" in test_sh
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert 'requirements="${REQUIREMENTS:-requirements.txt}"' in setup
    assert '-r "$requirements"' in setup


def test_no_file_names_a_cuda_package():
    for path in all_requirement_files():
        named = [name for name in pins(path) if CUDA.match(name)]
        assert not named, f"{path.name} names CUDA packages: {named}"


def test_torch_is_the_cpu_build_from_pytorchs_cpu_index():
    book_torch = pins(BOOK)["torch"]
    assert book_torch.endswith("+cpu"), "a plain torch pin resolves to the CUDA build on Linux"
    assert pins(BINDER)["torch"] == book_torch
    # scripts/setup.sh installs it alone from PyTorch's CPU index, before the rest
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    install_torch = re.search(r"pip install [^\n]*--no-deps \\\n\s*--index-url (\S+) \"\$\(grep '\^torch==' requirements\.txt\)\"", setup)
    assert install_torch and install_torch.group(1) == "https://download.pytorch.org/whl/cpu"
    assert setup.index("--index-url https://download.pytorch.org/whl/cpu") < setup.index('-r "$requirements"')
    # Binder (repo2docker) makes one pip call from the file, so the index is named there
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in list(requirement_lines(BINDER))


def test_binder_pins_agree_with_the_book():
    book, binder = pins(BOOK), pins(BINDER)
    disagree = {name: (book[name], version) for name, version in binder.items()
                if name in book and book[name] != version}
    assert not disagree, f"binder/requirements.txt and requirements.txt disagree: {disagree}"


def closure_gaps(pinned):
    """Dependencies (Requires-Dist, markers evaluated here, no extras) of the
    installed pinned packages that the pinned set itself does not pin."""
    environment = default_environment()
    environment["extra"] = ""
    gaps = {}
    for name in pinned:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            pytest.skip(f"{name} is not installed here (run scripts/test.sh's setup)")
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker and not requirement.marker.evaluate(environment):
                continue
            if normalise(requirement.name) not in pinned:
                gaps.setdefault(name, []).append(text)
    return gaps


def test_requirements_pin_every_dependency_of_what_they_pin():
    """No transitive pin dropped: what the book's packages need is in requirements.txt,
    what the tools need is in requirements.txt or requirements-dev.txt."""
    book = pins(BOOK)
    assert not closure_gaps(book), f"requirements.txt misses dependencies: {closure_gaps(book)}"
    both = {**book, **pins(DEV)}
    assert not closure_gaps(both), f"requirements-dev.txt misses dependencies: {closure_gaps(both)}"


def test_the_installed_environment_is_the_pinned_one():
    both = {**pins(BOOK), **pins(DEV)}
    installed = {}
    for name in both:
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pytest.skip(f"{name} is not installed here (run scripts/test.sh's setup)")
    differ = {name: (version, installed[name]) for name, version in both.items() if installed[name] != version}
    assert not differ, f"pinned != installed: {differ}"
    cuda = sorted(d.metadata["Name"] for d in metadata.distributions() if CUDA.match(normalise(d.metadata["Name"])))
    assert not cuda, f"CUDA packages installed: {cuda}"
