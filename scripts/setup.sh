#!/usr/bin/env bash
# Installs what building and testing Carnet needs on a fresh Debian
# machine of this project's kind: system packages for Tauri 2 (WebKitGTK)
# and its WebDriver tests (Xvfb, WebKitWebDriver), PostgreSQL and systemd's
# tools for the server's tests, node and npm, the UI's
# npm packages, and tauri-driver. Sourced by scripts/run.sh and
# scripts/test.sh; safe to run again (it only installs what is missing).
set -euo pipefail

carnet_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

apt_packages=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libgtk-3-dev
  pkg-config xvfb xauth webkit2gtk-driver dbus-x11 at-spi2-core ca-certificates
  libxml2-utils poppler-utils gnome-keyring systemd postgresql
)
need_apt=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing system packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is missing: install Rust (https://rustup.rs) and run this again." >&2
  exit 1
fi

# The UI's packages, as locked (again only when the lockfile changed).
# `npm install`, not `npm ci`: the registry this machine uses holds only the
# Linux builds of some packages' optional platform binaries, so the lockfile
# has no entries for the others, which `npm ci` refuses; `npm install`
# follows the lockfile and leaves it unchanged.
ui_stamp="$carnet_root/ui/node_modules/.carnet-lock"
if [ ! -f "$ui_stamp" ] || ! cmp -s "$carnet_root/ui/package-lock.json" "$ui_stamp"; then
  echo "Installing the UI's npm packages" >&2
  (cd "$carnet_root/ui" && npm install --no-audit --no-fund --loglevel=error)
  cp "$carnet_root/ui/package-lock.json" "$ui_stamp"
fi

# tauri-driver, the WebDriver bridge the end-to-end tests drive the app through.
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "Installing tauri-driver" >&2
  cargo install tauri-driver --version ^2 --locked -q
fi
export PATH="$HOME/.cargo/bin:$PATH"

# The desktop shell embeds the built UI: build it when its sources are newer.
carnet_build_ui() {
  local dist="$carnet_root/ui/dist/index.html"
  if [ ! -f "$dist" ] || [ -n "$(find "$carnet_root/ui/src" "$carnet_root/ui/index.html" "$carnet_root/ui/package-lock.json" -newer "$dist" -print -quit)" ]; then
    echo "Building the UI" >&2
    (cd "$carnet_root/ui" && npm run build --silent >/dev/null)
  fi
}
carnet_build_ui
