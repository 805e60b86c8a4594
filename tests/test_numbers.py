"""Numbers in the reader's language (minigrad_labs.numbers) and one-language outputs (say, page_language)."""

import re
import sys
from decimal import Decimal

import pytest
from bookutils import ROOT
from hypothesis import given
from hypothesis import strategies as st

from minigrad_labs.numbers import NARROW_NBSP, number

sys.path.insert(0, str(ROOT / "_ext"))
from page_language import keep_only  # noqa: E402

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "value, spec, english, spanish",
    [
        (1797, ",d", "1,797", "1797"),  # RAE: four digits stay together
        (9610, ",d", "9,610", "9610"),
        (70000, ",d", "70,000", f"70{NARROW_NBSP}000"),
        (205520896, ",d", "205,520,896", f"205{NARROW_NBSP}520{NARROW_NBSP}896"),
        (70000, "d", "70000", f"70{NARROW_NBSP}000"),  # Spanish groups five digits whatever the spec
        (-12345, ",d", "-12,345", f"-12{NARROW_NBSP}345"),
        (0.2, ".1f", "0.2", "0,2"),
        (12345.678, ".3f", "12345.678", f"12{NARROW_NBSP}345,678"),
        (0.978, ".1%", "97.8%", f"97,8{NBSP}%"),
        (0.5, ".0%", "50%", f"50{NBSP}%"),
        (1.5, ".1e", "1.5", "1,5"),  # no "× 10⁰"
        (1.2e-05, ".1e", f"1.2{NARROW_NBSP}×{NARROW_NBSP}10⁻⁵", f"1,2{NARROW_NBSP}×{NARROW_NBSP}10⁻⁵"),
        (3.0, "g", "3", "3"),
        (0.000123, "g", "0.000123", "0,000123"),
        (2.5e8, "g", f"2.5{NARROW_NBSP}×{NARROW_NBSP}10⁸", f"2,5{NARROW_NBSP}×{NARROW_NBSP}10⁸"),
        (12, "s", "12", "12"),
        (0.1, "s", "0.1", "0,1"),
        ("text", "s", "text", "text"),
    ],
)
def test_numbers_are_written_by_each_language_rules(value, spec, english, spanish):
    assert number(value, spec, "en") == english
    assert number(value, spec, "es") == spanish


def _read_back(text, language):
    """The value a reader of ``language`` reads in ``text`` (a fixed-point number)."""
    if language == "es":
        return Decimal(text.replace(NARROW_NBSP, "").replace(",", "."))
    return Decimal(text.replace(",", ""))


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.sampled_from([".0f", ".1f", ".3f", ".6f", ",.2f"]))
def test_a_fixed_point_number_reads_as_the_same_value_in_both_languages(value, spec):
    expected = Decimal(format(value, spec.lstrip(",")))
    english, spanish = number(value, spec, "en"), number(value, spec, "es")
    assert _read_back(english, "en") == expected
    assert _read_back(spanish, "es") == expected
    assert "." not in spanish, f"a point in Spanish {spanish!r}: RAE writes neither a decimal point nor a grouping point"
    integer_part = spanish.lstrip("-").split(",")[0]
    if len(integer_part.replace(NARROW_NBSP, "")) >= 5:
        assert re.fullmatch(r"\d{1,3}(\u202f\d{3})+", integer_part), spanish
    else:
        assert integer_part.isdigit(), spanish


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_an_integer_with_grouping_matches_python_in_english(value):
    assert number(value, ",d", "en") == format(value, ",d")
    assert number(value, ",d", "es").replace(NARROW_NBSP, "") == str(value)


@pytest.mark.parametrize("spec", ["10.2f", ">8d", "+.2f", "x", ".2q"])
def test_a_spec_for_code_is_refused_with_its_name(spec):
    with pytest.raises(ValueError, match=re.escape(repr(spec))):
        number(1.5, spec, "es")


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="'fr'"):
        number(1.5, ".1f", "fr")


# --- outputs in the page's language -------------------------------------------------


def test_show_prints_the_chosen_language_only(capsys, monkeypatch):
    import minigrad_labs
    from minigrad_labs.say import show

    monkeypatch.setattr(minigrad_labs, "_state", {"language": "es"})
    show("3 epochs", "3 épocas")
    assert capsys.readouterr().out == "3 épocas\n"
    monkeypatch.setattr(minigrad_labs, "_state", {"language": "en"})
    show("3 epochs", "3 épocas")
    assert capsys.readouterr().out == "3 epochs\n"


def test_the_bilingual_html_follows_the_protocol_and_escapes_text():
    from bs4 import BeautifulSoup
    from minigrad_labs.say import bilingual_html

    soup = BeautifulSoup(bilingual_html("a < b", "a < b, «sí»"), "html.parser")
    (say,) = soup.select("div.mg-say")
    langs = [(div["lang"], div.get_text()) for div in say.select("div.mg-lang")]
    assert langs == [("en", "a < b"), ("es", "a < b, «sí»")]


@pytest.mark.parametrize("language, other", [("en", "es"), ("es", "en")])
def test_each_site_keeps_its_own_language_only(language, other):
    from minigrad_labs.say import bilingual_html

    html = "<p>before</p>" + bilingual_html("English line", "Línea en español") + "<p>after</p>"
    kept = keep_only(html, language)
    assert f'lang="{language}"' in kept and f'lang="{other}"' not in kept
    assert ("English line" in kept) == (language == "en")
    assert ("Línea en español" in kept) == (language == "es")
    assert "<p>before</p>" in kept and "<p>after</p>" in kept
    assert keep_only("<p>no protocol here</p>", language) == "<p>no protocol here</p>"


def test_an_output_in_a_language_no_site_has_is_an_error():
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="'fr'"):
        keep_only('<div class="mg-lang" lang="fr">Bonjour</div>', "en")


def test_an_array_is_laid_out_as_numpy_does_with_each_number_in_the_language():
    import numpy as np
    from minigrad_labs.numbers import array_text

    grid = np.array([[0.5, 1.0], [2.25, -3.0]])
    assert array_text(grid, "g", "es") == "[[0,5 1]\n [2,25 -3]]"
    assert array_text(grid, "g", "en") == "[[0.5 1]\n [2.25 -3]]"
    assert array_text(np.array([1797, 20000]), ".2f", "es") == f"[1797 20{NARROW_NBSP}000]"  # integers stay integers
    assert array_text(np.array([True, False]), "g", "es") == "[ True False]"
