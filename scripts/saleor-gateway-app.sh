#!/usr/bin/env bash
# Creates the gateway's own Saleor app (permission HANDLE_PAYMENTS: agent-commerce payments become Saleor transactions)
# the way an operator would in the dashboard: staff login (tokenCreate), then appCreate. Prints the app token once.
# Usage: SALEOR_PASSWORD=… scripts/saleor-gateway-app.sh <api-url ending in /graphql/> <staff e-mail>
# Used by kind-up.sh; tested against the Saleor simulator (tests/Cmp.Deploy.Tests/Scripts).
set -euo pipefail
api=${1:?usage: saleor-gateway-app.sh <api-url> <staff-email>}
email=${2:?usage: saleor-gateway-app.sh <api-url> <staff-email>}
: "${SALEOR_PASSWORD:?set SALEOR_PASSWORD (kept out of the process list)}"

gql() {   # gql <bearer or empty> <query> <variables json> → the response body; fails on GraphQL or mutation errors
  local auth=() out
  [ -n "$1" ] && auth=(-H "Authorization: Bearer $1")
  out=$(curl -sS --fail-with-body -H 'Content-Type: application/json' "${auth[@]}" \
    --data "$(jq -nc --arg q "$2" --argjson v "$3" '{query: $q, variables: $v}')" "$api") || { echo "$out" >&2; return 1; }
  if jq -e '(.errors // []) + ([.data[]?.errors // []] | add // []) | length > 0' <<<"$out" >/dev/null; then
    echo "Saleor refused: $(jq -c '(.errors // []) + ([.data[]?.errors // []] | add // [])' <<<"$out")" >&2
    return 1
  fi
  echo "$out"
}

staff=$(gql "" 'mutation($email: String!, $password: String!) { tokenCreate(email: $email, password: $password) { token errors { field message code } } }' \
  "$(jq -nc --arg e "$email" --arg p "$SALEOR_PASSWORD" '{email: $e, password: $p}')" | jq -r '.data.tokenCreate.token')
gql "$staff" 'mutation($input: AppInput!) { appCreate(input: $input) { authToken app { id name } errors { field message code } } }' \
  '{"input": {"name": "CMP gateway (agent commerce)", "permissions": ["HANDLE_PAYMENTS"]}}' | jq -r '.data.appCreate.authToken'
