#!/usr/bin/env bash
# Opens the desktop app. Without a display it says so, runs the app under
# Xvfb and saves a screenshot of its window, so a headless machine shows that
# it works too; in CI or without a terminal it then stops the app.
set -euo pipefail
cd "$(dirname "$0")/.."
app="$1"

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$app"
fi

screenshot="$PWD/target/golive-window.png"
echo "run: no display found, so golive runs under Xvfb (a virtual display)."
export RUN_APP="$app" RUN_SHOT="$screenshot"
export RUN_KEEP=$([ -z "${CI:-}" ] && [ -t 0 ] && echo 1 || echo 0)
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "$RUN_APP" &
  app=$!
  # Give WebKit time to start and paint the first screen.
  for _ in $(seq 1 40); do
    sleep 0.5
    kill -0 "$app" 2>/dev/null || { wait "$app"; echo "run: golive exited early (status $?); see its log folder" >&2; exit 1; }
  done
  import -window root "$RUN_SHOT"
  echo "run: screenshot of the golive window: $RUN_SHOT"
  if [ "$RUN_KEEP" = 1 ]; then
    echo "run: golive keeps running on the virtual display; press Ctrl+C to stop it."
    wait "$app"
  else
    kill -TERM "$app"; wait "$app" 2>/dev/null || true
    echo "run: stopped golive (no terminal to keep it for)."
  fi
'
