"""What a page says about itself to browsers, search engines and link previews.

Every page gets, in its own language:
- ``<meta name="description">``: the first paragraph of the page, cut at a word
  under 160 characters (what a search result shows under the title);
- Open Graph data (``og:title``, ``og:description``, ``og:url``, ``og:locale`` and
  the twin's locale, ``og:site_name``, ``og:type``): what a chat or a social site
  shows when someone shares the link;
- the book's icon (static/favicon.svg), so browsers stop asking for a missing
  /favicon.ico on every page.
"""

import html
import re

from docutils import nodes

from languages import LANGUAGES, other_languages, site_language

LOCALES = {"en": "en_US", "es": "es_ES"}
MAX_DESCRIPTION = 160


TEX = {r"\partial": "∂", r"\cdot": "·", r"\times": "×", r"\to": "→", r"\ldots": "…", r"\qquad": " ", r"\quad": " "}


def plain(node):
    """A paragraph's text for a summary: inline TeX becomes plain symbols (\\partial L -> ∂L)."""
    parts = []
    for child in node.findall(nodes.Text):
        text = str(child)
        if any(isinstance(parent, nodes.math) for parent in _parents(child)):
            for tex, symbol in TEX.items():
                text = text.replace(tex, symbol)
            text = re.sub(r"\\[a-zA-Z]+|[{}$]", "", text).replace(" ", "")
        parts.append(text)
    return " ".join("".join(parts).split())


def first_paragraph(doctree, enough=120):
    """The page's opening prose (not captions, tables or cells), paragraphs joined up to ``enough`` characters."""
    text = ""
    for paragraph in doctree.findall(nodes.paragraph):
        if any(isinstance(parent, (nodes.caption, nodes.table, nodes.literal_block, nodes.admonition, nodes.raw))
               for parent in _parents(paragraph)):
            continue
        words = plain(paragraph)
        if len(words) < 40 and not text:  # a line like "Esta página también está en español" is no summary
            continue
        text = f"{text} {words}".strip()
        if len(text) >= enough:
            break
    return text


def _parents(node):
    while node.parent is not None:
        node = node.parent
        yield node


def shorten(text, limit=MAX_DESCRIPTION):
    """``text`` cut at the last word boundary before ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    cut = re.sub(r"\s+\S*$", "", cut).rstrip(",;:.")
    return cut + "…"


def meta_tags(app, pagename, title, description, context_title=""):
    language = site_language(app)
    url = f"{app.config.html_baseurl}{pagename}.html"
    site_name = context_title
    tags = [
        ("name", "description", description),
        ("property", "og:type", "article"),
        ("property", "og:site_name", site_name),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", url),
        ("property", "og:locale", LOCALES[language]),
    ]
    tags += [("property", "og:locale:alternate", LOCALES[code]) for code in other_languages(app)]
    return "".join(
        f'\n    <meta {key}="{name}" content="{html.escape(value)}" />' for key, name, value in tags if value
    )


def add_page_meta(app, pagename, templatename, context, doctree):
    icon = context["pathto"]("_static/favicon.svg", 1)
    extra = f'\n    <link rel="icon" href="{html.escape(icon)}" type="image/svg+xml" />'
    if doctree is not None:
        title = html.unescape(re.sub(r"<[^>]+>", "", context.get("title", "")))
        description = shorten(first_paragraph(doctree))
        extra += meta_tags(app, pagename, title, description, context.get("docstitle", ""))
    context["metatags"] = context.get("metatags", "") + extra


def setup(app):
    assert set(LOCALES) == set(LANGUAGES)
    app.connect("html-page-context", add_page_meta)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
