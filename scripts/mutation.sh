#!/usr/bin/env bash
# Mutation testing of minigrad's backward code with mutmut.
#
#   bash scripts/mutation.sh            # set up, run, report (about 6 minutes on 2 cores)
#   bash scripts/mutation.sh --report   # only the report of the last run
#
# What is mutated: the functions listed in scripts/mutation-targets.txt (the
# backward rules of both engines, autograd's topological_order, backward and
# contract check, unbroadcast). mutmut's own settings are [tool.mutmut] in
# pyproject.toml: the files, the engine tests that run against each mutant (with
# hypothesis on its "mutation" profile), and the lines never mutated. Mutants
# that cannot change any gradient carry `# pragma: no mutate` in the source,
# with the reason.
#
# It runs in a scratch copy ($MUTATION_DIR, default /tmp/minigrad-mutation), so
# the work tree is never touched, and reads the results with mutmut's own
# `mutmut results`. Exit status 1 if any mutant survived or was not checked
# (a timeout counts as caught: the mutant made the tests hang).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${MUTATION_DIR:-/tmp/minigrad-mutation}
MUTMUT=$ROOT/.venv/bin/mutmut
mapfile -t TARGETS < <(grep -v '^\s*#' scripts/mutation-targets.txt | grep -v '^\s*$')

if [[ "${1:-}" != "--report" ]]; then
    REQUIREMENTS=requirements-dev.txt bash scripts/setup.sh   # mutmut is a tool: requirements-dev.txt
    rm -rf "$WORK" && mkdir -p "$WORK"
    cp -r minigrad tests pyproject.toml "$WORK"/
    find "$WORK" -name __pycache__ -prune -exec rm -rf {} +
    echo "mutmut: ${#TARGETS[@]} target patterns (scripts/mutation-targets.txt), in $WORK"
    start=$SECONDS
    (cd "$WORK" && PYTHONDONTWRITEBYTECODE=1 "$MUTMUT" run --max-children "${MUTATION_JOBS:-2}" "${TARGETS[@]}" \
        > "$WORK/mutmut-run.log" 2>&1) || echo "mutmut run exited with status $? (log: $WORK/mutmut-run.log)"
    echo "mutmut run: $((SECONDS - start)) s"
fi

# `mutmut results --all true` prints one line per mutant: "    <name>: <status>".
cd "$WORK"
"$MUTMUT" results --all true > results.txt
status=0
"$ROOT/.venv/bin/python" - "${TARGETS[@]}" <<'PY' || status=$?
import fnmatch, sys
from collections import Counter, defaultdict

targets = sys.argv[1:]
rows = defaultdict(Counter)
not_killed = []
for line in open("results.txt"):
    name, _, status = line.strip().rpartition(": ")
    if name and any(fnmatch.fnmatchcase(name, t) for t in targets):
        rows[name.rsplit("__mutmut_", 1)[0]][status] += 1
        if status not in ("killed", "timeout"):  # a mutant that makes the tests hang is caught too
            not_killed.append(name)
open("not-killed.txt", "w").write("".join(n + "\n" for n in not_killed))
statuses = ["killed", "survived", "timeout", "no tests", "suspicious", "not checked"]
print(f"\n{'':52s}{'total':>8s}" + "".join(f"{s:>13s}" for s in statuses))
total = Counter()
for function in sorted(rows):
    module, _, mangled = function.partition(".x")
    label = module.replace("minigrad.", "") + "." + mangled.lstrip("_").replace("ǁ", ".").strip(".")
    print(f"{label:52s}{sum(rows[function].values()):8d}" + "".join(f"{rows[function][s]:13d}" for s in statuses))
    total.update(rows[function])
print(f"{'TOTAL':52s}{sum(total.values()):8d}" + "".join(f"{total[s]:13d}" for s in statuses))
sys.exit(0 if sum(total.values()) and not not_killed else 1)
PY
# Show every target mutant that was not killed, as mutmut's own diff.
while read -r name; do "$MUTMUT" show "$name"; done < not-killed.txt
exit $status
