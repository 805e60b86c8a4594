#!/usr/bin/env bash
# Set up, then build the whole book (both languages) into _build/html.
# The build fails when any code cell fails: raise_on_error in _config.yml, and
# -W (warnings are errors) -n (check every reference) --keep-going (report all).
#   BOOK_OUTPUT=dir  builds into dir/_build instead of ./_build
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="${BOOK_OUTPUT:-.}"
.venv/bin/jupyter-book build . --path-output "$out" -W -n --keep-going "$@"
echo "The book is at $(cd "$out" && pwd)/_build/html/index.html"
