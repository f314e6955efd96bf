#!/usr/bin/env bash
# CTest style.format_check: every C++ file in the repository is formatted
# with the repository's .clang-format. Prints the files that are not, and
# the one command that fixes them.
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$repo"
format=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z $format ]]; then
  echo "FAIL: clang-format not found (apt-get install clang-format-14)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.cc' '*.h')
if ((${#files[@]} == 0)); then
  echo "FAIL: no C++ files found under $repo" >&2
  exit 1
fi
bad=()
for f in "${files[@]}"; do
  if ! "$format" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    bad+=("$f")
  fi
done
if ((${#bad[@]})); then
  echo "FAIL: ${#bad[@]} of ${#files[@]} files are not clang-formatted:" >&2
  printf '  %s\n' "${bad[@]}" >&2
  echo "fix: git ls-files '*.cc' '*.h' | xargs $format -i" >&2
  exit 1
fi
echo "format_check: ${#files[@]} files formatted"
