"""Build the book: one Sphinx site per language, each by `jupyter-book build`.

    .venv/bin/python scripts/build_book.py [--source DIR] [--output DIR] [--language LANG] [build args...]

book/en/ becomes _build/html/en/ and book/es/ becomes _build/html/es/, each a
site of its own (own navigation, own search index with its language's stemmer,
own sitemap and 404 page), with the chapters of the one _toc.yml. The settings
of both come from the one _config.yml: for each language this script writes a
derived copy into _build/work/<lang>/_config.yml that differs from it only in
what `derive_config` changes (the language, the title, the site's URL, a few
labels no catalog translates). Then _build/html/ gets a root index.html that
sends a visitor to the browser's language (and links both for readers without
JavaScript), a 404 page and a sitemap index.

Both sites share one execution cache (execute.cache -> _build/.jupyter_cache,
in a folder named after minigrad's sources, see _ext/hashed_cache.py): English
is built first and executes the notebooks, the Spanish twins have byte-identical
code cells, so the Spanish build executes none.

Arguments after the options go to `jupyter-book build` (e.g. -W -n --keep-going).
The first site that fails stops the build, with jupyter-book's exit status.
"""

import argparse
import copy
import html
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import yaml

LANGUAGES = ("en", "es")  # the order of the builds: English executes the notebooks
TITLES = {"en": "Backprop from scratch", "es": "Retropropagación desde cero"}

# Labels that extensions take from their configuration rather than from a gettext
# catalog (the theme's own strings come from its catalogs through `language`).
SPANISH_LABELS = {
    # the footer reads "<By> <author>": «Por el equipo del curso de minigrad»
    "author": "el equipo del curso de minigrad",
    "nb_code_prompt_show": "Mostrar el código de la celda",
    "nb_code_prompt_hide": "Ocultar el código de la celda",
    "togglebutton_hint": "Haz clic para mostrar",
    "togglebutton_hint_hide": "Haz clic para ocultar",
}


def derive_config(config, language, source, output):
    """The settings of one language's site, from the book's _config.yml (a dict).

    Paths in _config.yml are relative to its folder (``source``); the derived
    file lives elsewhere, so they become absolute.
    """
    source, output = Path(source).resolve(), Path(output).resolve()
    derived = copy.deepcopy(config)
    derived["title"] = TITLES[language]
    sphinx = derived.setdefault("sphinx", {})
    sphinx_config = sphinx.setdefault("config", {})
    sphinx_config["language"] = language
    # Where the site lives: <baseurl><lang>/ (canonical URLs, hreflang links,
    # sitemap) and the absolute prefix of its 404 page's links.
    root_url = derived["html"]["baseurl"]
    if language == "es":
        merge(sphinx_config, SPANISH_LABELS)
        sphinx_config["notfound_context"] = {
            "title": "Página no encontrada",
            "body": "<h1>Página no encontrada</h1>\n<p>Esta página no existe. Vuelve a la "
            f'<a href="{urlparse(root_url).path}es/index.html">portada</a> o usa el buscador.</p>',
        }

    derived["html"]["baseurl"] = f"{root_url}{language}/"
    sphinx_config["site_url"] = root_url
    sphinx_config["notfound_urls_prefix"] = f"{urlparse(root_url).path}{language}/"
    # The launch buttons and "edit" links name the file in the repository.
    derived["repository"]["path_to_book"] = f"book/{language}"

    # One execution cache for both sites (see the module docstring).
    derived["execute"]["cache"] = str(output / "_build" / ".jupyter_cache")
    sphinx["local_extensions"] = {name: str(source / path) for name, path in sphinx["local_extensions"].items()}
    for key in ("templates_path", "locale_dirs"):
        if key in sphinx_config:
            sphinx_config[key] = [str(source / path) for path in sphinx_config[key]]
    return derived


def merge(config, update):
    """config updated with update, recursively (dicts inside are merged, not replaced)."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            merge(config[key], value)
        else:
            config[key] = copy.deepcopy(value)
    return config


def root_index(root_url):
    """_build/html/index.html: to the browser's language, English otherwise; links for no-JS readers."""
    alternates = "".join(
        f'  <link rel="alternate" hreflang="{code}" href="{root_url}{code}/index.html">\n' for code in LANGUAGES
    )
    links = "".join(
        f'    <li><a href="{code}/index.html" hreflang="{code}" lang="{code}">{html.escape(TITLES[code])}</a></li>\n'
        for code in LANGUAGES
    )
    languages = ", ".join(f'"{code}"' for code in LANGUAGES)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(" · ".join(TITLES[code] for code in LANGUAGES))}</title>
{alternates}  <link rel="alternate" hreflang="x-default" href="{root_url}{LANGUAGES[0]}/index.html">
  <script>
    // Open the site in the first of the browser's languages that the book has.
    const sites = [{languages}];
    const wanted = (navigator.languages || [navigator.language || ""]).map((tag) => tag.slice(0, 2).toLowerCase());
    const site = wanted.find((code) => sites.includes(code)) || sites[0];
    location.replace(site + "/index.html");
  </script>
