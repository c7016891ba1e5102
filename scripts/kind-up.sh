#!/usr/bin/env bash
# make kind-up: the whole platform on a local KinD cluster, deployed by Argo CD from Git.
# Needs: Docker (running, ~8 GB memory), kind >= 0.27, kubectl >= 1.31, git, openssl, internet (helm is optional).
# Every step is idempotent: run it again to rebuild the images and roll them out.
#
# Settings (environment):
#   CMP_CLUSTER        cluster name (default cmp)
#   CMP_GIT_URL        Git URL Argo CD reads (default: this checkout's `origin`, as https)
#   CMP_GIT_REVISION   branch/tag/commit to deploy (default: the current branch)
#   CMP_IMAGE_TAG      tag of the CMP images (default: the current commit, short)
#   KIND_NODE_IMAGE    pin the node image (kindest/node:vX.Y.Z@sha256:…)
#   CMP_TIMEOUT        seconds to wait for everything to be healthy (default 1200)
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=${CMP_CLUSTER:-cmp}
ARGOCD_VERSION=v3.5.1
INGRESS_NGINX_MANIFEST=https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.12.1/deploy/static/provider/kind/deploy.yaml
TIMEOUT=${CMP_TIMEOUT:-1200}
SERVICES=(gateway runner provisioner control-plane)
KUBECTL=(kubectl --context "kind-$CLUSTER")

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31merror:\033[0m %b\n' "$*" >&2; exit 1; }

step "1/11 Prerequisites"
for tool in docker kind kubectl git openssl; do
  command -v "$tool" >/dev/null || die "$tool is not installed (see README: Deploy on KinD with Argo CD)"
done
docker info >/dev/null 2>&1 || die "the Docker daemon is not running"
echo "docker $(docker version --format '{{.Server.Version}}'), $(kind version), kubectl $(kubectl version --client -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | head -1)"

GIT_URL=${CMP_GIT_URL:-$(git remote get-url origin 2>/dev/null || true)}
[ -n "$GIT_URL" ] || die "no Git remote 'origin': set CMP_GIT_URL to a repository Argo CD can read"
# git@github.com:org/repo.git -> https://github.com/org/repo.git (public repositories need no credentials)
GIT_URL=$(echo "$GIT_URL" | sed -E 's#^git@([^:]+):#https://\1/#')
REVISION=${CMP_GIT_REVISION:-$(git rev-parse --abbrev-ref HEAD)}
TAG=${CMP_IMAGE_TAG:-$(git rev-parse --short HEAD)}
echo "Argo CD will deploy $GIT_URL at $REVISION; CMP images are tagged $TAG"
if ! git diff --quiet || ! git diff --cached --quiet; then
  echo "warning: uncommitted changes — the images include them, but Argo CD deploys the charts from Git"
fi
if git rev-parse --verify -q "origin/$REVISION" >/dev/null && [ -n "$(git log "origin/$REVISION..HEAD" --oneline)" ]; then
  echo "warning: commits not pushed to origin/$REVISION — Argo CD only sees what is pushed"
fi

step "2/11 KinD cluster '$CLUSTER' (deploy/kind/cluster.yaml)"
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  echo "cluster exists"
else
  kind create cluster --name "$CLUSTER" --config deploy/kind/cluster.yaml ${KIND_NODE_IMAGE:+--image "$KIND_NODE_IMAGE"} --wait 180s
fi

step "3/11 Ingress controller (ingress-nginx, kind flavour)"
"${KUBECTL[@]}" apply -f "$INGRESS_NGINX_MANIFEST" >/dev/null
"${KUBECTL[@]}" -n ingress-nginx rollout status deploy/ingress-nginx-controller --timeout=300s

step "4/11 Images: build and load into the cluster"
for s in "${SERVICES[@]}"; do
  echo "building cmp/$s:$TAG"
  DOCKER_BUILDKIT=1 docker build --quiet -f "services/$s/Dockerfile" -t "cmp/$s:$TAG" . >/dev/null
done
kind load docker-image --name "$CLUSTER" $(printf "cmp/%s:$TAG " "${SERVICES[@]}")

step "5/11 Argo CD $ARGOCD_VERSION"
"${KUBECTL[@]}" create namespace argocd --dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
# Server-side apply: the ApplicationSet CRD is too big for client-side apply's annotation.
"${KUBECTL[@]}" apply -n argocd --server-side --force-conflicts \
  -f "https://raw.githubusercontent.com/argoproj/argo-cd/$ARGOCD_VERSION/manifests/install.yaml" >/dev/null
"${KUBECTL[@]}" -n argocd patch configmap argocd-cm --type merge --patch-file deploy/kind/argocd-cm-patch.yaml >/dev/null
"${KUBECTL[@]}" -n argocd patch configmap argocd-cmd-params-cm --type merge -p '{"data":{"server.insecure":"true"}}' >/dev/null
"${KUBECTL[@]}" -n argocd rollout restart deploy/argocd-server >/dev/null
"${KUBECTL[@]}" apply -f deploy/kind/argocd-ingress.yaml >/dev/null
"${KUBECTL[@]}" -n argocd rollout status deploy/argocd-server --timeout=300s
"${KUBECTL[@]}" -n argocd rollout status statefulset/argocd-application-controller --timeout=300s

step "6/11 Secrets that never go to Git (created once, kept across runs)"
secret() { # namespace name key value
  "${KUBECTL[@]}" create namespace "$1" --dry-run=client -o yaml | "${KUBECTL[@]}" apply -f - >/dev/null
  if ! "${KUBECTL[@]}" -n "$1" get secret "$2" >/dev/null 2>&1; then
    "${KUBECTL[@]}" -n "$1" create secret generic "$2" --from-literal="$3=$4" >/dev/null && echo "created $1/$2"
  fi
}
rand() { openssl rand -hex 16; }
secret keycloak keycloak-admin password "$(rand)"
secret saleor saleor-secret-key SECRET_KEY "$(openssl rand -hex 32)"
secret saleor saleor-admin password "$(rand)"
LANGFLOW_KEY=$("${KUBECTL[@]}" -n langflow get secret langflow-api-key -o jsonpath='{.data.api-key}' 2>/dev/null | base64 -d || true)
LANGFLOW_KEY=${LANGFLOW_KEY:-sk-$(rand)}
secret langflow langflow-api-key api-key "$LANGFLOW_KEY"
secret cmp langflow-api-key api-key "$LANGFLOW_KEY"

step "7/11 The app of apps (argocd/root.yaml)"
sed -e "s#https://github.com/your-org/cmp.git#$GIT_URL#g" \
    -e "s#targetRevision: main#targetRevision: $REVISION#" \
    -e "s#value: \"main\"#value: \"$REVISION\"#" \
    -e "s#value: \"dev\"#value: \"$TAG\"#" argocd/root.yaml | "${KUBECTL[@]}" apply -f - >/dev/null
echo "cmp-root applied; Argo CD now syncs: cnpg-operator → postgres → keycloak-realm → keycloak, saleor, langflow → cmp → cmp-offerings"

step "8/11 Waiting for every Application to be Synced and Healthy (up to ${TIMEOUT}s)"
deadline=$(( $(date +%s) + TIMEOUT ))
while true; do
  status=$("${KUBECTL[@]}" -n argocd get applications -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.sync.status}{" "}{.status.health.status}{"\n"}{end}' 2>/dev/null || true)
  pending=$(echo "$status" | awk 'NF && !($2=="Synced" && $3=="Healthy")' | wc -l)
  total=$(echo "$status" | awk 'NF' | wc -l)
  printf '\r  %s of %s applications healthy   ' "$(( total - pending ))" "$total"
  if [ "$total" -ge 9 ] && [ "$pending" -eq 0 ]; then echo; break; fi
  if [ "$(date +%s)" -gt "$deadline" ]; then
    echo; echo "$status" | column -t
    die "not healthy after ${TIMEOUT}s; inspect with: kubectl -n argocd get applications; kubectl get pods -A | grep -v Running"
  fi
  sleep 10
done
echo "$status" | column -t
"${KUBECTL[@]}" get agentofferings,agentinstances -A

step "9/11 Saleor app for the provisioner (saleor install, once)"
if "${KUBECTL[@]}" -n cmp get secret saleor-app-token >/dev/null 2>&1; then
  echo "app token exists (cmp/saleor-app-token)"
else
  # The provisioner's own installer, from the image just loaded: creates the cmp-provisioner app (least privilege) and
  # its webhooks to the in-cluster provisioner, plus the demo catalog; prints the new app token once.
  "${KUBECTL[@]}" -n saleor delete pod saleor-install --ignore-not-found >/dev/null
  out=$("${KUBECTL[@]}" -n saleor run saleor-install --rm -i --restart=Never --quiet --image "cmp/provisioner:$TAG" \
    --image-pull-policy=Never --overrides='{"spec":{"containers":[{"name":"saleor-install","image":"cmp/provisioner:'"$TAG"'","imagePullPolicy":"Never",
      "args":["saleor","install","--api-url","http://saleor-api.saleor:8000/graphql/","--email","admin@example.com",
              "--webhook-target","http://cmp-provisioner.cmp:8080","--demo-catalog"],
      "env":[{"name":"SALEOR_PASSWORD","valueFrom":{"secretKeyRef":{"name":"saleor-admin","key":"password"}}}]}]}}') \
    || die "saleor install failed:\n$out"
  token=$(echo "$out" | grep -A1 '^App token for' | tail -1 | tr -d '[:space:]')
  [ -n "$token" ] || die "saleor install printed no token (an app created earlier keeps its token: delete the app in the dashboard, or create cmp/saleor-app-token by hand):\n$out"
  "${KUBECTL[@]}" -n cmp create secret generic saleor-app-token --from-literal=token="$token" >/dev/null
  "${KUBECTL[@]}" -n cmp rollout restart deploy/cmp-provisioner >/dev/null
  echo "app installed; token stored in cmp/saleor-app-token; provisioner restarted"
