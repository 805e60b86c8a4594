"""The book: twin parity, executable chapters, and a build that fails on a broken gradient."""

import re
import sys
from pathlib import Path

import pytest
import yaml
from bookutils import (
    BOOK,
    LANGUAGES,
    ROOT,
    break_rule,
    build,
    built_page,
    chapter_names,
    code_cells,
    copy_book,
    toc_files,
)

sys.path.insert(0, str(ROOT / "scripts"))
from build_book import SPANISH_LABELS, derive_config  # noqa: E402

BROKEN_MUL = ("        b.grad += a.data * out.grad\n", "        b.grad += 0.0 * out.grad  # BROKEN\n")


# --- fast checks on the sources ----------------------------------------------


def test_every_chapter_has_a_twin_with_the_same_file_name():
    assert chapter_names("en") == chapter_names("es")
    assert "index.md" in chapter_names("en")


@pytest.mark.parametrize("name", chapter_names("en"))
def test_twins_run_byte_identical_code_cells(name):
    english, spanish = code_cells(BOOK / "en" / name), code_cells(BOOK / "es" / name)
    assert len(english) == len(spanish), f"{name}: {len(english)} code cells in en, {len(spanish)} in es"
    for i, (en_cell, es_cell) in enumerate(zip(english, spanish)):
        assert en_cell == es_cell, f"{name}: code cell {i + 1} differs between en and es"


