#!/usr/bin/env bash
# Debian packages Laurel needs beside Python: a Hangul font for PNG rendering,
# gettext for message catalogs, chromium for the browser tests and node/npm for cross-checks.
# Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail
want=()
[ -d /usr/share/fonts/truetype/nanum ] || want+=(fonts-nanum)
command -v msgfmt >/dev/null || want+=(gettext)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null || want+=(chromium)
  # Node runs independent cross-checks (canonical JSON numbers against JSON.stringify).
  command -v node >/dev/null || want+=(nodejs)
  # npm installs the independent credential verifier the interop tests run (tests/interop).
  command -v npm >/dev/null || want+=(npm)
fi
[ ${#want[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${want[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