fi

step "10/11 Saleor app for the gateway (agent commerce payments, once)"
if "${KUBECTL[@]}" -n cmp get secret saleor-gateway-app-token >/dev/null 2>&1; then
  echo "app token exists (cmp/saleor-gateway-app-token)"
else
  # Through the ingress, as an operator's dashboard session would: staff login, appCreate with HANDLE_PAYMENTS.
  token=$(SALEOR_PASSWORD=$("${KUBECTL[@]}" -n saleor get secret saleor-admin -o jsonpath='{.data.password}' | base64 -d) \
    bash "$(dirname "$0")/saleor-gateway-app.sh" http://saleor.localhost:8080/graphql/ admin@example.com) \
    || die "creating the gateway's Saleor app failed (see above)"
  "${KUBECTL[@]}" -n cmp create secret generic saleor-gateway-app-token --from-literal=token="$token" >/dev/null
  "${KUBECTL[@]}" -n cmp rollout restart deploy/cmp-gateway >/dev/null
  echo "app created; token stored in cmp/saleor-gateway-app-token; gateway restarted"
fi

step "11/11 Ready"
b64() { "${KUBECTL[@]}" -n "$1" get secret "$2" -o jsonpath="{.data.$3}" | base64 -d; }
cat <<TABLE
  Argo CD            http://argocd.localhost:8080           admin / $(b64 argocd argocd-initial-admin-secret password)
  Keycloak (admin)   http://auth.localhost:8080/admin       admin / $(b64 keycloak keycloak-admin password)
  Keycloak realm     http://auth.localhost:8080/realms/cmp  cmp-cli / cmp-cli-secret; buyer@example.com / buyer
  Saleor API         http://saleor.localhost:8080/graphql/
  Saleor dashboard   http://dashboard.localhost:8080/       admin@example.com / $(b64 saleor saleor-admin password)
  CMP gateway        http://cmp.localhost:8080/             API key or Keycloak token
  CMP control plane  http://admin.cmp.localhost:8080/       Keycloak token (cmp-cli: platform-admin)
  CMP webhooks       http://hooks.cmp.localhost:8080/       Saleor webhooks (provisioner)

  kubectl config use-context kind-$CLUSTER
  kubectl get agentofferings,agentinstances -A
  make kind-down     # delete the cluster
TABLE
