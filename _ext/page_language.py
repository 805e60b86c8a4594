"""Each site shows cell outputs in its own language only.

The book executes each chapter once (English build); the Spanish site reuses
those outputs. So a cell that shows text shows it in both languages, as HTML
(minigrad_labs/say.py writes it; the lab checks use it too):

    <div class="mg-say"><div class="mg-lang" lang="en">…</div><div class="mg-lang" lang="es">…</div></div>

This extension deletes, from every HTML output of a page, each ``.mg-lang``
element whose ``lang`` is not the language of the site being built, so the
English site shows the English line and the Spanish site the Spanish one. It
works on the resolved doctree (the raw HTML nodes that myst-nb made from the
outputs), before the page is written, so neither the page nor its search index
ever holds the other language. An element with a lang no site has is an error:
it would silently vanish from both.
"""

from pathlib import Path

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.errors import ExtensionError

from languages import LANGUAGES, site_language

MARK = "mg-lang"


def keep_only(html, language):
    """html without the .mg-lang elements of other languages (unchanged if it has none)."""
    if MARK not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select(f".{MARK}"):
        lang = element.get("lang")
        if lang not in LANGUAGES:
            raise ExtensionError(f"an output's .{MARK} element has lang={lang!r}, not one of {sorted(LANGUAGES)}")
        if lang != language:
            element.decompose()
    return str(soup)


def filter_outputs(app, doctree, docname):
    language = site_language(app)
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "").split():
            continue
        kept = keep_only(raw.astext(), language)
        if kept != raw.astext():
            raw.replace_self(nodes.raw(kept, kept, **raw.attributes))


def add_static_files(app, config):
    static = str(Path(__file__).parent / "static")
    if static not in config.html_static_path:
        config.html_static_path.append(static)


def setup(app):
    app.connect("config-inited", add_static_files)
    app.add_css_file("page-language.css")  # the kept line looks like printed output
    app.connect("doctree-resolved", filter_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
