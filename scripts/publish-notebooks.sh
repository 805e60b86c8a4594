#!/usr/bin/env bash
# Publish the student notebooks on a branch of their own, which Colab opens:
#   https://colab.research.google.com/github/OWNER/REPO/blob/notebooks/en/03-worked-backprop.ipynb
#
#   bash scripts/publish-notebooks.sh [REMOTE] [BRANCH]    (default: origin notebooks)
#
# The branch holds only generated files: <lang>/NN-name.ipynb from
# scripts/make_labs.py and a README saying so; nobody edits it by hand. Each
# publication is one commit on top of the branch (created on the first run),
# naming the commit it was made from; nothing is pushed when nothing changed.
# The Pages workflow runs it after each deployment from main.
set -euo pipefail
cd "$(dirname "$0")/.."
remote="${1:-origin}"
branch="${2:-notebooks}"
python="${PYTHON:-.venv/bin/python}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" scripts/make_labs.py "$work/files"
source_commit="$(git rev-parse HEAD)"
cat > "$work/files/README.md" <<EOF
# Student notebooks (generated: do not edit)

Made by \`scripts/make_labs.py\` from the chapters of the \`main\` branch and
published by \`scripts/publish-notebooks.sh\` (the Pages workflow). Every chapter's
"Colab" button opens its notebook here: \`en/NN-name.ipynb\`, \`es/NN-name.ipynb\`.
Edit the chapters in \`book/\` on \`main\` instead.
EOF

# A commit of exactly these files, made without touching the checkout or its index.
export GIT_INDEX_FILE="$work/index"
git_dir="$(git rev-parse --absolute-git-dir)"
git -C "$work/files" --git-dir="$git_dir" --work-tree=. add --all .
tree="$(git write-tree)"
parent=()
if git fetch --quiet --depth=1 "$remote" "refs/heads/$branch" 2>/dev/null; then
  if [ "$(git rev-parse 'FETCH_HEAD^{tree}')" = "$tree" ]; then
    echo "publish-notebooks: $branch is up to date"
    exit 0
  fi
  parent=(-p FETCH_HEAD)
fi
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-github-actions[bot]}"
export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
commit="$(git commit-tree "$tree" "${parent[@]}" -m "Student notebooks from $source_commit")"
git push --quiet "$remote" "$commit:refs/heads/$branch"
echo "publish-notebooks: $branch is now $commit (from $source_commit)"
