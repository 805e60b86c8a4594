"""No duplicated inline scripts.

Sphinx 7.4 adds every inline script registered after the builder started
(sphinx-thebe's ``const THEBE_JS_URL = ...``) twice, once with filename None
and once with filename "", and the second ``const`` declaration is a
SyntaxError in the browser.  We keep one copy of each script on every page.
"""


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        filename = getattr(script, "filename", script) or ""
        attributes = getattr(script, "attributes", {}) or {}
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
