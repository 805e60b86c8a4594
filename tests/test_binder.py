"""Binder: binder/ pins what requirements.txt pins, and every chapter launches itself."""

import json
import re

import pytest
import yaml

from bookutils import BOOK, ROOT, built_page, code_cells, toc_files

BINDER = ROOT / "binder"
REPOSITORY = "minigrad-course/backprop-from-scratch"


def pins(path):
    """{normalised package name: version} for every `name==version` line of a requirements file."""
    result = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{path.name}: {line!r} is not pinned with =="
        result[re.sub(r"[-_.]+", "-", name).lower()] = version
    return result


def local_version(version):
    """2.13.0+cpu -> 2.13.0 (a PEP 440 local label names a build of the same release)."""
    return version.split("+", 1)[0]


def test_binder_pins_agree_with_requirements():
    book, binder = pins(ROOT / "requirements.txt"), pins(BINDER / "requirements.txt")
    shared = set(book) & set(binder)
    disagree = {name: (book[name], binder[name]) for name in shared if local_version(binder[name]) != book[name]}
    assert not disagree, f"binder/requirements.txt disagrees with requirements.txt: {disagree}"
    assert not set(binder) - set(book), f"binder pins packages the book does not: {set(binder) - set(book)}"
    # everything the book needs to build and run is there (test-only tools may be left out)
    for needed in ("jupyter-book", "myst-nb", "numpy", "graphviz", "jupytext", "ipykernel", "torch"):
        assert needed in binder, needed


def test_binder_installs_cpu_only_torch_from_the_pytorch_index():
    text = (BINDER / "requirements.txt").read_text()
    assert pins(BINDER / "requirements.txt")["torch"].endswith("+cpu")
    assert re.search(r"^--extra-index-url https://download\.pytorch\.org/whl/cpu\s*$", text, re.M)


def test_apt_installs_graphviz():
    packages = [line.strip() for line in (BINDER / "apt.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert "graphviz" in packages


def test_post_build_installs_minigrad_and_jupytext_default_viewer():
    script = (BINDER / "postBuild").read_text()
    assert script.startswith("#!")
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    assert re.search(r"pip install .*-e \.", script)
    assert "jupytext" in script and "overrides.json" in script
    assert "${NB_PYTHON_PREFIX}/share/jupyter/lab/settings" in script
    overrides = json.loads((BINDER / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["markdown"] == "Jupytext Notebook"


def test_config_has_binder_launch_buttons_for_this_repository():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == f"https://github.com/{REPOSITORY}"
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert not config["launch_buttons"].get("colab_url"), "Colab needs .ipynb files; the chapters are .md"


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
    chapters = [stem for stem in listed if code_cells(BOOK / "en" / f"{stem}.md")]
    assert "03-worked-backprop" in chapters
    for stem in chapters:
        for language in ("en", "es"):
            assert binder_link(built_site, language, stem) == expected_binder_url(language, stem)
            assert (BOOK / language / f"{stem}.md").exists()
