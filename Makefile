# The two set-up commands of the README, and their helpers.
#   make run    build and open the desktop app (under Xvfb, with a screenshot, when there is no display)
#   make test   every check CI runs: format, lints, UI checks and tests, Rust tests, end-to-end tests in the real app
#   make bench  the benchmark figures of QUALITY.md, each beside its same-run baseline

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup ui app cli run test bench bindings clean

# The app embeds the built ui/ only with this feature; the tests use the same
# build so nothing compiles twice.
FEATURES := --features golive-desktop/custom-protocol

help:
	@echo "make run    build and open golive"
	@echo "make test   run every check and test (what CI runs)"
	@echo "make bench  print the benchmark figures"

setup:
	@scripts/setup.sh

ui: setup
	npm --prefix ui run build

app: ui
	cargo build --workspace $(FEATURES)

run: app
	@scripts/run.sh target/debug/golive-desktop

test: setup
	cargo fmt --all --check
	npm --prefix ui run check
	npm --prefix ui test
	npm --prefix ui run build
	cargo clippy --workspace --all-targets $(FEATURES) -- -D warnings
	cargo build --workspace $(FEATURES)
	scripts/with-display.sh scripts/with-keyring.sh cargo nextest run --workspace $(FEATURES) --no-fail-fast

# The webview figure ticks in the release app (the build users get) on a
# fresh copy of the large store's 1,000-item launch.
bench: ui
	cargo run --release -p golive-bench -- run --dir target/bench
	rm -f target/bench/webview.db target/bench/webview.db-wal target/bench/webview.db-shm
	cargo run --release -p golive-bench -- generate --out target/bench/webview.db --events 2000
	cargo build --release -p golive-cli
	GOLIVE_BENCH_STORE=$(CURDIR)/target/bench/webview.db scripts/with-display.sh \
	  cargo nextest run --release -p golive-desktop $(FEATURES) --test e2e --run-ignored only --no-capture bench_

# Rewrites ui/src/lib/ipc/bindings from the Rust types (commit the result).
bindings:
	UPDATE_BINDINGS=1 cargo test --lib -p golive-desktop $(FEATURES) typescript_bindings

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
