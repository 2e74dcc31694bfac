#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; Playwright never downloads a browser here.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium absent : installation du paquet Debian chromium"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
