#!/usr/bin/env bash
# Idle memory of the app with a large history next to a small and an empty one (issue 3): summed PSS of the
# whole process tree (tests/measure-memory.sh), SECONDS after launch, ROUNDS times each, alternating. Run it
# under Xvfb and D-Bus, as `make bench-history` does.
# Usage: measure-history-memory.sh APP BIG_DB SMALL_DB [ROUNDS] [SECONDS]
# BIG_DB and SMALL_DB are history.sqlite3 files. Each is copied into a throwaway data directory first, so the
# app never changes the cached benchmark database (it switches it to WAL, and updates statistics on close).
# With no key in the keyring, an empty history shows the first-run screen and a non-empty one the workspace
# with its sidebar; the small history is there to compare the same screen.
set -euo pipefail
app=$1; big=$2; small=$3; rounds=${4:-3}; wait_s=${5:-15}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/small" "$work/big"
cp "$small" "$work/small/history.sqlite3"
cp "$big" "$work/big/history.sqlite3"
results="$work/results"
for _ in $(seq "$rounds"); do
  for kind in empty small big; do
    dir="$work/$kind"
    [ "$kind" = empty ] && dir=$(mktemp -d -p "$work")
    line=$(MEASURE_MEMORY_DETAIL=1 "$here/measure-memory.sh" "$wait_s" "$app" --data-dir "$dir" 2>"$work/detail")
    echo "$kind $line" | tee -a "$results"
    cat "$work/detail"
  done
done
echo "whole process tree, ${wait_s} s after launch, ${rounds} rounds, MiB (low-high, mean):"
awk -v small_db="$(basename "$(dirname "$small")")" -v big_db="$(basename "$(dirname "$big")")" '
  {
    for (i = 2; i <= NF; i++) if (split($i, kv, "=") == 2) v[kv[1]] = kv[2]
    k = $1; n[k]++
    for (m in v) {
      s[k, m] += v[m]
      if (!((k, m) in lo) || v[m] < lo[k, m]) lo[k, m] = v[m]
      if (!((k, m) in hi) || v[m] > hi[k, m]) hi[k, m] = v[m]
    }
  }
  function show(k, label) {
    if (!n[k]) return
    printf "  %-40s PSS %d-%d (%.0f)  anon %d-%d (%.0f)  RSS %.0f\n", label,
      lo[k, "pss_mib"], hi[k, "pss_mib"], s[k, "pss_mib"] / n[k],
      lo[k, "anon_mib"], hi[k, "anon_mib"], s[k, "anon_mib"] / n[k], s[k, "rss_mib"] / n[k]
  }
  function diff(a, b, label) {
    if (!n[a] || !n[b]) return
    printf "  %-40s PSS %+.0f  anon %+.0f  RSS %+.0f\n", label,
      s[a, "pss_mib"] / n[a] - s[b, "pss_mib"] / n[b], s[a, "anon_mib"] / n[a] - s[b, "anon_mib"] / n[b],
      s[a, "rss_mib"] / n[a] - s[b, "rss_mib"] / n[b]
  }
  END {
    show("empty", "empty history (first-run screen)")
    show("small", "small history (" small_db ")")
    show("big", "large history (" big_db ")")
    diff("big", "empty", "large minus empty")
    diff("big", "small", "large minus small")
  }' "$results"
echo "(PSS splits shared libraries among every process mapping them, so it drops while another WebKit app runs"
echo " on the machine; anon, the anonymous memory, does not: compare anon when the machine is shared.)"
