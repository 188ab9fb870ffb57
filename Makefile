# listscrub — build, demo, test, bench.
# Everything this file needs comes from the Go module proxy; `make test` passes
# on a fresh clone with only Go installed.

GO        ?= go
BIN       := bin/listscrub
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/listscrub/listscrub/cmd/listscrub/cli.buildVersion=$(VERSION)
SAMPLE    := testdata/sample
DEMO_OUT  := demo-out
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@2025.1.1
BENCHSTAT   := golang.org/x/perf/cmd/benchstat@latest
FUZZTIME  ?= 30s

.PHONY: all build demo test test-short bench bench-rss fuzz lint fmt tidy-check clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/listscrub

## demo: build, scrub the sample prospect file against the sample registries, show the result.
demo: build
	@mkdir -p $(DEMO_OUT)
	@echo "== listscrub scrub -r bloctel=$(SAMPLE)/bloctel.csv -r optout=$(SAMPLE)/optout.txt --allow $(SAMPLE)/customers.csv --dedupe $(SAMPLE)/prospects.csv"
	@$(BIN) scrub -r bloctel=$(SAMPLE)/bloctel.csv -r optout=$(SAMPLE)/optout.txt \
		--allow $(SAMPLE)/customers.csv --dedupe \
		-o $(DEMO_OUT)/clean.csv --blocked $(DEMO_OUT)/blocked.csv \
		--invalid $(DEMO_OUT)/invalid.csv --duplicates $(DEMO_OUT)/duplicates.csv \
		$(SAMPLE)/prospects.csv
	@echo
	@echo "Outputs (same delimiter, encoding and line endings as the input):"
	@wc -l $(DEMO_OUT)/clean.csv $(DEMO_OUT)/blocked.csv $(DEMO_OUT)/invalid.csv $(DEMO_OUT)/duplicates.csv | sed 's/^/  /'
	@echo
	@echo "First blocked rows (scrub_reason and scrub_source appended):"
	@head -4 $(DEMO_OUT)/blocked.csv | iconv -f windows-1252 -t utf-8 2>/dev/null | sed 's/^/  /' || head -4 $(DEMO_OUT)/blocked.csv

## test: every test, with the race detector; fuzz targets replay their seed corpora.
test:
	$(GO) mod download
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...
	@# The race detector shrinks the normalizer's differential test; run it in full.
	$(GO) test -count=1 -run '^TestDifferential$$' ./normalize

test-short:
	$(GO) test -short ./...

## bench: Go benchmarks of the hot paths (compare runs with benchstat).
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./... | tee bench.txt
	@echo "compare two runs: go run $(BENCHSTAT) old.txt bench.txt"

## bench-rss: peak RSS of a scrub of 2M and of 20M generated rows (must not grow with the rows).
bench-rss:
	LISTSCRUB_BENCH_RSS=1 $(GO) test -run='^$$' -bench='^BenchmarkScrubRSS$$' -benchtime=1x -timeout=60m ./cmd/listscrub

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg; \
		done; \
	done

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin $(DEMO_OUT) bench.txt
