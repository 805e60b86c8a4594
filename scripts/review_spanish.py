"""A review of the built site that can be repeated: what a Spanish editor would mark, page by page.

    .venv/bin/python scripts/review_spanish.py [SITE]     # SITE: _build/html (the default)

For every page of the Spanish site (SITE/es/*.html) it lists, outside code,
math and preformatted program output:

- numbers written the English way (0.2, 97.8 %, 1,797, 205,520,896), and
  numbers that break the RAE's rules (70000 or 70 000 instead of 70 000 with a
  thin space, 1.234.567, 98%);
- English words (a list of common English words that are not Spanish, and the
  endings -ing and -tion), in the text and in the alt, title and aria-label
  attributes; a foreign word set in italics is a deliberate loanword (RAE) and
  is left alone, and so is an element marked lang="en";
- the variants book/terminology.yml forbids (read at run time), singular or
  plural;
- «vosotros» forms (the book says tú).

For every page of the English site it lists numbers written the Spanish way
(0,2, 70 000) and common Spanish words left in it. Cell outputs that a cell shows in both languages
(minigrad_labs.say: `.mg-say`) are prose to the reader and are reviewed too.

Findings that are right as they are go in book/review-allow.yml, each with its
reason. The script prints what is left, page by page, and exits with 1 when
anything is; tests/test_review.py runs it on the built site.
"""

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
TERMINOLOGY = ROOT / "book" / "terminology.yml"
ALLOW = ROOT / "book" / "review-allow.yml"

# --- numbers ---------------------------------------------------------------------------
# A number: digits, possibly joined into one token by points, commas, or a space of
# any kind between groups of exactly three digits. Not part of a word (float32, x2).
_SPACES = " \u00a0\u202f\u2009"
NUMBER = re.compile(rf"(?<![\w.,])\d+(?:(?:[.,]|[{_SPACES}](?=\d{{3}}(?!\d)))\d+)*(?![\w])")
GROUPS_OF_THREE = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
# An exercise's number, "Ejercicio 4.1", "laboratorios 01.3 y 01.4": a label made of
# chapter and position (the same on both sites), not a decimal.
EXERCISE_LABEL = re.compile(r"\d{1,2}\.\d{1,2}")
LABEL_WORDS = re.compile(r"(?i)\b(?:ejercicios?|laboratorios?|exercises?|labs?)\b(?:[^.;:]|(?<=\d)\.(?=\d)){0,24}$")


def number_findings(token, language, after, written_by_helper=False):
    """What is wrong with one number token on a page of ``language`` (a list of strings).

    ``written_by_helper``: the number is in a glued value or a `show` line, which
    minigrad_labs.numbers wrote; there 1,313 is a Spanish decimal (the helper never
    separates four digits), and tests/test_review.py compares every glued value with
    its English twin instead."""
    points, commas = token.count("."), token.count(",")
    spaced = re.findall(f"[{_SPACES}]", token)
    found = []
    if language == "es":
        if points == 1 and commas == 0:
            found.append("decimal point (Spanish writes a decimal comma)")
        elif points >= 2 and GROUPS_OF_THREE.fullmatch(token):
            found.append("thousands grouped with points (RAE: a thin space)")
        if commas >= 2 and GROUPS_OF_THREE.fullmatch(token):
            found.append("thousands grouped with commas (English)")
        elif (commas == 1 and points == 0 and re.fullmatch(r"[1-9]\d{0,2},\d{3}", token)
              and not written_by_helper and not after.startswith("\u202f×")):
            found.append("1,797-like: English thousands, or a decimal with three digits?")
        if any(space != "\u202f" for space in spaced):
            found.append("thousands separated by a space that can break or is not thin (RAE: U+202F)")
        integer = re.split(r"[.,]", token)[0].replace("\u202f", "")
        if not spaced and points == 0 and len(integer) >= 5:
            found.append("five or more digits written together (RAE: groups of three, thin space)")
        if spaced and len(integer) == 4:
            found.append("four digits separated (RAE: 1797)")
        if after.startswith("%"):
            found.append("% written against the number (RAE: 98 %)")
    else:
        if commas == 1 and points == 0 and not re.fullmatch(r"\d{1,3},\d{3}", token):
            found.append("decimal comma (English writes a decimal point)")
        if spaced:
            found.append("thousands separated by a space (English: a comma)")
    return found


