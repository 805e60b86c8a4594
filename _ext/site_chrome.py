"""What every page of the book needs around its text, and no more.

- Sidebars that open and close on every screen width (static/sidebar-toggles.js:
  the pinned themes wire their buttons to a hidden one) and the site's own CSS
  (static/site.css).
- Math without another host: MathJax 3 (npm package, fetched by scripts/setup.sh,
  see npm_assets.py) is copied into each site's _static/mathjax/, and
  ``mathjax_path`` in _config.yml points there.
- No render-blocking scripts: every script file of the page is deferred, except
  documentation_options.js, which the page's inline scripts use at once (and
  except on the search page, whose search scripts need the others first). (The
  search index and Font Awesome's script are gone from the chapters: see
  templates/layout.html and templates/static/webpack-macros.html.)
"""

import shutil
from pathlib import Path

from npm_assets import installed

STATIC = Path(__file__).parent / "static"
KEEP_BLOCKING = ("documentation_options.js",)  # inline scripts read DOCUMENTATION_OPTIONS right away


def add_static_files(app, config):
    if str(STATIC) not in config.html_static_path:  # other extensions of _ext/ add it too
        config.html_static_path.append(str(STATIC))


def check_mathjax(app):
    """Fail early, naming the fix, if MathJax was never fetched."""
    if app.builder.format == "html":
        installed("mathjax")


def defer_scripts(app, pagename, templatename, context, doctree):
    if pagename == "search":  # the search page's own scripts run at once and need doctools' helpers
        return
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    for position, script in enumerate(scripts):
        filename = str(getattr(script, "filename", "") or "")
        attributes = getattr(script, "attributes", None)
        if not filename or attributes is None or filename.startswith(("http:", "https:")):
            continue
        if any(filename.endswith(name) for name in KEEP_BLOCKING) or "async" in attributes or "defer" in attributes:
            continue
        # A deferred copy: the script objects are shared by every page of the build.
        scripts[position] = type(script)(filename, priority=script.priority, **{**attributes, "defer": "defer"})


def copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(installed("mathjax"), target, ignore=shutil.ignore_patterns(".complete"))


def setup(app):
    app.connect("config-inited", add_static_files)
    app.connect("builder-inited", check_mathjax)
    app.add_css_file("site.css")
    app.add_js_file("sidebar-toggles.js", loading_method="defer")
    app.connect("html-page-context", defer_scripts, priority=950)
    app.connect("build-finished", copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
