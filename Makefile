# The project's verbs. `make demo` is the first command a newcomer runs; `make test` is what CI runs.
GO              ?= go
STEAMPIPE_INSTALL_DIR ?= $(HOME)/.steampipe
PLUGIN_DIR      := $(STEAMPIPE_INSTALL_DIR)/plugins/local/coupang
CONFIG_DIR      := $(STEAMPIPE_INSTALL_DIR)/config
BIN             := bin
FUZZTIME        ?= 10s

.PHONY: build install test race fuzz bench demo lint clean

## build: the plugin binary and the commands, into ./bin
build:
	$(GO) build -o $(BIN)/coupang.plugin .
	$(GO) build -o $(BIN)/steampipe_export_coupang ./cmd/steampipe_export_coupang
	$(GO) build -o $(BIN)/coupang-sandbox ./cmd/coupang-sandbox

## install: the plugin into Steampipe's local plugin folder, and the sample config unless one exists
install:
	mkdir -p $(PLUGIN_DIR) $(CONFIG_DIR)
	$(GO) build -o $(PLUGIN_DIR)/coupang.plugin .
	@if [ -f $(CONFIG_DIR)/coupang.spc ]; then \
		echo "kept existing $(CONFIG_DIR)/coupang.spc"; \
	else \
		cp config/coupang.spc $(CONFIG_DIR)/coupang.spc && echo "installed $(CONFIG_DIR)/coupang.spc"; \
	fi
	@echo "installed $(PLUGIN_DIR)/coupang.plugin"

## test: every unit, end-to-end and fault test (each fuzz target's seed corpus included), the plugin's
## end-to-end tests again with rows streamed (as the Steampipe CLI runs it; held as the FDW does first), then the race detector
test:
	$(GO) test -count=1 ./...
	COUPANG_TEST_STREAMED_ROWS=1 $(GO) test -count=1 ./coupang
	$(MAKE) race

## race: the packages whose tests the SDK's own data races do not reach, under the race detector
RACE_PKGS ?= ./coupang/api/... ./coupang/query/... ./coupang/ratelimit/... ./internal/sandbox/...
race:
	$(GO) test -count=1 -race $(RACE_PKGS)

## fuzz: each fuzz target for FUZZTIME (not part of make test: the seed corpora already run there)
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

## bench: the scenario benchmarks against the sandbox, each once (internal/bench), then the micro-benchmarks
bench:
	@test -x /usr/bin/time || { echo "make bench: the export scenarios read peak RSS with GNU time: apt-get install time"; exit 1; }
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 0 ./internal/bench
	$(GO) test -run '^$$' -bench . -skip '^BenchmarkScenarios$$' -benchmem ./...

## demo: exports from the offline sandbox, no account and no network needed
demo:
	$(GO) build -o $(BIN)/steampipe_export_coupang ./cmd/steampipe_export_coupang
	$(GO) build -o $(BIN)/coupang-demo ./cmd/coupang-demo
	@$(BIN)/coupang-demo --bin $(BIN) --out $(BIN)/demo

## lint: formatting and vet
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
