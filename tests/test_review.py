"""The repeatable review of the built site (scripts/review_spanish.py), and numbers and outputs per site."""

import re
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from bookutils import ROOT, built_page, toc_chapters

sys.path.insert(0, str(ROOT / "scripts"))
from review_spanish import ALLOW, Finding, load_allow, review, review_page  # noqa: E402

NBSP, NARROW = "\u00a0", "\u202f"
SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")


def page(body, lang="es"):
    return f'<html lang="{lang}"><body><article>{body}</article></body></html>'


def kinds(body, lang="es", terms=()):
    return [(f.kind, f.text) for f in review_page(f"{lang}/x.html", page(body, lang), lang, list(terms))]


# --- the review's rules, on pages made up for the test --------------------------------


@pytest.mark.parametrize("text", ["0.2 segundos", "97.8 %", "1,797 imágenes", "205,520,896 parámetros",
                                  "70000 dígitos", "70 000 dígitos", f"70{NBSP}000", "1.234.567", "98% de exactitud"])
def test_an_english_or_non_rae_number_on_a_spanish_page_is_found(text):
    assert [kind for kind, _ in kinds(f"<p>Tardó {text} en total.</p>")] == ["number"], text


@pytest.mark.parametrize("text", ["0,2 segundos", f"97,8{NBSP}%", "1797 imágenes", f"205{NARROW}520{NARROW}896",
                                  f"70{NARROW}000 dígitos", "capítulo 08", "la capa 784-128-10", "float32",
                                  "0,125 de pérdida", f"1,2{NARROW}×{NARROW}10⁻⁵"])
def test_a_number_written_the_spanish_way_passes(text):
    assert kinds(f"<p>Vemos {text} aquí.</p>") == []


@pytest.mark.parametrize("html", ["<pre>loss 0.2, 1,797 images</pre>", "<code>x = 0.25</code>",
                                  '<span class="math notranslate">\\(0.5 \\cdot 1,000\\)</span>',
                                  '<div class="highlight"><pre>print(0.2)</pre></div>'])
def test_code_math_and_program_output_are_not_prose(html):
    assert kinds(f"<p>Mira:</p>{html}") == []


def test_a_three_decimal_number_the_helper_wrote_is_a_spanish_decimal():
    assert kinds('<p>la pérdida es <span class="pasted-text">2,302</span></p>') == []
    assert kinds(f"<p>un error de 1,111{NARROW}×{NARROW}10⁻⁴</p>") == []
    assert kinds('<p>la pérdida es 2,302</p>') == [("number", "2,302")]  # typed by hand: which is it?


def test_a_bilingual_output_line_is_prose_and_reviewed():
    html = '<div class="mg-say"><div class="mg-lang" lang="es"><pre>20 épocas en 0.2 s</pre></div></div>'
    assert kinds(html) == [("number", "0.2")]


@pytest.mark.parametrize("text", ["0,2 seconds", f"70{NARROW}000 digits"])
def test_a_spanish_number_on_an_english_page_is_found(text):
    assert [kind for kind, _ in kinds(f"<p>It took {text}.</p>", lang="en")] == ["number"]


def test_a_spanish_word_left_on_an_english_page_is_found_unless_in_italics_or_marked():
    assert kinds("<p>The gradient flows back para each node.</p>", lang="en") == [("spanish", "para")]
    assert kinds("<p>Spanish: <em>cortar el gradiente</em>.</p>", lang="en") == []
    assert kinds('<p><span lang="es">Esta guía también está en español</span></p>', lang="en") == []


def test_english_numbers_pass_on_an_english_page():
    assert kinds("<p>1,797 images, 0.2 s, 205,520,896 weights, 97.8%.</p>", lang="en") == []


def test_english_words_are_found_unless_in_italics_names_or_marked_english():
    assert kinds("<p>Link to this term</p>") == [("english", w) for w in ("Link", "to", "this", "term")]
    assert kinds("<p>la difusión (<em>broadcasting</em>) de scikit-learn</p>") == []
    assert kinds('<p>También en inglés: <a lang="en">This page is also in English</a>.</p>') == []
    assert kinds('<p><img alt="the graph"></p>') == [("english", "the")]


def test_forbidden_variants_from_the_terminology_are_found_in_any_number():
    terms = [{"en": "computation graph", "es": "grafo de cómputo", "forbidden": ["grafo computacional"]}]
    assert kinds("<p>Los grafos computacionales y el grafo de cómputo.</p>", terms=terms) == [
        ("terminology", "grafos computacionales")]


def test_a_shape_in_parentheses_is_python_notation_not_a_number():
    assert kinds("<p>columna + fila, (3,1) + (1,4)</p>", lang="en") == []
    assert kinds("<p>columna + fila, (3,1) + (1,4)</p>") == []
    assert kinds("<p>the value 3,1 and 0.5</p>", lang="en") == [("number", "3,1")]


