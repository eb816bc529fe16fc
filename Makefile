# symscore: `make run` serves on the embedded default configuration; `make test` is what CI
# runs. `make help` lists every target.

GO ?= go
# staticcheck 2026.1 (module version v0.7.0) supports Go 1.26; `go run` fetches it pinned,
# without touching go.mod.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.7.0
# Time per benchmark in `make bench`, and per fuzz target in `make fuzz-smoke`.
BENCHTIME ?= 200ms
FUZZTIME ?= 5s
# Interoperability suites (client libraries against a live server) add their target names
# here; `make test` runs them after the Go tests. PYTHON is the interpreter they use
# (.ci/run passes one that has the websockets module).
INTEROP_TARGETS :=
PYTHON ?= python3

.PHONY: help build run demo test fmt-check vet go-test bench fuzz-smoke lint tidy-check clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 14

build: ## build bin/symscore
	$(GO) build -o bin/symscore ./cmd/symscore

run: ## run the server on the embedded default configuration (prints a development key once)
	$(GO) run ./cmd/symscore serve

demo: build ## throwaway server on free ports: learn iris, build lda/mlda/mlr, predict, stop
	bin/symscore demo --iris clients/testdata/iris.csv

test: fmt-check vet go-test $(INTEROP_TARGETS) ## gofmt check, go vet, race-enabled tests in random order

fmt-check: ## fail listing every file gofmt would change
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt -w needed on:"; echo "$$out"; exit 1; fi

vet: ## go vet ./...
	$(GO) vet ./...

go-test: ## go test -race -shuffle=on ./...
	$(GO) test -race -shuffle=on -timeout 20m ./...

bench: ## every benchmark, BENCHTIME each (default 200ms)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 20m ./...

fuzz-smoke: ## every Fuzz* target in the repository, FUZZTIME each (default 5s)
	@set -e; n=0; \
	for pkg in $$($(GO) list ./...); do \
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

clean: ## remove bin/
	rm -rf bin
