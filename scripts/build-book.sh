#!/usr/bin/env bash
# Set up, then build the whole book into _build/html: one site per language,
# _build/html/en/ and _build/html/es/, and a root index.html that opens the
# browser's language (scripts/build_book.py).
# The build fails when any code cell fails: raise_on_error in _config.yml, and
# -W (warnings are errors) -n (check every reference) --keep-going (report all).
#   BOOK_OUTPUT=dir  builds into dir/_build instead of ./_build
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="${BOOK_OUTPUT:-.}"
.venv/bin/python scripts/build_book.py --output "$out" -W -n --keep-going "$@"
echo "The book is at $(cd "$out" && pwd)/_build/html/index.html"
