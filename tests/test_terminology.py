"""One Spanish term per idea: book/terminology.yml against every Spanish page."""

import re

import pytest
import yaml

from bookutils import BOOK

TERMS = yaml.safe_load((BOOK / "terminology.yml").read_text(encoding="utf-8"))
SPANISH_PAGES = sorted((BOOK / "es").glob("*.md"))


def prose(path):
    """A page's prose: no front matter, fenced code, inline code, math, link targets, HTML tags
    or English equivalents in the glossary."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        text = text.split("---\n", 2)[2]
    text = re.sub(r"^  \*[^*\n]+\*\. ", "  ", text, flags=re.M)  # the English of a glossary entry
    text = re.sub(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", " ", text, flags=re.S | re.M)  # code cells, code blocks
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", " ", text)
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)\n]*\)", "]", text)
    text = re.sub(r"<[^>\n]+>", " ", text)
    text = re.sub(r"[*_]", "", text)  # emphasis: *hook* is the word hook
    return re.sub(r"\s+", " ", text)


def phrase(words):
    """Whole words, any case, any spacing between them; the last one singular or plural."""
    body = r"\s+".join(re.escape(word) for word in words.split())
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", re.I)


PROSE = {path.name: prose(path) for path in SPANISH_PAGES}


def test_the_table_is_well_formed():
    ideas = [term["en"] for term in TERMS]
    assert len(ideas) == len(set(ideas))
    for term in TERMS:
        assert set(term) == {"en", "es", "forbidden"}, term
        assert term["forbidden"], f"{term['en']}: no variant to forbid"
        for variant in term["forbidden"]:
            assert not phrase(variant).fullmatch(term["es"]), f"{term['en']}: {variant!r} forbids the term itself"


@pytest.mark.parametrize("term", TERMS, ids=lambda term: term["en"])
def test_spanish_pages_use_one_term_per_idea(term):
    found = []
    for name, text in PROSE.items():
        for variant in term["forbidden"]:
            for match in phrase(variant).finditer(text):
                context = text[max(0, match.start() - 40) : match.end() + 40]
                found.append(f"es/{name}: {match.group(0)!r} in '...{context}...'")
    assert not found, f"use {term['es']!r} for {term['en']!r}:\n" + "\n".join(found)


@pytest.mark.parametrize("term", TERMS, ids=lambda term: term["en"])
def test_every_term_is_used(term):
    assert any(phrase(term["es"]).search(text) for text in PROSE.values()), f"no Spanish page says {term['es']!r}"


def test_prose_leaves_out_code_and_math():
    sample = "El `grad_out` y $x_{12}$ [texto](01-computation-graphs.md) y *hook*\n```python\ngancho = 1\n```\n"
    path = BOOK.parent / "tests" / "__sample__.md"
    try:
        path.write_text(sample, encoding="utf-8")
        text = prose(path)
    finally:
        path.unlink()
    assert "grad_out" not in text and "x_" not in text and "gancho" not in text and ".md" not in text
    assert "hook" in text and "texto" in text


def glossary_terms(language):
    """The terms of a glossary page's {glossary} block: its lines that start at the margin."""
    text = (BOOK / language / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"^:::\{glossary\}\n(.*?)^:::$", text, re.S | re.M)
    assert block, f"{language}/glossary.md has no :::{{glossary}} block"
    return [line for line in block.group(1).splitlines() if line.strip() and not line[0].isspace() and not line.startswith(":")]


@pytest.mark.parametrize("term", TERMS, ids=lambda term: term["en"])
def test_the_spanish_glossary_defines_every_term(term):
    terms = glossary_terms("es")
    assert any(phrase(term["es"]).search(entry) for entry in terms), f"{term['es']!r} is not in es/glossary.md"


def test_both_glossaries_define_as_many_terms():
    assert len(glossary_terms("en")) == len(glossary_terms("es")) >= 40
