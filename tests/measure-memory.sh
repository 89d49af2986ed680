#!/usr/bin/env bash
# Idle memory of a whole process tree (the app plus its WebKit processes), as summed PSS, measured
# under Xvfb N seconds after launch. Usage: measure-memory.sh SECONDS BINARY [ARGS...]
# Prints "<binary> pss_mib=<n> rss_mib=<n> processes=<n>".
set -euo pipefail
wait_s=$1; shift
"$@" >/dev/null 2>&1 &
pid=$!
sleep "$wait_s"
tree() { echo "$1"; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; }
pss=0; rss=0; n=0
for p in $(tree "$pid"); do
  read -r p_pss p_rss < <(awk '/^Pss:/{pss=$2} /^Rss:/{rss=$2} END{print pss+0, rss+0}' /proc/"$p"/smaps_rollup 2>/dev/null || echo "0 0")
  pss=$((pss + p_pss)); rss=$((rss + p_rss)); n=$((n + 1))
done
kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
echo "$(basename "$1") pss_mib=$((pss / 1024)) rss_mib=$((rss / 1024)) processes=$n"
