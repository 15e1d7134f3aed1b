# diaodu — `make test` runs everything a change must pass.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X diaodu/internal/app.Version=$(VERSION)

.PHONY: all build test gofmt vet gotest webtest e2e web check-dist cross bench clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/diaodu ./cmd/diaodu

## test: formatting, vet, Go tests (SQLite; PostgreSQL too when DIAODU_TEST_POSTGRES is set),
## the web type check and Vitest, and the browser tests (skipped without Chromium unless DIAODU_REQUIRE_ALL=1).
test: gofmt vet gotest webtest e2e

gofmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

gotest:
	$(GO) test -count=1 ./...

web/node_modules: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch web/node_modules

webtest: web/node_modules
	cd web && npm run typecheck && npm test

e2e: build e2e/node_modules
	cd e2e && DIAODU_BIN=$(CURDIR)/bin/diaodu node run.mjs

e2e/node_modules: e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund
	@touch e2e/node_modules

## web: rebuild web/dist (committed, embedded in the binary).
web: web/node_modules
	cd web && npm run build

## check-dist: fail when the committed web/dist is not what web/src builds to.
check-dist: web
	@git diff --quiet --exit-code -- web/dist && test -z "$$(git status --porcelain -- web/dist)" || \
		(echo "web/dist is stale: run 'make web' and commit web/dist"; git status --short -- web/dist | head; exit 1)

## cross: the static binaries for the servers of domestic IT stacks too.
cross:
	for arch in amd64 arm64 loong64; do \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/diaodu-linux-$$arch ./cmd/diaodu || exit 1; \
	done
	@ls -l bin/diaodu-linux-*

## bench: the figures in docs/benchmarks.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.out

clean:
	rm -rf bin demo-data
