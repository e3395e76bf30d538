#!/bin/sh
# Checks deploy/systemd/netdata-slack-bridge.service with `systemd-analyze verify` and fails on
# any complaint, warnings included (verify itself exits 0 on unknown keys and typos).
#
# It verifies a copy in a temporary directory, so nothing needs installing first. verify
# requires ExecStart's program to exist: the unit runs `/usr/bin/env node ...`, so /usr/bin/env
# must exist, and `node` must be on the PATH systemd gives services, which is checked here too
# because verify cannot see through env. The script path under /opt is not checked: it only
# exists after the install steps in README.md.
#
# Usage: deploy/systemd/verify.sh [path/to/unit.service]
set -eu

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
unit=${1:-"$here/netdata-slack-bridge.service"}
name=$(basename -- "$unit")

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "verify.sh: systemd-analyze not found (Debian: apt-get install systemd)" >&2
  exit 2
fi

# The PATH systemd sets for services on Debian 12 (systemd 252).
service_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin
if ! PATH=$service_path command -v node >/dev/null 2>&1; then
  echo "verify.sh: node is not in $service_path, where the unit's /usr/bin/env looks for it" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
cp -- "$unit" "$work/$name"

# --man=no: the Documentation= file only exists once installed.
status=0
( cd "$work" && systemd-analyze verify --man=no "./$name" ) >"$work/out" 2>&1 || status=$?

if [ "$status" -ne 0 ] || [ -s "$work/out" ]; then
  echo "verify.sh: systemd-analyze verify complained about $unit:" >&2
  cat "$work/out" >&2
  exit 1
fi

echo "verify.sh: $name verified"
