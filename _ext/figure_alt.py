"""Pictures in the site's language: each figure's alt text, picked at build time.

The book executes every chapter once (the English build) and the Spanish site
reuses those outputs, so a figure drawn by the engine (``minigrad.viz.draw``)
or by a chapter (``minigrad.viz.figure``) carries its alt text in both
languages: ``<img alt="..." data-alt-en="..." data-alt-es="...">``.  Here each
site keeps the words of its own language in ``alt`` and drops the rest (the
picture itself is language-neutral, so it is stored once, not once per
language).  figures.css frames the pictures: full size in a scrolling frame on
narrow screens, on a light background in dark mode.
"""

import re
from pathlib import Path

from docutils import nodes

from languages import site_language

IMG = re.compile(r"<img\b[^>]*\bdata-alt-[a-z]{2}=[^>]*>")
ALT = re.compile(r'\salt="[^"]*"')
DATA_ALT = re.compile(r'\sdata-alt-([a-z]{2})="([^"]*)"')


def in_language(tag, language):
    """One <img> tag with the alt text of ``language`` and no data-alt-* attributes."""
    words = dict(DATA_ALT.findall(tag))
    if language not in words:
        return DATA_ALT.sub("", tag)  # keep the default alt: better than none
    tag = DATA_ALT.sub("", tag)
    return ALT.sub(lambda _: f' alt="{words[language]}"', tag, count=1)


def localise(text, language):
    return IMG.sub(lambda match: in_language(match.group(0), language), text)


def localise_figures(app, doctree, docname):
    language = site_language(app)
    for raw in doctree.findall(nodes.raw):
        text = raw.astext()
        if "data-alt-" in text and "html" in raw.get("format", ""):
            raw[:] = [nodes.Text(localise(text, language))]


def add_static_files(app, config):
    static = str(Path(__file__).parent / "static")
    if static not in config.html_static_path:  # other extensions of _ext/ add it too
        config.html_static_path.append(static)


def setup(app):
    app.connect("config-inited", add_static_files)
    app.connect("doctree-resolved", localise_figures)
    app.add_css_file("figures.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
