#!/usr/bin/env bash
# Fails, naming each file and line, when a C or C++ file differs from what clang-format writes.
# Files: those git knows (tracked or new, not ignored), else every source folder of the tree.
set -euo pipefail
cd "${LOOM_SOURCE_DIR:?}"
clang_format=${CLANG_FORMAT:-clang-format}
if ! command -v "$clang_format" >/dev/null; then
  echo "SKIP: $clang_format is not installed (scripts/setup.sh installs it)"
  exit 77
fi

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r -d '' f; do
    [[ -f "$f" ]] && files+=("$f")  # a tracked file deleted in the worktree is not checked
  done < <(git ls-files -z --cached --others --exclude-standard '*.c' '*.h' '*.cpp' '*.hpp')
else
  while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find bench engine examples plugins sdk tests \( -name '*.c' -o -name '*.h' -o -name '*.cpp' \
      -o -name '*.hpp' \) -print0 | sort -z)
fi
[[ ${#files[@]} -gt 0 ]] || { echo "FAIL: no C or C++ file found under $PWD"; exit 1; }

unformatted=()
# One call for the common case (all formatted); file by file only to name the culprits.
if ! "$clang_format" --dry-run --Werror "${files[@]}" >/dev/null 2>&1; then
  for f in "${files[@]}"; do
    "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
  done
fi
if [[ ${#unformatted[@]} -gt 0 ]]; then
  "$clang_format" --dry-run "${unformatted[@]}" 2>&1 | head -n 60 >&2
  echo "FAIL: ${#unformatted[@]} of ${#files[@]} files are not clang-formatted:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  echo "run 'make format' (clang-format -i) and commit the result" >&2
  exit 1
fi
echo "PASS: ${#files[@]} C and C++ files are clang-formatted ($($clang_format --version))"
