#!/usr/bin/env bash
# Whole-tree idle memory of the app in its tray states (issue 6), one app at a time, 3 rounds each, inside one
# X server and D-Bus session (see `make bench-tray`). Usage: measure-tray-memory.sh APP X11_HELPER
#   main open       the app as started, its main window shown
#   tray            the main window closed (to the tray) and, 2 s later, its page closed (main_idle_close_secs)
#   started hidden  started in the tray (--hidden, as at login): no window was ever made
#   tray + quick    started hidden, the quick window opened with the shortcut and hidden again with Esc
set -euo pipefail
app=$1; helper=$2
here=$(dirname "$0")
fresh() {
  local dir; dir=$(mktemp -d)
  printf '{"settings":{"quick":{"main_idle_close_secs":2}}}' >"$dir/settings.json"
  echo "$dir"
}
for round in 1 2 3; do
  echo "round $round"
  printf '  main open:      '
  "$here/measure-memory.sh" 8 "$app" --data-dir "$(fresh)"
  printf '  tray:           '
  MEASURE_AFTER_LAUNCH="sleep 4; $helper close 'OpenRouter Desktop' >/dev/null" \
    "$here/measure-memory.sh" 8 "$app" --data-dir "$(fresh)"
  printf '  started hidden: '
  "$here/measure-memory.sh" 8 "$app" --data-dir "$(fresh)" --hidden
  printf '  tray + quick:   '
  MEASURE_AFTER_LAUNCH="sleep 4; xdotool key ctrl+shift+space; sleep 3; xdotool key Escape" \
    "$here/measure-memory.sh" 6 "$app" --data-dir "$(fresh)" --hidden
done
