# OpenRouter Desktop. `make run` and `make test` work on a fresh Debian/Ubuntu machine: they install
# what is missing (system packages with apt-get, npm packages, tauri-driver), then build.
SHELL := /bin/bash
.DEFAULT_GOAL := run

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_BUILD := build-essential pkg-config curl file libwebkit2gtk-4.1-dev libayatana-appindicator3-dev
APT_TEST := xvfb xauth dbus dbus-daemon at-spi2-core gnome-keyring webkit2gtk-driver xdotool x11-utils
APP := target/release/openrouter-desktop
MOCK := target/debug/mock-openrouter
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run test demo deps deps-build deps-test toolchain ui app fmt lint check unit e2e bench bench-history bench-models bench-billing bench-quick clean

## Build and launch the app.
run: deps-build app
	./$(APP)

## Every check and test: format, lints, type check, unit tests, UI tests, contract and real-window tests.
test: deps-build deps-test check unit e2e

## The app pointed at the built-in mock OpenRouter server: try it with no account (any key starting sk-or-v1- works).
demo: deps-build app
	cargo test --workspace --no-run
	@set -euo pipefail; \
	coproc MOCKP { exec ./$(MOCK); }; \
	read -r line <&"$${MOCKP[0]}"; url="$${line#MOCK_URL=}"; \
	echo "Mock OpenRouter at $$url (try the key sk-or-v1-demo)"; \
	OPENROUTER_BASE_URL="$$url" ./$(APP) --data-dir "$$(mktemp -d)"; \
	kill $$MOCKP_PID 2>/dev/null || true

toolchain:
	@command -v cargo >/dev/null || { echo "Rust is missing: install it with https://rustup.rs (curl --proto '=https' -sSf https://sh.rustup.rs | sh), then run make again."; exit 1; }
	@command -v npm >/dev/null || { echo "Installing Node.js and npm"; $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nodejs npm; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || { echo "Node.js 20.19 or newer is needed (found $$(node --version)): see https://nodejs.org"; exit 1; }

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:" $$missing; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps-build: toolchain
	$(call apt_install,$(APT_BUILD))
	@[ -d ui/node_modules ] || npm ci --prefix ui --no-audit --no-fund

deps-test: deps-build
	$(call apt_install,$(APT_TEST))
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
	@[ -d tests/contract/node_modules ] || npm ci --prefix tests/contract --no-audit --no-fund

deps: deps-build deps-test

ui:
	npm run --prefix ui build

app: ui
	cargo build --release -p openrouter-desktop

fmt:
	cargo fmt --all

## Static checks: formatting, clippy with warnings as errors, the UI's type check.
check: ui
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --features acceptance/e2e -- -D warnings
	npm run --prefix ui typecheck

## Rust unit and contract tests (mock server, official SDK) and the UI's vitest suite.
unit: ui
	cargo test --workspace
	npm test --prefix ui

## The real window: the release app under Xvfb, driven through tauri-driver and WebKitWebDriver.
# Built with the same feature set as `make unit` (whole workspace), so nothing is compiled twice; that
# build also puts the mock server at target/debug/mock-openrouter.
e2e: app
	cargo test --workspace --features acceptance/e2e --no-run
	xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash tests/e2e-session.sh

## Benchmarks: idle memory of the app next to a minimal Tauri window, the release binary size, the
## history benchmark (bench-history), the Models view's (bench-models), the billing one (bench-billing) and the
## tray's (bench-quick: shortcut to focused quick window, and idle memory in the tray).
bench: deps-test app bench-history bench-models bench-billing bench-quick
	cargo build --release -p openrouter-desktop --example minimal_window
	@ls -l $(APP) | awk '{printf "release binary: %.1f MiB\n", $$5/1048576}'
	xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '\
	  for i in 1 2 3; do \
	    tests/measure-memory.sh 8 ./$(APP) --data-dir "$$(mktemp -d)"; \
	    tests/measure-memory.sh 8 target/release/examples/minimal_window; \
	  done' 

## The history benchmark (issue 3, figures in BENCHMARKS.md): a generated history of HISTORY_BENCH_MESSAGES
## messages (a hundredth as many conversations) imported through the app's import path, then search, open
## conversation and sizes (src-tauri/examples/history_bench), then the app's idle memory with it, with a small
## history and with an empty one. The generated databases are cached in target/bench/ (rebuilt when the
## generator or the schema changes); `make bench-history HISTORY_BENCH_MESSAGES=100000` is a quick run.
HISTORY_BENCH_MESSAGES ?= 1000000
## The Models view's benchmark (issue 4, figures in BENCHMARKS.md): filtering and sorting 1,000 models (the
## recorded list repeated with new ids) per keystroke, first in Node over the page's own module, then in the
## real WebKit page of the release app through WebDriver (tests/tests/model_bench.rs).
bench-models: deps-test app
	cd ui && npx vite-node bench/model-filter.bench.ts
	E2E_TEST=model_bench xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash tests/e2e-session.sh

## The billing benchmark (issue 5, figures in BENCHMARKS.md): a generated ledger of BILLING_BENCH_ROWS rows
## over three years, written with SQL so the per-day summary triggers run (src-tauri/examples/billing_bench),
## then spend windows, reports over 7 days to the whole ledger, a conversation's total, the CSV export and the
## sizes; then the Billing view's charts in the real window on a copy of that file (tests/tests/billing_bench.rs);
## then the chart code in Node (ui/bench/billing-chart.bench.ts). The ledger is cached in
## target/bench/billing-<N>/ (rebuilt when the generator or the schema changes);
## `make bench-billing BILLING_BENCH_ROWS=100000` is a quick run.
BILLING_BENCH_ROWS ?= 1000000
## The tray's benchmark (issue 6, figures in BENCHMARKS.md): the app started in the tray, the shortcut pressed with
## xdotool until the quick window's input has focus, first (window built) and 30 times warm
## (tests/tests/quick_bench.rs); then whole-tree idle memory with the main window open, closed to the tray,
## started hidden, and with a used quick window (tests/measure-tray-memory.sh).
bench-quick: deps-test app
	cargo test --workspace --features acceptance/e2e --no-run
	E2E_TEST=quick_bench xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash tests/e2e-session.sh
	xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
	  bash tests/measure-tray-memory.sh ./$(APP) target/debug/x11-helper

bench-billing: deps-test app
	cargo build --release -p openrouter-desktop --example billing_bench
	cargo test --workspace --features acceptance/e2e --no-run
	target/release/examples/billing_bench --rows $(BILLING_BENCH_ROWS) \
	  --dir target/bench/billing-$(BILLING_BENCH_ROWS)
	BILLING_BENCH_DB="$(CURDIR)/target/bench/billing-$(BILLING_BENCH_ROWS)/history.sqlite3" E2E_TEST=billing_bench \
	  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash tests/e2e-session.sh
	npm run --prefix ui bench:billing

bench-history: deps-test app
	cargo build --release -p openrouter-desktop --example history_bench
	target/release/examples/history_bench --messages 1000 --dir target/bench/history-1000 --generate-only
	target/release/examples/history_bench --messages $(HISTORY_BENCH_MESSAGES) \
	  --dir target/bench/history-$(HISTORY_BENCH_MESSAGES)
	xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash tests/measure-history-memory.sh \
	  ./$(APP) target/bench/history-$(HISTORY_BENCH_MESSAGES)/history.sqlite3 \
	  target/bench/history-1000/history.sqlite3 3 15

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules tests/contract/node_modules
