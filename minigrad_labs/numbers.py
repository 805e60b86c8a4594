"""Numbers written the way the reader's language writes them: one helper for the whole book.

    number(1797, ",d", "en")    -> '1,797'
    number(1797, ",d", "es")    -> '1797'        (four digits: no separator, RAE)
    number(205520896, ",d", "es") -> '205 520 896' (narrow no-break spaces)
    number(0.2, ".1f", "es")    -> '0,2'
    number(0.978, ".1%", "es")  -> '97,8 %'
    number(1.2e-05, ".1e", "es") -> '1,2 × 10⁻⁵'

The prose of both languages glues numbers with a Python format spec
(``{glue:text}`name:,d```); _ext/glue_numbers.py sends every one through
``number`` with the site's language, and the code cells that build tables,
captions and plot labels call it per language. So the two sites show the same
value, each written by its own rules:

- Python's ``format`` decides the digits (rounding, how many decimals, fixed or
  scientific for ``g``): the value is the same on both sites.
- Babel writes them with the language's CLDR symbols (decimal point or comma,
  minus sign, percent pattern).
- Spanish follows the Real Academia Española (Ortografía 2010, §4.2.1.2): a
  decimal comma; groups of three digits separated by a thin space that never
  breaks a number across lines (U+202F NARROW NO-BREAK SPACE, the "espacio
  fino"), never a point or a comma; and four-digit integers written together
  (1797, not 1 797). Spanish groups every number of five or more integer digits,
  whatever the spec says: the rule is the language's, not the author's.
- English groups thousands with a comma when the spec asks for it (``,``).
- A scientific number is written as a power of ten, 1.2 × 10⁻⁵, in both
  languages, instead of the programmer's 1.2e-05.
"""

import re
from decimal import Decimal

import numpy as np
from babel import Locale
from babel.numbers import format_decimal

from minigrad_labs import LANGUAGES

NARROW_NBSP = "\u202f"  # the RAE's "espacio fino" that does not break a line
# The spec's parts that this helper knows (Python's format mini-language, restricted
# to what prose quotes): an optional ',' (group thousands), an optional precision,
# and the type. Anything else (fill, alignment, width, sign) is for code, not prose.
_SPEC = re.compile(r"^(?P<group>,)?(?:\.(?P<precision>\d+))?(?P<type>[dfFeEgG%s]?)$")
_SUPERSCRIPT = dict(zip(map(ord, "0123456789-+"), "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺"))
_SPECIAL = {"inf": "∞", "-inf": "-∞", "nan": "NaN"}  # what Python's format writes for them


class _RAESpanish(Locale):
    """Spanish as CLDR has it, except the group separator: the RAE's thin space, not a point."""

    @property
    def number_symbols(self):
        symbols = {system: dict(values) for system, values in super().number_symbols.items()}
        symbols["latn"]["group"] = NARROW_NBSP
        return symbols


_LOCALES = {"en": Locale("en"), "es": _RAESpanish("es")}
# The fewest integer digits that get separated: Spanish leaves 1797 whole (RAE, and
# CLDR's minimumGroupingDigits for "es", which Babel does not apply by itself).
_MIN_GROUPED_DIGITS = {"en": 4, "es": 5}


def number(value, spec="g", language="en"):
    """``value`` formatted by the Python format ``spec`` ("d", ",d", ".2f", ".1e", ".0%", "g"...)
    and written in ``language`` ("en" or "es"). A string value comes back unchanged."""
    if language not in _LOCALES:
        raise ValueError(f"number(): language must be one of {LANGUAGES}, got {language!r}")
    match = _SPEC.match(spec)
    if match is None:
        raise ValueError(
            f"number(): cannot write the format spec {spec!r} in a language; use "
            "[,][.precision]type with type one of d f e g % s (e.g. ',d', '.2f', '.1e')"
        )
    if isinstance(value, str):
        return value
    kind = match["type"] or "g"
    grouped = bool(match["group"])
    precision = match["precision"]
    if kind == "s":  # no spec: an int as an int, a float with the digits repr() gives
        kind = "d" if isinstance(value, int) else "r"
    locale = _LOCALES[language]

    if kind == "d":
        return _decimal(Decimal(int(value)), grouped, language)
    if kind == "r":
        return _digits(repr(float(value)), grouped, language)
    python_spec = (f".{precision}" if precision is not None else "") + kind
    if kind == "%":
        digits = format(float(value), python_spec)[:-1]  # Python's digits, without its '%'
        pattern = locale.percent_formats[None].pattern  # "#,##0%" / "#,##0 %"
        return re.sub(r"[#0,.]+", lambda _: _digits(digits, grouped, language), pattern, count=1).replace(
            "%", locale.number_symbols["latn"]["percentSign"]
        )
    return _digits(format(float(value), python_spec), grouped, language)


def array_text(values, spec="g", language="en"):
    """A numpy array laid out as numpy prints it, each element written by ``number``: [0,5 1,25] in Spanish."""
    values = np.asarray(values)
    if values.dtype.kind == "b":  # True and False are Python's words, the same in every language
        return np.array2string(values, separator=" ")
    if values.dtype.kind in "iu" and spec[-1] not in "ds":
        spec = "d"
    return np.array2string(values, separator=" ", formatter={"all": lambda v: number(v.item(), spec, language)})


def _digits(text, grouped, language):
    """Python's digits ("-1234.50", "1.2e-05", "inf") written in the language."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    mantissa, _, exponent = text.lower().partition("e")
    written = _decimal(Decimal(mantissa), grouped, language)
    if exponent and int(exponent) != 0:  # 1.5e+00 is just 1.5
        written += f"{NARROW_NBSP}×{NARROW_NBSP}10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return written


def _decimal(value, grouped, language):
    """A Decimal, with exactly the decimals it has, in the language's symbols (Babel)."""
    decimals = max(0, -value.as_tuple().exponent)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    integer_digits = len(str(abs(int(value))))
    group = integer_digits >= _MIN_GROUPED_DIGITS[language] and (grouped or language == "es")
    return format_decimal(value, format=pattern, locale=_LOCALES[language], group_separator=group)
