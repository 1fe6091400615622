#!/usr/bin/env bash
# One command for a fresh machine: create (or reuse) .venv, install the app and test tools,
# install Debian's chromium for the browser tests when we may (root + apt-get), run every test.
# Extra arguments go to pytest (e.g. -k members). The quick loop: scripts/test.sh -n 2 -m "not slow and not e2e".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
ensure_venv requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
  else
    echo "NOTE: /usr/bin/chromium missing and not root: browser tests (tests/e2e) will be skipped."
    echo "      Install it with: sudo apt-get install chromium"
  fi
fi
exec "$VENV/bin/python" -m pytest "$@"
