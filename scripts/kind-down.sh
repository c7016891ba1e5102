#!/usr/bin/env bash
# make kind-down: delete the local KinD cluster (and everything in it; the images stay in Docker).
set -euo pipefail
CLUSTER=${CMP_CLUSTER:-cmp}
command -v kind >/dev/null || { echo "kind is not installed" >&2; exit 1; }
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  kind delete cluster --name "$CLUSTER"
else
  echo "no KinD cluster named $CLUSTER"
fi
