# listscrub — build, demo, test, bench.
# Go modules come from the Go module proxy; `make test` also installs Debian's
# chromium when it is missing (apt-get), for the HTML report's browser test, and
# `make bench` the Debian and npm tools it compares listscrub with.

GO        ?= go
BIN       := bin/listscrub
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -X github.com/listscrub/listscrub/cmd/listscrub/cli.buildVersion=$(VERSION) \
             -X github.com/listscrub/listscrub/cmd/listscrub/cli.buildCommit=$(COMMIT)
SAMPLE    := testdata/sample
DEMO_OUT  := demo-out
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   := golang.org/x/perf/cmd/benchstat@latest
FUZZTIME  ?= 30s

.PHONY: all build demo test test-short browser-deps bench bench-rss fuzz lint fmt tidy-check clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/listscrub

## demo: build, scrub the sample prospect file (CSV, then the same rows as a workbook) against
## the sample registries, show the result.
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
	@echo
	@echo "== the same prospects as an Excel workbook (sheet chosen by its phone columns), workbooks out:"
	@echo "== listscrub scrub -r bloctel=$(SAMPLE)/bloctel.csv -r optout=$(SAMPLE)/optout.txt --allow $(SAMPLE)/customers.csv --dedupe -o $(DEMO_OUT)/clean.xlsx --blocked $(DEMO_OUT)/blocked.xlsx $(SAMPLE)/prospects.xlsx"
	@$(BIN) scrub -r bloctel=$(SAMPLE)/bloctel.csv -r optout=$(SAMPLE)/optout.txt \
		--allow $(SAMPLE)/customers.csv --dedupe \
		-o $(DEMO_OUT)/clean.xlsx --blocked $(DEMO_OUT)/blocked.xlsx $(SAMPLE)/prospects.xlsx

## sample-xlsx: regenerate testdata/sample/prospects.xlsx (the sample workbook) from
## testdata/sample/prospects.csv, with excelize (testdata/sample/genworkbook.go).
.PHONY: sample-xlsx
sample-xlsx:
	$(GO) run ./testdata/sample/genworkbook.go

## test: every test, with the race detector; fuzz targets replay their seed corpora.
## The HTML report's browser test runs for real: Chromium is installed when missing,
## and LISTSCRUB_REQUIRE_BROWSER=1 makes a missing browser a failure, not a skip.
test: browser-deps
	$(GO) mod download
	$(GO) vet ./...
	LISTSCRUB_REQUIRE_BROWSER=1 $(GO) test -race -count=1 -timeout 40m ./...
	@# The race detector shrinks the normalizer's differential test; run it in full.
	$(GO) test -count=1 -run '^TestDifferential$$' ./normalize

## test-short: the quick tests: no browser, no long-running cases.
test-short:
	$(GO) test -short ./...

## bench: the comparison bench: generates data (cached in $(BENCH_DATA)), runs the scan
## floor, listscrub -j 1 / -j N (against the raw list, then against a snapshot built from it,
## the build timed in its own row), each followed by listscrub -j 2 --policy fr --history
## (a generated contact history, 10M lines for large) beside its plain -j 2 peer, then mawk,
## gawk, DuckDB and Python on it; prints one table, the policy's overhead and the history's
## bytes per line, and checks the policy's blocked_by_reason against the generator's model.
## SIZE=small (2M rows, 1M-number list, 870k-line history; default) or SIZE=large (23M rows,
## 10M list, 10M-line history).
.PHONY: bench-deps bench-go
SIZE       ?= small
BENCH_DATA ?= $(or $(TMPDIR),/tmp)/listscrub-bench
DUCKDB_NODE := @duckdb/node-api@1.5.6-r.1
bench: build bench-deps
	cd bench && $(GO) build -o bin/ ./cmd/... && ./bin/driver -size $(SIZE) -data $(BENCH_DATA) -listscrub ../$(BIN)

