"""What every page of the book needs around its text, and no more.

- Sidebars that open and close on every screen width (static/sidebar-toggles.js:
  the pinned themes wire their buttons to a hidden one) and the site's own CSS
  (static/site.css).
- (Math needs no script at all: katex_math.py typesets it at build time.)
- No render-blocking scripts: every script file of the page is deferred, except
  documentation_options.js, which the page's inline scripts use at once (and
  except on the search page, whose search scripts need the others first). (The
  search index and Font Awesome's script are gone from the chapters: see
  templates/layout.html and templates/static/webpack-macros.html.)
"""

from pathlib import Path

STATIC = Path(__file__).parent / "static"
KEEP_BLOCKING = ("documentation_options.js",)  # inline scripts read DOCUMENTATION_OPTIONS right away


def add_static_files(app, config):
    if str(STATIC) not in config.html_static_path:  # other extensions of _ext/ add it too
        config.html_static_path.append(str(STATIC))


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


def setup(app):
    app.connect("config-inited", add_static_files)
    app.add_css_file("site.css")
    app.add_js_file("sidebar-toggles.js", loading_method="defer")
    app.connect("html-page-context", defer_scripts, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