# --- words ----------------------------------------------------------------------------
# Common English words that are not also Spanish words (so "a", "no", "me", "has",
# "con", "red" are absent), and English endings.
ENGLISH = set("""
the and of to in on with is are was were be been being this that these those which what when where
why how who whose from for by you your yours we our ours they their them it its into onto
only also not but if then than there here each every should would could will can cannot
shall must might may have had having do does did done doing get gets got make makes made
page link term terms download search show hide click next previous back edit print copy
see read reading learn learns step steps loss gradient gradients value values
one two three four five six seven eight nine ten first second third last new old
about above below after before again all any both few more most other some such same
very just now over under out up down off because while until between through during
""".split())
# Common Spanish words that are not also English words: a Spanish leftover on an English page.
SPANISH = set("""
el los las del que para por una unos unas pero como también está están este esta estos estas
cada sobre entre según hasta desde cuando donde porque aunque sus tus nuestro nuestra más así
""".split())
ENGLISH_ENDING = re.compile(r"\b[a-z]{3,}(?:ing|tion|tions)\b")
# A word on its own: not part of a name with digits, hyphens, dots or slashes
# (scikit-learn, float32, a file name).
WORD = re.compile(r"(?<![\w\-/.])[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+(?:'[a-z]+)?(?![\w\-/]|\.\w)")

# --- «vosotros» -------------------------------------------------------------------------
VOSOTROS = re.compile(
    r"\b(?:vosotr[oa]s|vuestr[oa]s?|os|\w+(?:áis|éis)|"
    r"(?:mirad|fijaos|calculad|comprobad|escribid|ejecutad|probad|usad|recordad|observad|"
    r"definid|implementad|abrid|pensad|sabed|tened|haced|decid|id|venid|poned|leed|ved))\b",
    re.I,
)

# --- reading a page -----------------------------------------------------------------------
NOT_PROSE = ["script", "style", "code", "kbd", "samp", ".math", ".headerlink", ".highlight", "nav", "footer"]
ATTRIBUTES = ("alt", "title", "aria-label")
HELPER = ("\ue000", "\ue001")  # private-use marks around text minigrad_labs.numbers wrote


@dataclass(frozen=True)
class Finding:
    page: str  # "es/08-training.html"
    kind: str  # "number", "english", "spanish", "terminology", "vosotros"
    text: str  # what was found
    why: str
    context: str

    def __str__(self):
        return f"  {self.kind:11} {self.text!r}: {self.why}\n              ...{self.context}..."


