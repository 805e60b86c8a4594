"""Binder: binder/ pins what requirements.txt pins, and every chapter launches itself."""

import json
import re
import sys
from importlib import metadata

import pytest
import yaml

from bookutils import BOOK, ROOT, built_page, code_cells, toc_files

BINDER = ROOT / "binder"
REPOSITORY = "minigrad-course/backprop-from-scratch"
# JupyterLab + MyST: not imported by any notebook, they make Binder show one.
VIEWING = {"jupytext", "jupyterlab-myst"}
# repo2docker's own environment (its lock file): never re-pinned by pip.
SERVER = {"jupyterlab", "jupyter-server", "notebook", "jupyterhub", "ipykernel", "ipython", "jupyter-client",
          "jupyter-core", "tornado", "traitlets", "pyzmq", "nbformat", "nbconvert", "ipywidgets"}
# Only the book's build needs these: learners never run Sphinx.
BUILD_ONLY = {"jupyter-book", "sphinx", "sphinx-book-theme", "pydata-sphinx-theme", "sphinx-design", "sphinx-thebe"}


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path):
    """{normalised package name: version} for every `name==version` line of a requirements file."""
    result = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{path.name}: {line!r} is not pinned with =="
        result[normalise(name)] = version
    return result


IMPORT = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", re.M)


def imported_distributions():
    """Distributions whose modules the notebooks' code imports: chapters' code cells,
    minigrad and labs (what a learner's kernel runs), third-party only."""
    sources = [cell for language in ("en", "es") for chapter in sorted((BOOK / language).glob("[0-9][0-9]-*.md"))
               for cell in code_cells(chapter)]
    for package in ("minigrad", "labs"):
        sources += [path.read_text() for path in sorted((ROOT / package).glob("*.py"))]
    modules = {name for source in sources for name in IMPORT.findall(source)}
    modules -= set(sys.stdlib_module_names) | {"minigrad", "labs", "__future__"}
    providers = metadata.packages_distributions()
    missing = sorted(m for m in modules if m not in providers)
    assert not missing, f"imported but not installed here: {missing}"
    return {normalise(dist) for module in modules for dist in providers[module]}


def test_binder_installs_what_the_notebooks_import_and_nothing_else():
    binder = set(pins(BINDER / "requirements.txt"))
    needed = imported_distributions() - SERVER
    assert needed <= binder, f"notebooks import packages Binder lacks: {needed - binder}"
    extra = binder - needed - VIEWING
    assert not extra, f"Binder installs packages no notebook imports: {extra}"
    assert VIEWING <= binder
    assert not binder & SERVER, f"repo2docker's server packages re-pinned: {binder & SERVER}"
    assert not binder & BUILD_ONLY, f"book-build-only packages in Binder: {binder & BUILD_ONLY}"


def test_binder_pins_agree_with_requirements():
    book, binder = pins(ROOT / "requirements.txt"), pins(BINDER / "requirements.txt")
    disagree = {name: (book.get(name), version) for name, version in binder.items()
                if name not in VIEWING and book.get(name) != version}
    assert not disagree, f"binder/requirements.txt disagrees with requirements.txt: {disagree}"
    for name in VIEWING - {"jupyterlab-myst"}:
        assert binder[name] == book[name], name


def test_binder_installs_cpu_only_torch_from_the_pytorch_index():
    text = (BINDER / "requirements.txt").read_text()
    assert pins(BINDER / "requirements.txt")["torch"].endswith("+cpu")
    assert re.search(r"^--extra-index-url https://download\.pytorch\.org/whl/cpu\s*$", text, re.M)


def test_apt_installs_graphviz():
    packages = [line.strip() for line in (BINDER / "apt.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert packages == ["graphviz"]


def test_post_build_installs_minigrad_and_jupytext_default_viewer():
    script = (BINDER / "postBuild").read_text()
    assert script.startswith("#!")
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    installs = re.findall(r"pip install ([^\n]*)", script)
    # one pip call for packages (binder/requirements.txt); postBuild only adds this checkout
    assert installs == ["--no-cache-dir --no-deps -e ."], installs
    assert "overrides.json" in script
    assert "${NB_PYTHON_PREFIX}/share/jupyter/lab/settings" in script
    overrides = json.loads((BINDER / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


def test_config_has_binder_launch_buttons_for_this_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == f"https://github.com/{REPOSITORY}"
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"


def binder_link(site, language, stem):
    soup = built_page(site, language, stem)
    links = [a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith("https://mybinder.org/")]
    assert len(links) == 1, f"{language}/{stem}: expected one Binder link, found {links}"
    return links[0]


def expected_binder_url(language, stem):
    return f"https://mybinder.org/v2/gh/{REPOSITORY}/main?urlpath=lab/tree/book/{language}/{stem}.md"


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_every_chapter_launches_itself_on_binder(built_site):
    listed = toc_files()
    # every English notebook chapter in the table of contents (pages without code have no button)
    chapters = [f.split("/")[-1] for f in listed
                if f.startswith("book/en/") and code_cells(ROOT / f"{f}.md")]
    assert "03-worked-backprop" in chapters
    for stem in chapters:
        for language in ("en", "es"):
            assert binder_link(built_site, language, stem) == expected_binder_url(language, stem)
            assert (BOOK / language / f"{stem}.md").exists()
