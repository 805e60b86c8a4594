"""The book: twin parity, executable chapters, and a build that fails on a broken gradient."""

import re
import sys

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
    for language in LANGUAGES:
        soup = built_page(built_site, language, "03-worked-backprop")
        outputs = soup.select("div.cell_output")
        assert len(outputs) >= 8
        text = soup.get_text()
        assert "dL/dc = (-2 via e) + (-10 via f) = -12" in text
        assert "with '=': a.grad = -6, b.grad = -4, c.grad = -2" in text
        # The traversal table is rendered as a real table, produced by the engine.
        assert any("diamond!" in table.get_text() for table in soup.select("table"))


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
