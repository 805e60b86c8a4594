"""Every chapter opens its student notebook: Binder, Colab, download; no thebe.

The URLs are checked offline: well formed, and pointing at files that exist where
each service will look for them (the notebooks branch as scripts/publish-notebooks.sh
makes it, the Binder image's notebooks/ as binder/postBuild makes it, in
tests/test_binder.py, the site's own copy).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import nbformat
import pytest
import yaml

from bookutils import BOOK, ROOT, code_cells, toc_chapters

REPOSITORY = "minigrad-course/backprop-from-scratch"
NOTEBOOKS_BRANCH = "notebooks"
LANGUAGES = ("en", "es")
sys.path.insert(0, str(ROOT / "scripts"))
import make_labs  # noqa: E402


def chapters():
    """Chapter stems of the table of contents that have code (and so a notebook)."""
    stems = [stem for stem in toc_chapters() if code_cells(BOOK / "en" / f"{stem}.md")]
    assert "03-worked-backprop" in stems
    return stems


def expected_binder_url(language, stem):
    return (f"https://mybinder.org/v2/gh/{REPOSITORY}/main"
            f"?urlpath=lab/tree/notebooks/{language}/{stem}.ipynb")


def expected_colab_url(language, stem):
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{NOTEBOOKS_BRANCH}/{language}/{stem}.ipynb"


def test_config_names_the_services_and_the_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"] == {"url": f"https://github.com/{REPOSITORY}", "branch": "main"}
    launch = config["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["colab_url"] == "https://colab.research.google.com"
    assert launch["notebook_interface"] == "jupyterlab"
    assert not launch.get("thebe"), "no live code on the page (see _ext/launch_notebooks.py)"
    assert "launch_notebooks" in config["sphinx"]["local_extensions"]


def test_expected_urls_are_well_formed():
    for language in LANGUAGES:
        for stem in chapters():
            binder = urlparse(expected_binder_url(language, stem))
            assert (binder.scheme, binder.netloc) == ("https", "mybinder.org")
            assert binder.path == f"/v2/gh/{REPOSITORY}/main"
            assert parse_qs(binder.query) == {"urlpath": [f"lab/tree/notebooks/{language}/{stem}.ipynb"]}
            colab = urlparse(expected_colab_url(language, stem))
            assert (colab.scheme, colab.netloc, colab.query) == ("https", "colab.research.google.com", "")
            assert colab.path.split("/")[1:] == ["github", *REPOSITORY.split("/"), "blob", NOTEBOOKS_BRANCH, language, f"{stem}.ipynb"]


def test_the_first_cell_installs_minigrad_from_this_repository_when_missing():
    for language in LANGUAGES:
        notebook = make_labs.student_notebook(BOOK / language / "03-worked-backprop.md", language)
        setup = next(cell for cell in notebook.cells if cell.cell_type == "code")
        assert "setup" in setup.metadata.get("tags", [])
        assert 'find_spec("minigrad") is None' in setup.source
        assert f'%pip install -q "git+https://github.com/{REPOSITORY}@main"' in setup.source


def git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_publish_notebooks_makes_the_branch_colab_opens(tmp_path):
    """scripts/publish-notebooks.sh against a local bare repository (offline)."""
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(remote))
    env = dict(os.environ, PYTHON=sys.executable)
    publish = ["bash", str(ROOT / "scripts" / "publish-notebooks.sh"), str(remote), NOTEBOOKS_BRANCH]
    first = subprocess.run(publish, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    files = set(git("ls-tree", "-r", "--name-only", NOTEBOOKS_BRANCH, cwd=remote).splitlines())
    expected = {f"{language}/{stem}.ipynb" for language in LANGUAGES for stem in chapters()}
    assert expected <= files, f"missing on the branch: {sorted(expected - files)}"
    assert "README.md" in files and "generated: do not edit" in git("show", f"{NOTEBOOKS_BRANCH}:README.md", cwd=remote)
    assert files - expected - {"README.md"} <= {f"{language}/{p.stem}.ipynb" for language in LANGUAGES
                                                for p in make_labs.chapters(language)}
    # the files are make_labs's notebooks, exactly
    for language in LANGUAGES:
        stem = chapters()[0]
        published = git("show", f"{NOTEBOOKS_BRANCH}:{language}/{stem}.ipynb", cwd=remote)
        made = nbformat.writes(make_labs.student_notebook(BOOK / language / f"{stem}.md", language))
        assert json.loads(published) == json.loads(made)
    head = git("rev-parse", NOTEBOOKS_BRANCH, cwd=remote)
    assert git("log", "--format=%s", NOTEBOOKS_BRANCH, cwd=remote) == f"Student notebooks from {git('rev-parse', 'HEAD')}"
    # again: nothing changed, nothing pushed
    second = subprocess.run(publish, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0 and "up to date" in second.stdout, second.stdout + second.stderr
    assert git("rev-parse", NOTEBOOKS_BRANCH, cwd=remote) == head


# --- the built site ------------------------------------------------------------


def page_file(site, language, stem):
    """The built HTML of a chapter (one build of both languages, or one site per language)."""
    for candidate in (Path(site) / "book" / language / f"{stem}.html", Path(site) / language / f"{stem}.html"):
        if candidate.exists():
            return candidate
    raise AssertionError(f"no built page for {language}/{stem} in {site}")


def links(page, prefix):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(), "html.parser")
    return [a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith(prefix)]


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_every_chapter_opens_its_student_notebook(built_site):
    for stem in chapters():
        for language in LANGUAGES:
            page = page_file(built_site, language, stem)
            assert links(page, "https://mybinder.org/") == [expected_binder_url(language, stem)]
            assert links(page, "https://colab.research.google.com/") == [expected_colab_url(language, stem)]
            downloads = [href for href in links(page, "")
                         if not urlparse(href).scheme and href.endswith(f"notebooks/{language}/{stem}.ipynb")]
            assert len(downloads) == 1, f"{language}/{stem}: no download link of its student notebook"
            notebook = (page.parent / downloads[0]).resolve()
            assert notebook.is_file() and Path(built_site).resolve() in notebook.parents
            made = make_labs.student_notebook(BOOK / language / f"{stem}.md", language)
            assert json.loads(notebook.read_text()) == json.loads(nbformat.writes(made))


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_no_thebe_on_any_page(built_site):
    pages = sorted(Path(built_site).rglob("*.html"))
    assert len(pages) >= 2 * len(chapters())
    for page in pages:
        text = page.read_text()
        for trace in ("thebe_selector", "THEBE_JS_URL", "sphinx-thebe", "x-thebe-config"):
            assert trace not in text, f"{page.relative_to(built_site)} still carries {trace}"
    assert not list(Path(built_site).rglob("sphinx-thebe*")), "sphinx-thebe's static files are copied"
