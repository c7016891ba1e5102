#!/usr/bin/env bash
# Runs every test suite: the .NET solution (xunit) and each simulator's node suite. Prints one summary line per
# suite and a total; exits non-zero if anything failed. Used by `make test` and CI.
set -uo pipefail
cd "$(dirname "$0")/.."
log_dir=$(mktemp -d -t cmp-test-XXXXXX)
failed=0
summary=()

echo "== .NET tests (xunit)"
dotnet test CMP.sln --no-build --nologo --verbosity quiet -- RunConfiguration.TreatNoTestsAsError=false 2>&1 | tee "$log_dir/dotnet.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
while IFS= read -r line; do summary+=("$line"); done < <(grep -E '^(Passed|Failed)!' "$log_dir/dotnet.log" | sed -E 's/ +/ /g')

for dir in tests/simulators/*/; do
  [ -f "$dir/package.json" ] || continue
  name=$(basename "$dir")
  echo "== $name simulator tests (node --test)"
  (cd "$dir" && npm test --silent) > "$log_dir/$name.log" 2>&1
  status=$?
  tail -n 12 "$log_dir/$name.log"
  pass=$(grep -E '^# pass' "$log_dir/$name.log" | awk '{print $3}')
  fail=$(grep -E '^# fail' "$log_dir/$name.log" | awk '{print $3}')
  if [ $status -ne 0 ]; then failed=1; grep -E '^not ok|^# Subtest' "$log_dir/$name.log" | grep -B1 '^not ok' | head -40; fi
  summary+=("$([ $status -eq 0 ] && echo Passed! || echo Failed!) - Failed: ${fail:-?}, Passed: ${pass:-?} - $name simulator (node)")
done

echo
echo "== Summary"
printf '  %s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then echo "Some tests FAILED (logs in $log_dir)"; exit 1; fi
echo "All tests passed."
rm -rf "$log_dir"
