# CMP — the two commands a newcomer needs are `make demo` and `make test`. See README.md.
SHELL := /bin/bash
DOTNET ?= dotnet
SIMULATORS := $(wildcard tests/simulators/*/package-lock.json) tests/mcp-client/package-lock.json

.PHONY: help deps build test test-dotnet test-node dev demo bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

deps: ## install npm packages of the simulators (npm ci) and restore NuGet packages
	@for lock in $(SIMULATORS); do dir=$$(dirname $$lock); \
	  if [ ! -d $$dir/node_modules ] || [ $$lock -nt $$dir/node_modules/.package-lock.json ]; then \
	    echo "npm ci in $$dir"; (cd $$dir && npm ci --no-audit --no-fund --loglevel=error) || exit 1; fi; done
	@$(DOTNET) restore CMP.sln --verbosity quiet

build: deps ## build the whole solution
	@$(DOTNET) build CMP.sln --no-restore --nologo --verbosity quiet -clp:ErrorsOnly

test: build ## build everything and run every test (xunit + simulator suites); prints a summary
	@bash scripts/test.sh

dev: build ## run the whole platform on loopback until Ctrl-C
	@$(DOTNET) run --no-build --project tools/Cmp.Dev -- dev

demo: build ## start the platform (or reuse `make dev`), run the purchase-to-run scenario, stop
	@$(DOTNET) run --no-build --project tools/Cmp.Dev -- demo

clean: ## remove build output and local dev state (.cmp/)
	@$(DOTNET) clean CMP.sln --verbosity quiet; rm -rf .cmp