</head>
<body>
  <ul>
{links}  </ul>
</body>
</html>
"""


ROOT_404_STYLE = """
    :root { color-scheme: light dark; --ink: #1a1a1a; --paper: #fff; --accent: #0a5f73; }
    @media (prefers-color-scheme: dark) { :root { --ink: #e8e8e8; --paper: #121212; --accent: #7fd3e6; } }
    body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--paper);
           color: var(--ink); font: 1.05rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    main { max-width: 34rem; padding: 1.5rem; }
    h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
    section + section { margin-top: 1.5rem; padding-top: 1.5rem; border-top: 1px solid #8884; }
    a { color: var(--accent); font-weight: 600; }
    a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }"""

ROOT_404_TEXT = {
    "en": ("Page not found", "This page does not exist, or it has moved.", "Go to the start of the book:"),
    "es": ("Página no encontrada", "Esta página no existe o ha cambiado de sitio.", "Ve al principio del libro:"),
}


def root_404():
    """GitHub Pages serves the root 404.html for any missing page: both languages, styled, fit for a phone.

    Self-contained (inline style, the icon as a data URL): it answers for URLs
    at any depth, where relative links to the sites' files would break.
    """
    sections = "".join(
        f'  <section lang="{code}">\n    <h{1 if i == 0 else 2}>{html.escape(heading)}</h{1 if i == 0 else 2}>\n'
        f"    <p>{html.escape(body)} {html.escape(go)}\n"
        f'      <a href="/{{prefix}}{code}/index.html" hreflang="{code}">{html.escape(TITLES[code])}</a></p>\n  </section>\n'
        for i, (code, (heading, body, go)) in enumerate(ROOT_404_TEXT.items())
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '  <meta name="robots" content="noindex">\n'
        "  <title>Page not found · Página no encontrada</title>\n"
        f"  <style>{ROOT_404_STYLE}\n  </style>\n</head>\n<body>\n<main>\n{sections}</main>\n</body>\n</html>\n"
    )


def sitemap_index(root_url):
    entries = "".join(f"  <sitemap><loc>{root_url}{code}/sitemap.xml</loc></sitemap>\n" for code in LANGUAGES)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n'
    )


def build_site(source, output, language, config, build_args):
    work = output / "_build" / "work" / language
    work.mkdir(parents=True, exist_ok=True)
    derived = work / "_config.yml"
    derived.write_text(
        "# Derived from _config.yml by scripts/build_book.py: do not edit.\n"
        + yaml.safe_dump(derive_config(config, language, source, output), allow_unicode=True, sort_keys=False)
    )
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [
        str(jupyter_book), "build", str(source / "book" / language),
        "--config", str(derived), "--toc", str(source / "_toc.yml"), "--path-output", str(work),
        *build_args,
    ]  # fmt: skip
    print(f"build_book: {language}: {' '.join(command)}", flush=True)
    status = subprocess.run(command).returncode
    if status == 0:
        publish(work / "_build" / "html", output / "_build" / "html" / language)
    return status


def publish(built, site):
    """Copy a built site to _build/html/<lang> as hard links (instant, no extra space).

    jupyter-book always writes to <path-output>/_build/html, and myst-nb keeps
    its executed notebooks next to that folder, so each site is built in its own
    _build/work/<lang>/ and then published here.
    """

    def link(source, destination):
        try:
            os.link(source, destination)
        except OSError:  # another file system
            shutil.copy2(source, destination)

    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(built, site, copy_function=link)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parent.parent, help="the book (default: this repository)")
    parser.add_argument("--output", type=Path, help="build into OUTPUT/_build (default: SOURCE/_build)")
    parser.add_argument("--language", choices=LANGUAGES, action="append", help="build only this site (repeatable)")
    args, build_args = parser.parse_known_args(argv)
    source = args.source.resolve()
    output = (args.output or source).resolve()
    config = yaml.safe_load((source / "_config.yml").read_text(encoding="utf-8"))

    for language in args.language or LANGUAGES:
        status = build_site(source, output, language, config, build_args)
        if status != 0:
            return status
    site = output / "_build" / "html"
    root_url = config["html"]["baseurl"]
    (site / "index.html").write_text(root_index(root_url), encoding="utf-8")
    (site / "404.html").write_text(root_404().replace("{prefix}", urlparse(root_url).path.lstrip("/")), encoding="utf-8")
    (site / "sitemap.xml").write_text(sitemap_index(root_url), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
