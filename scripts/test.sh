#!/usr/bin/env bash
# Set up, then run every test: the engines, the book builds (including the
# deliberately broken ones) and the browser test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER=1 REQUIREMENTS=requirements-dev.txt bash scripts/setup.sh
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
