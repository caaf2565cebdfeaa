#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (gnome-keyring) on a
# private D-Bus session, in fresh temporary folders, so tests store, read
# and delete real keychain entries without touching the user's keyring.
# Nothing is left running afterwards: the session ends with the command.
set -euo pipefail
if [ "${GOLIVE_IN_KEYRING_SESSION:-}" != 1 ]; then
  exec env GOLIVE_IN_KEYRING_SESSION=1 dbus-run-session -- "$0" "$@"
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# --unlock reads the new login keyring's password from stdin; the second call
# registers the bus name before the tests start asking for it.
eval "$(printf 'golive-test-keyring' | gnome-keyring-daemon --daemonize --unlock --components=secrets)"
eval "$(gnome-keyring-daemon --start --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
"$@"
