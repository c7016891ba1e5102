#!/usr/bin/env bash
# Every benchmark, in Release, one after another (they share this machine's cores, so never in parallel):
#   gateway          bench/Cmp.Bench.Gateway          metered runs vs Langflow directly     → .cmp/bench/gateway-latest.md
#   provisioning     bench/Cmp.Bench.Provisioning     purchase → Ready, inbox ingest rate   → .cmp/bench/provisioning.md
#   agent-commerce   bench/Cmp.Bench.AgentCommerce    ACP flows and MCP calls vs bare Saleor → .cmp/bench/agent-commerce.md
# Each reports ratios against a baseline measured in the same run; absolute milliseconds depend on the machine.
#
# usage: scripts/bench.sh [--quick] [--only NAME[,NAME]] [other arguments, passed to every bench]
#   --quick  short phases for a smoke check (minutes, not a quotable result)
set -euo pipefail
cd "$(dirname "$0")/.."
DOTNET=${DOTNET:-dotnet}

only="gateway,provisioning,agent-commerce"
pass=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) only="$2"; shift 2 ;;
    --only=*) only="${1#--only=}"; shift ;;
    *) pass+=("$1"); shift ;;
  esac
done

declare -A project=(
  [gateway]=bench/Cmp.Bench.Gateway
  [provisioning]=bench/Cmp.Bench.Provisioning
  [agent-commerce]=bench/Cmp.Bench.AgentCommerce
)

mkdir -p .cmp/bench
failed=()
IFS=, read -ra names <<<"$only"
for name in "${names[@]}"; do
  dir=${project[$name]:-}
  if [[ -z "$dir" ]]; then echo "unknown bench '$name' (known: ${!project[*]})" >&2; exit 2; fi
  echo "== $name ($dir) =="
  # The build is separate so its time is not mistaken for the bench's, and a build error names the project.
  $DOTNET build -c Release "$dir" --nologo --verbosity quiet -clp:ErrorsOnly
  if ! $DOTNET run --no-build -c Release --project "$dir" -- "${pass[@]}" 2>&1 | tee ".cmp/bench/$name.log"; then
    failed+=("$name")
  fi
done

echo
echo "Reports in .cmp/bench/ (logs: .cmp/bench/<name>.log)"
if [[ ${#failed[@]} -gt 0 ]]; then echo "FAILED: ${failed[*]}" >&2; exit 1; fi