def test_an_exercise_number_is_a_label_but_a_decimal_next_to_it_is_not():
    assert kinds("<p>Ejercicio 4.1 y laboratorios 01.3 y 01.4.</p>") == []
    assert kinds("<p>Ejercicio 4.1: mide 0.5 metros.</p>") == [("number", "0.5")]
    assert kinds("<p>el valor 4.1 sin etiqueta</p>") == [("number", "4.1")]


def test_the_english_of_a_glossary_entry_in_italics_is_not_a_forbidden_variant():
    terms = [{"en": "momentum", "es": "momento", "forbidden": ["momentum"]}]
    assert kinds("<dl><dt>momento</dt><dd><p><em>momentum</em>. La media móvil.</p></dd></dl>", terms=terms) == []
    assert kinds("<p>El momentum acelera el descenso.</p>", terms=terms) == [("terminology", "momentum")]


@pytest.mark.parametrize("text", ["Fijaos en el gradiente", "vuestro motor", "si queréis comprobarlo", "os lo explico"])
def test_vosotros_forms_are_found(text):
    assert [kind for kind, _ in kinds(f"<p>{text}.</p>")] == ["vosotros"]


def test_tu_and_usted_free_prose_passes():
    assert kinds("<p>Fíjate en el gradiente de tu motor; si quieres, compruébalo en los nodos.</p>") == []


def test_every_allow_entry_gives_its_reason(tmp_path):
    assert load_allow()  # the book's own list loads
    bad = tmp_path / "allow.yml"
    bad.write_text("number:\n  - text: '3.11'\n")
    with pytest.raises(ValueError, match="3.11"):
        load_allow(bad)


# --- the built site ---------------------------------------------------------------------------


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_the_review_of_the_built_site_finds_nothing_left(built_site):
    findings = review(built_site)
    report = "\n".join(f"{f.page}\n{f}" for f in findings)
    assert not findings, f"scripts/review_spanish.py: fix these or allow them in {ALLOW.name} with a reason\n{report}"


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_every_allow_entry_still_matches_something(built_site, tmp_path):
    """An entry that matches nothing any more was fixed: remove it, so the list stays honest."""
    empty = tmp_path / "empty.yml"
    empty.write_text("{}\n")
    raw = review(built_site, allow_path=empty)
    stale = [(kind, entry["text"]) for kind, entries in load_allow().items() for entry in entries
             if not any(isinstance(f, Finding) and f.kind == kind and f.text.lower() == entry["text"].lower()
                        and (entry.get("pages") is None or f.page in entry["pages"]) for f in raw)]
    assert not stale, f"{ALLOW.name}: entries that match nothing on the built site: {stale}"


def read_number(text, language):
    """The value a reader of ``language`` reads in a glued number (1,797 / 1797 / 1,2 × 10⁻⁵ / 97,8 %)."""
    text = text.strip().replace("%", "").replace(NBSP, "").replace("−", "-")
    mantissa, _, exponent = text.partition(f"{NARROW}×{NARROW}10")
    if language == "es":
        mantissa = mantissa.replace(NARROW, "").replace(",", ".")
    else:
        mantissa = mantissa.replace(",", "")
    value = Decimal(mantissa)
    return value * Decimal(10) ** int(exponent.translate(SUPERSCRIPT)) if exponent else value


@pytest.mark.book
@pytest.mark.xdist_group("site")
@pytest.mark.parametrize("stem", [s for s in toc_chapters() if s != "index"])
def test_glued_numbers_read_as_the_same_values_on_both_sites(built_site, stem):
    """Each twin glues the same numbers; read each site's with its language's rules, they must agree.

    1,797 read the Spanish way is 1.797: a number glued in English on the Spanish site fails here
    even where the page scan cannot tell it from a Spanish decimal."""
    values = {}
    for language in ("en", "es"):
        texts = [span.get_text() for span in built_page(built_site, language, stem).select("span.pasted-text")]
        numeric = [t for t in texts if re.fullmatch(r"[-−]?[\d.,\u202f\u00a0%×⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+", t.strip())]
        values[language] = Counter(read_number(t, language) for t in numeric)
    only_en, only_es = values["en"] - values["es"], values["es"] - values["en"]
    assert not only_en and not only_es, f"{stem}: read differently: English only {dict(only_en)}, Spanish only {dict(only_es)}"


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_each_site_shows_the_outputs_in_its_own_language_only(built_site):
    shown = Counter()
    for language, other in (("en", "es"), ("es", "en")):
        for path in sorted((Path(built_site) / language).glob("*.html")):
            soup = built_page(built_site, language, path.stem)
            assert not soup.select(f'.mg-lang[lang="{other}"]'), f"{language}/{path.name} shows a {other} output"
            shown[language] += len(soup.select(f'.mg-say .mg-lang[lang="{language}"]'))
    assert shown["en"] == shown["es"] > 0, shown
    training = {lang: " ".join(e.get_text() for e in built_page(built_site, lang, "08-training").select(".mg-say"))
                for lang in ("en", "es")}
    assert "epochs in" in training["en"] and "épocas en" not in training["en"], training["en"]
    assert "épocas en" in training["es"] and "epochs in" not in training["es"], training["es"]
