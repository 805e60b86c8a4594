"""The Spanish site's interface is Spanish: labels, tooltips, alt texts, footer, titles.

Strings come from catalogs: our _ext/locales/es/LC_MESSAGES/*.po ahead of the
themes' and extensions' (_ext/catalogs.py), our sphinx.js for the search page,
SPANISH_LABELS in scripts/build_book.py. The fast tests read those files; the
`book` tests read the built Spanish pages.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

from bookutils import ROOT

LOCALE = ROOT / "_ext" / "locales" / "es" / "LC_MESSAGES"

_spec = importlib.util.spec_from_file_location("catalogs", ROOT / "_ext" / "catalogs.py")
_catalogs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_catalogs)
spanish_order = _catalogs.spanish_order

# The usted register (the book says tú) and the politeness formula that goes with it:
# in interface strings (imperatives included), and in a page's text (where «haga» may be
# a third person, so only the unambiguous words).
USTED = re.compile(r"\b(usted(es)?|Por favor|active|asegúrese|haga|pulse|seleccione|su búsqueda)\b", re.I)
USTED_TEXT = re.compile(r"\b(usted(es)?|Por favor|asegúrese)\b", re.I)

# Text a Spanish page must not show anywhere (text, labels, inline scripts): English
# interface strings and the themes' own Spanish slips.
FORBIDDEN_TEXT = [
    "Link to this term", "Link to this heading", "Descarga esta pagina", "pagina anterior", "Por The ",
    "Solución a ", "Navegación de palanca", "esfinge", "Edita esta", "Lanzamiento", "sugerir editar",
    "Tema abierto", "Ultima actualización", "Binder logo", "Colab logo", "Download this page",
    "Fullscreen mode", "Print to PDF", "Source repository", "Skip to main content", "previous page",
    "next page", "Solution to", "Exercise ",
]
# Labels (title, aria-label, alt, placeholder, data-bs-title) that must not be English.
ENGLISH_LABELS = {"Page", "Main", "Search", "Contents", "Theme", "Language", "Light", "Dark", "System",
                  "Site navigation", "On this page", "Breadcrumb", "Home", "Launch", "Download", "logo"}
LABELLED = ("title", "aria-label", "placeholder", "data-bs-title", "alt")


def po_messages(path):
    """msgid -> msgstr of a .po file (multi-line strings joined; the header left out)."""
    messages, key, current = {}, None, None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = re.match(r'^(msgid|msgstr) "(.*)"$', line)
        if match:
            current = match.group(1)
            if current == "msgid":
                key = match.group(2)
                messages[key] = ""
            else:
                messages[key] = match.group(2)
        elif line.startswith('"') and current:
            text = line[1:-1]
            if current == "msgid":
                value = messages.pop(key)
                key += text
                messages[key] = value
            else:
                messages[key] += text
    messages.pop("", None)
    return {k.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"):
            v.encode().decode("unicode_escape").encode("latin-1").decode("utf-8") for k, v in messages.items()}


def js_messages(path):
    text = Path(path).read_text(encoding="utf-8")
    return json.loads(text[text.index("{") : text.rindex("}") + 1])["messages"]


@pytest.mark.parametrize("po", sorted(LOCALE.glob("*.po")), ids=lambda p: p.name)
def test_catalogs_speak_tu_and_translate_everything(po):
    messages = po_messages(po)
    assert messages, f"{po.name}: no message read"
    for msgid, msgstr in messages.items():
        assert msgstr, f"{po.name}: {msgid!r} has no Spanish"
        assert not USTED.search(msgstr), f"{po.name}: {msgstr!r} is in the usted register"


def test_the_po_reader_reads_multiline_entries():
    messages = po_messages(LOCALE / "sphinx.po")
    assert messages["Please activate JavaScript to enable the search\n    functionality."] == "Activa JavaScript para poder buscar."
    assert messages["Link to this term"] == "Enlace a este término"


def test_the_search_strings_cover_sphinx_own_and_speak_tu():
    import sphinx

    theirs = js_messages(Path(sphinx.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "sphinx.js")
    ours = js_messages(LOCALE / "sphinx.js")
    assert set(ours) == set(theirs), "our sphinx.js must translate exactly Sphinx's keys (a new Sphinx?)"
    assert all(ours.values()), [key for key, value in ours.items() if not value]
    assert not [value for value in ours.values() if USTED.search(value)]
    # the placeholders survive
    for key, value in ours.items():
        assert re.findall(r"%\(\w+\)s|\$\{\w+\}", key) == re.findall(r"%\(\w+\)s|\$\{\w+\}", value), key


def test_the_usted_pattern_sees_usted():
    assert USTED.search("Por favor, active JavaScript")
    assert USTED.search("asegúrese de que usted haya seleccionado")
    assert not USTED.search("Activa JavaScript para poder buscar.")


def interface_findings(site):
    """Every English or wrong interface string on the built Spanish site at `site` (…/html)."""
    from bs4 import BeautifulSoup

    found = []
    pages = sorted((Path(site) / "es").glob("*.html"))
    assert pages, f"no Spanish page in {site}"
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for code in soup.select("div.cell_input, div.cell_output, pre, code, .output"):
            code.decompose()
        labels = [str(value).strip() for tag in soup.find_all(True)
                  for name, value in tag.attrs.items() if name in LABELLED]
        text = "\n".join([soup.get_text(" "), *labels])
        found += [f"es/{path.name}: {string!r}" for string in FORBIDDEN_TEXT if string in text]
        found += [f"es/{path.name}: label {label!r}" for label in sorted(set(labels)) if label in ENGLISH_LABELS
                  or re.fullmatch(r"\w+ logo", label)]
        found += [f"es/{path.name}: usted in {m.group(0)!r}" for m in USTED_TEXT.finditer(soup.get_text(" "))]
        for title in soup.select(".solution .admonition-title, .solution p.admonition-title"):
            if title.get_text(" ", strip=True).startswith("Solución") and not re.match(
                    r"Solución del ejercicio \d+", title.get_text(" ", strip=True)):
                found.append(f"es/{path.name}: solution title {title.get_text(' ', strip=True)!r}")
    index = Path(site) / "es" / "genindex.html"
    if index.exists():  # the general index in Spanish alphabetical order (época before exactitud)
        soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
        for table in soup.select("table.indextable"):
            terms = [link.get_text(" ", strip=True) for link in table.select("td > ul > li > a")]
            if terms != sorted(terms, key=spanish_order):
                found.append(f"es/genindex.html: {terms} is not in Spanish order")
    translations = Path(site) / "es" / "_static" / "translations.js"
    if translations.exists():
        found += [f"es/_static/translations.js: {value!r}" for value in js_messages(translations).values()
                  if USTED.search(value)]
    return found


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_the_spanish_interface_is_spanish(built_site):
    found = interface_findings(built_site)
    assert not found, "\n".join(found)
    # the solution titles read «Solución del ejercicio N»
    page = (Path(built_site) / "es" / "03-worked-backprop.html").read_text(encoding="utf-8")
    assert re.search(r"Solución del\s*(<[^>]+>\s*)*ejercicio \d+", page)


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_the_interface_check_sees_the_english_site(built_site):
    """The check is real: on the English pages (read as if Spanish) it finds English labels."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as fake:
        shutil.copytree(Path(built_site) / "en", Path(fake) / "es", ignore=shutil.ignore_patterns("_images", "notebooks"))
        assert len(interface_findings(fake)) >= 10
