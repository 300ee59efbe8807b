# oots — build, test and benchmark. `make help` lists the targets.
GO        ?= go
BIN       ?= bin/oots
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/oots-tools/oots/internal/ootscmd.version=$(VERSION)
BENCHTIME ?= 3x
# Minimising every new interesting input of a large XML seed can take the
# whole budget; a short minimisation keeps the fuzzers fuzzing.
FUZZFLAGS ?= -fuzztime 30s -fuzzminimizetime 2s

.PHONY: help build install examples test test-short vet fmt-check lint bench fuzz docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

build: ## build bin/oots (pure Go, no cgo)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/oots

install: ## install oots into GOBIN
	CGO_ENABLED=0 $(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/oots

examples: build ## validate the bundled example messages
	$(BIN) validate examples/messages
	$(BIN) validate --schema examples/json/diploma.schema.json examples/json/diploma.json

test: fmt-check vet ## everything CI runs: format, vet, pure-Go build, all tests
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) test -count=1 ./...

test-short: ## unit tests only, without the corpus-wide acceptance tests
	$(GO) test -short ./...

vet:
	$(GO) vet ./...

GOLANGCI_LINT ?= $(shell $(GO) env GOPATH)/bin/golangci-lint
lint: ## golangci-lint (installs the pinned version on first use, ~80 s)
	@test -x $(GOLANGCI_LINT) || $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
	$(GOLANGCI_LINT) run ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

bench: build ## throughput over the shared corpus and single-file latency (results: docs/benchmarks.md)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./pkg/validate/
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/xmldoc/ ./pkg/schematron/ ./pkg/xmlschema/ ./pkg/edm/ ./pkg/edmjson/ ./pkg/crosscheck/ ./pkg/xmlwrite/
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/dsig/ ./pkg/jades/ ./pkg/pki/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 20x ./pkg/catalog/ ./pkg/regrep/
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/as4/ ./pkg/simulate/...
	$(BIN) simulate run TC01 --exchanges 2000 --concurrency 16 --key-alg ed25519
	./scripts/bench-cli.sh $(BIN)

fuzz: ## run each fuzz target for a short while
	$(GO) test -run '^$$' -fuzz FuzzParse $(FUZZFLAGS) ./pkg/xmldoc/
	$(GO) test -run '^$$' -fuzz FuzzFastPath $(FUZZFLAGS) ./pkg/xmldoc/
	$(GO) test -run '^$$' -fuzz FuzzCompile $(FUZZFLAGS) ./pkg/schematron/
	$(GO) test -run '^$$' -fuzz FuzzVerify $(FUZZFLAGS) ./pkg/dsig/
	$(GO) test -run '^$$' -fuzz 'FuzzParse$$' $(FUZZFLAGS) ./pkg/jades/
	$(GO) test -run '^$$' -fuzz FuzzReadHeaders $(FUZZFLAGS) ./pkg/jades/
	$(GO) test -run '^$$' -fuzz FuzzImportXML $(FUZZFLAGS) ./pkg/catalog/
	$(GO) test -run '^$$' -fuzz FuzzParseMessage $(FUZZFLAGS) ./pkg/regrep/
	$(GO) test -run '^$$' -fuzz FuzzDecode $(FUZZFLAGS) ./pkg/as4/

docs: ## regenerate the command reference in docs/reference
	$(GO) run ./internal/gendocs docs/reference

clean:
	rm -rf bin
