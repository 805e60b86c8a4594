"""Font Awesome's webfonts and rules cut down to the icons the site shows.

The theme's stylesheet loads Font Awesome's solid font (156 KB) for a dozen
icons: the header's buttons (``<i class="fa-solid fa-bars">``...) and the
admonitions' and exercises' symbols, which its CSS draws as characters of that
font (``--pst-icon-info-circle: "\\f05a"`` and the like). After the build, this
extension finds every icon a page or a stylesheet of the site names, and
rewrites each Font Awesome woff2 file of the site with those glyphs only
(fontTools' subsetter, the file names unchanged, so the theme's CSS still
points at them). An icon's glyph stays as it was, so every icon still shows.
The theme's stylesheet likewise loses the rules of the 1,800 other icons
(about 20 KB of the 66 KB it sends; its source-map comment goes too, as the
map no longer matches).

Where the icons are named:
- ``fa-NAME`` classes in the built pages and in the theme's scripts (which
  write some buttons' markup), looked up in the theme's Font Awesome rules
  (``.fa-bars:before{content:"\\f0c9"}``);
- any other character of Font Awesome's private-use range (U+E000-U+F8FF)
  in a stylesheet, outside those rules (the admonition icons).
"""

import os
import re
from pathlib import Path

from fontTools import subset
from sphinx.util import logging

logger = logging.getLogger(__name__)
FONTS = ("fa-solid-900.woff2", "fa-regular-400.woff2", "fa-brands-400.woff2")
# One Font Awesome rule: the class names of an icon and its code point.
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"\\([0-9a-f]{4,5})"\}')
CLASS_NAME = re.compile(r"\bfa-[a-z0-9-]+")
PRIVATE_USE = re.compile(r'\\([ef][0-9a-f]{3})(?![0-9a-f])|([\ue000-\uf8ff])')
SKIP_SCRIPTS = ("fontawesome",)  # Font Awesome's own script lists every icon (and chapters do not load it)


def icon_table(stylesheets):
    """{class name: code point} of every Font Awesome rule in the stylesheets."""
    table = {}
    for css in stylesheets:
        for names, code in ICON_RULE.findall(css):
            for name in re.findall(r"fa-[a-z0-9-]+", names):
                table[name] = int(code, 16)
    return table


def code_points_in_css(css):
    """Private-use characters a stylesheet names outside Font Awesome's icon rules."""
    rest = ICON_RULE.sub("", css)
    return {int(escaped, 16) if escaped else ord(literal) for escaped, literal in PRIVATE_USE.findall(rest)}


def used_code_points(site):
    """Every icon the built site can show, as code points."""
    static = site / "_static"
    stylesheets = [path.read_text(encoding="utf-8", errors="replace") for path in static.rglob("*.css")]
    table = icon_table(stylesheets)
    names = set()
    for path in [*site.rglob("*.html"), *static.rglob("*.js")]:
        if path.suffix == ".js" and any(skip in path.name for skip in SKIP_SCRIPTS):
            continue
        names.update(CLASS_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    points = {table[name] for name in names if name in table}
    for css in stylesheets:
        points |= code_points_in_css(css)
    return points


def shrink(font_path, code_points):
    """Rewrite a woff2 font with only the glyphs of these code points; (bytes before, after)."""
    before = font_path.stat().st_size
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    # a new file in its place: never write through a link to a file of the theme's package
    shrunk = font_path.with_name(font_path.name + ".subset")
    subset.save_font(font, str(shrunk), options)
    os.replace(shrunk, font_path)
    return before, font_path.stat().st_size


SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/\s*$")


def drop_unused_rules(css, code_points):
    """The stylesheet without the Font Awesome icon rules of icons the site never shows."""
    kept = ICON_RULE.sub(lambda rule: rule.group(0) if int(rule.group(2), 16) in code_points else "", css)
    return SOURCE_MAP.sub("", kept) if kept != css else css


def subset_icon_fonts(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    site = Path(app.outdir)
    fonts = [path for path in (site / "_static").rglob("*.woff2") if path.name in FONTS]
    if not fonts:
        return
    points = used_code_points(site)
    for stylesheet in (site / "_static").rglob("*.css"):
        css = stylesheet.read_text(encoding="utf-8")
        lighter = drop_unused_rules(css, points)
        if lighter != css:
            stylesheet.unlink()  # a new file, never written through a link to the theme's own
            stylesheet.write_text(lighter, encoding="utf-8")
    for font in fonts:
        before, after = shrink(font, points)
        logger.info(f"icon_subset: {font.name}: {before // 1024} KB -> {after // 1024} KB ({len(points)} icons)")


def setup(app):
    app.connect("build-finished", subset_icon_fonts, priority=900)  # after the other extensions wrote pages
    return {"parallel_read_safe": True, "parallel_write_safe": True}