def page_texts(html, language):
    """What a reader reads on a built page (its article): the text, the text without its
    italics (foreign words and the glossary's English, set in italics on purpose), and the
    alt, title and aria-label attributes."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article") or soup.body or soup
    for element in article.select(", ".join(NOT_PROSE)):
        element.decompose()
    for pre in article.select("pre"):  # program output is code; a .mg-say line is prose
        if not pre.find_parent(class_="mg-lang"):
            pre.decompose()
    for element in article.select(".pasted-text, .mg-say"):  # mark what the number helper wrote
        element.insert(0, HELPER[0])
        element.append(HELPER[1])
    attributes = [element[name] for element in article.find_all(True) for name in ATTRIBUTES if element.get(name)]
    for element in [e for e in article.select("[lang]") if e.get("lang") != language]:
        element.decompose()
    # Collapse the layout's whitespace, but keep the no-break and thin spaces: they are the number's.
    text = re.sub(r"[ \t\n\r\f\v]+", " ", article.get_text(" "))
    for element in article.select("em, i"):
        element.decompose()
    roman = re.sub(r"[ \t\n\r\f\v]+", " ", article.get_text(" "))
    return text, roman, attributes


def phrase(words):
    """Whole words, any case; every word singular or plural."""
    body = r"\s+".join(re.escape(word) + r"(?:s|es)?" for word in words.split())
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.I)


def context(text, start, end):
    return text[max(0, start - 40) : end + 40].replace("\n", " ").replace(HELPER[0], "").replace(HELPER[1], "")


def review_page(page, html, language, terms):
    """Every finding on one page."""
    text, roman, attributes = page_texts(html, language)
    findings = []
    for match in NUMBER.finditer(text):
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 2]
        if before == "(" and after[:1] in ",)":
            continue  # a shape or a tuple, (3,1): Python's notation, not a number
        if EXERCISE_LABEL.fullmatch(match.group(0)) and LABEL_WORDS.search(text[max(0, match.start() - 40) : match.start()]):
            continue  # an exercise's number, "Ejercicio 4.1": a label, the same in both languages
        helper = text.count(HELPER[0], 0, match.start()) > text.count(HELPER[1], 0, match.start())
        for why in number_findings(match.group(0), language, after, helper):
            findings.append(Finding(page, "number", match.group(0), why, context(text, match.start(), match.end())))
    if language != "es":
        for match in WORD.finditer(roman):
            if match.group(0).lower() in SPANISH:
                findings.append(Finding(page, "spanish", match.group(0), "a Spanish word on an English page",
                                        context(roman, match.start(), match.end())))
        return findings
    for source, where in [(roman, "text")] + [(value, "attribute") for value in attributes]:
        for match in WORD.finditer(source):
            word = match.group(0).lower()
            if word in ENGLISH or ENGLISH_ENDING.fullmatch(word):
                findings.append(Finding(page, "english", match.group(0), f"an English word ({where})",
                                        context(source, match.start(), match.end())))
    for term in terms:
        for variant in term.get("forbidden", []):
            for match in phrase(variant).finditer(roman):
                findings.append(Finding(page, "terminology", match.group(0), f"book/terminology.yml: use {term['es']!r}",
                                        context(roman, match.start(), match.end())))
    for match in VOSOTROS.finditer(text):
        findings.append(Finding(page, "vosotros", match.group(0), "a vosotros form (the book says tú)",
                                context(text, match.start(), match.end())))
    return findings


def load_allow(path=ALLOW):
    """The allow list: {kind: [{text, pages (optional), reason}]}; every entry must give its reason."""
    allow = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    for kind, entries in allow.items():
        for entry in entries:
            if not entry.get("reason"):
                raise ValueError(f"{path}: the {kind} entry {entry.get('text')!r} gives no reason")
    return allow


def allowed(finding, allow):
    for entry in allow.get(finding.kind, []):
        pages = entry.get("pages")
        if entry["text"].lower() == finding.text.lower() and (pages is None or finding.page in pages):
            return True
    return False


def review(site, languages=("es", "en"), allow_path=ALLOW):
    """Every finding not in the allow list, for the built site at ``site`` (the folder holding en/ and es/)."""
    terms = yaml.safe_load(TERMINOLOGY.read_text(encoding="utf-8")) or []
    allow = load_allow(allow_path)
    findings = []
    for language in languages:
        for path in sorted((Path(site) / language).glob("*.html")):
            if path.name in ("search.html", "genindex.html", "404.html"):
                continue  # generated pages: the theme's strings, checked by the interface tests
            page = f"{language}/{path.name}"
            findings += [f for f in review_page(page, path.read_text(encoding="utf-8"), language, terms)
                         if not allowed(f, allow)]
    return findings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--language", choices=("es", "en"), action="append", help="review only this site")
    args = parser.parse_args(argv)
    if not (args.site / "es").is_dir():
        parser.error(f"{args.site} holds no built site (es/): build the book first")
    findings = review(args.site, tuple(args.language or ("es", "en")))
    page = None
    for finding in findings:
        if finding.page != page:
            page = finding.page
            print(page)
        print(finding)
    print(f"{len(findings)} finding(s)" if findings else "nothing to mark")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
