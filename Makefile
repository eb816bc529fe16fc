# symscore: `make run` serves on the embedded default configuration; `make test` is what CI
# runs. `make help` lists every target.

GO ?= go
# staticcheck 2026.1 (module version v0.7.0) supports Go 1.26; `go run` fetches it pinned,
# without touching go.mod.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.7.0
# govulncheck v1.9.0, pinned the same way; it needs the vulnerability database at
# vuln.go.dev, and `make vulncheck` says so loudly (and passes) when it cannot reach it.
GOVULNCHECK ?= golang.org/x/vuln/cmd/govulncheck@v1.9.0
# Time per benchmark in `make bench`, and per fuzz target in `make fuzz-smoke`. Within `make
# test` the fuzz budget is CI_FUZZTIME executions per target: a wall-clock -fuzztime races the
# fuzzing coordinator's own deadline on Go 1.26 (golang/go#75804: a spurious "context deadline
# exceeded" at the end, no crasher), which a busy 2-core machine hits; a count cannot.
BENCHTIME ?= 200ms
FUZZTIME ?= 5s
CI_FUZZTIME ?= 1000x
# Client suites `make test` runs after the Go tests: the Java and Python clients' own unit
# tests. (Both clients' examples also run against a live server in the Go tests of
# cmd/symscore.) PYTHON is the interpreter with the websockets module (.ci/run passes one;
# client-deps finds or installs one).
INTEROP_TARGETS := clients-unit
# Debian packages of the clients' test tools: Maven with JUnit 5 and the plugins the Java
# client's pom.xml pins (resolved offline from /usr/share/maven-repo), and pytest.
CLIENT_PACKAGES := maven junit5 libsurefire-java libmaven-compiler-plugin-java libmaven-jar-plugin-java libmaven-resources-plugin-java python3-pytest
PYTHON ?= $(shell for py in python3 /usr/bin/python3; do $$py -c 'import websockets' 2>/dev/null && { command -v $$py; break; }; done)
export PYTHON

.PHONY: ui-vendor ui-vendor-check help build run demo cluster-demo test client-deps js-deps clients-unit fmt-check vet go-test allocs arch bench loadtest fuzz-smoke lint tidy-check vulncheck clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 14

build: ## build bin/symscore
	$(GO) build -o bin/symscore ./cmd/symscore

run: ## run the server on the embedded default configuration (prints a development key once, and the dashboard's URL)
	$(GO) run ./cmd/symscore serve

demo: build ## throwaway server on free ports: learn iris, build lda/mlda/mlr, predict, stop
	bin/symscore demo --iris clients/testdata/iris.csv

cluster-demo: build ## two nodes on free ports, the first running the bus (embedded NATS): learn and build on one, predict on both
	scripts/cluster-demo.sh

test: client-deps js-deps fmt-check vet tidy-check lint go-test allocs $(INTEROP_TARGETS) ## what CI runs: format, vet, tidy, staticcheck, race tests, zero-allocation tests, client tests, fuzz smoke, govulncheck
	$(MAKE) --no-print-directory fuzz-smoke FUZZTIME=$(CI_FUZZTIME)
	$(MAKE) --no-print-directory vulncheck

