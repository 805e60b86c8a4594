"""Every chapter's launch and download buttons open its *student* notebook; no thebe.

sphinx-book-theme builds its buttons (``launch_buttons`` in _config.yml) from one
branch and the page's own source file, here a MyST ``.md`` with the solutions in
it. A learner wants the chapter's student notebook instead, which
``scripts/make_labs.py`` writes (stubs and checks, no solutions, a first cell
that installs minigrad where it is missing). The theme cannot point its buttons
at another file or branch per page, so after it has built them (html-page-context,
priority 501) this module re-targets them, on every page that has one:

1. Binder (rocket): ``notebooks/<lang>/NN-name.ipynb`` on the repository's
   branch, a file ``binder/postBuild`` generates in the image;
2. Colab: ``<lang>/NN-name.ipynb`` on the ``notebooks`` branch, which the Pages
   workflow publishes (``scripts/publish-notebooks.sh``); Colab opens only .ipynb;
3. Download ``.ipynb``: the student notebook, written into the site at
   ``notebooks/<lang>/NN-name.ipynb`` (the theme's file is the executed book
   page, solutions included).

And no live code on the page: jupyter-book always loads sphinx-thebe, which puts
its script, stylesheet and configuration on every page although no button of the
book starts it (Binder and Colab run the notebooks instead). Its event handlers
and stylesheet are removed here, so none of it reaches a page.
"""

import importlib.util
from pathlib import Path

import nbformat
from sphinx.util import logging

logger = logging.getLogger(__name__)

MAKE_LABS = Path(__file__).resolve().parent.parent / "scripts" / "make_labs.py"
INTERFACE_PREFIX = {"classic": "tree", "jupyterlab": "lab/tree"}


def load_make_labs():
    """scripts/make_labs.py as a module (None in a partial copy of the book without it)."""
    if not MAKE_LABS.exists():
        return None
    spec = importlib.util.spec_from_file_location("make_labs", MAKE_LABS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def student_notebook_path(app, pagename):
    """(language, "NN-name") when the page is a chapter with a student notebook, else None."""
    source = Path(app.env.doc2path(pagename))
    make_labs = getattr(app, "make_labs", None)
    if make_labs is None or source.suffix != ".md" or not source.name[:2].isdigit():
        return None
    parts = pagename.split("/")
    # one build of both languages (book/<lang>/NN-name) or one site per language
    language = parts[1] if len(parts) == 3 and parts[0] == "book" else app.config.language
    if language not in make_labs.LANGUAGES or source.resolve() not in make_labs.chapters(language):
        return None
    return language, source.stem


def repository(app):
    """(owner, name, branch) of the repository named in the theme's options."""
    options = app.config.html_theme_options
    url = options.get("repository_url", "").rstrip("/")
    owner, name = url.split("github.com/", 1)[1].split("/")[:2]
    return owner, name, options.get("repository_branch") or "main"


def student_urls(app, language, stem):
    """{"Binder": url, "Colab": url} of one chapter's student notebook."""
    launch = app.config.html_theme_options.get("launch_buttons", {})
    owner, name, branch = repository(app)
    notebook = f"{language}/{stem}.ipynb"
    urls = {}
    if launch.get("binderhub_url"):
        prefix = INTERFACE_PREFIX[launch.get("notebook_interface", "classic")]
        binder = launch["binderhub_url"].rstrip("/")
        urls["Binder"] = f"{binder}/v2/gh/{owner}/{name}/{branch}?urlpath={prefix}/{app.config.student_notebooks_binder_dir}/{notebook}"
    if launch.get("colab_url"):
        colab = launch["colab_url"].rstrip("/")
        urls["Colab"] = f"{colab}/github/{owner}/{name}/blob/{app.config.student_notebooks_branch}/{notebook}"
    return urls


def find_make_labs(app):
    app.make_labs = load_make_labs()
    if app.make_labs is None:
        logger.info(f"launch_notebooks: no {MAKE_LABS}: launch buttons keep the theme's targets")


def retarget_buttons(app, pagename, templatename, context, doctree):
    found = student_notebook_path(app, pagename)
    if found is None or "header_buttons" not in context:
        return
    language, stem = found
    make_labs = app.make_labs
    target = Path(app.outdir) / "notebooks" / language / f"{stem}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(make_labs.student_notebook(Path(app.env.doc2path(pagename)), language), target)

    urls = student_urls(app, language, stem)
    groups = {group.get("label"): group for group in context["header_buttons"]}
    for button in groups.get("launch-buttons", {}).get("buttons", []):
        if button.get("text") in urls:
            button["url"] = urls.pop(button["text"])
    if urls:  # a button the theme should have made from launch_buttons
        logger.warning(f"launch_notebooks: the theme made no {sorted(urls)} button", location=pagename)
    for button in groups.get("download-buttons", {}).get("buttons", []):
        if button.get("label") == "download-notebook-button":
            button["url"] = context["pathto"](f"notebooks/{language}/{stem}.ipynb", 1)


def remove_thebe(app):
    """Disconnect sphinx-thebe's handlers and drop its stylesheet (see the module docstring)."""
    for listeners in app.events.listeners.values():
        listeners[:] = [listener for listener in listeners if not listener.handler.__module__.startswith("sphinx_thebe")]
    app.registry.css_files = [(name, attributes) for name, attributes in app.registry.css_files
                              if name != "sphinx-thebe.css"]


def setup(app):
    app.add_config_value("student_notebooks_branch", "notebooks", "html")
    app.add_config_value("student_notebooks_binder_dir", "notebooks", "html")
    app.connect("builder-inited", find_make_labs)
    app.connect("html-page-context", retarget_buttons, priority=600)
    remove_thebe(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
