"""What the extensions in _ext/ share: the book's languages and where a twin is.

Not a Sphinx extension.  The book is two sites built from the same table of
contents, ``book/en/`` into ``_build/html/en/`` and ``book/es/`` into
``_build/html/es/`` (scripts/build_book.py), so a page's twin has the same
page name in the other site, and its source the same file name in the other
source folder.
"""

from pathlib import Path

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"  # the x-default of the hreflang links, and the root's fallback


def site_language(app):
    """The language of the site being built: its ``language`` setting."""
    language = app.config.language
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of the book's languages {sorted(LANGUAGES)}")
    return language


def other_languages(app):
    return [code for code in LANGUAGES if code != site_language(app)]


def twin_source(app, docname, language):
    """book/<lang>/<docname>.md -> book/<language>/<docname>.md (None if not a source page)."""
    if docname not in app.env.found_docs:
        return None
    source = Path(app.env.doc2path(docname))
    return Path(app.srcdir).parent / language / source.relative_to(app.srcdir)


def has_twin(app, pagename, language):
    """Pages with a source need the twin file; generated pages (search, genindex) exist in every site."""
    source = twin_source(app, pagename, language)
    return source is None or source.is_file()


def twin_href(pagename, language):
    """A relative link from one site's page to the same page of the other site."""
    return "../" * (pagename.count("/") + 1) + f"{language}/{pagename}.html"


def site_root_url(app):
    """https://host/book/ for a site whose html_baseurl is https://host/book/<lang>/."""
    base = app.config.html_baseurl or ""
    suffix = f"{site_language(app)}/"
    if not base.endswith(suffix):
        raise ValueError(f"html_baseurl {base!r} should end with the site's language, {suffix!r}")
    return base[: -len(suffix)]
