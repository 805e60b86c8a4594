"""The site's Sphinx extensions in _ext/, on small inputs (no book build)."""

import sys
from pathlib import Path

from docutils import nodes
from docutils.utils import new_document
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser

from bookutils import ROOT

sys.path.insert(0, str(ROOT / "_ext"))

import figure_alt  # noqa: E402
import icon_subset  # noqa: E402
import katex_math  # noqa: E402
import npm_assets  # noqa: E402
import page_meta  # noqa: E402
import unique_ids  # noqa: E402


def test_each_site_keeps_the_alt_text_of_its_language():
    raw = ('<p>x</p><div class="mg-figure"><img src="data:image/png;base64,AAAA" alt="A graph." '
           'data-alt-en="A graph." data-alt-es="Un grafo." width="10" height="5"></div>'
           '<img src="b.png" alt="untouched">')
    spanish = figure_alt.localise(raw, "es")
    assert 'alt="Un grafo."' in spanish and "data-alt" not in spanish and 'alt="A graph."' not in spanish
    assert '<img src="b.png" alt="untouched">' in spanish and 'width="10" height="5"' in spanish
    english = figure_alt.localise(raw, "en")
    assert 'alt="A graph."' in english and "Un grafo" not in english and "data-alt" not in english
    # a language the figure lacks keeps the default words rather than none
    assert 'alt="A graph."' in figure_alt.localise(raw, "fr")


def doctree(text):
    settings = get_default_settings(Parser)
    document = new_document("<test>", settings)
    Parser().parse(text, document)
    return document


def test_repeated_ids_become_unique_and_exercise_sections_take_their_exercise_id():
    document = new_document("<test>", get_default_settings(Parser))
    for label in ("en-lab03-1", "en-lab03-2"):
        box = nodes.container(ids=[label])
        box += nodes.section(ids=["exercise-content"])
        document += box
    document += nodes.paragraph(ids=["same"])
    document += nodes.paragraph(ids=["same"])
    unique_ids.make_ids_unique(None, document, "x")
    ids = [i for node in document.findall(nodes.Element) for i in node.get("ids", [])]
    assert len(ids) == len(set(ids))
    assert "en-lab03-1-content" in ids and "en-lab03-2-content" in ids
    assert ids.count("same") == 1 and "same-2" in ids  # the first keeps its id: links still land


def test_description_is_the_first_real_paragraph_cut_at_a_word():
    document = doctree("Title\n=====\n\nShort.\n\n" + "A sentence about gradients and graphs. " * 8 + "\n")
    text = page_meta.first_paragraph(document)
    assert text.startswith("A sentence about gradients")
    short = page_meta.shorten(text)
    assert len(short) <= page_meta.MAX_DESCRIPTION and short.endswith("…")
    assert text.startswith(short[:-1]) and not short[:-1].endswith(" ")
    assert page_meta.shorten("Brief.") == "Brief."


def test_npm_packages_unpack_only_the_listed_files_under_their_root():
    import tarfile

    spec = npm_assets.PACKAGES["katex"]

    def member(name):
        info = tarfile.TarInfo(name)
        info.type = tarfile.REGTYPE
        return info

    assert npm_assets.wanted(member("package/dist/katex.min.js"), spec) == "katex.min.js"
    assert npm_assets.wanted(member("package/dist/fonts/KaTeX_Main-Regular.woff2"), spec) == "fonts/KaTeX_Main-Regular.woff2"
    assert npm_assets.wanted(member("package/dist/katex.mjs"), spec) is None
    assert npm_assets.wanted(member("package/src/katex.js"), spec) is None


def test_integrity_is_npms_sha512_in_base64(tmp_path):
    import base64
    import hashlib

    path = tmp_path / "f"
    path.write_bytes(b"minigrad")
    assert npm_assets.integrity_of(path) == "sha512-" + base64.b64encode(hashlib.sha512(b"minigrad").digest()).decode()


def test_root_404_is_bilingual_styled_and_fit_for_a_phone():
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_book

    page = build_book.root_404().replace("{prefix}", "backprop-from-scratch/")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<style>" in page and "prefers-color-scheme: dark" in page
    assert '<section lang="en">' in page and '<section lang="es">' in page
    assert "<h1>Page not found</h1>" in page and "<h2>Página no encontrada</h2>" in page
    # absolute links: the page answers for missing URLs at any depth
    for code in ("en", "es"):
        assert f'href="/backprop-from-scratch/{code}/index.html" hreflang="{code}"' in page
    assert "<link" not in page and "<script" not in page  # nothing else to fetch


def test_data_url_pictures_become_lazy_files_named_by_their_bytes(tmp_path):
    import base64

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    text = (f'<div><img src="data:image/svg+xml;base64,{base64.b64encode(svg).decode()}" alt="A graph." width="10">'
            f'<img class="x" src="data:image/png;base64,{base64.b64encode(png).decode()}" alt="A plot.">'
            '<img src="keep.png" alt="kept"></div>')
    out = figure_alt.to_files(text, tmp_path / "_images", prefix="../")
    files = sorted((tmp_path / "_images").iterdir())
    assert [f.suffix for f in files] == [".png", ".svg"] or [f.suffix for f in files] == [".svg", ".png"]
    assert {f.read_bytes() for f in files} == {svg, png}
    for f in files:
        assert f'loading="lazy" src="../_images/{f.name}"' in out
    assert "data:" not in out and '<img src="keep.png" alt="kept">' in out
    assert 'alt="A graph." width="10"' in out and 'class="x"' in out
    # the same picture twice is one file
    figure_alt.to_files(text, tmp_path / "_images")
    assert len(list((tmp_path / "_images").iterdir())) == 2


