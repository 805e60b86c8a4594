"""Spanish for the labels of the themes' own catalogs that lack it.

Sphinx reads our ``sphinx`` catalog itself (``locale_dirs`` in _config.yml,
ahead of its own).  The themes' other catalogs (sphinx-book-theme's
``booktheme``: "Launch on Binder", ...) are registered by the themes; we add
ours after theirs, so gettext asks ours for what theirs does not translate.
Each ``locales/<lang>/LC_MESSAGES/<catalog>.po`` is compiled to ``.mo`` when it
changed.  The search box's placeholder is a theme option, English text set by
jupyter-book ("Search this book..."): it goes through our ``sphinx`` catalog too.
"""

from pathlib import Path

from sphinx.locale import _
from sphinx.util.i18n import CatalogInfo

LOCALES = Path(__file__).parent / "locales"


def add_catalogs(app):
    language = app.config.language
    messages = LOCALES / language / "LC_MESSAGES"
    for po in sorted(messages.glob("*.po")) if messages.is_dir() else []:
        if po.stem == "sphinx":  # Sphinx's own catalog: loaded through locale_dirs
            continue
        catalog = CatalogInfo(str(LOCALES / language / "LC_MESSAGES"), po.stem, "utf-8")
        if catalog.is_outdated():
            catalog.write_mo(language)
        app.add_message_catalog(po.stem, str(LOCALES))


def translate_search_placeholder(app, pagename, templatename, context, doctree):
    if context.get("theme_search_bar_text"):
        context["theme_search_bar_text"] = _(context["theme_search_bar_text"])


def setup(app):
    # builder-inited: after the theme has registered its own catalogs
    app.connect("builder-inited", add_catalogs)
    app.connect("html-page-context", translate_search_placeholder)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
