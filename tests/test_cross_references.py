"""Cross-references in the prose: a link that says "chapter 03" leads to chapter 03.

These catch the kind of error a reader notices and a build does not: a link
whose text names one chapter and whose target is another, and a "Next,
chapter NN" sentence that skips a chapter.
"""

import re

import pytest
from bookutils import BOOK, LANGUAGES

# [chapter 03](03-worked-backprop.md), [Capítulo 07](07-modules.md), ...
CHAPTER_LINK = re.compile(r"\[(?:chapter|capítulo)\s+(\d\d)\]\((\d\d)-[\w-]+\.md\)", re.I)
# The sentence that sends the reader on: "Next, [chapter NN](...)" / "A continuación, el [capítulo NN](...)"
NEXT_SENTENCE = {
    "en": re.compile(r"Next,\s+\[chapter\s+(\d\d)\]", re.I),
    "es": re.compile(r"A continuación,\s+el\s+\[capítulo\s+(\d\d)\]", re.I),
}


def chapters(language):
    return sorted((BOOK / language).glob("[0-9][0-9]-*.md"))


def all_chapter_files():
    return [p for language in LANGUAGES for p in chapters(language)]


@pytest.mark.parametrize("path", all_chapter_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_link_named_chapter_nn_leads_to_chapter_nn(path):
    text = path.read_text(encoding="utf-8")
    for match in CHAPTER_LINK.finditer(text):
        named, target = match.group(1), match.group(2)
        assert named == target, f"{path.name}: {match.group(0)!r} names chapter {named} but links to {target}"
        targets = [p.name for p in chapters(path.parent.name) if p.name.startswith(target + "-")]
        assert targets and match.group(0).split("(")[1].rstrip(")") in targets, \
            f"{path.name}: {match.group(0)!r} links to a file that does not exist in book/{path.parent.name}/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_next_chapter_sentences_name_the_next_chapter(language):
    found = 0
    for path in chapters(language):
        number = int(path.name[:2])
        for match in NEXT_SENTENCE[language].finditer(path.read_text(encoding="utf-8")):
            found += 1
            assert int(match.group(1)) == number + 1, \
                f"{language}/{path.name} says the next chapter is {match.group(1)}, but it is {number + 1:02d}"
    assert found >= 1, "no 'next chapter' sentence found: has the wording changed?"


def test_the_link_pattern_sees_a_wrong_link():
    """The regex must match the book's link style, or the tests above pass vacuously."""
    wrong = "as in [chapter 01](03-worked-backprop.md)"
    match = CHAPTER_LINK.search(wrong)
    assert match and match.group(1) != match.group(2)
    assert sum(len(CHAPTER_LINK.findall(p.read_text(encoding="utf-8"))) for p in all_chapter_files()) > 50
