"""The site's Sphinx extensions in _ext/, on small inputs (no book build)."""

import sys

from docutils import nodes
from docutils.utils import new_document
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser

from bookutils import ROOT

sys.path.insert(0, str(ROOT / "_ext"))

import figure_alt  # noqa: E402
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

    spec = npm_assets.PACKAGES["mathjax"]

    def member(name):
        info = tarfile.TarInfo(name)
        info.type = tarfile.REGTYPE
        return info

    assert npm_assets.wanted(member("package/es5/tex-chtml.js"), spec) == "tex-chtml.js"
    assert npm_assets.wanted(member("package/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff"), spec)
    assert npm_assets.wanted(member("package/es5/tex-svg-full.js"), spec) is None
    assert npm_assets.wanted(member("package/ts/index.ts"), spec) is None


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
