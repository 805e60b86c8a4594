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
4. Spanish pages speak Spanish: the whole book is built with language "en",
   so for each page under ``book/es/`` we swap in Spanish gettext catalogs
   (Sphinx's, pydata-sphinx-theme's and sphinx-book-theme's, plus a few labels
   none of them translate) before the page is written and rendered, and swap
   English back for every other page.
5. No duplicated inline scripts: Sphinx 7.4 adds every inline script registered
   after the builder started (sphinx-thebe's ``const THEBE_JS_URL = ...``)
   twice, once with filename None and once with filename "", and the second
   ``const`` declaration is a SyntaxError in the browser.  We drop the
   duplicates from each page's script list.
"""

import gettext
import hashlib
import html
import importlib.util
import shutil
from pathlib import Path

import sphinx
from sphinx import locale as sphinx_locale

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
    # The labs' checks run in every chapter too: a changed check re-executes them.
    labs_dir = package_dir.parent / "labs"
    for path in sorted(labs_dir.rglob("*.py")):
        digest.update(("labs/" + path.relative_to(labs_dir).as_posix()).encode())
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


# --- Spanish labels on Spanish pages -------------------------------------------

# Labels the themes pass through gettext but whose Spanish catalogs lack (or
# misspell).  Tried first; everything else comes from the themes' catalogs.
# Labels hard-coded in the templates (no gettext) stay English: the sidebar
# toggles' tooltips, aria-label "Main"/"Page", myst-nb's "Toggle hidden content",
# and sphinx-togglebutton's "Click to show/hide" (a global JavaScript string).
SPANISH_SUPPLEMENT = {
    "Link to this heading": "Enlace a este encabezado",
    "Link to this definition": "Enlace a esta definición",
    "Link to this table": "Enlace a esta tabla",
    "Link to this image": "Enlace a esta imagen",
    "Link to this code": "Enlace a este código",
    "Launch on": "Abrir en",
    "Launch interactive content": "Abrir el contenido interactivo",
    "Launch Thebe": "Abrir Thebe",
    "Live Code": "Código en vivo",
    "Repository": "Repositorio",
    "Show source": "Ver el código fuente",
    "Suggest edit": "Sugerir un cambio",
    "Open issue": "Abrir una incidencia",
    "previous page": "página anterior",
    "Download this page": "Descargar esta página",
    "Section Navigation": "Navegación de la sección",
    "Search": "Buscar",
    "Contents": "Contenido",
    "logo": "logotipo",
}
SEARCH_BAR_TEXT = {"en": "Search this book...", "es": "Buscar en este libro..."}


class _Supplement(gettext.NullTranslations):
    def __init__(self, table):
        super().__init__()
        self._table = table

    def gettext(self, message):
        if message in self._table:
            return self._table[message]
        return super().gettext(message)  # asks the fallback chain


def _package_dir(name):
    spec = importlib.util.find_spec(name)
    return Path(spec.origin).parent if spec and spec.origin else None


def _spanish(catalog, locale_dirs):
    """A Spanish translator for one gettext catalog: the supplement, then each dir."""
    chain = _Supplement(SPANISH_SUPPLEMENT)
    for locale_dir in locale_dirs:
        if locale_dir is not None and locale_dir.is_dir():
            try:
                chain.add_fallback(gettext.translation(catalog, str(locale_dir), ["es"]))
            except OSError:
                pass
    return chain


def prepare_translations(app):
    """Remember the English translators and build Spanish ones (builder-inited)."""
    pydata, book = _package_dir("pydata_sphinx_theme"), _package_dir("sphinx_book_theme")
    sphinx_dir = Path(sphinx.__file__).parent
    catalog_dirs = {
        # pydata first: its "Search" is "Buscar" where Sphinx's says "Búsqueda"
        "sphinx": [pydata and pydata / "locale", sphinx_dir / "locale"],
        "booktheme": [book and book / "theme" / "sphinx_book_theme" / "static" / "locales"],
    }
    english, spanish = {}, {}
    for key, translator in list(sphinx_locale.translators.items()):
        namespace, catalog = key
        if namespace != "general":  # leave the console messages alone
            continue
        english[key] = translator
        if catalog in catalog_dirs:
            spanish[key] = _spanish(catalog, catalog_dirs[catalog])
    app._bilingual_translators = {"en": english, "es": spanish}
    app._bilingual_language = "en"


def restore_english(app, exception):
    set_language(app, "en")


def set_language(app, language):
    """Make gettext (Python code and Jinja templates) speak ``language``."""
    tables = getattr(app, "_bilingual_translators", None)
    if tables is None or language == app._bilingual_language:
        return
    chosen = dict(tables["en"])
    if language == "es":
        chosen.update(tables["es"])
    for key, translator in chosen.items():
        sphinx_locale.translators[key] = translator
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None and hasattr(environment, "install_gettext_translations"):
        environment.install_gettext_translations(chosen.get(("general", "sphinx"), gettext.NullTranslations()))
    app._bilingual_language = language


def language_for_writing(app, doctree, docname):
    """Before a page's body is written (doctree-resolved), so permalinks' titles are Spanish too."""
    set_language(app, page_language(docname) or "en")


def language_for_rendering(app, pagename, templatename, context, doctree):
    """Before the themes fill in their labels (runs ahead of their html-page-context handlers)."""
    set_language(app, page_language(pagename) or "en")


def localise_context(app, pagename, templatename, context, doctree):
    """Labels that are theme options rather than gettext messages (runs last)."""
    language = page_language(pagename) or "en"
    if context.get("theme_search_bar_text") in SEARCH_BAR_TEXT.values():
        context["theme_search_bar_text"] = SEARCH_BAR_TEXT[language]


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Keep one copy of each script (see the module docstring, point 5)."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


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
    app.connect("builder-inited", prepare_translations, priority=900)
    app.connect("doctree-resolved", language_for_writing, priority=100)
    app.connect("build-finished", restore_english)
    app.connect("html-page-context", language_for_rendering, priority=100)
    app.connect("html-page-context", localise_context, priority=900)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("env-check-consistency", check_twins)
    app.connect("config-inited", add_static_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
