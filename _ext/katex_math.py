"""Every formula typeset while the book is built, so pages ship no math script.

KaTeX (npm, fetched by scripts/setup.sh, see npm_assets.py) runs in one node
process per build (katex_render.js) and turns each formula's TeX into HTML (for
the eyes) and MathML (for screen readers). A page then needs only KaTeX's
stylesheet and the few fonts its formulas use, copied into each site's
_static/katex/ (the woff2 files only: every browser the book targets reads them).
Formulas show at once, with no layout shift, offline and on filtered networks.

A formula KaTeX cannot typeset is a build warning naming it (so `-W` fails):
no page ever shows raw TeX.

The HTML around each formula is Sphinx's own (sphinx.ext.mathjax): a
``span.math`` or ``div.math``, the equation number with its permalink, and the
same joining of several display equations (an ``aligned`` block).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

from npm_assets import installed

logger = logging.getLogger(__name__)
RENDERER = Path(__file__).parent / "katex_render.js"
STYLESHEET = "katex/katex.min.css"
# katex.min.css lists woff2, then woff and ttf fallbacks; the site serves woff2 only.
OLD_FONT_FORMATS = re.compile(r',url\(fonts/[^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)')


class Katex:
    """One node process running KaTeX, started at the first formula of the build."""

    process = None

    @classmethod
    def render(cls, tex, display):
        """(html, None) or (None, KaTeX's error message)."""
        if cls.process is None or cls.process.poll() is not None:
            script = installed("katex") / "katex.min.js"
            cls.process = subprocess.Popen(["node", str(RENDERER), str(script)], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, text=True, encoding="utf-8")
        cls.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        cls.process.stdin.flush()
        answer = json.loads(cls.process.stdout.readline())
        return answer.get("html"), answer.get("error")

    @classmethod
    def stop(cls, app=None, exception=None):
        if cls.process is not None:
            cls.process.stdin.close()
            cls.process.wait(timeout=30)
            cls.process = None


def typeset(translator, node, tex, display):
    html, error = Katex.render(tex, display)
    if error:
        logger.warning("KaTeX cannot typeset %r: %s", tex, error, location=node)
        return translator.encode(tex)
    return html


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(typeset(self, node, node.astext(), display=False) + "</span>")
    raise nodes.SkipNode


def display_tex(node):
    """The TeX of a display node, joined as sphinx.ext.mathjax joins it."""
    if node["nowrap"]:  # an amsmath environment written whole, e.g. \begin{align}...\end{align}
        return node.astext()
    parts = [part for part in node.astext().split("\n\n") if part.strip()]
    if len(parts) == 1:
        return parts[0] if r"\\" not in parts[0] else r"\begin{aligned}" + parts[0] + r"\end{aligned}"
    return r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}"


def visit_displaymath(self, node):
    # tabindex: a formula wider than a phone scrolls inside this box (site.css),
    # and a keyboard reader must be able to reach it to scroll it.
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight", tabindex="0"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(typeset(self, node, display_tex(node), display=True) + "</div>\n")
    raise nodes.SkipNode


def check_katex(app):
    """Fail early, naming the fix, if KaTeX was never fetched."""
    if app.builder.format == "html":
        installed("katex")


def add_stylesheet(app, pagename, templatename, context, doctree):
    """KaTeX's stylesheet on the pages that have formulas, and only there."""
    if app.builder.format == "html" and app.env.get_domain("math").has_equations(pagename):
        app.add_css_file(STYLESHEET)


def copy_katex(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = installed("katex")
    target = Path(app.outdir) / "_static" / "katex"
    shutil.rmtree(target, ignore_errors=True)
    (target / "fonts").mkdir(parents=True)
    css = (source / "katex.min.css").read_text(encoding="utf-8")
    (target / "katex.min.css").write_text(OLD_FONT_FORMATS.sub("", css), encoding="utf-8")
    for font in (source / "fonts").glob("*.woff2"):
        shutil.copy2(font, target / "fonts" / font.name)


def setup(app):
    app.add_html_math_renderer("katex", (visit_math, None), (visit_displaymath, None))
    app.connect("builder-inited", check_katex)
    app.connect("html-page-context", add_stylesheet)
    app.connect("build-finished", copy_katex)
    app.connect("build-finished", Katex.stop)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