## bench-deps: what the comparison bench needs besides Go (Debian packages, DuckDB from npm).
bench-deps:
	@missing=""; \
	for p in time:/usr/bin/time gawk:/usr/bin/gawk mawk:/usr/bin/mawk python3-phonenumbers:/usr/lib/python3/dist-packages/phonenumbers nodejs:/usr/bin/node npm:/usr/bin/npm; do \
		test -e $${p#*:} || missing="$$missing $${p%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install -y$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@test -d bench/.cache/npm/node_modules/@duckdb/node-api || \
		(mkdir -p bench/.cache/npm && cd bench/.cache/npm && \
		 npm install --silent --no-audit --no-fund --prefix . $(DUCKDB_NODE)) || \
		echo "DuckDB ($(DUCKDB_NODE)) could not be installed: the bench reports it as missing"

## bench-xlsx: a generated 1,000,000-row workbook (the bench's French columns, written by
## excelize's StreamWriter; cached in $(BENCH_DATA)) scrubbed against a 10M-number list, to CSV
## and to workbooks, beside pandas.read_excel (openpyxl) merely reading it; wall, CPU, peak RSS
## by /usr/bin/time -v, one table. Installs Debian's python3-pandas and python3-openpyxl when missing.
.PHONY: bench-xlsx
bench-xlsx: build
	@missing=""; \
	for p in time:/usr/bin/time python3-pandas:/usr/lib/python3/dist-packages/pandas python3-openpyxl:/usr/lib/python3/dist-packages/openpyxl; do \
		test -e $${p#*:} || missing="$$missing $${p%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "apt-get install -y$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	cd bench && $(GO) run ./cmd/benchxlsx -data $(BENCH_DATA) -listscrub ../$(BIN)

## bench-go: Go benchmarks of the hot paths (compare runs with benchstat).
bench-go:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./... | tee bench.txt
	@echo "compare two runs: go run $(BENCHSTAT) old.txt bench.txt"

## bench-rss: peak RSS of real scrubs (a child process each) of 2M and 20M generated rows,
## and of 6.35M rows with --dedupe (cmd/listscrub/rss_test.go; about 1.7 GB of temporary files).
## One case: make bench-rss RSS_CASE=dedupe
RSS_CASE ?=
bench-rss:
	LISTSCRUB_BENCH_RSS=1 $(GO) test -run='^$$' -bench='^BenchmarkScrubRSS$$/$(RSS_CASE)' -benchtime=1x -timeout=60m ./cmd/listscrub

## fuzz: run every fuzz target for FUZZTIME each. Each new input is minimized
## for at most 2 s: Go's default of 60 s holds the exec count still for a minute
## at a time, which reads as a hung target.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== $$pkg $$f"; \
			$(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s $$pkg; \
		done; \
	done

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin $(DEMO_OUT) bench.txt bench/bin

.PHONY: bench-registry
## bench-registry: registry build (wall, CPU, peak RSS), snapshot size, load + verify and scrub
## (peak RSS) on generated US numbers, one table with the goals of issue #3. REG_N, default 10M;
## REG_N=250000000 for the national scale (~3 GiB of text and ~2.5 GiB of snapshot in a
## temporary folder under REG_DIR, removed after; about 5 minutes). BENCH_LOCK=FILE holds an
## flock on FILE during each timed run. Wall time and peak RSS from wait4.
REG_N      ?= 10000000
REG_DIR    ?=
BENCH_LOCK ?=
bench-registry: build
	cd bench && $(GO) run ./cmd/benchreg -bin ../$(BIN) -n $(REG_N) $(if $(REG_DIR),-dir $(abspath $(REG_DIR))) $(if $(BENCH_LOCK),-lock $(abspath $(BENCH_LOCK)))
	$(GO) test -run='^$$' -bench='BenchmarkLookup$$/n=10M' -benchtime=2000000x ./registry
	$(GO) test -run='^$$' -bench='BenchmarkLookupBatch$$/n=10M' ./registry

.PHONY: bench-serve
## bench-serve: listscrub serve holding the 10M-number snapshot of the large bench list
## (data and snapshot cached in $(BENCH_DATA)) against the same numbers as a Redis set
## (Debian's redis-server, installed when missing, started on loopback with no persistence and
## stopped after), checked with SISMEMBER after the same normalization client-side: single
## checks at concurrency 1, 16 and 64, batches of 1,000 (text/plain, JSON; pipelines), one
## table with issue #17's goals. BENCH_SERVE_FLAGS passes flags (go run ./cmd/benchserve -h).
BENCH_SERVE_FLAGS ?=
bench-serve: build
	@command -v redis-server >/dev/null 2>&1 || { \
		echo "apt-get install -y redis-server"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; \
	}
	cd bench && $(GO) run ./cmd/benchserve -bin ../$(BIN) -data $(BENCH_DATA) $(BENCH_SERVE_FLAGS)

## browser-deps: Debian's chromium, which the HTML report's browser test
## (report/html_test.go, TestHTMLInBrowser) runs headless.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "apt-get install -y chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	}

## test-browser: render the coverage report's HTML in headless Chromium and save the
## screenshot as testdata/report.png.
.PHONY: test-browser
test-browser: browser-deps
	LISTSCRUB_REQUIRE_BROWSER=1 LISTSCRUB_SCREENSHOT=$(CURDIR)/testdata/report.png $(GO) test -count=1 -v -run 'TestHTML' ./report
