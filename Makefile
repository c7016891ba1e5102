# CMP — the two commands a newcomer needs are `make demo` and `make test`. See README.md.
SHELL := /bin/bash
DOTNET ?= dotnet
# tests/mcp-client: the official MCP TypeScript SDK client that buys and runs an agent end to end.
NPM_LOCKS := $(wildcard tests/simulators/*/package-lock.json) tests/Cmp.Deploy.Tests/package-lock.json tests/mcp-client/package-lock.json
# helm for the offline chart validation in `make test`, fetched by the reference pack's script (pinned, checksummed).
REFERENCE_DIR ?= $(or $(CMP_REFERENCE_DIR),../shared/reference)
HELM := tools/bin/helm

.PHONY: help deps build test test-dotnet test-node dev demo bench clean kind-up kind-down

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

deps: ## install npm packages (simulators, chart validator, MCP client) with npm ci and restore NuGet packages
	@for lock in $(NPM_LOCKS); do dir=$$(dirname $$lock); \
	  if [ ! -d $$dir/node_modules ] || [ $$lock -nt $$dir/node_modules/.package-lock.json ]; then \
	    echo "npm ci in $$dir"; (cd $$dir && npm ci --no-audit --no-fund --loglevel=error) || exit 1; fi; done
	@$(DOTNET) restore CMP.sln --verbosity quiet

build: deps ## build the whole solution
	@$(DOTNET) build CMP.sln --no-restore --nologo --verbosity quiet -clp:ErrorsOnly

test: build $(HELM) ## build everything and run every test (xunit + simulator suites); prints a summary
	@bash scripts/test.sh

dev: build ## run the whole platform on loopback until Ctrl-C
	@$(DOTNET) run --no-build --project tools/Cmp.Dev -- dev

demo: build ## start the platform (or reuse `make dev`), run the purchase-to-run scenario, stop
	@$(DOTNET) run --no-build --project tools/Cmp.Dev -- demo

$(HELM):
	@bash $(REFERENCE_DIR)/k8s/get-helm.sh $(HELM) >/dev/null

kind-up: ## the whole platform on a local KinD cluster via Argo CD (needs docker, kind, kubectl; see README)
	@bash scripts/kind-up.sh

kind-down: ## delete the local KinD cluster
	@bash scripts/kind-down.sh

bench: deps ## every benchmark in Release (gateway, provisioning, agent commerce; ~10 min; BENCH_ARGS=--quick); reports in .cmp/bench/
	@bash scripts/bench.sh $(BENCH_ARGS)

clean: ## remove build output and local dev state (.cmp/)
	@$(DOTNET) clean CMP.sln --verbosity quiet; rm -rf .cmp
