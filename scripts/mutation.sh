#!/usr/bin/env bash
# Mutation testing of minigrad's backward code (scalar and tensor engines) with
# mutmut, against the engine tests only. Prints killed/survived per file and per
# function; exits non-zero if a mutant survives that is not documented as
# equivalent in scripts/mutation.py. Runs in a scratch copy ($MUTATION_DIR,
# default /tmp/minigrad-mutation); about 10-20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUIREMENTS=requirements-dev.txt bash scripts/setup.sh   # mutmut is a tool: requirements-dev.txt
exec .venv/bin/python scripts/mutation.py "$@"
