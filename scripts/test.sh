#!/usr/bin/env bash
# Runs every test (Release) and ends with one line: "N passed, N failed, N skipped". Exits non-zero on any failure.
# --fast: only the tests not marked [Trait("Speed", "Heavy")] (every module's unit tests, no CLI subprocesses, no
# full-size CoTracker, no soaks). Any other arguments go to dotnet test.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$here/MoSiC.Stream.sln"
args=()
for a in "$@"; do
  # The fast selection builds only the test project (and what it references), not the benchmarks.
  if [[ "$a" == "--fast" ]]; then args+=(--filter "Speed!=Heavy"); target="$here/tests/MoSiC.Stream.Tests"; else args+=("$a"); fi
done
results="$here/artifacts/test-results"
rm -rf "$results"
# Build everything first: `dotnet test` on a solution builds and tests each project in parallel, so a test that runs
# a sibling's output (mosic-bench for the GPU check's dry run) could start before that sibling is built.
dotnet build "$target" -c Release --nologo -v quiet -clp:ErrorsOnly
status=$?
if [[ $status -eq 0 ]]; then
  dotnet test "$target" -c Release --no-build --nologo --results-directory "$results" \
    --logger "trx;LogFileName=tests.trx" --logger "console;verbosity=normal" ${args[@]+"${args[@]}"}
  status=$?
fi
passed=0 failed=0 skipped=0 total=0
for trx in "$results"/*.trx "$results"/*/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$((total + $(get total))); passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get total) - $(get executed)))
done
if [[ $total -eq 0 ]]; then
  echo "no test results found in $results" >&2
  failed=$((failed + 1)); status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[[ $status -eq 0 && $failed -eq 0 ]]
