"""Pictures in the site's language: each figure's alt text, picked at build time.

The book executes every chapter once (the English build) and the Spanish site
reuses those outputs, so a figure drawn by the engine (``minigrad.viz.draw``)
or by a chapter (``minigrad.viz.figure``) carries its alt text in both
languages: ``<img alt="..." data-alt-en="..." data-alt-es="...">``.  Here each
site keeps the words of its own language in ``alt`` and drops the rest (the
picture itself is language-neutral, so it is stored once, not once per
language).  figures.css frames the pictures: full size in a scrolling frame on
narrow screens, on a light background in dark mode.

The notebooks hold each picture as a data URL (a notebook is one file); the site
writes it to _images/<hash of its bytes>.<png|svg> instead and links it with
``loading="lazy"``: the page's HTML stays small, and a picture further down (or
in a tab not open) is fetched only when the reader gets near it.
"""

import base64
import hashlib
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


DATA_IMG = re.compile(r'<img\b([^>]*?)\ssrc="data:(image/png|image/svg\+xml);base64,([A-Za-z0-9+/=]+)"')
SUFFIX = {"image/png": ".png", "image/svg+xml": ".svg"}


def localise(text, language):
    return IMG.sub(lambda match: in_language(match.group(0), language), text)


def to_files(text, images, prefix=""):
    """``text`` with each data-URL picture written into ``images`` and linked, lazily, from there."""

    def store(match):
        data = base64.b64decode(match.group(3))
        name = hashlib.sha256(data).hexdigest()[:24] + SUFFIX[match.group(2)]
        target = Path(images) / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return f'<img{match.group(1)} loading="lazy" src="{prefix}_images/{name}"'

    return DATA_IMG.sub(store, text)


def localise_figures(app, doctree, docname):
    language = site_language(app)
    images = Path(app.outdir) / "_images"
    prefix = "../" * docname.count("/")
    for raw in doctree.findall(nodes.raw):
        text = raw.astext()
        if "data-alt-" in text and "html" in raw.get("format", ""):
            text = localise(text, language)
            if app.builder.format == "html":
                text = to_files(text, images, prefix)
            raw[:] = [nodes.Text(text)]


def add_static_files(app, config):
    static = str(Path(__file__).parent / "static")
    if static not in config.html_static_path:  # other extensions of _ext/ add it too
        config.html_static_path.append(static)


def setup(app):
    app.connect("config-inited", add_static_files)
    app.connect("doctree-resolved", localise_figures)
    app.add_css_file("figures.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
