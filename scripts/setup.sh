#!/usr/bin/env bash
# Installs what building, running and testing golive needs, skipping what is
# there already: Debian packages (WebKitGTK, Xvfb, WebKitWebDriver, …),
# tauri-driver and cargo-nextest from crates.io, and the UI's npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libwebkit2gtk-4.1-dev # Tauri's webview (brings GTK 3, libsoup 3, JavaScriptCore)
  pkg-config
  xvfb xauth            # a virtual display for headless runs and the end-to-end tests
  webkit2gtk-driver     # WebKitWebDriver, driven through tauri-driver
  imagemagick           # screenshots of headless runs (`import`)
  xdg-utils             # xdg-open: evidence links open in the system browser
  xdotool               # the end-to-end tests answer native file dialogs with it
  dbus gnome-keyring    # a real Secret Service (OS keychain) for the tests: scripts/with-keyring.sh
  dunst                 # a real notification daemon: the tests see alerts' desktop notifications arrive
  curl                  # the baseline of the health-sweep benchmark (make bench)
)

if command -v dpkg-query >/dev/null; then
  missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" -eq 0 ]; then
      sudo=()
    elif command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "setup: these Debian packages are missing and I cannot install them without root: ${missing[*]}" >&2
      echo "setup: install them with: apt-get install ${missing[*]}" >&2
      exit 1
    fi
    echo "setup: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not a Debian system; make sure WebKitGTK 4.1 (or your platform's webview), Xvfb and WebKitWebDriver are installed" >&2
fi

if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --version 2.1.0
fi
if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest"
  cargo install cargo-nextest --locked
fi

# npm ci only when node_modules is missing or older than the lock file.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: installing the UI's npm packages"
  npm --prefix ui ci --no-audit --no-fund
fi
