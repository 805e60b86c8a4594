"""Twin links for machines: ``<link rel="alternate" hreflang>`` in every page's head.

Each page names its own URL and its twin's, one per language, plus
``x-default`` (the English page) for readers of any other language, so search
engines pair the twins.  The URLs are absolute, under the site root: the
``html_baseurl`` of a site is ``<root><lang>/``.
"""

import html

from languages import DEFAULT_LANGUAGE, LANGUAGES, has_twin, site_root_url


def add_alternate_links(app, pagename, templatename, context, doctree):
    if pagename == "404":  # not a page to index: it answers for every missing URL
        return
    root = site_root_url(app)
    languages = [code for code in LANGUAGES if has_twin(app, pagename, code)]
    if len(languages) < 2:
        return
    links = [(code, f"{root}{code}/{pagename}.html") for code in languages]
    links.append(("x-default", f"{root}{DEFAULT_LANGUAGE}/{pagename}.html"))
    tags = "".join(
        f'\n    <link rel="alternate" hreflang="{code}" href="{html.escape(url)}" />' for code, url in links
    )
    context["metatags"] = context.get("metatags", "") + tags


def setup(app):
    app.connect("html-page-context", add_alternate_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
