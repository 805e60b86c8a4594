"""The "English · Español" switcher: every page links to its twin in the other site.

It sits in the article's header (_ext/templates/article-header-buttons.html).

The link goes to the same page of the other language's site (``../es/<page>.html``
from ``en/<page>.html``).  Twins have the same sections in the same order
(twin_check.py makes sure), so every section below the page title also gets a
language-neutral anchor by position, ``sec-2`` for the second ``##`` section,
``sec-2.1`` for the first ``###`` inside it, and a small script adds the
anchor of the section being read to the link when it is clicked: the reader
lands on the same section in the other language.  (docutils' own ids never
contain a dot, so these cannot clash with them.)
"""

import html
from pathlib import Path

from docutils import nodes
from sphinx.locale import _

from languages import LANGUAGES, has_twin, site_language, twin_href


def add_section_anchors(app, doctree, docname):
    def number(parent, prefix):
        sections = [child for child in parent.children if isinstance(child, nodes.section)]
        for position, section in enumerate(sections, start=1):
            anchor = f"{prefix}{position}"
            section["ids"].append(f"sec-{anchor}")
            number(section, f"{anchor}.")

    for title_section in doctree.findall(nodes.section):  # the page title's section
        number(title_section, "")
        break


def add_switcher(app, pagename, templatename, context, doctree):
    if doctree is None:  # search, genindex: nothing to switch inside
        return
    language = site_language(app)
    links = []
    for code, label in LANGUAGES.items():
        if code == language:
            links.append(f'<span class="lang-current" lang="{code}" aria-current="page">{label}</span>')
        elif has_twin(app, pagename, code):
            href = html.escape(twin_href(pagename, code))
            links.append(f'<a class="lang-twin" href="{href}" hreflang="{code}" lang="{code}">{label}</a>')
    # In the article's sticky header (our article-header-buttons.html): always in
    # view, never over the text.
    context["lang_switcher"] = (
        f'<nav class="lang-switcher" aria-label="{html.escape(_("Language"))}">' + "<span class=\"lang-sep\" aria-hidden=\"true\"> · </span>".join(links) + "</nav>"
    )


def add_static_files(app, config):
    config.html_static_path.append(str(Path(__file__).parent / "static"))


def setup(app):
    app.connect("config-inited", add_static_files)
    app.add_css_file("twin-switcher.css")
    app.add_js_file("twin-switcher.js", loading_method="defer")
    app.connect("doctree-resolved", add_section_anchors)
    app.connect("html-page-context", add_switcher)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