@pytest.mark.parametrize("path", sorted(BOOK.glob("*/*.md")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chapters_with_code_are_executable_myst_notebooks(path):
    """Without jupytext's MyST front matter a .md chapter is silently not executed."""
    text = path.read_text(encoding="utf-8")
    if not code_cells(path):
        return
    assert text.startswith("---\n"), f"{path} has code cells but no front matter"
    front_matter = yaml.safe_load(text.split("---\n")[1])
    assert front_matter["jupytext"]["text_representation"]["format_name"] == "myst"
    assert front_matter["kernelspec"]["name"] == "python3"


# What the engine writes on a page (tables, captions, plots) is glued by one code cell
# in both languages (NAME_en, NAME_es), and each page shows its own.
GLUED_PER_LANGUAGE = {
    "02-chain-rule.md": ["walk_table", "rules_table", "chain_table"],
    "03-worked-backprop.md": ["walk_table"] + [f"step_{i}_caption" for i in range(1, 10)] + ["views_table"],
    "04-backprop-engine.md": ["shares_table", "order_table"],
    "05-tensors-broadcasting.md": ["unbroadcast_table", "patterns_table"],
    "06-checking-gradients.md": ["errors_plot", "checks_table", "float32_table"],
    "07-modules.md": ["names_table", "mlp_table"],
    "08-training.md": ["cross_entropy_table", "loss_plot", "mistakes_plot"],
    "09-vectorized-backward.md": ["gates_table", "speed_plot"],
    "10-your-tensor-engine.md": ["leaf_table"],
}
SHOWN_GLUE = re.compile(r"\{glue(?::md|:figure)?\}[` ]([A-Za-z0-9_]+)")


def shown_glue(language, name):
    return SHOWN_GLUE.findall((BOOK / language / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", chapter_names("en"))
def test_each_twin_shows_the_engine_output_glued_in_its_language(name):
    shown = {language: shown_glue(language, name) for language in LANGUAGES}
    for language in LANGUAGES:
        others = [g for g in shown[language] for other in LANGUAGES
                  if other != language and g.endswith(f"_{other}")]
        assert not others, f"{language}/{name} shows {others}"
    untranslated = lambda names: [re.sub(r"_(en|es)$", "", g) for g in names]
    assert untranslated(shown["en"]) == untranslated(shown["es"]), f"{name}: the twins show different glue"
    for base in GLUED_PER_LANGUAGE.get(name, []):
        for language in LANGUAGES:
            assert f"{base}_{language}" in shown[language], f"{language}/{name} does not show {base}_{language}"


@pytest.mark.parametrize("name", chapter_names("en"))
def test_no_code_cell_displays_a_table_in_one_language(name):
    """A cell's value is shown as is on both pages: a table must be glued per language instead."""
    import ast

    for i, cell in enumerate(code_cells(BOOK / "en" / name)):
        source = "\n".join(line for line in cell.splitlines() if not line.startswith(":"))
        body = ast.parse(source).body
        last = body[-1] if body else None
        shown = (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
                 and getattr(last.value.func, "id", None) in ("Markdown", "display", "HTML"))
        assert not shown, f"{name}: code cell {i + 1} displays {last.value.func.id}(...) in one language"


def test_table_of_contents_lists_every_page_of_both_languages():
    """One _toc.yml for both sites: its pages are exactly the twins' file names."""
    files = toc_files()
    assert len(files) == len(set(files))
    assert sorted(files) == sorted(n[:-3] for n in chapter_names("en"))


def test_the_two_sites_settings_differ_only_where_they_must(tmp_path):
    """Each site's settings are derived from the one _config.yml at build time."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    english, spanish = (flatten(derive_config(config, lang, ROOT, tmp_path)) for lang in LANGUAGES)
    differ = {key for key in english.keys() | spanish.keys() if english.get(key) != spanish.get(key)}
    assert differ == {
        "title", "sphinx.config.language", "html.baseurl", "sphinx.config.notfound_urls_prefix", "sphinx.config.notfound_context",
        "repository.path_to_book", *flatten(SPANISH_LABELS, "sphinx.config."),
    }  # fmt: skip
    assert spanish["sphinx.config.language"] == "es" and english["sphinx.config.language"] == "en"
    assert spanish["html.baseurl"] == config["html"]["baseurl"] + "es/"
    # one execution cache for both sites
    assert english["execute.cache"] == spanish["execute.cache"] == str(tmp_path.resolve() / "_build" / ".jupyter_cache")
    # everything else is _config.yml's own setting
    original = flatten(config)
    for key in original.keys() - differ - {"execute.cache", "sphinx.local_extensions", "sphinx.config.templates_path",
                                           "sphinx.config.locale_dirs", "sphinx.config.site_url"}:
        assert english[key] == original[key], key


def flatten(config, prefix=""):
    flat = {}
    for key, value in config.items():
        if isinstance(value, dict) and not (prefix + key).endswith(("local_extensions", "html_context", "notfound_context")):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def test_build_is_configured_to_fail_on_errors():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["raise_on_error"] is True
    assert config["execute"]["execute_notebooks"] in ("cache", "force")
    script = (ROOT / "scripts" / "build-book.sh").read_text()
    assert "-W -n --keep-going" in script


# --- the real build ------------------------------------------------------------


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_book_builds_one_site_per_language_with_twin_links(built_site):
    for name in chapter_names("en"):
        stem = name[:-3]
        for language, other in (("en", "es"), ("es", "en")):
            soup = built_page(built_site, language, stem)
            assert soup.html["lang"] == language
            switcher = soup.select_one("nav.lang-switcher")
            assert switcher is not None, f"{language}/{stem} has no language switcher"
            link = switcher.select_one("a.lang-twin")
            assert link["href"] == f"../{other}/{stem}.html", f"{language}/{stem} links to {link['href']}"
            assert (built_site / language / link["href"]).resolve().exists()


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_book_pages_hold_executed_outputs(built_site):
    # Each page shows the cells' lines in its own language (minigrad_labs.say, _ext/page_language.py).
    lines = {"en": ("dL/dc = (-2 via e) + (-10 via f) = -12", "with '=': a.grad = -6, b.grad = -4, c.grad = -2"),
             "es": ("dL/dc = (-2 por e) + (-10 por f) = -12", "con '=': a.grad = -6, b.grad = -4, c.grad = -2")}
    for language in LANGUAGES:
        soup = built_page(built_site, language, "03-worked-backprop")
        outputs = soup.select("div.cell_output")
        assert len(outputs) >= 8
        text = soup.get_text()
        for line in lines[language]:
            assert line in text, f"{language}/03 lacks {line!r}"
        for other in LANGUAGES:
            if other != language:
                assert lines[other][1] not in text, f"{language}/03 shows the {other} line"
    # The traversal table is a real table, produced by the engine in the page's language.
    for language, header, mark in (("en", "step", "diamond!"), ("es", "paso", "¡diamante!")):
        tables = built_page(built_site, language, "03-worked-backprop").select("table")
        walk = [t for t in tables if mark in t.get_text()]
        assert walk, f"{language}/03: no engine table marked {mark!r}"
        assert walk[0].select_one("th").get_text(strip=True) == header


# --- a Spanish reader gets a Spanish site ----------------------------------------

# English labels of Sphinx, the themes and the extensions that must not show on a
# Spanish page (in its text, its attributes or its inline scripts).
ENGLISH_UI = [
    "Show code cell", "Hide code cell", "Click to show", "Click to hide", "Toggle primary sidebar",
    "Toggle secondary sidebar", "Search this book", "Link to this heading", "Link to this definition",
    "Launch on", "Launch interactive content", "previous page", "next page", "Skip to main content",
    "On this page", "Download this page", "Fullscreen mode", "Source repository", "Print to PDF",
    "Contents", "Search Results", "Page not found", "Exercise", "Solution",
]
LABELLED = ("title", "aria-label", "placeholder", "data-bs-title", "alt")


def site_pages(site, language):
    return sorted((Path(site) / language).glob("*.html"))


def ui_text(path):
    """A built page's text, attribute labels and inline scripts, without code and its output."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for code in soup.select("div.cell_input, div.cell_output, pre, code, .output"):
        code.decompose()
    labels = [str(value) for tag in soup.find_all(True) for name, value in tag.attrs.items() if name in LABELLED]
    scripts = [script.get_text() for script in soup.find_all("script") if not script.get("src")]
    return "\n".join([soup.get_text(" "), *labels, *scripts])


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_spanish_pages_show_no_english_labels(built_site):
    found = []
    for path in site_pages(built_site, "es"):
        text = ui_text(path)
        found += [f"es/{path.name}: {label!r}" for label in ENGLISH_UI if label in text]
    assert not found, "\n".join(found)
    # the list is real: the English site shows some of them
    english = ui_text(built_site / "en" / "03-worked-backprop.html")
    assert sum(label in english for label in ENGLISH_UI) >= 8


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_spanish_pages_link_to_no_english_page_but_their_twin(built_site):
    site = Path(built_site).resolve()
    for path in site_pages(built_site, "es"):
        soup = built_page(built_site, "es", path.stem)
        for link in soup.find_all("a", href=True):
            href = link["href"].split("#")[0].split("?")[0]
            if not href or "://" in href or href.startswith(("mailto:", "javascript:")):
                continue
            target = (path.parent / href).resolve()
            if target.is_relative_to(site / "en"):
                assert target == site / "en" / path.name, f"es/{path.name} links to {link['href']}"
        nav = [a["href"] for a in soup.select("nav.bd-docs-nav a[href], .prev-next-area a[href]")]
        assert nav and not any("/en/" in href or href.startswith("../") for href in nav), (path.name, nav)


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_each_site_has_its_own_search_index_and_stemmer(built_site):
    import json

    index = {}
    for language in LANGUAGES:
        text = (Path(built_site) / language / "searchindex.js").read_text(encoding="utf-8")
        index[language] = json.loads(text[text.index("(") + 1 : text.rindex(")")])
        assert sorted(index[language]["docnames"]) == sorted(toc_files())
    stemmers = {lang: (Path(built_site) / lang / "_static" / "language_data.js").read_text() for lang in LANGUAGES}
    assert "SpanishStemmer" in stemmers["es"] and "SpanishStemmer" not in stemmers["en"]
    # Spanish words stemmed as Spanish: retropropagación, retropropagar -> retropropag;
    # gradientes -> gradient; Spanish stop words are not indexed
    spanish, english = index["es"]["terms"], index["en"]["terms"]
    assert "retropropag" in spanish and "gradient" in spanish
    assert not {"de", "la", "que", "los"} & set(spanish)
    assert "backpropag" in english and "retropropag" not in english


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_twins_are_paired_for_search_engines(built_site):
    base = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"]
    for language in LANGUAGES:
        for stem in toc_files():
            head = built_page(built_site, language, stem).head
            alternates = {link["hreflang"]: link["href"] for link in head.select("link[rel=alternate][hreflang]")}
            assert alternates == {
                "en": f"{base}en/{stem}.html", "es": f"{base}es/{stem}.html", "x-default": f"{base}en/{stem}.html",
            }, (language, stem)
            assert head.select_one("link[rel=canonical]")["href"] == f"{base}{language}/{stem}.html"
        sitemap = (Path(built_site) / language / "sitemap.xml").read_text()
        for stem in toc_files():
            assert f"<loc>{base}{language}/{stem}.html</loc>" in sitemap
            assert f'hreflang="en" href="{base}en/{stem}.html"' in sitemap
            assert f'hreflang="es" href="{base}es/{stem}.html"' in sitemap
        assert "404.html" not in sitemap and "search.html" not in sitemap
    root = (Path(built_site) / "sitemap.xml").read_text()
    assert f"<loc>{base}en/sitemap.xml</loc>" in root and f"<loc>{base}es/sitemap.xml</loc>" in root


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_every_site_has_a_404_page_in_its_language(built_site):
    for language, title in (("en", "Page not found"), ("es", "Página no encontrada")):
        soup = built_page(built_site, language, "404")
        assert soup.html["lang"] == language
        assert soup.select_one("article h1").get_text(strip=True).startswith(title)
    assert (Path(built_site) / "404.html").exists()


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_root_page_links_both_sites(built_site):
    root = (Path(built_site) / "index.html").read_text()
    assert 'href="en/index.html"' in root and 'href="es/index.html"' in root
    assert "navigator.languages" in root


@pytest.mark.book
@pytest.mark.xdist_group("site")
def test_the_spanish_build_executes_no_notebook(built_site):
    log = (Path(built_site).parent.parent / "build.log").read_text()
    english, spanish = log.split("build_book: es:")
    assert "build_book: en:" in english
    assert "Executing notebook" not in spanish
    assert spanish.count("Using cached notebook") == len(
        [stem for stem in toc_files() if code_cells(BOOK / "es" / f"{stem}.md")]
    )


# --- the gate: a broken gradient must fail the build ------------------------------


def assert_failed_in_a_cell(result, chapter_dir):
    log = result.stdout + result.stderr
    assert result.returncode != 0, "the build passed with a broken _backward rule"
    match = re.search(r"An error occurred while executing the following cell:\n-+\n(.*?)\n-+\n", log, re.S)
    assert match, "the build failed, but not in an executed cell:\n" + log[-3000:]
    failing_cell = match.group(1).strip()
    sources = "".join(p.read_text() for p in chapter_dir.glob("*.md"))
    assert failing_cell in sources, f"the log names a cell that is not in the book: {failing_cell!r}"
    assert "AssertionError" in log


@pytest.mark.book
def test_broken_backward_rule_fails_the_build_naming_the_cell(tmp_path):
    root = copy_book(tmp_path / "book-copy", ["03-worked-backprop"])
    break_rule(root, *BROKEN_MUL)
    result = build(root)
    assert_failed_in_a_cell(result, root / "book" / "en")


@pytest.mark.book
def test_cached_build_cannot_hide_a_broken_engine(tmp_path):
    root = copy_book(tmp_path / "book-copy", ["03-worked-backprop"])
    first = build(root)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    cache = root / "_build" / ".jupyter_cache"
    assert any(cache.glob("minigrad-*")), "the first build made no execution cache"

    break_rule(root, *BROKEN_MUL)  # the chapters' code cells are unchanged
    second = build(root)  # same _build folder, same cache root
    assert_failed_in_a_cell(second, root / "book" / "en")