def math_node(tex, nowrap=False):
    node = nodes.math_block(tex, tex)
    node["nowrap"] = nowrap
    return node


def test_display_math_is_joined_as_sphinx_joins_it():
    assert katex_math.display_tex(math_node("a = b")) == "a = b"
    # several equations, one per paragraph: one aligned block, a line each
    assert katex_math.display_tex(math_node("a = b\n\nc = d")) == r"\begin{aligned}a = b\\c = d\end{aligned}"
    # an equation already split into lines
    assert katex_math.display_tex(math_node(r"a &= b \\ &= c")) == r"\begin{aligned}a &= b \\ &= c\end{aligned}"
    # an amsmath environment (nowrap) goes to KaTeX as written
    whole = r"\begin{align} a &= b \end{align}"
    assert katex_math.display_tex(math_node(whole, nowrap=True)) == whole


def test_katex_typesets_at_build_time_and_names_what_it_cannot():
    import shutil

    import pytest

    if shutil.which("node") is None or not npm_assets.is_complete("katex"):
        pytest.skip("needs node and KaTeX (scripts/setup.sh)")
    try:
        html, error = katex_math.Katex.render(r"\frac{\partial L}{\partial w} = \text{pérdida}", display=True)
        assert error is None and 'class="katex-display"' in html
        assert "<math" in html and "<mfrac>" in html  # MathML for screen readers
        assert "pérdida" in html and "\\frac" not in html.split("<annotation")[0]  # no raw TeX outside the annotation
        html, error = katex_math.Katex.render(r"x^2", display=False)
        assert error is None and "katex-display" not in html and 'class="katex"' in html
        html, error = katex_math.Katex.render(r"\frac{1", display=False)
        assert html is None and "KaTeX parse error" in error
        # the process survives an error and goes on
        html, error = katex_math.Katex.render(r"\sum_i x_i", display=False)
        assert error is None and html
    finally:
        katex_math.Katex.stop()


def test_icon_fonts_keep_exactly_the_icons_the_site_names(tmp_path):
    css = ('.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-list:before{content:"\\f03a"}'
           '.fa-rocket:before{content:"\\f135"}'
           ':root{--pst-icon-info-circle:"\uf05a";--pst-icon-bell:"\\f0f3"}')
    table = icon_subset.icon_table([css])
    assert table == {"fa-bars": 0xF0C9, "fa-navicon": 0xF0C9, "fa-list": 0xF03A, "fa-rocket": 0xF135}
    # the admonition icons are named outside the icon rules, literally or escaped
    assert icon_subset.code_points_in_css(css) == {0xF05A, 0xF0F3}
    site = tmp_path / "site"
    (site / "_static" / "styles").mkdir(parents=True)
    (site / "_static" / "styles" / "theme.css").write_text(css, encoding="utf-8")
    (site / "_static" / "scripts").mkdir()
    (site / "_static" / "scripts" / "fontawesome.js").write_text('"fa-rocket"', encoding="utf-8")  # lists every icon
    (site / "_static" / "scripts" / "theme.js").write_text('button.className = "fa-solid fa-list"', encoding="utf-8")
    (site / "page.html").write_text('<i class="fa-solid fa-bars"></i>', encoding="utf-8")
    points = icon_subset.used_code_points(site)
    assert points == {0xF0C9, 0xF03A, 0xF05A, 0xF0F3}
    # the stylesheet keeps the rules of those icons (every alias) and the rest of its rules
    lighter = icon_subset.drop_unused_rules(css + "\n/*# sourceMappingURL=theme.css.map */\n", points)
    assert ".fa-bars:before,.fa-navicon:before" in lighter and ".fa-list:before" in lighter
    assert "fa-rocket" not in lighter and "--pst-icon-info-circle" in lighter and "sourceMappingURL" not in lighter
    assert icon_subset.drop_unused_rules("a{color:red}", points) == "a{color:red}"


def test_a_shrunk_icon_font_keeps_the_glyphs_asked_for_and_drops_the_rest(tmp_path):
    import pytest
    from fontTools.ttLib import TTFont

    import pydata_sphinx_theme

    fonts = sorted(Path(pydata_sphinx_theme.__file__).parent.rglob("fa-solid-900.woff2"))
    if not fonts:
        pytest.skip("the theme's Font Awesome font is not installed")
    font = tmp_path / "fa-solid-900.woff2"
    font.write_bytes(fonts[0].read_bytes())
    before, after = icon_subset.shrink(font, {0xF0C9, 0xF05A})
    assert after < before / 10
    cmap = TTFont(str(font)).getBestCmap()
    assert set(cmap) == {0xF0C9, 0xF05A}
