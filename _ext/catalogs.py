"""Spanish for the labels of the themes' and extensions' own catalogs.

Sphinx reads our ``sphinx`` catalog itself (``locale_dirs`` in _config.yml,
ahead of its own), and copies our ``sphinx.js`` (the search page's strings) to
``_static/translations.js``. The other catalogs (sphinx-book-theme's
``booktheme``: "Download this page", ...; sphinx-exercise's ``exercise``:
"Solution to") are registered by their packages, with Spanish that is missing,
wrong or in the *usted* register. Each of ours, ``locales/<lang>/LC_MESSAGES/
<catalog>.po``, is compiled to ``.mo`` when it changed and put *ahead* of the
package's: gettext asks ours first and falls back to theirs for what ours does
not translate. The search box's placeholder is a theme option, English text set
by jupyter-book ("Search this book..."): it goes through our ``sphinx`` catalog too.

One label no catalog can phrase: sphinx-exercise titles a solution "<Solution
to> <Exercise> N", and Spanish writes «Solución del ejercicio N», the noun in
lower case mid-sentence (``solution_titles``). And one order: Sphinx sorts the
general index by code point, which puts «exactitud» before «época»; the Spanish
index is sorted in Spanish alphabetical order (``spanish_order``, also the order
tests/test_terminology.py keeps the glossary in).
"""

import gettext
import unicodedata
from pathlib import Path

from docutils import nodes
from sphinx import locale
from sphinx.locale import _, get_translation
from sphinx.util.i18n import CatalogInfo

LOCALES = Path(__file__).parent / "locales"
# Languages whose solution titles write the exercise's name in lower case.
LOWER_CASE_EXERCISE_IN_SOLUTION = {"es"}


def spanish_order(term):
    """The key of Spanish alphabetical order (RAE; ICU's «es» collation).

    Accents and case are ignored at first (época sorts by e-p-o-c-a, so before
    exactitud), ñ is a letter of its own after n, a space comes before any letter
    (word by word: «peso» < «pesos compartidos») and other signs are ignored; ties
    are broken by accents, then by case.
    """
    folded = unicodedata.normalize("NFD", term.lower().replace("ñ", "\0"))
    letters = []
    for char in folded:
        if unicodedata.combining(char):
            continue
        if char == "\0":  # ñ
            letters.append((ord("n"), 1))
        elif char.isalnum():
            letters.append((ord(char), 0))
        elif char == " ":
            letters.append((0, 0))
    return letters, term.lower(), term


SORT_KEYS = {"es": spanish_order}


def add_catalogs(app):
    language = app.config.language
    messages = LOCALES / language / "LC_MESSAGES"
    for po in sorted(messages.glob("*.po")) if messages.is_dir() else []:
        if po.stem == "sphinx":  # Sphinx's own catalog: loaded through locale_dirs
            continue
        catalog = CatalogInfo(str(messages), po.stem, "utf-8")
        if catalog.is_outdated():
            catalog.write_mo(language)
        ours = gettext.translation(po.stem, localedir=str(LOCALES), languages=[language])
        theirs = locale.translators.get(("general", po.stem))
        if theirs is not None and type(theirs) is not gettext.NullTranslations:
            ours.add_fallback(theirs)
        locale.translators["general", po.stem] = ours


def translate_search_placeholder(app, pagename, templatename, context, doctree):
    if context.get("theme_search_bar_text"):
        context["theme_search_bar_text"] = _(context["theme_search_bar_text"])


def solution_titles(app, doctree, docname):
    """«Solución del Ejercicio 3» -> «Solución del ejercicio 3» (after sphinx-exercise's titles)."""
    if app.config.language not in LOWER_CASE_EXERCISE_IN_SOLUTION:
        return
    translate = get_translation("exercise")
    lead, name = translate("Solution to"), translate("Exercise")
    for title in doctree.findall(nodes.title):
        if not title.astext().startswith(f"{lead} {name} "):
            continue
        for text in title.findall(nodes.Text):
            if text.astext().startswith(f" {name} "):
                text.parent.replace(text, nodes.Text(f" {name.lower()}{text.astext()[len(name) + 1:]}"))
                break


def sort_general_index(app, pagename, templatename, context, doctree):
    """The entries under each letter of genindex.html in the language's alphabetical order."""
    key = SORT_KEYS.get(app.config.language)
    if pagename != "genindex" or key is None or not context.get("genindexentries"):
        return
    for _letter, entries in context["genindexentries"]:
        entries.sort(key=lambda entry: key(entry[0]))


def setup(app):
    # builder-inited: after the themes and extensions have registered their catalogs
    app.connect("builder-inited", add_catalogs)
    app.connect("html-page-context", translate_search_placeholder)
    app.connect("doctree-resolved", solution_titles)
    app.connect("html-page-context", sort_general_index)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
