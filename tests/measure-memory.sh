#!/usr/bin/env bash
# Idle memory of a whole process tree (the app plus its WebKit processes), as summed PSS, measured
# under Xvfb N seconds after launch. Usage: measure-memory.sh SECONDS BINARY [ARGS...]
# Prints "<binary> pss_mib=<n> rss_mib=<n> anon_mib=<n> processes=<n>"; with MEASURE_MEMORY_DETAIL=1, also each
# process's figures on stderr. anon is the anonymous memory (heaps, the page's JavaScript and DOM): unlike PSS
# it does not change when another program maps the same libraries (a second WebKit app running at the same
# time lowers this one's PSS by tens of MiB).
# MEASURE_AFTER_LAUNCH, when set, is a shell command run right after the launch (e.g. closing a window with
# xdotool); the SECONDS of waiting start after it.
set -euo pipefail
wait_s=$1; shift
"$@" >/dev/null 2>&1 &
pid=$!
if [ -n "${MEASURE_AFTER_LAUNCH:-}" ]; then bash -c "$MEASURE_AFTER_LAUNCH"; fi
sleep "$wait_s"
tree() { echo "$1"; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; }
pss=0; rss=0; anon=0; n=0
for p in $(tree "$pid"); do
  read -r p_pss p_rss p_anon < <(awk '/^Pss:/{pss=$2} /^Rss:/{rss=$2} /^Anonymous:/{anon=$2}
    END{print pss+0, rss+0, anon+0}' /proc/"$p"/smaps_rollup 2>/dev/null || echo "0 0 0")
  pss=$((pss + p_pss)); rss=$((rss + p_rss)); anon=$((anon + p_anon)); n=$((n + 1))
  if [ -n "${MEASURE_MEMORY_DETAIL:-}" ]; then
    echo "  $(cat /proc/"$p"/comm 2>/dev/null || echo "$p") pss_mib=$((p_pss / 1024)) anon_mib=$((p_anon / 1024))" >&2
  fi
done
kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
echo "$(basename "$1") pss_mib=$((pss / 1024)) rss_mib=$((rss / 1024)) anon_mib=$((anon / 1024)) processes=$n"
