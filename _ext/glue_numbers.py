"""Glued numbers written in the site's language: ``{glue:text}`name:,d``` is 1,797 in English, 1797 in Spanish.

The prose of both twins spells a glued number the same way, with a Python
format spec. myst-nb's ``glue:text`` role would write it with Python's
``format`` (English digits on both sites); this extension replaces that role
with one that sends every number through ``minigrad_labs.numbers.number``
(Babel, with the RAE's rules for Spanish) in the language of the site being
built. Glued strings, and specs the helper does not know, are left to myst-nb's
own formatting, so nothing that rendered before stops rendering.

Both sites still share one execution: the glued values are the same, only their
spelling differs per site.
"""

from ast import literal_eval

from docutils import nodes
from myst_nb.core.variables import RetrievalError, format_plain_text
from myst_nb.ext.glue.roles import PasteTextRole
from myst_nb.ext.glue.utils import glue_warning, retrieve_glue_data

from minigrad_labs.numbers import number


def _value(text_plain):
    """The glued Python value from its text/plain repr (a number), or None if it is not a number."""
    try:
        value = literal_eval(text_plain)
    except (SyntaxError, ValueError):
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class LocalizedPasteTextRole(PasteTextRole):
    """myst-nb's glue:text, with numbers written in the site's language."""

    def run(self):
        if "::" in self.text:  # a number glued in another page: myst-nb resolves it later, in English
            return super().run()
        key, _, spec = self.text.rpartition(":") if ":" in self.text else (self.text, "", "")
        try:
            result = retrieve_glue_data(self.document, key)
        except RetrievalError as exc:
            return [], [glue_warning(str(exc), self.document, self.line)]
        plain = result.data.get("text/plain")
        value = _value(plain) if plain is not None else None
        if value is None:
            return super().run()
        language = self.document.settings.env.config.language
        try:
            text = number(value, spec or "s", language)
        except ValueError as exc:  # a spec for code (width, fill...): say so, and write it as myst-nb would
            text = format_plain_text(plain, spec or "s")
            warning = glue_warning(f"{key}: {exc}", self.document, self.line)
            return [self._node(text)], [warning]
        return [self._node(text)], []

    def _node(self, text):
        node = nodes.inline(text, text, classes=["pasted-text"])
        self.set_source_info(node)
        return node


def setup(app):
    app.setup_extension("myst_nb")  # its glue domain must exist before we replace one of its roles
    app.add_role_to_domain("glue", "text", LocalizedPasteTextRole(), override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
