"""Sphinx extension for the bilingual book.

1. Language per page: pages under ``book/es/`` are Spanish (``<html lang="es">``),
   everything else is English.
2. An "English · Español" switcher on every page that links to the *twin*
   page (same file name in the other language), not to the home page.
3. No stale outputs: jupyter-cache keys a notebook on its code cells only, so a
   changed ``minigrad`` would not invalidate it.  We point the execution cache
   at a folder named after a hash of minigrad's source files, and register that
   hash as a config value that forces Sphinx to re-read every page when it
   changes.  Edit the engine and every chapter runs again.
"""

import hashlib
import html
import importlib.util
import shutil
from pathlib import Path

LANGUAGES = {"en": "English", "es": "Español"}
BOOK_PREFIX = "book/"


def minigrad_source_hash():
    """A short hash of every file in the minigrad package the kernel will import."""
    spec = importlib.util.find_spec("minigrad")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("minigrad is not importable: run `pip install -e .` first")
    package_dir = Path(list(spec.submodule_search_locations)[0])
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_language(docname):
    """'es' for book/es/..., 'en' for book/en/..., None for pages outside both."""
    parts = docname.split("/")
    if len(parts) >= 3 and parts[0] == "book" and parts[1] in LANGUAGES:
        return parts[1]
    return None


def twin_docname(docname, language):
    """book/en/03-worked-backprop -> book/es/03-worked-backprop (and back)."""
    return f"{BOOK_PREFIX}{language}/" + docname.split("/", 2)[2]


def use_hashed_cache(app, config):
    source_hash = minigrad_source_hash()
    config.minigrad_source_hash = source_hash
    if config.nb_execution_cache_path:
        cache_root = Path(config.nb_execution_cache_path)
    else:  # myst-nb's default location: _build/.jupyter_cache
        cache_root = Path(app.outdir).parent / ".jupyter_cache"
    cache_dir = cache_root / f"minigrad-{source_hash}"
    # Caches made for an older minigrad can only ever hold stale outputs.
    if cache_root.is_dir():
        for old in cache_root.glob("minigrad-*"):
            if old != cache_dir:
                shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(cache_dir)


def add_static_files(app, config):
    config.html_static_path.append(str(Path(__file__).parent / "static"))
    app.add_css_file("bilingual.css")


def add_language_switcher(app, pagename, templatename, context, doctree):
    language = page_language(pagename)
    if language is None:
        return
    context["language"] = language
    links = []
    for code, label in LANGUAGES.items():
        if code == language:
            links.append(f'<span class="lang-current" lang="{code}">{label}</span>')
            continue
        twin = twin_docname(pagename, code)
        if twin not in app.env.all_docs:
            continue
        href = context["pathto"](twin)
        links.append(
            f'<a class="lang-twin" href="{html.escape(href)}" hreflang="{code}" lang="{code}">{label}</a>'
        )
    switcher = (
        '<nav class="lang-switcher" aria-label="Language / Idioma">'
        + " · ".join(links)
        + "</nav>"
    )
    context["body"] = switcher + context.get("body", "")


def check_twins(app, env):
    """Warn (an error under -W) when a chapter has no twin in the other language."""
    for docname in sorted(env.found_docs):
        language = page_language(docname)
        if language is None:
            continue
        for other in LANGUAGES:
            if other != language and twin_docname(docname, other) not in env.found_docs:
                from sphinx.util import logging

                logging.getLogger(__name__).warning(
                    f"{docname} has no twin {twin_docname(docname, other)}", location=docname
                )


def setup(app):
    app.add_config_value("minigrad_source_hash", "", "env")
    # Run before myst-nb reads its configuration (builder-inited).
    app.connect("config-inited", use_hashed_cache)
    app.connect("html-page-context", add_language_switcher)
    app.connect("env-check-consistency", check_twins)
    app.connect("config-inited", add_static_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