client-deps: ## what the client tests need: installs python3-websockets when root and missing, else says what is missing
	@if [ -z "$(PYTHON)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "client-deps: installing python3-websockets"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-websockets >/dev/null 2>&1 || \
			{ apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-websockets >/dev/null; } || \
			echo "client-deps: WARNING: could not install python3-websockets; the Python client tests will be SKIPPED"; \
		else \
			echo "client-deps: WARNING: no Python 3 with websockets (apt-get install -y python3-websockets); the Python client tests will be SKIPPED"; \
		fi; \
	fi
	@command -v javac >/dev/null 2>&1 || echo "client-deps: WARNING: no javac (install a JDK 17); the Java client tests will be SKIPPED"
	@[ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1 || echo "client-deps: WARNING: no chromium (apt-get install -y chromium; .ci/run installs it); the dashboard's browser tests will be SKIPPED"
	@# The Java client's JUnit 5 tests (mvn -o test) resolve from Debian's /usr/share/maven-repo;
	@# the Python client's tests run under pytest. Installed when root and missing.
	@if ! command -v mvn >/dev/null 2>&1 || ! [ -d /usr/share/maven-repo/org/junit/jupiter/junit-jupiter-engine ] || \
		! [ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-surefire-plugin/2.22.3 ] || \
		! [ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-compiler-plugin/3.10.1 ] || \
		! [ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-jar-plugin/3.3.0 ] || \
		! [ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-resources-plugin/3.3.0 ] || \
		! /usr/bin/python3 -c 'import pytest' 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "client-deps: installing $(CLIENT_PACKAGES)"; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(CLIENT_PACKAGES) >/dev/null 2>&1 || \
			{ apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(CLIENT_PACKAGES) >/dev/null; } || \
			echo "client-deps: WARNING: could not install $(CLIENT_PACKAGES); the Java tests fall back to the JDK alone, the Python tests to unittest"; \
		else \
			echo "client-deps: WARNING: missing some of $(CLIENT_PACKAGES) (apt-get install -y ...); the Java tests fall back to the JDK alone, the Python tests to unittest"; \
		fi; \
	fi

js-deps: ## the wslink example's packages (clients/js): npm ci from its lockfile, once; says so loudly when it cannot
	@js=clients/js; \
	if ! command -v npm >/dev/null 2>&1; then \
		echo "js-deps: WARNING: no npm (apt-get install -y nodejs npm); the wslink example test will be SKIPPED"; \
	elif [ -f $$js/node_modules/.package-lock.json ] && cmp -s $$js/package-lock.json $$js/node_modules/.symscore-lock; then \
		: ; \
	elif (cd $$js && npm ci --no-audit --no-fund --prefer-offline >/dev/null 2>&1); then \
		cp $$js/package-lock.json $$js/node_modules/.symscore-lock; echo "js-deps: npm ci in $$js"; \
	else \
		echo "js-deps: WARNING: npm ci failed in $$js (registry unreachable?); the wslink example test will be SKIPPED"; \
	fi

clients-unit: ## the Java and Python clients' unit tests (loopback mock servers)
	PYTHON="$$(for py in $(PYTHON) python3 /usr/bin/python3; do $$py -c 'import websockets' 2>/dev/null && { command -v $$py; break; }; done)" clients/check.sh

fmt-check: ## fail listing every file gofmt would change
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt -w needed on:"; echo "$$out"; exit 1; fi

vet: ## go vet ./...
	$(GO) vet ./...

go-test: ## go test -race -shuffle=on ./... (the architecture test included)
	$(GO) test -race -shuffle=on -timeout 20m ./...

allocs: ## the zero-allocation tests (Test*Allocs*), without -race: the race detector allocates, so they skip under go-test
	$(GO) test -count=1 -run 'Allocs' ./...

arch: ## the architecture test alone: the import rules of the packages
	$(GO) test -count=1 ./internal/arch

bench: ## every benchmark, BENCHTIME each (default 200ms)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 20m ./...

loadtest: build ## the load generator against a throwaway server, next to the echo floors; about a minute
	scripts/loadtest.sh

fuzz-smoke: ## every Fuzz* target in the repository, FUZZTIME each (default 5s; a count such as 1000x works too)
	@set -e; n=0; \
	for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		pkg="$$($(GO) list "$$dir")"; \
		list="$$($(GO) test -list '^Fuzz' "$$pkg")"; \
		for fz in $$(printf '%s\n' "$$list" | grep '^Fuzz' || true); do \
			echo "== $$pkg $$fz"; \
			$(GO) test -run '^$$' -fuzz "^$$fz\$$" -fuzztime $(FUZZTIME) "$$pkg"; \
			n=$$((n + 1)); \
		done; \
	done; \
	echo "fuzz-smoke: $$n fuzz target(s) ran for $(FUZZTIME) each"

lint: ## staticcheck (pinned version)
	$(GO) run $(STATICCHECK) ./...

tidy-check: ## fail if go.mod or go.sum are not tidy (changes nothing)
	$(GO) mod tidy -diff

vulncheck: ## govulncheck (pinned); skips LOUDLY, without failing, when its database is unreachable
	@out="$$($(GO) run $(GOVULNCHECK) ./... 2>&1)"; rc=$$?; \
	if [ $$rc -ne 0 ] && printf '%s' "$$out" | grep -q 'fetching vulnerabilities'; then \
		printf '%s\n' "$$out" | grep 'fetching vulnerabilities'; \
		echo "vulncheck: SKIPPED: the vulnerability database (vuln.go.dev) is unreachable from here"; \
		exit 0; \
	fi; \
	printf '%s\n' "$$out"; exit $$rc

ui-vendor: ## copy the dashboard's @noble/hashes, at the version internal/ui/package-lock.json pins, into internal/ui/static/vendor (npm ci)
	internal/ui/vendor.sh

ui-vendor-check: ## fail if the dashboard's vendored @noble/hashes is not the pinned package's files (needs the npm registry)
	internal/ui/vendor.sh --check

clean: ## remove bin/
	rm -rf bin
