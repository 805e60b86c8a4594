"""Every page has a twin, with the same sections: a warning (an error under -W) otherwise.

The twin switcher links each section to the twin's section at the same place
(see twin_switcher.py), so besides the twin file existing, its headings must
have the same levels in the same order.
"""

import re
from pathlib import Path

from sphinx.util import logging

from languages import other_languages, twin_source

logger = logging.getLogger(__name__)
FENCE = re.compile(r"^(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s")


def heading_levels(path):
    """The levels of a MyST file's Markdown headings, outside fenced code."""
    levels, fence = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if fence is None:
            opened = FENCE.match(line)
            if opened:
                fence = opened.group(1)
            elif HEADING.match(line):
                levels.append(len(HEADING.match(line).group(1)))
        elif line.strip().startswith(fence) and set(line.strip()) == {fence[0]}:
            fence = None
    return levels


def check_twins(app, env):
    for docname in sorted(env.found_docs):
        source = Path(env.doc2path(docname))
        for language in other_languages(app):
            twin = twin_source(app, docname, language)
            if not twin.is_file():
                logger.warning(f"{docname} has no twin {twin}", location=docname)
            elif source.suffix == ".md" and heading_levels(twin) != heading_levels(source):
                logger.warning(
                    f"{docname}: its headings and those of its twin {twin} differ in number or level "
                    f"({heading_levels(source)} vs {heading_levels(twin)})",
                    location=docname,
                )


def setup(app):
    app.connect("env-check-consistency", check_twins)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
