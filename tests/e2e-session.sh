#!/usr/bin/env bash
# Runs the real-window tests inside one fresh X server and D-Bus session (see `make e2e`):
# an unlocked gnome-keyring, the mock OpenRouter server, tauri-driver, then the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
artifacts="$root/test-artifacts/e2e"
mkdir -p "$artifacts"
# Throwaway XDG directories: nothing from this run leaks into the next or into the user's own.
export XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
# A throwaway HOME too, but only for the app (tauri-driver starts it, below): start at login writes
# $HOME/.config/autostart/ whatever XDG_CONFIG_HOME says. The tests read it from E2E_HOME, and give it as
# HOME to any app they start themselves. This script and cargo keep the real HOME: cargo and rustup live there.
export E2E_HOME="$work/home"
mkdir -p "$E2E_HOME"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# The real keyring: gnome-keyring's Secret Service, unlocked with a throwaway password.
eval "$(echo e2e-password | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL

coproc MOCK { exec "$root/target/debug/mock-openrouter"; }
pids+=("$MOCK_PID")
read -r line <&"${MOCK[0]}"
export OPENROUTER_BASE_URL="${line#MOCK_URL=}"
export E2E_MOCK_URL="$OPENROUTER_BASE_URL"
export E2E_APP="$root/target/release/openrouter-desktop"
export E2E_ARTIFACTS="$artifacts"
# WM_DELETE_WINDOW, window visibility and a held shortcut from outside the app (no window manager here);
# built with the tests (`cargo test --no-run` builds the acceptance crate's binaries).
export E2E_X11_HELPER="$root/target/debug/x11-helper"

# Fixed ports (4444, and 4445 for WebKitWebDriver) unless E2E_DRIVER_PORT says otherwise: two sessions on
# one machine need different ones. A port already taken would send these tests to another session's app.
port=${E2E_DRIVER_PORT:-4444}
native_port=$((port + 1))
for p in "$port" "$native_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "Port $p is in use (another real-window session?): wait for it, or set E2E_DRIVER_PORT to a free port." >&2
    exit 1
  fi
done
HOME="$E2E_HOME" tauri-driver --port "$port" --native-port "$native_port" >"$artifacts/tauri-driver.log" 2>&1 &
driver_pid=$!
pids+=("$driver_pid")
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$driver_pid" 2>/dev/null || { echo "tauri-driver stopped: see $artifacts/tauri-driver.log" >&2; exit 1; }
  sleep 0.1
done
export E2E_DRIVER_URL="http://127.0.0.1:$port"

# E2E_FILTER (test name parts, e.g. "t20_ t21_") runs only some of them while working on them; E2E_TEST
# runs another test target in the same setting (the real-window benchmarks: model_bench, billing_bench,
# with their output).
test_target=${E2E_TEST:-e2e}
capture=()
[ "$test_target" = e2e ] || capture=(--nocapture)
cargo test --workspace --features acceptance/e2e --test "$test_target" -- --test-threads=1 "${capture[@]}" ${E2E_FILTER:-}
