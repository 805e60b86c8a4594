"""Text a cell shows, in the reader's language: ``show(english, spanish)``.

The book executes every chapter once, in its English build, and the Spanish
site reuses those outputs, so what a book cell shows must carry both
languages. ``show`` displays it as

    <div class="mg-say"><div class="mg-lang" lang="en">…</div><div class="mg-lang" lang="es">…</div></div>

(with both lines as the text/plain fallback), and each site keeps only its own
language's element (_ext/page_language.py). A student notebook has chosen its
language (``minigrad_labs.set_language`` or ``MINIGRAD_LAB_LANG``): there
``show`` simply prints that language's line.

Numbers inside the lines are the caller's: write them per language with
``minigrad_labs.numbers.number(value, spec, "en" | "es")``.
"""

import html as _html

import minigrad_labs as labs


def bilingual_html(en, es):
    """The shared protocol's HTML for one message: each language's text, preformatted as cell output."""
    parts = "".join(
        f'<div class="mg-lang" lang="{code}"><pre>{_html.escape(text)}</pre></div>'
        for code, text in (("en", en), ("es", es))
    )
    return f'<div class="mg-say">{parts}</div>'


def show(en, es):
    """Show a message: in the chosen language, or in both (for the book's two sites) when none is chosen."""
    code = labs.language()
    if code is not None:
        print(en if code == "en" else es)
        return
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python without IPython: both lines, English first
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(en if en == es else f"{en}\n{es}")
        return
    display({"text/plain": f"{en}\n{es}", "text/html": bilingual_html(en, es)}, raw=True)
